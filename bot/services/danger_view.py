"""What the bot shows first when a typed message signals danger: hotlines and the red-flag check.

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


@dataclass(frozen=True)
class DangerView:
    """The danger answer: the screen whose text comes first, and the screens offered one tap away."""

    screen: NodeId
    """The named country's hotlines screen, or the hotlines start (every country's emergency numbers)."""
    choices: list[CountryChoice]
    """Each country's hotlines screen, when no country was named."""
    red_flag_check: NodeId | None
    more_help: list[NodeId]
    """The other kinds of help the hotlines start offers (trafficking, by kind of help ...)."""
    kind_screens: list[NodeId] = field(default_factory=list)
    """The screens of the kinds of danger the message signals (your rights when detained)."""

    def screens(self) -> list[NodeId]:
        """The screens this answer shows first: the hotlines, then the kinds' screens and the check."""
        check = [self.red_flag_check] if self.red_flag_check else []
        return [self.screen, *[node for node in dict.fromkeys(self.kind_screens + check) if node != self.screen]]

    def offers(self) -> list[NodeId]:
        """The buttons, in order: countries, the kinds' screens, the red-flag check, other help."""
        check = [self.red_flag_check] if self.red_flag_check else []
        ordered = [choice.node for choice in self.choices] + self.kind_screens + check + self.more_help
        return [node for node in dict.fromkeys(ordered) if node != self.screen]


def country_screens(curriculum: Curriculum) -> list[CountryChoice]:
    """Each country's hotlines screen, in lesson order: the first node showing contacts(country=...)."""
    lesson = curriculum.lessons[HOTLINES_LESSON]
    choices: list[CountryChoice] = []
    for name, node in lesson.nodes.items():
        countries = {code for text in (node.text or {}).values() for code in _COUNTRY_CONTACTS.findall(text)}
        if len(countries) == 1 and not any(c.country in countries for c in choices):
            choices.append(CountryChoice(countries.pop(), NodeId(HOTLINES_LESSON, name)))
    return choices


def danger_view(curriculum: Curriculum, country: str | None, kind_screens: Sequence[NodeId] = ()) -> DangerView:
    check = curriculum.start_of(RED_FLAGS_LESSON) if RED_FLAGS_LESSON in curriculum.lessons else None
    choices = country_screens(curriculum)
    named = next((choice.node for choice in choices if choice.country == country), None)
    own = [node for node in kind_screens if curriculum.has(node)]
    if named is not None:
        return DangerView(screen=named, choices=[], red_flag_check=check, more_help=[], kind_screens=own)
    start = curriculum.hotlines
    countries = {choice.node for choice in choices}
    more = [
        NodeId(start.lesson, button.goto)
        for button in curriculum.node(start).buttons
        if button.goto is not None and NodeId(start.lesson, button.goto) not in countries
    ]
    return DangerView(screen=start, choices=choices, red_flag_check=check, more_help=more, kind_screens=own)


def offer_label(curriculum: Curriculum, node_id: NodeId, language: str) -> str:
    """A button's label: the hotlines start's own label for it ("🇷🇺 In Russia"), else its title."""
    for button in curriculum.node(curriculum.hotlines).buttons:
        if button.goto == node_id.node and node_id.lesson == HOTLINES_LESSON:
            return pick(button.label, language)
    return screen_title(curriculum, node_id, language)
