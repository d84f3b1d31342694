"""The audit log of staff actions: who did what, when. Staff ids and counts only, no user data."""

from dataclasses import dataclass
from datetime import UTC, datetime

from bot.storage.backends.sqlite import Database


@dataclass(frozen=True)
class AuditEntry:
    at: datetime
    staff_id: int
    action: str
    detail: str


class StaffAuditStore:
    def __init__(self, database: Database) -> None:
        self._db = database

    async def add(self, staff_id: int, action: str, detail: str, now: datetime) -> None:
        await self._db.execute(
            "INSERT INTO staff_audit (at, staff_id, action, detail) VALUES (:at, :staff_id, :action, :detail)",
            {"at": int(now.timestamp()), "staff_id": staff_id, "action": action, "detail": detail},
        )

    async def recent(self, limit: int) -> list[AuditEntry]:
        """The latest entries, newest first."""
        rows = await self._db.fetchall(
            "SELECT at, staff_id, action, detail FROM staff_audit ORDER BY id DESC LIMIT :limit", {"limit": limit}
        )
        return [
            AuditEntry(datetime.fromtimestamp(int(str(r[0])), UTC), int(str(r[1])), str(r[2]), str(r[3])) for r in rows
        ]
