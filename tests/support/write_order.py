"""The order of writes, as someone with a copy of the disk reads it: which rows each committed
transaction wrote, in the order they were written.

- PostgreSQL stamps every row version with the number of the transaction that wrote it (`xmin`);
  rows read with their `xmin` and grouped by it are the writes in order (live rows only: what
  `SELECT` sees, which is the least a copy shows).
- SQLite's write-ahead log holds each commit's pages in order until a truncating checkpoint. The
  database as it stood after each commit is rebuilt from the main file and the log's frames up to
  that commit, and read with SQLite itself; what a commit wrote is what it added to the tables.
"""

import sqlite3
import struct
import tempfile
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from bot.config import Settings
from bot.storage.schema import tables as schema
from tests.support.stored import stored

WAL_HEADER = 32
FRAME_HEADER = 24


@dataclass
class Commit:
    rows: dict[str, set[tuple[object, ...]]] = field(default_factory=dict)
    """Table → the rows this transaction wrote (inserted, or updated to these values)."""

    def accounts(self, tables: tuple[str, ...]) -> set[str]:
        """The user keys of the rows it wrote in `tables` (those kept per account)."""
        return {str(row[columns(table).index("user_key")]) for table in tables for row in self.rows.get(table, ())}


def columns(table: str) -> list[str]:
    """A table's columns as the schema definition names them: rows are read in this order on both backends."""
    return [column.name for column in schema.metadata.tables[table].columns]


def _select(table: str, first: str = "") -> str:
    return f"SELECT {first}{', '.join(columns(table))} FROM {table}"


async def postgres_commits(settings: Settings, tables: list[str]) -> list[Commit]:
    by_xid: dict[int, Commit] = {}
    for table in tables:
        for xid, *row in await stored(settings, _select(table, "xmin::text::bigint, ")):
            by_xid.setdefault(int(xid), Commit()).rows.setdefault(table, set()).add(tuple(row))
    return [by_xid[xid] for xid in sorted(by_xid)]


def sqlite_commits(database: Path, tables: list[str]) -> list[Commit]:
    """Every commit in the WAL beside `database`, read while the bot still runs (a clean stop folds
    the log into the database and deletes it)."""
    wal = database.with_name(database.name + "-wal").read_bytes()
    main = database.read_bytes()
    page_size, salts = struct.unpack(">I", wal[8:12])[0], wal[16:24]
    pages = {n + 1: main[n * page_size : (n + 1) * page_size] for n in range(len(main) // page_size)}
    size = len(pages)
    before = _rows(pages, size, page_size, tables)
    commits: list[Commit] = []
    staged: dict[int, bytes] = {}
    offset = WAL_HEADER
    while offset + FRAME_HEADER + page_size <= len(wal):
        number, committed_size = struct.unpack(">II", wal[offset : offset + 8])
        if wal[offset + 8 : offset + 16] != salts:
            break  # frames of an earlier log generation: not part of this one
        staged[number] = wal[offset + FRAME_HEADER : offset + FRAME_HEADER + page_size]
        offset += FRAME_HEADER + page_size
        if committed_size:
            pages.update(staged)
            staged, size = {}, committed_size
            after = _rows(pages, size, page_size, tables)
            commits.append(Commit({table: after[table] - before.get(table, set()) for table in after}))
            before = after
    return commits


def _rows(pages: dict[int, bytes], size: int, page_size: int, tables: list[str]) -> dict[str, set[tuple[object, ...]]]:
    image = bytearray(b"".join(pages.get(n, bytes(page_size)) for n in range(1, size + 1)))
    image[18:20] = b"\x01\x01"  # a rollback-journal file: opened as it is, with no log of its own
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "image.sqlite3"
        path.write_bytes(bytes(image))
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as connection:
            existing = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            return {table: set(connection.execute(_select(table)).fetchall()) for table in tables if table in existing}
