"""What nothing else handled: unknown commands, stickers and photos, buttons never issued."""

from aiogram import F, Router
from aiogram.enums import ChatType
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _

from bot.handlers.conversation import load_conversation, save_conversation
from bot.handlers.screens import screen_markup
from bot.handlers.stale import answer_stale
from bot.services.content_holder import ContentHolder


async def not_understood(message: Message, state: FSMContext, content: ContentHolder, language: str) -> None:
    if message.text:
        hint = _("I do not know that command. Here is the menu; /sos shows the hotlines.")
    else:
        hint = _("I can read only text. Choose a topic from the menu, or type your question.")
    conversation = await load_conversation(state)
    home = content.current.engine.home(conversation, language)
    await save_conversation(state, conversation)
    await message.answer(f"{hint}\n\n{home.text}", reply_markup=screen_markup(home))


async def unknown_button(
    query: CallbackQuery,
    state: FSMContext,
    content: ContentHolder,
    language: str,
    callback_answer: CallbackAnswer,
) -> None:
    await answer_stale(query, state, content, language, callback_answer)


def build_router() -> Router:
    router = Router(name="fallback")
    router.message.filter(F.chat.type == ChatType.PRIVATE)
    router.message.register(not_understood)
    router.callback_query.register(unknown_button)
    return router
