"""Writing a batch of sent reports (bot/services/unlinked_writes.py calls it on the hour): each is
grouped with the spellings of its agency already reported, then stored.

The group is chosen here, when the report is stored, not when it is sent: reports sent within the
same hour (to any worker) wait in memory together, and two spellings of one agency among them must
still meet, as they did when each report was stored at once.
"""

from dataclasses import dataclass
from datetime import date

from bot.services.agency_search import report_group_key
from bot.services.content_holder import ContentHolder
from bot.storage.backends.sqlite import Database
from bot.storage.stores.reports import NewReport, ReportStore


@dataclass(frozen=True)
class SentReport:
    """A report as its sender finished it: what they chose and typed, and the day."""

    problem: str
    country: str
    agency_typed: str
    details: str
    day: date


class ReportWriter:
    def __init__(self, store: ReportStore, content: ContentHolder) -> None:
        self._store = store
        self._content = content

    async def __call__(self, unit: Database, sent: list[SentReport]) -> None:
        """Inside `unit`, in the batch's order: each report joins the group of a spelling stored
        before it, or of one earlier in the batch."""
        known = await self._store.reported_keys(unit)
        reports = []
        for report in sent:
            key = report_group_key(report.agency_typed, self._content.current.agencies, known)
            if key not in known:
                known.insert(0, key)
            reports.append(
                NewReport(report.problem, report.country, report.agency_typed, key, report.details, report.day)
            )
        await self._store.insert(unit, reports)
