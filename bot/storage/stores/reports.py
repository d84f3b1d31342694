"""Reports of suspicious offers: stored without any link to their sender, read by staff.

Reports reach this store in batches with other people's rows (bot/services/unlinked_writes.py),
never one by one as they are sent, so the order of writes on disk does not point to their senders.
"""

import hashlib
from dataclasses import dataclass
from datetime import date

from bot.storage.backends.sqlite import Database

DAILY_REPORTS_PER_USER = 3
"""More than this from one person in a day is refused, so the queue cannot be flooded (counted in
a `Tally` keyed with the day's salt: bot/storage/stores/tallies.py)."""
GROUPS_PER_PAGE = 10
"""Agencies `/reports` shows in one message."""


@dataclass(frozen=True)
class NewReport:
    problem: str
    country: str
    agency_typed: str
    agency_key: str
    details: str
    day: date
    """The day it was sent: the only time kept (an hour could be matched with the hours someone was active)."""


@dataclass(frozen=True)
class ReportGroup:
    """Open reports about one agency (by normalised name)."""

    agency_key: str
    agency_typed: str
    """The most recent spelling someone typed."""
    total: int
    by_problem: dict[str, int]
    last_day: str
    recent_details: list[str]
    last_id: int
    """The newest report counted here: "reviewed" marks this one and older ones of the group, not
    those stored after the list was shown."""

    @property
    def ref(self) -> str:
        """A short stable name for the group in callback data."""
        return group_ref(self.agency_key)


def group_ref(agency_key: str) -> str:
    return hashlib.blake2b(agency_key.encode(), digest_size=6).hexdigest()


class ReportStore:
    def __init__(self, database: Database) -> None:
        self._db = database

    async def insert(self, unit: Database, reports: list[NewReport]) -> None:
        """A batch of reports, in the order given (the batch's random order), inside `unit`."""
        await unit.executemany(
            "INSERT INTO offer_reports (created_day, problem, country, agency_typed, agency_key, details) "
            "VALUES (:created_day, :problem, :country, :agency_typed, :agency_key, :details)",
            [{"created_day": r.day.isoformat(), "problem": r.problem, "country": r.country,
              "agency_typed": r.agency_typed, "agency_key": r.agency_key, "details": r.details} for r in reports],
        )  # fmt: skip

    async def open_groups(self, limit: int = GROUPS_PER_PAGE, offset: int = 0) -> list[ReportGroup]:
        """Agencies with unreviewed reports, the most recently reported first; `offset` pages on."""
        keys = [
            (row[0], row[1])
            for row in await self._db.fetchall(
                "SELECT agency_key, MAX(created_day) AS last FROM offer_reports WHERE reviewed = 0 "
                "GROUP BY agency_key ORDER BY last DESC, agency_key LIMIT :limit OFFSET :offset",
                {"limit": limit, "offset": offset},
            )
        ]
        return [await self._group(key, last) for key, last in keys]

    async def open_group_count(self) -> int:
        row = await self._db.fetchone("SELECT COUNT(DISTINCT agency_key) FROM offer_reports WHERE reviewed = 0")
        return int(row[0]) if row else 0

    async def _group(self, agency_key: str, last_day: str) -> ReportGroup:
        rows = list(
            await self._db.fetchall(
                "SELECT problem, agency_typed, details, id FROM offer_reports WHERE reviewed = 0 "
                "AND agency_key = :agency_key ORDER BY id DESC",
                {"agency_key": agency_key},
            )
        )
        by_problem: dict[str, int] = {}
        for problem, _, _, _ in rows:
            by_problem[problem] = by_problem.get(problem, 0) + 1
        details = [str(row[2]) for row in rows if row[2]][:2]
        return ReportGroup(agency_key, str(rows[0][1]), len(rows), by_problem, last_day, details, int(rows[0][3]))

    async def reported_keys(self, unit: Database | None = None, limit: int = 5000) -> list[str]:
        """Agency keys already reported, most recent first: new reports join their spelling (read
        inside `unit` when a batch is being written)."""
        return [
            str(row[0])
            for row in await (unit or self._db).fetchall(
                "SELECT agency_key FROM offer_reports GROUP BY agency_key ORDER BY MAX(id) DESC LIMIT :limit",
                {"limit": limit},
            )
        ]

    async def delete_before(self, day: date) -> int:
        """Retention: reports filed before `day` are deleted (REPORT_RETENTION_DAYS)."""
        changed = await self._db.execute("DELETE FROM offer_reports WHERE created_day < :day", {"day": day.isoformat()})
        if changed.rows:
            await self._db.checkpoint(["offer_reports"])
        return changed.rows

    async def open_count(self) -> int:
        row = await self._db.fetchone("SELECT COUNT(*) FROM offer_reports WHERE reviewed = 0")
        return int(row[0]) if row else 0

    async def mark_reviewed(self, ref: str, up_to: int) -> int:
        """Mark the open reports of the group `ref` reviewed, those with ids up to `up_to` (the
        ones staff were shown); returns how many."""
        keys = [
            str(row[0])
            for row in await self._db.fetchall("SELECT DISTINCT agency_key FROM offer_reports WHERE reviewed = 0")
        ]
        matching = [key for key in keys if group_ref(key) == ref]
        if not matching:
            return 0
        changed = await self._db.execute(
            "UPDATE offer_reports SET reviewed = 1 WHERE reviewed = 0 AND agency_key = :agency_key AND id <= :up_to",
            {"agency_key": matching[0], "up_to": up_to},
        )
        return changed.rows
