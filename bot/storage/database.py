"""Opening the SQLite file: WAL mode for concurrent reads, and migrations brought up to date."""

import fcntl
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

import aiosqlite

from bot.storage.migrations import MIGRATIONS

log = logging.getLogger(__name__)


class DatabaseInUse(Exception):
    """Another process (a running bot) holds the database."""


def lock_database(path: Path) -> TextIO:
    """Held while a bot runs on the database at `path` (and during a restore): a second bot, or a
    restore under a running bot, is refused instead of corrupting what the first one writes.
    Closing the returned file releases it.

    An advisory lock on a file beside the database; the system drops it when the process dies.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = path.with_name(f"{path.name}.lock").open("a")
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


async def open_database(path: Path) -> aiosqlite.Connection:
    """Open (creating if needed) the database at `path` and apply pending migrations."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # Autocommit: one connection is shared by concurrent tasks (updates, reminders, broadcasts,
    # event flushes), so no task may hold an implicit transaction another task's commit would
    # close, or be refused ("cannot commit - SQL statements in progress"). Each statement is its
    # own transaction; the few that must go together use an explicit BEGIN ... COMMIT.
    connection = await aiosqlite.connect(path, isolation_level=None)
    await connection.execute("PRAGMA journal_mode=WAL")
    # NORMAL in WAL mode is durable against process crashes, which is what a bot meets.
    await connection.execute("PRAGMA synchronous=NORMAL")
    await connection.execute("PRAGMA busy_timeout=5000")
    await connection.execute("PRAGMA foreign_keys=ON")
    await migrate(connection)
    return connection


async def migrate(connection: aiosqlite.Connection) -> None:
    async with connection.execute("PRAGMA user_version") as cursor:
        row = await cursor.fetchone()
    current = int(row[0]) if row else 0
    for number, script in enumerate(MIGRATIONS[current:], start=current + 1):
        # executescript commits first; the version bump rides in the same script so a crash
        # between the two cannot leave a half-applied migration marked as done.
        await connection.executescript(f"BEGIN;\n{script}\nPRAGMA user_version={number};\nCOMMIT;")
        log.info("database migrated to version %d", number)
