"""Danger read as situations: concept families standing together in one sentence.

Phrase lists written from one writer's wordings reach only part of the next writer's. A situation
is written once, as families of words that mean one thing in every language and script
(`documents`: паспорт, шиноснома, hujjat, papers; `withhold`: took, keeps, won't give back), and a
kind of danger is read when one word of each of its families stands in the same sentence, close
together, in any order: "Хоҷаин паспортҳоро ҷамъ кард, намедиҳад", "pasportlarimizni xoʻjayin
ushlab turibdi" and "they collected our papers" are one situation. A family word right after a
negation is not that family ("паспорт не забирали"), unless the negation is its own ("не отдают").
Family words are matched as written, by their stems or as prefixes, never as typos: a family
holds negated and plain forms one letter apart (Uzbek "berishmadi", they did not give, and
"berishadi", they give). Nothing here keeps the text.
"""

import itertools
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence, Set
from dataclasses import dataclass

from bot.understanding.danger_signals import DangerSignals
from bot.understanding.phrases import PhraseMatcher
from bot.understanding.transliteration import words

WINDOW = 10
"""The most words from the first family word to the last: one clause, or two short ones."""
NEGATIONS = frozenset(
    {"ne", "not", "net", "never", "dont", "didnt", "doesnt", "havent", "hasnt", "wont", "isnt", "wasnt"}
)
"""Words that turn a family word or a signal around, folded (не, нет, not, never, don't ...); not
"no", which is also Russian "но" (but) folded."""
MAX_TRIED = 256
"""Combinations of family words tried per situation: a long message repeating a word must not take long."""
WITHOUT = "!"
"""A family written `!family` in a situation must not stand in its sentence: "if the police detain
me" asks about what may happen, "the police took my brother" reports it."""
ALTERNATIVE = "|"
CONDITION = "if"
"""The family of "if" (если, агар, agar): what follows it may happen, it has not."""
_SENTENCE_END = re.compile(r"[.!?;\n]+")

Span = tuple[int, ...]


class SituationReader:
    """The kinds of danger whose situations stand in a message, clear and doubtful."""

    def __init__(self, signals: DangerSignals, protected: Set[str] = frozenset()) -> None:
        self._families = PhraseMatcher(
            ((family, phrase) for family, _language, phrase in signals.family_phrases()),
            protected,
            every_word=True,
            careful_typos=True,
            typos=False,
        )
        self._clear = _situations(signals.situations)
        self._doubtful = _situations(signals.doubtful_situations)

    def read(self, text: str, skip: frozenset[int] = frozenset()) -> "SituationReading":
        """The clear kinds found, each with the positions of its words (among every word of the
        text), the doubtful kinds, and where an "if" stands. Words at `skip` are left out (ordinary
        phrases)."""
        if not self._clear and not self._doubtful:
            return SituationReading([], [], {}, [])
        every = words(text)
        sentence = _sentence_of(text, len(every))
        found: dict[str, list[Span]] = defaultdict(list)
        for family, span in self._families.spans_in(text, skip, every=True):
            if not _negated(every, min(span)):
                found[family].append(span)
        clear = [
            (kind, together)
            for kind, families in self._clear
            if (together := _together(families, found, sentence)) is not None
        ]
        doubtful = [kind for kind, families in self._doubtful if _together(families, found, sentence) is not None]
        return SituationReading(clear, list(dict.fromkeys(doubtful)), found, sentence)


@dataclass(frozen=True)
class SituationReading:
    clear: list[tuple[str, Span]]
    doubtful: list[str]
    families: Mapping[str, list[Span]]
    """Where each family's words stand (not negated)."""
    sentence: list[int]
    """The sentence each word stands in."""

    def conditional(self, span: Span) -> bool:
        """An "if" stands before the span in its sentence: "если уйдешь, полиция заберет" tells
        what may happen, not what did."""
        return any(at < min(span) for at in self._in_sentence_of(CONDITION, span))

    def beside(self, family: str, span: Span) -> bool:
        """A word of `family` stands in the span's sentence."""
        return bool(self._in_sentence_of(family, span))

    def _in_sentence_of(self, family: str, span: Span) -> list[int]:
        found = [at for spans in self.families.get(family, []) for at in spans]
        if not found:  # also when no situation is written, and the sentences were not worked out
            return []
        where = self.sentence[min(span)]
        return [at for at in found if self.sentence[at] == where]


def _situations(by_kind: Mapping[str, Iterable[Sequence[str]]]) -> list[tuple[str, tuple[str, ...]]]:
    return [(kind, tuple(families)) for kind, situations in by_kind.items() for families in situations]


def _sentence_of(text: str, count: int) -> list[int]:
    """The sentence each word of `text` stands in (by its position among every word)."""
    sentence = [index for index, part in enumerate(_SENTENCE_END.split(text)) for _word in words(part)]
    return sentence if len(sentence) == count else [0] * count


def _negated(every: list[str], at: int) -> bool:
    return at > 0 and every[at - 1] in NEGATIONS


def negated_span(every: list[str], span: Span) -> bool:
    """A word of a phrase found right after a negation that is not the phrase's own: "документы не
    забирали" is not "забрали документы"; "не отдают паспорт" keeps its own "не"."""
    return any(at > 0 and at - 1 not in span and every[at - 1] in NEGATIONS for at in span)


def _together(families: tuple[str, ...], found: Mapping[str, list[Span]], sentence: list[int]) -> Span | None:
    """One span of each family, in one sentence, not sharing a word, within WINDOW words, and no
    word of a family written `!family` in that sentence: all the positions, or None."""
    choices = [_spans(choice, found) for choice in families if not choice.startswith(WITHOUT)]
    absent = {
        sentence[at]
        for choice in families
        if choice.startswith(WITHOUT)
        for span in _spans(choice[1:], found)
        for at in span
    }
    if not all(choices):
        return None
    for spans in itertools.islice(itertools.product(*choices), MAX_TRIED):
        positions = [at for span in spans for at in span]
        sentences = {sentence[at] for at in positions}
        if (
            len(set(positions)) == len(positions)
            and max(positions) - min(positions) < WINDOW
            and len(sentences) == 1
            and sentences.isdisjoint(absent)
        ):
            return tuple(sorted(positions))
    return None


def _spans(choice: str, found: Mapping[str, list[Span]]) -> list[Span]:
    """The spans of a family, or of any of the families of `a|b`."""
    return [span for family in choice.split(ALTERNATIVE) for span in found.get(family, [])]
