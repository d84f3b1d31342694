"""Deleting what has been kept long enough: reports of suspicious offers after REPORT_RETENTION_DAYS.

(Raw engagement events go with their hour's roll-up, delivery rows when delivered; see docs/privacy.md.)
"""

import logging
from datetime import timedelta

from bot.common.clock import Clock
from bot.storage.stores.reports import ReportStore

log = logging.getLogger(__name__)


class Retention:
    def __init__(self, reports: ReportStore, clock: Clock, report_days: int) -> None:
        self._reports = reports
        self._clock = clock
        self._report_days = report_days

    async def run(self) -> None:
        removed = await self._reports.delete_before(self._clock.now().date() - timedelta(days=self._report_days))
        if removed:
            log.info("retention: %d report(s) older than %d days deleted", removed, self._report_days)
