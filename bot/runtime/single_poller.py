"""The polling leader lock: with a store several processes share (REDIS_URL or DATABASE_URL), a
process takes the lock before it polls, so a second one started with the same token stops at once,
before it touches the webhook, the command menu or a single update. Without a shared store,
Telegram's own 409 Conflict is the signal (bot/runtime/polling_conflicts.py).

With Redis the lock is a lease (bot/storage/redis/leases.py): renewed while this process lives,
gone seconds after it dies. With PostgreSQL alone it is an advisory lock held by a session of its
own (bot/storage/backends/postgres_locks.py), dropped by the server when the process's connection ends.
Either way a restarted or replacement process can take over.
"""

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Protocol

from bot.runtime.startup_checks import StartupError
from bot.storage.redis.key_names import bot_key

if TYPE_CHECKING:
    from bot.runtime.shared_state import SharedState
    from bot.storage.backends.postgres_locks import SessionLock

log = logging.getLogger(__name__)

HELD_ELSEWHERE = (
    "another Safar process is polling Telegram with this bot's token (it holds the polling lock in {store}): "
    "run one polling process, or several in webhook mode (SAFAR_ROLE=web, docs/deploy.md)."
)
LOST = "the polling lock in {store} was lost (unreachable, or the lease ran out): stopped polling."


class Leadership:
    """Whether this process still holds the lock; `lost` is set if it stopped holding it."""

    def __init__(self) -> None:
        self.lost = False


@asynccontextmanager
async def polling_leadership(
    shared: "SharedState | None", database_url: str | None, bot_id: int, stop_polling: Callable[[], Awaitable[None]]
) -> AsyncIterator[Leadership]:
    """Held around polling; raises StartupError when another process holds it."""
    leadership = Leadership()
    if shared is not None:
        lock: Lock = RedisLock(shared, bot_key(bot_id, "polling-leader"))
    elif database_url is not None:
        from bot.storage.backends.postgres_locks import SessionLock  # SQLAlchemy only where PostgreSQL is used

        lock = PostgresLock(SessionLock(database_url, f"polling-leader:{bot_id}"))
    else:
        yield leadership
        return
    # Imported here, as SQLAlchemy is above: the default setup never loads the Redis client.
    from bot.storage.redis.leases import LEASE_SECONDS  # the lease's length paces both locks' checks

    if not await lock.take():
        await lock.release()
        raise StartupError(HELD_ELSEWHERE.format(store=lock.store))

    async def watch() -> None:
        while True:
            await asyncio.sleep(LEASE_SECONDS / 3)
            if not await lock.still_held():
                log.error("%s", LOST.format(store=lock.store))
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
        await lock.release()


class Lock(Protocol):
    store: str

    async def take(self) -> bool: ...

    async def still_held(self) -> bool: ...

    async def release(self) -> None: ...


class RedisLock:
    store = "Redis"

    def __init__(self, shared: "SharedState", key: str) -> None:
        self._shared = shared
        self._key = key
        self._token: str | None = None

    async def take(self) -> bool:
        self._token = await self._shared.leases.take(self._key)
        return self._token is not None

    async def still_held(self) -> bool:
        from redis.exceptions import RedisError

        try:
            holder = await self._shared.redis.get(self._key)
        except RedisError:
            return True  # the lease outlives a short outage; a long one shows as a changed holder
        return holder is not None and holder.decode() == self._token

    async def release(self) -> None:
        if self._token is not None:
            await self._shared.leases.release(self._key, self._token)


class PostgresLock:
    store = "PostgreSQL"

    def __init__(self, lock: "SessionLock") -> None:
        self._lock = lock

    async def take(self) -> bool:
        return await self._lock.take()

    async def still_held(self) -> bool:
        return await self._lock.still_held()

    async def release(self) -> None:
        await self._lock.release()
