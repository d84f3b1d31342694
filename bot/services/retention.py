"""Deleting what has been kept long enough: reports of suspicious offers, and the advert check's
weekly rows, after REPORT_RETENTION_DAYS (a week's rows go once the whole week is that old).

(Raw engagement events go with their hour's roll-up, delivery rows when delivered; see docs/privacy.md.)
"""

import logging
from datetime import timedelta

from bot.common.clock import Clock
from bot.storage.stores.advert_checks import AdvertCheckStore
from bot.storage.stores.campaigns import iso_week
from bot.storage.stores.reports import ReportStore

log = logging.getLogger(__name__)


class Retention:
    def __init__(
        self, reports: ReportStore, clock: Clock, report_days: int, advert_checks: AdvertCheckStore | None = None
    ) -> None:
        self._reports = reports
        self._advert_checks = advert_checks
        self._clock = clock
        self._report_days = report_days

    async def run(self) -> None:
        oldest_kept = self._clock.now().date() - timedelta(days=self._report_days)
        removed = await self._reports.delete_before(oldest_kept)
        if removed:
            log.info("retention: %d report(s) older than %d days deleted", removed, self._report_days)
        if self._advert_checks is not None:
            removed = await self._advert_checks.delete_before(iso_week(oldest_kept))
            if removed:
                log.info("retention: %d advert check(s) older than %d days deleted", removed, self._report_days)
