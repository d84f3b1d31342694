"""The audit log of staff actions: who did what, when. Staff ids and counts only, no user data."""

from dataclasses import dataclass
from datetime import UTC, datetime

import aiosqlite


@dataclass(frozen=True)
class AuditEntry:
    at: datetime
    staff_id: int
    action: str
    detail: str


class StaffAuditStore:
    def __init__(self, connection: aiosqlite.Connection) -> None:
        self._connection = connection

    async def add(self, staff_id: int, action: str, detail: str, now: datetime) -> None:
        await self._connection.execute(
            "INSERT INTO staff_audit (at, staff_id, action, detail) VALUES (?, ?, ?, ?)",
            (int(now.timestamp()), staff_id, action, detail),
        )
        await self._connection.commit()

    async def recent(self, limit: int) -> list[AuditEntry]:
        """The latest entries, newest first."""
        async with self._connection.execute(
            "SELECT at, staff_id, action, detail FROM staff_audit ORDER BY id DESC LIMIT ?", (limit,)
        ) as cursor:
            return [
                AuditEntry(datetime.fromtimestamp(int(r[0]), UTC), int(r[1]), str(r[2]), str(r[3]))
                for r in await cursor.fetchall()
            ]
