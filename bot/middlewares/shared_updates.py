"""An update handled once across every worker sharing Redis, even when Telegram retries its webhook
call and the retry reaches another worker.

`safar:update:<update_id>` is first a lease (bot/storage/redis/leases.py) taken before handling and
renewed while it lasts, then, once handled, the mark `1` kept for 24 hours. So:
- a retry after the update was handled finds the mark and is skipped;
- a retry that arrives while another worker is still handling it waits for the outcome, and is
  skipped once the mark is there (answering Telegram at once would drop the update if that worker
  then died);
- if the worker handling it is killed, its lease expires within seconds and the retry (Telegram
  resends what was never answered) takes it and handles the update.
An update whose handler raised is marked too, as `DuplicateUpdates` does: it would fail again. A
handling cancelled at shutdown is released instead, so the retry is handled. One left waiting
behind its chat's update (bot/middlewares/chat_queues.py) is marked once its turn came and it was
handled: its lease is held, and renewed, while it waits.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update
from redis.asyncio import Redis

from bot.middlewares.chat_queues import Queued
from bot.storage.redis.key_names import PREFIX
from bot.storage.redis.leases import Leases

log = logging.getLogger(__name__)

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]

HANDLED = "1"
REMEMBERED_SECONDS = 24 * 3600
"""Telegram gives up retrying an update long before a day."""
FIRST_WAIT = 0.005
LONGEST_WAIT = 0.1


def update_key(update_id: int) -> str:
    return f"{PREFIX}:update:{update_id}"


class SharedDuplicateUpdates(BaseMiddleware):
    def __init__(self, redis: Redis, leases: Leases) -> None:
        self._redis = redis
        self._leases = leases
        self._settling: set[asyncio.Task[object]] = set()

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        assert isinstance(event, Update)
        key = update_key(event.update_id)
        token = await self._claim(key)
        if token is None:
            log.info("update %d was already handled; skipped", event.update_id)
            return None
        try:
            result = await handler(event, data)
        except Exception:
            await self._leases.finish(key, token, HANDLED, REMEMBERED_SECONDS)
            raise
        except BaseException:
            await self._leases.release(key, token)
            raise
        if isinstance(result, Queued):
            result.handled.add_done_callback(lambda handled: self._settle(key, token, handled))
            return result
        await self._leases.finish(key, token, HANDLED, REMEMBERED_SECONDS)
        return result

    def _settle(self, key: str, token: str, handled: "asyncio.Future[bool]") -> None:
        """A waiting update's outcome: marked handled, or released if the process stopped first."""
        if handled.cancelled():
            settling = asyncio.ensure_future(self._leases.release(key, token))
        else:
            settling = asyncio.ensure_future(self._leases.finish(key, token, HANDLED, REMEMBERED_SECONDS))
        self._settling.add(settling)
        settling.add_done_callback(self._settling.discard)

    async def _claim(self, key: str) -> str | None:
        """This worker's lease on the update, or None once it is known to be handled elsewhere."""
        wait = FIRST_WAIT
        while (token := await self._leases.take(key)) is None:
            if await self._redis.get(key) == HANDLED.encode():
                return None
            await asyncio.sleep(wait)  # being handled by another worker (or just released: try again)
            wait = min(wait * 2, LONGEST_WAIT)
        return token
