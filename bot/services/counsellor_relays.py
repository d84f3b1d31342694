"""The counsellors' desk's relay queue: what a person sends in a case goes to its topic, and what a
counsellor writes there goes to the person, through rows written before the update is acknowledged.
Safar's own writing in the group goes through it too: a case's notices (the person ended it, its
topic closed) as rows after the case's last copies, a notice in the general topic (cases waiting too
long) and a new topic within the same budget, so nothing Safar writes there is beyond the limit.

A case's messages go one after the other, in order; cases go side by side. Copies into the
counsellors' group keep to the group's budget (Telegram lets about 20 messages a minute into one
group), which the whole desk shares, across processes with REDIS_URL. Copies to people are replies,
not bulk: they never wait behind reminders or broadcasts (those keep to BULK_MESSAGES_PER_SECOND and
leave the rest of the bot's rate to replies) nor behind the group's budget. A 429 is waited out for
its `retry_after`; a refusal (the person blocked Safar, a file Telegram would not take) is told to
the other side and the queue goes on. A row is deleted only after its copy was taken, so a process
killed mid-copy sends that one again after the restart: twice perhaps, never zero times.

A counsellor's answer reaches the person discreetly unless they chose plain texts for reminders:
"💬 New answer" with a "Show" button, and the answers are copied when they tap it.
"""

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from bot.common.telegram_limits import GROUP_MESSAGES_PER_MINUTE, counted_window
from bot.services.batch_job import BatchJob
from bot.services.sender import RetryAfter, TemporaryFailure
from bot.storage.stores.counsellor_cases import OpenCase
from bot.storage.stores.counsellor_relays import NOTICES, CounsellorRelayStore, Direction, QueuedRelay

log = logging.getLogger(__name__)

ATTEMPTS = 4
"""Network or server errors in a row before a case waits for the next round."""


class RelayRefused(Exception):
    """Telegram refused a copy for good: repeating it cannot help."""

    def __init__(self, blocked: bool) -> None:
        super().__init__("blocked" if blocked else "refused")
        self.blocked = blocked
        """403: the person blocked Safar (or Safar lost the counsellors' group); else a 400."""


class RelayCalls(Protocol):
    """The Bot API calls of the queue, in the sender's terms (RetryAfter, RelayRefused, TemporaryFailure)."""

    async def copy(self, relay: QueuedRelay) -> None: ...

    async def tell_topic(self, topic_id: int | None, text: str, reply_to: int | None = None) -> None:
        """Safar's plain text in a case's topic, or in the group's general topic (None)."""
        ...

    async def close_topic(self, topic_id: int) -> None: ...

    async def tell_person(self, chat_id: int, text: str, markup: Any = None) -> None: ...


class RelayTexts(Protocol):
    """What the queue says, in each side's language (rendered by the handlers' layer)."""

    def new_answer(self, language: str, case_id: int) -> tuple[str, Any]:
        """The discreet notice of a counsellor's answer and its "Show" button."""
        ...

    def person_not_relayed(self, language: str) -> str: ...

    def counsellor_not_relayed(self, blocked: bool) -> str: ...

    def case_ended(self) -> str:
        """The topic is told that the person ended the conversation, in the group's language."""
        ...


class GroupBudget(Protocol):
    """The counsellors' group's messages a minute, shared by everything that writes there."""

    async def take(self) -> float:
        """0 when a message may go now (its place is taken); else seconds to wait before asking again."""
        ...

    async def pause(self, seconds: float) -> None:
        """Telegram answered 429: nobody writes into the group before `seconds` have passed."""
        ...


class CaseTurns(Protocol):
    """One sender per case at a time, across processes: a case's messages stay in order."""

    async def take(self, case_id: int) -> str | None: ...

    async def release(self, case_id: int, token: str) -> None: ...


class MemoryGroupBudget:
    """`GroupBudget` for one process: no more than `messages` in any `window` seconds (a sliding log,
    as Telegram counts), and nothing at all during a 429's wait."""

    def __init__(self, messages: int = GROUP_MESSAGES_PER_MINUTE, window: float = 60.0) -> None:
        self.messages = messages
        self.window = counted_window(window)
        self._sent: deque[float] = deque()
        self._paused_until = 0.0

    async def take(self) -> float:
        now = time.monotonic()
        while self._sent and now - self._sent[0] >= self.window:
            self._sent.popleft()
        if now < self._paused_until:
            return self._paused_until - now
        if len(self._sent) >= self.messages:
            return self._sent[0] + self.window - now
        self._sent.append(now)
        return 0.0

    async def pause(self, seconds: float) -> None:
        self._paused_until = max(self._paused_until, time.monotonic() + seconds)


class LocalTurns:
    """`CaseTurns` for one process: the queue itself never runs a case twice at once."""

    async def take(self, case_id: int) -> str | None:
        return "local"

    async def release(self, case_id: int, token: str) -> None:
        return None


