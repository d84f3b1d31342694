"""The loaded, checked curriculum: lessons, contacts and their compiled templates."""

import hashlib
from base64 import urlsafe_b64encode
from dataclasses import dataclass, field
from typing import NamedTuple

from bot.common.languages import FALLBACK_CHAIN, LANGUAGES
from bot.content.errors import Problem
from bot.content.facts import RegisteredFact
from bot.content.media import MediaLibrary
from bot.content.models import Contact, Lesson, Localized, Node, ResultCase
from bot.content.rendering import Citizenship, ContactRecorder, ContactRenderer, TextTemplate, pick, render
from bot.understanding.advert_flags import AdvertFlags
from bot.understanding.danger_signals import DangerSignals

MAIN_LESSON = "main"
"""The lesson whose start node is the main menu."""
HOTLINES_LESSON = "hotlines"
"""The lesson `/sos` and the help button open."""
TALK_TOOL = "talk_to_person"
"""The `tool:` of a lesson button that offers a person (the counsellors' desk)."""
HELP_BY_KIND_NODE = "needs"
"""The hotlines screen that lists help by kind (legal aid, psychological support, ...): where a person
was offered and the counsellors' desk is not set up, this is the honest way to one."""

REF_LENGTH = 8
"""Characters of a node reference in callback data: 48 bits, collisions are checked at load."""


class NodeId(NamedTuple):
    lesson: str
    node: str

    def __str__(self) -> str:
        return f"{self.lesson}/{self.node}"


PERSON_OFFER = NodeId("tools", "person")
"""The screen that only offers a person (the counsellors' desk): its keywords find "operator", "a real person"."""


def node_ref(node_id: NodeId) -> str:
    """A short, stable name for a node in callback data, whatever length its ids have.

    It depends only on the ids, so buttons on old messages keep working across restarts and
    unrelated edits, and stop (as 'this menu has changed') only when their node is gone.
    """
    digest = hashlib.blake2b(str(node_id).encode(), digest_size=6).digest()
    return urlsafe_b64encode(digest).decode()[:REF_LENGTH]


def answers_ref(node_id: NodeId, node: Node) -> str:
    """Like `node_ref`, but changes when a check question's answers change, so an old answer
    button can never be counted as a different answer."""
    shape = "|".join(f"{a.goto}:{a.points}:{a.category}" for a in node.answers)
    digest = hashlib.blake2b(f"{node_id}#{shape}".encode(), digest_size=6).digest()
    return urlsafe_b64encode(digest).decode()[:REF_LENGTH]


@dataclass(frozen=True)
class RenderedNode:
    text: str
    result: ResultCase | None = None


