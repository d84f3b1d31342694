"""Backing up and restoring the SQLite database: an online, consistent copy while the bot runs,
and a restore that checks the copy first and never replaces the database of a running bot."""

import os
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

from bot.storage.backends.sqlite import exclusive_use
from bot.storage.schema.sqlite_migrations import MIGRATIONS

Progress = Callable[[int, int], None]
"""Told (pages copied, pages in all) as the copy goes."""
PAGES_PER_STEP = 256


class BackupError(Exception):
    """The backup or restore cannot go on; the message says why, for the operator."""


def backup_database(source: Path, target: Path, progress: Progress) -> int:
    """Copy the database at `source` to the new file `target`; returns its size in bytes.

    The copy is made in a partial file beside `target`, the owner's only from its first byte (it
    holds everything the database does), renamed to `target` once checked, and deleted if the
    copy fails: a full disk or an interrupted backup leaves nothing behind.
    """
    if not source.exists():
        raise BackupError(f"there is no database at {source} (see DB_PATH)")
    if target.exists():
        raise BackupError(f"{target} exists already; choose a new file name")
    partial = target.with_name(f".{target.name}.partial")
    _remove(partial)
    try:
        os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        _copy(source, partial, progress)
        os.replace(partial, target)
    except BaseException as error:
        _remove(partial)
        if isinstance(error, sqlite3.Error | OSError):
            raise BackupError(f"the copy to {target} failed ({error}); nothing was left behind") from error
        raise
    return target.stat().st_size


def _copy(source: Path, partial: Path, progress: Progress) -> None:
    """SQLite's backup API runs inside one read transaction on the source: in WAL mode the bot
    keeps writing meanwhile, and the copy is the database as it was when the transaction began
    (without it, each write by the bot would restart the copy from the first page)."""
    reader = sqlite3.connect(source, isolation_level=None)
    try:
        reader.execute("PRAGMA busy_timeout=5000")
        reader.execute("BEGIN")
        reader.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()  # the snapshot starts here
        copy = sqlite3.connect(partial)  # its journal takes the file's mode: the owner's only too
        try:
            reader.backup(copy, pages=PAGES_PER_STEP, progress=lambda _, left, total: progress(total - left, total))
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
            _check_integrity(copy, partial)
        finally:
            copy.close()
        reader.execute("COMMIT")
    finally:
        reader.close()


def _remove(partial: Path) -> None:
    for leftover in (partial, Path(f"{partial}-journal")):
        leftover.unlink(missing_ok=True)


def restore_database(backup: Path, target: Path) -> Path | None:
    """Put `backup` in place of the database at `target`; returns where the old one was moved.

    Refused while a bot runs on `target`, for a file that is not a sound Safar database, and for
    one written by a newer Safar (its schema would be unknown to this one).
    """
    if not backup.is_file():
        raise BackupError(f"{backup} is not a file")
    with exclusive_use(target):
        probe = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
        try:
            _check_integrity(probe, backup)
            version = int(probe.execute("PRAGMA user_version").fetchone()[0])
        except sqlite3.DatabaseError as error:
            raise BackupError(f"{backup} is not a database SQLite can read ({error})") from error
        finally:
            probe.close()
        if version == 0 or version > len(MIGRATIONS):
            raise BackupError(
                f"{backup} has schema version {version}; this Safar knows versions 1 to {len(MIGRATIONS)}"
            )
        moved = _move_aside(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        source, copy = sqlite3.connect(f"file:{backup}?mode=ro", uri=True), sqlite3.connect(target)
        try:
            source.backup(copy)
        finally:
            source.close()
            copy.close()
        os.chmod(target, 0o600)
        return moved


def _check_integrity(connection: sqlite3.Connection, path: Path) -> None:
    result = connection.execute("PRAGMA integrity_check").fetchall()
    if result != [("ok",)]:
        raise BackupError(f"{path} fails SQLite's integrity check: {result[0][0]}")


def _move_aside(database: Path) -> Path | None:
    """The current database with its -wal and -shm, renamed so nothing is lost by a restore."""
    if not database.exists():
        return None
    stamp = time.strftime("%Y%m%d-%H%M%S")
    moved = database.with_name(f"{database.name}.before-restore-{stamp}")
    for suffix in ("", "-wal", "-shm"):
        part = Path(f"{database}{suffix}")
        if part.exists():
            os.replace(part, Path(f"{moved}{suffix}"))
    return moved
