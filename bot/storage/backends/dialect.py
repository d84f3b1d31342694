"""What differs between SQLite and PostgreSQL, in one place: stores write one query text for
both (named `:parameters`, `ON CONFLICT`, `RETURNING`) and take only these few pieces from here."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Dialect:
    name: str
    skip_locked: str
    """Ends a SELECT that picks rows to claim: on PostgreSQL the rows are locked for this unit of
    work and rows another claimer holds are passed over, so two schedulers never take one row.
    SQLite has one writer at a time, so it needs nothing."""
    for_update: str
    """Ends a SELECT whose row decides what the unit of work does next (a watermark): other
    processes wait for it. SQLite's `BEGIN IMMEDIATE` already excludes every other writer."""
    shared: bool
    """Several processes may use the database at once (so a start-up must not take back claims
    other processes hold)."""
    table_exists: str
    """One row when the table `:name` exists."""
    database_size: str | None
    """The database's size in bytes, when the server can tell it (SQLite's is its files' size)."""
    atomic_executemany: bool = False
    """`executemany` outside a unit of work sends every row in one round trip and stores them all
    or none (asyncpg pipelines them), under one prepared statement whatever the number of rows. On
    SQLite each row would commit on its own, so many rows go in one multi-row statement instead."""


SQLITE = Dialect(
    name="sqlite",
    skip_locked="",
    for_update="",
    shared=False,
    table_exists="SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = :name",
    database_size=None,
)
POSTGRESQL = Dialect(
    name="postgresql",
    skip_locked=" FOR UPDATE SKIP LOCKED",
    for_update=" FOR UPDATE",
    shared=True,
    table_exists=(
        "SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = :name"
    ),
    database_size="SELECT pg_database_size(current_database())",
    atomic_executemany=True,
)
