"""Puts a dialogue `Screen` on the user's phone: text, content buttons and the nav row."""

import logging
from functools import lru_cache

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError, TelegramBadRequest
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.common.navigation import NavAction
from bot.common.serialized_keyboards import KEYBOARDS, keyboard_button
from bot.content.curriculum import HELP_BY_KIND_NODE, HOTLINES_LESSON, TALK_TOOL, NodeId, node_ref
from bot.handlers.callback_data import (
    AnswerCheck,
    CalledContact,
    ChooseListenMode,
    DeskStep,
    FlagScreen,
    ListenTo,
    Navigate,
    OpenNode,
    ShowPicture,
    ShowText,
    StartTool,
)
from bot.i18n import N_, listening
from bot.i18n.messages import NAV_LABELS
from bot.services.counsellor_desk import CounsellorDesk, desk_open
from bot.services.deep_links import SHARE_CAMPAIGN, DeepLink, deep_link, share_url
from bot.services.lesson_engine import Screen
from bot.services.screen_kinds import ScreenButton

log = logging.getLogger(__name__)
SHARE_LABEL = N_("📤 Share with a friend")
CALLED_LABEL = N_("☎️ I called")
FLAG_LABEL = N_("✏️ Wrong or out of date?")
SHARE_TEXT = N_("Safar: how to go to work abroad safely, step by step, with hotlines that help.")
TALK_LABEL = N_("💬 Talk to a person")
WHO_CAN_HELP_LABEL = N_("🧭 Who can help: hotlines, legal aid")
"""Where a lesson offers a person and the counsellors' desk is closed: the hotlines by kind of help."""
HELP_BY_KIND = NodeId(HOTLINES_LESSON, HELP_BY_KIND_NODE)


def nav_label(action: NavAction) -> str:
    return _(NAV_LABELS[action.value])


def add_nav_row(builder: InlineKeyboardBuilder, actions: list[NavAction]) -> None:
    """Back / menu / help as one row under whatever the builder already holds."""
    nav = InlineKeyboardBuilder()
    for action in actions:
        nav.button(text=nav_label(action), callback_data=Navigate(to=action))
    nav.adjust(len(actions))
    builder.attach(nav)


def screen_markup(
    screen: Screen, share: ScreenButton | None = None, *, talk: bool = False, listen_first: bool = False
) -> InlineKeyboardMarkup:
    """`talk`: the counsellors' desk is open; every hotline screen then offers a person, and so do
    the lesson buttons with `tool: talk_to_person` (which are left out while it is closed).
    `listen_first`: the reader chose listen mode (see `media_row`)."""
    rows = talk_rows(screen, talk)
    if share is not None:
        rows = (*rows, (share,))
    nav = tuple((action, nav_label(action)) for action in screen.nav)
    return _markup(rows, nav, feedback_row(screen), media_row(screen, listen_first))


def in_listen_view(screen: Screen, listen_first: bool) -> bool:
    """The screen shows a short line above its voice note instead of its text (listen mode, and a recording)."""
    return listen_first and screen.recording is not None


def media_row(screen: Screen, listen_first: bool) -> tuple[tuple[str, str], ...]:
    """The row for a screen's recording and picture: "🔊 Listen" (or, in listen mode, "📄 Text"), "🖼 What it
    looks like", and on the first screen of a lesson recorded throughout, the listen-mode choice.
    Nothing plays by itself: each is a button."""
    if screen.recording is None and screen.picture is None and not screen.offers_listen_mode:
        return ()  # most screens: no ref to compute on every update
    ref = node_ref(screen.node)
    row = []
    if screen.recording is not None:
        if in_listen_view(screen, listen_first):
            row.append((_(listening.TEXT), ShowText(ref=ref).pack()))
        else:
            row.append((_(listening.LISTEN), ListenTo(ref=ref).pack()))
    if screen.picture is not None:
        row.append((_(listening.PICTURE), ShowPicture(ref=ref).pack()))
    if screen.offers_listen_mode:
        label = listening.READ_FIRST if listen_first else listening.LISTEN_FIRST
        row.append((_(label), ChooseListenMode(ref=ref, listen=not listen_first).pack()))
    return tuple(row)


def is_talk(button: ScreenButton) -> bool:
    return button.kind == "tool" and button.target == TALK_TOOL


def talk_rows(screen: Screen, talk: bool) -> tuple[tuple[ScreenButton, ...], ...]:
    """With the desk open, a person on every hotline screen too. Closed, an offer of a person becomes
    the way to the hotlines by kind of help (once a screen, and not on the hotline screens themselves)."""
    if talk:
        rows = tuple(tuple(row) for row in screen.rows)
        if screen.node.lesson == HOTLINES_LESSON and not any(is_talk(b) for row in rows for b in row):
            rows = (*rows, (ScreenButton(_(TALK_LABEL), "tool", TALK_TOOL),))
        return rows
    instead = None if screen.node.lesson == HOTLINES_LESSON else who_can_help()
    kept_rows = []
    for row in screen.rows:
        kept = tuple(b for b in row if not is_talk(b))
        if instead is not None and len(kept) < len(row):
            kept, instead = (*kept, instead), None
        if kept:
            kept_rows.append(kept)
    return tuple(kept_rows)


