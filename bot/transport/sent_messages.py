"""Noticing every message the bot sends to a private chat, for "Clear this chat"."""

import time
from collections.abc import Callable
from typing import Any

from aiogram import Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.methods import Response, TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.types import Message


class NoticeSentMessages(BaseRequestMiddleware):
    """Calls `sent(chat_id, message_id, time)` for each message a request created in a private chat."""

    def __init__(self, sent: Callable[[int, int, float], None]) -> None:
        self._sent = sent

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        # aiogram's chain hands back the method's result itself, whatever the annotation says.
        result: Any = await make_request(bot, method)
        if isinstance(result, Message) and result.chat.type == "private":
            self._sent(result.chat.id, result.message_id, time.monotonic())
        return result  # type: ignore[no-any-return]
