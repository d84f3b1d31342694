"""Whether a typed message reports danger, may report it, or only mentions it: the three outcomes.

A signal phrase alone is not enough. "Что такое торговля людьми?" asks about a topic; "nobody took my
passport" denies the harm; "last year I was not paid" is over. Those get the answer, not the alarm.
A doubtful phrase ("гум шуд": lost, or disappeared) gets one question, "Are you or someone close in
danger now?", because a false alarm costs trust and a missed one costs more. The country whose
hotlines come first is where the person in danger is: not one they came from ("came back from
Russia"), nor where the writer is when that is not the only place named ("I am in Dushanbe, my sister
in Almaty"). Nothing here keeps the text.
"""

from collections.abc import Iterable, Set
from dataclasses import dataclass, field
from enum import StrEnum
from itertools import pairwise

from bot.understanding.danger_signals import DangerSignals
from bot.understanding.phrases import PhraseMatcher, one_text
from bot.understanding.situations import SituationReader, negated_span
from bot.understanding.stop_words import STOP_WORDS, meaningful_words
from bot.understanding.transliteration import words

FROM_WORDS = frozenset({"iz", "az", "from", "ot"})
"""Words before a place someone came from (folded: из, аз, from, от): "came back from Russia"."""
FROM_ENDINGS = ("dan",)
"""The Uzbek ablative ending, folded: "Rossiyadan" (from Russia)."""
WRITER_WORDS = frozenset({"man", "mo", "mi", "ia", "ja", "i", "im", "am", "biz", "men", "we", "were", "us"})
"""I / we (folded: ман, мо, мы, я, I'm, we, biz, men): "I am in Dushanbe" places the writer, not the
person in danger, when another country is named too."""
WRITER_ENDINGS = ("daman", "damiz", "damiz", "daiman", "daimiz", "dasiz")
"""Uzbek "I am / we are in" folded into the place name: "Samarqanddamiz" (we are in Samarkand)."""
NEGATIONS = frozenset({"ne", "not", "net", "havent", "hasnt", "didnt", "dont", "never"})
"""Words that turn a cue around ("не вернули": not given back), folded."""
QUESTION_ENDINGS = ("dimi", "shmi", "dimikan", "ganmi", "simi")
"""The Uzbek question particle -mi on a verb, folded ("chiqarishmaydimi", "olishganmi"), or on a
noun of something's kind ("odam savdosimi?", is it trafficking?)."""
WRITER_REACH = 3
"""Words between "I am in" and the country it speaks of ("from" comes right before its country)."""
RELATIVE_FAMILY = "relative"
"""The family of the people someone writes about (sister, son, akam): "my sister in Dushanbe" places
the sister, though "my" folds to "mi", the Russian "мы" (we)."""
HARM_AT_HOME = frozenset({"violence"})
"""The kinds that, with a person one lives with named (a husband, a mother-in-law), are harm at home:
"my husband came back from Russia and beats me every day" is violence at home, however far apart
"husband" and "beats" are typed."""
PLEA_KIND = "in_danger"
"""The kind a bare plea for help is asked about: someone may be in danger and say no more."""
THREATENED_KINDS = frozenset({"police_detention"})
SAYERS = ("say",)
"""The family of saying (говорит, мегӯяд, deydi, says): a conditional detention someone says is their
threat ("if you quit, the police will arrest you, he says"); unsaid, it is a question about one's rights."""
"""Kinds that, after an "if" in their sentence, are a threat of what may happen, not a report: "если
уйдешь, полиция гирифтор мекунад" (if you leave, the police will arrest you) is the boss's threat,
and the detainee's rights screen is not what the worker needs first."""


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
    at_home: bool = False
    """A kind signalled happens where people live (violence at home): with no country named,
    the reader's own country is the likelier place than a destination."""
    asked_about: list[str] = field(default_factory=list)
    """The kinds of danger the message names to ask about them ("what is debt bondage", "I saw on
    TV"): no alarm, but the kinds' own screens are what it asks for."""
    plea: bool = False
    """The message is a plea for help and nothing else ("помогите", "help"): it asks, and the
    hotlines menu is what it gets."""


