"""Broadcasts waiting for a second staff member: proposed → approved (it became a broadcast),
cancelled, or withheld (its proposer lost the broadcaster role before its timed release). A
proposal holds its text until then; recipients are chosen when it is approved. A proposal has no
release time until another staff member was told of it (`arm`)."""

from dataclasses import dataclass
from datetime import UTC, datetime

from bot.storage.backends.sqlite import Database


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

    async def propose(self, staff_id: int, text: str, language: str | None, now: datetime) -> int:
        proposed = await self._db.fetchone(
            "INSERT INTO broadcast_proposals (proposed_at, proposed_by, text, language) "
            "VALUES (:proposed_at, :proposed_by, :text, :language) RETURNING id",
            {"proposed_at": int(now.timestamp()), "proposed_by": staff_id, "text": text, "language": language},
        )
        assert proposed is not None  # RETURNING gives the inserted row
        return int(proposed[0])

    async def arm(self, proposal_id: int, release_at: datetime) -> None:
        """From now on the proposal goes out by itself at `release_at` unless it is decided first."""
        await self._db.execute(
            "UPDATE broadcast_proposals SET release_at = :release_at WHERE id = :id AND state = 'proposed'",
            {"release_at": int(release_at.timestamp()), "id": proposal_id},
        )

    async def get(self, proposal_id: int) -> Proposal | None:
        row = await self._db.fetchone(f"SELECT {_COLUMNS} FROM broadcast_proposals WHERE id = :id", {"id": proposal_id})
        return _proposal(row) if row else None

    async def decide(
        self, proposal_id: int, state: str, staff_id: int | None, proposed_after: datetime | None = None
    ) -> bool:
        """Approve, cancel or withhold a proposal still open (and, with `proposed_after`, made after
        that moment); False when someone else decided first or it is too old."""
        changed = await self._db.execute(
            "UPDATE broadcast_proposals SET state = :state, decided_by = :decided_by "
            "WHERE id = :id AND state = 'proposed' AND proposed_at > :after",
            {
                "state": state,
                "decided_by": staff_id,
                "id": proposal_id,
                "after": -1 if proposed_after is None else int(proposed_after.timestamp()),
            },
        )
        return changed.rows > 0

    async def link(self, proposal_id: int, broadcast_id: int) -> None:
        await self._db.execute(
            "UPDATE broadcast_proposals SET broadcast_id = :broadcast_id WHERE id = :id",
            {"broadcast_id": broadcast_id, "id": proposal_id},
        )

    async def due_for_release(self, now: datetime, proposed_by: datetime, proposed_after: datetime) -> list[Proposal]:
        """Open armed proposals whose release time has passed without a cancel, made no later than
        `proposed_by` (the delay in force now) and after `proposed_after` (older ones expired)."""
        rows = await self._db.fetchall(
            f"SELECT {_COLUMNS} FROM broadcast_proposals "
            "WHERE state = 'proposed' AND release_at IS NOT NULL AND release_at <= :now "
            "AND proposed_at <= :proposed_by AND proposed_at > :proposed_after ORDER BY id",
            {
                "now": int(now.timestamp()),
                "proposed_by": int(proposed_by.timestamp()),
                "proposed_after": int(proposed_after.timestamp()),
            },
        )
        return [_proposal(row) for row in rows]
