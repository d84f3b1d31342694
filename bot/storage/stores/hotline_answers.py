"""What callers say about the contacts Safar lists, and screens people flag as wrong: weekly
counts only. No user key, phone number, chat or time finer than the ISO week is stored with an
answer or a flag, so none can be traced to the person who gave it."""

from dataclasses import dataclass
from datetime import date
from typing import Final, Literal

from bot.storage.backends.sqlite import Database
from bot.storage.stores.campaigns import iso_week

Outcome = Literal["answered", "no_answer", "wrong_number"]
OUTCOMES: Final[tuple[Outcome, ...]] = ("answered", "no_answer", "wrong_number")
FlagReason = Literal["number", "outdated", "other"]
FLAG_REASONS: Final[tuple[FlagReason, ...]] = ("number", "outdated", "other")


@dataclass(frozen=True)
class AnswerCounts:
    answered: int = 0
    no_answer: int = 0
    wrong_number: int = 0

    @property
    def total(self) -> int:
        return self.answered + self.no_answer + self.wrong_number


class HotlineAnswerStore:
    def __init__(self, database: Database) -> None:
        self._database = database

    async def count_answer(self, day: date, contact: str, outcome: Outcome) -> None:
        await self._database.execute(
            "INSERT INTO contact_answers (week, contact, outcome, answers) VALUES (:week, :contact, :outcome, 1) "
            "ON CONFLICT (week, contact, outcome) DO UPDATE SET answers = contact_answers.answers + 1",
            {"week": iso_week(day), "contact": contact, "outcome": outcome},
        )

    async def count_flag(self, day: date, screen: str, reason: FlagReason) -> None:
        await self._database.execute(
            "INSERT INTO screen_flags (week, screen, reason, flags) VALUES (:week, :screen, :reason, 1) "
            "ON CONFLICT (week, screen, reason) DO UPDATE SET flags = screen_flags.flags + 1",
            {"week": iso_week(day), "screen": screen, "reason": reason},
        )

    async def answers_since(self, since: date) -> dict[str, AnswerCounts]:
        """Per contact, the answers of the weeks from the week of `since` on."""
        rows = await self._database.fetchall(
            "SELECT contact, outcome, SUM(answers) FROM contact_answers WHERE week >= :week GROUP BY contact, outcome",
            {"week": iso_week(since)},
        )
        counts: dict[str, dict[str, int]] = {}
        for contact, outcome, answers in rows:
            if outcome in OUTCOMES:
                counts.setdefault(str(contact), {})[str(outcome)] = int(answers)
        return {contact: AnswerCounts(**by_outcome) for contact, by_outcome in counts.items()}

    async def flags_since(self, since: date) -> dict[str, dict[str, int]]:
        """Per screen ('lesson/node'), flags by reason, from the week of `since` on."""
        rows = await self._database.fetchall(
            "SELECT screen, reason, SUM(flags) FROM screen_flags WHERE week >= :week GROUP BY screen, reason",
            {"week": iso_week(since)},
        )
        flags: dict[str, dict[str, int]] = {}
        for screen, reason, count in rows:
            flags.setdefault(str(screen), {})[str(reason)] = int(count)
        return flags
