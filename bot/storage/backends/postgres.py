"""PostgreSQL (DATABASE_URL): the same `Database` the stores use on SQLite, on SQLAlchemy 2 Core's
async engine with asyncpg, so several bot processes and many tasks work on one database at once.

- A unit of work (`transaction()`) is one pooled connection in one transaction
  (`engine.begin()`): it commits or rolls back whole. While it is open, the task's statements go
  to that connection (a context variable holds it), as on SQLite, where the task owning the
  writer runs inside its transaction.
- A statement outside a unit of work takes a pooled connection in autocommit: one round trip,
  no BEGIN/COMMIT around it.
- Connections are checked when taken from the pool only if they sat idle there for a while
  (`IDLE_BEFORE_PING`): a check costs round trips (SQLAlchemy's `pool_pre_ping` pays three on
  every statement: BEGIN, the ping, ROLLBACK), and a connection used a moment ago is alive. One
  that broke in between (the server restarted) fails its statement, and SQLAlchemy then throws
  the whole pool's connections away. Statements are prepared once per connection (asyncpg's cache
  through SQLAlchemy), so a connection lives as long as the process: the pool holds a fixed number
  (`pool_size`, no overflow). A statement that finds them all busy waits for one to come back
  instead of opening another: under load an overflow connection was opened, used once, closed on
  its return and opened again (126 in one benchmark run), each time a connection's start-up and
  its statements parsed again, while a pooled connection is free again within a round trip.
- The schema is generated from its one definition (bot/storage/schema/definition.py, through
  tables.py). It is created, or brought up to date, at start inside a transaction holding
  `pg_advisory_xact_lock`: when several processes start at once one migrates and the others
  wait, then find it done. `schema_version` says how far a database is: versions 1 to 4 were
  written by hand (`LEGACY_UPGRADES`), each later one is a step of `definition.STEPS`.
"""

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from contextvars import ContextVar
from functools import lru_cache, partial
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    MetaData,
    Table,
    TextClause,
    event,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, DisconnectionError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import ConnectionPoolEntry, PoolProxiedConnection

from bot.storage.backends.dialect import POSTGRESQL
from bot.storage.backends.sqlite import Changed, Database, DatabaseUnavailable, Parameters, Row
from bot.storage.schema import tables as schema
from bot.storage.schema.definition import BASELINE, FIRST_ROWS, STEPS
from bot.storage.schema.vocabulary import Step, after

log = logging.getLogger(__name__)

MIGRATION_LOCK = 0x5AFA12
"""The advisory lock key held while the schema is created or upgraded (any constant of ours)."""
IDLE_BEFORE_PING = 10.0
"""Seconds a pooled connection may sit unused and still be taken without a check."""
POOL_TIMEOUT = 30.0
"""Seconds a statement may wait for a pooled connection before its update fails (and is retried)."""
_RETURNED = "safar_returned_at"


def _plain_reminders(connection: Connection) -> None:
    """Reminders are discreet unless the person chose plain texts (SQLite migration 12)."""
    connection.execute(text("ALTER TABLE user_settings ADD COLUMN plain_reminders BIGINT NOT NULL DEFAULT 0"))


def _content_reloads(connection: Connection) -> None:
    """A /reload is announced to every process of the bot (SQLite migration 13)."""
    schema.baseline.tables["content_reloads"].create(connection)


def _no_report_quota(connection: Connection) -> None:
    """The daily report limit is counted in memory or Redis, not in a table (SQLite migration 14)."""
    connection.execute(text("DROP TABLE report_quota"))


LEGACY_UPGRADES: tuple[Callable[[Connection], None], ...] = (_plain_reminders, _content_reloads, _no_report_quota)
"""Written by hand before the schema had one definition: LEGACY_UPGRADES[n - 1] takes a database
from version n to n + 1, up to the baseline (`definition.BASELINE`)."""
BASELINE_VERSION = 1 + len(LEGACY_UPGRADES)
VERSION = BASELINE_VERSION + len(STEPS)


def _upgrade(number: int, steps: Sequence[Step]) -> Callable[[Connection], None]:
    """What takes a database from version `number` to the next."""
    if number < BASELINE_VERSION:
        return LEGACY_UPGRADES[number - 1]
    return partial(schema.apply, steps[number - BASELINE_VERSION])


_versions = MetaData()
schema_version = Table("schema_version", _versions, Column("version", BigInteger, nullable=False))


@lru_cache(maxsize=1024)
def _statement(sql: str) -> TextClause:
    """Parsed once per query text (the stores' texts are constants; IN lists come in few sizes)."""
    return text(sql)


def _named(parameters: Parameters) -> dict[str, Any]:
    if isinstance(parameters, dict):
        return parameters
    if parameters:
        raise TypeError("PostgreSQL queries take named parameters (:name with a dict), not '?' ones")
    return {}


