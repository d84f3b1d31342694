"""A message that is only a greeting or a thank-you ("салом", "рахмат ака", "thanks"): no lesson
answers it, and a chance match on one of its words would be a wrong screen, so it gets a kind word
and the menu instead (bot/handlers/search.py)."""

import re
from enum import Enum
from typing import Final


class Courtesy(Enum):
    GREETING = "greeting"
    THANKS = "thanks"


_GREETINGS: Final = (
    "салом",
    "ассалом",
    "ассалому алайкум",
    "ассалому алейкум",
    "ассаламу алейкум",
    "салом алейкум",
    "салам",
    "салам алейкум",
    "салом алайкум",
    "assalomu alaykum",
    "assalomu aleykum",
    "assalom",
    "assalamu alaikum",
    "assalamu alaykum",
    "salom",
    "salam",
    "salom aleykum",
    "привет",
    "здравствуйте",
    "здравствуй",
    "здрасте",
    "приветствую",
    "добрый день",
    "доброе утро",
    "добрый вечер",
    "privet",
    "zdravstvuyte",
    "hello",
    "hi",
    "hey",
    "good morning",
    "good afternoon",
    "good evening",
    "xayrli kun",
    "xayrli tong",
    "хайрли кун",
    "хайрли тонг",
    "субҳ ба хайр",
    "рӯз ба хайр",
    "шом ба хайр",
)
_THANKS: Final = (
    "рахмат",
    "раҳмат",
    "катта рахмат",
    "катта раҳмат",
    "ташаккур",
    "ташаккури зиёд",
    "ташаккур калон",
    "спасибо",
    "спасибо большое",
    "большое спасибо",
    "благодарю",
    "спс",
    "rahmat",
    "raxmat",
    "katta rahmat",
    "katta raxmat",
    "tashakkur",
    "spasibo",
    "spasibo bolshoe",
    "thanks",
    "thank you",
    "thank you very much",
    "thanks a lot",
    "many thanks",
    "thx",
)
_KINDLY: Final = frozenset({
    "ака", "акаҷон", "брат", "бро", "aka", "akajon", "uka", "опа", "opa", "дорогой", "дорогие", "вам", "сизга",
    "sizga", "ва", "va", "и", "and",
})  # fmt: skip
"""Words that may come with a greeting or thanks ("рахмат ака", "привет и спасибо") without asking anything."""
_WORD: Final = re.compile(r"[^\W\d_]+(?:['ʻ’][^\W\d_]+)*")
MAX_COURTESY_WORDS: Final = 8


def _folded(text: str) -> str:
    """Lower case, ё as е: as people type it either way."""
    return text.lower().replace("ё", "е")


def _phrases(phrases: tuple[str, ...]) -> set[tuple[str, ...]]:
    return {tuple(_folded(phrase).split()) for phrase in phrases}


_PHRASES: Final = {Courtesy.GREETING: _phrases(_GREETINGS), Courtesy.THANKS: _phrases(_THANKS)}
_LONGEST: Final = max(len(phrase) for phrases in _PHRASES.values() for phrase in phrases)


def courtesy(text: str) -> Courtesy | None:
    """Whether `text` is only a greeting or a thank-you (thanks wins when it has both), else None.
    Every word must belong to one: "salom, pasportim yoʻq" is a question, not a greeting."""
    words = _WORD.findall(_folded(text))
    if not words or len(words) > MAX_COURTESY_WORDS:
        return None
    found: set[Courtesy] = set()
    at = 0
    while at < len(words):
        for size in range(min(_LONGEST, len(words) - at), 0, -1):
            chunk = tuple(words[at : at + size])
            kind = next((kind for kind, phrases in _PHRASES.items() if chunk in phrases), None)
            if kind is not None:
                found.add(kind)
                at += size
                break
        else:
            if words[at] not in _KINDLY:
                return None
            at += 1
    if Courtesy.THANKS in found:
        return Courtesy.THANKS
    return Courtesy.GREETING if found else None
