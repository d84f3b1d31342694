"""aiogram FSM storage in SQLite, so a restart loses nobody's place in a lesson.

Rows are keyed by a keyed hash of aiogram's storage key: the database never holds a chat or
user id, and `forget` can still find a user's rows through `user_key`.
"""

import json
from collections.abc import Callable, Mapping
from typing import Any

import aiosqlite
from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, StateType, StorageKey


class SQLiteStorage(BaseStorage):
    def __init__(self, connection: aiosqlite.Connection, pseudonym: Callable[[str], str]) -> None:
        self._connection = connection
        self._pseudonym = pseudonym

    def _keys(self, key: StorageKey) -> tuple[str, str]:
        raw = f"{key.bot_id}:{key.chat_id}:{key.user_id}:{key.thread_id}:{key.business_connection_id}:{key.destiny}"
        return self._pseudonym(raw), self._pseudonym(str(key.user_id))

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        value = state.state if isinstance(state, State) else state
        storage_key, user_key = self._keys(key)
        await self._connection.execute(
            "INSERT INTO fsm_state (storage_key, user_key, state) VALUES (?, ?, ?) "
            "ON CONFLICT (storage_key) DO UPDATE SET state = excluded.state",
            (storage_key, user_key, value),
        )
        await self._connection.commit()

    async def get_state(self, key: StorageKey) -> str | None:
        row = await self._row(key, "state")
        return str(row) if row is not None else None

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        storage_key, user_key = self._keys(key)
        await self._connection.execute(
            "INSERT INTO fsm_state (storage_key, user_key, data) VALUES (?, ?, ?) "
            "ON CONFLICT (storage_key) DO UPDATE SET data = excluded.data",
            (storage_key, user_key, json.dumps(dict(data), ensure_ascii=False)),
        )
        await self._connection.commit()

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        row = await self._row(key, "data")
        return dict(json.loads(row)) if row else {}

    async def _row(self, key: StorageKey, column: str) -> Any:
        storage_key, _ = self._keys(key)
        async with self._connection.execute(
            f"SELECT {column} FROM fsm_state WHERE storage_key = ?",
            (storage_key,),
        ) as cursor:
            row = await cursor.fetchone()
        return row[0] if row else None

    async def close(self) -> None:
        """The connection belongs to the application, which closes it."""
