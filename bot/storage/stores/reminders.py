"""Reminders as rows, claimed by the dispatcher with a lease so a restart resumes where it stopped.

A row goes pending → claimed (leased) → deleted once delivered, or back to pending when its
delivery could not be finished (a clean shutdown releases it; a crash lets its lease run out), or
failed when it cannot be delivered (its chat is gone, its plan step removed).

The chat id a reminder goes to is kept only while the person has a reminder pending or asked for
news, sealed with the delivery key (`bot/privacy/secret_keys.py`); it is deleted with their last reminder, on
/stop, /forget, and when Telegram says they blocked the bot.
"""

import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from bot.privacy.secret_keys import ChatCipher
from bot.storage.backends.sqlite import Database, Row
from bot.storage.erasure import erase_chat

MAX_PENDING_PER_ACCOUNT = 20
"""Reminders one person can have waiting; more would let one account fill everyone's queue."""
CLAIMS_PER_ACCOUNT = 1
"""Reminders of one person per delivery batch: a batch lasts as long as its busiest chat takes
(a second between two messages to one chat), so one account's pile cannot hold up the rest."""
CLAIM_WINDOW = 4
"""A batch is picked from the earliest `limit × CLAIM_WINDOW` due rows. Piles there make the batch
smaller, never unfair; a window of limit × 20 guaranteed full batches but cost ×4 per claim
(92 ms against 24 ms, and 16 ms without fairness, for 500 of 10,000 due among 300,000 stored)."""


def _seconds(moment: datetime) -> int:
    return int(moment.timestamp())


