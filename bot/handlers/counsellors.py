"""The person's side of the counsellors' desk: the offer, the consent screen, the conversation
relayed while a case is open, and its end. Without COUNSELLORS_CHAT_ID none of it is reachable.

`build_router` is where an incoming message's way is decided, in the issue's order."""

import html
import logging
from contextlib import suppress
from datetime import datetime
from typing import Any

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import Filter, StateFilter
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.common.staff_roles import StaffRoles
from bot.content.rendering import Citizenship
from bot.handlers.adverts import AnAdvert, read_advert
from bot.handlers.callback_data import ClearChat, DeskHelped, DeskStep
from bot.handlers.counsellor_feedback import ask_if_it_helped, helped
from bot.handlers.counsellor_hours import moment, working_hours
from bot.handlers.counsellor_replies import answer_in_case, end_markup
from bot.handlers.filters import PrivateChat
from bot.handlers.screens import TALK_LABEL, replace_screen
from bot.i18n import N_
from bot.services.content_holder import ContentHolder
from bot.services.counsellor_desk import CounsellorDesk, DeskUnavailable, desk_open
from bot.storage.stores.counsellor_cases import OpenCase
from bot.storage.stores.user_settings import UserSettingsStore

log = logging.getLogger(__name__)
TOPIC_COUNTRIES = ("TJ", "UZ", "KG")
"""Passport countries a topic's name may carry ("other" says nothing worth showing)."""
DESK_LOST = (
    "The counsellors' group refused Safar (removed, or its rights to manage topics taken away): "
    '"Talk to a person" is hidden from everyone. Give Safar back its administrator rights there and restart it.'
)
NOT_DELIVERED = N_("This message could not reach the counsellors. /sos shows the hotlines, which can help at once.")
UNAVAILABLE = N_("Counsellors cannot be reached right now. /sos shows the hotlines, which can help at once.")


def talk_button(message_id: int = 0) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=_(TALK_LABEL), callback_data=DeskStep(step="offer", message=message_id).pack())


def with_talk_button(markup: InlineKeyboardMarkup, desk: CounsellorDesk | None) -> InlineKeyboardMarkup:
    """A screen's keyboard with "Talk to a person" under it, when the desk is open."""
    if not desk_open(desk):
        return markup
    return InlineKeyboardMarkup(inline_keyboard=[*markup.inline_keyboard, [talk_button()]])


