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

    async def add_batch(self, unit: Database, entries: list[AuditEntry]) -> None:
        """Entries a person's action caused (a case opened, answered, closed), written in the batch's
        random order inside `unit` (services/unlinked_writes.py): their ids tell no order."""
        await unit.executemany(
            "INSERT INTO staff_audit (at, staff_id, action, detail) VALUES (:at, :staff_id, :action, :detail)",
            [{"at": int(e.at.timestamp()), "staff_id": e.staff_id, "action": e.action, "detail": e.detail}
             for e in entries],
        )  # fmt: skip

    async def recent(self, limit: int) -> list[AuditEntry]:
        """The latest entries, newest first (by time: batched entries arrive after their hour)."""
        rows = await self._db.fetchall(
            "SELECT at, staff_id, action, detail FROM staff_audit ORDER BY at DESC, id DESC LIMIT :limit",
            {"limit": limit},
        )
        return [
            AuditEntry(datetime.fromtimestamp(int(str(r[0])), UTC), int(str(r[1])), str(r[2]), str(r[3])) for r in rows
        ]
