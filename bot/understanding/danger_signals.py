"""Danger signals: the words and short phrases, per language, that mean someone may be in danger.

Editors keep them in `danger_signals.yaml`; a typed message that matches one, in any language, is
answered with hotlines and the red-flag check before anything else. The file also names the
countries people mention, so the hotlines of the country they are in can be shown first.
The loader validates the file's shape; `signal_problems` explains what would make a signal
useless (a phrase of stop words matches nothing; a language left out is a blind spot). A country
named here with no hotlines screen of its own yet gets the general emergency numbers.

Not every match is an alarm. `doubtful` phrases may mean danger or something ordinary ("gum shud":
lost, or disappeared): they ask the person "Are you or someone close in danger now?" instead.
`context` names the words that tell a message is about a topic rather than a report of it
(`asking`: "what is", "an essay on"), that the harm is denied (`denied`: "nobody took it"), or that
it may be over (`past`: "last year", which asks instead of alarming; with `safe_now`, "now I am
home", it is over). `ordinary` names phrases that
hold a signal word but mean something ordinary (Tajik "занг мезанад", calls, holds "мезанад", beats):
their words are left out before signals are looked for. `screens` names a kind's own screen,
offered first with the hotlines (police detention: your rights), most specific kind first.
`country_hints` place a message when it names no place (roubles: Russia); `at_home` names the kinds
that happen where people live, for which the reader's own country comes before a destination;
`household` names the people one lives with: violence in a message naming one is harm at home.
`pleas` are pleas for help ("помогите", "yordam bering"): a message that is only a plea may come
from someone in danger, so it asks, and the hotlines menu is the screen it gets.

`families` and `situations` read danger said in words no phrase foresaw. A family is a concept
written once in every language (`documents`: паспорт, шиноснома, hujjat, papers; `withhold`: took,
keeps, won't give back); a situation is a kind of danger made of families that stand together in
one sentence, in any order and whatever their exact words ("documents" with "withhold"; "pay",
"not paid" and "months"). `doubtful_situations` ask instead of alarming, as `doubtful` phrases do.
"""

import re
from collections.abc import Callable, Mapping
from typing import Annotated, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from bot.common.languages import LANGUAGES, LanguageCode
from bot.content.errors import Problem
from bot.content.models import Identifier
from bot.content.yaml_source import line_of
from bot.understanding.stop_words import meaningful_words

DANGER_SIGNALS_FILE = "danger_signals.yaml"
MAX_PHRASE_WORDS = 6
"""A signal is a short phrase: a long one would almost never be typed word for word."""
WILDCARD = "*"
"""A word ending in `*` matches every word that starts with it (for agglutinative forms)."""

Phrase = Annotated[str, StringConstraints(min_length=1, max_length=120)]
CountryCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
ScreenId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9_]{1,40}/[a-z0-9_]{1,40}$")]
ContextCue = Literal["asking", "denied", "past", "safe_now"]
MIN_SITUATION_FAMILIES = 2
"""A situation is families together: one family alone is a word, and words are what phrases are for."""
MAX_SITUATION_FAMILIES = 4
FamilyChoice = Annotated[str, StringConstraints(pattern=r"^!?[a-z0-9_]{1,40}(\|[a-z0-9_]{1,40}){0,5}$")]
"""A family, or families any one of which will do ("relative|person"); `!family`: none of its words
in the sentence ("!if": a question of what may happen)."""
Situation = Annotated[list[FamilyChoice], Field(min_length=MIN_SITUATION_FAMILIES, max_length=MAX_SITUATION_FAMILIES)]
Label = TypeVar("Label", bound=str)
_WORDS = re.compile(r"\S+")


