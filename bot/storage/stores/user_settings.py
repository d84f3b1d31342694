"""A user's settings (their language, their passport's country, and whether reminders may arrive in
plain text), keyed by their pseudonymous key."""

from collections import OrderedDict

from bot.storage.backends.sqlite import Database
from bot.storage.erasure import erase_person

RECENT_USERS = 10_000
"""Settings kept in memory: the recently active users', so memory does not grow with every user ever seen."""

Remembered = tuple[str | None, str | None]
"""A recent user's language and passport country, as stored (None where they have not said)."""


class UserSettingsStore:
    """Every update reads the language and the passport country (lesson texts depend on both):
    recent users' are served from memory, both read by one query."""

    def __init__(self, database: Database, recent: int = RECENT_USERS) -> None:
        self._db = database
        self._languages: OrderedDict[str, Remembered] = OrderedDict()
        self._pairs: dict[Remembered, Remembered] = {}
        self._recent = recent

    async def language(self, user_key: str) -> str | None:
        return (await self.settings(user_key))[0]

    async def settings(self, user_key: str) -> Remembered:
        """The language and the passport country together: one query for what every update reads."""
        if user_key in self._languages:
            self._languages.move_to_end(user_key)
            return self._languages[user_key]
        row = await self._db.fetchone(
            "SELECT language, passport_country FROM user_settings WHERE user_key = :user_key", {"user_key": user_key}
        )
        settings: Remembered = (row[0], row[1]) if row else (None, None)
        self._remember(user_key, settings)
        return settings

    def _remember(self, user_key: str, settings: Remembered) -> None:
        # a handful of different pairs: users share one tuple each, so memory stays what a language took
        self._languages[user_key] = self._pairs.setdefault(settings, settings)
        self._languages.move_to_end(user_key)
        if len(self._languages) > self._recent:
            self._languages.popitem(last=False)

    async def set_language(self, user_key: str, language: str) -> bool:
        """True when this is the account's first stored setting: a new user (or one back after /forget)."""
        parameters = {"user_key": user_key, "language": language}
        async with self._db.transaction() as tx:
            created = await tx.fetchone(
                "INSERT INTO user_settings (user_key, language) VALUES (:user_key, :language) "
                "ON CONFLICT (user_key) DO NOTHING RETURNING user_key",
                parameters,
            )
            if created is None:
                await tx.execute("UPDATE user_settings SET language = :language WHERE user_key = :user_key", parameters)
        known = self._languages.get(user_key)
        if created is not None:
            self._remember(user_key, (language, None))
        elif known is not None:
            self._remember(user_key, (language, known[1]))
        return created is not None

    async def plain_reminders(self, user_key: str) -> bool:
        """Whether this person chose reminders in full; by default they arrive discreetly."""
        row = await self._db.fetchone(
            "SELECT plain_reminders FROM user_settings WHERE user_key = :user_key", {"user_key": user_key}
        )
        return bool(row and row[0])

    async def set_plain_reminders(self, user_key: str, plain: bool, language: str) -> None:
        """`language` is kept too when the person has no settings yet (the one they are reading)."""
        await self._db.execute(
            "INSERT INTO user_settings (user_key, language, plain_reminders) VALUES (:user_key, :language, :plain) "
            "ON CONFLICT (user_key) DO UPDATE SET plain_reminders = excluded.plain_reminders",
            {"user_key": user_key, "language": language, "plain": int(plain)},
        )
        self._languages.pop(user_key, None)  # a new row has a language now: read it again

    async def with_plain_reminders(self, user_keys: set[str]) -> set[str]:
        """Those of `user_keys` who chose reminders in full: one query for a whole delivery batch."""
        if not user_keys:
            return set()
        keys = {f"k{n}": key for n, key in enumerate(sorted(user_keys))}
        marks = ", ".join(f":{name}" for name in keys)
        rows = await self._db.fetchall(
            f"SELECT user_key FROM user_settings WHERE plain_reminders = 1 AND user_key IN ({marks})", keys
        )
        return {str(row[0]) for row in rows}

    async def listen_first(self, user_key: str) -> bool:
        """Whether this person chose listen mode: a screen with a recording sends it first, the text on request.
        Read only on screens that have a recording, so it costs the other updates nothing."""
        row = await self._db.fetchone(
            "SELECT listen_first FROM user_settings WHERE user_key = :user_key", {"user_key": user_key}
        )
        return bool(row and row[0])

    async def set_listen_first(self, user_key: str, listen: bool, language: str) -> None:
        """`language` is kept too when the person has no settings yet (the one they are reading)."""
        await self._db.execute(
            "INSERT INTO user_settings (user_key, language, listen_first) VALUES (:user_key, :language, :listen) "
            "ON CONFLICT (user_key) DO UPDATE SET listen_first = excluded.listen_first",
            {"user_key": user_key, "language": language, "listen": int(listen)},
        )
        self._languages.pop(user_key, None)  # a new row has a language now: read it again

    async def passport_country(self, user_key: str) -> str | None:
        """The country of the person's passport as they answered it, or None before they have."""
        return (await self.settings(user_key))[1]

    async def set_passport_country(self, user_key: str, country: str, language: str) -> None:
        """`language` is kept too when the person has no settings yet (the one they are reading)."""
        await self._db.execute(
            "INSERT INTO user_settings (user_key, language, passport_country) VALUES (:user_key, :language, :country) "
            "ON CONFLICT (user_key) DO UPDATE SET passport_country = excluded.passport_country",
            {"user_key": user_key, "language": language, "country": country},
        )
        self._languages.pop(user_key, None)  # read both again: a new row has a language now

    async def forget(self, user_key: str) -> None:
        """Erase everything stored about this user (bot/storage/erasure.py lists where and in which order)."""
        await erase_person(self._db, user_key)
        self._languages.pop(user_key, None)
