"""Broadcasts to users who opted in, each recipient a row so nobody gets one twice, even across
a restart: rows are claimed with a lease like reminders."""

from dataclasses import dataclass
from datetime import datetime

from bot.storage.database import Database


@dataclass(frozen=True)
class Broadcast:
    id: int
    text: str
    admin_chat: int
    progress_message_id: int | None


@dataclass(frozen=True)
class Progress:
    sent: int
    failed: int
    total: int

    @property
    def remaining(self) -> int:
        return self.total - self.sent - self.failed


class BroadcastStore:
    def __init__(self, database: Database) -> None:
        self._db = database

    async def audience(self, language: str | None) -> int:
        row = await self._db.fetchone(
            "SELECT COUNT(*) FROM reminder_chats WHERE active = 1 AND (? IS NULL OR language = ?)",
            (language, language),
        )
        return int(row[0]) if row else 0

    async def create(self, text: str, language: str | None, admin_chat: int, now: datetime) -> int:
        async with self._db.transaction() as tx:
            changed = await tx.execute(
                "INSERT INTO broadcasts (created_hour, text, language, state, admin_chat) "
                "VALUES (?, ?, ?, 'running', ?)",
                (now.strftime("%Y-%m-%dT%H"), text, language, admin_chat),
            )
            broadcast_id = changed.last_id
            await tx.execute(
                "INSERT INTO broadcast_recipients (broadcast_id, user_key, chat_id) "
                "SELECT ?, user_key, chat_id FROM reminder_chats WHERE active = 1 AND (? IS NULL OR language = ?)",
                (broadcast_id, language, language),
            )
        return broadcast_id

    async def set_progress_message(self, broadcast_id: int, message_id: int) -> None:
        await self._db.execute("UPDATE broadcasts SET progress_message_id = ? WHERE id = ?", (message_id, broadcast_id))

    async def running(self) -> list[Broadcast]:
        return [
            Broadcast(int(r[0]), str(r[1]), int(r[2]), r[3])
            for r in await self._db.fetchall(
                "SELECT id, text, admin_chat, progress_message_id FROM broadcasts WHERE state = 'running' ORDER BY id"
            )
        ]

    async def release_all_claims(self) -> int:
        """At start-up every claim belongs to a run that died (one process owns the database)."""
        changed = await self._db.execute(
            "UPDATE broadcast_recipients SET state = 'pending', lease_until = NULL WHERE state = 'claimed'"
        )
        return changed.rows

    async def claim(self, broadcast_id: int, limit: int, now: datetime, lease_seconds: int) -> list[tuple[str, int]]:
        seconds = int(now.timestamp())
        async with self._db.transaction() as tx:
            await tx.execute(
                "UPDATE broadcast_recipients SET state = 'pending', lease_until = NULL "
                "WHERE broadcast_id = ? AND state = 'claimed' AND lease_until < ?",
                (broadcast_id, seconds),
            )
            claimed = await tx.fetchall(
                "UPDATE broadcast_recipients SET state = 'claimed', lease_until = ? "
                "WHERE broadcast_id = ? AND user_key IN (SELECT user_key FROM broadcast_recipients "
                "WHERE broadcast_id = ? AND state = 'pending' LIMIT ?) RETURNING user_key, chat_id",
                (seconds + lease_seconds, broadcast_id, broadcast_id, limit),
            )
        return [(str(row[0]), int(row[1])) for row in claimed]

    async def mark(self, broadcast_id: int, user_key: str, state: str) -> None:
        await self._db.execute(
            "UPDATE broadcast_recipients SET state = ?, lease_until = NULL WHERE broadcast_id = ? AND user_key = ?",
            (state, broadcast_id, user_key),
        )

    async def chat_blocked(self, chat_id: int) -> None:
        """The user blocked the bot: no reminder or broadcast goes to this chat again."""
        await self._db.execute("UPDATE reminder_chats SET active = 0 WHERE chat_id = ?", (chat_id,))

    async def progress(self, broadcast_id: int) -> Progress:
        row = await self._db.fetchone(
            "SELECT SUM(state = 'sent'), SUM(state = 'failed'), COUNT(*) FROM broadcast_recipients "
            "WHERE broadcast_id = ?",
            (broadcast_id,),
        )
        return Progress(int(row[0] or 0), int(row[1] or 0), int(row[2] or 0)) if row else Progress(0, 0, 0)

    async def finish(self, broadcast_id: int, state: str) -> bool:
        """Mark it done or cancelled; False if it was not running any more."""
        changed = await self._db.execute(
            "UPDATE broadcasts SET state = ? WHERE id = ? AND state = 'running'", (state, broadcast_id)
        )
        return changed.rows > 0
