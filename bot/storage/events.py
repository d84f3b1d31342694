"""Engagement events and their daily roll-ups. Raw events carry a keyed hash and the hour;
roll-ups carry only counts and sketches, so statistics stay fast and anonymous."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import aiosqlite

from bot import hyperloglog

Event = tuple[str, str, str, str]
"""(hour 'YYYY-MM-DDTHH', user_key, name, detail)"""


@dataclass(frozen=True)
class Period:
    """Days from `first` to `last`, both included."""

    first: date
    last: date


class EventStore:
    def __init__(self, connection: aiosqlite.Connection) -> None:
        self._connection = connection

    async def insert(self, events: list[Event]) -> None:
        # One statement, so one transaction however many events (a row each would cost a commit each).
        for start in range(0, len(events), 200):
            chunk = events[start : start + 200]
            marks = ",".join(["(?, ?, ?, ?)"] * len(chunk))
            await self._connection.execute(
                f"INSERT INTO events (hour, user_key, name, detail) VALUES {marks}",
                [value for event in chunk for value in event],
            )

    async def rolled_until(self) -> str:
        async with self._connection.execute("SELECT rolled_until FROM rollup_state WHERE id = 1") as cursor:
            row = await cursor.fetchone()
        return str(row[0]) if row else "0000-00-00T00"

    async def roll_up(self, until_hour: str) -> int:
        """Add every raw event from the watermark up to `until_hour` (excluded) into the daily
        counts and user sketches, one hour at a time; returns how many hours were rolled up."""
        start = await self.rolled_until()
        async with self._connection.execute(
            "SELECT DISTINCT hour FROM events WHERE hour >= ? AND hour < ? ORDER BY hour", (start, until_hour)
        ) as cursor:
            hours = [str(row[0]) for row in await cursor.fetchall()]
        for hour in hours:
            await self._roll_up_hour(hour)
        await self._connection.execute(
            "UPDATE rollup_state SET rolled_until = ? WHERE id = 1 AND rolled_until < ?", (until_hour, until_hour)
        )
        return len(hours)

    async def _roll_up_hour(self, hour: str) -> None:
        day = hour[:10]
        async with self._connection.execute(
            "SELECT name, detail, COUNT(*) FROM events WHERE hour = ? GROUP BY name, detail", (hour,)
        ) as cursor:
            counts = await cursor.fetchall()
        async with self._connection.execute("SELECT DISTINCT user_key FROM events WHERE hour = ?", (hour,)) as cursor:
            users = await cursor.fetchall()
        async with self._connection.execute("SELECT sketch FROM daily_users WHERE day = ?", (day,)) as cursor:
            row = await cursor.fetchone()
        sketch = bytearray(row[0]) if row else hyperloglog.empty()
        for (user_key,) in users:
            hyperloglog.add(sketch, str(user_key))
        await self._connection.execute("BEGIN")
        await self._connection.executemany(
            "INSERT INTO daily_counts (day, name, detail, events) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (day, name, detail) DO UPDATE SET events = events + excluded.events",
            [(day, name, detail, count) for name, detail, count in counts],
        )
        await self._connection.execute(
            "INSERT OR REPLACE INTO daily_users (day, sketch) VALUES (?, ?)", (day, bytes(sketch))
        )
        # The watermark moves with the hour, in the same transaction: an hour is counted once.
        await self._connection.execute("UPDATE rollup_state SET rolled_until = ? WHERE id = 1", (_next_hour(hour),))
        await self._connection.execute("COMMIT")

    async def _raw_hours(self, period: Period, before_hour: str | None) -> tuple[str, str]:
        """The hours of `period` not rolled up yet, as one range the hour index can seek to: from
        the first (included) to the second (excluded), which is `before_hour` when given."""
        first, last = _hours(period)
        return max(first, await self.rolled_until()), min(last, before_hour or last)

    async def delete_raw_before(self, day: date) -> int:
        """Retention: raw events older than `day` that are already rolled up are deleted."""
        cutoff = min(f"{day.isoformat()}T00", await self.rolled_until())
        cursor = await self._connection.execute("DELETE FROM events WHERE hour < ?", (cutoff,))
        return cursor.rowcount

    async def counts(self, period: Period, before_hour: str | None = None) -> dict[tuple[str, str], int]:
        """Events per (name, detail): roll-ups, plus the few raw hours not rolled up yet (those
        before `before_hour` only, when given)."""
        totals: dict[tuple[str, str], int] = {}
        async with self._connection.execute(
            "SELECT name, detail, SUM(events) FROM daily_counts WHERE day BETWEEN ? AND ? GROUP BY name, detail",
            (period.first.isoformat(), period.last.isoformat()),
        ) as cursor:
            for name, detail, count in await cursor.fetchall():
                totals[(str(name), str(detail))] = int(count)
        async with self._connection.execute(
            "SELECT name, detail, COUNT(*) FROM events WHERE hour >= ? AND hour < ? GROUP BY name, detail",
            await self._raw_hours(period, before_hour),
        ) as cursor:
            for name, detail, count in await cursor.fetchall():
                key = (str(name), str(detail))
                totals[key] = totals.get(key, 0) + int(count)
        return totals

    async def daily(self, period: Period, name: str, before_hour: str | None = None) -> dict[str, int]:
        """Events of one name per day (roll-ups and the raw hours not rolled up yet)."""
        per_day: dict[str, int] = {}
        async with self._connection.execute(
            "SELECT day, SUM(events) FROM daily_counts WHERE name = ? AND day BETWEEN ? AND ? GROUP BY day",
            (name, period.first.isoformat(), period.last.isoformat()),
        ) as cursor:
            per_day.update({str(day): int(count) for day, count in await cursor.fetchall()})
        async with self._connection.execute(
            "SELECT substr(hour, 1, 10), COUNT(*) FROM events WHERE name = ? AND hour >= ? AND hour < ? GROUP BY 1",
            (name, *await self._raw_hours(period, before_hour)),
        ) as cursor:
            for day, count in await cursor.fetchall():
                per_day[str(day)] = per_day.get(str(day), 0) + int(count)
        return per_day

    async def user_sketches(self, period: Period, before_hour: str | None = None) -> dict[str, bytes]:
        """Per day, a sketch of the users who did anything that day."""
        sketches: dict[str, bytearray] = {}
        async with self._connection.execute(
            "SELECT day, sketch FROM daily_users WHERE day BETWEEN ? AND ?",
            (period.first.isoformat(), period.last.isoformat()),
        ) as cursor:
            sketches.update({str(day): bytearray(sketch) for day, sketch in await cursor.fetchall()})
        async with self._connection.execute(
            "SELECT DISTINCT substr(hour, 1, 10), user_key FROM events WHERE hour >= ? AND hour < ?",
            await self._raw_hours(period, before_hour),
        ) as cursor:
            for day, user_key in await cursor.fetchall():
                hyperloglog.add(sketches.setdefault(str(day), hyperloglog.empty()), str(user_key))
        return {day: bytes(sketch) for day, sketch in sketches.items()}

    async def new_users(self, period: Period) -> int:
        async with self._connection.execute(
            "SELECT COUNT(*) FROM user_settings WHERE created_on BETWEEN ? AND ?",
            (period.first.isoformat(), period.last.isoformat()),
        ) as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def first_day(self) -> date | None:
        """The first day with any record (min() over indexed columns, so no table scan)."""
        async with self._connection.execute("SELECT MIN(day) FROM daily_users") as cursor:
            rolled = (await cursor.fetchone() or [None])[0]
        async with self._connection.execute("SELECT MIN(hour) FROM events") as cursor:
            raw = (await cursor.fetchone() or [None])[0]
        days = [str(value)[:10] for value in (rolled, raw) if value]
        return date.fromisoformat(min(days)) if days else None


def _next_hour(hour: str) -> str:
    return (datetime.strptime(hour, "%Y-%m-%dT%H") + timedelta(hours=1)).strftime("%Y-%m-%dT%H")


def _hours(period: Period) -> tuple[str, str]:
    return f"{period.first.isoformat()}T00", f"{period.last.isoformat()}T99"


def hour_of(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H")


def days_back(today: date, days: int) -> Period:
    return Period(today - timedelta(days=days - 1), today)
