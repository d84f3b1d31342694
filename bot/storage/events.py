"""Anonymous engagement events: a keyed hash for the user, the hour, what happened. No text."""

from datetime import datetime

import aiosqlite


class EventLog:
    def __init__(self, connection: aiosqlite.Connection) -> None:
        self._connection = connection

    async def record(self, user_key: str, name: str, detail: str, now: datetime) -> None:
        await self._connection.execute(
            "INSERT INTO events (hour, user_key, name, detail) VALUES (?, ?, ?, ?)",
            (now.strftime("%Y-%m-%dT%H"), user_key, name, detail),
        )
        await self._connection.commit()
