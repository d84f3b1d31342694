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

Round trips: the claim and the sender's flood token (bot/storage/redis/flood_buckets.py) go to
Redis in one script; the mark is set in the round trip that releases the chat's lock and writes
the conversation (bot/middlewares/cluster_locks.py, through `current_claim`), or here when no
lock was taken (an update with no chat, a refused one, an error before it).
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update, User
from redis.asyncio import Redis

from bot.middlewares.chat_queues import Queued
from bot.storage.redis.flood_buckets import FLOOD_TAKE, RedisFloodBuckets, taken_with_claim
from bot.storage.redis.key_names import PREFIX
from bot.storage.redis.leases import Leases

log = logging.getLogger(__name__)

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]

HANDLED = "1"
REMEMBERED_SECONDS = 24 * 3600
"""Telegram gives up retrying an update long before a day."""
FIRST_WAIT = 0.005
LONGEST_WAIT = 0.1


_ADMIT = (
    "pcall(redis.replicate_commands)\n"
    + FLOOD_TAKE
    + """
if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return {0, redis.call('GET', KEYS[1]) == ARGV[3] and 1 or 0, 0, 0}
end
if #KEYS < 2 then return {1, 0, 1, 0} end
local flood = take_flood_token(KEYS[2], ARGV[4], ARGV[5], ARGV[6])
return {1, 0, flood[1], flood[2]}
"""
)
"""The claim of an update (a lease on its key) and, if it was free, its sender's flood token:
{claimed, already handled, allowed, first refusal}."""


def update_key(update_id: int) -> str:
    return f"{PREFIX}:update:{update_id}"


@dataclass(slots=True, eq=False)
class UpdateClaim:
    """This worker's lease on the update being handled; `marked` once it is marked handled."""

    key: str
    token: str
    marked: bool = False


current_claim: ContextVar[UpdateClaim | None] = ContextVar("safar_update_claim", default=None)
"""The claim of the update this task took from Telegram: the first chat lock released in the task
marks it handled in the same round trip (bot/middlewares/cluster_locks.py). Updates that waited
behind it run in the same task later, after that: their own claims are marked here."""


class SharedDuplicateUpdates(BaseMiddleware):
    def __init__(self, redis: Redis, leases: Leases, flood: RedisFloodBuckets | None = None) -> None:
        self._redis = redis
        self._leases = leases
        self._flood = flood
        self._admit = redis.register_script(_ADMIT)
        self._settling: set[asyncio.Task[object]] = set()

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        assert isinstance(event, Update)
        key = update_key(event.update_id)
        user: User | None = data.get("event_from_user")
        token, verdict = await self._admission(key, user)
        if token is None:
            log.info("update %d was already handled; skipped", event.update_id)
            return None
        claim = UpdateClaim(key, token)
        claimed = current_claim.set(claim)
        try:
            if verdict is not None and user is not None:
                with taken_with_claim(user.id, verdict):
                    result = await handler(event, data)
            else:
                result = await handler(event, data)
        except Exception:
            await self._mark(claim)
            raise
        except BaseException:
            if not claim.marked:
                await self._leases.release(key, token)
            raise
        finally:
            current_claim.reset(claimed)
        if isinstance(result, Queued):
            result.handled.add_done_callback(lambda handled: self._settle(key, token, handled))
            return result
        await self._mark(claim)
        return result

    async def _mark(self, claim: UpdateClaim) -> None:
        if not claim.marked:
            claim.marked = True
            await self._leases.finish(claim.key, claim.token, HANDLED, REMEMBERED_SECONDS)

    async def _admission(self, key: str, user: User | None) -> tuple[str | None, tuple[bool, bool] | None]:
        """The update's lease (None once it is known to be handled elsewhere) and, when the first
        try got it, the sender's flood verdict, in one round trip."""
        token = self._leases.new_token()
        keys = [key]
        args: list[str | int | float] = [token, self._leases.milliseconds, HANDLED]
        if self._flood is not None and user is not None:
            keys.append(self._flood.key(user.id))
            args.extend(self._flood.arguments)
        claimed, handled, allowed, first_refusal = await self._admit(keys=keys, args=args)
        if claimed:
            self._leases.adopt(key, token)
            return token, (bool(allowed), bool(first_refusal)) if len(keys) > 1 else None
        if handled:
            return None, None
        return await self._claim(key), None

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