class DangerReader:
    """Danger signals, doubtful phrases, context words and countries, found in typed text."""

    def __init__(self, signals: DangerSignals, protected: Set[str] = frozenset()) -> None:
        # Signals are read on every word: "phone is off" is not "phone" once "is" and "off" are dropped.
        def matcher(phrases: Iterable[tuple[str, str, str]]) -> PhraseMatcher:
            labelled = ((label, phrase) for label, _, phrase in phrases)
            return PhraseMatcher(labelled, protected, every_word=True, careful_typos=True)

        self._clear = matcher(signals.phrases())
        self._doubtful = matcher(signals.doubtful_phrases())
        self._ordinary = matcher(signals.ordinary_phrases())
        self._situations = SituationReader(signals, protected)
        # Careful typos here too: "барнагардонд" (did not return) is no typo of "баргардонд" (returned).
        self._context = PhraseMatcher(signals.context_phrases(), protected, every_word=True, careful_typos=True)
        # Place names are read with careful typos too: "ustanovit" (install) is not a misspelt "Astana".
        self._countries = PhraseMatcher(
            ((code, name) for code, names in signals.countries.items() for name in names), protected, careful_typos=True
        )
        self._country_hints = PhraseMatcher(
            ((code, name) for code, names in signals.country_hints.items() for name in names),
            protected,
            careful_typos=True,
        )
        self._home_kinds = list(signals.at_home)
        self._household = PhraseMatcher((("household", word) for word in signals.household_words()), protected)
        self._relatives = PhraseMatcher(
            ((family, word) for family, _language, word in signals.family_phrases() if family == RELATIVE_FAMILY),
            protected,
            every_word=True,
            careful_typos=True,
            typos=False,
        )
        self._pleas = PhraseMatcher((("plea", plea) for plea in signals.plea_phrases()), protected, careful_typos=True)

    @one_text()
    def read(self, text: str) -> Reading:
        # An ordinary phrase's words stand side by side ("занг заданам", to phone): "занг" three
        # words after "маро мезананд" (they beat me) does not make the beating a phone call.
        ordinary = frozenset(
            at for _label, span in self._ordinary.spans_in(text, every=True) if _side_by_side(span) for at in span
        )
        every = words(text)
        # A signal asked as a yes-or-no question (Uzbek "chiqarishmaydimi?", won't they let me
        # out?) asks about what may happen: doubtful, not clear.
        found = self._situations.read(text, ordinary)
        situations, doubtful_situations = found.clear, found.doubtful
        signalled = [
            (kind, span) for kind, span in self._clear.spans_in(text, ordinary) if not negated_span(every, span)
        ]
        # "If the police take you": a threat when someone says it ("the boss says"), else a
        # question about one's rights; not a detention.
        conditional = [(kind, span) for kind, span in signalled if kind in THREATENED_KINDS and found.conditional(span)]
        threatened = [kind for kind, _span in conditional]
        signalled = [(kind, span) for kind, span in signalled if (kind, span) not in conditional]
        signalled += [("threats", span) for _kind, span in conditional if any(found.beside(f, span) for f in SAYERS)]
        spans = signalled + situations
        clear = list(dict.fromkeys(kind for kind, span in spans if not _asked(every, span)))
        asked = [kind for kind, _span in spans if kind not in clear]
        doubtful = [
            kind
            for kind in dict.fromkeys([*asked, *self._doubtful.labels_in(text, ordinary), *doubtful_situations])
            if kind not in clear
        ]
        cues = {label for label, span in self._context.spans_in(text) if not _negated(every, min(span))}
        alarm = _decide(clear, doubtful, cues)
        kinds = clear + doubtful if alarm is not Alarm.NONE else []
        if not HARM_AT_HOME.isdisjoint(kinds) and self._household.found_in(text):
            kinds = [*(kind for kind in self._home_kinds if kind not in kinds), *kinds]
        at_home = not set(self._home_kinds).isdisjoint(kinds)
        asked_about = list(dict.fromkeys([*(clear + doubtful if "asking" in cues else []), *threatened]))
        plea = alarm is Alarm.NONE and not cues and self._only_a_plea(text)
        if plea:
            alarm, kinds = Alarm.UNSURE, [PLEA_KIND]
        return Reading(alarm, kinds, self._country(text, at_home), at_home, asked_about, plea)

    def _only_a_plea(self, text: str) -> bool:
        """Every meaningful word of `text` is a word of a plea for help ("помогите пожалуйста")."""
        covered = {at for _label, span in self._pleas.spans_in(text, every=True) for at in span}
        return bool(covered) and covered == set(range(len(meaningful_words(text))))

    def place_words(self, text: str) -> set[str]:
        """The meaningful words of `text` that name a place (Moscow, Kazakhstan, Samarqanddamiz)."""
        typed = meaningful_words(text)
        return {typed[at] for _code, span in self._countries.spans_in(text) for at in span}

    def places(self, text: str) -> tuple[set[str], set[str]]:
        """`place_words` and `countries_named` together, from one reading of `text` (search needs
        both for every message; reading the place names once is a tenth of a search's time)."""
        typed = meaningful_words(text)
        spans = self._countries.spans_in(text)
        return {typed[at] for _code, span in spans for at in span}, {code for code, _span in spans}

    def countries_named(self, text: str) -> set[str]:
        """Every country `text` names, whatever role it plays."""
        return {code for code, _at in self._countries.found_in(text)}

    def _country(self, text: str, at_home: bool = False) -> str | None:
        """The one country the message places someone in, leaving out where someone came from, and
        where the writer is when another country is named. With no place left, where someone came
        from is the last place known ("last called from Samara"), except for harm at home ("came
        back from Russia and beats me"); then a hint such as the currency ("60 000 roubles")."""
        every = words(text)
        # found_in counts positions among meaningful words; the cues before a country are stop words.
        meaningful = [index for index, word in enumerate(every) if len(word) >= 2 and word not in STOP_WORDS]
        named = [(code, meaningful[at]) for code, at in self._countries.found_in(text)]

        def came_from(at: int) -> bool:
            return (at > 0 and every[at - 1] in FROM_WORDS) or every[at].endswith(FROM_ENDINGS)

        def writer_at(at: int, relatives: set[int]) -> bool:
            """The writer is in X ("I am in X"), not a relative ("my sister in X"): none stands between."""
            return every[at].endswith(WRITER_ENDINGS) or any(
                every[before] in WRITER_WORDS and relatives.isdisjoint(range(before + 1, at))
                for before in range(max(0, at - WRITER_REACH), at)
            )

        places = {code for code, at in named if not came_from(at)}
        if len(places) > 1:  # only then read the relatives: most messages name one place or none
            relatives = {at for _family, span in self._relatives.spans_in(text, every=True) for at in span}
            places = {code for code, at in named if code in places and not writer_at(at, relatives)}
        if not places and not at_home:
            places = {code for code, _at in named}
        if not places and not at_home:
            places = {code for code, _at in self._country_hints.found_in(text)}
        return places.pop() if len(places) == 1 else None


