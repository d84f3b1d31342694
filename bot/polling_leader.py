"""The polling leader lock: with a store several processes share (REDIS_URL), a process takes the
lock before it polls, so a second one started with the same token stops at once, before it touches
the webhook, the command menu or a single update. Without a shared store, Telegram's own 409
Conflict is the signal (bot/polling_conflicts.py).

The lock is a Redis lease (bot/storage/redis_leases.py): renewed while this process lives, gone
seconds after it dies, so a restarted or replacement process can take over.
"""

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from redis.exceptions import RedisError

from bot.shared_state import SharedState
from bot.startup import StartupError
from bot.storage.redis_keys import bot_key
from bot.storage.redis_leases import LEASE_SECONDS

log = logging.getLogger(__name__)

HELD_ELSEWHERE = (
    "another Safar process is polling Telegram with this bot's token (it holds the polling lock in Redis): "
    "run one polling process, or several in webhook mode (SAFAR_ROLE=web, docs/deploy.md)."
)
LOST = "the polling lock in Redis was lost (Redis unreachable or the lease ran out): stopped polling."


class Leadership:
    """Whether this process still holds the lock; `lost` is set if it stopped holding it."""

    def __init__(self) -> None:
        self.lost = False


@asynccontextmanager
async def polling_leadership(
    shared: SharedState | None, bot_id: int, stop_polling: Callable[[], Awaitable[None]]
) -> AsyncIterator[Leadership]:
    """Held around polling; raises StartupError when another process holds it."""
    leadership = Leadership()
    if shared is None:
        yield leadership
        return
    key = bot_key(bot_id, "polling-leader")
    token = await shared.leases.take(key)
    if token is None:
        raise StartupError(HELD_ELSEWHERE)

    async def watch() -> None:
        while True:
            await asyncio.sleep(LEASE_SECONDS / 3)
            try:
                holder = await shared.redis.get(key)
            except RedisError:
                continue  # the lease outlives a short outage; a long one shows as a changed holder
            if holder is None or holder.decode() != token:
                log.error("%s", LOST)
                leadership.lost = True
                with contextlib.suppress(RuntimeError):  # not polling yet: the start-up ends by itself
                    await stop_polling()
                return

    watcher = asyncio.create_task(watch(), name="polling-leader")
    try:
        yield leadership
    finally:
        watcher.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await watcher
        await shared.leases.release(key, token)
