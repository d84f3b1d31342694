"""Whether a typed message reports danger, may report it, or only mentions it: the three outcomes.

A signal phrase alone is not enough. "Что такое торговля людьми?" asks about a topic; "nobody took my
passport" denies the harm; "last year I was not paid" is over. Those get the answer, not the alarm.
A doubtful phrase ("гум шуд": lost, or disappeared) gets one question, "Are you or someone close in
danger now?", because a false alarm costs trust and a missed one costs more. The country whose
hotlines come first is where the person in danger is: not one they came from ("came back from
Russia"), nor where the writer is when that is not the only place named ("I am in Dushanbe, my sister
in Almaty"). Nothing here keeps the text.
"""

from dataclasses import dataclass, field
from enum import StrEnum

from bot.understanding.danger_signals import DangerSignals
from bot.understanding.phrases import PhraseMatcher
from bot.understanding.stop_words import meaningful_words

FROM_ENDINGS = ("dan", "tan")
"""Uzbek and Tajik ablative endings, folded: "Rossiyadan", "Русиядан" (from Russia)."""
CUE_REACH = 2
"""Words between a place cue ("from", "I am in") and the country it speaks of."""


class Alarm(StrEnum):
    """What a typed message gets first."""

    CLEAR = "clear"
    """Hotlines and the red-flag check."""
    UNSURE = "unsure"
    """The question "Are you or someone close in danger now?"."""
    NONE = "none"
    """The answer: the screens that fit."""


@dataclass(frozen=True)
class Reading:
    alarm: Alarm = Alarm.NONE
    kinds: list[str] = field(default_factory=list)
    """The kinds of danger the message signals, clear or doubtful."""
    country: str | None = None
    """Where the person in danger is, when the message says so."""


class DangerReader:
    """Danger signals, doubtful phrases, context words and countries, found in typed text."""

    def __init__(self, signals: DangerSignals, protected: frozenset[str] = frozenset()) -> None:
        self._clear = PhraseMatcher(((kind, phrase) for kind, _, phrase in signals.phrases()), protected)
        self._doubtful = PhraseMatcher(((kind, phrase) for kind, _, phrase in signals.doubtful_phrases()), protected)
        self._context = PhraseMatcher(signals.context_phrases(), protected)
        self._countries = PhraseMatcher(
            ((code, name) for code, names in signals.countries.items() for name in names), protected
        )

    def read(self, text: str) -> Reading:
        clear = self._clear.labels_in(text)
        doubtful = [kind for kind in self._doubtful.labels_in(text) if kind not in clear]
        context = self._context.found_in(text)
        cues = {cue for cue, _ in context}
        alarm = _decide(clear, doubtful, cues)
        kinds = clear + doubtful if alarm is not Alarm.NONE else []
        country = self._country(text, context) if alarm is not Alarm.NONE else None
        return Reading(alarm, kinds, country)

    def country_named(self, text: str) -> str | None:
        """The one country `text` places someone in, whether or not it signals danger."""
        return self._country(text, self._context.found_in(text))

    def _country(self, text: str, context: list[tuple[str, int]]) -> str | None:
        named = self._countries.found_in(text)
        typed = meaningful_words(text)
        origins = {at for cue, at in context if cue == "from_place"}
        writer = {at for cue, at in context if cue == "writer_at"}

        def after(cues: set[int], at: int) -> bool:
            return any(0 < at - cue <= CUE_REACH for cue in cues)

        places = {code for code, at in named if not after(origins, at) and not typed[at].endswith(FROM_ENDINGS)}
        if len(places) > 1:
            places = {code for code, at in named if code in places and not after(writer, at)}
        return places.pop() if len(places) == 1 else None


def _decide(clear: list[str], doubtful: list[str], cues: set[str]) -> Alarm:
    """Asking about a topic, or harm denied or over, is not a report of it; a doubtful phrase asks."""
    aside = bool(cues & {"asking", "not_now"})
    if clear:
        return Alarm.NONE if aside else Alarm.CLEAR
    if doubtful and not aside:
        return Alarm.UNSURE
    return Alarm.NONE
