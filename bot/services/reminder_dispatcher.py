"""The periodic job that delivers due reminders: claim a batch, send it, record each outcome.

Run by APScheduler every few seconds; a restart resumes from the rows' states. On a clean
shutdown, messages under way finish and the rest of the batch is released, so nobody gets a
reminder twice; after a crash, expired claims are released and delivered again (at least once).
"""

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from bot.common.clock import Clock
from bot.observability.metrics import REMINDERS
from bot.services.batch_job import BatchJob
from bot.services.engagement import EventRecorder
from bot.services.reminder_kinds import ReminderKind
from bot.services.reminder_schedule import (
    QUIET_HOURS,
    QuietHours,
    local_today,
    next_monthly,
    next_regular,
    out_of_quiet_hours,
)
from bot.services.sender import BulkSender, Outcome, Outgoing, start_before
from bot.storage.stores.reminders import DueReminder, ReminderStore

log = logging.getLogger(__name__)

Render = Callable[[DueReminder, bool], Outgoing | None]
"""The message for a due reminder, in full when the flag says the person chose plain texts (else
discreet); None when its plan step no longer exists in the content."""
PlainTexts = Callable[[set[str]], Awaitable[set[str]]]
"""Which of these accounts chose reminders in full."""


async def _nobody_plain(user_keys: set[str]) -> set[str]:
    return set()


class ReminderDispatcher(BatchJob[BulkSender]):
    def __init__(
        self,
        store: ReminderStore,
        sender: BulkSender,
        render: Render,
        clock: Clock,
        quiet: QuietHours = QUIET_HOURS,
        batch_size: int = 500,
        lease_seconds: int = 600,
        recorder: EventRecorder | None = None,
        plain_texts: PlainTexts = _nobody_plain,
    ) -> None:
        super().__init__(sender)
        self._recorder = recorder
        self._plain_texts = plain_texts
        self._store = store
        self._render = render
        self._clock = clock
        self._quiet = quiet
        self._batch_size = batch_size
        self._lease_seconds = lease_seconds

    async def _run_batch(self) -> int:
        """Deliver what is due now; returns how many reminders were claimed."""
        now = self._clock.now()
        released = await self._store.release_expired_claims(now)
        if released:
            log.warning("%d reminder claim(s) expired (a previous run stopped); delivering them again", released)
        deadline = start_before(self._lease_seconds)
        due = await self._store.claim_due(now, self._batch_size, self._lease_seconds)
        REMINDERS.labels("due").inc(len(due))
        items = []
        plain = await self._plain_texts({entry.reminder.user_key for entry in due})
        for entry in due:
            morning = out_of_quiet_hours(now, entry.chat.time_zone, self._quiet)
            if morning != now:  # late, and it is night there now: wait for the morning
                await self._store.postpone(entry.reminder.id, morning)
                continue
            outgoing = self._render(entry, entry.reminder.user_key in plain)
            if outgoing is None:
                log.warning("reminder %d refers to a plan step that is gone; not sent", entry.reminder.id)
                await self._store.mark_failed(entry.reminder.id)
                REMINDERS.labels("failed").inc()
                continue
            outgoing.reference = entry
            outgoing.start_before = deadline
            items.append(outgoing)
        await self._sender.send_all(items, self._record)
        return len(due)

    async def _record(self, item: Outgoing, outcome: Outcome) -> None:
        entry: DueReminder = item.reference
        reminder = entry.reminder
        REMINDERS.labels(outcome.value).inc()
        if outcome is Outcome.SENT:
            await self._store.mark_sent(reminder, self._next_due(entry))
            if self._recorder is not None:
                self._recorder.record(reminder.user_key, "reminder_delivered", reminder.kind)
        elif outcome is Outcome.BLOCKED:
            await self._store.chat_blocked(reminder.user_key)
        elif outcome is Outcome.DEFERRED:
            await self._store.release(reminder.id)
        # EXPIRED: the claim ran out before its turn; the row is another run's to send

    def _next_due(self, entry: DueReminder) -> datetime | None:
        """When a repeating reminder comes again: the monthly payment, next month; a regular one
        (Amina), its number of days after the day it was delivered; None for the rest."""
        reminder = entry.reminder
        zone = entry.chat.time_zone
        if reminder.kind == ReminderKind.REGULAR:
            every = max(1, int(reminder.payload.get("every", 1)))
            return next_regular(local_today(self._clock.now(), zone), every, zone)
        if reminder.kind != ReminderKind.MONTHLY:
            return None
        early = int(reminder.payload.get("early", 0))
        after = self._clock.now() + timedelta(minutes=1)
        return next_monthly(int(reminder.item), after, zone, early)

    async def housekeeping(self) -> None:
        """Delivered and failed reminders are deleted after a month: nothing is kept longer than needed."""
        removed = await self._store.delete_finished(self._clock.now() - timedelta(days=30))
        if removed:
            log.info("housekeeping: %d old reminder row(s) deleted", removed)
