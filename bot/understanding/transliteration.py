"""Typed text folded to one plain Latin spelling, whatever script, language or keyboard was used.

A migrant types in a hurry on whatever keyboard the phone has: Tajik without its own letters
(х for ҳ, ч for ҷ), Russian in Latin letters ("pasport zabrali"), Uzbek in Cyrillic or in Latin
with or without the apostrophe letters (ўзбек, oʻzbek, ozbek). Text and queries go through the
same folding, so they meet on one spelling. Nothing here stores or logs the text.
"""

import re
import unicodedata

_CYRILLIC_TO_LATIN = {
    "а": "a", "б": "b", "в": "v", "г": "g", "ғ": "g", "д": "d", "е": "e", "ё": "e", "ж": "j",
    "з": "z", "и": "i", "ӣ": "i", "й": "y", "к": "k", "қ": "k", "л": "l", "м": "m", "н": "n",
    "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ӯ": "u", "ф": "f", "х": "h",
    "ҳ": "h", "ц": "ts", "ч": "ch", "ҷ": "j", "ш": "sh", "щ": "sh", "ъ": "", "ы": "i", "ь": "",
    "э": "e", "ю": "yu", "я": "ya",
}  # fmt: skip
_NAME_FOLDS = {"q": "k", "x": "h", "w": "v", "c": "k"}
_UZBEK_CYRILLIC_O = {"ў": "o"}
"""Uzbek ў is Latin oʻ. Only search folds it: `normalize` drops it, and report keys stored from
agency names depend on that (қ, ғ and ҳ are in the table above, as q, gʻ and h fold to k, g, h)."""
_SOFT_E = re.compile(r"[ьъ][её]")
"""Russian ье/ъе sound "ye", and that is how Latin letters write them: бьет is "byet", not "bet"."""
_YO = re.compile(r"(?<![бвгджзклмнпрстфхцчшщғқҳҷ])ё")
"""ё at a word's start or after a vowel sounds "yo", and that is how Latin letters write it in Tajik
and Uzbek ("ёрдам" is "yordam", "ёрӣ" is "yori", "тайёр" is "tayyor"); after a consonant it stays e (Russian "берёт",
typed "берет" as often as not)."""
_CYRILLIC_TABLE = str.maketrans({**_CYRILLIC_TO_LATIN, **_UZBEK_CYRILLIC_O})
_LATIN_TABLE = str.maketrans({**_NAME_FOLDS, "y": "i"})
_DIGRAPHS = re.compile(r"ch|zh|kh|ph")
"""Latin spellings of one sound that people type either way: ч/ҷ as ch or j, х as kh or h."""
_DIGRAPH_FOLDS = {"ch": "j", "zh": "j", "kh": "h", "ph": "f"}
_SOFT_C = re.compile(r"c(?=[eiy])")
"""Latin c before e, i or y is how Russian ц is typed in Latin letters ("registraciya", "policiya"):
the same "ts" that ц folds to. Elsewhere c is k."""
_APOSTROPHES = re.compile(r"[ʻʼ'’`‘]")
_SOFT_SIGN = re.compile(r"(?<=[bdfjklmnprstvz])[ʼ'’`](?=e)")
"""An apostrophe between a consonant and e is how Russian ь is typed in Latin letters ("b'et",
"sem'ey"): folded as ье is, "ie". Not after g or o, where it is Uzbek's gʻ and oʻ."""
_REPEATS = re.compile(r"(.)\1+")
"""Doubled letters are often typed single (hujjat / hujat, kk, ss): one letter is kept."""
_WORD = re.compile(r"[a-z0-9]+")
_GLIDE_E = re.compile(r"(?:(?<=[aeiou])|(?<![a-z0-9]))i(?=e)")
"""Latin "ye" at a word's start or after a vowel (Uzbek "qayerda", "yetarli"; Russian "yest",
"znayet") is what Cyrillic writes with е alone ("қаерда", "етарли", "есть", "знает"): the glide is
dropped, so both spellings meet."""


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
    plain = _YO.sub("yo", _SOFT_E.sub("ie", text.lower())).translate(_CYRILLIC_TABLE)
    if not plain.isascii():
        plain = "".join(char for char in unicodedata.normalize("NFKD", plain) if not unicodedata.combining(char))
    plain = _DIGRAPHS.sub(lambda m: _DIGRAPH_FOLDS[m.group(0)], _APOSTROPHES.sub("", _SOFT_SIGN.sub("i", plain)))
    plain = _SOFT_C.sub("ts", plain)
    return _GLIDE_E.sub("", _REPEATS.sub(r"\1", plain.translate(_LATIN_TABLE)))


def words(text: str) -> list[str]:
    """The folded words of `text`, in order."""
    return _WORD.findall(fold(text))
