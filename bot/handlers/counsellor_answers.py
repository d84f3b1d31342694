"""What the relay queue says (bot/services/counsellor_relays.py), and the person's "Show".

A counsellor's answer arrives discreetly, as reminders do: "💬 New answer" on a locked screen tells
whoever holds the phone nothing; "Show" copies the waiting answers. The button carries the case
number only, and the answers are looked up by the presser's own key: a forged or stale "Show"
shows nothing and says why.
"""

import html

from aiogram import Router
from aiogram.types import CallbackQuery, InlineKeyboardMarkup
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.handlers.callback_data import ShowAnswers
from bot.handlers.counsellors import NOT_DELIVERED
from bot.i18n import N_
from bot.i18n import reminders as reminder_texts
from bot.services.counsellor_relays import RelayQueue

NEW_ANSWER = N_("💬 New answer")
NEW_ANSWER_HINT = N_("Tap “Show” to read it.")
NOTHING_TO_SHOW = N_("Nothing to show: the answer was shown already, or this conversation has ended.")
"""A button's alert: Telegram shows at most 200 characters."""
COUNSELLOR_BLOCKED = N_("Not delivered: the person has blocked Safar. Nothing more can reach them.")
COUNSELLOR_REFUSED = N_(
    "Not delivered: Telegram refused this message (a file over 50 MB, or a kind of message that cannot be copied). "
    "Send it another way."
)

CASE_ENDED = N_("The person ended the conversation; the case is closed.")


class RelayNotices:
    """`RelayTexts` in each side's language: the person's, and the counsellors' group's."""

    def __init__(self, i18n: I18n, group_language: str = "en") -> None:
        self._i18n = i18n
        self._group_language = group_language

    def new_answer(self, language: str, case_id: int) -> tuple[str, InlineKeyboardMarkup]:
        gettext = self._i18n.gettext
        builder = InlineKeyboardBuilder()
        builder.button(text=gettext(reminder_texts.SHOW, locale=language), callback_data=ShowAnswers(case=case_id))
        text = f"{gettext(NEW_ANSWER, locale=language)}\n{gettext(NEW_ANSWER_HINT, locale=language)}"
        return html.escape(text), builder.as_markup()

    def person_not_relayed(self, language: str) -> str:
        return html.escape(self._i18n.gettext(NOT_DELIVERED, locale=language))

    def counsellor_not_relayed(self, blocked: bool) -> str:
        return self._i18n.gettext(COUNSELLOR_BLOCKED if blocked else COUNSELLOR_REFUSED, locale=self._group_language)

    def case_ended(self) -> str:
        return self._i18n.gettext(CASE_ENDED, locale=self._group_language)


async def show_answers(
    query: CallbackQuery,
    callback_data: ShowAnswers,
    callback_answer: CallbackAnswer,
    user_key: str,
    relays: RelayQueue | None = None,
) -> None:
    shown = await relays.show(user_key, callback_data.case) if relays is not None else 0
    if not shown:
        callback_answer.text = _(NOTHING_TO_SHOW)
        callback_answer.show_alert = True


def build_router() -> Router:
    router = Router(name="counsellor_answers")
    router.callback_query.register(show_answers, ShowAnswers.filter())
    return router
