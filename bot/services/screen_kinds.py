"""How each kind of lesson screen becomes its buttons: one step per `NodeKind`, registered here
(each kind's fields are its model in bot/content/models.py: PageNode, QuestionNode, ResultNode).

The text of every kind is rendered alike (Curriculum.render_node picks a result's text); what
differs is the keyboard and whether the lesson ends there. A new kind of screen adds its step
to `KEYBOARDS` (docs/architecture.md, "A new kind of screen").
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Final, Literal

from bot.content import Curriculum, NodeId
from bot.content.curriculum import TALK_TOOL, answers_ref, node_ref
from bot.content.models import Button, Node, NodeKind

MAX_ANSWERS_IN_ONE_ROW = 3
"""Short answer sets sit side by side; longer ones get a row each so their labels stay readable."""


@dataclass(frozen=True)
class ScreenButton:
    label: str
    kind: Literal["go", "answer", "url", "tool"]
    target: str
    """A node ref for 'go', an answers ref for 'answer', an address for 'url', a tool's name for 'tool'."""
    index: int = 0


@dataclass(frozen=True)
class Keyboard:
    rows: list[list[ScreenButton]]
    is_end: bool
    """The lesson ends here: no button leads further inside it."""


KeyboardStep = Callable[[Curriculum, NodeId, Node, str], Keyboard]


def _button(curriculum: Curriculum, lesson: str, button: Button, language: str) -> ScreenButton:
    label = curriculum.label(button.label, language)
    if button.url is not None:
        return ScreenButton(label, "url", button.url)
    if button.tool is not None:
        return ScreenButton(label, "tool", button.tool)
    target = NodeId(lesson, button.goto) if button.goto else curriculum.start_of(str(button.lesson))
    if curriculum.offers_only_a_person(target):
        return ScreenButton(label, "tool", TALK_TOOL)  # the offer itself: hidden with the desk closed
    return ScreenButton(label, "go", node_ref(target))


def _buttons(curriculum: Curriculum, node_id: NodeId, node: Node, language: str) -> list[list[ScreenButton]]:
    return [[_button(curriculum, node_id.lesson, button, language)] for button in node.buttons]


def page(curriculum: Curriculum, node_id: NodeId, node: Node, language: str) -> Keyboard:
    """A button a row; the lesson ends here unless one of them leads to another of its screens."""
    return Keyboard(_buttons(curriculum, node_id, node, language), is_end=not any(b.goto for b in node.buttons))


def question(curriculum: Curriculum, node_id: NodeId, node: Node, language: str) -> Keyboard:
    """The answers, which all carry the question's answers ref and their index."""
    ref = answers_ref(node_id, node)
    answers = [
        ScreenButton(curriculum.label(a.label, language), "answer", ref, index) for index, a in enumerate(node.answers)
    ]
    rows = [answers] if len(answers) <= MAX_ANSWERS_IN_ONE_ROW else [[b] for b in answers]
    return Keyboard(rows, is_end=False)


def result(curriculum: Curriculum, node_id: NodeId, node: Node, language: str) -> Keyboard:
    """Its buttons like a page, but always the end of the lesson: the check is over."""
    return Keyboard(_buttons(curriculum, node_id, node, language), is_end=True)


KEYBOARDS: Final[dict[NodeKind, KeyboardStep]] = {
    NodeKind.PAGE: page,
    NodeKind.QUESTION: question,
    NodeKind.RESULT: result,
}
"""Every kind of screen and the step that builds its keyboard."""
