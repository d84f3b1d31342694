"""The one sender for bulk traffic (reminders, later broadcasts), within Telegram's limits.

About 30 messages a second in all and one a second per chat; a 429 is waited out for exactly its
`retry_after` and the same message retried; a 403 (user blocked the bot) ends sending to that chat;
network and server errors are retried with backoff, then handed back to be tried later. Messages to
one chat keep their order. Interactive replies never go through here, so a batch cannot delay them.
The delivery function is injected: this module knows nothing of aiogram.

Telegram's limit is per bot, not per process: several processes sending for one bot share it
through injected `SendSlots` (bot/storage/redis/send_slots.py), asked before every message.
"""

import asyncio
import heapq
import itertools
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any, Protocol


class RetryAfter(Exception):
    def __init__(self, seconds: float) -> None:
        super().__init__(seconds)
        self.seconds = seconds


class ChatBlocked(Exception):
    """The user blocked the bot or deleted the account: do not write to this chat again."""


class TemporaryFailure(Exception):
    """A network error or a server error: worth trying again."""


class Outcome(Enum):
    SENT = "sent"
    BLOCKED = "blocked"
    DEFERRED = "deferred"
    """Not delivered now (repeated failures, or the sender is stopping): try again later."""
    EXPIRED = "expired"
    """Not sent: its claim ran out before its turn came, so another process may hold it by now.
    Leave it alone (neither release nor mark it): whoever claims it next sends it."""


@dataclass
class Outgoing:
    chat_id: int
    text: str
    markup: Any = None
    reference: Any = None
    """What the caller needs to record the outcome (a reminder id, a broadcast recipient)."""
    start_before: float | None = None
    """`time.monotonic()` after which the message is not started: the end of its claim's lease,
    less a margin for a send under way. A process stalled past it (a long 429, a starved machine)
    would otherwise send what a second process has claimed again and sent."""


class SendSlots(Protocol):
    """The bot's send rate, shared with the other processes sending for it."""

    async def take(self) -> float:
        """0 when a message may go now (the slot is taken); else seconds to wait before asking again."""

    async def pause(self, seconds: float) -> None:
        """Telegram said to wait (a 429): nobody sends for the bot before then."""


Deliver = Callable[[Outgoing], Awaitable[None]]
OnResult = Callable[[Outgoing, Outcome], Awaitable[None]]


class BulkSender:
    def __init__(
        self,
        deliver: Deliver,
        messages_per_second: float = 25.0,
        seconds_per_chat: float = 1.0,
        max_in_flight: int = 8,
        attempts: int = 3,
        backoff_seconds: float = 1.0,
        shared: SendSlots | None = None,
    ) -> None:
        self._deliver = deliver
        self._shared = shared
        self._spacing = 1.0 / messages_per_second
        self._per_chat = seconds_per_chat
        self._max_in_flight = max_in_flight
        self._attempts = attempts
        self._backoff = backoff_seconds
        self._next_slot = 0.0
        self._paused_until = 0.0
        self._stopping = False

    def stop(self) -> None:
        """Start no new message; those under way finish, the rest come back as DEFERRED."""
        self._stopping = True

    async def send_all(self, items: list[Outgoing], on_result: OnResult) -> None:
        queues: dict[int, deque[Outgoing]] = {}
        for item in items:
            queues.setdefault(item.chat_id, deque()).append(item)
        order = itertools.count()
        ready = [(0.0, next(order), chat) for chat in queues]
        heapq.heapify(ready)
        failures: dict[int, int] = {}
        in_flight: dict[asyncio.Task[Exception | None], tuple[int, Outgoing]] = {}
        while ready or in_flight:
            if self._stopping:
                await self._finish(in_flight, queues, on_result)
                return
            now = time.monotonic()
            if ready and len(in_flight) < self._max_in_flight:
                start_at = max(ready[0][0], self._paused_until, self._next_slot)
                if start_at <= now and _expired(queues[ready[0][2]][0], now):
                    _, _, chat = heapq.heappop(ready)
                    await on_result(queues[chat].popleft(), Outcome.EXPIRED)
                    if queues[chat]:
                        heapq.heappush(ready, (now, next(order), chat))
                    continue
                if start_at <= now and self._shared is not None and (wait := await self._shared.take()) > 0:
                    self._next_slot = max(self._next_slot, time.monotonic() + wait)  # another process took it
                    continue
                if start_at <= now:
                    _, _, chat = heapq.heappop(ready)
                    self._next_slot = max(now, self._next_slot) + self._spacing
                    item = queues[chat][0]
                    in_flight[asyncio.create_task(self._attempt(item))] = (chat, item)
                    continue
                timeout: float | None = start_at - now
            else:
                timeout = None
            if not in_flight:
                await asyncio.sleep(timeout or 0)
                continue
            done, _ = await asyncio.wait(in_flight, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                chat, item = in_flight.pop(task)
                error = task.result()
                now = time.monotonic()
                if error is None:
                    queues[chat].popleft()
                    await on_result(item, Outcome.SENT)
                    delay = self._per_chat
                elif isinstance(error, RetryAfter):
                    self._paused_until = max(self._paused_until, now + error.seconds)
                    if self._shared is not None:
                        await self._shared.pause(error.seconds)
                    delay = error.seconds
                elif isinstance(error, ChatBlocked):
                    for dropped in queues.pop(chat):
                        await on_result(dropped, Outcome.BLOCKED)
                    continue
                else:
                    failures[id(item)] = failures.get(id(item), 0) + 1
                    if failures[id(item)] >= self._attempts:
                        queues[chat].popleft()
                        await on_result(item, Outcome.DEFERRED)
                    delay = self._backoff * 2 ** (failures[id(item)] - 1)
                if queues.get(chat):
                    heapq.heappush(ready, (now + delay, next(order), chat))

    async def _attempt(self, item: Outgoing) -> Exception | None:
        try:
            await self._deliver(item)
        except (RetryAfter, ChatBlocked, TemporaryFailure) as error:
            return error
        return None

    async def _finish(
        self,
        in_flight: dict[asyncio.Task[Exception | None], tuple[int, Outgoing]],
        queues: dict[int, deque[Outgoing]],
        on_result: OnResult,
    ) -> None:
        """Let messages under way end (so none is sent twice after a restart), defer the rest."""
        for task, (chat, item) in list(in_flight.items()):
            error = await task
            if error is None:
                queues[chat].popleft()
                await on_result(item, Outcome.SENT)
        now = time.monotonic()
        for queue in queues.values():
            for item in queue:
                await on_result(item, Outcome.EXPIRED if _expired(item, now) else Outcome.DEFERRED)


def start_before(lease_seconds: float) -> float:
    """The `start_before` of messages claimed now for `lease_seconds`: a third of the lease is left
    for a send started just before it, and for the process's clock against the database's."""
    return time.monotonic() + lease_seconds * 2 / 3


def _expired(item: Outgoing, now: float) -> bool:
    return item.start_before is not None and now >= item.start_before
