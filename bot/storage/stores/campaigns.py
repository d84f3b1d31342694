"""Deep-link campaign counts per ISO week: opens and new users, and nothing about who.

The table has no user key and no time finer than the week, so a campaign tag (which poster,
which session) can never be tied to an account; counts arrive in batches with other people's
rows (bot/services/unlinked_writes.py), so neither does the order of writes.
"""

from dataclasses import dataclass
from datetime import date
from typing import Final

from bot.storage.backends.sqlite import Database

MAX_CAMPAIGNS_PER_WEEK: Final = 200
"""Tags are typed into links by anyone; past this many in a week, new ones count as 'other'."""
OTHER_CAMPAIGN: Final = "other"


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


@dataclass(frozen=True)
class CampaignWeek:
    week: str
    campaign: str
    opens: int
    new_users: int


class CampaignStore:
    def __init__(self, database: Database) -> None:
        self._database = database

    async def add(self, unit: Database, counts: list[CampaignWeek]) -> None:
        """Add a batch of counts inside `unit`, summed per week and campaign first (one statement
        each, in the order of their names); a campaign new to its week counts as 'other' once the
        week has MAX_CAMPAIGNS_PER_WEEK."""
        sums: dict[tuple[str, str], tuple[int, int]] = {}
        for count in counts:
            opens, new_users = sums.get((count.week, count.campaign), (0, 0))
            sums[(count.week, count.campaign)] = (opens + count.opens, new_users + count.new_users)
        for (week, campaign), (opens, new_users) in sorted(sums.items()):
            await unit.execute(
                "INSERT INTO campaign_weeks (week, campaign, opens, new_users) "
                "SELECT CAST(:week AS TEXT), CASE WHEN EXISTS "
                "  (SELECT 1 FROM campaign_weeks WHERE week = :week AND campaign = CAST(:campaign AS TEXT)) "
                "  OR (SELECT COUNT(*) FROM campaign_weeks WHERE week = :week) < :most "
                "  THEN CAST(:campaign AS TEXT) ELSE CAST(:other AS TEXT) END, "
                "  CAST(:opens AS BIGINT), CAST(:new_users AS BIGINT) "
                "WHERE true "
                "ON CONFLICT (week, campaign) DO UPDATE SET opens = campaign_weeks.opens + excluded.opens, "
                "new_users = campaign_weeks.new_users + excluded.new_users",
                {"week": week, "campaign": campaign, "most": MAX_CAMPAIGNS_PER_WEEK, "other": OTHER_CAMPAIGN,
                 "opens": opens, "new_users": new_users},
            )  # fmt: skip

    async def counted(self, week: str, campaign: str) -> bool:
        """Whether `campaign` has a row in `week` already."""
        row = await self._database.fetchone(
            "SELECT 1 FROM campaign_weeks WHERE week = :week AND campaign = :campaign",
            {"week": week, "campaign": campaign},
        )
        return row is not None

    async def recent(self, since: date) -> list[CampaignWeek]:
        """Every campaign's weeks from the week of `since` on, newest week first, busiest first."""
        rows = await self._database.fetchall(
            "SELECT week, campaign, opens, new_users FROM campaign_weeks WHERE week >= :week "
            "ORDER BY week DESC, opens DESC, campaign",
            {"week": iso_week(since)},
        )
        return [CampaignWeek(str(w), str(c), int(o), int(n)) for w, c, o, n in rows]
