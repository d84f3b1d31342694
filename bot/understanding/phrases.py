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
from collections.abc import Iterable, Iterator, Set
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein
from rapidfuzz.process import extract

from bot.understanding.stemming import content_word_keys, tajik_uzbek_stem, typed_word_keys
from bot.understanding.stop_words import STOP_WORDS, meaningful_words
from bot.understanding.transliteration import words
from bot.understanding.typos import max_typos

WILDCARD = "*"
ALTERNATIVE = "|"
"""Words written `a|b` mean either: "полиц*|милиц* задерж*|забра*" is four phrases, a word family
each side (the police, and taking someone)."""
SLACK = 2
"""Other meaningful words allowed between a phrase's words ("hujjatlarimni ish beruvchi oldi")."""
EVERY_WORD_SLACK = 3
"""The same, counting every word ("maoshni 3 oydan beri bermayapti")."""
TYPO_MIN_LETTERS = 6
"""With careful typos, the shortest phrase word that may be misspelt."""
CAREFUL_MAX_TYPOS = 1
"""With careful typos, the letters that may be wrong: two wrong letters turn a danger word into an
everyday one (Tajik "мекашад", pulls, is two letters from "мекушам", I will kill)."""
"""Other words allowed between a phrase's words ("hujjatlarimni ish beruvchi oldi")."""
VERB_PREFIXES = ("name", "me", "na", "ne")
"""Tajik verb prefixes (folded наме-, ме-, на-, не-): a typo keeps the first letter of the verb after
them too, whose root is short and tells one verb from another ("намехонад", does not study, is not "намемонад",
does not let go; "мекунанд", they do, is not "мезананд", they beat)."""
ROOT_LETTERS = 3
"""With careful typos, the first letters of a verb's stem (a prefix phrase word) that a typo never
touches: Uzbek and Tajik verb roots are short, and a letter there is another verb ("kelolmayapti",
cannot come to a funeral, is not "ketolmayapti", cannot leave)."""
SHORT_STEM_WORD = 5
"""A phrase word this short is found as written only, not by its stem: a short stem is shared across
languages ("slave" and Russian "слава", glory, both stem to "slav")."""
FIRST_PERSON = ("am", "em")
THIRD_PERSON = ("and", "ad", "ast")
"""Tajik person endings of a verb, folded (-ам, -ем: I, we; -анд, -ад, -аст: they, he)."""
SHORT_WORD = 3
"""Letters of a word that must come right before the next word of its phrase (a negation)."""
MAX_COMBINATIONS = 256
"""Word positions tried per phrase: a long message repeating a word must not take long."""


@dataclass
class _TextBeingRead:
    words: dict[tuple[str, bool], list[str]]
    """A text's (or line's) words, meaningful or every one."""
    keys: dict[str, frozenset[str]]
    """A typed word's keys (`word_keys`)."""


_being_read: ContextVar[_TextBeingRead | None] = ContextVar("_being_read", default=None)


@contextmanager
def one_text() -> Iterator[None]:
    """Reading one text with many matchers (line by line, clause by clause) splits it and stems
    each typed word once, not once per matcher. What is kept is dropped when the block ends, so no
    typed word stays in memory after its update (`word_keys` is never cached for longer)."""
    if _being_read.get() is not None:
        yield
        return
    token = _being_read.set(_TextBeingRead({}, {}))
    try:
        yield
    finally:
        _being_read.reset(token)


def _typed_words(text: str, every_word: bool) -> list[str]:
    being_read = _being_read.get()
    if being_read is None:
        return words(text) if every_word else meaningful_words(text)
    found = being_read.words.get((text, every_word))
    if found is None:
        found = being_read.words[text, every_word] = words(text) if every_word else meaningful_words(text)
    return found


def _word_keys(typed: str) -> frozenset[str]:
    being_read = _being_read.get()
    if being_read is None:
        return typed_word_keys(typed)
    keys = being_read.keys.get(typed)
    if keys is None:
        keys = being_read.keys[typed] = typed_word_keys(typed)
    return keys


@dataclass(frozen=True)
class _Phrase:
    label: str
    words: tuple[str, ...]
    """Folded words; a prefix keeps its trailing `*`."""


