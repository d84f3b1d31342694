"""Typed callback data for every button Safar sends. Content buttons carry short node refs,
so callback data stays far below Telegram's 64 bytes whatever the node ids are."""

from enum import StrEnum
from typing import Annotated, Literal

from aiogram.filters.callback_data import CallbackData
from pydantic import Field

from bot.callback_prefixes import CALLBACK_PREFIX_ANSWER, CALLBACK_PREFIX_GO
from bot.content.curriculum import REF_LENGTH


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


NodeRef = Annotated[str, Field(min_length=1, max_length=REF_LENGTH)]


class CalledContact(CallbackData, prefix="cc"):
    """ "I called" under a screen with contacts: which one (index -1: ask which), then the answers."""

    ref: NodeRef
    index: int = Field(default=-1, ge=-1, le=49)


class ContactAnswer(CallbackData, prefix="ca"):
    ref: NodeRef
    index: int = Field(ge=0, le=49)
    outcome: Literal["answered", "no_answer", "wrong_number"]


class FlagScreen(CallbackData, prefix="fs"):
    """ "This is wrong or out of date": 'ask' shows the reasons, a reason counts the flag."""

    ref: NodeRef
    reason: Literal["ask", "number", "outdated", "other"]


class FeedbackBack(CallbackData, prefix="fx"):
    """Leave the feedback buttons: the screen's own keyboard comes back."""

    ref: NodeRef
