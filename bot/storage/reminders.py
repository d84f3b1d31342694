"""Reminders as rows, claimed by the dispatcher with a lease so a restart resumes where it stopped.

A row goes pending → claimed (leased) → sent, or back to pending when its delivery could not be
finished (a clean shutdown releases it; a crash lets its lease run out), or failed when the user
has blocked the bot. Nothing is dropped without a state that says why.
"""

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import aiosqlite


def _seconds(moment: datetime) -> int:
    return int(moment.timestamp())


def _moment(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


@dataclass(frozen=True)
class ReminderChat:
    chat_id: int
    time_zone: str
    language: str
    active: bool


@dataclass(frozen=True)
class Reminder:
    id: int
    user_key: str
    kind: str
    item: str
    payload: dict[str, Any]
    due_at: datetime


@dataclass(frozen=True)
class DueReminder:
    """A claimed reminder with what is needed to deliver it."""

    reminder: Reminder
    chat: ReminderChat


class ReminderStore:
    def __init__(self, connection: aiosqlite.Connection) -> None:
        self._connection = connection

    # --- the user's side -----------------------------------------------------------------

    async def opt_in(self, user_key: str, chat_id: int, time_zone: str, language: str) -> None:
        """Keep the chat id (needed to write first) for a user who asked for reminders."""
        await self._connection.execute(
            "INSERT INTO reminder_chats (user_key, chat_id, time_zone, language) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (user_key) DO UPDATE SET chat_id = excluded.chat_id, language = excluded.language, "
            "active = 1",
            (user_key, chat_id, time_zone, language),
        )
        await self._connection.commit()

    async def chat(self, user_key: str) -> ReminderChat | None:
        async with self._connection.execute(
            "SELECT chat_id, time_zone, language, active FROM reminder_chats WHERE user_key = ?", (user_key,)
        ) as cursor:
            row = await cursor.fetchone()
        return ReminderChat(int(row[0]), str(row[1]), str(row[2]), bool(row[3])) if row else None

    async def set_time_zone(self, user_key: str, time_zone: str) -> None:
        await self._connection.execute(
            "UPDATE reminder_chats SET time_zone = ? WHERE user_key = ?", (time_zone, user_key)
        )
        await self._connection.commit()

    async def set_language(self, user_key: str, language: str) -> None:
        """Reminders follow the user's language when they change it."""
        await self._connection.execute(
            "UPDATE reminder_chats SET language = ? WHERE user_key = ?", (language, user_key)
        )
        await self._connection.commit()

    async def add(
        self, user_key: str, kind: str, item: str, due_at: datetime, payload: dict[str, Any] | None = None
    ) -> int:
        cursor = await self._connection.execute(
            "INSERT INTO reminders (user_key, kind, item, payload, due_at) VALUES (?, ?, ?, ?, ?)",
            (user_key, kind, item, json.dumps(payload or {}), _seconds(due_at)),
        )
        await self._connection.commit()
        return int(cursor.lastrowid or 0)

    async def scheduled(self, user_key: str) -> list[Reminder]:
        async with self._connection.execute(
            "SELECT id, user_key, kind, item, payload, due_at FROM reminders "
            "WHERE user_key = ? AND state IN ('pending', 'claimed') ORDER BY due_at",
            (user_key,),
        ) as cursor:
            return [_reminder(row) for row in await cursor.fetchall()]

    async def cancel(self, user_key: str, reminder_id: int) -> bool:
        cursor = await self._connection.execute(
            "DELETE FROM reminders WHERE id = ? AND user_key = ? AND state IN ('pending', 'claimed')",
            (reminder_id, user_key),
        )
        await self._connection.commit()
        return cursor.rowcount > 0

    async def cancel_kind(self, user_key: str, kind: str) -> None:
        await self._connection.execute(
            "DELETE FROM reminders WHERE user_key = ? AND kind = ? AND state = 'pending'", (user_key, kind)
        )
        await self._connection.commit()

    async def stop(self, user_key: str) -> int:
        """Cancel every reminder and forget the chat id; returns how many reminders were cancelled."""
        cursor = await self._connection.execute("DELETE FROM reminders WHERE user_key = ?", (user_key,))
        await self._connection.execute("DELETE FROM reminder_chats WHERE user_key = ?", (user_key,))
        await self._connection.commit()
        return cursor.rowcount

    # --- the dispatcher's side -----------------------------------------------------------

    async def release_expired_claims(self, now: datetime) -> int:
        """Claims whose lease ran out (their process died) go back to pending: at least once."""
        cursor = await self._connection.execute(
            "UPDATE reminders SET state = 'pending', lease_until = NULL WHERE state = 'claimed' AND lease_until < ?",
            (_seconds(now),),
        )
        await self._connection.commit()
        return cursor.rowcount

    async def claim_due(self, now: datetime, limit: int, lease_seconds: int) -> list[DueReminder]:
        """Claim up to `limit` due reminders of active chats, the earliest first (uses the index)."""
        async with self._connection.execute(
            "UPDATE reminders SET state = 'claimed', lease_until = ?, attempts = attempts + 1 "
            "WHERE id IN (SELECT id FROM reminders WHERE state = 'pending' AND due_at <= ? "
            "ORDER BY due_at, id LIMIT ?) "
            "RETURNING id, user_key, kind, item, payload, due_at",
            (_seconds(now) + lease_seconds, _seconds(now), limit),
        ) as cursor:
            rows = list(await cursor.fetchall())
        await self._connection.commit()
        reminders = sorted((_reminder(row) for row in rows), key=lambda r: (r.due_at, r.id))
        chats = await self._chats({r.user_key for r in reminders})
        due = []
        for reminder in reminders:
            chat = chats.get(reminder.user_key)
            if chat is None or not chat.active:
                await self.mark_failed(reminder.id)
                continue
            due.append(DueReminder(reminder, chat))
        return due

    async def _chats(self, user_keys: set[str]) -> dict[str, ReminderChat]:
        if not user_keys:
            return {}
        marks = ",".join("?" * len(user_keys))
        async with self._connection.execute(
            f"SELECT user_key, chat_id, time_zone, language, active FROM reminder_chats WHERE user_key IN ({marks})",
            tuple(user_keys),
        ) as cursor:
            return {
                str(row[0]): ReminderChat(int(row[1]), str(row[2]), str(row[3]), bool(row[4]))
                for row in await cursor.fetchall()
            }

    async def mark_sent(self, reminder_id: int, now: datetime) -> None:
        await self._connection.execute(
            "UPDATE reminders SET state = 'sent', sent_at = ?, lease_until = NULL WHERE id = ?",
            (_seconds(now), reminder_id),
        )
        await self._connection.commit()

    async def release(self, reminder_id: int) -> None:
        """Back to pending: it was claimed but not delivered (shutdown, outage)."""
        await self._connection.execute(
            "UPDATE reminders SET state = 'pending', lease_until = NULL WHERE id = ? AND state = 'claimed'",
            (reminder_id,),
        )
        await self._connection.commit()

    async def postpone(self, reminder_id: int, due_at: datetime) -> None:
        await self._connection.execute(
            "UPDATE reminders SET state = 'pending', lease_until = NULL, due_at = ? WHERE id = ?",
            (_seconds(due_at), reminder_id),
        )
        await self._connection.commit()

    async def mark_failed(self, reminder_id: int) -> None:
        await self._connection.execute(
            "UPDATE reminders SET state = 'failed', lease_until = NULL WHERE id = ?", (reminder_id,)
        )
        await self._connection.commit()

    async def chat_blocked(self, chat_id: int) -> None:
        """Telegram said 403 (to a reminder or a broadcast): no reminder or broadcast goes to this
        chat again, and the reminders waiting for it fail."""
        await self._connection.execute("UPDATE reminder_chats SET active = 0 WHERE chat_id = ?", (chat_id,))
        await self._connection.execute(
            "UPDATE reminders SET state = 'failed', lease_until = NULL WHERE state IN ('pending', 'claimed') "
            "AND user_key IN (SELECT user_key FROM reminder_chats WHERE chat_id = ?)",
            (chat_id,),
        )
        await self._connection.commit()

    async def delete_finished(self, before: datetime) -> int:
        """Housekeeping: sent and failed reminders are not kept longer than needed."""
        cursor = await self._connection.execute(
            "DELETE FROM reminders WHERE state IN ('sent', 'failed') AND due_at < ?", (_seconds(before),)
        )
        await self._connection.commit()
        return cursor.rowcount


def _reminder(row: Any) -> Reminder:
    return Reminder(int(row[0]), str(row[1]), str(row[2]), str(row[3]), dict(json.loads(row[4])), _moment(int(row[5])))
