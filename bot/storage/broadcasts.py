"""Broadcasts to users who opted in, each recipient a row so nobody gets one twice, even across
a restart: rows are claimed with a lease like reminders."""

from dataclasses import dataclass
from datetime import datetime

import aiosqlite


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
    def __init__(self, connection: aiosqlite.Connection) -> None:
        self._connection = connection

    async def audience(self, language: str | None) -> int:
        async with self._connection.execute(
            "SELECT COUNT(*) FROM reminder_chats WHERE active = 1 AND (? IS NULL OR language = ?)",
            (language, language),
        ) as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def create(self, text: str, language: str | None, admin_chat: int, now: datetime) -> int:
        cursor = await self._connection.execute(
            "INSERT INTO broadcasts (created_hour, text, language, state, admin_chat) VALUES (?, ?, ?, 'running', ?)",
            (now.strftime("%Y-%m-%dT%H"), text, language, admin_chat),
        )
        broadcast_id = int(cursor.lastrowid or 0)
        await self._connection.execute(
            "INSERT INTO broadcast_recipients (broadcast_id, user_key, chat_id) "
            "SELECT ?, user_key, chat_id FROM reminder_chats WHERE active = 1 AND (? IS NULL OR language = ?)",
            (broadcast_id, language, language),
        )
        await self._connection.commit()
        return broadcast_id

    async def set_progress_message(self, broadcast_id: int, message_id: int) -> None:
        await self._connection.execute(
            "UPDATE broadcasts SET progress_message_id = ? WHERE id = ?", (message_id, broadcast_id)
        )
        await self._connection.commit()

    async def running(self) -> list[Broadcast]:
        async with self._connection.execute(
            "SELECT id, text, admin_chat, progress_message_id FROM broadcasts WHERE state = 'running' ORDER BY id"
        ) as cursor:
            return [Broadcast(int(r[0]), str(r[1]), int(r[2]), r[3]) for r in await cursor.fetchall()]

    async def claim(self, broadcast_id: int, limit: int, now: datetime, lease_seconds: int) -> list[tuple[str, int]]:
        seconds = int(now.timestamp())
        await self._connection.execute(
            "UPDATE broadcast_recipients SET state = 'pending', lease_until = NULL "
            "WHERE broadcast_id = ? AND state = 'claimed' AND lease_until < ?",
            (broadcast_id, seconds),
        )
        async with self._connection.execute(
            "UPDATE broadcast_recipients SET state = 'claimed', lease_until = ? "
            "WHERE broadcast_id = ? AND user_key IN (SELECT user_key FROM broadcast_recipients "
            "WHERE broadcast_id = ? AND state = 'pending' LIMIT ?) RETURNING user_key, chat_id",
            (seconds + lease_seconds, broadcast_id, broadcast_id, limit),
        ) as cursor:
            rows = [(str(r[0]), int(r[1])) for r in await cursor.fetchall()]
        await self._connection.commit()
        return rows

    async def mark(self, broadcast_id: int, user_key: str, state: str) -> None:
        await self._connection.execute(
            "UPDATE broadcast_recipients SET state = ?, lease_until = NULL WHERE broadcast_id = ? AND user_key = ?",
            (state, broadcast_id, user_key),
        )
        await self._connection.commit()

    async def progress(self, broadcast_id: int) -> Progress:
        async with self._connection.execute(
            "SELECT SUM(state = 'sent'), SUM(state = 'failed'), COUNT(*) FROM broadcast_recipients "
            "WHERE broadcast_id = ?",
            (broadcast_id,),
        ) as cursor:
            row = await cursor.fetchone()
        return Progress(int(row[0] or 0), int(row[1] or 0), int(row[2] or 0)) if row else Progress(0, 0, 0)

    async def running_recipients(self) -> dict[str, int]:
        """Recipients of every running broadcast by state (pending, claimed, sent, failed)."""
        async with self._connection.execute(
            "SELECT r.state, COUNT(*) FROM broadcast_recipients AS r JOIN broadcasts AS b ON b.id = r.broadcast_id "
            "WHERE b.state = 'running' GROUP BY r.state"
        ) as cursor:
            return {str(state): int(count) for state, count in await cursor.fetchall()}

    async def finish(self, broadcast_id: int, state: str) -> bool:
        """Mark it done or cancelled; False if it was not running any more."""
        cursor = await self._connection.execute(
            "UPDATE broadcasts SET state = ? WHERE id = ? AND state = 'running'", (state, broadcast_id)
        )
        await self._connection.commit()
        return cursor.rowcount > 0
