"""aiogram FSM storage in Redis, for several webhook workers: a user's next update may reach any
of them, so the conversation cannot live in one process's memory (bot/storage/fsm.py).

What changes is where the in-memory part lives; the rules stay those of `SQLiteStorage`:
- The durable part (`durable`, given by the wiring: the place in a lesson) is written to the
  database, as by `SQLiteStorage`, before a write returns; Redis holds it too, as the value last
  saved, so a write that leaves the place unchanged costs no database round trip.
- Everything else (the step of a tool, the way back, check answers, typed text) is in Redis only,
  in one hash per account named by its keyed `user_key` (bot/storage/redis_keys.py: no raw id in
  a key Redis saves to disk). Every read or write renews the hash's TTL of one idle hour, so an
  idle conversation expires as a whole; the person then resumes from their place in the database.
  If Redis loses its data (a restart without persistence), the same happens at once.
- `/forget` deletes the account's hash: one key, nothing to search for.
"""

import json
from collections.abc import Mapping
from typing import Any

from aiogram.exceptions import DataNotDictLikeError
from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, StateType, StorageKey
from redis.asyncio import Redis

from bot.storage.database import Database
from bot.storage.fsm import IDLE_SECONDS, Durable, load_place, save_place
from bot.storage.redis_keys import PseudonymousKeyBuilder

STATE, DATA, SAVED = "state", "data", "saved"
"""A conversation's fields in its account's hash: `<conversation>:state` and so on."""


def _dumps(value: Mapping[str, Any]) -> str:
    return json.dumps(value, ensure_ascii=False)


class RedisConversations(BaseStorage):
    def __init__(
        self,
        redis: Redis,
        key_builder: PseudonymousKeyBuilder,
        database: Database,
        durable: Durable,
        idle_seconds: float = IDLE_SECONDS,
    ) -> None:
        self.redis = redis
        self.key_builder = key_builder
        self._db = database
        self._durable = durable
        self._idle_ms = int(idle_seconds * 1000)

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        account, conversation, _ = self.key_builder.conversation(key)
        value = state.state if isinstance(state, State) else state
        async with self.redis.pipeline(transaction=False) as pipe:
            if value is None:
                pipe.hdel(account, f"{conversation}:{STATE}")
            else:
                pipe.hset(account, f"{conversation}:{STATE}", value)
            pipe.pexpire(account, self._idle_ms)
            await pipe.execute()

    async def get_state(self, key: StorageKey) -> str | None:
        account, conversation, _ = self.key_builder.conversation(key)
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.hget(account, f"{conversation}:{STATE}")
            pipe.pexpire(account, self._idle_ms)
            value, _ = await pipe.execute()
        return value.decode() if isinstance(value, bytes) else value

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        if not isinstance(data, dict):
            raise DataNotDictLikeError(f"Data must be a dict or dict-like object, got {type(data).__name__}")
        account, conversation, user_key = self.key_builder.conversation(key)
        durable = self._durable(json.loads(_dumps(data)))  # as a read would give it back
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.hset(account, f"{conversation}:{DATA}", _dumps(data))
            pipe.hget(account, f"{conversation}:{SAVED}")
            pipe.pexpire(account, self._idle_ms)
            _, saved, _ = await pipe.execute()
        if saved is not None and json.loads(saved) == durable:
            return
        await save_place(self._db, conversation, user_key, durable)
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.hset(account, f"{conversation}:{SAVED}", _dumps(durable))
            pipe.pexpire(account, self._idle_ms)
            await pipe.execute()

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        account, conversation, _ = self.key_builder.conversation(key)
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.hget(account, f"{conversation}:{DATA}")
            pipe.pexpire(account, self._idle_ms)
            value, _ = await pipe.execute()
        if value is not None:
            return dict(json.loads(value))
        # Idle for an hour, new, or Redis lost its data: back to the place kept in the database.
        place = await load_place(self._db, conversation)
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.hset(account, mapping={f"{conversation}:{field}": _dumps(place) for field in (DATA, SAVED)})
            pipe.pexpire(account, self._idle_ms)
            await pipe.execute()
        return place

    async def forget(self, user_key: str) -> None:
        """Every conversation of the account, whatever is in it: the `/forget` part kept in Redis."""
        await self.redis.delete(self.key_builder.account(user_key))

    async def close(self) -> None:
        """The connection belongs to the shared state (bot/shared_state.py), which closes it."""