def who_can_help() -> ScreenButton:
    return ScreenButton(_(WHO_CAN_HELP_LABEL), "go", node_ref(HELP_BY_KIND))


def feedback_row(screen: Screen) -> tuple[tuple[str, str], ...]:
    """The quiet row under a lesson screen: "I called" where it shows phone numbers, and a flag
    for anything wrong. (label, callback data) pairs, so the keyboard cache can key on them."""
    ref = node_ref(screen.node)
    row = []
    if screen.callable_contacts:
        row.append((_(CALLED_LABEL), CalledContact(ref=ref).pack()))
    if screen.flaggable:
        row.append((_(FLAG_LABEL), FlagScreen(ref=ref, reason="ask").pack()))
    return tuple(row)


async def share_button(bot: Bot | None, screen: Screen) -> ScreenButton | None:
    """Telegram's share sheet with the deep link to this lesson and a line in the user's language.

    The link carries the campaign tag 'share', so `/stats campaigns` shows how many people came
    from a friend, with nothing that says who shared."""
    if screen.share_entry is None or bot is None:
        return None
    try:
        me = await bot.me()  # asked once, then remembered by aiogram
    except TelegramAPIError as error:
        log.info("no share button: getMe failed: %s", error.message)
        return None
    if not me.username:
        return None
    link = deep_link(me.username, DeepLink(screen.share_entry, SHARE_CAMPAIGN))
    return ScreenButton(_(SHARE_LABEL), "url", share_url(link, _(SHARE_TEXT)))


@lru_cache(maxsize=4096)
def _markup(
    rows: tuple[tuple[ScreenButton, ...], ...],
    nav: tuple[tuple[NavAction, str], ...],
    feedback: tuple[tuple[str, str], ...] = (),
    media: tuple[tuple[str, str], ...] = (),
) -> InlineKeyboardMarkup:
    """A screen's keyboard, built once per screen and language: building one costs more than the rest
    of an update (pydantic models and callback data packing), and screens repeat all day."""
    keyboard = [[_content_button(button) for button in row] for row in rows]
    if media:
        keyboard.append([keyboard_button(label, data) for label, data in media])
    if feedback:
        keyboard.append([keyboard_button(label, data) for label, data in feedback])
    if nav:
        keyboard.append([keyboard_button(label, Navigate(to=action).pack()) for action, label in nav])
    return KEYBOARDS.remember(InlineKeyboardMarkup(inline_keyboard=keyboard))


def _content_button(button: ScreenButton) -> InlineKeyboardButton:
    if button.kind == "url":
        return keyboard_button(button.label, url=button.target)
    if is_talk(button):
        data = DeskStep(step="offer").pack()
    elif button.kind == "tool":
        data = StartTool(name=button.target).pack()
    elif button.kind == "answer":
        data = AnswerCheck(ref=button.target, index=button.index).pack()
    else:
        data = OpenNode(ref=button.target).pack()
    return keyboard_button(button.label, data)


def screen_text(screen: Screen, listen_first: bool) -> str:
    return _(listening.LISTEN_BELOW) if in_listen_view(screen, listen_first) else screen.text


async def send_screen(
    message: Message, screen: Screen, desk: CounsellorDesk | None = None, *, listen_first: bool = False
) -> None:
    share = await share_button(message.bot, screen)
    markup = screen_markup(screen, share, talk=desk_open(desk), listen_first=listen_first)
    await message.answer(screen_text(screen, listen_first), reply_markup=markup)


async def replace_screen(query: CallbackQuery, text: str, markup: InlineKeyboardMarkup | None) -> Message | None:
    """Edit the message the button was on; send a new one if it can no longer be edited. Returns
    the message that now shows `text`."""
    message = query.message
    if isinstance(message, Message):
        try:
            edited = await message.edit_text(text, reply_markup=markup)
            return edited if isinstance(edited, Message) else message
        except TelegramBadRequest as error:
            if "message is not modified" in error.message:
                return message
            log.info("could not edit a message, sending a new one: %s", error.message)
    if query.bot is not None:
        return await query.bot.send_message(query.from_user.id, text, reply_markup=markup)
    return None


async def show_screen(
    query: CallbackQuery, screen: Screen, desk: CounsellorDesk | None = None, *, listen_first: bool = False
) -> None:
    share = await share_button(query.bot, screen)
    markup = screen_markup(screen, share, talk=desk_open(desk), listen_first=listen_first)
    await replace_screen(query, screen_text(screen, listen_first), markup)
