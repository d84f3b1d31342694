"""What every step that waits for typed words shares: the words are read for danger first, and a
photo, sticker or voice message gets an answer.

A handler that takes typed words as the answer to a step (an agency's name, a report's details, a
date) is registered with `flags=TYPED_ANSWER`; `DangerFirst`, an inner middleware of the root
router, sees the flag. Someone who types "they took my passport" into the report gets the hotlines
and the red-flag check first, as they would outside the step, and then the step goes on as usual:
the words are still its answer (the report is still sent), so nothing typed is lost.
"""

from collections.abc import Awaitable, Callable
from typing import Any, Final

from aiogram import BaseMiddleware
from aiogram.dispatcher.flags import get_flag
from aiogram.types import Message, TelegramObject
from aiogram.utils.i18n import gettext as _

from bot.handlers.search import MAX_QUERY_CHARS, show_danger
from bot.i18n.tools import ONLY_TEXT
from bot.services.content_holder import ContentHolder

TYPED_ANSWER_FLAG: Final = "typed_answer"
TYPED_ANSWER: Final = {TYPED_ANSWER_FLAG: True}
"""The flags of a handler whose step takes typed words as its answer."""


class DangerFirst(BaseMiddleware):
    """Before a step's handler reads typed words as its answer, danger in them is answered first."""

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        if isinstance(event, Message) and event.text and get_flag(data, TYPED_ANSWER_FLAG):
            content: ContentHolder = data["content"]
            loaded = content.current
            answer = loaded.search.danger_in(event.text[:MAX_QUERY_CHARS])
            if answer.is_danger:
                await show_danger(
                    event, loaded.curriculum, answer, data["language"], data.get("desk"), data.get("passport_country")
                )
        return await handler(event, data)


async def not_text(message: Message) -> None:
    """Something other than text arrived where text was asked for: ask again, the step stays."""
    await message.answer(_(ONLY_TEXT))
