"""Reading and writing a user's `Conversation` in the FSM storage, shared by the routers."""

from collections.abc import Callable, Mapping
from typing import Any

from aiogram.fsm.context import FSMContext

from bot.services.engagement import track_move
from bot.services.lesson_engine import Conversation, Screen

CONVERSATION_KEY = "conversation"


def durable_part(data: Mapping[str, Any]) -> dict[str, Any]:
    """What of a user's FSM data is written to disk: their place in the lessons, nothing else
    (not the way back, check answers or anything typed; see docs/privacy.md)."""
    conversation = data.get(CONVERSATION_KEY)
    position = conversation.get("position") if isinstance(conversation, dict) else None
    return {CONVERSATION_KEY: {"position": position}} if position else {}


async def load_conversation(state: FSMContext) -> Conversation:
    data = await state.get_data()
    return Conversation.from_data(dict(data.get(CONVERSATION_KEY) or {}))


async def save_conversation(state: FSMContext, conversation: Conversation) -> None:
    await state.update_data({CONVERSATION_KEY: conversation.to_data()})


async def move(state: FSMContext, step: Callable[[Conversation], Screen]) -> Screen:
    """Apply one dialogue step to the user's saved conversation, save it, return the screen.

    Moving in the lessons leaves any tool that was waiting for typed text (agency check, report).
    """
    await state.set_state(None)
    conversation = await load_conversation(state)
    before = conversation.position
    screen = step(conversation)
    await save_conversation(state, conversation)
    if screen.node != before:
        track_move(before, screen)
    return screen
