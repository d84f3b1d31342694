"""The NGO's early warning from the advert check: per week, how many adverts people had Safar read,
which flags they showed, which public channels they came from, and copies of one advert spreading.

Who sent what is never stored. Whether a person brought an advert from a channel for the first time
this week is counted in the `Tally` (the week's salt, in memory or in Redis for several workers:
the same count everywhere), and only that yes/no goes into the row. A channel is shown once at
least `MIN_PEOPLE` different people forwarded from it that week. Rows reach the disk in the shuffled
batches of other people's rows (unlinked_writes.py).
"""

from collections import Counter
from dataclasses import dataclass

from bot.common.clock import Clock
from bot.observability.metrics import ADVERT_FLAGS, ADVERTS_CHECKED
from bot.services.unlinked_writes import RowKind
from bot.storage.stores.advert_checks import AdvertCheck, AdvertCheckStore
from bot.storage.stores.campaigns import iso_week
from bot.storage.stores.tallies import Tally, week_of
from bot.understanding.advert_reading import AdvertReading, distance

MIN_PEOPLE = 3
"""Different people who must have forwarded from a channel in a week before it is named."""
SAME_ADVERT_BITS = 10
"""Fingerprints this close (of 63 bits) are copies of one advert, edited a little."""


class AdvertWatch:
    def __init__(self, store: AdvertCheckStore, tally: Tally, batch: RowKind[AdvertCheck], clock: Clock) -> None:
        self._store = store
        self._tally = tally
        self._batch = batch
        self._clock = clock

    async def count(self, person: str, reading: AdvertReading, channel: str, source: str) -> None:
        """Count one advert read for `person` (held in memory until the next batch)."""
        now = self._clock.now()
        new_person = bool(channel) and await self._tally.take(week_of(now), f"advert-from:{channel}:{person}", 1)
        self._batch.add(
            AdvertCheck(iso_week(now.date()), reading.flags, channel, new_person, reading.fingerprint), person=person
        )
        ADVERTS_CHECKED.labels(source).inc()
        for flag in reading.flags:
            ADVERT_FLAGS.labels(flag).inc()

    async def week(self, week: str) -> "WeekFigures":
        return week_figures(week, await self._store.of_week(week))

    async def weeks(self, since: str) -> list[tuple[str, int]]:
        return await self._store.weeks(since)


@dataclass(frozen=True)
class SpreadingAdvert:
    copies: int
    channels: tuple[str, ...]
    """The named channels (those shown this week) it came from."""
    flags: tuple[str, ...]


@dataclass(frozen=True)
class WeekFigures:
    week: str
    adverts: int
    flags: list[tuple[str, int]]
    channels: list[tuple[str, int, int]]
    """(channel, people, adverts) for channels at least MIN_PEOPLE people forwarded from."""
    spreading: list[SpreadingAdvert]
    """Near-copies of one advert read at least twice, most copies first."""


def week_figures(week: str, checks: list[AdvertCheck]) -> WeekFigures:
    flags = Counter(flag for check in checks for flag in check.flags)
    people: Counter[str] = Counter()
    adverts: Counter[str] = Counter()
    for check in checks:
        if check.channel:
            adverts[check.channel] += 1
            people[check.channel] += check.new_person
    shown = {channel for channel, count in people.items() if count >= MIN_PEOPLE}
    channels = sorted(((c, people[c], adverts[c]) for c in shown), key=lambda row: (-row[1], row[0]))
    return WeekFigures(week, len(checks), flags.most_common(), channels, _spreading(checks, shown))


def _spreading(checks: list[AdvertCheck], shown: set[str]) -> list[SpreadingAdvert]:
    """Adverts grouped by fingerprint alone: each joins the first group whose first advert is close."""
    groups: list[list[AdvertCheck]] = []
    for check in checks:
        group = next((g for g in groups if distance(g[0].fingerprint, check.fingerprint) <= SAME_ADVERT_BITS), None)
        if group is None:
            groups.append([check])
        else:
            group.append(check)
    spreading = [
        SpreadingAdvert(
            copies=len(group),
            channels=tuple(sorted({c.channel for c in group if c.channel in shown})),
            flags=tuple(flag for flag, _ in Counter(f for c in group for f in c.flags).most_common()),
        )
        for group in groups
        if len(group) >= 2
    ]
    return sorted(spreading, key=lambda s: -s.copies)
