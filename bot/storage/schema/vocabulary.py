"""The words Safar's schema is written in: tables, columns, indexes, and the steps that change
them. Plain Python, no SQL and no SQLAlchemy: SQLite's migrations (`sqlite_migrations.py`) and
PostgreSQL's tables and upgrades (`tables.py`) are both generated from one description
(`definition.py`), so the two backends cannot drift apart."""

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Literal

Kind = Literal["text", "integer", "bytes"]
"""text: TEXT on both. integer: INTEGER on SQLite, BIGINT on PostgreSQL (Telegram's ids and unix
seconds pass 2³¹). bytes: BLOB / BYTEA (sealed chat ids, sketches)."""


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind
    nullable: bool = False
    default: str | int | None = None
    """A constant every new row starts with (a column added to a table with rows needs one
    unless it may be NULL)."""


@dataclass(frozen=True)
class Index:
    name: str
    columns: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...] = ()
    indexes: tuple[Index, ...] = ()
    numbered: bool = False
    """Its single integer primary key numbers new rows by itself (`INSERT … RETURNING id`)."""
    check: str | None = None
    """One CHECK constraint, as SQL both backends read alike."""

    def column(self, name: str) -> Column:
        return next(column for column in self.columns if column.name == name)


def sql_literal(value: str | int) -> str:
    """A default as SQL both backends read alike."""
    return str(value) if isinstance(value, int) else "'" + value.replace("'", "''") + "'"


def text(name: str, *, nullable: bool = False, default: str | None = None) -> Column:
    return Column(name, "text", nullable, default)


def integer(name: str, *, nullable: bool = False, default: int | None = None) -> Column:
    return Column(name, "integer", nullable, default)


def blob(name: str) -> Column:
    return Column(name, "bytes")


def numbered_table(name: str, *columns: Column, indexes: tuple[Index, ...] = ()) -> Table:
    """A table whose rows are numbered by the database (an `id` primary key)."""
    return Table(name, (integer("id"), *columns), ("id",), indexes, numbered=True)


@dataclass(frozen=True)
class AddTable:
    table: Table


@dataclass(frozen=True)
class AddColumn:
    table: str
    column: Column


@dataclass(frozen=True)
class AddIndex:
    table: str
    index: Index


@dataclass(frozen=True)
class DropTable:
    table: str


Step = AddTable | AddColumn | AddIndex | DropTable


def after(tables: Iterable[Table], steps: Iterable[Step]) -> dict[str, Table]:
    """The tables as they stand once `steps` have been applied, in the order they were added."""
    standing = {table.name: table for table in tables}
    for step in steps:
        match step:
            case AddTable(table):
                if table.name in standing:
                    raise ValueError(f"table {table.name} is added twice")
                standing[table.name] = table
            case AddColumn(name, column):
                if not column.nullable and column.default is None:
                    raise ValueError(f"{name}.{column.name}: a column added to a table with rows needs a default")
                standing[name] = replace(standing[name], columns=(*standing[name].columns, column))
            case AddIndex(name, index):
                standing[name] = replace(standing[name], indexes=(*standing[name].indexes, index))
            case DropTable(name):
                del standing[name]
    return standing
