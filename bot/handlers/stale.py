"""Buttons from old messages whose target is gone: a friendly word and the current menu."""

from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _

from bot.handlers.conversation import move
from bot.handlers.screens import show_screen
from bot.services.content_holder import ContentHolder
from bot.services.counsellor_desk import CounsellorDesk


async def answer_stale(
    query: CallbackQuery,
    state: FSMContext,
    content: ContentHolder,
    language: str,
    callback_answer: CallbackAnswer,
    desk: CounsellorDesk | None = None,
) -> None:
    callback_answer.text = _("This menu has changed. Here is the current one.")
    screen = await move(state, lambda c: content.current.engine.home(c, language))
    await show_screen(query, screen, desk)
