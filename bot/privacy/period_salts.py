"""Random salts that live in memory for one period (a day) and are then forgotten.

Anything that must only hold for a day (the day's sketch of users, the day's report limit) is
keyed with the day's salt instead of the permanent pseudonym key: whoever later copies the disk,
key files included, cannot recompute a person's entry, because the salt that made it is gone.
A restart starts a new salt, as if a new day began: a user active before and after a restart is
counted twice in that day's sketch, and may file the day's reports again (a small price).
"""

import hashlib
import hmac
import secrets

KEPT_PERIODS = 2
"""The current period and the one before (roll-ups of yesterday's last hours run after midnight)."""


class PeriodSalts:
    """Salts of the latest periods; older ones are dropped as later periods ask for theirs."""

    def __init__(self) -> None:
        self._salts: dict[str, bytes] = {}

    def keyed(self, period: str, value: str) -> str:
        """`value` hashed with the salt of `period` (hex, uniformly random bits)."""
        salt = self._salts.get(period)
        if salt is None:
            salt = self._salts[period] = secrets.token_bytes(32)
            for old in sorted(self._salts)[:-KEPT_PERIODS]:
                del self._salts[old]
        return hmac.new(salt, value.encode(), hashlib.sha256).hexdigest()[:32]

    def periods(self) -> list[str]:
        return sorted(self._salts)
