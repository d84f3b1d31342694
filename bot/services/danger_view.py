"""What the bot shows first when a typed message signals danger: the hotlines, the screen of the
situation, and the red-flag check where it is about that danger.

No country is stored. When the message names one that has a hotlines screen, that screen is
shown; otherwise the hotlines start (the emergency numbers of every country) with a one-tap
choice of country. The country screens are the hotlines lesson's nodes that show
`contacts(country='XX')`, so a country added to the content appears here without a code change.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.content import Curriculum
from bot.content.curriculum import HOTLINES_LESSON, NodeId
from bot.content.rendering import pick
from bot.understanding.search import screen_title

RED_FLAGS_LESSON = "red_flags"
"""The lesson with the forced-labour self-check (the ILO indicators)."""
_COUNTRY_CONTACTS = re.compile(r"contacts\([^)]*country\s*=\s*['\"]([A-Z]{2})['\"]")


@dataclass(frozen=True)
class CountryChoice:
    country: str
    node: NodeId


MAX_SITUATION_OFFERS = 2
"""Buttons besides the countries, the person and the menu: the situation's screens (the most
specific first), then the red-flag check, then help by kind. Two keep the answer short on a small
phone (a detention that is also a lock-in: your rights, and trafficking)."""
EXPLOITATION_KINDS = frozenset(
    {
        "forced_labour",
        "not_allowed_to_leave",
        "debt_bondage",
        "documents_taken",
        "wages_withheld",
        "threats",
        "violence",
    }
)
"""Kinds of danger (bot/content/danger_signals.yaml) that the red-flag check is about: the ILO's
forced-labour indicators. A police detention, violence at home or a missing relative gets no check."""


@dataclass(frozen=True)
class DangerView:
    """The danger answer: the screen whose text comes first, and the screens offered one tap away."""

    screen: NodeId
    """The named country's hotlines screen, or the hotlines start (every country's emergency numbers)."""
    choices: list[CountryChoice]
    """Each country's hotlines screen, when no country was named."""
    red_flag_check: NodeId | None
    kind_screens: list[NodeId] = field(default_factory=list)
    """The screens of the kinds of danger the message signals (your rights when detained)."""
    check_fits: bool = True
    """The red-flag check is about this danger (labour exploitation, or a kind not known)."""
    check_one_tap_away: bool = False
    """A situation screen offered already leads to the check ("🚩 Check yourself")."""
    by_kind: NodeId | None = None
    """The hotlines by kind of help: where a danger with no screen of its own is offered more."""

    def situation(self) -> list[NodeId]:
        """The screens of the person's situation offered as buttons, most specific first."""
        own = [node for node in dict.fromkeys(self.kind_screens) if node != self.screen]
        return own[:MAX_SITUATION_OFFERS]

    def offers(self) -> list[NodeId]:
        """The buttons, in order: countries, the situation's screens, the red-flag check where it
        fits and is not one tap away already, and (with no screen of the situation) help by kind.
        Nothing else: a person in danger on a small phone needs a short, relevant choice."""
        situation = self.situation()
        more = list(situation)
        if self.red_flag_check is not None and self.check_fits and not self.check_one_tap_away:
            more.append(self.red_flag_check)
        if not situation and self.by_kind is not None:
            more.append(self.by_kind)
        more = [node for node in dict.fromkeys(more) if node != self.screen][:MAX_SITUATION_OFFERS]
        return [choice.node for choice in self.choices] + more


def country_screens(curriculum: Curriculum) -> list[CountryChoice]:
    """Each country's hotlines screen, in lesson order: the first node showing contacts(country=...)."""
    lesson = curriculum.lessons[HOTLINES_LESSON]
    choices: list[CountryChoice] = []
    for name, node in lesson.nodes.items():
        countries = {code for text in (node.text or {}).values() for code in _COUNTRY_CONTACTS.findall(text)}
        if len(countries) == 1 and not any(c.country in countries for c in choices):
            choices.append(CountryChoice(countries.pop(), NodeId(HOTLINES_LESSON, name)))
    return choices


def danger_view(
    curriculum: Curriculum, country: str | None, kind_screens: Sequence[NodeId] = (), kinds: Sequence[str] = ()
) -> DangerView:
    """`kinds`: the kinds of danger the message signals (bot/content/danger_signals.yaml), which
    decide whether the red-flag check fits; with neither kinds nor their screens known (a bare plea
    for help), it is offered."""
    check = curriculum.start_of(RED_FLAGS_LESSON) if RED_FLAGS_LESSON in curriculum.lessons else None
    choices = country_screens(curriculum)
    named = next((choice.node for choice in choices if choice.country == country), None)
    own = [node for node in kind_screens if curriculum.has(node)]
    fits = any(kind in EXPLOITATION_KINDS for kind in kinds) or not (kinds or own)
    shown = [node for node in own if node != (named or curriculum.hotlines)][:MAX_SITUATION_OFFERS]
    one_tap = any(_leads_to_check(curriculum, node) for node in shown)
    by_kind = curriculum.help_by_kind
    if named is not None:
        return DangerView(
            screen=named, choices=[], red_flag_check=check, kind_screens=own, check_fits=fits,
            check_one_tap_away=one_tap, by_kind=by_kind,
        )  # fmt: skip
    return DangerView(
        screen=curriculum.hotlines, choices=choices, red_flag_check=check, kind_screens=own, check_fits=fits,
        check_one_tap_away=one_tap, by_kind=by_kind,
    )  # fmt: skip


def _leads_to_check(curriculum: Curriculum, node_id: NodeId) -> bool:
    return any(button.lesson == RED_FLAGS_LESSON for button in curriculum.node(node_id).buttons)


def offer_label(curriculum: Curriculum, node_id: NodeId, language: str) -> str:
    """A button's label: the hotlines start's own label for it ("🇷🇺 In Russia"), else its title."""
    for button in curriculum.node(curriculum.hotlines).buttons:
        if button.goto == node_id.node and node_id.lesson == HOTLINES_LESSON:
            return pick(button.label, language)
    return screen_title(curriculum, node_id, language)
