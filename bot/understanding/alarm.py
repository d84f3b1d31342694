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
from bot.understanding.stop_words import STOP_WORDS
from bot.understanding.transliteration import words

FROM_WORDS = frozenset({"iz", "az", "from", "ot"})
"""Words before a place someone came from (folded: из, аз, from, от): "came back from Russia"."""
FROM_ENDINGS = ("dan",)
"""The Uzbek ablative ending, folded: "Rossiyadan" (from Russia)."""
WRITER_WORDS = frozenset({"man", "mo", "mi", "ia", "ja", "i", "im", "am", "biz", "men"})
"""I / we (folded: ман, мо, мы, я, I'm, biz, men): "I am in Dushanbe" places the writer, not the
person in danger, when another country is named too."""
WRITER_REACH = 3
"""Words between "I am in" and the country it speaks of ("from" comes right before its country)."""


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
        cues = set(self._context.labels_in(text))
        alarm = _decide(clear, doubtful, cues)
        kinds = clear + doubtful if alarm is not Alarm.NONE else []
        return Reading(alarm, kinds, self._country(text))

    def _country(self, text: str) -> str | None:
        """The one country the message places someone in, leaving out where someone came from, and
        where the writer is when another country is named."""
        every = words(text)
        # found_in counts positions among meaningful words; the cues before a country are stop words.
        meaningful = [index for index, word in enumerate(every) if len(word) >= 2 and word not in STOP_WORDS]
        named = [(code, meaningful[at]) for code, at in self._countries.found_in(text)]

        def came_from(at: int) -> bool:
            return (at > 0 and every[at - 1] in FROM_WORDS) or every[at].endswith(FROM_ENDINGS)

        def writer_at(at: int) -> bool:
            return bool(set(every[max(0, at - WRITER_REACH) : at]) & WRITER_WORDS)

        places = {code for code, at in named if not came_from(at)}
        if len(places) > 1:
            places = {code for code, at in named if code in places and not writer_at(at)}
        return places.pop() if len(places) == 1 else None


def _decide(clear: list[str], doubtful: list[str], cues: set[str]) -> Alarm:
    """Asking about a topic, or harm denied, is not a report of it; harm that may be over, or a
    doubtful phrase, asks."""
    if cues & {"asking", "denied"}:
        return Alarm.NONE
    if clear:
        return Alarm.UNSURE if "past" in cues else Alarm.CLEAR
    return Alarm.UNSURE if doubtful else Alarm.NONE
