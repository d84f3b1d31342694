"""Periodic jobs: reminders, broadcasts, event writes, roll-ups and housekeeping, run by APScheduler."""

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.handlers.broadcast import announce_start
from bot.runtime.process_roles import runs_shared_jobs, shares_the_database
from bot.services.content_sync import SYNC_SECONDS
from bot.storage.stores.claims import release_all_claims
from bot.storage.stores.conversations import DatabaseFSMStorage

if TYPE_CHECKING:
    from bot.runtime.app import Application

log = logging.getLogger(__name__)


class RunningJobs:
    """Lets periodic jobs finish at shutdown instead of being cancelled half-way (APScheduler's
    shutdown cancels running coroutines: a reminder sent but not marked would go again)."""

    def __init__(self) -> None:
        self._running: set[asyncio.Task[Any]] = set()
        self._closed = False

    def guard(self, job: Callable[[], Awaitable[Any]]) -> Callable[[], Awaitable[None]]:
        async def run() -> None:
            task = asyncio.current_task()
            if self._closed or task is None:
                return
            self._running.add(task)
            try:
                await job()
            finally:
                self._running.discard(task)

        return run

    async def drain(self) -> None:
        self._closed = True
        await asyncio.gather(*self._running, return_exceptions=True)


async def release_broadcasts(app: "Application") -> None:
    """Broadcast proposals whose cancel window passed go out; their proposer sees the progress."""
    for released in await app.approvals.release_due():
        await announce_start(app.bot, app.stores.broadcasts, released.broadcast_id, released.proposal.proposed_by)


@asynccontextmanager
async def reminder_jobs(app: "Application") -> AsyncIterator[None]:
    """APScheduler runs this process's jobs while the bot runs: every role writes the events and the
    batched rows it holds and forgets idle conversations (all held in this process's memory), and follows
    another process's /reload when processes share the database; `all` and
    `scheduler` also run the bot's shared work: reminders, broadcasts, roll-ups and housekeeping."""
    shared = runs_shared_jobs(app.settings.safar_role)
    if shared:
        # On the SQLite file every claim was left by a run of ours that died; on PostgreSQL only
        # expired leases are taken back (another scheduler may be sending its claims right now).
        released = await release_all_claims(app.database, datetime.now(UTC))
        if released:
            log.warning("%d message(s) claimed by a run that stopped abruptly are due again", released)
    scheduler = AsyncIOScheduler(timezone="UTC")
    jobs = RunningJobs()
    every = app.settings.reminder_check_seconds
    # APScheduler keeps real time whatever clock the services are given: 'now' here means 'at once'.
    now = datetime.now(UTC)
    if shared:
        scheduler.add_job(jobs.guard(app.reminders.run_once), "interval", seconds=every, next_run_time=now,
                          max_instances=1, coalesce=True, id="reminders")  # fmt: skip
        scheduler.add_job(jobs.guard(app.broadcaster.run_once), "interval", seconds=every, max_instances=1,
                          coalesce=True, id="broadcasts")  # fmt: skip
        scheduler.add_job(jobs.guard(lambda: release_broadcasts(app)), "interval", seconds=every, max_instances=1,
                          coalesce=True, id="broadcast_approvals")  # fmt: skip
        scheduler.add_job(jobs.guard(app.statistics.maintain), "interval", minutes=10, next_run_time=now,
                          max_instances=1, id="rollups")  # fmt: skip
        scheduler.add_job(jobs.guard(app.reminders.housekeeping), "interval", hours=6, id="housekeeping")
        scheduler.add_job(jobs.guard(app.retention.run), "interval", hours=6, next_run_time=now, id="retention")
        if app.desk is not None:  # grace periods, old topics, cases waiting too long
            scheduler.add_job(jobs.guard(app.desk.housekeeping), "interval", seconds=every, max_instances=1,
                              coalesce=True, id="counsellors")  # fmt: skip
    scheduler.add_job(jobs.guard(app.recorder.flush), "interval", seconds=2, max_instances=1, id="events")
    # Reports and the like: written on the hour with other people's (services/unlinked_writes.py).
    scheduler.add_job(jobs.guard(app.unlinked.write_if_due), "interval", seconds=2, max_instances=1,
                      id="unlinked_writes")  # fmt: skip
    if shares_the_database(app.settings):  # other processes may /reload: follow them
        scheduler.add_job(jobs.guard(app.content_sync.follow), "interval", seconds=SYNC_SECONDS, next_run_time=now,
                          max_instances=1, coalesce=True, id="content_sync")  # fmt: skip
    storage = app.dispatcher.storage
    if isinstance(storage, DatabaseFSMStorage):

        async def forget_idle() -> None:  # a coroutine: APScheduler would run a plain function in a thread
            storage.forget_idle()

        scheduler.add_job(forget_idle, "interval", minutes=5, id="idle_conversations")
    scheduler.start()
    # The counsellors' relay queue: every process sends what it queued at once, and takes over what
    # another left (a case at a time: bot/services/counsellor_relays.py).
    relays = app.desk.relays if app.desk is not None else None
    relaying = asyncio.create_task(relays.run_forever(), name="counsellor-relays") if relays else None
    try:
        yield
    finally:
        # No job is submitted from here on; one submitted just before has its task started by the
        # time the jobs are drained, so APScheduler's shutdown cancels none half-way (it would log
        # the cancelled job as an error, and a flush cut short waits for the one below).
        scheduler.pause()
        if relays is not None and relaying is not None:
            await relays.shutdown()  # a copy under way finishes; the rest stays queued for the next start
            await relaying
        if shared:
            await app.reminders.shutdown()  # messages under way finish; the rest of the batch is released
            await app.broadcaster.shutdown()
        await asyncio.sleep(0)  # a task created before the pause runs its first step: drained below
        await jobs.drain()
        scheduler.shutdown(wait=False)
        await app.recorder.flush()  # a clean shutdown loses no event
        await app.unlinked.flush()  # nor a report, and its sender sees the ✅
