"""Danger signals: the words and short phrases, per language, that mean someone may be in danger.

Editors keep them in `danger_signals.yaml`; a typed message that matches one, in any language, is
answered with hotlines and the red-flag check before anything else. The file also names the
countries people mention, so the hotlines of the country they are in can be shown first.
The loader validates the file's shape; `signal_problems` explains what would make a signal
useless (a phrase of stop words matches nothing; a language left out is a blind spot). A country
named here with no hotlines screen of its own yet gets the general emergency numbers.
"""

import re
from typing import Annotated

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
_WORDS = re.compile(r"\S+")


class DangerSignals(BaseModel):
    """Signal phrases by kind of danger and language, and the names of countries people type."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    signals: dict[Identifier, dict[LanguageCode, list[Phrase]]] = {}
    countries: dict[CountryCode, list[Annotated[str, StringConstraints(min_length=2)]]] = Field(default_factory=dict)

    def phrases(self) -> list[tuple[str, str, str]]:
        """Every (kind, language, phrase), in file order."""
        return [
            (kind, language, phrase)
            for kind, by_language in self.signals.items()
            for language, phrases in by_language.items()
            for phrase in phrases
        ]


def signal_problems(signals: DangerSignals, tree: object, file: str) -> list[Problem]:
    """What would make a signal miss, with the line to fix; warnings for blind spots."""
    problems = []
    for kind, language, index, phrase in _indexed(signals):
        message = _phrase_problem(phrase)
        if message:
            problems.append(Problem(file, line_of(tree, ("signals", kind, language, index)), message))
    for kind, by_language in signals.signals.items():
        missing = [language for language in LANGUAGES if not by_language.get(language)]
        if missing:
            problems.append(
                Problem(
                    file,
                    line_of(tree, ("signals", kind)),
                    f"signal '{kind}' has no phrases for {', '.join(missing)}: people typing in it will not be warned",
                    is_warning=True,
                )
            )
    return problems


def _indexed(signals: DangerSignals) -> list[tuple[str, str, int, str]]:
    return [
        (kind, language, index, phrase)
        for kind, by_language in signals.signals.items()
        for language, phrases in by_language.items()
        for index, phrase in enumerate(phrases)
    ]


def _phrase_problem(phrase: str) -> str:
    count = len(_WORDS.findall(phrase))
    if count > MAX_PHRASE_WORDS:
        return f"'{phrase}' has {count} words; keep a signal to {MAX_PHRASE_WORDS} or fewer (split it)"
    if not meaningful_words(phrase.replace(WILDCARD, "")):
        return f"'{phrase}' has only common words (such as 'the', 'и'): add the word that says what happened"
    return ""
