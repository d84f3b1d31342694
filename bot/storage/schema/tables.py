"""PostgreSQL's side of the one schema definition (`definition.py`): SQLAlchemy Core tables made
from it, from which a new database is created, and each step of `STEPS` applied to a database
made earlier. Loaded only with DATABASE_URL (SQLite's side, `sqlite_migrations.py`, has no
SQLAlchemy).

Types: BIGINT for integers (Telegram's ids pass 2³¹), BYTEA for bytes, TEXT for text (days and
hours are ISO text, compared as text on both backends).
"""

from collections.abc import Iterable
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    Connection,
    Index,
    LargeBinary,
    MetaData,
    Table,
    Text,
    text,
)
from sqlalchemy.schema import SchemaItem
from sqlalchemy.types import TypeEngine

from bot.storage.schema import vocabulary as neutral
from bot.storage.schema.definition import BASELINE, STEPS

_TYPES: dict[str, type[TypeEngine[Any]]] = {"text": Text, "integer": BigInteger, "bytes": LargeBinary}
_DDL_TYPES = {"text": "TEXT", "integer": "BIGINT", "bytes": "BYTEA"}


def _column(column: neutral.Column, table: neutral.Table) -> Column[Any]:
    primary = column.name in table.primary_key
    default = None if column.default is None else text(neutral.sql_literal(column.default))
    return Column(
        column.name,
        _TYPES[column.kind],
        nullable=column.nullable and not primary,
        server_default=default,
        primary_key=primary,
        autoincrement=table.numbered if primary else False,
    )


def add_table(table: neutral.Table, metadata: MetaData) -> Table:
    """The SQLAlchemy table for `table`, in `metadata`."""
    parts: list[SchemaItem] = [_column(column, table) for column in table.columns]
    parts += [Index(index.name, *index.columns) for index in table.indexes]
    if table.check:
        parts.append(CheckConstraint(table.check, name=f"{table.name}_check"))
    return Table(table.name, metadata, *parts)


def metadata_of(tables: Iterable[neutral.Table]) -> MetaData:
    made = MetaData()
    for table in tables:
        add_table(table, made)
    return made


def apply(step: neutral.Step, connection: Connection) -> None:
    """One step of `STEPS` on a PostgreSQL database made before it."""
    match step:
        case neutral.AddTable(table):
            add_table(table, MetaData()).create(connection)
        case neutral.AddColumn(table, column):
            words = [column.name, _DDL_TYPES[column.kind]]
            words += [] if column.nullable else ["NOT NULL"]
            words += [] if column.default is None else [f"DEFAULT {neutral.sql_literal(column.default)}"]
            connection.execute(text(f"ALTER TABLE {table} ADD COLUMN {' '.join(words)}"))
        case neutral.AddIndex(table, index):
            connection.execute(text(f"CREATE INDEX {index.name} ON {table} ({', '.join(index.columns)})"))
        case neutral.DropTable(table):
            connection.execute(text(f"DROP TABLE {table}"))


metadata = metadata_of(neutral.after(BASELINE, STEPS).values())
"""Every table as it stands now: a new PostgreSQL database is created from it."""
baseline = metadata_of(BASELINE)
"""Every table at PostgreSQL's version 4 (what its hand-written upgrades take a database to)."""
