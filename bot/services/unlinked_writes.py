"""Rows a person's action creates (a report, a campaign count, later: a case opened, an answer),
written so that the order of writes on disk links none of them to that person.

A database records the order of its writes: PostgreSQL stamps each row with the number of the
transaction that wrote it (`xmin`), and SQLite's write-ahead log keeps commits in order until the
next truncating checkpoint. A report written in its own transaction, right after the reporter's
other writes (their language, their place in a lesson, their events), would sit next to them on a
copied disk. So these rows are held in this process's memory and written in batches:

- only at fixed times (every `BatchRule.every` from midnight UTC), never because of what one
  person did, so the moment of a write says nothing about who caused it;
- when the rows waiting come from at least `BatchRule.people` people, or when the oldest would
  otherwise wait longer than `BatchRule.longest`; a clean shutdown writes whatever is waiting;
- in one transaction for every kind of row, in a random order, so row ids say nothing about the
  order in which people acted.

What remains is in docs/privacy.md ("The order of writes"). Nothing here is keyed by account, so
`/forget` has nothing to erase. A process that dies without a clean shutdown loses the rows still
waiting: the `then` of each row runs only once it is stored (a report's sender is told then).

Usage: `kind = writes.kind("offer_reports", store.insert)` once at wiring, where `store.insert(unit,
rows)` writes a list of rows inside the unit of work it is given; then `kind.add(row, person=user_key,
then=...)` from a handler. `write_if_due()` runs every few seconds (bot/runtime/periodic_jobs.py),
`flush()` at shutdown.
"""

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Generic, TypeVar

from bot.common.clock import Clock
from bot.services.write_buffer import WriteBuffer
from bot.storage.backends.sqlite import Database

log = logging.getLogger(__name__)

Row = TypeVar("Row")
Then = Callable[[], Awaitable[None]]
"""Run once the row is stored, e.g. to tell the person; its errors are logged by kind, not raised."""
Writer = Callable[[Database, list[Row]], Awaitable[None]]
"""Writes rows of one kind, in the given order, inside the unit of work it is given."""


@dataclass(frozen=True)
class BatchRule:
    every: timedelta = timedelta(hours=1)
    """Rows are written only at these times from midnight UTC (on the hour)."""
    people: int = 3
    """... when the rows waiting come from at least this many people,"""
    longest: timedelta = timedelta(hours=24)
    """... or when waiting for the next time would keep the oldest row waiting longer than this."""


@dataclass
class _Waiting:
    kind: str
    row: Any
    person: str
    since: datetime
    then: Then | None = field(default=None, compare=False)


class RowKind(Generic[Row]):
    """One kind of row (one table), as handlers add them."""

    def __init__(self, writes: "UnlinkedWrites", name: str) -> None:
        self._writes = writes
        self.name = name

    def add(self, row: Row, person: str, then: Then | None = None) -> None:
        """Hold `row` for the next batch. `person` (the user key) is kept in memory only, to count
        how many people the batch mixes; `then` runs once the batch is stored."""
        self._writes.hold(_Waiting(self.name, row, person, self._writes.now(), then))


class UnlinkedWrites(WriteBuffer[_Waiting]):
    def __init__(
        self, database: Database, clock: Clock, rule: BatchRule | None = None, order: random.Random | None = None
    ) -> None:
        super().__init__()
        self._db = database
        self._clock = clock
        self.rule = rule or BatchRule()
        self._order = order or random.SystemRandom()
        self._writers: dict[str, Writer[Any]] = {}
        self._kinds: dict[str, RowKind[Any]] = {}
        self._last_time = self._write_time(clock.now())
        self._telling: set[asyncio.Task[None]] = set()

    def kind(self, name: str, write: Writer[Row]) -> RowKind[Row]:
        """The handle to add rows of `name`, written by `write`; registering a name again (a second
        dispatcher of the same process) returns the first handle."""
        if name not in self._kinds:
            self._writers[name] = write
            self._kinds[name] = RowKind(self, name)
        kind: RowKind[Row] = self._kinds[name]
        return kind

    def now(self) -> datetime:
        return self._clock.now()

    @property
    def considered(self) -> datetime:
        """The last write time the periodic job has looked at (and written at, if due)."""
        return self._last_time

    def hold(self, waiting: _Waiting) -> None:
        self._hold(waiting)

    def _write_time(self, moment: datetime) -> datetime:
        """The last time rows may be written at, at or before `moment`."""
        midnight = datetime.combine(moment.date(), datetime.min.time(), tzinfo=moment.tzinfo or UTC)
        return midnight + self.rule.every * ((moment - midnight) // self.rule.every)

    def due(self, at: datetime) -> bool:
        """Whether what waits is written at the write time `at` (see BatchRule)."""
        if not self._buffer:
            return False
        people = len({waiting.person for waiting in self._buffer})
        oldest = min(waiting.since for waiting in self._buffer)
        return people >= self.rule.people or oldest + self.rule.longest < at + self.rule.every

    async def write_if_due(self) -> int:
        """The periodic job: at the first run after a write time, write what waits if it is due.
        A write that fails is tried again at the next run (the rows stay waiting)."""
        at = self._write_time(self._clock.now())
        if at <= self._last_time:
            return 0
        if not self.due(at):
            self._last_time = at
            return 0
        try:
            written = await self.flush()
        except Exception as error:  # its text may quote the rows: only its kind is logged
            log.warning("rows waiting to be written could not be written now (%s); kept for the next try",
                        type(error).__name__)  # fmt: skip
            return 0
        self._last_time = at
        return written

    async def flush(self) -> int:
        """Write everything that waits now, whatever the rule (a clean shutdown), and wait until
        the people concerned have been told."""
        written = await super().flush()
        if self._telling:
            await asyncio.gather(*self._telling, return_exceptions=True)
        return written

    async def _write(self, batch: list[_Waiting]) -> None:
        self._order.shuffle(batch)
        async with self._db.transaction() as unit:
            for name, write in self._writers.items():
                rows = [waiting.row for waiting in batch if waiting.kind == name]
                if rows:
                    await write(unit, rows)
        log.debug("%d row(s) of %d people written together", len(batch), len({w.person for w in batch}))
        for waiting in batch:  # stored: nothing below may put the rows back for a second write
            if waiting.then is not None:
                task = asyncio.get_running_loop().create_task(_run(waiting.then))
                self._telling.add(task)
                task.add_done_callback(self._telling.discard)


async def _run(then: Then) -> None:
    try:
        await then()
    except Exception as error:  # the row is stored; only telling the person failed
        log.info("a stored row's follow-up failed (%s)", type(error).__name__)
