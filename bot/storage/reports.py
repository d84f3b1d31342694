"""Reports of suspicious offers: stored without any link to their sender, read by staff."""

import hashlib
from dataclasses import dataclass
from datetime import date, datetime

from bot.period_salts import PeriodSalts
from bot.storage.database import Database

DAILY_REPORTS_PER_USER = 3
"""More than this from one person in a day is refused, so the queue cannot be flooded."""
GROUPS_PER_PAGE = 10
"""Agencies `/reports` shows in one message."""


@dataclass(frozen=True)
class NewReport:
    problem: str
    country: str
    agency_typed: str
    agency_key: str
    details: str


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
    def __init__(self, database: Database, day_salts: PeriodSalts | None = None) -> None:
        self._db = database
        self._day_salts = day_salts or PeriodSalts()

    async def take_quota(self, user_key: str, now: datetime) -> bool:
        """Count one report for this user today; False when they already sent the day's maximum.
        The row is keyed with today's in-memory salt: tomorrow nobody can tell whose it was."""
        day = now.date().isoformat()
        user_key = self._day_salts.keyed(day, user_key)
        async with self._db.transaction() as tx:
            await tx.execute("DELETE FROM report_quota WHERE day < :day", {"day": day})
            # One statement counts and checks, so two processes cannot both take the last one.
            counted = await tx.fetchone(
                "INSERT INTO report_quota (user_key, day, reports) VALUES (:user_key, :day, 1) "
                "ON CONFLICT (user_key, day) DO UPDATE SET reports = report_quota.reports + 1 "
                "WHERE report_quota.reports < :most RETURNING reports",
                {"user_key": user_key, "day": day, "most": DAILY_REPORTS_PER_USER},
            )
        return counted is not None

    async def add(self, report: NewReport, now: datetime) -> None:
        await self._db.execute(
            "INSERT INTO offer_reports (created_day, problem, country, agency_typed, agency_key, details) "
            "VALUES (:created_day, :problem, :country, :agency_typed, :agency_key, :details)",
            {"created_day": now.date().isoformat(), "problem": report.problem, "country": report.country,
             "agency_typed": report.agency_typed, "agency_key": report.agency_key, "details": report.details},
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

    async def reported_keys(self, limit: int = 5000) -> list[str]:
        """Agency keys already reported, most recent first: new reports join their spelling."""
        return [
            str(row[0])
            for row in await self._db.fetchall(
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