class PostgresDatabase:
    dialect = POSTGRESQL

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._autocommit = engine.execution_options(isolation_level="AUTOCOMMIT")
        self._held: ContextVar[tuple[asyncio.Task[Any] | None, AsyncConnection] | None] = ContextVar(
            "safar_unit_of_work", default=None
        )

    def _unit_of_work(self) -> AsyncConnection | None:
        """The connection of the unit of work this task is in (a task started inside one does
        not inherit it: it would interleave its statements with the owner's)."""
        held = self._held.get()
        if held is None or held[0] is not asyncio.current_task():
            return None
        return held[1]

    @asynccontextmanager
    async def _connection(self) -> AsyncIterator[AsyncConnection]:
        own = self._unit_of_work()
        if own is not None:
            yield own
            return
        async with self._autocommit.connect() as connection:
            yield connection

    async def execute(self, sql: str, parameters: Parameters = ()) -> Changed:
        async with self._connection() as connection:
            result = await connection.execute(_statement(sql), _named(parameters))
            return Changed(max(result.rowcount, 0))

    async def executemany(self, sql: str, rows: Iterable[Parameters]) -> None:
        batch = [_named(row) for row in rows]
        if not batch:
            return
        async with self._connection() as connection:
            await connection.execute(_statement(sql), batch)

    async def fetchall(self, sql: str, parameters: Parameters = ()) -> list[Row]:
        async with self._connection() as connection:
            result = await connection.execute(_statement(sql), _named(parameters))
            return [tuple(row) for row in result.fetchall()]

    async def fetchone(self, sql: str, parameters: Parameters = ()) -> Row | None:
        rows = await self.fetchall(sql, parameters)
        return rows[0] if rows else None

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Database]:
        if self._unit_of_work() is not None:
            yield self
            return
        async with self._engine.begin() as connection:
            token = self._held.set((asyncio.current_task(), connection))
            try:
                yield self
            finally:
                self._held.reset(token)

    @property
    def in_transaction(self) -> bool:
        return self._unit_of_work() is not None

    async def checkpoint(self, tables: Sequence[str] = ()) -> None:
        """PostgreSQL keeps a deleted row in the table's pages until VACUUM frees them (and in the
        write-ahead log until its segment is recycled: docs/privacy.md). After an erasure the
        tables it touched are vacuumed at once, not whenever autovacuum comes by; the tables that
        take erasures are small (raw events live two hours), so this is cheap."""
        if not tables:
            return
        async with self._autocommit.connect() as connection:
            await connection.execute(text(f"VACUUM {', '.join(_known(tables))}"))

    async def close(self) -> None:
        await self._engine.dispose()


def _known(tables: Sequence[str]) -> list[str]:
    """Only names from the schema reach the VACUUM statement (it takes no parameters)."""
    unknown = set(tables) - set(schema.metadata.tables)
    if unknown:
        raise ValueError(f"not a table of Safar's: {sorted(unknown)}")
    return list(dict.fromkeys(tables))


def engine_url(url: str) -> str:
    """asyncpg as the driver, whichever way the operator wrote the URL."""
    scheme, rest = url.split("://", 1)
    if scheme in ("postgresql", "postgres"):
        scheme = "postgresql+asyncpg"
    return f"{scheme}://{rest}"


def safe_url(url: str) -> str:
    """The URL with its password hidden, for messages and logs."""
    return make_url(engine_url(url)).render_as_string(hide_password=True)


def _ping_after_idle(engine: AsyncEngine) -> None:
    """Check a connection taken from the pool only if it was idle long enough to have broken."""

    @event.listens_for(engine.sync_engine.pool, "checkin")
    def returned(dbapi_connection: object, record: ConnectionPoolEntry) -> None:
        record.info[_RETURNED] = time.monotonic()

    @event.listens_for(engine.sync_engine.pool, "checkout")
    def taken(dbapi_connection: object, record: ConnectionPoolEntry, proxy: PoolProxiedConnection) -> None:
        returned_at = record.info.get(_RETURNED)
        if returned_at is None or time.monotonic() - returned_at < IDLE_BEFORE_PING:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)  # type: ignore[arg-type]
        except Exception as error:  # the pool takes another connection (up to three tries)
            raise DisconnectionError("an idle pooled connection no longer answers") from error


async def open_postgres(url: str, pool_size: int = 10) -> PostgresDatabase:
    """`pool_size`: the connections kept open, and the most ever open (periodic jobs included)."""
    # hide_parameters: an error message never carries a statement's values (keys, sealed boxes) into a log.
    engine = create_async_engine(
        engine_url(url),
        hide_parameters=True,
        pool_size=pool_size,
        max_overflow=0,
        pool_timeout=POOL_TIMEOUT,
        pool_use_lifo=True,  # the busiest connections stay in use, the rest idle out of the way
    )
    _ping_after_idle(engine)
    log.debug("database: PostgreSQL at %s", safe_url(url))
    try:
        await migrate(engine)
    except (OSError, SQLAlchemyError) as error:
        await engine.dispose()
        reason = error.orig if isinstance(error, DBAPIError) and error.orig is not None else error
        message = " ".join(str(reason).split()) or type(reason).__name__
        raise DatabaseUnavailable(f"cannot use PostgreSQL at {safe_url(url)} (DATABASE_URL): {message}") from error
    except BaseException:
        await engine.dispose()
        raise
    return PostgresDatabase(engine)


async def migrate(engine: AsyncEngine) -> None:
    """Create the schema, or bring it up to date, once, whatever the number of processes
    starting at the same time (the advisory lock is released when the transaction ends)."""
    steps = STEPS  # read at each start, so a test can add a step of its own
    latest = BASELINE_VERSION + len(steps)
    async with engine.begin() as connection:
        await connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        await connection.run_sync(_versions.create_all)
        current = (await connection.execute(select(schema_version.c.version))).scalar()
        if current is None:
            made = schema.metadata_of(after(BASELINE, steps).values())
            await connection.run_sync(made.create_all)
            for table, row in FIRST_ROWS:
                await connection.execute(insert(made.tables[table]).values(row))
            await connection.execute(insert(schema_version).values(version=latest))
            log.info("database schema created (version %d)", latest)
            return
        if current > latest:
            raise DatabaseUnavailable(
                f"the database has schema version {current}; this Safar knows up to {latest}: a newer Safar "
                "made it, so run that one (or a newer one) here too"
            )
        for number in range(current, latest):
            await connection.run_sync(_upgrade(number, steps))
            log.info("database migrated to version %d", number + 1)
        if current < latest:
            await connection.execute(update(schema_version).values(version=latest))
