"""The advert check: a forwarded message, a pasted text that reads like a job advert, or a photo or
screenshot of one is read for red flags (a photo whose words are no job advert, a selfie, a chat, a
receipt or a passport's page, is told so instead and nothing of it is counted). The answer lists
each flag found with why it matters, checks the firm names it gives against the licensed agencies,
and ends with the offer check, the red-flag check and a person to talk to. It never calls an offer safe.

Where an advert goes is decided in counsellors.build_router (an open case relays everything).
Nothing of the advert is kept: its flags, the public channel it came from and a fingerprint are
counted for the early warning (services/advert_watch.py), without the person.
"""

import html
import io
from datetime import date
from typing import Any

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import Filter
from aiogram.types import InlineKeyboardMarkup, Message, MessageOriginChannel
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.common.clock import Clock
from bot.common.navigation import NavAction
from bot.common.telegram_limits import MAX_MESSAGE_CHARS
from bot.content import Curriculum
from bot.content.curriculum import NodeId, node_ref
from bot.content.rendering import day_text, pick
from bot.handlers.advert_albums import AdvertAlbums
from bot.handlers.callback_data import DeskStep, OpenNode
from bot.handlers.screens import TALK_LABEL, add_nav_row
from bot.i18n.adverts import (
    ADVERT_FLAGS_FOUND,
    ADVERT_IDENTITY_DOCUMENT,
    ADVERT_MORE_FLAGS,
    ADVERT_NAMES,
    ADVERT_NO_FLAGS,
    ADVERT_NO_PICTURES,
    ADVERT_NO_WORDS,
    ADVERT_NOT_AN_ADVERT,
    ADVERT_PICTURES_UNREAD,
    ADVERT_SERIOUS,
    ADVERT_WARNINGS_ONLY,
)
from bot.i18n.tools import AGENCY_EXPIRED, AGENCY_LICENSED, AGENCY_LICENSED_NO_END, AGENCY_NO_LIST, AGENCY_NOT_FOUND
from bot.middlewares.chat_queues import ChatQueues
from bot.services.advert_watch import AdvertWatch
from bot.services.agency_search import AgencyIndex
from bot.services.content_holder import ContentHolder, LoadedContent
from bot.services.counsellor_desk import CounsellorDesk, desk_open
from bot.services.danger_view import RED_FLAGS_LESSON
from bot.services.picture_text import PictureText
from bot.understanding.advert_reading import AdvertReading, PictureKind
from bot.understanding.search import screen_title

OFFER_CHECK = NodeId("contract", "check_intro")
"""The contract lesson's "Check your offer" questions."""
KEEP_DOCUMENTS = NodeId("before_you_go", "documents")
"""The screen on documents and their copies: the original passport stays with its owner."""
MAX_ADVERT_CHARS = 4096
"""Read at most this much (a message's own limit; OCR of a long screenshot can give more)."""
MIN_PICTURE_LETTERS = 20
"""A picture with fewer letters than this has no advert to read."""
MAX_NAMES = 3
"""Firm names looked up per advert."""
MAX_CHANNEL_CHARS = 32
"""Telegram's usernames are 5–32 characters."""


class AnAdvert(Filter):
    """A forward with words or a picture, a photo, or a pasted text that reads like a job advert.
    Gives the handler `advert_source`: forward, photo or paste. A forwarded message that does not
    read like an advert and reports danger is someone's plea passed on: it gets the hotlines first,
    as if it were typed."""

    async def __call__(self, message: Message, content: ContentHolder) -> bool | dict[str, Any]:
        if message.photo:
            return {"advert_source": "photo"}
        loaded = content.current
        forwarded = message.text or message.caption
        if message.forward_origin is not None and forwarded:
            if not loaded.adverts.looks_like_advert(forwarded) and loaded.search.danger_in(forwarded).is_danger:
                return False  # a plea passed on ("they took our passports, help"): the danger path answers it
            return {"advert_source": "forward"}
        text = message.text
        if text and not text.startswith("/") and loaded.adverts.looks_like_advert(text):
            return {"advert_source": "paste"}
        return False


def public_channel(message: Message) -> str:
    """The @username of the public channel a message was forwarded from, or "" (a private channel,
    a group, a person or a hidden sender: their names are never kept)."""
    origin = message.forward_origin
    if isinstance(origin, MessageOriginChannel) and origin.chat.username:
        return origin.chat.username[:MAX_CHANNEL_CHARS].lower()
    return ""