def _moment(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


@dataclass(frozen=True)
class ReminderChat:
    chat_id: int
    time_zone: str
    language: str
    news: bool
    """Also asked for news broadcasts."""


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


@dataclass(frozen=True)
class NewReminder:
    """A reminder to add: what it is, when it is due, and what its message needs."""

    kind: str
    item: str
    due_at: datetime
    payload: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Recipient:
    """Where a person's reminders go: their chat, sealed when stored, and their time zone."""

    chat_id: int
    language: str
    time_zone: str
    """The zone of a chat not known yet; a known chat keeps the one it has unless `moved`."""
    moved: bool = False
    """The person said where they are now: `time_zone` replaces the one kept."""


class _OverTheLimit(Exception):
    """A plan would take the account over MAX_PENDING_PER_ACCOUNT: its unit of work is rolled back."""


CHAT_COLUMNS = "user_key, chat_box, time_zone, language, news"


class ReminderStore:
    def __init__(self, database: Database, cipher: ChatCipher) -> None:
        self._db = database
        self._cipher = cipher

    # --- the user's side -----------------------------------------------------------------

    async def opt_in(self, user_key: str, chat_id: int, time_zone: str, language: str, news: bool = False) -> None:
        """Keep the chat id, sealed (needed to write first), for a user who asked for reminders."""
        await self._db.execute(
            "INSERT INTO reminder_chats (user_key, chat_box, time_zone, language, news) "
            "VALUES (:user_key, :chat_box, :time_zone, :language, :news) "
            "ON CONFLICT (user_key) DO UPDATE SET chat_box = excluded.chat_box, language = excluded.language, "
            "news = CASE WHEN excluded.news > reminder_chats.news THEN excluded.news ELSE reminder_chats.news END",
            {
                "user_key": user_key,
                "chat_box": self._cipher.seal(chat_id),
                "time_zone": time_zone,
                "language": language,
                "news": int(news),
            },
        )

    async def chat(self, user_key: str) -> ReminderChat | None:
        row = await self._db.fetchone(
            f"SELECT {CHAT_COLUMNS} FROM reminder_chats WHERE user_key = :user_key", {"user_key": user_key}
        )
        return self._chat(row) if row else None

    def _chat(self, row: Row) -> ReminderChat:
        return ReminderChat(self._cipher.open(row[1]), str(row[2]), str(row[3]), bool(row[4]))

    async def stop_news(self, user_key: str) -> None:
        """No more news; the chat id goes too unless a reminder still needs it."""
        async with self._db.transaction() as tx:
            await tx.execute("UPDATE reminder_chats SET news = 0 WHERE user_key = :user_key", {"user_key": user_key})
            await self._forget_chat_if_unused(tx, user_key)

    async def _forget_chat_if_unused(self, tx: Database, user_key: str) -> None:
        await tx.execute(
            "DELETE FROM reminder_chats WHERE user_key = :user_key AND news = 0 "
            "AND NOT EXISTS (SELECT 1 FROM reminders WHERE user_key = :user_key)",
            {"user_key": user_key},
        )

    async def set_time_zone(self, user_key: str, time_zone: str) -> None:
        await self._db.execute(
            "UPDATE reminder_chats SET time_zone = :time_zone WHERE user_key = :user_key",
            {"time_zone": time_zone, "user_key": user_key},
        )

    async def set_language(self, user_key: str, language: str) -> None:
        """Reminders follow the user's language when they change it."""
        await self._db.execute(
            "UPDATE reminder_chats SET language = :language WHERE user_key = :user_key",
            {"language": language, "user_key": user_key},
        )

    async def add(
        self, user_key: str, kind: str, item: str, due_at: datetime, payload: dict[str, Any] | None = None
    ) -> int | None:
        """The new reminder's id; None when the user already has MAX_PENDING_PER_ACCOUNT waiting.
        The account's chat row is locked first, so two processes adding at once count in turn
        (on PostgreSQL each would otherwise count the same 19 and both insert)."""
        async with self._db.transaction() as tx:
            await tx.execute(
                f"SELECT 1 FROM reminder_chats WHERE user_key = :user_key{tx.dialect.for_update}",
                {"user_key": user_key},
            )
            added = await tx.fetchone(
                "INSERT INTO reminders (user_key, kind, item, payload, due_at) "
                "SELECT CAST(:user_key AS TEXT), CAST(:kind AS TEXT), CAST(:item AS TEXT), CAST(:payload AS TEXT), "
                "CAST(:due_at AS BIGINT) WHERE (SELECT COUNT(*) FROM reminders "
                "WHERE user_key = :user_key AND state IN ('pending', 'claimed')) < :most RETURNING id",
                {
                    "user_key": user_key,
                    "kind": kind,
                    "item": item,
                    "payload": json.dumps(payload or {}),
                    "due_at": _seconds(due_at),
                    "most": MAX_PENDING_PER_ACCOUNT,
                },
            )
        return int(added[0]) if added else None

    async def update_plan(
        self,
        user_key: str,
        recipient: Recipient,
        replacing: Collection[str] = (),
        adding: Sequence[NewReminder] = (),
    ) -> bool:
        """One unit of work for one action in the reminders menu: the pending reminders of the
        kinds `replacing` are cancelled, the chat is kept (and the time zone moved) and `adding` is
        added, all or nothing. False, with nothing changed, when the account would then have more
        than MAX_PENDING_PER_ACCOUNT waiting: a plan is never left half made."""
        try:
            async with self._db.transaction():
                for kind in replacing:  # a person's reminders before their chat: the lock order
                    await self.cancel_kind(user_key, kind)
                await self.opt_in(user_key, recipient.chat_id, recipient.time_zone, recipient.language)
                if recipient.moved:
                    await self.set_time_zone(user_key, recipient.time_zone)
                for new in adding:
                    if await self.add(user_key, new.kind, new.item, new.due_at, new.payload) is None:
                        raise _OverTheLimit
        except _OverTheLimit:
            return False
        return True

    async def scheduled(self, user_key: str) -> list[Reminder]:
        return [
            _reminder(row)
            for row in await self._db.fetchall(
                "SELECT id, user_key, kind, item, payload, due_at FROM reminders "
                "WHERE user_key = :user_key AND state IN ('pending', 'claimed') ORDER BY due_at",
                {"user_key": user_key},
            )
        ]

    async def cancel(self, user_key: str, reminder_id: int) -> bool:
        changed = await self._db.execute(
            "DELETE FROM reminders WHERE id = :id AND user_key = :user_key AND state IN ('pending', 'claimed')",
            {"id": reminder_id, "user_key": user_key},
        )
        return changed.rows > 0

    async def cancel_kind(self, user_key: str, kind: str) -> None:
        await self._db.execute(
            "DELETE FROM reminders WHERE user_key = :user_key AND kind = :kind AND state = 'pending'",
            {"user_key": user_key, "kind": kind},
        )

    async def stop(self, user_key: str) -> int:
        """Cancel every reminder and forget the chat id; returns how many reminders were cancelled."""
        async with self._db.transaction() as tx:
            row = await tx.fetchone("SELECT COUNT(*) FROM reminders WHERE user_key = :user_key", {"user_key": user_key})
            await erase_chat(tx, user_key)
        return int(row[0]) if row else 0

    # --- the dispatcher's side -----------------------------------------------------------

    async def release_expired_claims(self, now: datetime) -> int:
        """Claims whose lease ran out (their process died) go back to pending: at least once."""
        changed = await self._db.execute(
            "UPDATE reminders SET state = 'pending', lease_until = NULL WHERE state = 'claimed' AND lease_until < :now",
            {"now": _seconds(now)},
        )
        return changed.rows

    async def claim_due(self, now: datetime, limit: int, lease_seconds: int) -> list[DueReminder]:
        """Claim up to `limit` due reminders of active chats, the earliest first, at most
        CLAIMS_PER_ACCOUNT of one person, among the earliest `limit × CLAIM_WINDOW` due rows."""
        # The window's rows are locked for this statement's unit of work (PostgreSQL: FOR UPDATE
        # SKIP LOCKED, so a second scheduler takes the next rows instead of the same ones; a row
        # another one claimed meanwhile no longer matches state = 'pending' once locked). The
        # window is read once (MATERIALIZED), so the LIMITs hold.
        rows = list(
            await self._db.fetchall(
                "WITH due AS MATERIALIZED ("
                "  SELECT id, user_key, due_at FROM reminders WHERE state = 'pending' AND due_at <= :now "
                f"  ORDER BY due_at, id LIMIT :window{self._db.dialect.skip_locked}"
                "), turns AS ("
                "  SELECT id, due_at, ROW_NUMBER() OVER (PARTITION BY user_key ORDER BY due_at, id) AS turn FROM due"
                ") "
                "UPDATE reminders SET state = 'claimed', lease_until = :lease_until, attempts = attempts + 1 "
                "WHERE id IN (SELECT id FROM turns WHERE turn <= :per_account ORDER BY due_at, id LIMIT :limit) "
                "RETURNING id, user_key, kind, item, payload, due_at",
                {
                    "lease_until": _seconds(now) + lease_seconds,
                    "now": _seconds(now),
                    "window": limit * CLAIM_WINDOW,
                    "per_account": CLAIMS_PER_ACCOUNT,
                    "limit": limit,
                },
            )
        )
        reminders = sorted((_reminder(row) for row in rows), key=lambda r: (r.due_at, r.id))
        chats = await self._chats({r.user_key for r in reminders})
        due = []
        for reminder in reminders:
            chat = chats.get(reminder.user_key)
            if chat is None:
                await self.mark_failed(reminder.id)
                continue
            due.append(DueReminder(reminder, chat))
        return due

    async def _chats(self, user_keys: set[str]) -> dict[str, ReminderChat]:
        if not user_keys:
            return {}
        named = {f"k{number}": user_key for number, user_key in enumerate(sorted(user_keys))}
        marks = ", ".join(f":{name}" for name in named)
        rows = await self._db.fetchall(f"SELECT {CHAT_COLUMNS} FROM reminder_chats WHERE user_key IN ({marks})", named)
        return {str(row[0]): self._chat(row) for row in rows}

    async def mark_sent(self, reminder: Reminder, next_due: datetime | None = None) -> None:
        """Delivered: the row goes, and the chat id with it when nothing else is to be sent there.

        A repeating reminder (the monthly payment) is not deleted and added again: its row moves
        to `next_due` in the statement that records the delivery. It keeps its place under
        MAX_PENDING_PER_ACCOUNT, so a person at the limit never loses it, and one the person
        cancelled while it was being sent stays cancelled."""
        if next_due is not None:
            await self._db.execute(
                "UPDATE reminders SET state = 'pending', lease_until = NULL, attempts = 0, due_at = :due_at "
                "WHERE id = :id",
                {"due_at": _seconds(next_due), "id": reminder.id},
            )
            return
        async with self._db.transaction() as tx:
            await tx.execute("DELETE FROM reminders WHERE id = :id", {"id": reminder.id})
            await self._forget_chat_if_unused(tx, reminder.user_key)

    async def release(self, reminder_id: int) -> None:
        """Back to pending: it was claimed but not delivered (shutdown, outage)."""
        await self._db.execute(
            "UPDATE reminders SET state = 'pending', lease_until = NULL WHERE id = :id AND state = 'claimed'",
            {"id": reminder_id},
        )

    async def postpone(self, reminder_id: int, due_at: datetime) -> None:
        await self._db.execute(
            "UPDATE reminders SET state = 'pending', lease_until = NULL, due_at = :due_at WHERE id = :id",
            {"due_at": _seconds(due_at), "id": reminder_id},
        )

    async def mark_failed(self, reminder_id: int) -> None:
        """It cannot be delivered (its chat is gone, its plan step removed): nothing is kept of it."""
        await self._db.execute("DELETE FROM reminders WHERE id = :id", {"id": reminder_id})

    async def chat_blocked(self, user_key: str) -> None:
        """Telegram said 403: the chat id and everything waiting for it are deleted."""
        await erase_chat(self._db, user_key)

    async def delete_finished(self, before: datetime) -> int:
        """Housekeeping: sent and failed reminders are not kept longer than needed."""
        changed = await self._db.execute(
            "DELETE FROM reminders WHERE state IN ('sent', 'failed') AND due_at < :before", {"before": _seconds(before)}
        )
        return changed.rows


def _reminder(row: Any) -> Reminder:
    return Reminder(int(row[0]), str(row[1]), str(row[2]), str(row[3]), dict(json.loads(row[4])), _moment(int(row[5])))
