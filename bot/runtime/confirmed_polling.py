"""Long polling that tells Telegram an update was received only once it has been handled.

Telegram forgets every update below the `offset` of the next getUpdates. aiogram's polling moves
the offset as soon as a batch arrives, so a process killed (kill -9, a power cut, the OOM killer)
while it handled one, or while one waited behind its chat's update, lost it: a message a person
sent into a counsellors' case never reached the counsellors. Here the offset stops at the oldest
update not yet handled; a handled update has done what it does (a relay into a case is a row in
the relay queue by then), so after a kill only those under way are fetched again.

The offset is a watermark, so an update still under way holds back the confirmation of those
after it, and getUpdates hands them out again (they are skipped here). The normal path costs
nothing: a batch is usually handled in milliseconds, and the next long poll waits for that (at
most SETTLE_SECONDS). A slow one (a 429 waited out, a chat's queue) must not hold everyone: the
next poll goes after SETTLE_SECONDS and fetches what came since; an update under way longer than
HOLD_SECONDS is confirmed anyway, and so is everything under way when more than Telegram's window of
WINDOW updates are (a kill then loses them, as aiogram's polling would have).

Relies on aiogram 3.31's `Dispatcher.start_polling` running `_polling(bot=..., **options)` per bot
and cancelling it to stop; `tests/test_confirmed_polling.py` kills a process mid-update.
"""

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import Container
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.dispatcher.dispatcher import DEFAULT_BACKOFF_CONFIG
from aiogram.methods import GetUpdates, TelegramMethod
from aiogram.types import Update
from aiogram.utils.backoff import Backoff, BackoffConfig

from bot.middlewares.chat_queues import Queued
from bot.transport.new_updates import GetNewUpdates

log = logging.getLogger(__name__)

WINDOW = 100
"""Updates one getUpdates hands out at most (Telegram's own limit)."""
SETTLE_SECONDS = 0.25
"""How long the next poll waits for the updates under way to be handled, so it can confirm them."""
HOLD_SECONDS = 60.0
"""The longest an update under way keeps Telegram from forgetting it (and keeps polls short)."""
WARN_EVERY_SECONDS = 60.0
FINAL_CONFIRM_SECONDS = 5.0
"""At a clean stop, how long the last confirmation may take."""


class ConfirmedOffsets:
    """Which fetched updates are handled, and the offset that confirms those and no others."""

    def __init__(self, hold_seconds: float = HOLD_SECONDS) -> None:
        self._hold = hold_seconds
        self._unconfirmed: deque[int] = deque()
        """Every fetched id Telegram may still hand out again, in the order fetched."""
        self._seen: set[int] = set()
        self._under_way: dict[int, float] = {}
        """Fetched and not yet handled: id → when it was fetched (monotonic)."""
        self._last: int | None = None
        self._all_handled = asyncio.Event()
        self._all_handled.set()
        self.given_up = 0
        """Updates confirmed while still under way (HOLD_SECONDS, or a full window)."""
        self._last_warning = -WARN_EVERY_SECONDS

    def fetched(self, update_id: int) -> bool:
        """True for an update seen for the first time (to be handled); False for one handed out again."""
        if update_id in self._seen:
            return False
        self._seen.add(update_id)
        self._unconfirmed.append(update_id)
        self._under_way[update_id] = time.monotonic()
        self._all_handled.clear()
        self._last = update_id
        return True

    def handled(self, update_id: int) -> None:
        self._under_way.pop(update_id, None)
        if not self._under_way:
            self._all_handled.set()

    def handled_with(self, waiting: "asyncio.Future[bool]", update_id: int) -> None:
        """An update left waiting behind its chat's: handled once `waiting` is done (not if cancelled)."""

        def done(result: "asyncio.Future[bool]") -> None:
            if not result.cancelled():
                self.handled(update_id)

        waiting.add_done_callback(done)

    @property
    def held(self) -> Container[int]:
        """Fetched ids Telegram may hand out again (not yet below a sent offset): never read twice."""
        return self._seen

    def under_way(self) -> int:
        return len(self._under_way)

    async def settle(self, within: float) -> None:
        """Until every fetched update is handled, or `within` seconds."""
        if self._all_handled.is_set():
            return
        # asyncio.timeout, not wait_for: Python 3.11's wait_for can swallow a cancellation that
        # arrives as its timeout fires, and the polling loop would then never stop.
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(within):
                await self._all_handled.wait()

    def offset(self) -> int | None:
        """The next getUpdates' offset: the oldest update still under way (None before the first)."""
        now = time.monotonic()
        for update_id in self._unconfirmed:
            fetched_at = self._under_way.get(update_id)
            if fetched_at is None:
                continue
            if now - fetched_at < self._hold:
                return update_id
            self._give_up(update_id, f"under way for more than {self._hold:.0f} s")
        return None if self._last is None else self._last + 1

    def window_full(self) -> None:
        """getUpdates handed out only updates under way, as many as it hands at once: nothing newer
        can be fetched until they are confirmed. More than WINDOW at once is more than Telegram lets
        a bot hold back: all of them are confirmed, as aiogram's polling would have."""
        for update_id in list(self._under_way):
            self._give_up(update_id, f"more than {WINDOW} updates under way")

    def sent(self, offset: int | None) -> None:
        """A getUpdates with `offset` went out: Telegram hands out nothing below it again."""
        while offset is not None and self._unconfirmed and self._unconfirmed[0] < offset:
            self._seen.discard(self._unconfirmed.popleft())

    def _give_up(self, update_id: int, why: str) -> None:
        self.handled(update_id)  # for the offset only: its handling goes on
        self.given_up += 1
        now = time.monotonic()
        if now - self._last_warning >= WARN_EVERY_SECONDS:  # under overload this happens in bursts
            self._last_warning = now
            log.warning("%d update(s) so far confirmed to Telegram before they were handled (%s)", self.given_up, why)


