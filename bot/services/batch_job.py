"""The skeleton the bulk deliveries share (reminders, broadcasts, the counsellors' relays): one batch at a time, and a
shutdown that lets the batch under way finish while starting no other.

APScheduler may start a run while the previous one still sends, and a shutdown comes in the middle
of a batch; without this, a reminder would be claimed twice or a claim left until its lease ends.
"""

import asyncio
from abc import ABC, abstractmethod
from typing import Generic, Protocol, TypeVar


class Stoppable(Protocol):
    def stop(self) -> None:
        """Start nothing new; what is under way finishes."""


S = TypeVar("S", bound=Stoppable)


class BatchJob(ABC, Generic[S]):
    """`sender`: what sends the batch (the bulk sender; the relay queue sends its own)."""

    def __init__(self, sender: S) -> None:
        self._sender = sender
        self._lock = asyncio.Lock()
        self._closed = False

    async def run_once(self) -> int:
        """Send one batch unless shutting down; returns how many messages it took on."""
        async with self._lock:
            if self._closed:
                return 0
            return await self._run_batch()

    @abstractmethod
    async def _run_batch(self) -> int:
        """Claim, send and record one batch; called with the lock held."""

    async def shutdown(self) -> None:
        """Finish what is under way and release the rest of the batch; start no other run."""
        self._closed = True
        self._sender.stop()  # the rest of the batch comes back DEFERRED and is released
        async with self._lock:
            pass
