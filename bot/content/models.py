"""The shape of content files, as pydantic models that refuse unknown fields.

A lesson is a graph of nodes, after RapidPro flows: a node shows text and either buttons that
lead elsewhere or the answers of a check; a result node picks its text by score or category.
"""

import calendar
import re
from datetime import date
from enum import StrEnum
from typing import Annotated, ClassVar, Literal, Self

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    StringConstraints,
    Tag,
    model_validator,
)

from bot.common.languages import LanguageCode

Localized = dict[LanguageCode, Annotated[str, StringConstraints(min_length=1)]]
"""One text in several languages, side by side, so an editor sees at once what is missing."""

Identifier = Annotated[str, StringConstraints(pattern=r"^[a-z0-9_]{1,40}$")]

Need = Literal["emergency", "trafficking", "labour_rights", "consular", "legal_aid", "psychological"]

_PHONE = re.compile(r"^\+?[0-9][0-9 ()-]{1,24}$")
_ISO_DAY = re.compile(r"^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})$")


def _day_as_written(value: object) -> object:
    """A date as editors type it (2026-11-22); anything else refused in words they understand.

    The YAML reader keeps dates as typed, so an impossible one (2026-22-11) arrives here as text
    and gets a located message instead of crashing the parser; a bare number is not a date.
    """
    if isinstance(value, date):
        return value
    match = _ISO_DAY.match(value.strip()) if isinstance(value, str) else None
    if match is None:
        raise ValueError(f"'{value}' is not a date: write dates as 2026-11-22 (year-month-day)")
    year, month, day = (int(part) for part in match.groups())
    if not 1 <= month <= 12:
        raise ValueError(f"'{value}' has no month {month}: write dates as year-month-day, such as 2026-11-22")
    days_in_month = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days_in_month:
        month_name = calendar.month_name[month]
        raise ValueError(f"'{value}' is not a real date: {month_name} {year} has {days_in_month} days")
    return date(year, month, day)


