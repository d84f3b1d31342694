"""Entry points: stable names for deep links (`t.me/<bot>?start=<name>`), printed on posters.

Editors list them in `entries.yaml` as `name: lesson` (its first screen) or `name: lesson/node`.
A name outlives renamed nodes: when a screen moves, the editor points its entry somewhere else
and every poster already printed keeps working.
"""

import re
from typing import Any, Final

from bot.content.curriculum import NodeId
from bot.content.errors import Problem
from bot.content.models import Lesson
from bot.content.yaml_source import line_of

ENTRIES_FILE: Final = "entries.yaml"
ENTRY_NAME: Final = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
"""Lowercase letters and digits in words joined by single hyphens: `contract-check`."""
MAX_ENTRY_CHARS: Final = 32
"""Leaves room for a campaign tag within Telegram's 64-character start parameter."""


def check_entries(tree: Any, file: str, lessons: dict[str, Lesson]) -> tuple[dict[str, NodeId], list[Problem]]:
    """The entries that name an existing screen, and one problem for each that does not."""
    entries: dict[str, NodeId] = {}
    problems: list[Problem] = []
    for name, target in tree.items():
        line = line_of(tree, (name,))
        text = str(name)
        if len(text) > MAX_ENTRY_CHARS or not ENTRY_NAME.match(text):
            problems.append(
                Problem(
                    file,
                    line,
                    f"entry '{text}' is not a valid name: use at most {MAX_ENTRY_CHARS} lowercase letters, "
                    "digits and single hyphens, such as 'contract-check'",
                )
            )
            continue
        node_id = _target(target, lessons)
        if node_id is None:
            problems.append(
                Problem(file, line, f"entry '{text}' points to '{target}', which is not a lesson or lesson/node")
            )
            continue
        entries[text] = node_id
    return entries, problems


def _target(target: object, lessons: dict[str, Lesson]) -> NodeId | None:
    if not isinstance(target, str):
        return None
    lesson_id, _, node = target.partition("/")
    lesson = lessons.get(lesson_id)
    if lesson is None:
        return None
    node = node or lesson.start
    return NodeId(lesson_id, node) if node in lesson.nodes else None