class ConfirmingDispatcher(Dispatcher):
    """aiogram's Dispatcher whose polling confirms an update only once it is handled."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.offsets: ConfirmedOffsets | None = None
        """The running poll's bookkeeping (None before polling starts)."""
        self._confirmed: int | None = None

    async def _polling(
        self,
        bot: Bot,
        polling_timeout: int = 30,
        handle_as_tasks: bool = True,
        backoff_config: BackoffConfig = DEFAULT_BACKOFF_CONFIG,
        allowed_updates: list[str] | None = None,
        tasks_concurrency_limit: int | None = None,
        **kwargs: Any,
    ) -> None:
        """`tasks_concurrency_limit`: updates started and not yet finished (or left waiting behind
        their chat's, bot/middlewares/chat_queues.py); with none free, nothing more is fetched."""
        await bot.me()
        offsets = self.offsets = ConfirmedOffsets()
        slots = asyncio.Semaphore(tasks_concurrency_limit) if tasks_concurrency_limit else None
        backoff = Backoff(config=backoff_config)
        # As aiogram's: the request may wait longer than the long poll itself.
        request_timeout = int(bot.session.timeout + polling_timeout) if bot.session.timeout else None
        failed = False
        while True:
            await offsets.settle(SETTLE_SECONDS)
            offset = offsets.offset()
            # The updates under way come back in every batch until handled: left out before they are read.
            call = GetNewUpdates(
                offset=offset, timeout=polling_timeout, limit=WINDOW, allowed_updates=allowed_updates
            ).leaving_out(offsets.held)
            offsets.sent(offset)
            try:
                updates = await bot(call, request_timeout=request_timeout)
            except Exception as error:  # as aiogram's: Telegram unreachable must not end polling
                failed = True
                log.error("Failed to fetch updates (%s); trying again in %.1f s", type(error).__name__,
                          backoff.next_delay)  # fmt: skip
                await backoff.asleep()
                continue
            self._confirmed = offset
            if failed:
                backoff.reset()
                failed = False
            new = [update for update in updates if offsets.fetched(update.update_id)]
            if not new and call.handed_out >= WINDOW:
                offsets.window_full()
            for update in new:
                if slots is not None:
                    await slots.acquire()
                task = asyncio.create_task(self._handle_fetched(bot, update, offsets, slots, kwargs))
                self._handle_update_tasks.add(task)
                task.add_done_callback(self._handle_update_tasks.discard)

    async def _handle_fetched(
        self,
        bot: Bot,
        update: Update,
        offsets: ConfirmedOffsets,
        slots: asyncio.Semaphore | None,
        kwargs: dict[str, Any],
    ) -> None:
        """One update, as aiogram's `_process_update`; handled once it returns, or, when it was
        left waiting behind its chat's update, once that handled it. Cancelled (the process
        stops): not handled, so Telegram hands it to the next start."""
        waiting: asyncio.Future[bool] | None = None
        try:
            response = await self.feed_update(bot, update, **kwargs)
            if isinstance(response, TelegramMethod):
                await self.silent_call_request(bot=bot, result=response)
            elif isinstance(response, Queued):
                waiting = response.handled
        except Exception as error:  # what the errors router did not take: handled, badly
            log.error("update %d could not be handled (%s)", update.update_id, type(error).__name__)
        finally:
            if slots is not None:
                slots.release()
        if waiting is None:
            offsets.handled(update.update_id)
        else:
            offsets.handled_with(waiting, update.update_id)

    async def confirm_handled(self, bot: Bot) -> None:
        """At a clean stop, once the updates under way have finished: Telegram is told which were
        handled, so the next start does not handle them again."""
        offsets = self.offsets
        if offsets is None:
            return
        offset = offsets.offset()
        if offset is None or offset == self._confirmed:
            return
        try:
            async with asyncio.timeout(FINAL_CONFIRM_SECONDS):
                await bot(GetUpdates(offset=offset, timeout=0, limit=1))
        except Exception as error:  # the next start handles them again: twice, never lost
            log.warning("could not confirm the last updates to Telegram (%s)", type(error).__name__)
        else:
            self._confirmed = offset
