"""The newest successful /reload, numbered, where every process of the bot can see it."""

from dataclasses import dataclass
from datetime import UTC, datetime

from bot.storage.backends.sqlite import Database


@dataclass(frozen=True)
class Reload:
    number: int
    at: datetime


NONE_YET = Reload(0, datetime.fromtimestamp(0, UTC))


class ContentReloadStore:
    def __init__(self, database: Database) -> None:
        self._db = database

    async def announce(self, now: datetime) -> int:
        """Records a reload and returns its number; only the newest is kept (nothing else is needed)."""
        async with self._db.transaction() as unit:
            row = await unit.fetchone(
                "INSERT INTO content_reloads (at) VALUES (:at) RETURNING id", {"at": int(now.timestamp())}
            )
            assert row is not None
            number = int(str(row[0]))
            await unit.execute("DELETE FROM content_reloads WHERE id < :number", {"number": number})
        return number

    async def latest(self) -> Reload:
        """The newest reload; NONE_YET before the first."""
        row = await self._db.fetchone("SELECT id, at FROM content_reloads ORDER BY id DESC LIMIT 1")
        if row is None:
            return NONE_YET
        return Reload(int(str(row[0])), datetime.fromtimestamp(int(str(row[1])), UTC))
