"""Typed callback data for every button Safar sends. Content buttons carry short node refs,
so callback data stays far below Telegram's 64 bytes whatever the node ids are."""

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData

from bot.callback_prefixes import CALLBACK_PREFIX_ANSWER, CALLBACK_PREFIX_GO


class OpenNode(CallbackData, prefix=CALLBACK_PREFIX_GO):
    ref: str


class AnswerCheck(CallbackData, prefix=CALLBACK_PREFIX_ANSWER):
    ref: str
    index: int


class NavTarget(StrEnum):
    BACK = "back"
    HOME = "home"
    HELP = "help"


class Navigate(CallbackData, prefix="n"):
    to: NavTarget


class ChooseLanguage(CallbackData, prefix="l"):
    code: str


class ConfirmForget(CallbackData, prefix="f"):
    confirmed: bool


class ClearChat(CallbackData, prefix="clr"):
    """Delete the bot's recent messages in this chat."""


class ChooseNews(CallbackData, prefix="nw"):
    """Yes or no to Safar's news broadcasts (a choice of its own, never implied by reminders)."""

    wanted: bool


class StartFeature(CallbackData, prefix="t"):
    """A lesson button that opens a tool: the agency check or the offer report."""

    name: str


class ReportChoice(CallbackData, prefix="r"):
    step: str
    """'p' for the problem, 'c' for the country."""
    value: str


class SkipDetails(CallbackData, prefix="rs"):
    pass


class ReviewReports(CallbackData, prefix="rv"):
    ref: str


class RemindMenu(CallbackData, prefix="rm"):
    action: str
    value: str = ""


class PickDate(CallbackData, prefix="cal"):
    """A calendar button: a day (day > 0) or a month to show (day = 0)."""

    purpose: str
    year: int
    month: int
    day: int = 0


class ReminderButton(CallbackData, prefix="rmd"):
    """A button under a delivered reminder."""

    action: str
    ref: str = ""


class BroadcastAction(CallbackData, prefix="bc"):
    action: str
    value: str = ""
