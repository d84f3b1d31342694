"""Rows held in memory and written together, off the reply's path: the engagement events
(`services/engagement.py`) and the rows a person's action creates (`services/unlinked_writes.py`).

One write at a time: when `flush()` returns, everything held before it was called is stored, even
if a periodic flush had already taken part of it. A write that fails or is cancelled keeps its rows
for the next one, ahead of what came in meanwhile, so nothing is lost or written twice.
"""

import asyncio
from typing import Generic, TypeVar

Held = TypeVar("Held")


class WriteBuffer(Generic[Held]):
    def __init__(self) -> None:
        self._buffer: list[Held] = []
        self._flushing = asyncio.Lock()

    def _hold(self, row: Held) -> None:
        self._buffer.append(row)

    @property
    def waiting(self) -> int:
        return len(self._buffer)

    async def flush(self) -> int:
        """Write everything held now; returns how many rows."""
        async with self._flushing:
            if not self._buffer:
                return 0
            batch, self._buffer = self._buffer, []
            try:
                await self._write(batch)
            except BaseException:  # an error or a cancellation: keep them for the next flush
                self._buffer = batch + self._buffer
                raise
            return len(batch)

    async def _write(self, batch: list[Held]) -> None:
        """Store `batch` whole or not at all (one unit of work)."""
        raise NotImplementedError
