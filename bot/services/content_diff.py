"""What a reload changed, in words staff can check against what they edited."""

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.content import Curriculum
    from bot.services.content_holder import LoadedContent


@dataclass
class ContentChanges:
    lessons_added: list[str] = field(default_factory=list)
    lessons_removed: list[str] = field(default_factory=list)
    nodes_added: list[str] = field(default_factory=list)
    nodes_removed: list[str] = field(default_factory=list)
    nodes_edited: list[str] = field(default_factory=list)
    contacts_changed: list[str] = field(default_factory=list)
    agencies_before: int = 0
    agencies_after: int = 0
    media_changed: list[str] = field(default_factory=list)
    """Recordings and pictures now offered, no longer offered, or replaced by another file."""
    media_left_out: int = 0
    """Files refused in the new content (`safar check` says why): the bot runs without them."""

    @property
    def nothing(self) -> bool:
        return not (
            self.lessons_added or self.lessons_removed or self.nodes_added or self.nodes_removed
            or self.nodes_edited or self.contacts_changed or self.agencies_before != self.agencies_after
            or self.media_changed or self.media_left_out
        )  # fmt: skip


def compare(old: "LoadedContent", new: "LoadedContent") -> ContentChanges:
    before, after = old.curriculum, new.curriculum
    changes = ContentChanges(agencies_before=len(old.agencies), agencies_after=len(new.agencies))
    changes.lessons_added = sorted(after.lessons.keys() - before.lessons.keys())
    changes.lessons_removed = sorted(before.lessons.keys() - after.lessons.keys())
    old_nodes = {str(n): before.node(n) for n in before.node_ids()}
    new_nodes = {str(n): after.node(n) for n in after.node_ids()}
    changes.nodes_added = sorted(new_nodes.keys() - old_nodes.keys())
    changes.nodes_removed = sorted(old_nodes.keys() - new_nodes.keys())
    changes.nodes_edited = sorted(k for k in old_nodes.keys() & new_nodes.keys() if old_nodes[k] != new_nodes[k])
    for lesson_id in before.lessons.keys() & after.lessons.keys():
        old_lesson, new_lesson = before.lessons[lesson_id], after.lessons[lesson_id]
        if (old_lesson.title, old_lesson.facts, old_lesson.start) != (
            new_lesson.title,
            new_lesson.facts,
            new_lesson.start,
        ):
            changes.nodes_edited.append(f"{lesson_id} (title, start or facts)")
    contacts = before.contacts.keys() | after.contacts.keys()
    changes.contacts_changed = sorted(c for c in contacts if before.contacts.get(c) != after.contacts.get(c))
    old_media, new_media = _offered_media(before), _offered_media(after)
    names = old_media.keys() | new_media.keys()
    changes.media_changed = sorted(n for n in names if old_media.get(n) != new_media.get(n))
    changes.media_left_out = sum(not p.is_warning for p in after.media.problems)
    return changes


def _offered_media(curriculum: "Curriculum") -> dict[str, str]:
    """Each recording offered and each picture shown, by file name, with its content's hash."""
    media = curriculum.media
    offered = {r.name: r.digest for r in media.recordings.values() if media.recording(r.screen, r.language) is r}
    return offered | {p.name: p.digest for p in media.pictures.values()}
