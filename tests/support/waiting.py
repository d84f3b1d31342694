"""Waiting for an event instead of for time: a test that sleeps either waits too long on an idle
machine or too little on a loaded one."""

import asyncio
from collections.abc import Awaitable, Callable

POLL_SECONDS = 0.01
"""How often a condition nobody announces (a row, a file, a process's output) is looked at again."""


async def wait_until(
    condition: Callable[[], bool | Awaitable[bool]], within: float = 10, what: str = "the condition"
) -> None:
    """Return as soon as `condition()` holds; fail the test if it does not within `within` seconds."""
    try:
        async with asyncio.timeout(within):
            while True:
                holds = condition()
                if not isinstance(holds, bool):
                    holds = await holds
                if holds:
                    return
                await asyncio.sleep(POLL_SECONDS)
    except TimeoutError:
        raise AssertionError(f"{what} did not come within {within} s") from None
