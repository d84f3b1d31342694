"""One long-polling consumer per bot token: a second process says so and stops, instead of the
two taking turns at Telegram's `409 Conflict` forever (each getUpdates ends the other's).

Telegram answers 409 to the getUpdates that was waiting when another one came. So when a second
process starts, the first one hears the 409 first: a process that has already been polling keeps
going (it asks again after a short pause, which ends the newcomer's call), and a process that gets
a 409 before its first getUpdates came back is the newcomer and stops. A conflict that does not
go away (a process elsewhere that does the same, or a webhook set by another deployment) stops
this one too, after a few tries.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import NoReturn

from aiogram import Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import TelegramConflictError
from aiogram.methods import GetUpdates, Response, TelegramMethod
from aiogram.methods.base import TelegramType

log = logging.getLogger(__name__)

CONFLICT_PAUSE_SECONDS = 0.5
CONFLICTS_TOLERATED = 5
"""In a row, by a process that was polling already, before it gives up too."""

ANOTHER_CONSUMER = (
    "another process is polling Telegram with this bot's token (Telegram answered 409 Conflict): stop it, "
    "or run several processes in webhook mode (SAFAR_ROLE=web, docs/deploy.md)."
)
WEBHOOK_ACTIVE = (
    "Telegram delivers this bot's updates to a webhook set by another process (409 Conflict on getUpdates): "
    "stop that deployment, or set WEBHOOK_URL here too."
)


class PollingConflicts(BaseRequestMiddleware):
    """A request middleware on the polling bot: watches getUpdates for 409 Conflict."""

    def __init__(self, stop_polling: Callable[[], Awaitable[None]]) -> None:
        self._stop_polling = stop_polling
        self._stopping: asyncio.Task[None] | None = None
        self._polling = False
        self._in_a_row = 0
        self.reason: str | None = None
        """Why polling was stopped; None while there is no conflict."""

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        if method.__api_method__ != GetUpdates.__api_method__:
            return await make_request(bot, method)
        while True:
            try:
                response = await make_request(bot, method)
            except TelegramConflictError as error:
                if "webhook" in error.message or not self._polling or self._in_a_row >= CONFLICTS_TOLERATED:
                    return await self._give_up(WEBHOOK_ACTIVE if "webhook" in error.message else ANOTHER_CONSUMER)
                self._in_a_row += 1
                log.warning("another process polled with this bot's token (409 Conflict); polling on here")
                await asyncio.sleep(CONFLICT_PAUSE_SECONDS)
                continue
            self._polling, self._in_a_row = True, 0
            return response

    async def _give_up(self, reason: str) -> NoReturn:
        """Stops polling; this call never returns (the stop cancels it), so aiogram does not log the
        conflict as a network error and try again."""
        self.reason = reason

        async def stop() -> None:
            await self._stop_polling()

        self._stopping = asyncio.create_task(stop())
        await asyncio.Event().wait()
        raise AssertionError("stopping polling cancels this call")
