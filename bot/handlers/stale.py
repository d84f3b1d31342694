"""Buttons from old messages whose target is gone: a friendly word and the current menu."""

from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _

from bot.handlers.conversation import load_conversation, save_conversation
from bot.handlers.screens import show_screen
from bot.services.content_holder import ContentHolder


async def answer_stale(
    query: CallbackQuery,
    state: FSMContext,
    content: ContentHolder,
    language: str,
    callback_answer: CallbackAnswer,
) -> None:
    callback_answer.text = _("This menu has changed. Here is the current one.")
    conversation = await load_conversation(state)
    screen = content.current.engine.home(conversation, language)
    await save_conversation(state, conversation)
    await show_screen(query, screen)
