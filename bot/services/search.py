"""Free-text search over lessons, tolerant of how people really type on a phone.

Case, diacritics and script are folded away (Tajik 'ҳ' and 'х', Cyrillic and Latin spellings of
the same word), and words are compared by their first letters so that inflected forms match.
The query is never stored or logged.
"""

import re
import unicodedata
from dataclasses import dataclass

from bot.content import Curriculum
from bot.content.curriculum import MAIN_LESSON
from bot.content.rendering import pick
from bot.languages import LANGUAGES

STEM_LENGTH = 5
"""Letters compared per word: long enough to tell words apart, short enough for inflections."""
MIN_WORD_LENGTH = 3
TITLE_WEIGHT = 3
"""A word in a lesson's title or keywords counts this many times a word in its text."""

_CYRILLIC_TO_LATIN = {
    "а": "a", "б": "b", "в": "v", "г": "g", "ғ": "g", "д": "d", "е": "e", "ё": "e", "ж": "j",
    "з": "z", "и": "i", "ӣ": "i", "й": "y", "к": "k", "қ": "k", "л": "l", "м": "m", "н": "n",
    "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ӯ": "u", "ф": "f", "х": "h",
    "ҳ": "h", "ц": "ts", "ч": "ch", "ҷ": "j", "ш": "sh", "щ": "sh", "ъ": "", "ы": "i", "ь": "",
    "э": "e", "ю": "yu", "я": "ya",
}  # fmt: skip
_LATIN_FOLDS = {"q": "k", "x": "h", "w": "v", "c": "k"}
_APOSTROPHES = re.compile(r"[ʻʼ'’`‘]")
_WORD = re.compile(r"[a-z0-9]+")
_TAG = re.compile(r"<[^>]*>|\{\{.*?\}\}|\{%.*?%\}")

_STOP_WORDS = """
the and you your what how for are with can not this that have does from was were they them
when where who why will should before about any there here some my me
как что это мне меня мой моя мои для или так есть нет если там вас ваш вам они его она чтобы
когда где почему можно нужно надо все всё уже ещё еще только
ман шумо чӣ чи дар барои бо аз ки ва ин он агар мо онҳо ҳам
men siz nima uchun bilan va bu agar qanday biz ular ham
"""


def normalize(text: str) -> list[str]:
    """Lower-case, fold diacritics and transliterate to a plain Latin alphabet; split words."""
    folded = []
    for char in text.lower():
        latin = _CYRILLIC_TO_LATIN.get(char)
        if latin is not None:
            folded.append(latin)
            continue
        base = unicodedata.normalize("NFKD", char)[0]
        folded.append(_LATIN_FOLDS.get(base, base))
    return _WORD.findall(_APOSTROPHES.sub("", "".join(folded)))


def _stems(text: str) -> set[str]:
    return {w[:STEM_LENGTH] for w in normalize(text) if len(w) >= MIN_WORD_LENGTH and w not in STOP_WORDS}


STOP_WORDS = frozenset(w for word in _STOP_WORDS.split() for w in normalize(word))


@dataclass(frozen=True)
class _Entry:
    lesson: str
    strong: frozenset[str]
    weak: frozenset[str]


class LessonSearch:
    """An index of every lesson's words per language, built once per loaded curriculum."""

    def __init__(self, curriculum: Curriculum) -> None:
        self._entries: dict[str, list[_Entry]] = {
            language: [
                self._entry(curriculum, lesson_id, language)
                for lesson_id in curriculum.lessons
                if lesson_id != MAIN_LESSON
            ]
            for language in LANGUAGES
        }

    @staticmethod
    def _entry(curriculum: Curriculum, lesson_id: str, language: str) -> _Entry:
        lesson = curriculum.lessons[lesson_id]
        strong = _stems(pick(lesson.title, language))
        for word in lesson.keywords.get(language, []):  # type: ignore[call-overload]
            strong |= _stems(word)
        weak: set[str] = set()
        for node in lesson.nodes.values():
            texts = [node.text] if node.text else []
            texts += [case.text for case in node.results]
            texts += [b.label for b in node.buttons] + [a.label for a in node.answers]
            for text in texts:
                weak |= _stems(_TAG.sub(" ", pick(text, language)))
        return _Entry(lesson_id, frozenset(strong), frozenset(weak))

    def find(self, query: str, language: str, limit: int = 3) -> list[str]:
        """Lesson ids that best match `query` in `language`, best first; empty when none does."""
        wanted = _stems(query)
        if not wanted:
            return []
        scored = []
        for entry in self._entries.get(language, self._entries["en"]):
            score = TITLE_WEIGHT * len(wanted & entry.strong) + len(wanted & entry.weak)
            if score:
                scored.append((-score, entry.lesson))
        return [lesson for _, lesson in sorted(scored)[:limit]]
