"""The advert check's early warning: one row per advert Safar read, linked to nobody.

A row holds the advert's ISO week, the flags found, the public channel it was forwarded from (an
@username; empty for a paste, a photo, a private chat or a person), whether it was the first advert
from that channel its sender brought that week, and a similarity fingerprint (advert_reading.py).
No text, no person, no chat; rows reach the disk only in the shuffled batches of
services/unlinked_writes.py, so their order says nothing about who sent them.
"""

from dataclasses import dataclass

from bot.storage.backends.sqlite import Database


@dataclass(frozen=True)
class AdvertCheck:
    week: str
    flags: tuple[str, ...]
    channel: str
    """A public channel's @username without the @, or empty."""
    new_person: bool
    """The first advert from `channel` its sender brought this week: these sum to the channel's people."""
    fingerprint: int


class AdvertCheckStore:
    def __init__(self, database: Database) -> None:
        self._db = database

    async def insert(self, unit: Database, checks: list[AdvertCheck]) -> None:
        """A batch of rows, in the order given (the batch's random order), inside `unit`."""
        await unit.executemany(
            "INSERT INTO advert_checks (week, flags, channel, new_person, fingerprint) "
            "VALUES (:week, :flags, :channel, :new_person, :fingerprint)",
            [{"week": c.week, "flags": ",".join(c.flags), "channel": c.channel, "new_person": int(c.new_person),
              "fingerprint": c.fingerprint} for c in checks],
        )  # fmt: skip

    async def of_week(self, week: str) -> list[AdvertCheck]:
        rows = await self._db.fetchall(
            "SELECT week, flags, channel, new_person, fingerprint FROM advert_checks WHERE week = :week ORDER BY id",
            {"week": week},
        )
        return [
            AdvertCheck(str(w), tuple(f for f in str(f).split(",") if f), str(c), bool(n), int(p))
            for w, f, c, n, p in rows
        ]

    async def delete_before(self, week: str) -> int:
        """Retention: the rows of weeks before `week` are deleted (REPORT_RETENTION_DAYS)."""
        changed = await self._db.execute("DELETE FROM advert_checks WHERE week < :week", {"week": week})
        if changed.rows:
            await self._db.checkpoint(["advert_checks"])
        return changed.rows

    async def weeks(self, since: str) -> list[tuple[str, int]]:
        """Adverts checked per week, from the week `since` on, newest first."""
        rows = await self._db.fetchall(
            "SELECT week, COUNT(*) FROM advert_checks WHERE week >= :since GROUP BY week ORDER BY week DESC",
            {"since": since},
        )
        return [(str(week), int(count)) for week, count in rows]
