"""Do the hotlines Safar lists really answer? Callers say so with one tap, counted anonymously,
and screens people flag as wrong are counted the same way; staff and editors read the totals.

One answer per account, contact and week: the check uses a keyed hash whose key is random,
held in memory only and replaced every week (and at every restart), so what it remembers can
never be matched to an account afterwards, and nothing of it reaches the database. Several
workers (REDIS_URL) share it through Redis instead (bot/storage/redis_weekly_once.py), where the
salt and the hashes expire with the week, so that a person's taps reaching two workers count once.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Final, Protocol

from bot.content.models import Contact
from bot.content.rendering import day_text, pick
from bot.services.clock import Clock
from bot.services.stats import SMALL_CELL, shown
from bot.storage.campaigns import iso_week
from bot.storage.contact_health import AnswerCounts, ContactHealthStore, FlagReason, Outcome

RATE_WINDOW_DAYS: Final = 30
FLAG_BELOW_RATE: Final = 0.5
FLAG_MIN_ANSWERS: Final = 10
"""A contact is flagged when fewer than half of at least this many callers were answered."""
MAX_REMEMBERED: Final = 200_000
"""Answers remembered per week, so a flood cannot grow memory without bound; past it, more
answers that week are not counted."""


class WeeklyOnce:
    """Says whether (user, thing) is new this week, remembering only salted hashes in memory."""

    def __init__(self, clock: Clock, limit: int = MAX_REMEMBERED) -> None:
        self._clock = clock
        self._limit = limit
        self._week = ""
        self._salt = b""
        self._seen: set[bytes] = set()

    def first_time(self, user_key: str, thing: str) -> bool:
        week = iso_week(self._clock.now().date())
        if week != self._week:
            self._week, self._salt, self._seen = week, secrets.token_bytes(32), set()
        digest = hashlib.blake2b(f"{user_key}\x00{thing}".encode(), key=self._salt, digest_size=16).digest()
        if digest in self._seen or len(self._seen) >= self._limit:
            return False
        self._seen.add(digest)
        return True


class SharedWeeklyOnce(Protocol):
    """WeeklyOnce for every worker together (bot/storage/redis_weekly_once.py)."""

    async def first_time(self, user_key: str, thing: str, now: datetime) -> bool: ...


@dataclass(frozen=True)
class ContactStanding:
    contact_id: str
    name: str
    counts: AnswerCounts
    checked: date
    status: str

    @property
    def rate(self) -> float | None:
        """Share of callers answered; None while there are too few answers to show one."""
        if self.counts.total < SMALL_CELL:
            return None
        return self.counts.answered / self.counts.total

    @property
    def flagged(self) -> bool:
        rate = self.rate
        return rate is not None and rate < FLAG_BELOW_RATE and self.counts.total >= FLAG_MIN_ANSWERS


class ContactHealth:
    def __init__(self, store: ContactHealthStore, clock: Clock, shared: SharedWeeklyOnce | None = None) -> None:
        """`shared`: the once-per-week check of every worker (REDIS_URL); this process's own otherwise."""
        self._store = store
        self._clock = clock
        self._once = WeeklyOnce(clock)
        self._shared = shared

    async def _first_time(self, user_key: str, thing: str) -> bool:
        if self._shared is not None:
            return await self._shared.first_time(user_key, thing, self._clock.now())
        return self._once.first_time(user_key, thing)

    async def answer(self, user_key: str, contact: str, outcome: Outcome) -> bool:
        """Count a caller's answer; False when this account already answered for it this week."""
        if not await self._first_time(user_key, f"call:{contact}"):
            return False
        await self._store.count_answer(self._clock.now().date(), contact, outcome)
        return True

    async def flag(self, user_key: str, screen: str, reason: FlagReason) -> bool:
        """Count a screen flagged as wrong; False when this account already flagged it this week."""
        if not await self._first_time(user_key, f"flag:{screen}"):
            return False
        await self._store.count_flag(self._clock.now().date(), screen, reason)
        return True

    def _since(self) -> date:
        return self._clock.now().date() - timedelta(days=RATE_WINDOW_DAYS - 1)

    async def standings(self, contacts: dict[str, Contact]) -> list[ContactStanding]:
        answers = await self._store.answers_since(self._since())
        return [
            ContactStanding(cid, pick(c.name, "en"), answers.get(cid, AnswerCounts()), c.checked, c.status)
            for cid, c in contacts.items()
        ]

    async def flags(self) -> dict[str, dict[str, int]]:
        return await self._store.flags_since(self._since())


def health_lines(standings: list[ContactStanding], flags: dict[str, dict[str, int]]) -> list[str]:
    """The contact health report as plain lines, for staff in Telegram and editors in a terminal."""
    lines = [f"Contacts: callers' answers over the last {RATE_WINDOW_DAYS} days (whole weeks)"]
    for row in standings:
        rate = "rate not shown (fewer than 5 answers)" if row.rate is None else f"answered {row.rate:.0%}"
        mark = "⚠️ " if row.flagged else ""
        status = f"; marked {row.status}" if row.status != "active" else ""
        lines.append(
            f"{mark}{row.contact_id} ({row.name}): {shown(row.counts.total)} answers, {rate}, "
            f"wrong number {shown(row.counts.wrong_number)}; source checked {day_text(row.checked)}{status}"
        )
        if row.flagged:
            lines.append(
                f"   fewer than {FLAG_BELOW_RATE:.0%} answered: call it, re-check its source, and mark it "
                "'status: not-answering' in contacts.yaml if it fails"
            )
    lines.append("")
    if not flags:
        lines.append("No screen was flagged as wrong or out of date.")
    else:
        lines.append("Screens flagged as wrong or out of date:")
        for screen, reasons in sorted(flags.items(), key=lambda item: -sum(item[1].values())):
            detail = ", ".join(f"{reason} {shown(count)}" for reason, count in sorted(reasons.items()))
            lines.append(f"{screen}: {shown(sum(reasons.values()))} ({detail})")
    return lines
