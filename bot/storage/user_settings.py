"""A user's settings (only the language for now), keyed by their pseudonymous key."""

from datetime import UTC, datetime

import aiosqlite

PERSONAL_TABLES = (
    "user_settings",
    "fsm_state",
    "report_quota",
    "reminder_chats",
    "reminders",
    "events",
    "broadcast_recipients",
)
"""Every table with rows about one user (by `user_key`): what `/forget` erases. Add new ones here."""


class UserSettingsStore:
    """Reads are served from memory after the first; every update reads the language."""

    def __init__(self, connection: aiosqlite.Connection) -> None:
        self._connection = connection
        self._languages: dict[str, str | None] = {}

    async def language(self, user_key: str) -> str | None:
        if user_key not in self._languages:
            async with self._connection.execute(
                "SELECT language FROM user_settings WHERE user_key = ?", (user_key,)
            ) as cursor:
                row = await cursor.fetchone()
            self._languages[user_key] = row[0] if row else None
        return self._languages[user_key]

    async def set_language(self, user_key: str, language: str) -> None:
        await self._connection.execute(
            "INSERT INTO user_settings (user_key, language, created_on) VALUES (?, ?, ?) "
            "ON CONFLICT (user_key) DO UPDATE SET language = excluded.language",
            (user_key, language, datetime.now(UTC).date().isoformat()),
        )
        await self._connection.commit()
        self._languages[user_key] = language

    async def forget(self, user_key: str) -> None:
        """Erase everything stored about this user, in every table that holds anything of theirs."""
        for table in PERSONAL_TABLES:
            await self._connection.execute(f"DELETE FROM {table} WHERE user_key = ?", (user_key,))
        await self._connection.commit()
        self._languages.pop(user_key, None)