def _parse(phrase: str, every_word: bool = False) -> tuple[str, ...]:
    parsed = []
    for token in phrase.split():
        prefix = token.endswith(WILDCARD)
        parts = words(token.rstrip(WILDCARD))
        for index, part in enumerate(parts):
            if not every_word and (part in STOP_WORDS or len(part) < 2):
                continue
            parsed.append(part + WILDCARD if prefix and index == len(parts) - 1 else part)
    return tuple(parsed)


def _variants(phrase: str) -> list[str]:
    """Every phrase a phrase with alternatives (`a|b c`) stands for."""
    choices = [token.split(ALTERNATIVE) for token in phrase.split()]
    return [" ".join(chosen) for chosen in itertools.islice(itertools.product(*choices), MAX_COMBINATIONS)]


class PhraseMatcher:
    """Phrases, each with a label (a kind of danger, a country code), found in typed text."""

    def __init__(
        self,
        phrases: Iterable[tuple[str, str]],
        protected: Set[str] = frozenset(),
        every_word: bool = False,
        careful_typos: bool = False,
        *,
        typos: bool = True,
    ) -> None:
        self._every_word = every_word
        self._careful_typos = careful_typos
        """A typo keeps the first letter, and a word of fewer than TYPO_MIN_LETTERS has none: short
        danger words sit one letter from everyday ones ("uradi", beats: "turadi", costs)."""
        """Match on every word, common ones included: context cues are made of them ("what is",
        "чӣ аст"), and without them a cue would shrink to one ordinary word ("аст", is)."""
        self._phrases = [
            _Phrase(label, parsed)
            for label, text in phrases
            for variant in _variants(text)
            if (parsed := _parse(variant, every_word))
        ]
        every = {word for phrase in self._phrases for word in phrase.words}
        whole = {word for word in every if not word.endswith(WILDCARD)}
        self._by_key: dict[str, set[str]] = defaultdict(set)
        for word in whole:
            for key in content_word_keys(word) if len(word) > SHORT_STEM_WORD else (word,):
                self._by_key[key].add(word)
        self._whole = sorted(whole)
        self._prefixes: dict[int, list[str]] = defaultdict(list)
        """Prefix words (without `*`) by length: a typed word's start of that length is looked up in
        them at once, not compared with each prefix in turn."""
        for prefix in sorted(word.rstrip(WILDCARD) for word in every if word.endswith(WILDCARD)):
            self._prefixes[len(prefix)].append(prefix)
        self._exact_prefixes = {length: frozenset(group) for length, group in self._prefixes.items()}
        self._by_first_word: dict[str, list[int]] = defaultdict(list)
        """Phrases by their first word: only the phrases whose first word was typed are tried."""
        for index, phrase in enumerate(self._phrases):
            self._by_first_word[phrase.words[0]].append(index)
        self._protected = protected
        """Keys of known words: a typed word with one matches a phrase word only as written (or
        inflected), never as a typo."""
        self._typos = typos
        """False where one letter changes the meaning (negations: "ushlanmaydi", "ushlanadi")."""

    def labels_in(self, text: str, skip: frozenset[int] = frozenset()) -> list[str]:
        """The labels of the phrases found in `text`, each once, in the order they are defined."""
        return list(dict.fromkeys(label for label, _start in self.found_in(text, skip)))

    def found_in(self, text: str, skip: frozenset[int] = frozenset()) -> list[tuple[str, int]]:
        """Each phrase found in `text`: its label and the position of its first word among the
        message's meaningful words, in the order the phrases are defined. Words at `skip` are
        left out (a mask: "занг мезанад", calls, is not "мезанад", beats)."""
        return [(label, min(chosen)) for label, chosen in self.spans_in(text, skip)]

    def spans_in(
        self, text: str, skip: frozenset[int] = frozenset(), every: bool = False
    ) -> list[tuple[str, tuple[int, ...]]]:
        """Each phrase found in `text`, with the positions of the words it matched; with `every`,
        each place it is found (a word typed twice is found twice), not only the first."""
        found_at: dict[str, list[int]] = defaultdict(list)
        typed_words = _typed_words(text, self._every_word)
        for position, typed in enumerate(typed_words):
            if position in skip:
                continue
            for word in self._words_matching(typed):
                found_at[word].append(position)
        found: list[tuple[str, tuple[int, ...]]] = []
        candidates = sorted(index for word in found_at for index in self._by_first_word.get(word, ()))
        for phrase in (self._phrases[index] for index in candidates):
            for chosen in self._all_chosen(phrase, found_at):
                found.append((phrase.label, chosen))
                if not every:
                    break
        return found

    def _words_matching(self, typed: str) -> set[str]:
        """The phrase words that the typed word counts as."""
        keys = _word_keys(typed)
        matching = {word for key in keys for word in self._by_key.get(key, ()) if not _other_person(typed, word)}
        # Asked of `protected`: it may be a dict's keys, which look up the few keys given.
        known = not self._typos or not self._protected.isdisjoint(keys)
        typos = 0 if known else self._max_typos(typed)
        if typos:
            for word, _distance, _index in extract(
                typed, self._whole, scorer=Levenshtein.distance, score_cutoff=typos, limit=None
            ):
                if max_typos(word) and self._typo_allowed(typed, word) and not _other_person(typed, word):
                    matching.add(word)
        for length, prefixes in self._prefixes.items():
            if length > len(typed):
                continue
            start = typed[:length]
            if start in self._exact_prefixes[length]:
                matching.add(start + WILDCARD)
            allowed = 0 if known else self._max_typos(start)
            if not allowed:
                continue
            for prefix, _distance, _index in extract(
                start, prefixes, scorer=Levenshtein.distance, score_cutoff=allowed, limit=None
            ):
                if self._typo_allowed(typed, prefix) and (not self._careful_typos or _same_root(start, prefix)):
                    matching.add(prefix + WILDCARD)
        return matching

    def _max_typos(self, word: str) -> int:
        allowed = max_typos(word)
        return min(allowed, CAREFUL_MAX_TYPOS) if self._careful_typos else allowed

    def _typo_allowed(self, typed: str, word: str) -> bool:
        if not self._careful_typos:
            return True
        if typed[0] != word[0] or len(word) < TYPO_MIN_LETTERS:
            return False
        prefix = next((p for p in VERB_PREFIXES if typed.startswith(p) and word.startswith(p)), "")
        return typed[len(prefix) : len(prefix) + 1] == word[len(prefix) : len(prefix) + 1]

    def _all_chosen(self, phrase: _Phrase, found_at: dict[str, list[int]]) -> Iterator[tuple[int, ...]]:
        """The positions of the phrase's words, close together, each way it is found."""
        positions = [found_at.get(word, []) for word in phrase.words]
        if not all(positions):
            return
        window = len(phrase.words) + (EVERY_WORD_SLACK if self._every_word else SLACK)
        for chosen in itertools.islice(itertools.product(*positions), MAX_COMBINATIONS):
            if (
                len(set(chosen)) == len(chosen)
                and max(chosen) - min(chosen) < window
                and _short_words_lead(phrase, chosen)
            ):
                yield chosen


