"""The contact health part of `safar report`: what callers said about each contact, read from
the bot's database (a SQLite file read-only, so a report never changes or migrates a running bot's
data; on PostgreSQL, through the bot's own `open_database`, whose schema check changes nothing
once the bot has started)."""

import asyncio
import sqlite3
from datetime import UTC, date, datetime, time
from pathlib import Path

import aiosqlite

from bot.content.models import Contact
from bot.services.hotline_answers import HotlineAnswers, health_lines
from bot.storage.backends.sqlite import DatabaseUnavailable, SQLiteDatabase, open_database
from bot.storage.stores.hotline_answers import HotlineAnswerStore
from bot.storage.stores.tallies import MemoryTally


class _Day:
    def __init__(self, day: date) -> None:
        self._moment = datetime.combine(day, time(12), tzinfo=UTC)

    def now(self) -> datetime:
        return self._moment


def contact_health_lines(db_path: Path | str, contacts: dict[str, Contact], today: date) -> list[str]:
    """The report's lines, or one line saying why there are none. A str is DATABASE_URL."""
    if isinstance(db_path, str):
        return asyncio.run(_read_postgresql(db_path, contacts, today))
    if not db_path.exists():
        return [f"Contact health: no database at {db_path} (set DB_PATH or pass --db)."]
    return asyncio.run(_read(f"{db_path.resolve().as_uri()}?mode=ro", db_path, contacts, today))


async def _read(uri: str, db_path: Path, contacts: dict[str, Contact], today: date) -> list[str]:
    try:
        async with aiosqlite.connect(uri, uri=True) as connection:
            health = HotlineAnswers(HotlineAnswerStore(SQLiteDatabase(connection)), _Day(today), MemoryTally())
            return health_lines(await health.standings(contacts), await health.flags())
    except sqlite3.Error as error:
        return [f"Contact health: cannot read {db_path} ({error}); is it Safar's database, started once?"]


async def _read_postgresql(url: str, contacts: dict[str, Contact], today: date) -> list[str]:
    try:
        database = await open_database(url)
    except DatabaseUnavailable as error:
        return [f"Contact health: {error}"]
    try:
        health = HotlineAnswers(HotlineAnswerStore(database), _Day(today), MemoryTally())
        return health_lines(await health.standings(contacts), await health.flags())
    finally:
        await database.close()
