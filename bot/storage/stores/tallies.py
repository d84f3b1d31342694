"""Counts per person that only have to hold for a day or a week: the daily report limit, a campaign
opened once per person per week, the new campaign tags one person may bring in a week.

Nothing of this reaches the database. A count is named by an HMAC of what it counts (the person's
`user_key` and what they did) with a random salt of its period, and the salt is forgotten with the
period: whoever copies the disk, key files included, cannot find a person's count, and afterwards
nobody can. With one process the counts and salts live in its memory (`MemoryTally`); with several
workers (REDIS_URL) in Redis, where every worker finds the same salt and counts
(`redis_tally.py`), so a limit does not multiply with the number of workers.
"""

import hashlib
import hmac
import math
import secrets
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Protocol


@dataclass(frozen=True)
class TallyPeriod:
    """A day or an ISO week (UTC), as seen at `now`."""

    name: str
    """'day:2027-03-10' or 'week:2027-W10': one salt and one set of counts each."""
    ends: datetime
    now: datetime

    @property
    def seconds_left(self) -> int:
        """How long its counts must be kept: until the period ends (at least a second)."""
        return max(1, math.ceil((self.ends - self.now).total_seconds()))


def day_of(now: datetime) -> TallyPeriod:
    start = datetime.combine(now.date(), time(), tzinfo=now.tzinfo)
    return TallyPeriod(f"day:{now.date().isoformat()}", start + timedelta(days=1), now)


def week_of(now: datetime) -> TallyPeriod:
    year, week, weekday = now.date().isocalendar()
    monday = datetime.combine(now.date() - timedelta(days=weekday - 1), time(), tzinfo=now.tzinfo)
    return TallyPeriod(f"week:{year}-W{week:02d}", monday + timedelta(weeks=1), now)


def keyed(salt: bytes, what: str) -> str:
    """`what` (a user key and what they did) hashed with a period's salt: hex, 32 characters."""
    return hmac.new(salt, what.encode(), hashlib.sha256).hexdigest()[:32]


class Tally(Protocol):
    async def take(self, period: TallyPeriod, what: str, most: int) -> bool:
        """Count `what` once more in `period`; False, and not counted, when it already has `most`."""
        ...


MAX_COUNTED_PER_PERIOD = 200_000
"""Distinct things one process counts in a period, so a flood cannot grow memory without bound;
past it, nothing more is taken that period (a report is refused rather than memory exhausted)."""


class MemoryTally:
    """One process's counts: dropped, salt and all, when their period ends (or the process stops,
    which starts new salts: a count begins again after a restart)."""

    def __init__(self, most_counted: int = MAX_COUNTED_PER_PERIOD) -> None:
        self._most_counted = most_counted
        self._salts: dict[str, bytes] = {}
        self._ends: dict[str, datetime] = {}
        self._counts: dict[str, dict[str, int]] = {}

    async def take(self, period: TallyPeriod, what: str, most: int) -> bool:
        self._drop_ended(period.now)
        if period.name not in self._salts:
            self._salts[period.name] = secrets.token_bytes(32)
            self._ends[period.name] = period.ends
            self._counts[period.name] = {}
        counts = self._counts[period.name]
        name = keyed(self._salts[period.name], what)
        if counts.get(name, 0) >= most or (name not in counts and len(counts) >= self._most_counted):
            return False
        counts[name] = counts.get(name, 0) + 1
        return True

    def _drop_ended(self, now: datetime) -> None:
        for name in [name for name, ends in self._ends.items() if ends <= now]:
            del self._salts[name], self._ends[name], self._counts[name]
