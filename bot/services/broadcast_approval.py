"""A broadcast reaches every subscriber, so one staff account must not be enough to send one:
it is proposed, and goes out only when a second staff member with the broadcaster role approves
it, or (when BROADCAST_DELAY_MINUTES is set) once that delay has passed and nobody cancelled it."""

import enum
from dataclasses import dataclass
from datetime import timedelta

from bot.services.clock import Clock
from bot.services.staff_audit import AuditLog
from bot.storage.broadcast_proposals import Proposal, ProposalStore
from bot.storage.broadcasts import BroadcastStore


class Decision(enum.Enum):
    APPROVED = "approved"
    OWN = "own"
    """Nobody approves their own proposal."""
    GONE = "gone"
    """Already approved, cancelled or released."""


@dataclass(frozen=True)
class Released:
    proposal: Proposal
    broadcast_id: int


class BroadcastApprovals:
    def __init__(
        self,
        proposals: ProposalStore,
        broadcasts: BroadcastStore,
        audit: AuditLog,
        clock: Clock,
        delay: timedelta | None,
    ) -> None:
        self._proposals = proposals
        self._broadcasts = broadcasts
        self.audit = audit
        self._clock = clock
        self.delay = delay
        """None: a second staff member must approve. Otherwise the time anyone has to cancel."""

    async def propose(self, staff_id: int, text: str, language: str | None) -> Proposal:
        now = self._clock.now()
        release = now + self.delay if self.delay is not None else None
        proposal_id = await self._proposals.propose(staff_id, text, language, now, release)
        await self.audit.record(staff_id, "broadcast_proposed", _describe(proposal_id, language, text))
        proposal = await self._proposals.get(proposal_id)
        assert proposal is not None
        return proposal

    async def get(self, proposal_id: int) -> Proposal | None:
        return await self._proposals.get(proposal_id)

    async def approve(self, proposal_id: int, staff_id: int) -> tuple[Decision, Released | None]:
        proposal = await self._proposals.get(proposal_id)
        if proposal is None or proposal.state != "proposed":
            return Decision.GONE, None
        if proposal.proposed_by == staff_id:
            return Decision.OWN, None
        if not await self._proposals.decide(proposal_id, "approved", staff_id):
            return Decision.GONE, None
        released = await self._start(proposal)
        await self.audit.record(
            staff_id, "broadcast_approved", f"proposal #{proposal_id} → broadcast #{released.broadcast_id}"
        )
        return Decision.APPROVED, released

    async def cancel(self, proposal_id: int, staff_id: int) -> bool:
        cancelled = await self._proposals.decide(proposal_id, "cancelled", staff_id)
        if cancelled:
            await self.audit.record(staff_id, "broadcast_cancelled", f"proposal #{proposal_id}")
        return cancelled

    async def release_due(self) -> list[Released]:
        """Proposals whose cancel window has passed go out (the periodic job calls this)."""
        released = []
        for proposal in await self._proposals.due_for_release(self._clock.now()):
            if await self._proposals.decide(proposal.id, "approved", None):
                started = await self._start(proposal)
                await self.audit.record(
                    proposal.proposed_by,
                    "broadcast_released",
                    f"proposal #{proposal.id} → broadcast #{started.broadcast_id} after the delay",
                )
                released.append(started)
        return released

    async def _start(self, proposal: Proposal) -> Released:
        broadcast_id = await self._broadcasts.create(
            proposal.text, proposal.language, proposal.proposed_by, self._clock.now()
        )
        await self._proposals.link(proposal.id, broadcast_id)
        return Released(proposal, broadcast_id)


def _describe(proposal_id: int, language: str | None, text: str) -> str:
    return f"proposal #{proposal_id} to {language or 'all'} ({len(text)} characters)"
