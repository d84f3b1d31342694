"""Updates under way, counted so that a shutdown lets them finish before the database and the Bot
API session close (aiogram stops fetching on SIGTERM but does not wait for handlers it started)."""

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, Dispatcher
from aiogram.types import TelegramObject

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]
WORKFLOW_KEY = "updates_under_way"
SHUTDOWN_UPDATE_SECONDS = 10.0
"""How long a shutdown waits for updates under way: well within systemd's and Docker's stop timeouts."""

log = logging.getLogger(__name__)


class UpdatesUnderWay(BaseMiddleware):
    def __init__(self) -> None:
        self._count = 0
        self._idle = asyncio.Event()
        self._idle.set()

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        self._count += 1
        self._idle.clear()
        try:
            return await handler(event, data)
        finally:
            self._count -= 1
            if self._count == 0:
                self._idle.set()

    async def finish(self, within: float) -> int:
        """Wait up to `within` seconds for the updates under way; returns how many did not finish."""
        await asyncio.sleep(0)  # updates fetched just before the stop start their handling first
        with contextlib.suppress(TimeoutError):  # asyncio.timeout: 3.11's wait_for can swallow a cancel
            async with asyncio.timeout(within):
                await self._idle.wait()
        return self._count


def install(dispatcher: Dispatcher) -> UpdatesUnderWay:
    tracker = UpdatesUnderWay()
    dispatcher.update.outer_middleware(tracker)
    dispatcher[WORKFLOW_KEY] = tracker
    return tracker


async def let_updates_finish(dispatcher: Dispatcher, within: float = SHUTDOWN_UPDATE_SECONDS) -> None:
    """At shutdown, once no new update comes in: before the reminders stop and the database closes."""
    tracker = dispatcher[WORKFLOW_KEY]
    assert isinstance(tracker, UpdatesUnderWay)
    unfinished = await tracker.finish(within)
    if unfinished:
        log.warning("%d update(s) still under way at shutdown were abandoned", unfinished)
