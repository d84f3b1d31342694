"""What a person in an open case is answered, besides the relay (which stays unchanged): "sent" once
a burst, the hotlines when the words read as danger, and outside working hours when counsellors are
back (bot/services/case_replies.py decides which). Also what `/start` says in the middle of a case.

These are replies in the person's own chat, never writing into the counsellors' group, so they take
nothing of the group's budget (about 20 messages a minute)."""

import html

from aiogram.types import InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.content.rendering import Citizenship
from bot.handlers.callback_data import DeskStep
from bot.handlers.counsellor_hours import moment
from bot.handlers.search import MAX_QUERY_CHARS, show_danger
from bot.i18n import N_
from bot.services.case_replies import CaseReply
from bot.services.content_holder import ContentHolder
from bot.services.counsellor_desk import CounsellorDesk
from bot.storage.stores.counsellor_cases import OpenCase

END_LABEL = N_("End conversation")
SENT = N_("📨 Sent to the counsellor. The answer will come here; you can keep writing.")
SENT_WHILE_AWAY = N_(
    "📨 Sent. Counsellors are not at work now: they are back {when}. If you are in danger now, "
    "do not wait for them: call a hotline, /sos"
)
AWAY = N_("Counsellors are not at work now: they are back {when}.")
DANGER_IN_CASE = N_(
    "📨 This went to the counsellor too (case {number}): you are still in the conversation, and the "
    "answer will come here. If you are in danger now, do not wait for it."
)
STILL_OPEN = N_(
    "You are still talking to a counsellor (case {number}): everything you type here goes to them. "
    "The buttons below work as usual. To stop, press End conversation."
)


def end_markup() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_(END_LABEL), callback_data=DeskStep(step="end"))
    return builder.as_markup()


def away_line(desk: CounsellorDesk) -> str | None:
    """When counsellors are back, while they are away."""
    back = desk.back_at()
    return None if back is None else _(AWAY).format(when=moment(back, desk.settings.time_zone))


async def answer_in_case(
    message: Message,
    desk: CounsellorDesk,
    case: OpenCase,
    content: ContentHolder | None,
    language: str,
    passport_country: Citizenship = None,
) -> None:
    """After the message was queued for the counsellors: the one reply it calls for, if any."""
    words = message.text or message.caption or ""
    loaded = content.current if content is not None else None
    danger = loaded.search.danger_in(words[:MAX_QUERY_CHARS]) if loaded is not None and words else None
    back = desk.back_at()
    reply, tell_back = desk.replies.on_message(
        case.case_id, danger=danger is not None and danger.is_danger, back_at=back
    )
    when = moment(back, desk.settings.time_zone) if back is not None else ""
    if reply is CaseReply.DANGER and loaded is not None and danger is not None:
        lead = _(DANGER_IN_CASE).format(number=f"#{case.case_id}")
        if tell_back:
            lead += "\n" + _(AWAY).format(when=when)
        await show_danger(message, loaded.curriculum, danger, language, None, passport_country, lead=lead)
    elif reply is CaseReply.CLOSED:
        await message.reply(html.escape(_(SENT_WHILE_AWAY).format(when=when)))
    elif reply is CaseReply.SENT:
        await message.reply(html.escape(_(SENT)))


async def tell_case_still_open(message: Message, desk: CounsellorDesk | None, user_key: str) -> None:
    """`/start` in the middle of a case: the menu alone would hide that typing still goes to the group."""
    if desk is None or not user_key or (case := await desk.case_of(user_key)) is None:
        return
    await message.answer(html.escape(_(STILL_OPEN).format(number=f"#{case.case_id}")), reply_markup=end_markup())
