"""Folds what people type into comparable word keys, whatever script, language or keyboard they use.

A migrant types in a hurry on whatever keyboard the phone has: Tajik without its own letters
(х for ҳ, ч for ҷ), Russian in Latin letters ("pasport zabrali"), Uzbek with or without the
apostrophe letters (oʻ, gʻ), with typos and every inflection. Text and queries go through the
same folding, so they meet on one plain Latin spelling, and each word gets a few keys: the word
itself, its Russian stem (snowball) and its Tajik/Uzbek stem (suffixes stripped). Two words match
when they share a key. Nothing here stores or logs the text.
"""

import re
import unicodedata
from functools import lru_cache

import snowballstemmer  # type: ignore[import-untyped]
from rapidfuzz.distance import Levenshtein
from rapidfuzz.process import extractOne

_CYRILLIC_TO_LATIN = {
    "а": "a", "б": "b", "в": "v", "г": "g", "ғ": "g", "д": "d", "е": "e", "ё": "e", "ж": "j",
    "з": "z", "и": "i", "ӣ": "i", "й": "y", "к": "k", "қ": "k", "л": "l", "м": "m", "н": "n",
    "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ӯ": "u", "ф": "f", "х": "h",
    "ҳ": "h", "ц": "ts", "ч": "ch", "ҷ": "j", "ш": "sh", "щ": "sh", "ъ": "", "ы": "i", "ь": "",
    "э": "e", "ю": "yu", "я": "ya",
}  # fmt: skip
_NAME_FOLDS = {"q": "k", "x": "h", "w": "v", "c": "k"}
_CYRILLIC_TABLE = str.maketrans(_CYRILLIC_TO_LATIN)
_LATIN_TABLE = str.maketrans({**_NAME_FOLDS, "y": "i"})
_DIGRAPHS = re.compile(r"ch|zh|kh|ph")
"""Latin spellings of one sound that people type either way: ч/ҷ as ch or j, х as kh or h."""
_DIGRAPH_FOLDS = {"ch": "j", "zh": "j", "kh": "h", "ph": "f"}
_APOSTROPHES = re.compile(r"[ʻʼ'’`‘]")
_REPEATS = re.compile(r"(.)\1+")
"""Doubled letters are often typed single (hujjat / hujat, kk, ss): one letter is kept."""
_WORD = re.compile(r"[a-z0-9]+")

MIN_STEM_LENGTH = 4
"""A stem shorter than this says too little (and joins unrelated words): the word is kept whole."""

_TAJIK_UZBEK_SUFFIXES = sorted(
    {
        # Tajik (folded): plural -ҳо/-он, object -ро, possessive -ам/-ат/-аш/-амон…, verb endings.
        "ho", "hoi", "on", "ion", "ro", "am", "iam", "at", "iat", "ash", "iash", "amon", "aton",
        "ashon", "and", "ad", "em", "ed", "id", "ast", "anam", "aned",
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
_RUSSIAN = snowballstemmer.stemmer("russian")


def _transliterate(text: str) -> str:
    folded = []
    for char in text.lower():
        latin = _CYRILLIC_TO_LATIN.get(char)
        if latin is None:
            base = unicodedata.normalize("NFKD", char)[0]
            latin = _NAME_FOLDS.get(base, base)
        folded.append(latin)
    return _APOSTROPHES.sub("", "".join(folded))


def normalize(text: str) -> list[str]:
    """Case, diacritics and script folded away, split into words: how agency names are compared.

    Report keys built from it are stored, so it stays as it is; search folds further (`fold`)."""
    return _WORD.findall(_transliterate(text))


def fold(text: str) -> str:
    """Everything folded to one plain Latin spelling: as `normalize`, plus the letters people type
    either way (ch/j, kh/h, y/i) and doubled letters made single. Built from whole-string
    translations: content is folded at every load, so this is the hot part of building the index."""
    plain = text.lower().translate(_CYRILLIC_TABLE)
    if not plain.isascii():
        plain = "".join(char for char in unicodedata.normalize("NFKD", plain) if not unicodedata.combining(char))
    plain = _DIGRAPHS.sub(lambda m: _DIGRAPH_FOLDS[m.group(0)], _APOSTROPHES.sub("", plain))
    return _REPEATS.sub(r"\1", plain.translate(_LATIN_TABLE))


def words(text: str) -> list[str]:
    """The folded words of `text`, in order."""
    return _WORD.findall(fold(text))


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


def russian_stem(word: str) -> str:
    """Snowball's Russian stem of a folded word (spelt back in Cyrillic for the stemmer, then folded)."""
    cyrillic = _RUSSIAN_BACK_PATTERN.sub(lambda m: _RUSSIAN_BACK[m.group(0)], word)
    stem = fold(_RUSSIAN.stemWord(cyrillic))
    return stem if len(stem) >= MIN_STEM_LENGTH else word


@lru_cache(maxsize=65536)
def word_keys(word: str) -> frozenset[str]:
    """The keys a folded word is found by: itself, its Russian stem and its Tajik/Uzbek stem."""
    if not word.isalpha() or len(word) <= MIN_STEM_LENGTH:
        return frozenset({word})
    return frozenset({word, russian_stem(word), tajik_uzbek_stem(word)})


def max_typos(word: str) -> int:
    """How many letters may be wrong for a word to still count: none in short words."""
    if len(word) < 5:
        return 0
    return 1 if len(word) < 8 else 2


class Vocabulary:
    """Known words, grouped by length so a misspelling is compared only with words it could be."""

    def __init__(self, known: set[str]) -> None:
        self._by_length: dict[int, list[str]] = {}
        for word in sorted(known):
            self._by_length.setdefault(len(word), []).append(word)

    def closest(self, word: str) -> str | None:
        """The known word `word` is most likely a misspelling of, within `max_typos` edits."""
        allowed = max_typos(word)
        if not allowed:
            return None
        best: tuple[int, str] | None = None
        for length in range(len(word) - allowed, len(word) + allowed + 1):
            candidates = self._by_length.get(length)
            if not candidates:
                continue
            found = extractOne(word, candidates, scorer=Levenshtein.distance, score_cutoff=allowed)
            if found is not None and (best is None or found[1] < best[0]):
                best = (int(found[1]), str(found[0]))
        return None if best is None else best[1]


_STOP_WORDS = """
the and you your what how for are with can this that have does from was were they them
when where who why will should before about any there here some my me our out into
как что это мне меня мой моя мои для или так есть если там вас ваш вам они его она чтобы
когда где почему можно нужно надо все всё уже ещё еще только очень
ман шумо чӣ чи дар барои бо аз ки ва ин он агар мо онҳо ҳам
men siz nima uchun bilan va bu agar qanday biz ular ham
hello hi thanks thank please привет здравствуйте спасибо пожалуйста салом салям раҳмат лутфан
salom assalomu alaykum rahmat iltimos
do to is am be of in on at it an or if so many сколько ли на по из за до бы же чанд ба то
qancha necha
"""
STOP_WORDS = frozenset(word for line in _STOP_WORDS.split() for word in words(line))
"""Words too common to tell one screen from another, and greetings, in every language, folded."""


def meaningful_words(text: str) -> list[str]:
    """The folded words of `text` worth matching: no stop words, no single letters."""
    return [word for word in words(text) if len(word) >= 2 and word not in STOP_WORDS]
