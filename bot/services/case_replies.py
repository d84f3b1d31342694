"""What a person hears back while their case is open: the relay itself says nothing, so without this
a message typed into a case (even "they lock me in at night") meets silence, perhaps for a weekend.

Each message still goes to the counsellors unchanged; this only decides what Safar answers the
person, and keeps it from flooding them: one short "sent" per burst of messages, the hotlines when
the words read as danger (again only after a quiet spell), and, outside working hours, once per
closed spell, when the counsellors are back. Kept in this process's memory by case number (nothing
typed is kept); with several processes a person may hear a "sent" twice, never nothing.
"""

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.common.clock import Clock

QUIET = timedelta(minutes=15)
"""Messages closer together than this are one burst: one acknowledgement for all of them."""


class CaseReply(enum.Enum):
    NOTHING = "nothing"
    """A later message of the same burst: the person was answered already."""
    SENT = "sent"
    """The first message of a burst, in working hours: "sent to the counsellor"."""
    CLOSED = "closed"
    """Outside working hours, the first message since they closed: sent, and when they are back."""
    DANGER = "danger"
    """The words read as danger: the hotlines at once (and, outside hours, when counsellors are back)."""


@dataclass
class _CaseMemory:
    last_message: datetime | None = None
    last_danger: datetime | None = None
    told_back_at: datetime | None = None
    """The opening the person was last told to wait for."""


class CaseReplies:
    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._cases: dict[int, _CaseMemory] = {}

    def told_back_at(self, case_id: int, back_at: datetime) -> None:
        """The person was told when counsellors are back (the case opened while they were away)."""
        self._cases.setdefault(case_id, _CaseMemory()).told_back_at = back_at

    def on_message(self, case_id: int, *, danger: bool, back_at: datetime | None) -> tuple[CaseReply, bool]:
        """The reply to a message of the case, and whether it should say when counsellors are back.
        `back_at`: the next opening when the desk is closed now, else None."""
        now = self._clock.now()
        memory = self._cases.setdefault(case_id, _CaseMemory())
        new_burst = memory.last_message is None or now - memory.last_message >= QUIET
        memory.last_message = now
        tell_back = back_at is not None and back_at != memory.told_back_at
        if tell_back:
            memory.told_back_at = back_at
        if danger and (memory.last_danger is None or now - memory.last_danger >= QUIET):
            memory.last_danger = now
            return CaseReply.DANGER, tell_back
        if tell_back:
            return CaseReply.CLOSED, True
        return (CaseReply.SENT if new_burst else CaseReply.NOTHING), False

    def forget(self, case_id: int) -> None:
        """The case ended: nothing of it is kept."""
        self._cases.pop(case_id, None)
