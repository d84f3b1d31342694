"""Seen update ids shared through Redis, at the middleware: Telegram's retry of a webhook call is
handled once whichever worker it reaches, and an update whose worker died half-way is handled
when Telegram sends it again. (tests/test_redis_workers.py drives the same through real workers.)"""

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiogram.types import TelegramObject, Update
from redis.asyncio import Redis

from bot.middlewares.shared_updates import REMEMBERED_SECONDS, SharedDuplicateUpdates, update_key
from bot.storage.redis.leases import Leases

UPDATE = Update(update_id=77)
LEASE = 0.3
"""The lease of a worker that dies, shortened from ten seconds."""


class Worker:
    """One process's view: its own connection and leases, and the handlings it carried out."""

    def __init__(self, url: str) -> None:
        self.redis = Redis.from_url(url)
        self.leases = Leases(self.redis, seconds=LEASE)
        self.guard = SharedDuplicateUpdates(self.redis, self.leases)
        self.handled = 0
        self.release = asyncio.Event()
        self.release.set()
        self.entered = asyncio.Event()
        """Set once an update reached the handler (it has the update's lease)."""

    async def handler(self, event: TelegramObject, data: dict[str, Any]) -> str:
        self.entered.set()
        await self.release.wait()
        self.handled += 1
        return "handled"

    async def feed(self, update: Update = UPDATE) -> Any:
        return await self.guard(self.handler, update, {})

    async def close(self) -> None:
        await self.leases.close()
        await self.redis.aclose()


@pytest.fixture
async def workers(redis_url: str) -> AsyncIterator[tuple[Worker, Worker]]:
    pair = Worker(redis_url), Worker(redis_url)
    yield pair
    for worker in pair:
        await worker.close()


async def test_a_retry_after_the_update_was_handled_is_skipped_for_a_day(workers: tuple[Worker, Worker]) -> None:
    a, b = workers
    assert await a.feed() == "handled"
    assert await b.feed() is None
    assert await a.feed() is None
    assert (a.handled, b.handled) == (1, 0)
    ttl = await a.redis.ttl(update_key(UPDATE.update_id))
    assert REMEMBERED_SECONDS - 5 < ttl <= REMEMBERED_SECONDS
    assert await b.feed(Update(update_id=78)) == "handled", "another update is not held back"


async def test_a_retry_while_another_worker_handles_it_waits_for_the_outcome(workers: tuple[Worker, Worker]) -> None:
    a, b = workers
    a.release.clear()
    first = asyncio.create_task(a.feed())
    await a.entered.wait()
    retry = asyncio.create_task(b.feed())
    # The behaviour itself is time passing on Redis's clock: longer than a lease, which the working
    # worker keeps renewing. No event marks "a lease did not run out".
    await asyncio.sleep(LEASE * 2)
    assert not retry.done(), "not answered while the outcome is unknown (the first worker might die)"
    a.release.set()
    assert await first == "handled"
    assert await retry is None
    assert (a.handled, b.handled) == (1, 0)


async def test_an_update_whose_worker_was_killed_is_handled_when_telegram_resends_it(
    workers: tuple[Worker, Worker],
) -> None:
    a, b = workers
    a.release.clear()
    dying = asyncio.create_task(a.feed())
    await a.entered.wait()
    await a.leases.close()  # kill -9: nothing renews or releases the lease any more
    assert await asyncio.wait_for(b.feed(), LEASE * 5) == "handled"
    assert b.handled == 1
    assert await a.feed() is None, "and once handled, it is done"
    dying.cancel()


async def test_an_update_cut_short_at_shutdown_is_left_for_the_retry(workers: tuple[Worker, Worker]) -> None:
    a, b = workers
    a.release.clear()
    stopping = asyncio.create_task(a.feed())
    await a.entered.wait()
    stopping.cancel()
    with pytest.raises(asyncio.CancelledError):
        await stopping
    assert await asyncio.wait_for(b.feed(), LEASE / 2) == "handled", "released at once, not after the lease"


async def test_an_update_whose_handler_failed_is_not_handled_again(workers: tuple[Worker, Worker]) -> None:
    a, b = workers

    async def failing(event: TelegramObject, data: dict[str, Any]) -> None:
        raise RuntimeError("a bug")

    with pytest.raises(RuntimeError):
        await a.guard(failing, UPDATE, {})
    assert await b.feed() is None, "it would fail again: like DuplicateUpdates, a failure counts as handled"
