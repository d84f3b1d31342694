"""PostgreSQL (DATABASE_URL): the same `Database` the stores use on SQLite, on a pool of asyncpg
connections, so several bot processes and many tasks work on one database at once.

- The stores' texts are the SQLite ones (named `:parameters`): each is turned into asyncpg's `$n`
  once, and asyncpg prepares it once per connection (its statement cache), so a statement is a
  Bind and an Execute on the wire, never parsed again. SQLAlchemy, which the schema is declared
  in, runs only the schema's creation and upgrades at start: on the path of every update its
  layer (the async adapter, an execution context and a result object per statement) cost more
  CPU than asyncpg's own work (scripts/README.md, the profile of one update).
- A unit of work (`transaction()`) is one pooled connection in one transaction: it commits or
  rolls back whole. While it is open, the task's statements go to that connection (a context
  variable holds it), as on SQLite, where the task owning the writer runs inside its transaction.
- A statement outside a unit of work takes a pooled connection in autocommit: one round trip,
  no BEGIN/COMMIT around it, and nothing sent when the connection goes back to the pool.
- No connection is checked before use (SQLAlchemy's `pool_pre_ping` cost BEGIN, a ping and
  ROLLBACK on every statement): one the server closed (a restart) is seen closed by the event
  loop, and the pool opens another in its place when it is next taken. The pool opens at most
  `pool_size` connections and keeps them while they are used: a statement that finds them all
  busy waits for one to come back instead of opening another (an overflow connection opened,
  used once and closed again cost a start-up and every statement parsed again: 126 of them in one
  benchmark run), while a pooled connection is free again within a round trip.
- The schema is generated from its one definition (bot/storage/schema/definition.py, through
  tables.py). It is created, or brought up to date, at start inside a transaction holding
  `pg_advisory_xact_lock`: when several processes start at once one migrates and the others
  wait, then find it done. `schema_version` says how far a database is: versions 1 to 4 were
  written by hand (`LEGACY_UPGRADES`), each later one is a step of `definition.STEPS`.
"""

import asyncio
import logging
import re
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from contextvars import ContextVar
from functools import lru_cache, partial
from typing import Any, TypeVar

import asyncpg
from sqlalchemy import BigInteger, Column, Connection, MetaData, Table, insert, select, text, update
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

from bot.storage.backends.dialect import POSTGRESQL
from bot.storage.backends.sqlite import Changed, Database, DatabaseUnavailable, Parameters, Row
from bot.storage.schema import tables as schema
from bot.storage.schema.definition import BASELINE, FIRST_ROWS, STEPS
from bot.storage.schema.vocabulary import Step, after

log = logging.getLogger(__name__)
T = TypeVar("T")

MIGRATION_LOCK = 0x5AFA12
"""The advisory lock key held while the schema is created or upgraded (any constant of ours)."""
POOL_TIMEOUT = 30.0
"""Seconds a statement may wait for a pooled connection before its update fails (and is retried)."""
CLOSE_WITHIN = 10.0
"""Seconds a stop waits for the statements under way before it cuts their connections."""
STATEMENTS_PREPARED = 256
"""Statement texts each connection keeps prepared (asyncpg's cache, most recently used kept)."""


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


_NAMED = re.compile(r"(?<![:\w\\]):(\w+)(?!:)")
"""A `:name` parameter, as SQLAlchemy's `text()` finds them (not a `::type` cast)."""


@lru_cache(maxsize=1024)
def _positional(sql: str) -> tuple[str, tuple[str, ...]]:
    """The stores' text with `:name` turned into asyncpg's `$n`, and the names in their order;
    worked out once per text (the texts are constants; IN lists come in few sizes)."""
    names: dict[str, int] = {}

    def number(match: re.Match[str]) -> str:
        return f"${names.setdefault(match.group(1), len(names) + 1)}"

    return _NAMED.sub(number, sql), tuple(names)


def _arguments(names: tuple[str, ...], parameters: Parameters) -> list[Any]:
    if isinstance(parameters, dict):
        return [parameters[name] for name in names]
    if parameters:
        raise TypeError("PostgreSQL queries take named parameters (:name with a dict), not '?' ones")
    if names:
        raise KeyError(f"no value for the parameter {names[0]!r}")
    return []


def _rows_changed(status: str) -> int:
    """asyncpg answers a statement with its command tag: `UPDATE 3`, `INSERT 0 1`, `DELETE 0`."""
    count = status.rpartition(" ")[2]
    return int(count) if count.isdigit() else 0


async def _returned(connection: asyncpg.Connection) -> None:
    """The pool's reset: nothing. asyncpg's own (advisory locks, cursors, LISTEN, settings) costs
    a round trip on every return, and Safar leaves none of those behind; a transaction left open
    is still rolled back by the pool."""


