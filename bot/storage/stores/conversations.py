"""aiogram FSM storage: a user's place in a lesson on disk, everything else in memory only.

Rows are keyed by a keyed hash of aiogram's storage key: the database never holds a chat or
user id, and `forget` can still find a user's rows through `user_key`.

Only the durable part of the data (`durable`, given by the wiring: the current position in a
lesson) is written to SQLite, before the write returns, so a restart or a crash loses nobody's
place. The rest — which step of a tool someone is in, the way back through the lessons, check
answers, what they typed into a report before sending it — lives in memory and is forgotten
when it is cleared, when the person has been idle for an hour, or when the process stops: a copy
of the disk never holds it. Reads are served from memory for recently active users, and a write
whose durable part did not change costs no database round trip.
"""

import json
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import Any, Protocol, runtime_checkable

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, StateType, StorageKey

from bot.common.clock import Clock, SystemClock
from bot.storage.backends.sqlite import Database

RECENT_USERS = 4096
"""How many users' state is kept in memory besides the database (a few MB at most)."""
IDLE_SECONDS = 3600
"""After an idle hour, what is kept in memory only is dropped: the person starts again from their place."""

Durable = Callable[[Mapping[str, Any]], dict[str, Any]]
"""The part of a user's data that must survive a restart."""


def conversation_keys(pseudonym: Callable[[str], str], key: StorageKey) -> tuple[str, str]:
    """The keyed hashes a conversation is stored under: its own (every part of aiogram's key) and
    its account's (the user id alone, the `user_key` that `/forget` erases by)."""
    raw = f"{key.bot_id}:{key.chat_id}:{key.user_id}:{key.thread_id}:{key.business_connection_id}:{key.destiny}"
    return pseudonym(raw), pseudonym(str(key.user_id))


async def load_place(database: Database, storage_key: str) -> dict[str, Any]:
    """The durable part last saved for a conversation ({} for none)."""
    found = await database.fetchone(
        "SELECT data FROM fsm_state WHERE storage_key = :storage_key", {"storage_key": storage_key}
    )
    return dict(json.loads(found[0])) if found and found[0] else {}


async def save_place(database: Database, storage_key: str, user_key: str, durable: Mapping[str, Any]) -> None:
    await database.execute(
        "INSERT INTO fsm_state (storage_key, user_key, data) VALUES (:storage_key, :user_key, :data) "
        "ON CONFLICT (storage_key) DO UPDATE SET data = excluded.data",
        {"storage_key": storage_key, "user_key": user_key, "data": json.dumps(durable, ensure_ascii=False)},
    )


@runtime_checkable
class ForgetsAccounts(Protocol):
    async def forget(self, user_key: str) -> None:
        """Drop what the storage holds about the account outside the database's personal tables
        (which `UserSettingsStore.forget` erases): the `/forget` part kept in memory or Redis."""


class _Row:
    __slots__ = ("data", "durable", "state", "touched", "user_key")

    def __init__(
        self, user_key: str, state: str | None, data: dict[str, Any], durable: dict[str, Any], touched: float
    ) -> None:
        self.user_key = user_key
        self.state = state
        self.data = data
        self.durable = durable
        self.touched = touched


class DatabaseFSMStorage(BaseStorage):
    def __init__(
        self,
        database: Database,
        pseudonym: Callable[[str], str],
        durable: Durable,
        recent: int = RECENT_USERS,
        idle_seconds: float = IDLE_SECONDS,
        clock: Clock | None = None,
    ) -> None:
        """`clock`: the idle hour is measured on it, so tests move time instead of waiting."""
        self._db = database
        self._clock = clock or SystemClock()
        self._pseudonym = pseudonym
        self._durable = durable
        self._recent: OrderedDict[str, _Row] = OrderedDict()
        self._recent_limit = recent
        self._idle = idle_seconds

    def _keys(self, key: StorageKey) -> tuple[str, str]:
        return conversation_keys(self._pseudonym, key)

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        """In memory only: a step of a tool is not a place worth keeping on disk."""
        (await self._row(*self._keys(key))).state = state.state if isinstance(state, State) else state

    async def get_state(self, key: StorageKey) -> str | None:
        return (await self._row(*self._keys(key))).state

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        storage_key, user_key = self._keys(key)
        row = await self._row(storage_key, user_key)
        copied = json.loads(json.dumps(dict(data), ensure_ascii=False))  # what a read from the database would give
        row.data = copied
        durable = self._durable(copied)
        if durable == row.durable:
            return
        await save_place(self._db, storage_key, user_key, durable)
        row.durable = durable

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        """A copy: aiogram's update_data changes the dict it gets before writing it back."""
        return dict((await self._row(*self._keys(key))).data)

    async def _row(self, storage_key: str, user_key: str) -> _Row:
        row = self._recent.get(storage_key)
        now = self._clock.now().timestamp()
        if row is not None:
            self._recent.move_to_end(storage_key)
            if now - row.touched > self._idle:
                row.state, row.data = None, json.loads(json.dumps(row.durable))
            row.touched = now
            return row
        durable = await load_place(self._db, storage_key)
        row = _Row(user_key, None, json.loads(json.dumps(durable)), durable, now)
        self._recent[storage_key] = row
        if len(self._recent) > self._recent_limit:
            self._recent.popitem(last=False)
        return row

    def forget_idle(self) -> int:
        """Drop what idle users kept in memory only (the least recently active come first)."""
        cutoff = self._clock.now().timestamp() - self._idle
        dropped = 0
        for storage_key, row in list(self._recent.items()):
            if row.touched > cutoff:
                break
            del self._recent[storage_key]
            dropped += 1
        return dropped

    async def forget(self, user_key: str) -> None:
        for storage_key in [key for key, row in self._recent.items() if row.user_key == user_key]:
            del self._recent[storage_key]

    async def close(self) -> None:
        """The connection belongs to the application, which closes it."""
