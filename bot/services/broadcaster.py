"""Delivering broadcasts through the shared bulk sender, in batches, with progress for staff.

Runs as the same kind of periodic job as reminders and shares their sender, so the two together
keep to Telegram's limits. A restart resumes a running broadcast; each recipient gets it once.
"""

import logging
from collections.abc import Awaitable, Callable

from bot.common.clock import Clock
from bot.observability.metrics import BROADCAST_MESSAGES
from bot.services.batch_job import BatchJob
from bot.services.sender import BulkSender, Outcome, Outgoing, start_before
from bot.storage.stores.broadcasts import Broadcast, BroadcastStore, Progress
from bot.storage.stores.reminders import ReminderStore

log = logging.getLogger(__name__)

Notify = Callable[[Broadcast, Progress, bool], Awaitable[None]]
"""Tell staff how far a broadcast got; the flag says it has finished."""


class Broadcaster(BatchJob[BulkSender]):
    def __init__(
        self,
        store: BroadcastStore,
        chats: ReminderStore,
        sender: BulkSender,
        notify: Notify,
        clock: Clock,
        batch_size: int = 100,
        lease_seconds: int = 600,
    ) -> None:
        super().__init__(sender)
        self._store = store
        self._lease_seconds = lease_seconds
        self._chats = chats
        """Where opted-in chats are kept: a chat that blocked the bot is switched off there."""
        self._notify = notify
        self._clock = clock
        self._batch_size = batch_size

    async def _run_batch(self) -> int:
        """Send one batch of each running broadcast; returns how many messages were attempted."""
        attempted = 0
        for broadcast in await self._store.running():
            deadline = start_before(self._lease_seconds)
            recipients = await self._store.claim(broadcast.id, self._batch_size, self._clock.now(), self._lease_seconds)
            items = [
                Outgoing(chat, broadcast.text, reference=(broadcast.id, key), start_before=deadline)
                for key, chat in recipients
            ]
            await self._sender.send_all(items, self._record)
            attempted += len(items)
            progress = await self._store.progress(broadcast.id)
            finished = progress.remaining == 0 and await self._store.finish(broadcast.id, "done")
            await self._notify(broadcast, progress, finished)
        return attempted

    async def _record(self, item: Outgoing, outcome: Outcome) -> None:
        BROADCAST_MESSAGES.labels(outcome.value).inc()
        if outcome is Outcome.EXPIRED:
            return  # the claim ran out: the row is another run's to send
        broadcast_id, user_key = item.reference
        state = {Outcome.SENT: "sent", Outcome.BLOCKED: "failed", Outcome.DEFERRED: "pending"}[outcome]
        await self._store.mark(broadcast_id, user_key, state)  # counted as not delivered when blocked
        if outcome is Outcome.BLOCKED:
            await self._chats.chat_blocked(user_key)