class PostgresDatabase:
    dialect = POSTGRESQL

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool
        self._held: ContextVar[tuple[asyncio.Task[Any] | None, asyncpg.Connection] | None] = ContextVar(
            "safar_unit_of_work", default=None
        )

    def _unit_of_work(self) -> asyncpg.Connection | None:
        """The connection of the unit of work this task is in (a task started inside one does
        not inherit it: it would interleave its statements with the owner's)."""
        held = self._held.get()
        if held is None or held[0] is not asyncio.current_task():
            return None
        return held[1]

    @asynccontextmanager
    async def _pooled(self) -> AsyncIterator[asyncpg.Connection]:
        async with self._pool.acquire(timeout=POOL_TIMEOUT) as connection:
            yield connection

    async def _run(self, statement: Callable[[asyncpg.Connection], Awaitable[T]]) -> T:
        """`statement` on the unit of work's connection, or on a pooled one. A pooled connection the
        server closed a moment ago (a restart) may not yet know it: asyncpg then refuses to start
        the statement (InternalClientError, nothing sent), and it runs once more on a new connection."""
        own = self._unit_of_work()
        if own is not None:
            return await statement(own)
        async with self._pooled() as connection:
            try:
                return await statement(connection)
            except asyncpg.exceptions.InternalClientError:
                connection.terminate()  # the pool opens a new one in its place
        async with self._pooled() as connection:
            return await statement(connection)

    async def execute(self, sql: str, parameters: Parameters = ()) -> Changed:
        query, names = _positional(sql)
        arguments = _arguments(names, parameters)
        return Changed(_rows_changed(await self._run(lambda connection: connection.execute(query, *arguments))))

    async def executemany(self, sql: str, rows: Iterable[Parameters]) -> None:
        query, names = _positional(sql)
        batch = [_arguments(names, row) for row in rows]
        if batch:
            await self._run(lambda connection: connection.executemany(query, batch))  # one round trip, all or none

    async def fetchall(self, sql: str, parameters: Parameters = ()) -> list[Row]:
        query, names = _positional(sql)
        arguments = _arguments(names, parameters)
        return [tuple(row) for row in await self._run(lambda connection: connection.fetch(query, *arguments))]

    async def fetchone(self, sql: str, parameters: Parameters = ()) -> Row | None:
        rows = await self.fetchall(sql, parameters)
        return rows[0] if rows else None

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Database]:
        if self._unit_of_work() is not None:
            yield self
            return
        async with self._pooled() as connection, connection.transaction():
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
        async with self._pooled() as connection:
            await connection.execute(f"VACUUM {', '.join(_known(tables))}")

    async def close(self) -> None:
        """Waits for statements under way (asyncpg's close waits for every connection to come
        back), but not forever: a stop must not hang on one that never answers."""
        try:
            async with asyncio.timeout(CLOSE_WITHIN):
                await self._pool.close()
        except TimeoutError:
            self._pool.terminate()


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


def driver_url(url: str) -> str:
    """The URL as asyncpg reads it (`postgresql://`, whichever way the operator wrote it)."""
    scheme, rest = url.split("://", 1)
    return f"postgresql://{rest}" if scheme in ("postgresql", "postgres", "postgresql+asyncpg") else url


async def open_postgres(url: str, pool_size: int = 10) -> PostgresDatabase:
    """`pool_size`: the most connections open at once (periodic jobs included); they are opened
    as they are needed and kept while they are used."""
    log.debug("database: PostgreSQL at %s", safe_url(url))
    # The schema through SQLAlchemy (it is declared with SQLAlchemy's metadata), on a connection of
    # its own; the statements of every day go straight to asyncpg's pool: SQLAlchemy's layer (its
    # async adapter, execution context and result objects) cost more per statement than asyncpg's own
    # work, and one text for both backends needs only `:name` turned into `$n` (`_positional`).
    # hide_parameters: an error message never carries a statement's values (keys, sealed boxes) into a log.
    engine = create_async_engine(engine_url(url), hide_parameters=True, poolclass=NullPool)
    try:
        await migrate(engine)
        pool = await asyncpg.create_pool(
            driver_url(url),
            min_size=1,
            max_size=pool_size,
            reset=_returned,
            statement_cache_size=STATEMENTS_PREPARED,
        )
    except (OSError, SQLAlchemyError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
        reason = error.orig if isinstance(error, DBAPIError) and error.orig is not None else error
        message = " ".join(str(reason).split()) or type(reason).__name__
        raise DatabaseUnavailable(f"cannot use PostgreSQL at {safe_url(url)} (DATABASE_URL): {message}") from error
    finally:
        await engine.dispose()
    return PostgresDatabase(pool)


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
