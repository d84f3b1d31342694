"""aiogram FSM storage in Redis, for several webhook workers: a user's next update may reach any
of them, so the conversation cannot live in one process's memory (bot/storage/stores/conversations.py).

What changes is where the in-memory part lives; the rules stay those of `DatabaseFSMStorage`:
- The durable part (`durable`, given by the wiring: the place in a lesson) is written to the
  database, as by `DatabaseFSMStorage`, before a write returns; Redis holds it too, as the value last
  saved, so a write that leaves the place unchanged costs no database round trip.
- Everything else (the step of a tool, the way back, check answers, typed text) is in Redis only,
  in one hash per account named by its keyed `user_key` (bot/storage/redis/key_names.py: no raw id in
  a key Redis saves to disk). Every read or write renews the hash's TTL of one idle hour, so an
  idle conversation expires as a whole; the person then resumes from their place in the database.
  If Redis loses its data (a restart without persistence), the same happens at once.
- `/forget` deletes the account's hash: one key, nothing to search for.

While an update is handled under its chat's lock (bot/middlewares/cluster_locks.py), no other
worker writes its conversation: the storage then reads it from Redis once (state, data and the
saved place, in the round trip that takes the lock: `take_and_read`), serves the update's further
reads from that, and keeps what changed until the lock is released, when the changes, the release
and the update's mark go in one script (`settle`). Outside such a lock every read and write goes
to Redis at once.
"""

import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from aiogram.exceptions import DataNotDictLikeError
from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, StateType, StorageKey
from redis.asyncio import Redis

from bot.storage.backends.sqlite import Database
from bot.storage.redis.key_names import ConversationKey, PseudonymousRedisNames
from bot.storage.stores.conversations import IDLE_SECONDS, Durable, load_place, save_place

STATE, DATA, SAVED = "state", "data", "saved"
"""A conversation's fields in its account's hash: `<conversation>:state` and so on."""


def _dumps(value: Mapping[str, Any]) -> str:
    return json.dumps(value, ensure_ascii=False)


@dataclass
class _Conversation:
    """What Redis holds of one conversation; `data` None when Redis has none (new, idle or lost)."""

    state: str | None
    data: dict[str, Any] | None
    saved: dict[str, Any] | None


@dataclass
class Held:
    """A conversation under its chat's lock: what was read of it, and the writes kept for `settle`."""

    conversation: str
    read: _Conversation | None = None
    account: str | None = None
    pending: dict[str, str | None] = field(default_factory=dict)
    """Field (`state`, `data`, `saved`) → its new value, None to delete it."""


_HELD: ContextVar[Held | None] = ContextVar("safar_conversation_held", default=None)


@contextmanager
def conversation_held(
    conversation: str, read: _Conversation | None = None, account: str | None = None
) -> Iterator[Held]:
    """Within this block (an update under its chat's lock), the conversation is this task's alone."""
    held = Held(conversation, read, account)
    token = _HELD.set(held)
    try:
        yield held
    finally:
        _HELD.reset(token)


_SETTLE = """
local i = 6
while i <= #ARGV do
  if ARGV[i] == 's' then
    redis.call('HSET', KEYS[2], ARGV[i + 1], ARGV[i + 2])
  else
    redis.call('HDEL', KEYS[2], ARGV[i + 1])
  end
  i = i + 3
end
if #ARGV > 5 then redis.call('PEXPIRE', KEYS[2], ARGV[2]) end
if #KEYS > 2 and redis.call('GET', KEYS[3]) == ARGV[3] then
  redis.call('SET', KEYS[3], ARGV[4], 'EX', ARGV[5])
end
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 0
"""
"""A chat lock's release: the conversation's kept writes (KEYS[2], triples from ARGV[6]: 's' field
value to set, 'd' field '' to delete), then the update's mark (KEYS[3], if its lease ARGV[3] is still
held: ARGV[4] for ARGV[5] seconds), then the lock (KEYS[1], if its token ARGV[1] still holds it)."""


def _parsed(state: bytes | None, data: bytes | None, saved: bytes | None) -> _Conversation:
    return _Conversation(
        state.decode() if state is not None else None,
        dict(json.loads(data)) if data is not None else None,
        dict(json.loads(saved)) if saved is not None else None,
    )


