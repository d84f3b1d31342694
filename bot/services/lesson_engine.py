"""The dialogue engine: where a user is in the curriculum and what they see next.

A conversation is plain data kept in the FSM storage; the engine turns a user's move (open a
node, answer, go back, go home) into the next `Screen`, without knowing about Telegram.
"""

from dataclasses import dataclass, field
from typing import Any

from bot.common.navigation import NavAction
from bot.content import Curriculum, NodeId
from bot.content.curriculum import HOTLINES_LESSON, MAIN_LESSON
from bot.content.media import Picture, Recording
from bot.content.media import Screen as MediaScreen
from bot.content.rendering import Citizenship
from bot.services.screen_kinds import KEYBOARDS, ScreenButton

MY_COUNTRY_TOOL = "passport_country"
"""The tool that asks the reader's passport country and shows their own embassy and contacts."""

MAX_HISTORY = 30
"""Steps 'back' can undo; older ones are dropped so the stored state stays small."""
FOUND_LIST = "~found"
"""The "lesson" of a history entry that is a list of screens a typed message found, its node their
refs joined by dots: "◀️ Back" from a screen chosen there returns to the list. No content lesson
can have this name (lesson names are identifiers), and it holds screens, never the words typed."""
MAX_CALLABLE = 20
"""Contacts listed under "I called": one button each, well within a keyboard and callback data."""


@dataclass(frozen=True)
class Screen:
    node: NodeId
    text: str
    rows: list[list[ScreenButton]]
    nav: list[NavAction]
    result: str | None = None
    """The named result a check ended in, when this screen shows one."""
    is_end: bool = False
    """The lesson ends here: no button leads further inside it."""
    share_entry: str | None = None
    """The entry point a "share with a friend" button links to (on the menu and at lesson ends)."""
    callable_contacts: tuple[str, ...] = ()
    """Contacts with a phone number the screen shows: they get an "I called" button."""
    flaggable: bool = False
    """Lesson screens (not the menu) can be flagged as wrong or out of date."""
    recording: Recording | None = None
    """A recording of this screen in the reader's language that reads its text as it is now: "🔊 Listen"."""
    picture: Picture | None = None
    """A specimen of what the screen talks about: "🖼 What it looks like"."""
    offers_listen_mode: bool = False
    """The first screen of a lesson recorded throughout in the reader's language: listen mode can be chosen here."""


@dataclass
class Conversation:
    """A user's place: the node shown, the way back, and answers of the check under way."""

    position: NodeId | None = None
    history: list[NodeId] = field(default_factory=list)
    answers: dict[str, int] = field(default_factory=dict)

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> "Conversation":
        def node(value: Any) -> NodeId | None:
            if isinstance(value, list) and len(value) == 2:
                return NodeId(str(value[0]), str(value[1]))
            return None

        history = [n for n in (node(item) for item in data.get("history", [])) if n is not None]
        answers = {str(k): int(v) for k, v in dict(data.get("answers", {})).items()}
        return cls(position=node(data.get("position")), history=history, answers=answers)

    def to_data(self) -> dict[str, Any]:
        return {
            "position": list(self.position) if self.position else None,
            "history": [list(n) for n in self.history],
            "answers": self.answers,
        }


