"""What the database knows about the keys: their fingerprints, and whether any row needs them.

Also the one-time sealing of chat ids that earlier versions stored in plain form (migration 6
renamed their tables *_plain), and re-sealing under a new delivery key (`safar keys rotate`).
"""

import secrets
from collections.abc import Callable
from dataclasses import dataclass

from bot.storage.backends.sqlite import Database
from bot.storage.erasure import PERSONAL_TABLES
from bot.storage.stores.events import hold_watermark

DEPENDENT_TABLES = {
    "pseudonym": (
        "user_settings",
        "fsm_state",
        "reminders",
        "reminder_chats",
        "events",
        "counsellor_cases",
        "counsellor_blocks",
    ),
    "delivery": ("reminder_chats", "broadcast_recipients", "broadcasts", "counsellor_cases"),
}
"""Rows a key is needed to use: with any of them stored, the key must not change silently."""

SEALED_COLUMNS = (
    ("reminder_chats", "chat_box", ("user_key",)),
    ("broadcast_recipients", "chat_box", ("broadcast_id", "user_key")),
    ("broadcasts", "admin_box", ("id",)),
    ("counsellor_cases", "chat_box", ("user_key",)),
)
"""(table, sealed column, primary key columns) of every sealed chat id."""
ADDRESSED_TABLES = ("reminder_chats", "broadcast_recipients", "counsellor_cases")
"""Rows of a person with their chat id, sealed: in a private chat it is their Telegram id, from
which a new pseudonym key can make their new `user_key`."""

PLAIN_TABLES = ("reminder_chats_plain", "broadcast_recipients_plain", "broadcasts_plain")


