"""Recordings and pictures on lesson screens (issue 33): "🔊 Listen" sends the screen's voice note,
"🖼 What it looks like" its specimen picture, and listen mode (a person's choice, kept with their
settings) shows a short line above the voice note, the text on request. Nothing plays by itself:
a voice note is sent only after a press, and Telegram never starts one on its own."""

from aiogram import Bot, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _

from bot.content import NodeId
from bot.content.media import Screen as MediaScreen
from bot.content.rendering import Citizenship, pick
from bot.handlers.callback_data import ChooseListenMode, ListenTo, ShowPicture, ShowText
from bot.handlers.conversation import move
from bot.handlers.filters import NodeFromButton
from bot.handlers.screens import in_listen_view, send_screen, show_screen
from bot.i18n import listening
from bot.services.content_holder import ContentHolder
from bot.services.counsellor_desk import CounsellorDesk
from bot.services.lesson_engine import Screen
from bot.storage.stores.user_settings import UserSettingsStore
from bot.transport.media_uploads import MediaSender, MediaUnavailable


async def listens_first(screen: Screen, users: UserSettingsStore, user_key: str) -> bool:
    """The person's listen mode, asked only where it changes something (a recording, or the choice offered)."""
    if screen.recording is None and not screen.offers_listen_mode:
        return False
    return await users.listen_first(user_key)


async def show_lesson_screen(
    query: CallbackQuery,
    screen: Screen,
    desk: CounsellorDesk | None,
    users: UserSettingsStore,
    user_key: str,
    media_sender: MediaSender | None,
) -> None:
    """A lesson screen in place of the pressed one; in listen mode with a recording, its voice note below."""
    listen_first = await listens_first(screen, users, user_key)
    await show_screen(query, screen, desk, listen_first=listen_first)
    if in_listen_view(screen, listen_first) and query.bot is not None:
        await _send_voice(query.bot, query.from_user.id, screen, media_sender)


async def send_lesson_screen(
    message: Message,
    screen: Screen,
    desk: CounsellorDesk | None,
    users: UserSettingsStore,
    user_key: str,
    media_sender: MediaSender | None,
) -> None:
    listen_first = await listens_first(screen, users, user_key)
    await send_screen(message, screen, desk, listen_first=listen_first)
    if in_listen_view(screen, listen_first) and message.bot is not None:
        await _send_voice(message.bot, message.chat.id, screen, media_sender)


async def _send_voice(bot: Bot, chat_id: int, screen: Screen, media_sender: MediaSender | None) -> bool:
    if screen.recording is None or media_sender is None:
        return False
    try:
        await media_sender.send_voice(bot, chat_id, screen.recording)
    except MediaUnavailable:
        return False
    return True


async def listen(
    query: CallbackQuery,
    node: NodeId,
    content: ContentHolder,
    language: str,
    media_sender: MediaSender,
    callback_answer: CallbackAnswer,
) -> None:
    recording = content.current.curriculum.media.recording(MediaScreen(*node), language)
    if recording is None or query.bot is None:  # taken out by a /reload since the button was sent
        callback_answer.text = _(listening.NOT_AVAILABLE)
        return
    try:
        await media_sender.send_voice(query.bot, query.from_user.id, recording)
    except MediaUnavailable:
        callback_answer.text = _(listening.NOT_AVAILABLE)


async def picture(
    query: CallbackQuery,
    node: NodeId,
    content: ContentHolder,
    language: str,
    media_sender: MediaSender,
    callback_answer: CallbackAnswer,
) -> None:
    shown = content.current.curriculum.media.picture(MediaScreen(*node))
    if shown is None or query.bot is None:
        callback_answer.text = _(listening.NOT_AVAILABLE)
        return
    try:
        await media_sender.send_photo(query.bot, query.from_user.id, shown, pick(shown.caption, language))
    except MediaUnavailable:
        callback_answer.text = _(listening.NOT_AVAILABLE)


async def text(
    query: CallbackQuery,
    node: NodeId,
    state: FSMContext,
    content: ContentHolder,
    language: str,
    desk: CounsellorDesk | None = None,
    passport_country: Citizenship = None,
) -> None:
    """The screen's text in place of the listen-mode line (the voice note below stays)."""
    engine = content.current.engine
    screen = await move(state, lambda c: engine.open(c, node, language, passport_country))
    await show_screen(query, screen, desk)


async def choose_mode(
    query: CallbackQuery,
    callback_data: ChooseListenMode,
    node: NodeId,
    state: FSMContext,
    content: ContentHolder,
    language: str,
    users: UserSettingsStore,
    user_key: str,
    callback_answer: CallbackAnswer,
    media_sender: MediaSender | None = None,
    desk: CounsellorDesk | None = None,
    passport_country: Citizenship = None,
) -> None:
    await users.set_listen_first(user_key, callback_data.listen, language)
    callback_answer.text = _(listening.LISTENING_ON if callback_data.listen else listening.LISTENING_OFF)
    engine = content.current.engine
    screen = await move(state, lambda c: engine.open(c, node, language, passport_country))
    await show_lesson_screen(query, screen, desk, users, user_key, media_sender)


def build_router() -> Router:
    router = Router(name="listening")
    router.callback_query.register(listen, ListenTo.filter(), NodeFromButton())
    router.callback_query.register(picture, ShowPicture.filter(), NodeFromButton())
    router.callback_query.register(text, ShowText.filter(), NodeFromButton())
    router.callback_query.register(choose_mode, ChooseListenMode.filter(), NodeFromButton())
    return router