def consent_text(desk: CounsellorDesk) -> str:
    settings = desk.settings
    hours = int(settings.answer_within.total_seconds() // 3600)
    return _(
        "<b>{organisation}</b> can answer you here, in this chat. Counsellors work Monday to Friday, "
        "{working_hours}, and usually answer within {hours} hours.\n\n"
        "<b>What the counsellor sees:</b> a case number, your language and the country of your passport "
        "if you told Safar. Never your name, username, phone number or profile.\n"
        "Everything you send arrives as you sent it: your voice in a voice message, your face in a video, "
        "a file's name and everything inside it (a picture sent as a file keeps where and when it was "
        "taken: send pictures as photos). A contact or location you share is passed on only if you "
        "confirm it.\n\n"
        "You can end the conversation at any time."
    ).format(
        organisation=html.escape(settings.organisation),
        working_hours=html.escape(working_hours(settings, desk.now())), hours=hours,
    )  # fmt: skip


def ended_markup(locale: str | None = None) -> InlineKeyboardMarkup:
    """`locale`: the person's, when a counsellor ends the case (the update is the counsellor's)."""
    builder = InlineKeyboardBuilder()
    builder.button(text=_("🧹 Clear this chat", locale=locale), callback_data=ClearChat())
    return builder.as_markup()


def blocked_text(until: datetime) -> str:
    return _(
        "The counsellors cannot take a new conversation from you before {day}. If you are in danger now, "
        "the hotlines can help at once: /sos"
    ).format(day=f"{until:%d.%m.%Y}")


async def offer(query: CallbackQuery, callback_data: DeskStep, desk: CounsellorDesk | None, user_key: str) -> None:
    if desk is None or not desk.available:
        await replace_screen(query, html.escape(_(UNAVAILABLE)), None)
        return
    if (until := await desk.blocked_until(user_key)) is not None:
        await replace_screen(query, html.escape(blocked_text(until)), None)
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
    users: UserSettingsStore,
) -> None:
    if desk is None or not desk.available or query.message is None:
        await replace_screen(query, html.escape(_(UNAVAILABLE)), None)
        return
    if await desk.case_of(user_key) is not None:  # a second tap on Start
        await replace_screen(query, html.escape(_("You are already talking to a counsellor: just write here.")), None)
        return
    if (until := await desk.blocked_until(user_key)) is not None:  # a Start from before the block
        await replace_screen(query, html.escape(blocked_text(until)), None)
        return
    chat_id = query.message.chat.id
    country = await users.passport_country(user_key)
    try:
        opened = await desk.open(user_key, chat_id, language, country if country in TOPIC_COUNTRIES else None)
    except DeskUnavailable:
        await replace_screen(query, html.escape(_(UNAVAILABLE)), None)
        await tell_staff_desk_lost(query.bot, staff)
        return
    hours = int(desk.settings.answer_within.total_seconds() // 3600)
    text = _(
        "You are talking to a counsellor now (case {number}). Write your question here, or send a voice "
        "message; a counsellor usually answers within {hours} hours. Answers come here, from Safar."
    ).format(number=f"#{opened.case_id}", hours=hours)
    if not opened.in_hours and (back := desk.back_at()) is not None:
        desk.replies.told_back_at(opened.case_id, back)
        text += "\n\n" + _(
            "Counsellors are not at work now: they are back {when}. If you are in danger now, call a hotline: /sos"
        ).format(when=moment(back, desk.settings.time_zone))
    await replace_screen(query, html.escape(text), end_markup())
    case = await desk.case_of(user_key)
    if callback_data.message and case is not None:  # the voice note or picture that led here
        await desk.from_person(case, callback_data.message)


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


async def relay(
    message: Message,
    desk: CounsellorDesk,
    case: OpenCase,
    language: str,
    content: ContentHolder | None = None,
    passport_country: Citizenship = None,
) -> None:
    """Queued for the case's topic, stored before the update is acknowledged; a copy the group
    refuses is told to the person by the queue (bot/services/counsellor_relays.py). Then the person
    hears what the message calls for: "sent", the hotlines for danger, when counsellors are back."""
    if not await desk.limit.allow(case.case_id, message.media_group_id):
        await tell_not_sent(message, desk)
        return
    await desk.from_person(case, message.message_id)
    await answer_in_case(message, desk, case, content, language, passport_country)


async def tell_not_sent(message: Message, desk: CounsellorDesk) -> None:
    """Over the per-minute limit: the answer quotes the message that was not sent, so the person knows which."""
    await message.reply(
        html.escape(
            _(
                "⏳ Not sent to the counsellor: more than {count} messages in a minute. "
                "Wait a minute, then send this one again."
            ).format(count=desk.settings.messages_per_minute)
        )
    )


async def ask_before_sharing(message: Message) -> None:
    """A contact or location in a case: it says who someone is or where, so it goes only if confirmed."""
    if message.contact is not None:
        question = _("This shares a phone number with the counsellor. Send it?")
    else:
        question = _("This shares where you are with the counsellor. Send it?")
    builder = InlineKeyboardBuilder()
    builder.button(text=_("Send"), callback_data=DeskStep(step="share", message=message.message_id))
    builder.button(text=_("Don't send"), callback_data=DeskStep(step="keep"))
    await message.reply(html.escape(question), reply_markup=builder.as_markup())


async def share(query: CallbackQuery, callback_data: DeskStep, desk: CounsellorDesk | None, user_key: str) -> None:
    """Send, confirmed: copied from the presser's own chat into their own case's topic, or nothing."""
    case = await desk.case_of(user_key) if desk is not None else None
    if desk is None or case is None or query.message is None or not callback_data.message:
        await replace_screen(query, html.escape(_("Not sent: this conversation has ended.")), None)
        return
    if not await desk.limit.allow(case.case_id):
        await replace_screen(query, html.escape(_("Not sent yet: wait a minute, then press Send again.")),
                             query.message.reply_markup if isinstance(query.message, Message) else None)  # fmt: skip
        return
    await replace_screen(query, html.escape(_("Sent to the counsellor.")), None)
    await desk.from_person(case, callback_data.message)


async def keep(query: CallbackQuery) -> None:
    await replace_screen(query, html.escape(_("Not sent. Nothing of it was kept.")), None)


async def not_passed_on(message: Message) -> None:
    """A contact or location outside a case: Safar neither needs nor keeps it."""
    await message.answer(
        html.escape(
            _(
                "Safar does not need a phone number or where you are: it was not kept or passed on to anyone. "
                "Type your question, or choose a topic with /menu."
            )
        )
    )


async def offer_for_media(message: Message) -> None:
    """A voice note, video or file outside a case (pictures go to the advert check): a person can."""
    builder = InlineKeyboardBuilder()
    builder.add(talk_button(message.message_id))
    text = _(
        "Safar cannot listen to voice messages or open videos and files, but a counsellor can. "
        "Or choose a topic with /menu."
    )
    await message.answer(html.escape(text), reply_markup=builder.as_markup())


class DeskIsOpen(Filter):
    """The counsellors' group is set up and still lets Safar in."""

    async def __call__(self, message: Message, desk: CounsellorDesk | None = None) -> bool:
        return desk_open(desk)


class SharesPlaceOrPerson(Filter):
    """A shared contact, location or venue: it says who someone is or where."""

    async def __call__(self, message: Message) -> bool:
        return message.contact is not None or message.location is not None or message.venue is not None


class ForAPerson(Filter):
    """What Safar cannot read but a counsellor can (a voice note, video or file; a forward of one).
    A coroutine, not a magic `F` filter, so it runs on the event loop (tests/test_event_loop_only.py)."""

    async def __call__(self, message: Message) -> bool:
        return message.forward_origin is not None or any(
            (message.photo, message.voice, message.video, message.video_note, message.document)
        )


SHARED_PLACE_OR_PERSON = SharesPlaceOrPerson()
FOR_A_PERSON = ForAPerson()


def build_router() -> Router:
    """An incoming message's way, in this order (this router is the first the root tries):
    1. an open case relays it (a contact or location only once the person confirms it);
    2. outside a lesson tool's step, a job advert is read for red flags (adverts.py): a forward with
       words or a picture, a photo or screenshot, or a pasted text that reads like an advert;
    3. a voice note, video, video note or document (or a forward of one), outside a lesson tool's
       step, is offered to a person (with the desk open);
    4. a contact or location is answered, neither passed on nor kept (with the desk open);
    5. text goes on to the other routers: the matcher (search.py), danger first."""
    router = Router(name="counsellors")
    router.message.filter(PrivateChat())
    router.message.register(ask_before_sharing, InOpenCase(), SHARED_PLACE_OR_PERSON)
    router.message.register(relay, InOpenCase())
    router.message.register(read_advert, StateFilter(None), AnAdvert())
    router.message.register(offer_for_media, DeskIsOpen(), StateFilter(None), FOR_A_PERSON)
    router.message.register(not_passed_on, DeskIsOpen(), SHARED_PLACE_OR_PERSON)
    router.callback_query.register(share, DeskStep.filter(F.step == "share"))
    router.callback_query.register(keep, DeskStep.filter(F.step == "keep"))
    router.callback_query.register(offer, DeskStep.filter(F.step == "offer"))
    router.callback_query.register(start, DeskStep.filter(F.step == "start"))
    router.callback_query.register(not_now, DeskStep.filter(F.step == "no"))
    router.callback_query.register(end, DeskStep.filter(F.step == "end"))
    router.callback_query.register(helped, DeskHelped.filter())
    return router
