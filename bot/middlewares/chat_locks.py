"""One update at a time per chat, without a lock kept for every chat forever.

aiogram's `SimpleEventIsolation` creates a lock per chat and never drops it: about 32 MiB per
100,000 users who ever wrote, for a lock that matters only while an update is being handled.
Here a chat's lock lives while updates of that chat are in flight and goes with the last one.
"""

import asyncio
from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager

from aiogram.fsm.storage.base import BaseEventIsolation, StorageKey


class _ChatLock:
    __slots__ = ("holders", "lock")

    def __init__(self) -> None:
        self.lock = asyncio.Lock()
        self.holders = 0
        """Updates of this chat running or waiting: the lock is dropped when none is left."""


class ReleasingEventIsolation(BaseEventIsolation):
    """Two quick taps on one chat are handled one after the other; idle chats hold no lock."""

    def __init__(self) -> None:
        self._locks: dict[StorageKey, _ChatLock] = {}

    @asynccontextmanager
    async def lock(self, key: StorageKey) -> AsyncGenerator[None, None]:
        entry = self._locks.get(key)
        if entry is None:
            entry = self._locks[key] = _ChatLock()
        entry.holders += 1
        try:
            async with entry.lock:
                yield
        finally:
            entry.holders -= 1
            # One event loop: nobody can take it between this check and the removal. `close()` at
            # shutdown may have emptied the map while updates were still running.
            if entry.holders == 0 and self._locks.get(key) is entry:
                del self._locks[key]

    def chats_in_flight(self) -> int:
        """Chats with an update running or waiting (a `__len__` would make an idle isolation falsy,
        and aiogram would replace it with none at all)."""
        return len(self._locks)

    async def close(self) -> None:
        self._locks.clear()
