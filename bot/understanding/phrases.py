"""Finds short phrases in typed text the forgiving way people type them.

Used for danger signals and country names. A phrase matches when each of its words is found among
the message's words (same word, same stem, a prefix for words written with `*`, or a typo or two
in a long word) and all of them lie close together, in any order. The text is never kept.

A typo is only a typo when the typed word is not a word of its own: a word that shares a key (the
word, or its stem) with a word the lessons use (`protected`: Tajik "мекунанд", they do, meets the
lessons' "мекунад") is never read as a misspelt signal word ("мезананд", they beat), however close
the letters are.
"""

import itertools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein
from rapidfuzz.process import extract

from bot.understanding.stemming import word_keys
from bot.understanding.stop_words import STOP_WORDS, meaningful_words
from bot.understanding.transliteration import words
from bot.understanding.typos import max_typos

WILDCARD = "*"
SLACK = 2
"""Other words allowed between a phrase's words ("hujjatlarimni ish beruvchi oldi")."""
SHORT_WORD = 3
"""Letters of a word that must come right before the next word of its phrase (a negation)."""
MAX_COMBINATIONS = 256
"""Word positions tried per phrase: a long message repeating a word must not take long."""


@dataclass(frozen=True)
class _Phrase:
    label: str
    words: tuple[str, ...]
    """Folded words; a prefix keeps its trailing `*`."""


def _parse(phrase: str) -> tuple[str, ...]:
    parsed = []
    for token in phrase.split():
        prefix = token.endswith(WILDCARD)
        parts = words(token.rstrip(WILDCARD))
        for index, part in enumerate(parts):
            if part in STOP_WORDS or len(part) < 2:
                continue
            parsed.append(part + WILDCARD if prefix and index == len(parts) - 1 else part)
    return tuple(parsed)


class PhraseMatcher:
    """Phrases, each with a label (a kind of danger, a country code), found in typed text."""

    def __init__(
        self, phrases: Iterable[tuple[str, str]], protected: frozenset[str] = frozenset(), *, typos: bool = True
    ) -> None:
        self._phrases = [_Phrase(label, parsed) for label, text in phrases if (parsed := _parse(text))]
        every = {word for phrase in self._phrases for word in phrase.words}
        whole = {word for word in every if not word.endswith(WILDCARD)}
        self._by_key: dict[str, set[str]] = defaultdict(set)
        for word in whole:
            for key in word_keys(word):
                self._by_key[key].add(word)
        self._whole = sorted(whole)
        self._prefixes = sorted(word.rstrip(WILDCARD) for word in every if word.endswith(WILDCARD))
        self._protected = protected
        """Keys of known words: a typed word with one matches a phrase word only as written (or
        inflected), never as a typo."""
        self._typos = typos
        """False where one letter changes the meaning (negations: "ushlanmaydi", "ushlanadi")."""

    def labels_in(self, text: str) -> list[str]:
        """The labels of the phrases found in `text`, each once, in the order they are defined."""
        return list(dict.fromkeys(label for label, _start in self.found_in(text)))

    def found_in(self, text: str) -> list[tuple[str, int]]:
        """Each phrase found in `text`: its label and the position of its first word among the
        message's meaningful words, in the order the phrases are defined."""
        found_at: dict[str, list[int]] = defaultdict(list)
        for position, typed in enumerate(meaningful_words(text)):
            for word in self._words_matching(typed):
                found_at[word].append(position)
        found: list[tuple[str, int]] = []
        for phrase in self._phrases:
            start = self._start(phrase, found_at)
            if start is not None:
                found.append((phrase.label, start))
        return found

    def _words_matching(self, typed: str) -> set[str]:
        """The phrase words that the typed word counts as."""
        matching = {word for key in word_keys(typed) for word in self._by_key.get(key, ())}
        known = not self._typos or not word_keys(typed).isdisjoint(self._protected)
        typos = 0 if known else max_typos(typed)
        if typos:
            for word, _distance, _index in extract(
                typed, self._whole, scorer=Levenshtein.distance, score_cutoff=typos, limit=None
            ):
                if max_typos(word):
                    matching.add(word)
        for prefix in self._prefixes:
            start = typed[: len(prefix)]
            if start == prefix or (
                not known and len(typed) >= len(prefix) and Levenshtein.distance(start, prefix) <= max_typos(prefix)
            ):
                matching.add(prefix + WILDCARD)
        return matching

    @staticmethod
    def _start(phrase: _Phrase, found_at: dict[str, list[int]]) -> int | None:
        positions = [found_at.get(word, []) for word in phrase.words]
        if not all(positions):
            return None
        window = len(phrase.words) + SLACK
        for chosen in itertools.islice(itertools.product(*positions), MAX_COMBINATIONS):
            if (
                len(set(chosen)) == len(chosen)
                and max(chosen) - min(chosen) < window
                and _short_words_lead(phrase, chosen)
            ):
                return min(chosen)
        return None


def _short_words_lead(phrase: _Phrase, chosen: tuple[int, ...]) -> bool:
    """A short word (не, no, not) belongs to the word after it: "не платят", not "не знаю где платить"."""
    return all(
        chosen[index + 1] == chosen[index] + 1
        for index, word in enumerate(phrase.words[:-1])
        if len(word) <= SHORT_WORD
    )