def _same_root(start: str, prefix: str) -> bool:
    """With careful typos, a prefix (a verb's stem, its endings left open) is not misspelt in its
    last letter, where the ending starts (Uzbek "qoʻrqib", afraid, is not "qoʻrqit*", frighten), nor
    in its first ROOT_LETTERS, its root ("kelolma-", cannot come, is not "ketolma-", cannot leave)."""
    return start[-1] == prefix[-1] and start[:ROOT_LETTERS] == prefix[:ROOT_LETTERS]


def _other_person(typed: str, word: str) -> bool:
    """A Tajik past verb of the first person typed where a phrase has the third: "гирифтам" (I got
    it) is not "гирифт" or "гирифтанд" (he or they took it), though they share the stem. Only the
    past (stems in -т, -д): an abuser quoted in the present speaks in the first person ("пулта
    намедиҳам", I won't pay you)."""
    if typed == word or not typed.endswith(FIRST_PERSON):
        return False
    stem = tajik_uzbek_stem(typed)
    return word.startswith(stem) and (word == stem or word.endswith(THIRD_PERSON)) and stem.endswith(("t", "d"))


def _short_words_lead(phrase: _Phrase, chosen: tuple[int, ...]) -> bool:
    """A short word (не, no, not) belongs to the word after it: "не платят", not "не знаю где платить"."""
    return all(
        chosen[index + 1] == chosen[index] + 1
        for index, word in enumerate(phrase.words[:-1])
        if len(word) <= SHORT_WORD
    )
