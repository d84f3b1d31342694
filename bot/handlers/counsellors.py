"""The person's side of the counsellors' desk: the offer, the consent screen, the conversation
relayed while a case is open, and its end. Without COUNSELLORS_CHAT_ID none of it is reachable."""

import html
import logging
from contextlib import suppress
from typing import Any

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import Filter
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.common.staff_roles import StaffRoles
from bot.handlers.callback_data import ClearChat, DeskHelped, DeskStep
from bot.handlers.counsellor_feedback import ask_if_it_helped, helped
from bot.handlers.filters import PrivateChat
from bot.handlers.screens import replace_screen
from bot.i18n import N_
from bot.services.counsellor_desk import CounsellorDesk, DeskUnavailable
from bot.storage.stores.counsellor_cases import OpenCase

log = logging.getLogger(__name__)
DESK_LOST = (
    "The counsellors' group refused Safar (removed, or its rights to manage topics taken away): "
    '"Talk to a person" is hidden from everyone. Give Safar back its administrator rights there and restart it.'
)
TALK_LABEL = N_("💬 Talk to a person")
NOT_DELIVERED = N_("This message could not reach the counsellors. /sos shows the hotlines, which can help at once.")
UNAVAILABLE = N_("Counsellors cannot be reached right now. /sos shows the hotlines, which can help at once.")


def desk_open(desk: CounsellorDesk | None) -> bool:
    """The offer is shown only with a counsellors' group that still lets Safar in."""
    return desk is not None and desk.available


def talk_button(message_id: int = 0) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=_(TALK_LABEL), callback_data=DeskStep(step="offer", message=message_id).pack())


def with_talk_button(markup: InlineKeyboardMarkup, desk: CounsellorDesk | None) -> InlineKeyboardMarkup:
    """A screen's keyboard with "Talk to a person" under it, when the desk is open."""
    if not desk_open(desk):
        return markup
    return InlineKeyboardMarkup(inline_keyboard=[*markup.inline_keyboard, [talk_button()]])


def consent_text(desk: CounsellorDesk) -> str:
    settings = desk.settings
    start, end = settings.hours
    hours = int(settings.answer_within.total_seconds() // 3600)
    return _(
        "<b>{organisation}</b> can answer you here, in this chat. Counsellors work Monday to Friday, "
        "{start}:00–{end}:00 ({zone}), and usually answer within {hours} hours.\n\n"
        "<b>What the counsellor sees:</b> a case number and your language. Never your name, username, "
        "phone number or profile.\n"
        "Everything you send arrives as you sent it: your voice in a voice message, your face in a video, "
        "a file's name and everything inside it (a picture sent as a file keeps where and when it was "
        "taken: send pictures as photos). Contacts and locations are not passed on.\n\n"
        "You can end the conversation at any time."
    ).format(
        organisation=html.escape(settings.organisation), start=f"{start:02d}", end=f"{end:02d}",
        zone=html.escape(str(settings.time_zone)), hours=hours,
    )  # fmt: skip


def end_markup() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("End conversation"), callback_data=DeskStep(step="end"))
    return builder.as_markup()


def ended_markup(locale: str | None = None) -> InlineKeyboardMarkup:
    """`locale`: the person's, when a counsellor ends the case (the update is the counsellor's)."""
    builder = InlineKeyboardBuilder()
    builder.button(text=_("🧹 Clear this chat", locale=locale), callback_data=ClearChat())
    return builder.as_markup()


async def offer(query: CallbackQuery, callback_data: DeskStep, desk: CounsellorDesk | None, user_key: str) -> None:
    if desk is None or not desk.available:
        await replace_screen(query, html.escape(_(UNAVAILABLE)), None)
        return
    if await desk.case_of(user_key) is not None:
        await replace_screen(query, html.escape(_("You are already talking to a counsellor: just write here.")), None)
        return
    builder = InlineKeyboardBuilder()
    builder.button(text=_("Start"), callback_data=DeskStep(step="start", message=callback_data.message))
    builder.button(text=_("Not now"), callback_data=DeskStep(step="no"))
    await replace_screen(query, consent_text(desk), builder.as_markup())


