"""One update at a time per chat across every worker sharing Redis, not only within one process.

Two layers: this process's releasing locks (bot/middlewares/chat_locks.py) queue a chat's updates
that reach the same worker, in order and without asking Redis; the first in line then takes the
chat's lock in Redis, a lease (bot/storage/redis/leases.py) that exists only while an update of the
chat is being handled somewhere, and expires within seconds if that worker dies holding it. So, as
in one process, nothing is kept per chat once its updates are done. While the lock is held, the
conversation storage may serve the update's reads from what it read first (`conversation_held`).

Waiters on different workers poll (a few milliseconds at first, then up to 50 ms): Redis keeps no
queue between them, so two updates of one chat that are waiting at once on two workers go in the
order they ask, not necessarily the order they came. Those waiting on one worker keep their order.
"""

import asyncio
from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager

from aiogram.fsm.storage.base import StorageKey
from aiogram.fsm.storage.redis import RedisEventIsolation
from redis.asyncio import Redis

from bot.middlewares.chat_locks import ReleasingEventIsolation
from bot.storage.redis.conversations import conversation_held
from bot.storage.redis.key_names import PseudonymousRedisNames
from bot.storage.redis.leases import Leases

FIRST_WAIT = 0.002
LONGEST_WAIT = 0.05


class ClusterEventIsolation(RedisEventIsolation):
    def __init__(self, redis: Redis, key_builder: PseudonymousRedisNames, leases: Leases) -> None:
        super().__init__(redis, key_builder)
        self.key_builder: PseudonymousRedisNames = key_builder
        self._local = ReleasingEventIsolation()
        self._leases = leases

    @asynccontextmanager
    async def lock(self, key: StorageKey) -> AsyncGenerator[None, None]:
        async with self._local.lock(key):
            name = self.key_builder.build(key, "lock")
            wait = FIRST_WAIT
            while (token := await self._leases.take(name)) is None:
                await asyncio.sleep(wait)  # another worker is handling this chat's update
                wait = min(wait * 2, LONGEST_WAIT)
            try:
                with conversation_held(self.key_builder.conversation(key).conversation):
                    yield
            finally:
                await self._leases.release(name, token)

    def chats_in_flight(self) -> int:
        """Chats with an update running or waiting in this process."""
        return self._local.chats_in_flight()

    async def close(self) -> None:
        await self._local.close()
