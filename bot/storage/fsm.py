"""aiogram FSM storage in SQLite, so a restart loses nobody's place in a lesson.

Rows are keyed by a keyed hash of aiogram's storage key: the database never holds a chat or
user id, and `forget` can still find a user's rows through `user_key`.

Every write goes to SQLite before it returns (a crash loses nothing); reads of recently active
users are served from a bounded in-memory copy, and a write that changes nothing is skipped,
because each update reads the state several times and a database round trip is the slow part.
"""

import json
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, StateType, StorageKey

from bot.storage.database import Database

RECENT_USERS = 4096
"""How many users' state is kept in memory besides the database (a few MB at most)."""


class _Row:
    __slots__ = ("data", "state")

    def __init__(self, state: str | None, data: dict[str, Any]) -> None:
        self.state = state
        self.data = data


class SQLiteStorage(BaseStorage):
    def __init__(self, database: Database, pseudonym: Callable[[str], str], recent: int = RECENT_USERS) -> None:
        self._db = database
        self._pseudonym = pseudonym
        self._recent: OrderedDict[str, _Row] = OrderedDict()
        self._recent_limit = recent

    def _keys(self, key: StorageKey) -> tuple[str, str]:
        raw = f"{key.bot_id}:{key.chat_id}:{key.user_id}:{key.thread_id}:{key.business_connection_id}:{key.destiny}"
        return self._pseudonym(raw), self._pseudonym(str(key.user_id))

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        value = state.state if isinstance(state, State) else state
        storage_key, user_key = self._keys(key)
        row = await self._row(storage_key)
        if row.state == value:
            return
        await self._db.execute(
            "INSERT INTO fsm_state (storage_key, user_key, state) VALUES (?, ?, ?) "
            "ON CONFLICT (storage_key) DO UPDATE SET state = excluded.state",
            (storage_key, user_key, value),
        )
        row.state = value

    async def get_state(self, key: StorageKey) -> str | None:
        return (await self._row(self._keys(key)[0])).state

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        storage_key, user_key = self._keys(key)
        row = await self._row(storage_key)
        if row.data == data:
            return
        text = json.dumps(dict(data), ensure_ascii=False)
        await self._db.execute(
            "INSERT INTO fsm_state (storage_key, user_key, data) VALUES (?, ?, ?) "
            "ON CONFLICT (storage_key) DO UPDATE SET data = excluded.data",
            (storage_key, user_key, text),
        )
        row.data = json.loads(text)  # exactly what a read from the database would give

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        """A copy: aiogram's update_data changes the dict it gets before writing it back."""
        return dict((await self._row(self._keys(key)[0])).data)

    async def _row(self, storage_key: str) -> _Row:
        row = self._recent.get(storage_key)
        if row is not None:
            self._recent.move_to_end(storage_key)
            return row
        found = await self._db.fetchone("SELECT state, data FROM fsm_state WHERE storage_key = ?", (storage_key,))
        row = _Row(found[0], json.loads(found[1]) if found and found[1] else {}) if found else _Row(None, {})
        self._recent[storage_key] = row
        if len(self._recent) > self._recent_limit:
            self._recent.popitem(last=False)
        return row

    async def close(self) -> None:
        """The connection belongs to the application, which closes it."""
