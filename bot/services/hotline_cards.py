"""Hotline cards for inline mode (`@bot russia`, `@bot паспорт`): which contacts a few typed words
ask for, each rendered by the content layer exactly as in the lessons, sourced and dated.

The words people type are matched here and then forgotten: nothing about the query or the
person asking is recorded.
"""

import hashlib
import re
from dataclasses import dataclass
from typing import Final

from bot.content import Curriculum
from bot.content.models import Contact
from bot.content.rendering import pick

MOST_NEEDED: Final = ("emergency", "trafficking")
"""What an empty query offers: help in danger first."""

COUNTRY_WORDS: Final[dict[str, tuple[str, ...]]] = {
    # Stems, so that inflected forms match too ("России", "Русияда", "Rossiyada").
    "RU": ("ru", "рф", "russia", "росси", "русия", "rossiya", "moscow", "москв", "маскав", "moskva"),
    "TJ": ("tj", "tajik", "таджик", "тоҷик", "tojik", "dushanbe", "душанбе"),
    "KZ": ("kz", "kazakh", "казах", "қазоқ", "qozogʻ", "qozog"),
}
NEED_WORDS: Final[dict[str, tuple[str, ...]]] = {
    "emergency": ("112", "emergency", "police", "danger", "экстрен", "полиц", "опасн", "таъҷил", "полис", "хатар",
                  "favqulodda", "politsiya", "xavf", "sos"),
    "trafficking": ("traffick", "forced", "slave", "торгов", "принуд", "рабств", "савдо", "маҷбур", "савдои",
                    "savdo", "majbur", "qullik"),
    "labour_rights": ("wage", "salary", "work", "labour", "labor", "job", "зарплат", "труд", "работ", "маош", "меҳнат",
                      "кор", "maosh", "mehnat", "ish"),
    "consular": ("passport", "document", "embassy", "consul", "паспорт", "документ", "посольств", "консул",
                 "шиноснома", "ҳуҷҷат", "сафорат", "pasport", "hujjat", "elchixona", "konsul"),
    "legal_aid": ("legal", "lawyer", "law", "court", "юрист", "юрид", "адвокат", "суд", "ҳуқуқ", "huquq",
                  "advokat", "yurist"),
    "psychological": ("psycholog", "stress", "психолог", "стресс", "равон", "psixolog"),
}  # fmt: skip
_WORD = re.compile(r"[\wʻ’']+")


@dataclass(frozen=True)
class HotlineCard:
    result_id: str
    """A short id for the inline result (at most 64 bytes, whatever the contact's id)."""
    title: str
    description: str
    text: str
    """The card as Telegram HTML, as lessons show it."""


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower().replace("'", "ʻ").replace("’", "ʻ"))


def _matches(token: str, stem: str) -> bool:
    return token == stem or token.startswith(stem) if len(stem) >= 3 else token == stem


class HotlineCards:
    def __init__(self, curriculum: Curriculum) -> None:
        self._curriculum = curriculum

    def find(self, query: str, language: str) -> list[HotlineCard]:
        """Contacts for the typed words (by country, need or name); the most needed for none."""
        tokens = words(query)
        contacts = {cid: c for cid, c in self._curriculum.contacts.items() if not c.hidden}
        if not tokens:
            chosen = [cid for cid, c in contacts.items() if any(need in c.needs for need in MOST_NEEDED)]
        else:
            chosen = [cid for cid, c in contacts.items() if all(self._asks_for(token, c) for token in tokens)]
        return [self._card(contact_id, language) for contact_id in chosen]

    @staticmethod
    def _asks_for(token: str, contact: Contact) -> bool:
        stems = [*COUNTRY_WORDS.get(contact.country, ()), contact.country.lower()]
        for need in contact.needs:
            stems += NEED_WORDS.get(need, ())
        if any(_matches(token, stem) for stem in stems):
            return True
        name_words = [word for name in contact.name.values() for word in words(name) if len(word) >= 3]
        return len(token) >= 3 and any(word.startswith(token) for word in name_words)

    def _card(self, contact_id: str, language: str) -> HotlineCard:
        contact = self._curriculum.contacts[contact_id]
        reach = contact.phone or contact.url or ""
        if contact.hours:
            reach += f" · {pick(contact.hours, language)}"
        return HotlineCard(
            result_id=hashlib.blake2b(contact_id.encode(), digest_size=8).hexdigest(),
            title=pick(contact.name, language),
            description=reach,
            text=self._curriculum.contact_renderer.one(contact_id, language),
        )