def _side_by_side(span: tuple[int, ...]) -> bool:
    """The words of a span stand together: in the phrase's order with three other words between
    them at most ("dadam meni Koreyaga yuborishga pul bermayapti"), or in another order side by side."""
    in_order = all(before < after for before, after in pairwise(span))
    return max(span) - min(span) < len(span) + (3 if in_order else 0)


def _asked(every: list[str], span: tuple[int, ...]) -> bool:
    """A word of the signal carries the Uzbek question ending (-mi after a verb: "-dimi", "-shmi")."""
    return any(every[at].endswith(QUESTION_ENDINGS) for at in span)


def _negated(every: list[str], at: int) -> bool:
    """A cue right after a negation says the opposite: "не вернули" is not "вернули"."""
    return at > 0 and every[at - 1] in NEGATIONS


def _decide(clear: list[str], doubtful: list[str], cues: set[str]) -> Alarm:
    """Asking about a topic, or harm denied, is not a report of it; harm that may be over, or a
    doubtful phrase, asks; a doubtful phrase about the past ("deported in 2021") does not, nor harm
    in the past told from safety ("forced labour two years ago, now I am home")."""
    if cues & {"asking", "denied"} or {"past", "safe_now"} <= cues:
        return Alarm.NONE
    if clear:
        return Alarm.UNSURE if "past" in cues else Alarm.CLEAR
    return Alarm.UNSURE if doubtful and "past" not in cues else Alarm.NONE