class DialogueEngine:
    def __init__(self, curriculum: Curriculum) -> None:
        self.curriculum = curriculum

    def open(self, conversation: Conversation, target: NodeId, language: str, citizen_of: Citizenship = None) -> Screen:
        """Move to `target`, remembering the way back; `citizen_of` is the reader's passport country
        (None: not said), which the contacts a screen shows depend on."""
        if conversation.position is not None and conversation.position != target:
            conversation.history = [*conversation.history, conversation.position][-MAX_HISTORY:]
        if target == self.curriculum.start_of(target.lesson) or (
            conversation.position is not None and conversation.position.lesson != target.lesson
        ):
            conversation.answers = {}
        conversation.position = target
        return self.screen(conversation, language, citizen_of)

    def answer(
        self, conversation: Conversation, question: NodeId, index: int, language: str, citizen_of: Citizenship = None
    ) -> Screen:
        """Record a check answer (replacing an earlier one to the same question) and move on."""
        answer = self.curriculum.node(question).answers[index]
        conversation.position = question
        conversation.answers[question.node] = index
        return self.open(conversation, NodeId(question.lesson, answer.goto), language, citizen_of)

    def open_from_list(
        self, conversation: Conversation, target: NodeId, listed: str, language: str, citizen_of: Citizenship = None
    ) -> Screen:
        """Open a screen chosen from the screens a typed message found (`listed`: their refs joined
        by dots), so that "◀️ Back" returns to that list."""
        before = conversation.position
        if before is not None:
            conversation.history.append(before)
        conversation.history = [*conversation.history, NodeId(FOUND_LIST, listed)][-MAX_HISTORY:]
        if before is None or before.lesson != target.lesson:
            conversation.answers = {}
        conversation.position = None
        return self.open(conversation, target, language, citizen_of)

    def back_to_list(self, conversation: Conversation) -> list[NodeId] | None:
        """Step back to a list of found screens when that is the way back: its screens that still
        exist (None, and nothing changed, when the way back is a screen or the list's screens are
        all gone). The place before the question becomes the place again."""
        if not conversation.history or conversation.history[-1].lesson != FOUND_LIST:
            return None
        refs = conversation.history[-1].node.split(".")
        listed = [node for ref in refs if (node := self.curriculum.by_ref(ref)) is not None]
        if not listed:
            return None
        conversation.history.pop()
        conversation.position = conversation.history.pop() if conversation.history else None
        return listed

    def back(self, conversation: Conversation, language: str, citizen_of: Citizenship = None) -> Screen:
        while conversation.history:
            previous = conversation.history.pop()
            if self.curriculum.has(previous):
                conversation.position = previous
                return self.screen(conversation, language, citizen_of)
        return self.home(conversation, language, citizen_of)

    def home(self, conversation: Conversation, language: str, citizen_of: Citizenship = None) -> Screen:
        conversation.history = []
        conversation.answers = {}
        conversation.position = self.curriculum.home
        return self.screen(conversation, language, citizen_of)

    def help(self, conversation: Conversation, language: str, citizen_of: Citizenship = None) -> Screen:
        return self.open(conversation, self.curriculum.hotlines, language, citizen_of)

    def navigate(
        self, conversation: Conversation, action: NavAction, language: str, citizen_of: Citizenship = None
    ) -> Screen:
        """The step a nav button (back, menu, help) takes."""
        steps = {NavAction.BACK: self.back, NavAction.HOME: self.home, NavAction.HELP: self.help}
        return steps[action](conversation, language, citizen_of)

    def current(self, conversation: Conversation, language: str, citizen_of: Citizenship = None) -> Screen:
        """Show again where the user is; home if that place no longer exists."""
        if conversation.position is None or not self.curriculum.has(conversation.position):
            return self.home(conversation, language, citizen_of)
        return self.screen(conversation, language, citizen_of)

    def screen(self, conversation: Conversation, language: str, citizen_of: Citizenship = None) -> Screen:
        assert conversation.position is not None
        node_id = conversation.position
        node = self.curriculum.node(node_id)
        score, categories = self._tally(conversation)
        rendered = self.curriculum.render_node(node_id, language, score, categories, citizen_of)
        keyboard = KEYBOARDS[node.kind](self.curriculum, node_id, node, language)
        shared = node_id == self.curriculum.home or (keyboard.is_end and node_id.lesson != MAIN_LESSON)
        return Screen(
            node=node_id,
            text=rendered.text,
            rows=keyboard.rows + self._my_country_row(node_id, keyboard.rows, language, citizen_of),
            nav=self._nav(conversation, node_id),
            result=rendered.result.name if rendered.result else None,
            is_end=keyboard.is_end,
            share_entry=self.curriculum.entry_for_lesson(node_id.lesson) if shared else None,
            callable_contacts=self.callable_contacts(node_id, citizen_of),
            flaggable=node_id.lesson != MAIN_LESSON,
            recording=self.curriculum.media.recording(MediaScreen(*node_id), language),
            picture=self.curriculum.media.picture(MediaScreen(*node_id)),
            offers_listen_mode=node_id == self.curriculum.start_of(node_id.lesson)
            and self.recorded_throughout(node_id.lesson, language),
        )

    def recorded_throughout(self, lesson: str, language: str) -> bool:
        """Every screen of `lesson` has a current recording in `language`: it can be listened to from start to end."""
        media = self.curriculum.media
        if not media.recordings:  # the common case, answered without walking the lesson
            return False
        return media.all_recorded(
            [MediaScreen(lesson, node) for node in self.curriculum.lessons[lesson].nodes], language
        )

    def callable_contacts(self, node_id: NodeId, citizen_of: Citizenship = None) -> tuple[str, ...]:
        """The phone numbers a caller can report on, at most a keyboard's worth (see `MAX_CALLABLE`)."""
        contacts = self.curriculum.contacts
        shown = self.curriculum.contacts_on(node_id, citizen_of)
        return tuple(cid for cid in shown if contacts[cid].phone)[:MAX_CALLABLE]

    def _my_country_row(
        self, node_id: NodeId, rows: list[list[ScreenButton]], language: str, citizen_of: Citizenship
    ) -> list[list[ScreenButton]]:
        """To a reader who has not said their passport country, a screen listing some country's
        embassy or ministry offers the question that shows their own (unless its buttons already do)."""
        if citizen_of is not None or not self.curriculum.shows_citizens_contacts(node_id):
            return []
        if any(button.kind == "tool" and button.target == MY_COUNTRY_TOOL for row in rows for button in row):
            return []
        label = self.curriculum.contact_renderer.my_country_label(language)
        return [[ScreenButton(label, "tool", MY_COUNTRY_TOOL)]]

    def _tally(self, conversation: Conversation) -> tuple[int, frozenset[str]]:
        score, categories = 0, set[str]()
        if conversation.position is None:
            return 0, frozenset()
        lesson = self.curriculum.lessons[conversation.position.lesson]
        for question, index in conversation.answers.items():
            node = lesson.nodes.get(question)
            if node is None or index >= len(node.answers):
                continue
            chosen = node.answers[index]
            score += chosen.points
            if chosen.category is not None:
                categories.add(chosen.category)
        return score, frozenset(categories)

    def _nav(self, conversation: Conversation, node_id: NodeId) -> list[NavAction]:
        nav = []
        if conversation.history:
            nav.append(NavAction.BACK)
        if node_id != self.curriculum.home:
            nav.append(NavAction.HOME)
        if node_id.lesson != HOTLINES_LESSON:
            nav.append(NavAction.HELP)
        return nav