class KeyFingerprints:
    def __init__(self, database: Database) -> None:
        self._db = database

    async def fingerprints(self) -> dict[str, str]:
        return {str(name): str(value) for name, value in await self._db.fetchall("SELECT * FROM key_fingerprints")}

    async def record(self, name: str, fingerprint: str) -> None:
        await self._db.execute(
            "INSERT INTO key_fingerprints (name, fingerprint) VALUES (:name, :fingerprint) "
            "ON CONFLICT (name) DO UPDATE SET fingerprint = excluded.fingerprint",
            {"name": name, "fingerprint": fingerprint},
        )

    async def depended_on(self, name: str) -> bool:
        tables = DEPENDENT_TABLES[name] + (PLAIN_TABLES if name == "pseudonym" else ())
        for table in tables:
            if await self._table_exists(table) and await self._db.fetchone(f"SELECT 1 FROM {table} LIMIT 1"):
                return True
        return False

    async def _table_exists(self, table: str) -> bool:
        return bool(await self._db.fetchone(self._db.dialect.table_exists, {"name": table}))

    async def seal_plain_rows(self, seal: Callable[[int], bytes]) -> int:
        """Move the rows of the *_plain tables into the sealed ones and drop the plain tables
        (secure_delete zeroes their pages); returns how many chat ids were sealed. Only an
        upgraded SQLite file has them: PostgreSQL's schema never had a plain chat id."""
        if not await self._table_exists("reminder_chats_plain"):
            return 0
        sealed = 0
        async with self._db.transaction() as tx:
            for user_key, chat_id, time_zone, language in await tx.fetchall(
                "SELECT user_key, chat_id, time_zone, language FROM reminder_chats_plain WHERE active = 1"
            ):
                # Before, every reminder subscriber also got news; now news is asked for with /news:
                # nobody is enrolled without saying so.
                await tx.execute(
                    "INSERT INTO reminder_chats (user_key, chat_box, time_zone, language) "
                    "VALUES (:user_key, :chat_box, :time_zone, :language)",
                    {
                        "user_key": user_key,
                        "chat_box": seal(int(chat_id)),
                        "time_zone": time_zone,
                        "language": language,
                    },
                )
                sealed += 1
            for row in await tx.fetchall(
                "SELECT id, created_hour, text, language, state, admin_chat, progress_message_id FROM broadcasts_plain"
            ):
                counts = await tx.fetchone(
                    "SELECT SUM(state = 'sent'), SUM(state = 'failed') FROM broadcast_recipients_plain "
                    "WHERE broadcast_id = :id",
                    {"id": row[0]},
                )
                sent, failed = (int(value or 0) for value in counts or (0, 0))
                await tx.execute(
                    "INSERT INTO broadcasts (id, created_hour, text, language, state, admin_box, progress_message_id, "
                    "sent, failed) VALUES (:id, :created_hour, :text, :language, :state, :admin_box, "
                    ":progress_message_id, :sent, :failed)",
                    {
                        **dict(zip(("id", "created_hour", "text", "language", "state"), row[:5], strict=True)),
                        # Only a running broadcast still needs to tell staff its progress.
                        "admin_box": seal(int(row[5])) if row[4] == "running" else b"",
                        "progress_message_id": row[6],
                        "sent": sent,
                        "failed": failed,
                    },
                )
                sealed += 1
            for broadcast_id, user_key, chat_id in await tx.fetchall(
                "SELECT broadcast_id, user_key, chat_id FROM broadcast_recipients_plain "
                "WHERE state IN ('pending', 'claimed')"
            ):
                await tx.execute(
                    "INSERT INTO broadcast_recipients (broadcast_id, user_key, chat_box) "
                    "VALUES (:broadcast_id, :user_key, :chat_box)",
                    {"broadcast_id": broadcast_id, "user_key": user_key, "chat_box": seal(int(chat_id))},
                )
                sealed += 1
            for table in PLAIN_TABLES:
                await tx.execute(f"DROP TABLE {table}")
        await self._db.checkpoint()  # SQLite only: the plain tables' pages leave the WAL too
        return sealed

    async def reseal(
        self, open_old: Callable[[bytes], int], seal_new: Callable[[int], bytes], new_fingerprint: str
    ) -> int:
        """Every sealed chat id opened with the old delivery key and sealed with the new one, and
        the new key's fingerprint recorded, in one transaction."""
        count = 0
        async with self._db.transaction() as tx:
            await self.record("delivery", new_fingerprint)
            for table, box, keys in SEALED_COLUMNS:
                where = " AND ".join(f"{key} = :{key}" for key in keys)
                for *key_values, sealed in await tx.fetchall(f"SELECT {', '.join(keys)}, {box} FROM {table}"):
                    await tx.execute(
                        f"UPDATE {table} SET {box} = :box WHERE {where}",
                        {"box": seal_new(open_old(sealed)), **dict(zip(keys, key_values, strict=True))},
                    )
                    count += 1
        await self._db.checkpoint([table for table, _, _ in SEALED_COLUMNS])  # the old boxes go
        return count

    async def rekey(
        self, open_chat: Callable[[bytes], int], new_user_key: Callable[[int], str], new_fingerprint: str
    ) -> "Rekeyed":
        """Every row keyed by the old pseudonym key re-keyed with the new one, in one transaction.

        Only an account Safar can still write to (its chat id sealed in `ADDRESSED_TABLES`) can
        be found again: its rows move to its new `user_key`. Everyone else's rows are deleted,
        except their raw events, which take a random key (counted as before by the next roll-up,
        linked to no one). The place in a lesson (`fsm_state`) is deleted for all: its key is made
        from more than the user's id. Run with the bot stopped."""
        async with self._db.transaction() as tx:
            await hold_watermark(tx)  # raw events change: the lock order of everything that deletes them
            moved: dict[str, str] = {}
            for table in ADDRESSED_TABLES:
                for user_key, sealed in await tx.fetchall(f"SELECT user_key, chat_box FROM {table}"):
                    moved.setdefault(str(user_key), new_user_key(open_chat(sealed)))
            dropped: set[str] = set()
            for table in PERSONAL_TABLES:
                if table == "fsm_state":
                    await tx.execute("DELETE FROM fsm_state")
                    continue
                keys = {str(row[0]) for row in await tx.fetchall(f"SELECT DISTINCT user_key FROM {table}")}
                unknown = sorted(keys - moved.keys())
                dropped.update(unknown)
                renamed = {key: moved[key] for key in keys & moved.keys()}
                if table == "events":
                    renamed |= {key: secrets.token_hex(16) for key in unknown}  # still counted, by no one
                else:
                    await tx.executemany(
                        f"DELETE FROM {table} WHERE user_key = :user_key", [{"user_key": key} for key in unknown]
                    )
                await _rename(tx, table, renamed)
            await tx.execute("DELETE FROM counsellor_blocks")  # keyed from pseudonyms no one can find again
            await self.record("pseudonym", new_fingerprint)
        await self._db.checkpoint(PERSONAL_TABLES)  # rows under the old keys leave the WAL (or are vacuumed)
        return Rekeyed(kept=len(moved), dropped=len(dropped))


@dataclass(frozen=True)
class Rekeyed:
    kept: int
    """Accounts found again (they asked for reminders or news)."""
    dropped: int
    """Accounts whose settings were deleted (a language, the plain-reminders choice)."""


async def _rename(tx: Database, table: str, renamed: dict[str, str]) -> None:
    await tx.executemany(
        f"UPDATE {table} SET user_key = :new WHERE user_key = :old",
        [{"old": old, "new": new} for old, new in renamed.items()],
    )
