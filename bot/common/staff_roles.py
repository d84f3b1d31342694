"""Staff roles: what each staff account may do, so one stolen account cannot do everything.

`viewer` reads statistics, exports and reports; `editor` reloads content; `broadcaster` proposes
broadcasts and approves other people's. Every staff member reads the audit log and can cancel a
broadcast waiting to go out. Ids in ADMIN_IDS keep every role, as before roles existed.

`counsellor` answers people in the counsellors' group (issue 30) and nothing else: it is never
implied by ADMIN_IDS, so whoever may read statistics is not thereby someone people talk to.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

VIEWER: Final = "viewer"
EDITOR: Final = "editor"
BROADCASTER: Final = "broadcaster"
COUNSELLOR: Final = "counsellor"
ROLES: Final = frozenset({VIEWER, EDITOR, BROADCASTER})
"""The roles ADMIN_IDS hold."""
ALL_ROLES: Final = ROLES | {COUNSELLOR}


def parse_staff_roles(text: str) -> dict[int, frozenset[str]]:
    """`STAFF_ROLES="123:viewer, 456:broadcaster+editor"`: entries split by commas or spaces, an id,
    a colon, and roles joined by '+'. Raises ValueError naming the entry that is wrong."""
    roles: dict[int, frozenset[str]] = {}
    for entry in text.replace(",", " ").split():
        staff_id, _, names = entry.partition(":")
        wanted = frozenset(name.strip().lower() for name in names.split("+") if name.strip())
        if not staff_id.strip().lstrip("-").isdigit() or not wanted:
            raise ValueError(f"'{entry}' is not id:role (for example 123:viewer or 456:broadcaster+editor)")
        unknown = sorted(wanted - ALL_ROLES)
        if unknown:
            raise ValueError(f"'{entry}': unknown role {unknown[0]!r}; roles are {', '.join(sorted(ALL_ROLES))}")
        roles[int(staff_id)] = roles.get(int(staff_id), frozenset()) | wanted
    return roles


@dataclass(frozen=True)
class StaffRoles:
    """Who is staff and with which roles; ADMIN_IDS have all of them."""

    admins: frozenset[int] = frozenset()
    by_id: Mapping[int, frozenset[str]] = field(default_factory=dict)

    def roles_of(self, user_id: int) -> frozenset[str]:
        listed = self.by_id.get(user_id, frozenset())
        return ROLES | listed if user_id in self.admins else listed

    def is_staff(self, user_id: int) -> bool:
        """Staff commands (/stats, /audit ...): a counsellor alone is not staff of the bot."""
        return bool(self.roles_of(user_id) - {COUNSELLOR})

    def has(self, user_id: int, role: str) -> bool:
        return role in self.roles_of(user_id)

    @property
    def ids(self) -> frozenset[int]:
        """Staff of the bot (their command menu, broadcast notices), counsellors alone not among them."""
        return self.admins | frozenset(staff_id for staff_id, roles in self.by_id.items() if roles - {COUNSELLOR})