Day = Annotated[date, BeforeValidator(_day_as_written)]
"""A calendar date in a content file."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Fact(_Strict):
    """A fact kept inside one lesson, with where it comes from; shared facts live in facts.yaml."""

    claim: str
    source: str = Field(min_length=3)
    checked: Day


Tool = Literal["agency_check", "report_offer", "passport_country", "talk_to_person", "reminders"]
"""Interactive tools a lesson button can open: the agency check, the offer report, the reader's
own country's embassy and contacts (which asks their passport's country first), a person to
talk to (the counsellors' desk; the button is left out where it is not set up), and the reminders
menu (what /reminders shows)."""

PassportCountry = Literal["TJ", "UZ", "KG", "other"]
"""The country of a reader's passport, as they answered it: the language does not tell it."""

OLD_TOOL_KEY = "feature"
"""What a button's `tool:` was called until issue 28; still read, and `safar check` asks to rename it."""


class Button(_Strict):
    """A button under a node: to another node of this lesson, another lesson, a page or a tool."""

    label: Localized
    goto: Identifier | None = None
    lesson: Identifier | None = None
    url: Annotated[str, StringConstraints(pattern=r"^https://\S+$")] | None = None
    tool: Tool | None = None

    @model_validator(mode="before")
    @classmethod
    def _old_tool_key(cls, data: object) -> object:
        """Files written before `tool:` had its name keep working (the loader warns about them)."""
        if isinstance(data, dict) and OLD_TOOL_KEY in data and "tool" not in data:
            data = {("tool" if key == OLD_TOOL_KEY else key): value for key, value in data.items()}
        return data

    @model_validator(mode="after")
    def _one_target(self) -> Self:
        targets = [t for t in (self.goto, self.lesson, self.url, self.tool) if t is not None]
        if len(targets) != 1:
            raise ValueError("a button needs exactly one of 'goto', 'lesson', 'url' or 'tool'")
        return self


class Answer(_Strict):
    """One answer to a check question; its points and category are added up for the result."""

    label: Localized
    goto: Identifier
    points: int = Field(default=0, ge=0, le=100)
    category: Identifier | None = None


class ResultCase(_Strict):
    """A text shown when the check's score lies in a band and/or a category was chosen.

    Cases are tried in order and the first that matches wins; the last must match anything.
    """

    min_score: int | None = None
    max_score: int | None = None
    category: Identifier | None = None
    name: Identifier
    """The named result, recorded for statistics (like a RapidPro category)."""
    text: Localized

    @property
    def is_default(self) -> bool:
        return self.min_score is None and self.max_score is None and self.category is None

    def matches(self, score: int, categories: frozenset[str]) -> bool:
        if self.min_score is not None and score < self.min_score:
            return False
        if self.max_score is not None and score > self.max_score:
            return False
        return self.category is None or self.category in categories


class NodeKind(StrEnum):
    """The kinds of screen a lesson has: a node's `kind:`, or, where its YAML leaves it out, what
    its fields say (`answers` make a question, `results` a result, anything else a page).

    Each kind is one model below, with only its own fields, and its own rendering step in
    bot/services/screen_kinds.py (docs/architecture.md, "A new kind of screen").
    """

    PAGE = "page"
    """Text and buttons to other screens, lessons, pages or tools; without buttons that lead on, a lesson's end."""
    QUESTION = "question"
    """A check's question: its answers are the buttons, and their points and categories are kept."""
    RESULT = "result"
    """The check's outcome: the text its score or category picks from `results`; always a lesson's end."""


class _NodeBase(_Strict):
    """What every kind of screen may have."""

    facts: list[Identifier] = []
    keywords: dict[LanguageCode, list[str]] = {}
    """Words and synonyms people type for this screen, beyond those in its text (for search)."""

    @model_validator(mode="before")
    @classmethod
    def _one_kind(cls, data: object) -> object:
        """Fields of two kinds, or of another kind than the one declared, in words an editor acts on."""
        if not isinstance(data, dict):
            return data
        if data.get("text") is None and not data.get("results"):
            raise ValueError("a node needs 'text' or 'results'")
        if data.get("answers") and data.get("buttons"):
            raise ValueError("a node has either 'buttons' or 'answers', not both")
        if data.get("answers") and data.get("results"):
            raise ValueError("a node has either 'answers' (a question) or 'results' (its outcome), not both")
        own = cls.model_fields
        for name in data:
            other = _KIND_OF_FIELD.get(name)
            if name not in own and other is not None:
                declared = own["kind"].default
                raise ValueError(
                    f"'kind: {declared}' cannot have '{name}' (a {other} has them): "
                    f"remove '{name}', or write 'kind: {other}'"
                )
        return data


class PageNode(_NodeBase):
    """Text and buttons; the lesson ends here unless a button leads to another of its screens."""

    kind: Literal[NodeKind.PAGE] = NodeKind.PAGE
    text: Localized
    buttons: list[Button] = []
    answers: ClassVar[tuple[Answer, ...]] = ()
    results: ClassVar[tuple[ResultCase, ...]] = ()


class QuestionNode(_NodeBase):
    """A check's question: its answers, each with points and a category, lead to the next screen."""

    kind: Literal[NodeKind.QUESTION] = NodeKind.QUESTION
    text: Localized
    answers: list[Answer] = Field(min_length=1)
    buttons: ClassVar[tuple[Button, ...]] = ()
    results: ClassVar[tuple[ResultCase, ...]] = ()


class ResultNode(_NodeBase):
    """The check's outcome: the first of `results` that fits the score and categories, after `text`."""

    kind: Literal[NodeKind.RESULT] = NodeKind.RESULT
    text: Localized | None = None
    results: list[ResultCase] = Field(min_length=1)
    buttons: list[Button] = []
    answers: ClassVar[tuple[Answer, ...]] = ()

    @model_validator(mode="after")
    def _default_last(self) -> Self:
        if not self.results[-1].is_default:
            raise ValueError("the last of 'results' must have no condition, so every score fits")
        return self


Node = PageNode | QuestionNode | ResultNode
"""One screen of a lesson, of one kind."""
NODE_KINDS: dict[NodeKind, type[PageNode] | type[QuestionNode] | type[ResultNode]] = {
    NodeKind.PAGE: PageNode,
    NodeKind.QUESTION: QuestionNode,
    NodeKind.RESULT: ResultNode,
}
"""Every kind of screen and its model: the one place a new kind is added to the content."""
_KIND_OF_FIELD = {
    name: kind
    for kind, model in NODE_KINDS.items()
    for name in model.model_fields
    if sum(name in other.model_fields for other in NODE_KINDS.values()) == 1
}
"""The fields only one kind has ('answers', 'results'), for the message when a node declares another."""


def _kind_of(node: object) -> str | None:
    """The tag of a node: its `kind:` when written, else what its fields make it."""
    if not isinstance(node, dict):
        return getattr(node, "kind", None)
    if "kind" in node:
        return str(node["kind"])
    if node.get("answers"):
        return NodeKind.QUESTION
    if node.get("results"):
        return NodeKind.RESULT
    return NodeKind.PAGE


TaggedNode = Annotated[
    Annotated[PageNode, Tag(NodeKind.PAGE)]
    | Annotated[QuestionNode, Tag(NodeKind.QUESTION)]
    | Annotated[ResultNode, Tag(NodeKind.RESULT)],
    Discriminator(_kind_of),
]
"""A node as a lesson file holds it: the kind told by `kind:` or by its fields."""


class Lesson(_Strict):
    """One lesson file: a title, a start node and the nodes, every language side by side."""

    title: Localized
    start: Identifier
    keywords: dict[LanguageCode, list[str]] = {}
    facts: dict[Identifier, Fact] = {}
    nodes: dict[Identifier, TaggedNode] = Field(min_length=1)


class Contact(_Strict):
    """A hotline, embassy or organisation; lessons refer to it by id and never copy it."""

    name: Localized
    country: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
    needs: list[Need] = Field(min_length=1)
    phone: str | None = None
    url: Annotated[str, StringConstraints(pattern=r"^https?://\S+$")] | None = None
    hours: Localized | None = None
    note: Localized | None = None
    source: str = Field(min_length=3)
    source_date: Day | None = None
    """When the source was published, where that differs from when we checked it."""
    checked: Day
    citizens: list[PassportCountry] = Field(default_factory=list)
    """Whose citizens it serves (an embassy, a home ministry): the "your country" screen shows it to them."""
    status: Literal["active", "not-answering"] = "active"
    """'not-answering' when callers' answers (in `/contacts`, `safar report`) show it failing."""
    when_not_answering: Literal["warn", "hide"] = "warn"
    """What users see of a 'not-answering' contact: the card with a warning, or nothing."""

    @property
    def hidden(self) -> bool:
        return self.status == "not-answering" and self.when_not_answering == "hide"

    @model_validator(mode="after")
    def _reachable(self) -> Self:
        if self.phone is None and self.url is None:
            raise ValueError("a contact needs a 'phone' or a 'url'")
        if self.phone is not None and not _PHONE.match(self.phone):
            raise ValueError(f"'{self.phone}' does not look like a phone number")
        return self
