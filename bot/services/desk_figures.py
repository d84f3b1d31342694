"""The counsellors' desk measured without linking anyone: figures for /stats and /metrics, and
the staff audit entries of cases.

What a case goes through (opened, first answer, closed, blocked, "Did this help?") is recorded as
rows of their own, held in memory and written with other people's rows in shuffled batches
(services/unlinked_writes.py): no case number, no person, times to the hour. So the figures cannot
be joined to a case, and the order of writes on disk cannot be joined to whoever opened one. The
case's own row (storage/stores/counsellor_cases.py) keeps only what the desk needs while the case
lives, and goes with it.
"""

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from math import ceil

from bot.common.clock import Clock
from bot.observability.metrics import DESK_CASES, DESK_FIRST_ANSWER_HOURS, DESK_HELPED, DESK_WAITING
from bot.services.stats import SMALL_CELL
from bot.services.unlinked_writes import UnlinkedWrites
from bot.storage.stores.counsellor_cases import CounsellorCaseStore
from bot.storage.stores.desk_figures import DeskEvent, DeskFigure, DeskFigureStore, on_the_hour
from bot.storage.stores.events import Period
from bot.storage.stores.staff_audit import AuditEntry, StaffAuditStore

HELPED_ANSWERS = ("yes", "partly", "no")
NO_STAFF = 0
"""The audit's staff id of an entry no staff member caused (a person opened or ended a case)."""
WEEKS_SHOWN = 8
METRICS_DAYS = 30
"""/metrics gives the time to a first answer over this many days (all-time counts otherwise)."""


def percentile(values: Sequence[int], share: float) -> int:
    """The nearest-rank percentile: the smallest value at least `share` of the values reach."""
    ordered = sorted(values)
    return ordered[max(ceil(share * len(ordered)), 1) - 1]


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def suppressed(count: int) -> int:
    """A count as /metrics shows it: small cells read 0, as on the /chart picture."""
    return count if count >= SMALL_CELL else 0


def _waits(rows: Iterable[DeskFigure]) -> list[int]:
    """Hours cases waited for their first answer."""
    return [row.wait_hours for row in rows if row.event is DeskEvent.ANSWERED and row.wait_hours is not None]


@dataclass(frozen=True)
class DeskWeek:
    monday: date
    opened: int
    closed: int


@dataclass(frozen=True)
class FirstAnswers:
    count: int
    median_hours: int | None
    """None when fewer than SMALL_CELL cases were answered: percentiles of a few cases single them out."""
    p90_hours: int | None

    @classmethod
    def of(cls, waits: Sequence[int]) -> "FirstAnswers":
        if len(waits) < SMALL_CELL:
            return cls(len(waits), None, None)
        return cls(len(waits), percentile(waits, 0.5), percentile(waits, 0.9))


@dataclass(frozen=True)
class DeskSummary:
    weeks: list[DeskWeek]
    """Newest first, at most WEEKS_SHOWN."""
    first_answers: FirstAnswers
    waiting: int
    """Open cases no counsellor has answered, now."""
    blocked: int
    helped: Counter[str] = field(default_factory=Counter)


