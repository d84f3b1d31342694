"""Reading and writing a user's `Conversation` in the FSM storage, shared by the routers."""

from aiogram.fsm.context import FSMContext

from bot.services.dialogue import Conversation

CONVERSATION_KEY = "conversation"


async def load_conversation(state: FSMContext) -> Conversation:
    data = await state.get_data()
    return Conversation.from_data(dict(data.get(CONVERSATION_KEY) or {}))


async def save_conversation(state: FSMContext, conversation: Conversation) -> None:
    await state.update_data({CONVERSATION_KEY: conversation.to_data()})