@dataclass
class Curriculum:
    """Everything the bot shows from content; built only by the loader, after every check."""

    lessons: dict[str, Lesson]
    contacts: dict[str, Contact]
    contact_renderer: ContactRenderer
    templates: dict[tuple[NodeId, str, str], TextTemplate]
    """Compiled templates by (node, part, language); part is 'text' or 'result:<i>'."""
    warnings: list[Problem] = field(default_factory=list)
    facts: "dict[str, RegisteredFact]" = field(default_factory=dict)
    """The facts registry (facts.yaml) lessons cite and `fact()` inserts."""
    entries: dict[str, NodeId] = field(default_factory=dict)
    """Deep-link entry points by name (`entries.yaml`)."""
    danger_signals: DangerSignals = field(default_factory=DangerSignals)
    media: MediaLibrary = field(default_factory=MediaLibrary)
    """Recordings and pictures beside the lessons (bot/content/media.py); set by the loader."""
    advert_flags: AdvertFlags = field(default_factory=AdvertFlags)
    """The red flags the advert check looks for (`advert_flags.yaml`)."""
    _by_ref: dict[str, NodeId] = field(default_factory=dict)
    _answers_by_ref: dict[str, NodeId] = field(default_factory=dict)
    _rendered: dict[tuple[NodeId, str, str, Citizenship], str] = field(default_factory=dict)
    """Texts already rendered: a template's output depends only on this curriculum, the language and,
    for a text that shows contacts meant for one country's citizens, the reader's passport country."""
    _by_country: dict[tuple[NodeId, str], bool] = field(default_factory=dict)
    """Whether a text differs by the reader's passport country (node, part)."""
    _contacts_on: dict[tuple[NodeId, Citizenship], tuple[str, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for node_id in self.node_ids():
            self._by_ref[node_ref(node_id)] = node_id
            node = self.node(node_id)
            if node.answers:
                self._answers_by_ref[answers_ref(node_id, node)] = node_id

    def node_ids(self) -> list[NodeId]:
        return [NodeId(lesson_id, node_id) for lesson_id, lesson in self.lessons.items() for node_id in lesson.nodes]

    def node(self, node_id: NodeId) -> Node:
        return self.lessons[node_id.lesson].nodes[node_id.node]

    def has(self, node_id: NodeId) -> bool:
        lesson = self.lessons.get(node_id.lesson)
        return lesson is not None and node_id.node in lesson.nodes

    def start_of(self, lesson_id: str) -> NodeId:
        return NodeId(lesson_id, self.lessons[lesson_id].start)

    @property
    def home(self) -> NodeId:
        return self.start_of(MAIN_LESSON)

    @property
    def hotlines(self) -> NodeId:
        return self.start_of(HOTLINES_LESSON)

    @property
    def help_by_kind(self) -> NodeId | None:
        node_id = NodeId(HOTLINES_LESSON, HELP_BY_KIND_NODE)
        return node_id if self.has(node_id) else None

    def offers_only_a_person(self, node_id: NodeId) -> bool:
        """The screen that is nothing but the offer of a person ("Talk to a person" in the tools): a
        button or a search result leading to it is that offer, shown only while the desk is open."""
        return node_id == PERSON_OFFER

    def by_ref(self, ref: str) -> NodeId | None:
        return self._by_ref.get(ref)

    def entry(self, name: str) -> NodeId | None:
        """The screen a deep link's entry name opens, if it names one."""
        return self.entries.get(name)

    def entry_for_lesson(self, lesson_id: str) -> str | None:
        """The entry that opens a lesson at its start (to share it), else the main menu's."""
        for wanted in (self.start_of(lesson_id), self.home):
            for name, target in self.entries.items():
                if target == wanted:
                    return name
        return None

    def by_answers_ref(self, ref: str) -> NodeId | None:
        return self._answers_by_ref.get(ref)

    def title(self, lesson_id: str, language: str) -> str:
        return pick(self.lessons[lesson_id].title, language)

    def label(self, text: Localized, language: str) -> str:
        return pick(text, language)

    def render_node(
        self,
        node_id: NodeId,
        language: str,
        score: int = 0,
        categories: frozenset[str] = frozenset(),
        citizen_of: Citizenship = None,
    ) -> RenderedNode:
        """The node's message in `language` for a citizen of `citizen_of` (None: not said); a result
        node adds the text its check result picks."""
        node = self.node(node_id)
        parts = []
        if node.text is not None:
            parts.append(self._render(node_id, "text", node.text, language, citizen_of))
        chosen = None
        for index, case in enumerate(node.results):
            if case.matches(score, categories):
                chosen = case
                parts.append(self._render(node_id, f"result:{index}", case.text, language, citizen_of))
                break
        return RenderedNode(text="\n\n".join(parts), result=chosen)

    def contacts_on(self, node_id: NodeId, citizen_of: Citizenship = None) -> tuple[str, ...]:
        """The contacts a screen shows a citizen of `citizen_of` (in its text or any result), in order, each once."""
        key = (node_id, citizen_of)
        if key not in self._contacts_on:
            recorder = ContactRecorder(self.contact_renderer)
            for (template_node, _part, language), template in self.templates.items():
                if template_node == node_id:
                    render(template, language, recorder, citizen_of)
            self._contacts_on[key] = tuple(recorder.shown)
        return self._contacts_on[key]

    def shows_citizens_contacts(self, node_id: NodeId, citizen_of: Citizenship = None) -> bool:
        """Whether the screen shows a contact meant for one country's citizens (an embassy, a home ministry)."""
        return any(self.contacts[cid].citizens for cid in self.contacts_on(node_id, citizen_of))

    def render_result(self, node_id: NodeId, index: int, language: str) -> str:
        """One result case's text, whatever the score: for previews that show every case."""
        case = self.node(node_id).results[index]
        return self._render(node_id, f"result:{index}", case.text, language)

    def render_text(self, node_id: NodeId, language: str, citizen_of: Citizenship = None) -> str:
        """The node's own text without any result case ('' for a node that has only results)."""
        node = self.node(node_id)
        return self._render(node_id, "text", node.text, language, citizen_of) if node.text is not None else ""

    def _render(
        self, node_id: NodeId, part: str, text: Localized, language: str, citizen_of: Citizenship = None
    ) -> str:
        # one text for every reader unless it differs by country: the cache grows only for those texts
        reader = citizen_of if self._differs_by_country(node_id, part) else None
        key = (node_id, part, language, reader)
        if key not in self._rendered:
            self._rendered[key] = self._render_once(node_id, part, text, language, reader)
        return self._rendered[key]

    def _differs_by_country(self, node_id: NodeId, part: str) -> bool:
        """A text differs by the reader's country when it shows a contact meant for one country's
        citizens (to a reader who has not said, it shows every contact it names)."""
        key = (node_id, part)
        if key not in self._by_country:
            recorder = ContactRecorder(self.contact_renderer)
            for language in LANGUAGES:
                template = self.templates.get((node_id, part, language))
                if template is not None:
                    render(template, language, recorder)
            self._by_country[key] = any(self.contacts[cid].citizens for cid in recorder.shown)
        return self._by_country[key]

    def _render_once(self, node_id: NodeId, part: str, text: Localized, language: str, citizen_of: Citizenship) -> str:
        for candidate in _chain(text, language):
            template = self.templates.get((node_id, part, candidate))
            if template is not None:
                return render(template, language, self.contact_renderer, citizen_of)
        raise KeyError(f"{node_id} {part}")  # the loader compiles every existing translation


def _chain(text: Localized, language: str) -> list[str]:
    return [c for c in FALLBACK_CHAIN.get(language, FALLBACK_CHAIN["en"]) if c in text]
