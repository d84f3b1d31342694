"""Counting deep-link campaigns (`/start entry__tag`) so that one account cannot inflate them.

- An account's opens of one campaign count once a week, however often it follows the link.
- A new user counts once: when their language is first stored, for the campaign that brought them
  (not at every `/start` before they choose a language).
- Tags are typed into links by anyone: an account may be the first to open only a few tags in a
  week (`NEW_TAGS_PER_ACCOUNT`); its opens of further new tags count as 'other', so one account
  cannot push the real poster tags out of the week's list.

Who did what is counted in a `Tally` (the week's salt, memory or Redis: nothing on disk); the counts
themselves go to the database in batches with other people's rows (`unlinked_writes.py`).
"""

from typing import Final

from bot.common.clock import Clock
from bot.services.unlinked_writes import RowKind
from bot.storage.stores.campaigns import OTHER_CAMPAIGN, CampaignStore, CampaignWeek, iso_week
from bot.storage.stores.tallies import Tally, week_of

NEW_TAGS_PER_ACCOUNT: Final = 3
"""Campaign tags one account may bring into a week's counts; a person scanning posters around town
meets tags others have opened already, staff testing a new poster meet one or two."""


class CampaignCounts:
    def __init__(self, store: CampaignStore, tally: Tally, batch: RowKind[CampaignWeek], clock: Clock) -> None:
        self._store = store
        self._tally = tally
        self._batch = batch
        self._clock = clock

    async def opened(self, user_key: str, campaign: str) -> str:
        """Count an open of `campaign` by this account (once a week); returns the campaign it is
        counted under, which a new user's arrival is counted under too."""
        now = self._clock.now()
        period, week = week_of(now), iso_week(now.date())
        if not await self._tally.take(period, f"open:{campaign}:{user_key}", 1):
            return campaign
        if not await self._store.counted(week, campaign) and not await self._tally.take(
            period, f"new-tag:{user_key}", NEW_TAGS_PER_ACCOUNT
        ):
            campaign = OTHER_CAMPAIGN
            if not await self._tally.take(period, f"open:{campaign}:{user_key}", 1):
                return campaign
        self._batch.add(CampaignWeek(week, campaign, opens=1, new_users=0), person=user_key)
        return campaign

    def arrived(self, user_key: str, campaign: str) -> None:
        """A new user (their language just stored for the first time) whom `campaign` brought."""
        week = iso_week(self._clock.now().date())
        self._batch.add(CampaignWeek(week, campaign, opens=0, new_users=1), person=user_key)
