"""A broadcast reaches every subscriber, so one staff account must not be enough to send one:
it is proposed, and goes out only when a second staff member with the broadcaster role approves
it, or (when BROADCAST_DELAY_MINUTES is set) once that delay has passed and nobody cancelled it.

Staff power is checked again at the moment it is used, not only when the proposal was made: an
operator who removes a broadcaster or switches the delay off and restarts has stopped what that
broadcaster proposed. A timed release needs someone else who could cancel it, so a proposal is
armed only once another staff member was told of it; and a proposal lives a day.
"""

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.common.clock import Clock
from bot.common.staff_roles import BROADCASTER, StaffRoles
from bot.config import BROADCAST_PROPOSAL_LIFETIME
from bot.services.staff_audit import AuditLog
from bot.storage.stores.broadcast_proposals import Proposal, ProposalStore
from bot.storage.stores.broadcasts import BroadcastStore


class Decision(enum.Enum):
    APPROVED = "approved"
    OWN = "own"
    """Nobody approves their own proposal."""
    GONE = "gone"
    """Already approved, cancelled, withheld or released."""
    EXPIRED = "expired"
    """Proposed more than BROADCAST_PROPOSAL_LIFETIME ago."""
    PROPOSER_NOT_BROADCASTER = "proposer_not_broadcaster"
    """Its proposer no longer holds the broadcaster role."""


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
        staff: StaffRoles,
    ) -> None:
        self._proposals = proposals
        self._broadcasts = broadcasts
        self.audit = audit
        self._clock = clock
        self.delay = delay
        """None: a second staff member must approve. Otherwise the time anyone has to cancel."""
        self._staff = staff
        """The roles in force now (STAFF_ROLES and ADMIN_IDS at this start), not at the proposal."""

    async def propose(self, staff_id: int, text: str, language: str | None) -> Proposal:
        """A proposal with no release time yet: `arm` gives it one once someone else was told."""
        proposal_id = await self._proposals.propose(staff_id, text, language, self._clock.now())
        await self.audit.record(staff_id, "broadcast_proposed", _describe(proposal_id, language, text))
        proposal = await self._proposals.get(proposal_id)
        assert proposal is not None
        return proposal

    def release_time(self, proposal: Proposal) -> datetime | None:
        """When it goes out by itself if armed; None without a delay."""
        return None if self.delay is None else proposal.proposed_at + self.delay

    @staticmethod
    def expires_at(proposal: Proposal) -> datetime:
        return proposal.proposed_at + BROADCAST_PROPOSAL_LIFETIME

    async def arm(self, proposal: Proposal) -> datetime | None:
        """Starts the timed release, once another staff member could cancel it; None without a delay."""
        release = self.release_time(proposal)
        if release is not None:
            await self._proposals.arm(proposal.id, release)
        return release

    async def get(self, proposal_id: int) -> Proposal | None:
        return await self._proposals.get(proposal_id)

    async def approve(self, proposal_id: int, staff_id: int) -> tuple[Decision, Released | None]:
        proposal = await self._proposals.get(proposal_id)
        if proposal is None or proposal.state != "proposed":
            return Decision.GONE, None
        if proposal.proposed_by == staff_id:
            return Decision.OWN, None
        oldest = self._clock.now() - BROADCAST_PROPOSAL_LIFETIME
        if proposal.proposed_at <= oldest:
            return Decision.EXPIRED, None
        if not self._staff.has(proposal.proposed_by, BROADCASTER):
            return Decision.PROPOSER_NOT_BROADCASTER, None
        if not await self._proposals.decide(proposal_id, "approved", staff_id, proposed_after=oldest):
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
        """Proposals whose cancel window has passed go out (the periodic job calls this), if the
        settings in force still allow a timed release, its delay has passed too, the proposal has
        not expired, and its proposer still holds the broadcaster role (otherwise it is withheld)."""
        if self.delay is None:
            return []  # approval only now: what was armed under a delay waits for a second broadcaster
        now = self._clock.now()
        oldest = now - BROADCAST_PROPOSAL_LIFETIME
        released = []
        for proposal in await self._proposals.due_for_release(now, now - self.delay, oldest):
            if not self._staff.has(proposal.proposed_by, BROADCASTER):
                if await self._proposals.decide(proposal.id, "withheld", None):
                    await self.audit.record(
                        proposal.proposed_by,
                        "broadcast_withheld",
                        f"proposal #{proposal.id}: its proposer no longer has the broadcaster role",
                    )
                continue
            if await self._proposals.decide(proposal.id, "approved", None, proposed_after=oldest):
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