class RedisConversations(BaseStorage):
    def __init__(
        self,
        redis: Redis,
        key_builder: PseudonymousRedisNames,
        database: Database,
        durable: Durable,
        idle_seconds: float = IDLE_SECONDS,
    ) -> None:
        self.redis = redis
        self.key_builder = key_builder
        self._db = database
        self._durable = durable
        self._idle_ms = int(idle_seconds * 1000)
        self._settle = redis.register_script(_SETTLE)

    def _fields(self, names: ConversationKey) -> list[str]:
        return [f"{names.conversation}:{field}" for field in (STATE, DATA, SAVED)]

    async def take_and_read(
        self, lock: str, token: str, milliseconds: int, names: ConversationKey
    ) -> _Conversation | None:
        """Take the chat's lock (`lock` set to `token` if free) and read the conversation, in one
        round trip; None if another worker holds the lock (what was read is then thrown away)."""
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.set(lock, token, nx=True, px=milliseconds)
            pipe.hmget(names.account, self._fields(names))
            pipe.pexpire(names.account, self._idle_ms)  # any activity renews the idle hour
            taken, (state, data, saved), _ = await pipe.execute()
        return _parsed(state, data, saved) if taken else None

    async def settle(
        self, names: ConversationKey, held: Held, lock: tuple[str, str], mark: tuple[str, str, str, int] | None
    ) -> None:
        """Write what the update changed, mark it handled (`mark`: its key, lease token, value and
        seconds) and release the chat's `lock` (key, token), in one round trip."""
        keys = [lock[0], names.account]
        args: list[str | int] = [lock[1], self._idle_ms, "", "", 0]
        if mark is not None:
            keys.append(mark[0])
            args[2:5] = mark[1:]
        for name, value in held.pending.items():
            args.extend(("s", f"{names.conversation}:{name}", value) if value is not None else
                        ("d", f"{names.conversation}:{name}", ""))  # fmt: skip
        held.pending = {}
        await self._settle(keys=keys, args=args)

    async def _read(self, key: StorageKey) -> tuple[ConversationKey, _Conversation]:
        names = self.key_builder.conversation(key)
        held = _HELD.get()
        if held is not None and held.conversation != names.conversation:
            held = None  # another chat's conversation: not covered by this update's lock
        if held is not None and held.read is not None:
            return names, held.read
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.hmget(names.account, self._fields(names))
            pipe.pexpire(names.account, self._idle_ms)  # any activity renews the idle hour
            (state, data, saved), _ = await pipe.execute()
        read = _parsed(state, data, saved)
        if held is not None:
            held.read = read
        return names, read

    async def _write(self, names: ConversationKey, changed: Mapping[str, str | None]) -> None:
        """Set (or, for None, delete) the conversation's `changed` fields and renew the idle hour;
        under the chat's lock, when the lock is released (`settle`)."""
        held = _HELD.get()
        if held is not None and held.conversation == names.conversation:
            held.pending.update(changed)
            return
        async with self.redis.pipeline(transaction=False) as pipe:
            for field, value in changed.items():
                if value is None:
                    pipe.hdel(names.account, f"{names.conversation}:{field}")
                else:
                    pipe.hset(names.account, f"{names.conversation}:{field}", value)
            pipe.pexpire(names.account, self._idle_ms)
            await pipe.execute()

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        value = state.state if isinstance(state, State) else state
        names, conversation = await self._read(key)
        if value == conversation.state:
            return
        await self._write(names, {STATE: value})
        conversation.state = value

    async def get_state(self, key: StorageKey) -> str | None:
        return (await self._read(key))[1].state

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        if not isinstance(data, dict):
            raise DataNotDictLikeError(f"Data must be a dict or dict-like object, got {type(data).__name__}")
        copied = json.loads(_dumps(data))  # as a read would give it back
        names, conversation = await self._read(key)
        if copied == conversation.data:
            return
        changed = {DATA: _dumps(copied)}
        durable = self._durable(copied)
        if durable != conversation.saved:
            await save_place(self._db, names.conversation, names.user_key, durable)
            changed[SAVED] = _dumps(durable)
        await self._write(names, changed)
        conversation.data = copied
        conversation.saved = durable

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        """A copy: aiogram's update_data changes the dict it gets before writing it back."""
        names, conversation = await self._read(key)
        if conversation.data is None:
            # Idle for an hour, new, or Redis lost its data: back to the place kept in the database.
            place = await load_place(self._db, names.conversation)
            await self._write(names, {DATA: _dumps(place), SAVED: _dumps(place)})
            conversation.data, conversation.saved = place, dict(place)
        return dict(json.loads(_dumps(conversation.data)))

    async def forget(self, user_key: str) -> None:
        """Every conversation of the account, whatever is in it: the `/forget` part kept in Redis."""
        await self.redis.delete(self.key_builder.account(user_key))
        held = _HELD.get()
        if held is not None:
            held.read = None
            if held.account == self.key_builder.account(user_key):
                held.pending = {}  # nothing of the erased conversation is written back at the release

    async def close(self) -> None:
        """The connection belongs to the shared state (bot/runtime/shared_state.py), which closes it."""
