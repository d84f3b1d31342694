"""One update at a time per chat across every worker sharing Redis, not only within one process.

Two layers: this process's releasing locks (bot/middlewares/chat_locks.py) queue a chat's updates
that reach the same worker, in order and without asking Redis; the first in line then takes the
chat's lock in Redis, a lease (bot/storage/redis/leases.py) that exists only while an update of the
chat is being handled somewhere, and expires within seconds if that worker dies holding it. So, as
in one process, nothing is kept per chat once its updates are done. While the lock is held, the
conversation storage may serve the update's reads from what it read first (`conversation_held`).

The first try takes the lock and reads the conversation in one round trip; the release writes what
the update changed in the conversation, marks the update handled (bot/middlewares/shared_updates.py)
and frees the lock in another.

Waiters on different workers poll (a few milliseconds at first, then up to 50 ms): Redis keeps no
queue between them, so two updates of one chat that are waiting at once on two workers go in the
order they ask, not necessarily the order they came. Those waiting on one worker keep their order.
"""

import asyncio
import logging
from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager

from aiogram.fsm.storage.base import StorageKey
from aiogram.fsm.storage.redis import RedisEventIsolation
from redis.asyncio import Redis
from redis.exceptions import RedisError

from bot.middlewares.chat_locks import ReleasingEventIsolation
from bot.middlewares.shared_updates import HANDLED, REMEMBERED_SECONDS, current_claim
from bot.storage.redis.conversations import Held, RedisConversations, conversation_held
from bot.storage.redis.key_names import ConversationKey, PseudonymousRedisNames
from bot.storage.redis.leases import Leases

log = logging.getLogger(__name__)

FIRST_WAIT = 0.002
LONGEST_WAIT = 0.05


class ClusterEventIsolation(RedisEventIsolation):
    def __init__(
        self, redis: Redis, key_builder: PseudonymousRedisNames, leases: Leases, conversations: RedisConversations
    ) -> None:
        super().__init__(redis, key_builder)
        self.key_builder: PseudonymousRedisNames = key_builder
        self._local = ReleasingEventIsolation()
        self._leases = leases
        self._conversations = conversations

    @asynccontextmanager
    async def lock(self, key: StorageKey) -> AsyncGenerator[None, None]:
        async with self._local.lock(key):
            name = self.key_builder.build(key, "lock")
            names = self.key_builder.conversation(key)
            token = self._leases.new_token()
            read = await self._conversations.take_and_read(name, token, self._leases.milliseconds, names)
            if read is not None:
                self._leases.adopt(name, token)
            else:
                wait = FIRST_WAIT
                while (taken := await self._leases.take(name)) is None:
                    await asyncio.sleep(wait)  # another worker is handling this chat's update
                    wait = min(wait * 2, LONGEST_WAIT)
                token = taken
            handled = False
            with conversation_held(names.conversation, read, names.account) as held:
                try:
                    yield
                    handled = True
                except Exception:
                    handled = True  # marked as handled, as SharedDuplicateUpdates does: it would fail again
                    raise
                finally:
                    await self._release(names, held, (name, token), handled)

    async def _release(self, names: ConversationKey, held: Held, lock: tuple[str, str], handled: bool) -> None:
        """The conversation's writes, the mark of the update this task took (if not marked yet)
        and the lock's release, in one round trip. A release that fails leaves the lock to expire;
        kept writes that fail make the update fail, so Telegram sends it again."""
        claim = current_claim.get()
        mark = None
        if handled and claim is not None and not claim.marked:
            mark = (claim.key, claim.token, HANDLED, REMEMBERED_SECONDS)
        self._leases.forget(lock[0])
        writes = bool(held.pending)
        try:
            await self._conversations.settle(names, held, lock, mark)
        except RedisError as error:
            log.warning("a chat's lock could not be released and will expire by itself: %s", type(error).__name__)
            if writes:
                raise
            return
        if mark is not None and claim is not None:
            claim.marked = True
            self._leases.forget(claim.key)

    def chats_in_flight(self) -> int:
        """Chats with an update running or waiting in this process."""
        return self._local.chats_in_flight()

    async def close(self) -> None:
        await self._local.close()
