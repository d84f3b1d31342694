"""Deep-link campaign counts per ISO week: opens and new users, and nothing about who.

The table has no user key and no time finer than the week, so a campaign tag (which poster,
which session) can never be tied to an account.
"""

from dataclasses import dataclass
from datetime import date
from typing import Final

from bot.storage.database import Database

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

    async def count_open(self, day: date, campaign: str, new_user: bool) -> None:
        """One deep-link open of `campaign` (and a new user, if it brought one); one statement."""
        week = iso_week(day)
        await self._database.execute(
            "INSERT INTO campaign_weeks (week, campaign, opens, new_users) "
            "SELECT CAST(:week AS TEXT), CASE WHEN EXISTS "
            "  (SELECT 1 FROM campaign_weeks WHERE week = :week AND campaign = CAST(:campaign AS TEXT)) "
            "  OR (SELECT COUNT(*) FROM campaign_weeks WHERE week = :week) < :most "
            "  THEN CAST(:campaign AS TEXT) ELSE CAST(:other AS TEXT) END, 1, CAST(:new_user AS BIGINT) "
            "WHERE true "
            "ON CONFLICT (week, campaign) DO UPDATE SET opens = campaign_weeks.opens + 1, "
            "new_users = campaign_weeks.new_users + excluded.new_users",
            {
                "week": week,
                "campaign": campaign,
                "most": MAX_CAMPAIGNS_PER_WEEK,
                "other": OTHER_CAMPAIGN,
                "new_user": int(new_user),
            },
        )

    async def recent(self, since: date) -> list[CampaignWeek]:
        """Every campaign's weeks from the week of `since` on, newest week first, busiest first."""
        rows = await self._database.fetchall(
            "SELECT week, campaign, opens, new_users FROM campaign_weeks WHERE week >= :week "
            "ORDER BY week DESC, opens DESC, campaign",
            {"week": iso_week(since)},
        )
        return [CampaignWeek(str(w), str(c), int(o), int(n)) for w, c, o, n in rows]
