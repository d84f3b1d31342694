"""Staff statistics from roll-ups: what people use, where they stop, what the checks reveal.

Every count shown to staff below 5 is shown as "<5" (small-cell suppression), so no person can
be singled out from a small number. Figures stop at the last full hour: two answers within one
hour are the same, so subtracting them cannot reveal what one or two people did minutes ago.
"""

import asyncio
import csv
import io
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

from bot.common.clock import Clock
from bot.privacy import user_sketch as hyperloglog
from bot.storage.stores.events import EventStore, Period, days_back, hour_of

SMALL_CELL = 5
RAW_EVENT_HOURS = 2
"""Raw events (which carry their account's key) stay on disk about this long: the hour they happen
in and the next one stay raw, then the next roll-up (every few minutes) counts and deletes them.
/privacy tells people this number."""


def shown(count: int) -> str:
    """A count as staff may see it."""
    return f"<{SMALL_CELL}" if count < SMALL_CELL else str(count)


@dataclass
class LessonFunnel:
    lesson: str
    opened: int
    completed: int
    most_left_at: str | None


@dataclass
class Report:
    period: Period
    users: int
    new_users: int
    languages: Counter[str] = field(default_factory=Counter)
    lessons: list[LessonFunnel] = field(default_factory=list)
    check_results: Counter[str] = field(default_factory=Counter)
    hotlines: Counter[str] = field(default_factory=Counter)
    reminders: Counter[str] = field(default_factory=Counter)
    searches: Counter[str] = field(default_factory=Counter)


class Statistics:
    def __init__(self, store: EventStore, clock: Clock) -> None:
        self._store = store
        self._clock = clock
        self._maintaining = asyncio.Lock()

    async def maintain(self) -> None:
        """Roll up every hour but the last two (events reach the database within seconds, so
        none arrives for an hour already rolled up); a rolled-up hour's raw events are deleted
        with it, and the write-ahead log is emptied so they do not linger there."""
        async with self._maintaining:  # one roll-up at a time, or an hour could be counted twice
            now = self._clock.now()
            await self._store.roll_up(until_hour=hour_of(now - timedelta(hours=RAW_EVENT_HOURS - 1)))
            await self._store.delete_rolled_up()
            await self._store.checkpoint()

    def _current_hour(self) -> str:
        """Events of this hour are left out until it is over (see the module's docstring)."""
        return hour_of(self._clock.now())

    async def period(self, days: int | None) -> Period:
        today = self._clock.now().date()
        if days is not None:
            return days_back(today, days)
        return Period(await self._store.first_day() or today, today)

    async def report(self, days: int | None) -> Report:
        period = await self.period(days)
        counts = await self._store.counts(period, self._current_hour())
        sketches = await self._store.user_sketches(period, self._current_hour())
        report = Report(
            period,
            hyperloglog.estimate(hyperloglog.merge(list(sketches.values()))),
            await self._store.new_users(period),
        )
        by_name: dict[str, Counter[str]] = {}
        for (name, detail), count in counts.items():
            by_name.setdefault(name, Counter())[detail] = count
        report.languages = by_name.get("language_chosen", Counter())
        report.check_results = by_name.get("check_result", Counter())
        report.hotlines = by_name.get("hotline_opened", Counter())
        report.searches = by_name.get("search", Counter())
        for name in ("reminder_scheduled", "reminder_delivered", "reminder_opened"):
            report.reminders[name.removeprefix("reminder_")] = sum(by_name.get(name, Counter()).values())
        opened, completed = by_name.get("lesson_opened", Counter()), by_name.get("lesson_completed", Counter())
        left = by_name.get("lesson_left", Counter())
        for lesson, count in opened.most_common():
            stops = Counter({node: n for node, n in left.items() if node.startswith(f"{lesson}/")})
            top = stops.most_common(1)
            report.lessons.append(LessonFunnel(lesson, count, completed.get(lesson, 0), top[0][0] if top else None))
        return report

    async def daily_series(self, days: int) -> dict[str, dict[str, int]]:
        """Per day: active users, lessons completed, check results; for the chart and export."""
        period = days_back(self._clock.now().date(), days)
        hour = self._current_hour()
        sketches = await self._store.user_sketches(period, hour)
        series = {
            "users": {day: hyperloglog.estimate(sketch) for day, sketch in sketches.items()},
            "completions": await self._store.daily(period, "lesson_completed", hour),
            "check results": await self._store.daily(period, "check_result", hour),
        }
        every_day = [
            (period.first + timedelta(days=n)).isoformat() for n in range((period.last - period.first).days + 1)
        ]
        return {name: {day: values.get(day, 0) for day in every_day} for name, values in series.items()}

    async def export_csv(self, days: int) -> str:
        """Daily aggregates as CSV, small cells suppressed."""
        period = days_back(self._clock.now().date(), days)
        output = io.StringIO()
        writer = csv.writer(output)
        writer.writerow(["day", "event", "detail", "count"])
        day = period.first
        while day <= period.last:
            one_day = Period(day, day)
            sketches = await self._store.user_sketches(one_day, self._current_hour())
            users = hyperloglog.estimate(hyperloglog.merge(list(sketches.values())))
            writer.writerow([day.isoformat(), "active_users", "", shown(users)])
            for (name, detail), count in sorted((await self._store.counts(one_day, self._current_hour())).items()):
                writer.writerow([day.isoformat(), name, detail, shown(count)])
            day += timedelta(days=1)
        return output.getvalue()
