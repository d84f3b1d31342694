"""Staff roles: what each staff account may do, so one stolen account cannot do everything.

`viewer` reads statistics, exports and reports; `editor` reloads content; `broadcaster` proposes
broadcasts and approves other people's. Every staff member reads the audit log and can cancel a
broadcast waiting to go out. Ids in ADMIN_IDS keep every role, as before roles existed.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

VIEWER: Final = "viewer"
EDITOR: Final = "editor"
BROADCASTER: Final = "broadcaster"
ROLES: Final = frozenset({VIEWER, EDITOR, BROADCASTER})


def parse_staff_roles(text: str) -> dict[int, frozenset[str]]:
    """`STAFF_ROLES="123:viewer, 456:broadcaster+editor"`: entries split by commas or spaces, an id,
    a colon, and roles joined by '+'. Raises ValueError naming the entry that is wrong."""
    roles: dict[int, frozenset[str]] = {}
    for entry in text.replace(",", " ").split():
        staff_id, _, names = entry.partition(":")
        wanted = frozenset(name.strip().lower() for name in names.split("+") if name.strip())
        if not staff_id.strip().lstrip("-").isdigit() or not wanted:
            raise ValueError(f"'{entry}' is not id:role (for example 123:viewer or 456:broadcaster+editor)")
        unknown = sorted(wanted - ROLES)
        if unknown:
            raise ValueError(f"'{entry}': unknown role {unknown[0]!r}; roles are {', '.join(sorted(ROLES))}")
        roles[int(staff_id)] = roles.get(int(staff_id), frozenset()) | wanted
    return roles


@dataclass(frozen=True)
class StaffRoles:
    """Who is staff and with which roles; ADMIN_IDS have all of them."""

    admins: frozenset[int] = frozenset()
    by_id: Mapping[int, frozenset[str]] = field(default_factory=dict)

    def roles_of(self, user_id: int) -> frozenset[str]:
        if user_id in self.admins:
            return ROLES
        return self.by_id.get(user_id, frozenset())

    def is_staff(self, user_id: int) -> bool:
        return bool(self.roles_of(user_id))

    def has(self, user_id: int, role: str) -> bool:
        return role in self.roles_of(user_id)

    @property
    def ids(self) -> frozenset[int]:
        return self.admins | frozenset(self.by_id)