async def read_advert(
    message: Message,
    bot: Bot,
    content: ContentHolder,
    language: str,
    clock: Clock,
    user_key: str,
    advert_source: str,
    advert_watch: AdvertWatch | None = None,
    pictures: PictureText | None = None,
    desk: CounsellorDesk | None = None,
    advert_albums: AdvertAlbums | None = None,
    chat_queues: ChatQueues | None = None,
) -> None:
    loaded = content.current
    text = message.text or message.caption or ""
    unread = ""
    if message.photo:
        if pictures is None or not pictures.available:
            if not await _album_goes_on(message, advert_albums, chat_queues):
                await message.answer(html.escape(_(ADVERT_NO_PICTURES)), reply_markup=_someone_to_look(desk, message))
            return
        read = await _picture_words(message, bot, pictures, user_key)
        if message.media_group_id is not None and advert_albums is not None:
            advert_albums.add(user_key, message.media_group_id, message.caption, read)
            if await advert_albums.more_coming(message, chat_queues):
                return  # a later picture of the album answers for all of them
            album = advert_albums.take(user_key, message.media_group_id)
            text, read = "", "\n".join(album.texts) or None
            if album.unread and read is not None:
                unread = _(ADVERT_PICTURES_UNREAD).format(unread=album.unread, pictures=album.pictures)
        if read is None:
            await message.answer(html.escape(_(ADVERT_NO_WORDS)), reply_markup=_someone_to_look(desk, message))
            return
        text = f"{text}\n{read}"
    reading = loaded.adverts.read(text[:MAX_ADVERT_CHARS])
    if message.photo and (kind := loaded.adverts.picture_kind(text[:MAX_ADVERT_CHARS], reading)) != "advert":
        told = ADVERT_IDENTITY_DOCUMENT if kind == "identity_document" else ADVERT_NOT_AN_ADVERT
        await message.answer(
            html.escape(_(told)), reply_markup=_not_an_advert_markup(kind, loaded.curriculum, language, desk, message)
        )
        return  # neither counted nor fingerprinted: it is no advert, and may be someone's passport
    if advert_watch is not None:
        await advert_watch.count(user_key, reading, public_channel(message), advert_source)
    answer = advert_answer(reading, loaded, language, clock.now().date())
    await message.answer(
        _with_unread(answer, unread) if unread else answer,
        reply_markup=advert_markup(loaded.curriculum, language, desk, message.message_id),
    )


async def _album_goes_on(message: Message, albums: AdvertAlbums | None, queues: ChatQueues | None) -> bool:
    """Whether a later picture of this message's album will answer for it."""
    return albums is not None and await albums.more_coming(message, queues)


async def _picture_words(message: Message, bot: Bot, pictures: PictureText, user_key: str) -> str | None:
    """The words of the message's picture, or None where there are none to read (Telegram would not
    give the file, OCR failed, or too few letters came out)."""
    assert message.photo
    picture = io.BytesIO()  # in memory only: the picture never touches the disk
    try:
        await bot.download(message.photo[-1], destination=picture)
    except TelegramAPIError:  # Telegram would not give the file (gone, too big): say so, lose nothing else
        read = None
    else:
        read = await pictures.read(picture.getvalue(), user_key)
    finally:
        picture.close()
    if read is None or sum(char.isalpha() for char in read) < MIN_PICTURE_LETTERS:
        return None
    return read


def _with_unread(answer: str, unread: str) -> str:
    """The answer with the line on pictures not read, within one message."""
    line = html.escape(unread)
    while _utf16_length(f"{answer}\n\n{line}") > MAX_MESSAGE_CHARS and "\n\n" in answer:
        answer = answer.rsplit("\n\n", 1)[0]
    return f"{answer}\n\n{line}"


