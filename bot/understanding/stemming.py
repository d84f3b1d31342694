"""The keys a folded word is found by: itself, its Russian stem (snowball) and its Tajik/Uzbek stem
(suffixes stripped), so every inflection of a word meets the others. Two words match when they share a key."""

import importlib
import importlib.util
import re
import sys
import types
from functools import lru_cache
from typing import Any

from bot.understanding.transliteration import fold

MIN_STEM_LENGTH = 4
"""A stem shorter than this says too little (and joins unrelated words): the word is kept whole."""

MIN_ROOT_LENGTH = 3
"""The shortest root a word is cut to when looked up among the lessons' own words (pul, money; kor, work)."""

_TAJIK_UZBEK_SUFFIXES = sorted(
    {
        # Tajik (folded): plural -ҳо/-он, object -ро, possessive -ам/-ат/-аш/-амон…, verb endings.
        "ho", "hoi", "on", "ion", "ro", "am", "iam", "at", "iat", "ash", "iash", "amon", "aton",
        "ashon", "and", "ad", "em", "ed", "id", "ast", "anam", "aned",
        # Spoken Tajik marks the object with -а after a possessive: телефонама, паспортата (-амро, -атро).
        "ama", "ata", "asha",
        # Uzbek (folded): plural -lar, cases -ni/-ning/-ga/-da/-dan, possessive -im/-ing/-imiz…,
        # verb forms -yapti/-moqda/-di/-gan/-ib/-ish. Negations (-ma-) stay: they change the meaning.
        "lar", "lari", "ni", "ning", "ga", "ka", "da", "dan", "ta", "tan", "dagi", "im", "ing", "imiz",
        "ingiz", "si", "miz", "niz", "iapti", "mokda", "di", "dim", "ishdi", "ishiapti",
        "gan", "ib", "ish", "ishga", "mok", "mokchiman",
    },
    key=len,
    reverse=True,
)  # fmt: skip
_RUSSIAN_BACK = {
    "sh": "ш", "ia": "я", "iu": "ю", "a": "а", "b": "б", "v": "в", "g": "г", "d": "д", "e": "е",
    "j": "ж", "z": "з", "i": "и", "k": "к", "l": "л", "m": "м", "n": "н", "o": "о", "p": "п",
    "r": "р", "s": "с", "t": "т", "u": "у", "f": "ф", "h": "х",
}  # fmt: skip
_RUSSIAN_BACK_PATTERN = re.compile("|".join(sorted(_RUSSIAN_BACK, key=len, reverse=True)))


def _russian_stemmer() -> Any:
    """Snowball's Russian stemmer alone. `import snowballstemmer` runs its package's `__init__`,
    which imports the stemmers of all its 30-odd languages (about 3 MB of memory, scripts/README.md);
    Safar needs one. Its module is imported from the installed package's folder under a private
    package name, so the package's `__init__` never runs and `snowballstemmer` itself is untouched."""
    spec = importlib.util.find_spec("snowballstemmer")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("snowballstemmer is not installed")
    name = "_safar_snowball"
    if name not in sys.modules:
        package = types.ModuleType(name, "snowballstemmer's modules, without its package's __init__")
        package.__path__ = list(spec.submodule_search_locations)
        sys.modules[name] = package
    return importlib.import_module(f"{name}.russian_stemmer").RussianStemmer()


_RUSSIAN = _russian_stemmer()


_SPOKEN_OBJECT = re.compile(r"(?<=[bdfghjklmnprstvz])(ma|mro)$")
"""Spoken Tajik "my ... (object)" after a consonant: "маошма", "китобмро" (written маошамро, китобамро)."""
_SPOKEN_PRESENT_PLURAL = re.compile(r"^((?:name|me)[a-z]{3,}a)n$")
"""Spoken Tajik drops the -д of "they" in the present: "намедихан", "мезанан" (written намедиҳанд,
мезананд). Only after the present's ме-/наме-, which no infinitive (гирифтан, to take) has."""


