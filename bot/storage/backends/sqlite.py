"""The database the stores use: the `Database` protocol, and its default, the SQLite file (opened
in WAL mode, migrated, and shared by every task through one writer). `DATABASE_URL` chooses
PostgreSQL instead (bot/storage/backends/postgres.py): a pool of connections that several processes share.

On SQLite, Safar has one connection, shared by updates, reminders, broadcasts, event writes and roll-ups.
A transaction on a shared connection is open for every task on it: a `BEGIN` in one coroutine
and another coroutine's statement would land inside it, and be committed or rolled back with it.
So the connection is guarded by one lock, the writer:

- `async with database.transaction():` takes the writer for the whole unit of work, begins it
  (`BEGIN IMMEDIATE`: the SQLite write lock is taken at once, so a busy database fails here and
  not half-way), commits when the block ends and rolls back on any exception, cancellation
  included. Nothing is ever left open.
- Every statement outside a transaction also runs under the writer, unless the current task is
  the one that owns the transaction. Such statements are queued and run in turns: whatever was
  queued while the previous turn ran goes to SQLite's thread together, each statement on its own
  as before (autocommit, in order, its own result or error), and each caller gets its answer. A
  read just waits while someone else's unit of work (a few milliseconds) is under way, and never
  sees its uncommitted rows.

  Why turns: each handover of an `asyncio.Lock` and each trip to SQLite's thread waits for the
  event loop to come round, which takes milliseconds when a hundred updates are under way. One
  statement per turn made the writer a queue that every update's write waited in for 200 ms or
  more (scripts/bench_load.py at K = 200, where it made the slowest updates slower than anything
  else did); one turn for all that waits keeps that wait to a few rounds of the loop.

A second connection for the writer was the other way: WAL allows it, but the two would meet at
SQLite's own lock, where a waiting writer blocks the connection's thread (and every read queued
behind it) for up to `busy_timeout`; an asyncio lock makes the waiting cheap and the order clear.
"""

import asyncio
import fcntl
import logging
import os
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager, contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol, TextIO

import aiosqlite

from bot.storage.backends.dialect import SQLITE, Dialect
from bot.storage.schema.sqlite_migrations import MIGRATIONS

log = logging.getLogger(__name__)

Parameters = Sequence[Any] | dict[str, Any]
Row = tuple[Any, ...]


class DatabaseInUse(Exception):
    """Another process (a running bot) holds the database."""


class DatabaseUnavailable(Exception):
    """The database cannot be reached or used at start-up; the message says which and why."""