def advert_answer(reading: AdvertReading, loaded: LoadedContent, language: str, today: date) -> str:
    """The flags found with why each matters (or the questions to ask), then the names looked up;
    within Telegram's 4096 characters whatever the number of flags."""
    flags = loaded.curriculum.advert_flags.flags
    closing = _(ADVERT_SERIOUS) if reading.serious else _(ADVERT_WARNINGS_ONLY)
    names = _names_checked(reading.names, loaded.agencies, today)
    if not reading.flags:
        return "\n\n".join([html.escape(_(ADVERT_NO_FLAGS)), *names])
    head = _(ADVERT_FLAGS_FOUND).format(count=len(reading.flags))
    items = [f"• {html.escape(pick(flags[name].why, language))}" for name in reading.flags]
    tail = [html.escape(closing), *names]
    for shown in range(len(items), 0, -1):
        more = [html.escape(_(ADVERT_MORE_FLAGS).format(count=len(items) - shown))] if shown < len(items) else []
        text = "\n\n".join([head, "\n".join(items[:shown]), *more, *tail])
        if _utf16_length(text) <= MAX_MESSAGE_CHARS:
            return text
    return "\n\n".join([head, html.escape(closing)])


def _names_checked(names: tuple[str, ...], index: AgencyIndex, today: date) -> list[str]:
    if not names:
        return []
    if not len(index):
        return [html.escape(_(AGENCY_NO_LIST))]
    lines = [html.escape(_(ADVERT_NAMES))]
    for typed in names[:MAX_NAMES]:
        matches = index.find(typed, limit=1)
        if not matches:
            lines.append(_(AGENCY_NOT_FOUND).format(typed=html.escape(typed)))
            continue
        match = matches[0]
        fields = {"name": html.escape(match.name), "licence": html.escape(match.agency.licence)}
        if match.agency.valid_until is None:
            lines.append(_(AGENCY_LICENSED_NO_END).format(**fields))
        elif not match.is_valid_on(today):
            lines.append(_(AGENCY_EXPIRED).format(until=day_text(match.agency.valid_until), **fields))
        else:
            lines.append(_(AGENCY_LICENSED).format(until=day_text(match.agency.valid_until), **fields))
    return ["\n".join(lines)]


def _utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def offer_checks(curriculum: Curriculum) -> list[NodeId]:
    """The screens that help judge an offer without Safar's lists: the offer check and the red-flag check."""
    checks = [OFFER_CHECK] if OFFER_CHECK.lesson in curriculum.lessons else []
    if RED_FLAGS_LESSON in curriculum.lessons:
        checks.append(curriculum.start_of(RED_FLAGS_LESSON))
    return checks


def advert_markup(
    curriculum: Curriculum, language: str, desk: CounsellorDesk | None, message_id: int
) -> InlineKeyboardMarkup:
    """The offer check, the red-flag check, and a person (who sees this advert if the person starts)."""
    builder = InlineKeyboardBuilder()
    for node_id in offer_checks(curriculum):
        builder.button(text=screen_title(curriculum, node_id, language), callback_data=OpenNode(ref=node_ref(node_id)))
    if desk_open(desk):
        builder.button(text=_(TALK_LABEL), callback_data=DeskStep(step="offer", message=message_id))
    builder.adjust(1)
    add_nav_row(builder, [NavAction.HOME])
    return builder.as_markup()


def _not_an_advert_markup(
    kind: PictureKind, curriculum: Curriculum, language: str, desk: CounsellorDesk | None, message: Message
) -> InlineKeyboardMarkup:
    """A picture that is no advert: a person to help with it (with the desk open; an identity
    document's page is never relayed to them), else the hotlines and who can help; for a passport,
    the screen on keeping documents."""
    builder = InlineKeyboardBuilder()
    if kind == "identity_document" and curriculum.has(KEEP_DOCUMENTS):
        builder.button(
            text=screen_title(curriculum, KEEP_DOCUMENTS, language),
            callback_data=OpenNode(ref=node_ref(KEEP_DOCUMENTS)),
        )
    if desk_open(desk):
        relayed = 0 if kind == "identity_document" else message.message_id
        builder.button(text=_(TALK_LABEL), callback_data=DeskStep(step="offer", message=relayed))
    builder.adjust(1)
    add_nav_row(builder, [NavAction.HOME] if desk_open(desk) else [NavAction.HELP])
    return builder.as_markup()


def _someone_to_look(desk: CounsellorDesk | None, message: Message) -> InlineKeyboardMarkup:
    """A counsellor can look at what Safar could not read (with the desk open); without one, the
    hotlines are a tap away."""
    builder = InlineKeyboardBuilder()
    if desk_open(desk):
        builder.button(text=_(TALK_LABEL), callback_data=DeskStep(step="offer", message=message.message_id))
    else:
        add_nav_row(builder, [NavAction.HELP])
    return builder.as_markup()