PlainTexts = Callable[[set[str]], Awaitable[set[str]]]
"""Which of these accounts chose plain texts (for reminders, and so for answers)."""


class RelayQueue(BatchJob["RelayQueue"]):
    def __init__(
        self,
        store: CounsellorRelayStore,
        calls: RelayCalls,
        texts: RelayTexts,
        plain_texts: PlainTexts,
        *,
        budget: GroupBudget | None = None,
        turns: CaseTurns | None = None,
        poll_seconds: float = 5.0,
        backoff_seconds: float = 1.0,
        on_group_refused: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        super().__init__(self)
        self._store = store
        self._calls = calls
        self._texts = texts
        self._plain_texts = plain_texts
        self.budget = budget or MemoryGroupBudget()
        self._turns = turns or LocalTurns()
        self._poll = poll_seconds
        self._backoff = backoff_seconds
        self._on_group_refused = on_group_refused
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()
        self._draining: dict[int, asyncio.Task[None]] = {}

    # --- written by the handlers ---------------------------------------------------------

    async def to_topic(self, case: OpenCase, message_id: int) -> None:
        """The person's message, queued for their topic; stored when this returns."""
        await self._store.enqueue(case, Direction.TO_TOPIC, message_id)
        self._wake.set()

    async def to_person(self, case: OpenCase, message_id: int) -> None:
        """A counsellor's message, queued for the person; stored when this returns."""
        await self._store.enqueue(case, Direction.TO_PERSON, message_id)
        self._wake.set()

    async def case_closed(self, case: OpenCase, *, by_person: bool) -> None:
        """The case's topic is told (when the person ended it) and closed, after the case's copies
        still queued and within the group's budget; stored when this returns."""
        if by_person:
            await self._store.enqueue(case, Direction.ENDED, 0)
        await self._store.enqueue(case, Direction.CLOSE_TOPIC, 0)
        self._wake.set()

    async def tell_group(self, text: str, topic_id: int | None = None, reply_to: int | None = None) -> bool:
        """Safar's notice in the group (the general topic unless `topic_id`), within the group's budget
        like every copy; False if it could not be sent (the group refused Safar, or Telegram kept failing)."""
        try:
            await self._retrying(lambda: self._calls.tell_topic(topic_id, text, reply_to), into_group=True)
        except RelayRefused as refused:
            if refused.blocked and self._on_group_refused is not None:
                await self._on_group_refused()
            return False
        except (TemporaryFailure, _Stopping):
            log.warning("counsellors: a notice to the group could not be sent")
            return False
        return True

    async def wait_for_the_groups_turn(self) -> None:
        """A place in the group's budget, taken (for what Safar writes there outside the queue: a new topic)."""
        await self._wait_for_budget()

    async def show(self, user_key: str, case_id: int) -> int:
        """The person tapped "Show": their waiting answers of this case, copied in order. Rows are
        looked up by the presser's own key, so a forged or stale button shows nothing; returns how
        many were copied."""
        shown = 0
        # Again until none waits: an answer held while these were copied had no notice of its own.
        while waiting := await self._store.held_for(user_key, case_id):
            for relay in waiting:
                try:
                    await self._copy_with_retries(relay)
                except RelayRefused as refused:
                    await self._refused(relay, refused)  # the counsellor learns it did not arrive
                except (TemporaryFailure, _Stopping):
                    return shown  # kept: the next tap shows it
                else:
                    shown += 1
                await self._store.done(relay.id)
        return shown

    # --- the sender ----------------------------------------------------------------------

    def stop(self) -> None:
        """`BatchJob.shutdown`: start no copy; those under way finish."""
        self._stopping.set()
        self._wake.set()

    async def _run_batch(self) -> int:
        """A sender for every case with messages waiting that none is sending yet."""
        started = 0
        for case_id in await self._store.waiting_cases():
            if case_id in self._draining or self._stopping.is_set():
                continue
            token = await self._turns.take(case_id)
            if token is None:
                continue  # another process sends this case's messages now
            self._draining[case_id] = asyncio.create_task(self._drain(case_id, token), name="counsellor-relay")
            started += 1
        return started

    async def run_forever(self) -> None:
        """Send whatever is queued, woken by each new row and every `poll_seconds` for rows other
        processes wrote or a previous run left."""
        while not self._stopping.is_set():
            self._wake.clear()
            try:
                await self.run_once()
            except Exception:  # a database hiccup must not end the desk: the next round tries again
                log.exception("counsellors: the relay queue's round failed")
            with contextlib.suppress(TimeoutError):  # asyncio.timeout: 3.11's wait_for can swallow a cancel
                async with asyncio.timeout(self._poll):
                    await self._wake.wait()

    async def shutdown(self) -> None:
        await super().shutdown()
        await asyncio.gather(*self._draining.values(), return_exceptions=True)

    async def _drain(self, case_id: int, token: str) -> None:
        """The case's rows, oldest first, until none is left (or Telegram keeps failing: then the
        case waits for the next round, `poll_seconds` away, instead of being hammered)."""
        emptied = False
        try:
            while not self._stopping.is_set():
                relay = await self._store.next_of(case_id)
                if relay is None:
                    emptied = True
                    break
                if not await self._deliver(relay):
                    break
        except _Stopping:
            pass  # the row stays queued for the next start
        except Exception:
            log.exception("counsellors: a case's relay failed; it is tried again at the next round")
        finally:
            await self._turns.release(case_id, token)
            self._draining.pop(case_id, None)
        if emptied:
            self._wake.set()  # a row written just after the last look finds its sender at once

    async def _deliver(self, relay: QueuedRelay) -> bool:
        """One row handled (copied, held, or refused and told); False to leave the case for later."""
        try:
            if relay.direction is Direction.TO_PERSON and not await self._plain_texts({relay.user_key}):
                await self._hold(relay)
                return True
            await self._send(relay)
        except RelayRefused as refused:
            await self._refused(relay, refused)
        except (TemporaryFailure, _Stopping):
            return False
        await self._store.done(relay.id)
        return True

    async def _send(self, relay: QueuedRelay) -> None:
        """A copy, or one of Safar's notices about the case: everything but an answer writes into the group."""
        if relay.direction is Direction.ENDED:
            text = self._texts.case_ended()
            await self._retrying(lambda: self._calls.tell_topic(relay.topic_id, text), into_group=True)
        elif relay.direction is Direction.CLOSE_TOPIC:
            await self._retrying(lambda: self._calls.close_topic(relay.topic_id), into_group=True)
        else:
            await self._copy_with_retries(relay)

    async def _hold(self, relay: QueuedRelay) -> None:
        """A discreet answer: the person is told once that answers wait, then it waits for "Show"."""
        if not await self._store.hold(relay.id, relay.case_id):
            return  # another answer of the case waits already: the person was told of it
        text, markup = self._texts.new_answer(relay.language, relay.case_id)
        try:
            await self._retrying(lambda: self._calls.tell_person(relay.chat_id, text, markup), into_group=False)
        except BaseException:
            await self._store.untold(relay.id)
            raise
        await self._store.told(relay.id)

    async def _refused(self, relay: QueuedRelay, refused: RelayRefused) -> None:
        """Told to the side that wrote it; the row then goes, and the case's queue goes on."""
        if relay.direction in NOTICES:  # nobody wrote it: a topic closed already, or a group that refused Safar
            if refused.blocked and self._on_group_refused is not None:
                await self._on_group_refused()
            log.warning("counsellors: the group refused a notice about a case (%s)", relay.direction.value)
            return
        if relay.direction is Direction.TO_PERSON:
            text = self._texts.counsellor_not_relayed(refused.blocked)
            with contextlib.suppress(RelayRefused, TemporaryFailure):
                await self._retrying(lambda: self._calls.tell_topic(relay.topic_id, text, relay.message_id), True)
            return
        if refused.blocked and self._on_group_refused is not None:
            await self._on_group_refused()  # Safar was removed from the group, or lost its rights
        text = self._texts.person_not_relayed(relay.language)
        with contextlib.suppress(RelayRefused, TemporaryFailure):
            await self._retrying(lambda: self._calls.tell_person(relay.chat_id, text), into_group=False)

    async def _copy_with_retries(self, relay: QueuedRelay) -> None:
        await self._retrying(lambda: self._calls.copy(relay), into_group=relay.direction is Direction.TO_TOPIC)

    async def _retrying(self, call: Callable[[], Awaitable[None]], into_group: bool) -> None:
        """One call, within the group's budget when it writes there; a 429 waited out, network and
        server errors retried a few times (then TemporaryFailure)."""
        failures = 0
        while True:
            if into_group:
                await self._wait_for_budget()
            try:
                await call()
                return
            except RetryAfter as flood:
                if into_group:
                    await self.budget.pause(flood.seconds)
                await self._sleep(flood.seconds)
            except TemporaryFailure:
                failures += 1
                if failures >= ATTEMPTS:
                    raise
                await self._sleep(self._backoff * 2 ** (failures - 1))

    async def _wait_for_budget(self) -> None:
        while (wait := await self.budget.take()) > 0:
            await self._sleep(wait)

    async def _sleep(self, seconds: float) -> None:
        """A wait that a shutdown cuts short (the row stays queued for the next start)."""
        with contextlib.suppress(TimeoutError):  # asyncio.timeout: 3.11's wait_for can swallow a cancel
            async with asyncio.timeout(max(seconds, 0.0)):
                await self._stopping.wait()
        if self._stopping.is_set():
            raise _Stopping


class _Stopping(Exception):
    """The process is shutting down while a copy waited: the row stays for the next start."""