async def start(
    query: CallbackQuery,
    callback_data: DeskStep,
    desk: CounsellorDesk | None,
    user_key: str,
    language: str,
    staff: StaffRoles,
) -> None:
    if desk is None or not desk.available or query.message is None:
        await replace_screen(query, html.escape(_(UNAVAILABLE)), None)
        return
    if await desk.case_of(user_key) is not None:  # a second tap on Start
        await replace_screen(query, html.escape(_("You are already talking to a counsellor: just write here.")), None)
        return
    chat_id = query.message.chat.id
    try:
        opened = await desk.open(user_key, chat_id, language)
    except DeskUnavailable:
        await replace_screen(query, html.escape(_(UNAVAILABLE)), None)
        await tell_staff_desk_lost(query.bot, staff)
        return
    hours = int(desk.settings.answer_within.total_seconds() // 3600)
    text = _(
        "You are talking to a counsellor now (case {number}). Write your question here, or send a voice "
        "message; a counsellor usually answers within {hours} hours. Answers come here, from Safar."
    ).format(number=f"#{opened.case_id}", hours=hours)
    if not opened.in_hours:
        text += "\n\n" + _(
            "Counsellors are not at work now: they will answer when they are back. If you are in danger now, "
            "call a hotline: /sos"
        )
    await replace_screen(query, html.escape(text), end_markup())
    case = await desk.case_of(user_key)
    if callback_data.message and case is not None:  # the voice note or picture that led here
        await relay_or_tell(query.message.chat.id, callback_data.message, desk, case, query.bot, staff)


async def tell_staff_desk_lost(bot: Bot | None, staff: StaffRoles) -> None:
    """The group refused Safar: the offer is gone from people's screens until staff fix it."""
    log.warning("counsellors: the counsellors' group refused Safar; the offer is hidden until the next start")
    if bot is None:
        return
    for staff_id in sorted(staff.ids):
        with suppress(TelegramAPIError):  # a staff member who blocked the bot is told by the log
            await bot.send_message(staff_id, DESK_LOST, parse_mode=None)


async def not_now(query: CallbackQuery) -> None:
    await replace_screen(query, html.escape(_("All right. /sos shows the hotlines; /menu the lessons.")), None)


async def end(query: CallbackQuery, desk: CounsellorDesk | None, user_key: str) -> None:
    case = await desk.case_of(user_key) if desk is not None else None
    closed = desk is not None and case is not None and await desk.close(case, by_person=True)
    await replace_screen(
        query,
        html.escape(
            _(
                "The conversation has ended. To remove it from this phone, clear the chat. "
                "You can talk to a person again from /sos."
            )
        ),
        ended_markup(),
    )
    if closed and case is not None:
        await ask_if_it_helped(query.bot, query.from_user.id, case)


class InOpenCase(Filter):
    """A message of a person whose case is open (commands go on to their handlers)."""

    async def __call__(self, message: Message, desk: CounsellorDesk | None = None, user_key: str = "") -> Any:
        if desk is None or not user_key or (message.text or "").startswith("/"):
            return False
        case = await desk.case_of(user_key)
        return {"case": case} if case is not None else False


async def relay_or_tell(
    chat_id: int, message_id: int, desk: CounsellorDesk, case: OpenCase, bot: Bot | None, staff: StaffRoles | None
) -> None:
    """Copied into the case's topic; if the group refuses, the person is told and the offer disappears."""
    try:
        await desk.from_person(case, message_id)
    except DeskUnavailable:
        assert bot is not None
        await bot.send_message(chat_id, html.escape(_(NOT_DELIVERED)))
        if staff is not None:
            await tell_staff_desk_lost(bot, staff)


async def relay(message: Message, desk: CounsellorDesk, case: OpenCase, staff: StaffRoles) -> None:
    if message.contact is not None or message.location is not None or message.venue is not None:
        await message.answer(
            html.escape(_("Contacts and locations are not passed on. If the counsellor should know, type it."))
        )
        return
    await relay_or_tell(message.chat.id, message.message_id, desk, case, message.bot, staff)


async def offer_for_media(message: Message) -> None:
    """A voice note, picture, video or file outside a case: Safar cannot read it, a person can."""
    builder = InlineKeyboardBuilder()
    builder.add(talk_button(message.message_id))
    await message.answer(
        html.escape(
            _(
                "Safar cannot listen to voice messages or read pictures and files, but a counsellor can. "
                "Or choose a topic with /menu."
            )
        ),
        reply_markup=builder.as_markup(),
    )


def build_router() -> Router:
    router = Router(name="counsellors")
    router.message.filter(PrivateChat())
    router.message.register(relay, InOpenCase())
    router.callback_query.register(offer, DeskStep.filter(F.step == "offer"))
    router.callback_query.register(start, DeskStep.filter(F.step == "start"))
    router.callback_query.register(not_now, DeskStep.filter(F.step == "no"))
    router.callback_query.register(end, DeskStep.filter(F.step == "end"))
    router.callback_query.register(helped, DeskHelped.filter())
    return router
