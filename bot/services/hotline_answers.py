"""Do the hotlines Safar lists really answer? Callers say so with one tap, counted anonymously,
and screens people flag as wrong are counted the same way; staff and editors read the totals.

One answer per account, contact and week: the week's per-person tally (bot/storage/stores/tallies.py)
counts it under a keyed hash whose salt is random and goes with the week, so what it remembers can
never be matched to an account afterwards, and nothing of it reaches the database. With several
workers (REDIS_URL) the tally lives in Redis, so a person's taps reaching two workers count once.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final

from bot.common.clock import Clock
from bot.content.models import Contact
from bot.content.rendering import day_text, pick
from bot.services.stats import SMALL_CELL, shown
from bot.storage.stores.hotline_answers import AnswerCounts, FlagReason, HotlineAnswerStore, Outcome
from bot.storage.stores.tallies import Tally, week_of

RATE_WINDOW_DAYS: Final = 30
FLAG_BELOW_RATE: Final = 0.5
FLAG_MIN_ANSWERS: Final = 10
"""A contact is flagged when fewer than half of at least this many callers were answered."""


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


class HotlineAnswers:
    def __init__(self, store: HotlineAnswerStore, clock: Clock, tally: Tally) -> None:
        """`tally`: this process's per-person counts, or every worker's (REDIS_URL)."""
        self._store = store
        self._clock = clock
        self._tally = tally

    async def _first_time(self, user_key: str, thing: str) -> bool:
        return await self._tally.take(week_of(self._clock.now()), f"{thing}\x00{user_key}", 1)

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
