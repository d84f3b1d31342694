"""Waiting for an event instead of for time: a test that sleeps either waits too long on an idle
machine or too little on a loaded one."""

import asyncio
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.storage.backends.sqlite import Database


async def eventually(
    condition: Callable[[], bool | Awaitable[bool]],
    within: float = 30,
    every: float = 0.02,
    what: str = "the condition",
) -> None:
    """Return as soon as `condition()` holds (it may be a coroutine function, for a row or an HTTP
    answer); fail the test if it does not within `within` seconds. For what announces itself (a
    reply, a delivery), wait on the fake's own events instead."""
    try:
        async with asyncio.timeout(within):
            while True:
                holds = condition()
                if not isinstance(holds, bool):
                    holds = await holds
                if holds:
                    return
                await asyncio.sleep(every)  # the one poll for what has no event to wait on (a row, a process)
    except TimeoutError:
        raise AssertionError(f"{what} did not come within {within} s") from None


async def blocked_on_locks(database: "Database", count: int = 1, within: float = 30) -> None:
    """Wait until `count` PostgreSQL sessions wait for a lock another holds: the moment a deadlock
    test needs, reached as an event rather than guessed with a sleep."""

    async def blocked() -> bool:
        found = await database.fetchone(
            "SELECT COUNT(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()"
        )
        return found is not None and int(found[0]) >= count

    await eventually(blocked, within, what=f"{count} session(s) waiting for a lock")


LOADED_MACHINE = 300.0
"""Seconds a process may take for one step (start, answer, stop) before the test fails: a wait on an
event returns as soon as it comes, so only a test that is failing anyway waits this long, while a
cold start's ~10 CPU-seconds took over a minute at load average 6 to 10 on CI's two shared cores."""
