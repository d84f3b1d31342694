"""Walking lessons: content buttons, check answers, back / home / help, `/menu` and `/sos`; and the
screens a typed message found, with "◀️ Back" to their list."""

from aiogram import Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from bot.common.navigation import NavAction
from bot.content import NodeId
from bot.content.rendering import Citizenship
from bot.handlers.callback_data import AnswerCheck, FoundScreen, Navigate, OpenNode
from bot.handlers.conversation import move
from bot.handlers.counsellor_replies import tell_case_still_open
from bot.handlers.filters import NodeFromButton, PrivateChat, QuestionFromButton
from bot.handlers.found_list import back_to_found, open_found, reachable
from bot.handlers.listening import send_lesson_screen, show_lesson_screen
from bot.services.content_holder import ContentHolder
from bot.services.counsellor_desk import CounsellorDesk
from bot.storage.stores.user_settings import UserSettingsStore
from bot.transport.media_uploads import MediaSender


async def menu_command(
    message: Message,
    state: FSMContext,
    content: ContentHolder,
    language: str,
    desk: CounsellorDesk | None = None,
    passport_country: Citizenship = None,
    *,
    users: UserSettingsStore,
    user_key: str,
    media_sender: MediaSender | None = None,
) -> None:
    await tell_case_still_open(message, desk, user_key)
    screen = await move(state, lambda c: content.current.engine.home(c, language, passport_country))
    await send_lesson_screen(message, screen, desk, users, user_key, media_sender)


async def sos_command(
    message: Message,
    state: FSMContext,
    content: ContentHolder,
    language: str,
    desk: CounsellorDesk | None = None,
    passport_country: Citizenship = None,
    *,
    users: UserSettingsStore,
    user_key: str,
    media_sender: MediaSender | None = None,
) -> None:
    """Hotlines at once, whatever the user was doing; and a person to talk to, with the desk open."""
    screen = await move(state, lambda c: content.current.engine.help(c, language, passport_country))
    # a hotline screen: it offers a person by itself
    await send_lesson_screen(message, screen, desk, users, user_key, media_sender)


async def open_node(
    query: CallbackQuery,
    node: NodeId,
    state: FSMContext,
    content: ContentHolder,
    language: str,
    desk: CounsellorDesk | None = None,
    passport_country: Citizenship = None,
    *,
    users: UserSettingsStore,
    user_key: str,
    media_sender: MediaSender | None = None,
) -> None:
    loaded = content.current
    node = reachable(loaded.curriculum, node, desk)
    screen = await move(state, lambda c: loaded.engine.open(c, node, language, passport_country))
    await show_lesson_screen(query, screen, desk, users, user_key, media_sender)


async def answer_check(
    query: CallbackQuery,
    callback_data: AnswerCheck,
    question: NodeId,
    state: FSMContext,
    content: ContentHolder,
    language: str,
    desk: CounsellorDesk | None = None,
    passport_country: Citizenship = None,
    *,
    users: UserSettingsStore,
    user_key: str,
    media_sender: MediaSender | None = None,
) -> None:
    engine = content.current.engine
    screen = await move(state, lambda c: engine.answer(c, question, callback_data.index, language, passport_country))
    await show_lesson_screen(query, screen, desk, users, user_key, media_sender)


async def navigate(
    query: CallbackQuery,
    callback_data: Navigate,
    state: FSMContext,
    content: ContentHolder,
    language: str,
    desk: CounsellorDesk | None = None,
    passport_country: Citizenship = None,
    *,
    users: UserSettingsStore,
    user_key: str,
    media_sender: MediaSender | None = None,
) -> None:
    if callback_data.to is NavAction.BACK and await back_to_found(query, state, content, language, desk):
        return
    engine = content.current.engine
    screen = await move(state, lambda c: engine.navigate(c, callback_data.to, language, passport_country))
    await show_lesson_screen(query, screen, desk, users, user_key, media_sender)


def build_router() -> Router:
    router = Router(name="dialogue")
    router.message.filter(PrivateChat())
    router.message.register(menu_command, Command("menu"))
    router.message.register(sos_command, Command("sos", "help"))
    router.callback_query.register(open_node, OpenNode.filter(), NodeFromButton())
    router.callback_query.register(open_found, FoundScreen.filter(), NodeFromButton())
    router.callback_query.register(answer_check, AnswerCheck.filter(), QuestionFromButton())
    router.callback_query.register(navigate, Navigate.filter())
    return router
