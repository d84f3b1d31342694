"""Staff actions recorded for staff (`/audit`) and operators (the log): who did what, when.

Entries carry staff ids, command names, numbers and periods, never anything a user wrote.
"""

import logging

from bot.common.clock import Clock
from bot.storage.stores.staff_audit import AuditEntry, StaffAuditStore

log = logging.getLogger("bot.audit")


class AuditLog:
    def __init__(self, store: StaffAuditStore, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    async def record(self, staff_id: int, action: str, detail: str = "") -> None:
        await self._store.add(staff_id, action, detail, self._clock.now())
        log.info("audit: staff %d %s %s", staff_id, action, detail)

    async def recent(self, limit: int = 30) -> list[AuditEntry]:
        return await self._store.recent(limit)
