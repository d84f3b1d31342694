"""The PostgreSQL pool under a web worker's load: a burst of updates waits for the pooled
connections instead of opening more (each new one costs a start-up and its statements parsed
again), and a connection the server closed while the bot was quiet (a restart) is replaced unseen."""

import asyncio

import pytest

from bot.storage.backends import postgres
from bot.storage.backends.sqlite import open_database
from tests.support.waiting import eventually

NEVER_ANSWERS = "SELECT pg_sleep(600)"
"""A statement the server is still running when the pool closes: a hung query, not a wait of the test."""


async def test_a_burst_of_statements_waits_for_the_pool_instead_of_opening_more_connections(
    postgres_url: str,
) -> None:
    database = await open_database(postgres_url, connections=3)
    watcher = await open_database(postgres_url, connections=1)
    try:
        most_open = 0

        async def one_update(number: int) -> int:
            # Each statement holds its connection 10 ms on the server, so the burst overlaps (not a wait of the test).
            row = await database.fetchone("SELECT :n + 0 FROM pg_sleep(0.01)", {"n": number})
            assert row is not None
            return int(row[0])

        async def watch() -> None:  # the sessions open on this database, but the watcher's own
            nonlocal most_open
            while True:
                row = await watcher.fetchone(
                    "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
                most_open = max(most_open, int(row[0]) if row else 0)

        watching = asyncio.create_task(watch())
        answers = await asyncio.gather(*(one_update(number) for number in range(100)))
        watching.cancel()
        assert answers == list(range(100))
        assert 1 <= most_open <= 3
    finally:
        await database.close()
        await watcher.close()


async def test_a_connection_the_server_closed_while_idle_is_replaced_before_a_statement_uses_it(
    postgres_url: str,
) -> None:
    database = await open_database(postgres_url, connections=1)
    try:
        first = await database.fetchone("SELECT pg_backend_pid()")
        assert first is not None
        admin = await open_database(postgres_url, connections=1)
        try:  # what a server restart or a firewall's idle timeout does to the pooled connection
            await admin.execute("SELECT pg_terminate_backend(:pid)", {"pid": first[0]})

            async def gone() -> bool:  # the signal is sent at once; the backend ends when it is scheduled
                return not await admin.fetchall("SELECT 1 FROM pg_stat_activity WHERE pid = :pid", {"pid": first[0]})

            await eventually(gone, what="the pooled connection's server process ended")
        finally:
            await admin.close()
        again = await database.fetchone("SELECT pg_backend_pid(), 1 + :n", {"n": 1})
        assert again is not None and again[1] == 2
        assert again[0] != first[0]
    finally:
        await database.close()


async def test_a_stop_does_not_hang_on_a_statement_that_never_answers(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(postgres, "CLOSE_WITHIN", 0.5)
    database = await open_database(postgres_url, connections=2)
    stuck = asyncio.create_task(database.execute(NEVER_ANSWERS))
    admin = await open_database(postgres_url, connections=1)
    try:

        async def sleeping() -> bool:  # the server runs the stuck statement
            return bool(await admin.fetchall("SELECT 1 FROM pg_stat_activity WHERE query = :q", {"q": NEVER_ANSWERS}))

        await eventually(sleeping, what="the statement under way")
        await asyncio.wait_for(database.close(), 30)
    finally:
        await admin.close()
    with pytest.raises(Exception):  # noqa: B017  # its connection was cut: whatever asyncpg calls that
        await asyncio.wait_for(stuck, 30)
