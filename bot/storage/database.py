"""Opening the SQLite file: WAL mode for concurrent reads, and migrations brought up to date."""

import logging
from pathlib import Path

import aiosqlite

from bot.storage.migrations import MIGRATIONS

log = logging.getLogger(__name__)


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
