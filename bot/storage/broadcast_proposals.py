"""Broadcasts waiting for a second staff member: proposed → approved (it became a broadcast) or
cancelled. A proposal holds its text until then; recipients are chosen when it is approved."""

from dataclasses import dataclass
from datetime import UTC, datetime

from bot.storage.database import Database


@dataclass(frozen=True)
class Proposal:
    id: int
    proposed_at: datetime
    proposed_by: int
    text: str
    language: str | None
    release_at: datetime | None
    state: str


def _proposal(row: tuple[object, ...]) -> Proposal:
    release = row[5]
    return Proposal(
        int(str(row[0])),
        datetime.fromtimestamp(int(str(row[1])), UTC),
        int(str(row[2])),
        str(row[3]),
        None if row[4] is None else str(row[4]),
        None if release is None else datetime.fromtimestamp(int(str(release)), UTC),
        str(row[6]),
    )


_COLUMNS = "id, proposed_at, proposed_by, text, language, release_at, state"


class ProposalStore:
    def __init__(self, database: Database) -> None:
        self._db = database

    async def propose(
        self, staff_id: int, text: str, language: str | None, now: datetime, release_at: datetime | None
    ) -> int:
        proposed = await self._db.fetchone(
            "INSERT INTO broadcast_proposals (proposed_at, proposed_by, text, language, release_at) "
            "VALUES (:proposed_at, :proposed_by, :text, :language, :release_at) RETURNING id",
            {
                "proposed_at": int(now.timestamp()),
                "proposed_by": staff_id,
                "text": text,
                "language": language,
                "release_at": None if release_at is None else int(release_at.timestamp()),
            },
        )
        assert proposed is not None  # RETURNING gives the inserted row
        return int(proposed[0])

    async def get(self, proposal_id: int) -> Proposal | None:
        row = await self._db.fetchone(f"SELECT {_COLUMNS} FROM broadcast_proposals WHERE id = :id", {"id": proposal_id})
        return _proposal(row) if row else None

    async def decide(self, proposal_id: int, state: str, staff_id: int | None) -> bool:
        """Approve or cancel a proposal still open; False when someone else decided first."""
        changed = await self._db.execute(
            "UPDATE broadcast_proposals SET state = :state, decided_by = :decided_by "
            "WHERE id = :id AND state = 'proposed'",
            {"state": state, "decided_by": staff_id, "id": proposal_id},
        )
        return changed.rows > 0

    async def link(self, proposal_id: int, broadcast_id: int) -> None:
        await self._db.execute(
            "UPDATE broadcast_proposals SET broadcast_id = :broadcast_id WHERE id = :id",
            {"broadcast_id": broadcast_id, "id": proposal_id},
        )

    async def due_for_release(self, now: datetime) -> list[Proposal]:
        """Open proposals whose waiting time has passed without a cancel."""
        rows = await self._db.fetchall(
            f"SELECT {_COLUMNS} FROM broadcast_proposals "
            "WHERE state = 'proposed' AND release_at IS NOT NULL AND release_at <= :now ORDER BY id",
            {"now": int(now.timestamp())},
        )
        return [_proposal(row) for row in rows]
