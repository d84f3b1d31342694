"""The counsellors' desk counted: one row per thing that happened to some case, linked to none.

A row says what happened (`DeskEvent`), in which hour, and for a first answer how many whole hours
the case had waited, or for "Did this help?" the answer. It carries no case number, no topic, no
person and no chat, and reaches the disk only in the shuffled batches of services/unlinked_writes.py,
so neither its contents nor its place on disk tie it to a case or to whoever opened one.
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from bot.storage.backends.sqlite import Database


class DeskEvent(StrEnum):
    OPENED = "opened"
    ANSWERED = "answered"
    """A case's first answer from a counsellor (later answers are not counted)."""
    CLOSED = "closed"
    BLOCKED = "blocked"
    HELPED = "helped"
    """An answer to "Did this help?" (`answer`: yes, partly or no)."""


@dataclass(frozen=True)
class DeskFigure:
    event: DeskEvent
    hour: datetime
    """Always on the hour: no row tells the minute someone acted."""
    wait_hours: int | None = None
    answer: str | None = None


def on_the_hour(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


class DeskFigureStore:
    def __init__(self, database: Database) -> None:
        self._db = database

    async def insert(self, unit: Database, figures: list[DeskFigure]) -> None:
        """A batch of rows, in the order given (the batch's random order), inside `unit`."""
        await unit.executemany(
            "INSERT INTO desk_figures (event, hour, wait_hours, answer) VALUES (:event, :hour, :wait, :answer)",
            [{"event": str(f.event), "hour": int(on_the_hour(f.hour).timestamp()), "wait": f.wait_hours,
              "answer": f.answer} for f in figures],
        )  # fmt: skip

    async def between(self, first: datetime | None, before: datetime) -> list[DeskFigure]:
        """Rows of the hours from `first` (None: all of them) up to, not including, `before`."""
        rows = await self._db.fetchall(
            "SELECT event, hour, wait_hours, answer FROM desk_figures WHERE hour >= :first AND hour < :before",
            {"first": int(first.timestamp()) if first else 0, "before": int(before.timestamp())},
        )
        return [
            DeskFigure(
                DeskEvent(str(row[0])),
                datetime.fromtimestamp(int(str(row[1])), UTC),
                None if row[2] is None else int(str(row[2])),
                None if row[3] is None else str(row[3]),
            )
            for row in rows
        ]
