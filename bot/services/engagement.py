"""Anonymous engagement events, recorded off the reply's path.

`track()` appends to a buffer (no I/O) and a periodic job writes the buffer in one transaction
(`services/write_buffer.py`); a clean shutdown writes what is left. The user is the keyed hash the
middleware put in context; no text a user typed is ever recorded, only which lesson, node, result
or country.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass

from bot.common.clock import Clock
from bot.content import NodeId
from bot.content.curriculum import HOTLINES_LESSON, MAIN_LESSON
from bot.services.lesson_engine import Screen
from bot.services.write_buffer import WriteBuffer
from bot.storage.stores.events import Event, EventStore, hour_of

log = logging.getLogger(__name__)


class EventRecorder(WriteBuffer[Event]):
    def __init__(self, store: EventStore, clock: Clock) -> None:
        super().__init__()
        self._store = store
        self._clock = clock

    def record(self, user_key: str, name: str, detail: str = "") -> None:
        self._hold((hour_of(self._clock.now()), user_key, name, detail))

    async def forget(self, user_key: str, erase: Callable[[], Awaitable[None]]) -> None:
        """Drop this user's buffered events and run `erase` (the database's part of /forget)
        while no flush can run: an event taken for writing before the erase would come back."""
        async with self._flushing:
            self._buffer = [event for event in self._buffer if event[1] != user_key]
            await erase()

    async def _write(self, batch: list[Event]) -> None:
        await self._store.insert(batch)


@dataclass(frozen=True)
class Tracker:
    recorder: EventRecorder
    user_key: str

    def __call__(self, name: str, detail: str = "") -> None:
        self.recorder.record(self.user_key, name, detail)


current_tracker: ContextVar[Tracker | None] = ContextVar("safar_tracker", default=None)


def track(name: str, detail: str = "") -> None:
    """Record an event for the user of the update being handled (nothing outside an update)."""
    tracker = current_tracker.get()
    if tracker is not None:
        tracker(name, detail)


def track_move(before: NodeId | None, screen: Screen) -> None:
    """The events one step in the dialogue means: lesson opened or left, node viewed, results."""
    after = screen.node
    if before is not None and before.lesson != after.lesson and before.lesson not in (MAIN_LESSON, HOTLINES_LESSON):
        track("lesson_left", str(before))
    if before is None or before.lesson != after.lesson:
        track("lesson_opened", after.lesson)
    track("node_viewed", str(after))
    if after.lesson == HOTLINES_LESSON:
        track("hotline_opened", after.node)
    if screen.result is not None:
        track("check_result", f"{after.lesson}:{screen.result}")
    if screen.is_end and after.lesson not in (MAIN_LESSON, HOTLINES_LESSON):
        track("lesson_completed", after.lesson)


class PromptEventRecorder(EventRecorder):
    """Writes each event at once (in the background) instead of every few seconds: for a scheduler
    that is one of several and may be killed, so a delivered reminder is not left out of /stats
    with the buffer it died with. Concurrent events still share one write."""

    def __init__(self, store: EventStore, clock: Clock) -> None:
        super().__init__(store, clock)
        self._writes: set[asyncio.Task[int]] = set()

    def record(self, user_key: str, name: str, detail: str = "") -> None:
        super().record(user_key, name, detail)
        write = asyncio.get_running_loop().create_task(self.flush())
        self._writes.add(write)
        write.add_done_callback(self._written)

    def _written(self, write: "asyncio.Task[int]") -> None:
        self._writes.discard(write)
        if not write.cancelled() and write.exception() is not None:  # kept in the buffer for the next flush
            log.warning("events could not be written now (%s); kept for the next try", type(write.exception()).__name__)