def spoken_tajik(word: str) -> str:
    """A folded word as written Tajik spells it, when it is a spoken form: "маошма" is "маошам",
    "намедихан" is "намедиханд". Other words are returned as they are."""
    if len(word) > MIN_STEM_LENGTH + 2 and _SPOKEN_OBJECT.search(word):
        return _SPOKEN_OBJECT.sub("am", word)
    return _SPOKEN_PRESENT_PLURAL.sub(r"\1nd", word)


def tajik_uzbek_stem(word: str) -> str:
    """Strips Tajik and Uzbek case, plural, possessive and verb endings, longest first, repeatedly."""
    for _ in range(3):
        suffix = next((suffix for suffix in _TAJIK_UZBEK_SUFFIXES if word.endswith(suffix)), None)
        # The longest ending that fits is the ending: when it would leave too little, the word
        # is kept whole rather than cut at a shorter one (olishdi is not olish + di).
        if suffix is None or len(word) - len(suffix) < MIN_STEM_LENGTH:
            return word
        word = word[: -len(suffix)]
    return word


_ROOT_ONLY_SUFFIXES = ("i", "mi", "la")
"""The Tajik izofa and the Uzbek possessive -i ("puli", money of; "sinfi", the class of), the Uzbek
question particle -mi and the -la that makes a verb of a noun ("imzolaymi?", shall I sign?, is
"imzo", a signature, asked): too short an ending to cut off every word the index is built from, but
a root worth looking up."""


def tajik_uzbek_roots(word: str) -> list[str]:
    """Shorter and shorter forms of `word` with one more Tajik or Uzbek ending taken off each time,
    down to a root of MIN_ROOT_LENGTH letters ("pulashro", your money: pulash, pul): candidates
    only, for a word whose stem the lessons do not use, to be looked up among the lessons' words."""
    roots = []
    for _ in range(4):
        suffix = next(
            (
                suffix
                for suffix in (*_TAJIK_UZBEK_SUFFIXES, *_ROOT_ONLY_SUFFIXES)
                if word.endswith(suffix) and len(word) - len(suffix) >= MIN_ROOT_LENGTH
            ),
            None,
        )
        if suffix is None:
            break
        word = word[: -len(suffix)]
        roots.append(word)
    return roots


def russian_stem(word: str) -> str:
    """Snowball's Russian stem of a folded word (spelt back in Cyrillic for the stemmer, then folded)."""
    cyrillic = _RUSSIAN_BACK_PATTERN.sub(lambda m: _RUSSIAN_BACK[m.group(0)], word)
    stem = fold(_RUSSIAN.stemWord(cyrillic))
    return stem if len(stem) >= MIN_STEM_LENGTH else word


def word_keys(word: str) -> frozenset[str]:
    """The keys a folded word is found by: itself, its Russian stem and its Tajik/Uzbek stem.

    Not cached: what people type goes through here, and must not stay in memory after its update."""
    if not word.isalpha() or len(word) <= MIN_STEM_LENGTH:
        return frozenset({word})
    return frozenset({word, russian_stem(word), tajik_uzbek_stem(word)})


def typed_word_keys(word: str) -> frozenset[str]:
    """`word_keys` of a typed word, and of its written form when it is spoken Tajik ("маошма" is
    found as "маошам", my wages): only for what people type, as the content is written Tajik and
    Uzbek nouns end in -ма too ("oʻtkazma", a transfer, is no "oʻtkaz" + "my")."""
    keys = word_keys(word)
    written = spoken_tajik(word)
    return keys if written == word else keys | word_keys(written)


content_word_keys = lru_cache(maxsize=65536)(word_keys)
"""`word_keys` for the content's own words while indexes are built (a word repeats across screens
and languages); cleared when loading ends (search.forget_indexed_texts). Never for typed words."""