def lock_database(path: Path) -> TextIO:
    """Held while a bot runs on the database at `path` (and during a restore): a second bot, or a
    restore under a running bot, is refused instead of corrupting what the first one writes.
    Closing the returned file releases it.

    An advisory lock on a file beside the database; the system drops it when the process dies.
    """
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    # Owner-only like every file beside the database (it is empty, but the directory stays uniform).
    descriptor = os.open(path.with_name(f"{path.name}.lock"), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    handle = os.fdopen(descriptor, "a")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError as error:
        handle.close()
        raise DatabaseInUse(f"a running Safar is using {path}; stop it first") from error
    return handle


@contextmanager
def exclusive_use(path: Path) -> Iterator[None]:
    with lock_database(path):
        yield


@dataclass(frozen=True)
class Changed:
    """What a writing statement did. A new row's id comes back with `INSERT … RETURNING id`
    (SQLite and PostgreSQL alike), not from here."""

    rows: int


class Database(Protocol):
    """What stores use, on either backend. Queries name their parameters (`:name`, given as a
    dict): sqlite3 takes them as they are and the PostgreSQL backend turns them into `$n`, so one
    text serves both."""

    dialect: Dialect

    async def execute(self, sql: str, parameters: Parameters = ()) -> Changed: ...

    async def executemany(self, sql: str, rows: Iterable[Parameters]) -> None: ...

    async def fetchall(self, sql: str, parameters: Parameters = ()) -> list[Row]: ...

    async def fetchone(self, sql: str, parameters: Parameters = ()) -> Row | None: ...

    def transaction(self) -> AbstractAsyncContextManager["Database"]:
        """One unit of work: it commits or rolls back whole, no other task's statement enters it,
        and inside it the task uses the database as usual (a nested one joins it)."""
        ...

    @property
    def in_transaction(self) -> bool: ...

    async def checkpoint(self, tables: Sequence[str] = ()) -> None:
        """After an erasure from `tables`: make the deleted rows as gone as the backend allows."""
        ...

    async def close(self) -> None: ...


@dataclass
class _Statement:
    """A statement waiting for its turn, and where its answer goes."""

    kind: Literal["execute", "executemany", "fetchall"]
    sql: str
    parameters: Any
    answer: asyncio.Future[Any] = field(default_factory=lambda: asyncio.get_running_loop().create_future())


def _run_in_turn(connection: sqlite3.Connection, statements: list[_Statement]) -> list[tuple[bool, Any]]:
    """In SQLite's thread: each statement as it would have run alone (autocommit), in order;
    (True, its result) or (False, its error)."""
    answers: list[tuple[bool, Any]] = []
    for statement in statements:
        try:
            if statement.kind == "executemany":
                connection.executemany(statement.sql, statement.parameters).close()
                answers.append((True, None))
                continue
            cursor = connection.execute(statement.sql, statement.parameters)
            try:
                if statement.kind == "fetchall":
                    answers.append((True, [tuple(row) for row in cursor.fetchall()]))
                else:
                    answers.append((True, Changed(cursor.rowcount)))
            finally:
                cursor.close()
        except Exception as error:  # that statement's own error, for its caller; the next still run
            answers.append((False, error))
    return answers


async def _in_sqlite_thread(
    connection: aiosqlite.Connection,
    function: Callable[[sqlite3.Connection, list[_Statement]], list[tuple[bool, Any]]],
    statements: list[_Statement],
) -> list[tuple[bool, Any]]:
    """Run `function` on the connection's own thread, the only one sqlite3 lets use it. aiosqlite
    has no public call for that; `_execute` is what its own methods queue their work with (and has
    been since 0.11, within the bounds pyproject.toml sets)."""
    queue_work: Callable[..., Awaitable[list[tuple[bool, Any]]]] = connection._execute
    return await queue_work(function, connection._conn, statements)


class SQLiteDatabase:
    """The shared connection behind the writer lock."""

    dialect = SQLITE

    def __init__(self, connection: aiosqlite.Connection) -> None:
        self._connection = connection
        self._writer = asyncio.Lock()
        self._owner: asyncio.Task[Any] | None = None
        self._queued: list[_Statement] = []
        self._turns: asyncio.Task[None] | None = None

    def _owns_transaction(self) -> bool:
        return self._owner is not None and self._owner is asyncio.current_task()

    async def execute(self, sql: str, parameters: Parameters = ()) -> Changed:
        if not self._owns_transaction():
            result: Changed = await self._in_turn(_Statement("execute", sql, parameters))
            return result
        cursor = await self._connection.execute(sql, parameters)
        return Changed(cursor.rowcount)

    async def executemany(self, sql: str, rows: Iterable[Parameters]) -> None:
        if not self._owns_transaction():
            await self._in_turn(_Statement("executemany", sql, list(rows)))
            return
        await self._connection.executemany(sql, rows)

    async def fetchall(self, sql: str, parameters: Parameters = ()) -> list[Row]:
        """All rows, in one trip to SQLite's thread (execute, fetch and close in one go)."""
        if not self._owns_transaction():
            rows: list[Row] = await self._in_turn(_Statement("fetchall", sql, parameters))
            return rows
        return [tuple(row) for row in await self._connection.execute_fetchall(sql, parameters)]

    async def _in_turn(self, statement: _Statement) -> Any:
        """Queue the statement for the next turn of the writer and wait for its answer."""
        self._queued.append(statement)
        if self._turns is None or self._turns.done():
            self._turns = asyncio.get_running_loop().create_task(self._take_turns())
        return await statement.answer

    async def _take_turns(self) -> None:
        """Run what is queued, a turn at a time under the writer, until nothing is left."""
        while self._queued:
            async with self._writer:
                # A caller cancelled while it waited has given up: its statement is not run.
                turn = [statement for statement in self._queued if not statement.answer.done()]
                self._queued = []
                try:
                    answers = await _in_sqlite_thread(self._connection, _run_in_turn, turn)
                except BaseException as error:  # the connection is closed, or this task is cancelled
                    for statement in turn:
                        if not statement.answer.done():
                            statement.answer.set_exception(error)
                    if isinstance(error, Exception):
                        continue  # its callers have it
                    raise
            for statement, (ok, value) in zip(turn, answers, strict=True):
                if statement.answer.done():
                    continue
                if ok:
                    statement.answer.set_result(value)
                else:
                    statement.answer.set_exception(value)

    async def fetchone(self, sql: str, parameters: Parameters = ()) -> Row | None:
        rows = await self.fetchall(sql, parameters)
        return rows[0] if rows else None

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator["Database"]:
        """One unit of work: no other task's statement can enter it, and it commits or rolls back
        whole. Inside, use the database as usual; a nested `transaction()` joins the outer one."""
        if self._owns_transaction():
            yield self
            return
        async with self._writer:
            self._owner = asyncio.current_task()
            try:
                await self._connection.execute("BEGIN IMMEDIATE")
                yield self
                await self._connection.execute("COMMIT")
            except BaseException:
                if self._connection.in_transaction:
                    # A cancelled COMMIT may still have finished in SQLite's thread: then there is
                    # nothing to roll back, and the original exception is the one to raise.
                    with suppress(sqlite3.OperationalError):
                        await self._connection.execute("ROLLBACK")
                raise
            finally:
                self._owner = None

    @property
    def in_transaction(self) -> bool:
        return self._connection.in_transaction

    async def checkpoint(self, tables: Sequence[str] = ()) -> None:
        """Fold the write-ahead log into the database and empty it, so deleted rows do not linger
        in the WAL file (with secure_delete on, they are then gone from the disk). The WAL is
        the whole database's, so `tables` makes no difference here."""
        await self.fetchall("PRAGMA wal_checkpoint(TRUNCATE)")

    async def close(self) -> None:
        """Waits for the unit of work under way and the statements queued, so closing never cuts
        one in half."""
        if self._turns is not None:
            with suppress(Exception):  # their callers have their errors
                await self._turns
        async with self._writer:
            await self._connection.close()


PAGE_CACHE_KIB = 256
"""SQLite's page cache for the one connection (SQLite's default: 2,000 KiB). The file's pages stay
in the system's file cache, so a page SQLite no longer holds costs a read from memory, not from
disk; under scripts/bench_load.py's load (10,000 people's state stored) the bot's peak resident
memory was 1.2 MB lower with 256 KiB (scripts/README.md)."""


async def open_database(target: Path | str, busy_timeout_ms: int = 5000, connections: int = 10) -> Database:
    """Open the database (`Settings.database_target`): a PostgreSQL URL, or the SQLite file at a
    path. Either way its schema is brought up to date first. `connections`: PostgreSQL's pool."""
    if isinstance(target, str):
        from bot.storage.backends.postgres import open_postgres  # asyncpg and SQLAlchemy load only when used

        return await open_postgres(target, pool_size=connections)
    return await open_sqlite(target, busy_timeout_ms)


async def open_sqlite(path: Path, busy_timeout_ms: int = 5000) -> SQLiteDatabase:
    """Open (creating if needed) the database at `path` and apply pending migrations.

    The directory is the owner's only (0700) and the files in it too (0600): the database, its
    WAL and shared-memory files are created under a 0077 umask."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.parent.chmod(0o700)
    previous = os.umask(0o077)
    try:
        # Autocommit: no implicit transactions; units of work are explicit (Database.transaction).
        connection = await aiosqlite.connect(path, isolation_level=None)
        await connection.execute("PRAGMA journal_mode=WAL")
    finally:
        os.umask(previous)
    for existing in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if existing.exists():
            existing.chmod(0o600)
    # Deleted rows are overwritten with zeros, not left in free pages for a copy of the disk.
    await connection.execute("PRAGMA secure_delete=ON")
    # NORMAL in WAL mode is durable against process crashes, which is what a bot meets.
    await connection.execute("PRAGMA synchronous=NORMAL")
    await connection.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
    await connection.execute("PRAGMA foreign_keys=ON")
    await connection.execute(f"PRAGMA cache_size=-{PAGE_CACHE_KIB}")
    await migrate(connection)
    return SQLiteDatabase(connection)


async def migrate(connection: aiosqlite.Connection) -> None:
    async with connection.execute("PRAGMA user_version") as cursor:
        row = await cursor.fetchone()
    current = int(row[0]) if row else 0
    for number, script in enumerate(MIGRATIONS[current:], start=current + 1):
        # executescript commits first; the version bump rides in the same script so a crash
        # between the two cannot leave a half-applied migration marked as done.
        await connection.executescript(f"BEGIN;\n{script}\nPRAGMA user_version={number};\nCOMMIT;")
        log.info("database migrated to version %d", number)