class DeskFigures:
    """Records what cases go through, unlinked, and sums it up for staff."""

    def __init__(
        self,
        store: DeskFigureStore,
        cases: CounsellorCaseStore,
        audit: StaffAuditStore,
        writes: UnlinkedWrites,
        clock: Clock,
    ) -> None:
        self._store = store
        self._cases = cases
        self._clock = clock
        self._rows = writes.kind("desk_figures", store.insert)
        self._audit = writes.kind("desk_audit", audit.add_batch)

    def _record(
        self, person: str, event: DeskEvent, *, wait_hours: int | None = None, answer: str | None = None
    ) -> None:
        """`person` (the user key) stays in memory, to count how many people a batch mixes."""
        self._rows.add(DeskFigure(event, on_the_hour(self._clock.now()), wait_hours, answer), person=person)

    def _audited(self, person: str, staff_id: int, action: str, detail: str = "") -> None:
        """An audit entry of a case: the hour and the staff member, never the case or the person."""
        self._audit.add(AuditEntry(on_the_hour(self._clock.now()), staff_id, action, detail), person=person)

    def opened(self, person: str) -> None:
        self._record(person, DeskEvent.OPENED)
        self._audited(person, NO_STAFF, "case_opened")

    def answered(self, person: str, staff_id: int, waited: timedelta) -> None:
        """A case's first answer, after `waited` (to the hour)."""
        self._record(person, DeskEvent.ANSWERED, wait_hours=int(waited.total_seconds() // 3600))
        self._audited(person, staff_id, "case_first_answer")

    def closed(self, person: str, staff_id: int | None) -> None:
        """`staff_id` None: the person ended it (or erased their data)."""
        self._record(person, DeskEvent.CLOSED)
        if staff_id is None:
            self._audited(person, NO_STAFF, "case_closed", "by the person")
        else:
            self._audited(person, staff_id, "case_closed")

    def blocked(self, person: str, staff_id: int) -> None:
        self._record(person, DeskEvent.BLOCKED)
        self._audited(person, staff_id, "case_blocked")

    def helped(self, person: str, answer: str) -> None:
        """An answer to "Did this help?": counted, and not in the audit (it is no staff action)."""
        self._record(person, DeskEvent.HELPED, answer=answer)

    async def summary(self, period: Period) -> DeskSummary:
        """The period's figures up to the last full hour, and the cases waiting now."""
        first = datetime.combine(period.first, datetime.min.time(), tzinfo=self._clock.now().tzinfo)
        rows = await self._store.between(first, on_the_hour(self._clock.now()))
        weeks: dict[date, Counter[DeskEvent]] = {}
        for row in rows:
            weeks.setdefault(monday_of(row.hour.date()), Counter())[row.event] += 1
        return DeskSummary(
            weeks=[
                DeskWeek(monday, counts[DeskEvent.OPENED], counts[DeskEvent.CLOSED])
                for monday, counts in sorted(weeks.items(), reverse=True)[:WEEKS_SHOWN]
            ],
            first_answers=FirstAnswers.of(_waits(rows)),
            waiting=await self._cases.waiting(),
            blocked=sum(1 for row in rows if row.event is DeskEvent.BLOCKED),
            helped=Counter(row.answer for row in rows if row.event is DeskEvent.HELPED and row.answer),
        )

    async def refresh_gauges(self) -> None:
        """What /metrics shows of the desk, read when scraped: all-time counts, the cases waiting,
        the time to a first answer over the last METRICS_DAYS; small cells read 0 (or NaN)."""
        now = on_the_hour(self._clock.now())
        rows = await self._store.between(None, now)
        events = Counter(row.event for row in rows)
        for event in (DeskEvent.OPENED, DeskEvent.ANSWERED, DeskEvent.CLOSED, DeskEvent.BLOCKED):
            DESK_CASES.labels(str(event)).set(suppressed(events[event]))
        helped = Counter(row.answer for row in rows if row.event is DeskEvent.HELPED)
        for answer in HELPED_ANSWERS:
            DESK_HELPED.labels(answer).set(suppressed(helped[answer]))
        DESK_WAITING.set(suppressed(await self._cases.waiting()))
        since = now - timedelta(days=METRICS_DAYS)
        recent = FirstAnswers.of(
            [
                r.wait_hours
                for r in rows
                if r.event is DeskEvent.ANSWERED and r.hour >= since and r.wait_hours is not None
            ]
        )
        for quantile, hours in (("0.5", recent.median_hours), ("0.9", recent.p90_hours)):
            DESK_FIRST_ANSWER_HOURS.labels(quantile).set(float("nan") if hours is None else hours)