class DangerSignals(BaseModel):
    """Signal phrases by kind of danger and language, and the names of countries people type."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    signals: dict[Identifier, dict[LanguageCode, list[Phrase]]] = {}
    doubtful: dict[Identifier, dict[LanguageCode, list[Phrase]]] = {}
    context: dict[ContextCue, dict[LanguageCode, list[Phrase]]] = {}
    ordinary: dict[Identifier, dict[LanguageCode, list[Phrase]]] = {}
    countries: dict[CountryCode, list[Annotated[str, StringConstraints(min_length=2)]]] = Field(default_factory=dict)
    country_hints: dict[CountryCode, list[Annotated[str, StringConstraints(min_length=2)]]] = Field(
        default_factory=dict
    )
    at_home: list[Identifier] = []
    household: dict[LanguageCode, list[Phrase]] = {}
    pleas: dict[LanguageCode, list[Phrase]] = {}
    screens: dict[Identifier, ScreenId] = {}
    families: dict[Identifier, dict[LanguageCode, list[Phrase]]] = {}
    situations: dict[Identifier, list[Situation]] = {}
    doubtful_situations: dict[Identifier, list[Situation]] = {}

    def family_phrases(self) -> list[tuple[str, str, str]]:
        """Every (family, language, phrase) of the concept families."""
        return _flattened(self.families)

    def household_words(self) -> list[str]:
        """The words, in every language, for the people someone lives with (husband, mother-in-law)."""
        return [word for words in self.household.values() for word in words]

    def plea_phrases(self) -> list[str]:
        """The pleas for help, in every language ("помогите", "yordam bering", "help me")."""
        return [phrase for phrases in self.pleas.values() for phrase in phrases]

    def ordinary_phrases(self) -> list[tuple[str, str, str]]:
        """Every (label, language, phrase) that holds a signal word but means something ordinary."""
        return _flattened(self.ordinary)

    def doubtful_phrases(self) -> list[tuple[str, str, str]]:
        """Every (kind, language, phrase) that asks rather than alarms."""
        return _flattened(self.doubtful)

    def context_phrases(self) -> list[tuple[str, str]]:
        """Every (cue, phrase) of the context words."""
        return [(cue, phrase) for cue, _language, phrase in _flattened(self.context)]

    def phrases(self) -> list[tuple[str, str, str]]:
        """Every (kind, language, phrase), in file order."""
        return _flattened(self.signals)


def _flattened(groups: Mapping[Label, Mapping[LanguageCode, list[str]]]) -> list[tuple[Label, str, str]]:
    return [
        (label, language, phrase)
        for label, by_language in groups.items()
        for language, phrases in by_language.items()
        for phrase in phrases
    ]


def signal_problems(signals: DangerSignals, tree: object, file: str) -> list[Problem]:
    """What would make a signal miss, with the line to fix; warnings for blind spots."""
    problems = []
    for section, kind, language, index, phrase in _indexed(signals):
        message = _phrase_problem(phrase)
        if message:
            problems.append(Problem(file, line_of(tree, (section, kind, language, index)), message))
    for family, language, index, phrase in _indexed_families(signals):
        message = _phrase_problem(phrase, family=True)
        if message:
            problems.append(Problem(file, line_of(tree, ("families", family, language, index)), message))
    untranslated = (
        (
            "families",
            signals.families,
            "family '{}' has no words for {}: situations built on it are not read in that language",
        ),
        ("signals", signals.signals, "signal '{}' has no phrases for {}: people typing in it will not be warned"),
    )
    for section, entries, warning in untranslated:
        for name, missing in _languages_missing(entries):
            line = line_of(tree, (section, name))
            problems.append(Problem(file, line, warning.format(name, missing), is_warning=True))
    problems.extend(_situation_problems(signals, tree, file))
    return problems


def screen_problems(
    signals: DangerSignals, tree: object, file: str, has_screen: Callable[[str, str], bool]
) -> list[Problem]:
    """A kind's screen that does not exist, or a kind named under `screens:` or `at_home:` that has
    no phrases, explained in plain words with the line to fix."""
    problems = []
    kinds = set(signals.signals) | set(signals.doubtful)
    for kind, screen in signals.screens.items():
        line = line_of(tree, ("screens", kind))
        lesson, _, node = screen.partition("/")
        if not has_screen(lesson, node):
            problems.append(
                Problem(
                    file,
                    line,
                    f"the screen '{screen}' shown for danger '{kind}' does not exist: write the lesson and "
                    "the screen's name as they are in the lesson's file (lesson/screen), or remove the line",
                )
            )
        if kind not in kinds:
            problems.append(Problem(file, line, _unknown_kind(kind, "screens"), is_warning=True))
    for index, kind in enumerate(signals.at_home):
        if kind not in kinds:
            problems.append(Problem(file, line_of(tree, ("at_home", index)), _unknown_kind(kind, "at_home")))
    return problems


def _unknown_kind(kind: str, section: str) -> str:
    return (
        f"'{kind}' under {section}: is not a kind of danger listed under signals: or doubtful: "
        "(check the spelling, or add its phrases)"
    )


def _indexed(signals: DangerSignals) -> list[tuple[str, str, str, int, str]]:
    sections = {"signals": signals.signals, "doubtful": signals.doubtful}
    return [
        (section, kind, language, index, phrase)
        for section, groups in sections.items()
        for kind, by_language in groups.items()
        for language, phrases in by_language.items()
        for index, phrase in enumerate(phrases)
    ]


def _situation_problems(signals: DangerSignals, tree: object, file: str) -> list[Problem]:
    """A situation naming a family that is not written, or the same family twice."""
    problems = []
    sections = {"situations": signals.situations, "doubtful_situations": signals.doubtful_situations}
    for section, by_kind in sections.items():
        for kind, situations in by_kind.items():
            for index, families in enumerate(situations):
                line = line_of(tree, (section, kind, index))
                named = [family for choice in families for family in choice.lstrip("!").split("|")]
                unknown = [family for family in named if family not in signals.families]
                if unknown:
                    problems.append(
                        Problem(
                            file,
                            line,
                            f"{section}.{kind}: the family '{unknown[0]}' is not written under families: "
                            "(check the spelling, or add its words)",
                        )
                    )
                elif sum(not choice.startswith("!") for choice in families) < MIN_SITUATION_FAMILIES:
                    problems.append(
                        Problem(
                            file,
                            line,
                            f"{section}.{kind}: {families} needs two families that must stand together "
                            "(a family written with ! only rules a sentence out)",
                        )
                    )
                elif len(set(named)) < len(named):
                    problems.append(
                        Problem(file, line, f"{section}.{kind}: a family is named twice in {families}: name each once")
                    )
    return problems


def _languages_missing(by_name: Mapping[str, Mapping[LanguageCode, list[str]]]) -> list[tuple[str, str]]:
    """Each name with no words in some language, and those languages (a blind spot for their readers)."""
    found = []
    for name, by_language in by_name.items():
        missing = [language for language in LANGUAGES if not by_language.get(language)]
        if missing:
            found.append((name, ", ".join(missing)))
    return found


def _indexed_families(signals: DangerSignals) -> list[tuple[str, str, int, str]]:
    return [
        (family, language, index, phrase)
        for family, by_language in signals.families.items()
        for language, phrases in by_language.items()
        for index, phrase in enumerate(phrases)
    ]


def _phrase_problem(phrase: str, family: bool = False) -> str:
    count = len(_WORDS.findall(phrase))
    if count > MAX_PHRASE_WORDS:
        return f"'{phrase}' has {count} words; keep a signal to {MAX_PHRASE_WORDS} or fewer (split it)"
    if family:
        return ""  # a family's word may be a common one ("не дают", "нет"): it counts beside another family
    if not meaningful_words(phrase.replace(WILDCARD, "")):
        return f"'{phrase}' has only common words (such as 'the', 'и'): add the word that says what happened"
    return ""
