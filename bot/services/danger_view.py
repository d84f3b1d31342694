"""What the bot shows first when a typed message signals danger: hotlines and the red-flag check.

No country is stored. When the message names one that has a hotlines screen, that screen is
shown; otherwise the emergency numbers of every country, with a one-tap choice of country. The
country screens are the hotlines lesson's nodes that show `contacts(country='XX')`, so a country
added to the content appears here without a code change.
"""

import re
from dataclasses import dataclass

from bot.content import Curriculum
from bot.content.curriculum import HOTLINES_LESSON, NodeId
from bot.content.rendering import pick

RED_FLAGS_LESSON = "red_flags"
"""The lesson with the forced-labour self-check (the ILO indicators)."""
EMERGENCY_NEED = "emergency"
_COUNTRY_CONTACTS = re.compile(r"contacts\(\s*country\s*=\s*['\"]([A-Z]{2})['\"]\s*\)")


@dataclass(frozen=True)
class CountryChoice:
    country: str
    node: NodeId


@dataclass(frozen=True)
class DangerView:
    """The danger answer: a country's hotlines screen, or the emergency numbers and a choice."""

    country_screen: NodeId | None
    choices: list[CountryChoice]
    red_flag_check: NodeId | None

    def screens(self, curriculum: Curriculum) -> list[NodeId]:
        """The screens this answer offers first (for evaluation): hotlines, then the check."""
        first = [self.country_screen or curriculum.hotlines]
        return first + ([self.red_flag_check] if self.red_flag_check else [])


def country_screens(curriculum: Curriculum) -> list[CountryChoice]:
    """Each country's hotlines screen, in lesson order: the node showing contacts(country=...)."""
    lesson = curriculum.lessons[HOTLINES_LESSON]
    choices: list[CountryChoice] = []
    for name, node in lesson.nodes.items():
        countries = {code for text in (node.text or {}).values() for code in _COUNTRY_CONTACTS.findall(text)}
        if len(countries) == 1 and not any(c.country in countries for c in choices):
            choices.append(CountryChoice(countries.pop(), NodeId(HOTLINES_LESSON, name)))
    return choices


def danger_view(curriculum: Curriculum, country: str | None) -> DangerView:
    choices = country_screens(curriculum)
    screen = next((choice.node for choice in choices if choice.country == country), None)
    check = curriculum.start_of(RED_FLAGS_LESSON) if RED_FLAGS_LESSON in curriculum.lessons else None
    others = [choice for choice in choices if choice.node != screen]
    return DangerView(country_screen=screen, choices=others, red_flag_check=check)


def choice_label(curriculum: Curriculum, choice: CountryChoice, language: str) -> str:
    """The label the hotlines lesson gives the button to the country's screen ("🇷🇺 In Russia")."""
    for node in curriculum.lessons[choice.node.lesson].nodes.values():
        for button in node.buttons:
            if button.goto == choice.node.node:
                return pick(button.label, language)
    return choice.country
