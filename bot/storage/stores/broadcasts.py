"""Broadcasts to users who asked for news, each recipient a row so nobody gets one twice, even
across a restart: rows are claimed with a lease like reminders, and deleted once delivered (the
broadcast keeps only counts). Chat ids are sealed, the staff member's too."""

from dataclasses import dataclass
from datetime import datetime

from bot.privacy.secret_keys import ChatCipher
from bot.storage.backends.sqlite import Database


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


IN_LANGUAGE = "(CAST(:language AS TEXT) IS NULL OR language = CAST(:language AS TEXT))"
"""People of one language, or everyone when :language is None (typed, so PostgreSQL knows it is text)."""


class BroadcastStore:
    def __init__(self, database: Database, cipher: ChatCipher) -> None:
        self._db = database
        self._cipher = cipher

    async def audience(self, language: str | None) -> int:
        row = await self._db.fetchone(
            f"SELECT COUNT(*) FROM reminder_chats WHERE news = 1 AND {IN_LANGUAGE}", {"language": language}
        )
        return int(row[0]) if row else 0

    async def create(self, text: str, language: str | None, admin_chat: int, now: datetime) -> int:
        async with self._db.transaction() as tx:
            created = await tx.fetchone(
                "INSERT INTO broadcasts (created_hour, text, language, state, admin_box) "
                "VALUES (:created_hour, :text, :language, 'running', :admin_box) RETURNING id",
                {
                    "created_hour": now.strftime("%Y-%m-%dT%H"),
                    "text": text,
                    "language": language,
                    "admin_box": self._cipher.seal(admin_chat),
                },
            )
            assert created is not None  # RETURNING gives the inserted row
            broadcast_id = int(created[0])
            await tx.execute(
                "INSERT INTO broadcast_recipients (broadcast_id, user_key, chat_box) "
                f"SELECT CAST(:broadcast_id AS BIGINT), user_key, chat_box FROM reminder_chats "
                f"WHERE news = 1 AND {IN_LANGUAGE}",
                {"broadcast_id": broadcast_id, "language": language},
            )
        return broadcast_id

    async def set_progress_message(self, broadcast_id: int, message_id: int) -> None:
        await self._db.execute(
            "UPDATE broadcasts SET progress_message_id = :message_id WHERE id = :id",
            {"message_id": message_id, "id": broadcast_id},
        )

    async def running(self) -> list[Broadcast]:
        rows = await self._db.fetchall(
            "SELECT id, text, admin_box, progress_message_id FROM broadcasts WHERE state = 'running' ORDER BY id"
        )
        return [Broadcast(int(r[0]), str(r[1]), self._cipher.open(r[2]), r[3]) for r in rows]

    async def claim(self, broadcast_id: int, limit: int, now: datetime, lease_seconds: int) -> list[tuple[str, int]]:
        """Up to `limit` recipients nobody holds, leased to this run. Leases that ran out (their
        run died) are taken back first. On PostgreSQL the picked rows are locked (SKIP LOCKED):
        two schedulers claiming at once get different recipients."""
        seconds = int(now.timestamp())
        async with self._db.transaction() as tx:
            await tx.execute(
                "UPDATE broadcast_recipients SET state = 'pending', lease_until = NULL "
                "WHERE broadcast_id = :broadcast_id AND state = 'claimed' AND lease_until < :now",
                {"broadcast_id": broadcast_id, "now": seconds},
            )
            # Picked once (MATERIALIZED): a subquery PostgreSQL ran again would skip the rows this
            # very statement had just updated, and pick more than `limit`.
            claimed = await tx.fetchall(
                "WITH picked AS MATERIALIZED (SELECT user_key FROM broadcast_recipients "
                "WHERE broadcast_id = :broadcast_id AND state = 'pending' "
                f"LIMIT :limit{tx.dialect.skip_locked}) "
                "UPDATE broadcast_recipients SET state = 'claimed', lease_until = :lease_until "
                "WHERE broadcast_id = :broadcast_id AND user_key IN (SELECT user_key FROM picked) "
                "RETURNING user_key, chat_box",
                {"lease_until": seconds + lease_seconds, "broadcast_id": broadcast_id, "limit": limit},
            )
        return [(str(row[0]), self._cipher.open(row[1])) for row in claimed]

    async def mark(self, broadcast_id: int, user_key: str, state: str) -> None:
        """'pending': try again later; 'sent' or 'failed': the row goes, the broadcast counts it."""
        if state == "pending":
            await self._db.execute(
                "UPDATE broadcast_recipients SET state = 'pending', lease_until = NULL "
                "WHERE broadcast_id = :broadcast_id AND user_key = :user_key",
                {"broadcast_id": broadcast_id, "user_key": user_key},
            )
            return
        column = "sent" if state == "sent" else "failed"
        async with self._db.transaction() as tx:
            deleted = await tx.execute(
                "DELETE FROM broadcast_recipients WHERE broadcast_id = :broadcast_id AND user_key = :user_key",
                {"broadcast_id": broadcast_id, "user_key": user_key},
            )
            counted = f"UPDATE broadcasts SET {column} = {column} + :count WHERE id = :id"
            await tx.execute(counted, {"count": deleted.rows, "id": broadcast_id})

    async def progress(self, broadcast_id: int) -> Progress:
        """The total is what was sent or failed plus what is still to send: someone who stops or
        forgets during a broadcast leaves it without being counted either way."""
        row = await self._db.fetchone(
            "SELECT sent, failed, (SELECT COUNT(*) FROM broadcast_recipients WHERE broadcast_id = broadcasts.id) "
            "FROM broadcasts WHERE id = :id",
            {"id": broadcast_id},
        )
        if row is None:
            return Progress(0, 0, 0)
        sent, failed, waiting = (int(value) for value in row)
        return Progress(sent, failed, sent + failed + waiting)

    async def running_recipients(self) -> dict[str, int]:
        """Recipients of every running broadcast by state (pending, claimed, sent, failed)."""
        rows = await self._db.fetchall(
            "SELECT r.state, COUNT(*) FROM broadcast_recipients AS r JOIN broadcasts AS b ON b.id = r.broadcast_id "
            "WHERE b.state = 'running' GROUP BY r.state"
        )
        return {str(state): int(count) for state, count in rows}

    async def finish(self, broadcast_id: int, state: str) -> bool:
        """Mark it done or cancelled (what was not sent is not kept); False if it was not running."""
        async with self._db.transaction() as tx:
            # Recipients first, then the broadcast, as `mark` takes them: on PostgreSQL a cancel
            # while another process marks a delivery waits for it instead of deadlocking.
            await tx.execute(
                "DELETE FROM broadcast_recipients WHERE broadcast_id = :broadcast_id", {"broadcast_id": broadcast_id}
            )
            changed = await tx.execute(
                "UPDATE broadcasts SET state = :state, admin_box = :nothing WHERE id = :id AND state = 'running'",
                {"state": state, "nothing": b"", "id": broadcast_id},
            )
        return changed.rows > 0
