"""A PostgreSQL advisory lock held by a session of its own for as long as a process lives: the
polling leader lock when there is a database but no Redis (bot/runtime/single_poller.py). PostgreSQL drops
a session's advisory locks when its connection ends, so a process that dies frees the lock."""

import hashlib

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

from bot.storage.backends.postgres import engine_url


def lock_key(name: str) -> int:
    """A signed 64-bit advisory lock key for `name` (pg_try_advisory_lock takes a bigint)."""
    return int.from_bytes(hashlib.sha256(f"safar-lock:{name}".encode()).digest()[:8], "big", signed=True)


class SessionLock:
    def __init__(self, url: str, name: str) -> None:
        self._engine: AsyncEngine = create_async_engine(engine_url(url), poolclass=NullPool, hide_parameters=True)
        self._key = lock_key(name)
        self._connection: AsyncConnection | None = None

    async def take(self) -> bool:
        """True if this process now holds the lock; False if another session holds it."""
        connection = await self._engine.connect()
        held = (await connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": self._key})).scalar()
        await connection.commit()
        if not held:
            await connection.close()
            return False
        self._connection = connection
        return True

    async def still_held(self) -> bool:
        """False once the session that holds the lock is gone (the server restarted, the network cut)."""
        if self._connection is None:
            return False
        try:
            await self._connection.execute(text("SELECT 1"))
            await self._connection.commit()
        except (SQLAlchemyError, OSError):
            return False
        return True

    async def release(self) -> None:
        if self._connection is not None:
            try:
                await self._connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": self._key})
                await self._connection.commit()
                await self._connection.close()
            except (SQLAlchemyError, OSError):
                pass  # the session is gone, and its lock with it
            self._connection = None
        await self._engine.dispose()
