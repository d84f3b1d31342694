"""Engagement events and their daily roll-ups. Raw events carry a keyed hash and the hour, and
exist only until their hour is rolled up (one to two hours); roll-ups carry only counts and a
sketch of each day's users made with that day's in-memory salt, so statistics stay fast and
nobody, even with the pseudonym key, can tell from them what one account did."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.privacy import user_sketch as hyperloglog
from bot.privacy.period_salts import PeriodSalts
from bot.storage.backends.sqlite import Database

NEW_USER_EVENT = "started"
"""Recorded when an account's language is first stored (once, however often it sent /start before)."""

_NEVER = "0000-00-00T00"
"""The watermark before the first roll-up."""

Event = tuple[str, str, str, str]
"""(hour 'YYYY-MM-DDTHH', user_key, name, detail)"""


@dataclass(frozen=True)
class Period:
    """Days from `first` to `last`, both included."""

    first: date
    last: date


class EventStore:
    def __init__(self, database: Database, day_salts: PeriodSalts | None = None) -> None:
        self._db = database
        self._day_salts = day_salts or PeriodSalts()

    async def insert(self, events: list[Event]) -> None:
        if self._db.dialect.atomic_executemany:  # one round trip, and one statement text to prepare
            await self._db.executemany(
                "INSERT INTO events (hour, user_key, name, detail) VALUES (:h, :u, :n, :d)",
                [dict(zip("hund", event, strict=True)) for event in events],
            )
            return
        # One statement, so one transaction however many events (a row each would cost a commit each).
        for start in range(0, len(events), 200):
            chunk = events[start : start + 200]
            marks = ", ".join(f"(:h{n}, :u{n}, :n{n}, :d{n})" for n in range(len(chunk)))
            values = {
                f"{column}{n}": value
                for n, event in enumerate(chunk)
                for column, value in zip("hund", event, strict=True)  # hour, user_key, name, detail
            }
            await self._db.execute(f"INSERT INTO events (hour, user_key, name, detail) VALUES {marks}", values)

    async def rolled_until(self) -> str:
        """The watermark, as it stands (`hold_watermark` locks it inside a unit of work)."""
        row = await self._db.fetchone("SELECT rolled_until FROM rollup_state WHERE id = 1")
        return str(row[0]) if row else _NEVER

    async def roll_up(self, until_hour: str) -> int:
        """Add every raw event from the watermark up to `until_hour` (excluded) into the daily
        counts and user sketches, one hour per unit of work; returns how many hours were rolled up."""
        start = await self.rolled_until()
        rows = await self._db.fetchall(
            "SELECT DISTINCT hour FROM events WHERE hour >= :start AND hour < :end ORDER BY hour",
            {"start": start, "end": until_hour},
        )
        for (hour,) in rows:
            await self._roll_up_hour(str(hour))
        await self._db.execute(
            "UPDATE rollup_state SET rolled_until = :hour WHERE id = 1 AND rolled_until < :hour", {"hour": until_hour}
        )
        return len(rows)

    async def _roll_up_hour(self, hour: str) -> None:
        """The counts, the sketch and the watermark move in one transaction: after a crash or an
        error an hour is either wholly counted (and the watermark past it) or not at all."""
        day = hour[:10]
        async with self._db.transaction() as tx:
            if await hold_watermark(tx) > hour:
                return  # another roll-up got here first (it held the watermark until it ended)
            at_hour = {"hour": hour}
            counts = await tx.fetchall(
                "SELECT name, detail, COUNT(*) FROM events WHERE hour = :hour GROUP BY name, detail", at_hour
            )
            users = await tx.fetchall("SELECT DISTINCT user_key FROM events WHERE hour = :hour", at_hour)
            row = await tx.fetchone("SELECT sketch FROM daily_users WHERE day = :day", {"day": day})
            sketch = bytearray(row[0]) if row else hyperloglog.empty()
            for (user_key,) in users:
                hyperloglog.add(sketch, self._day_salts.keyed(day, str(user_key)))
            await tx.executemany(
                "INSERT INTO daily_counts (day, name, detail, events) VALUES (:day, :name, :detail, :events) "
                "ON CONFLICT (day, name, detail) DO UPDATE SET events = daily_counts.events + excluded.events",
                [{"day": day, "name": name, "detail": detail, "events": count} for name, detail, count in counts],
            )
            await tx.execute(
                "INSERT INTO daily_users (day, sketch) VALUES (:day, :sketch) "
                "ON CONFLICT (day) DO UPDATE SET sketch = excluded.sketch",
                {"day": day, "sketch": bytes(sketch)},
            )
            await tx.execute("UPDATE rollup_state SET rolled_until = :hour WHERE id = 1", {"hour": _next_hour(hour)})
            await tx.execute("DELETE FROM events WHERE hour = :hour", at_hour)

    async def _raw_hours(self, period: Period, before_hour: str | None) -> dict[str, str]:
        """The hours of `period` not rolled up yet, as one range the hour index can seek to: from
        :first (included) to :end (excluded), which is `before_hour` when given."""
        first, last = _hours(period)
        return {"first": max(first, await self.rolled_until()), "end": min(last, before_hour or last)}

    async def delete_rolled_up(self) -> int:
        """Raw events of hours already rolled up (kept by earlier versions for 180 days, or late)."""
        async with self._db.transaction() as tx:
            changed = await tx.execute("DELETE FROM events WHERE hour < :hour", {"hour": await hold_watermark(tx)})
        return changed.rows

    async def checkpoint(self) -> None:
        await self._db.checkpoint(["events"])

    async def counts(self, period: Period, before_hour: str | None = None) -> dict[tuple[str, str], int]:
        """Events per (name, detail): roll-ups, plus the few raw hours not rolled up yet (those
        before `before_hour` only, when given)."""
        totals: dict[tuple[str, str], int] = {}
        for name, detail, count in await self._db.fetchall(
            "SELECT name, detail, SUM(events) FROM daily_counts WHERE day BETWEEN :first AND :last "
            "GROUP BY name, detail",
            _days(period),
        ):
            totals[(str(name), str(detail))] = int(count)
        for name, detail, count in await self._db.fetchall(
            "SELECT name, detail, COUNT(*) FROM events WHERE hour >= :first AND hour < :end GROUP BY name, detail",
            await self._raw_hours(period, before_hour),
        ):
            key = (str(name), str(detail))
            totals[key] = totals.get(key, 0) + int(count)
        return totals

    async def daily(self, period: Period, name: str, before_hour: str | None = None) -> dict[str, int]:
        """Events of one name per day (roll-ups and the raw hours not rolled up yet)."""
        per_day: dict[str, int] = {}
        per_day.update(
            {
                str(day): int(count)
                for day, count in await self._db.fetchall(
                    "SELECT day, SUM(events) FROM daily_counts WHERE name = :name AND day BETWEEN :first AND :last "
                    "GROUP BY day",
                    {"name": name, **_days(period)},
                )
            }
        )
        for day, count in await self._db.fetchall(
            "SELECT substr(hour, 1, 10), COUNT(*) FROM events WHERE name = :name AND hour >= :first AND hour < :end "
            "GROUP BY 1",
            {"name": name, **await self._raw_hours(period, before_hour)},
        ):
            per_day[str(day)] = per_day.get(str(day), 0) + int(count)
        return per_day

    async def user_sketches(self, period: Period, before_hour: str | None = None) -> dict[str, bytes]:
        """Per day, a sketch of the users who did anything that day."""
        sketches: dict[str, bytearray] = {}
        sketches.update(
            {
                str(day): bytearray(sketch)
                for day, sketch in await self._db.fetchall(
                    "SELECT day, sketch FROM daily_users WHERE day BETWEEN :first AND :last",
                    _days(period),
                )
            }
        )
        for day, user_key in await self._db.fetchall(
            "SELECT DISTINCT substr(hour, 1, 10), user_key FROM events WHERE hour >= :first AND hour < :end",
            await self._raw_hours(period, before_hour),
        ):
            salted = self._day_salts.keyed(str(day), str(user_key))
            hyperloglog.add(sketches.setdefault(str(day), hyperloglog.empty()), salted)
        return {day: bytes(sketch) for day, sketch in sketches.items()}

    async def new_users(self, period: Period) -> int:
        """People who started Safar (or started again after /forget) in the period."""
        return sum((await self.daily(period, NEW_USER_EVENT)).values())

    async def first_day(self) -> date | None:
        """The first day with any record (min() over indexed columns, so no table scan)."""
        rolled = (await self._db.fetchone("SELECT MIN(day) FROM daily_users") or [None])[0]
        raw = (await self._db.fetchone("SELECT MIN(hour) FROM events") or [None])[0]
        days = [str(value)[:10] for value in (rolled, raw) if value]
        return date.fromisoformat(min(days)) if days else None


async def hold_watermark(unit: Database) -> str:
    """The roll-up watermark, locked until `unit` (a unit of work) ends. Another process rolling up
    at the same time waits, then sees where this one stopped; and whatever deletes raw events takes
    it first: on PostgreSQL, a person's events deleted by hour (the roll-up) and by person
    (`/forget`) at once would otherwise be locked in opposite orders and deadlock."""
    row = await unit.fetchone(f"SELECT rolled_until FROM rollup_state WHERE id = 1{unit.dialect.for_update}")
    return str(row[0]) if row else _NEVER


def _next_hour(hour: str) -> str:
    return (datetime.strptime(hour, "%Y-%m-%dT%H") + timedelta(hours=1)).strftime("%Y-%m-%dT%H")


def _days(period: Period) -> dict[str, str]:
    return {"first": period.first.isoformat(), "last": period.last.isoformat()}


def _hours(period: Period) -> tuple[str, str]:
    return f"{period.first.isoformat()}T00", f"{period.last.isoformat()}T99"


def hour_of(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H")


def days_back(today: date, days: int) -> Period:
    return Period(today - timedelta(days=days - 1), today)
