"""What the bot's database holds, read as another process would (committed rows only), on either
backend: the SQLite file at DB_PATH or the PostgreSQL database at DATABASE_URL."""

from typing import Any

from bot.config import Settings
from bot.storage.backends.sqlite import Row, open_database


async def stored(settings: Settings, sql: str, parameters: dict[str, Any] | None = None) -> list[Row]:
    database = await open_database(settings.database_target)
    try:
        return await database.fetchall(sql, parameters or {})
    finally:
        await database.close()


async def write(settings: Settings, sql: str, rows: list[dict[str, Any]]) -> None:
    """Rows put in directly, as an earlier run would have left them."""
    database = await open_database(settings.database_target)
    try:
        await database.executemany(sql, rows)
    finally:
        await database.close()
