"""Statements outside a unit of work go to SQLite in turns: what many updates queued at once
travels to SQLite's thread together, yet each statement runs as it would alone (in order, its own
result or error), a caller that gave up has nothing run, and closing waits for what is queued."""

import asyncio
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from bot.storage.backends import sqlite as database_module
from bot.storage.backends.sqlite import Database, open_database
from tests.support.waiting import eventually


@pytest.fixture
async def database(tmp_path: Path) -> Any:
    opened = await open_database(tmp_path / "turns.sqlite3")
    await opened.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, owner TEXT UNIQUE NOT NULL)")
    yield opened
    await opened.close()


@pytest.fixture
def trips(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many statements each trip to SQLite's thread carried."""
    carried: list[int] = []
    original = database_module._in_sqlite_thread

    async def counted(connection: Any, function: Any, statements: list[Any]) -> Any:
        carried.append(len(statements))
        return await original(connection, function, statements)

    monkeypatch.setattr(database_module, "_in_sqlite_thread", counted)
    return carried


async def write_and_read(database: Database, owner: str) -> tuple[int, list[tuple[Any, ...]]]:
    inserted = await database.fetchall("INSERT INTO notes (owner) VALUES (:owner) RETURNING id", {"owner": owner})
    row_id = int(inserted[0][0])
    return row_id, await database.fetchall("SELECT owner FROM notes WHERE id = :id", {"id": row_id})


async def test_two_hundred_updates_writing_at_once_share_a_few_trips_and_each_gets_its_own_answer(
    database: Database, trips: list[int]
) -> None:
    owners = [f"user{n}" for n in range(200)]
    results = await asyncio.gather(
        *(write_and_read(database, owner) for owner in owners),
        write_and_read(database, "user7"),  # a duplicate: its own error, nobody else's
        return_exceptions=True,
    )
    failed = results[-1]
    assert isinstance(failed, sqlite3.IntegrityError)
    answers = results[:-1]
    assert all(not isinstance(answer, BaseException) for answer in answers)
    assert [rows for _, rows in answers] == [[(owner,)] for owner in owners], "each read sees its own write"  # type: ignore[misc]
    assert len({row_id for row_id, _ in answers}) == 200  # type: ignore[misc]
    assert sum(trips) == 401, "every statement ran once"
    assert len(trips) < 40, f"{len(trips)} trips for 401 statements: they should share turns"


async def test_a_caller_that_gave_up_before_its_turn_has_nothing_run(database: Database) -> None:
    holding, release = asyncio.Event(), asyncio.Event()

    async def unit_of_work() -> None:
        async with database.transaction() as tx:
            await tx.execute("INSERT INTO notes (owner) VALUES ('in the unit of work')")
            holding.set()
            await release.wait()

    work = asyncio.create_task(unit_of_work())
    await holding.wait()
    given_up = asyncio.create_task(database.execute("INSERT INTO notes (owner) VALUES ('given up')"))
    kept = asyncio.create_task(database.fetchall("SELECT owner FROM notes ORDER BY id"))
    await eventually(lambda: len(database._queued) == 2, what="both statements queued behind the unit of work")
    given_up.cancel()
    release.set()
    await work
    assert await kept == [("in the unit of work",)], "a read queued behind a unit of work sees it committed"
    assert await database.fetchall("SELECT owner FROM notes ORDER BY id") == [("in the unit of work",)]


async def test_closing_waits_for_the_statements_already_queued(tmp_path: Path) -> None:
    path = tmp_path / "close.sqlite3"
    database = await open_database(path)
    await database.execute("CREATE TABLE notes (owner TEXT)")
    queued = [
        asyncio.create_task(database.execute("INSERT INTO notes VALUES (:owner)", {"owner": f"n{n}"}))
        for n in range(50)
    ]
    await asyncio.sleep(0)  # one turn of the loop, no wait: each task has queued its statement, none has run
    await database.close()
    assert all(task.done() and task.exception() is None for task in queued)
    with sqlite3.connect(path) as connection:
        assert connection.execute("SELECT COUNT(*) FROM notes").fetchone() == (50,)
    with pytest.raises(ValueError):  # closed: a late statement is refused, as aiosqlite does
        await database.execute("INSERT INTO notes VALUES ('late')")
