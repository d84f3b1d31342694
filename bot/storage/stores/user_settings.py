"""A user's settings (their language, and whether reminders may arrive in plain text), keyed by their
pseudonymous key."""

from collections import OrderedDict

from bot.storage.backends.sqlite import Database
from bot.storage.stores.events import hold_watermark

RECENT_USERS = 10_000
"""Languages kept in memory: the recently active users', so memory does not grow with every user ever seen."""

PERSONAL_TABLES = (
    "user_settings",
    "fsm_state",
    "reminders",
    "broadcast_recipients",
    "reminder_chats",
    "events",
    "counsellor_cases",
)
"""Every table with rows about one user (by `user_key`): what `/forget` erases. Add new ones here.
A person's reminders and broadcast rows come before their chat, in the order a delivery deletes
them: on PostgreSQL, two units of work taking row locks in opposite orders could deadlock."""


class UserSettingsStore:
    """Every update reads the language: recent users' are served from memory."""

    def __init__(self, database: Database, recent: int = RECENT_USERS) -> None:
        self._db = database
        self._languages: OrderedDict[str, str | None] = OrderedDict()
        self._recent = recent

    async def language(self, user_key: str) -> str | None:
        if user_key in self._languages:
            self._languages.move_to_end(user_key)
            return self._languages[user_key]
        row = await self._db.fetchone(
            "SELECT language FROM user_settings WHERE user_key = :user_key", {"user_key": user_key}
        )
        self._remember(user_key, row[0] if row else None)
        return row[0] if row else None

    def _remember(self, user_key: str, language: str | None) -> None:
        self._languages[user_key] = language
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
        self._remember(user_key, language)
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

    async def forget(self, user_key: str) -> None:
        """Erase everything stored about this user, in every table that holds anything of theirs."""
        async with self._db.transaction() as tx:
            await hold_watermark(tx)  # the roll-up deletes events too: one waits for the other
            for table in PERSONAL_TABLES:
                await tx.execute(f"DELETE FROM {table} WHERE user_key = :user_key", {"user_key": user_key})
        await self._db.checkpoint(PERSONAL_TABLES)  # the deleted rows leave the write-ahead log too
        self._languages.pop(user_key, None)
