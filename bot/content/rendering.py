"""Turns node text (jinja2 over Telegram HTML) into a message in one language.

Templates are compiled once at load time so a reply never parses content; contacts are
inserted by id so a phone number lives in one place only.
"""

import html
from collections.abc import Callable, Mapping
from datetime import date
from typing import TYPE_CHECKING

from jinja2 import StrictUndefined, Template, UndefinedError
from jinja2.sandbox import SandboxedEnvironment

from bot.content.models import Contact, Localized

if TYPE_CHECKING:
    from bot.content.facts import RegisteredFact
from bot.languages import FALLBACK_CHAIN

Translate = Callable[[str, str], str]
"""`translate(language, msgid)`: interface strings (labels such as 'checked') for a language."""


def english(language: str, msgid: str) -> str:
    """The translator used when no catalogue is given: the English msgid itself."""
    return msgid


def pick(text: Localized, language: str) -> str:
    """The text in `language`, or in the first language of its fallback chain that has one."""
    for candidate in FALLBACK_CHAIN.get(language, FALLBACK_CHAIN["en"]):
        if candidate in text:
            return text[candidate]  # type: ignore[index,unused-ignore]
    return next(iter(text.values()))


class UnknownContactError(LookupError):
    """A template names a contact id that the contacts file does not have."""


def template_environment() -> SandboxedEnvironment:
    """Sandboxed, strict: editors' templates can read values but not reach Python internals."""
    return SandboxedEnvironment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=False)


def day_text(day: date) -> str:
    """A date as users read it everywhere in Safar: 22.11.2026."""
    return day.strftime("%d.%m.%Y")


class ContactRenderer:
    """Formats contacts as HTML blocks in a user's language, with when they were checked."""

    def __init__(
        self,
        contacts: dict[str, Contact],
        translate: Translate,
        facts: "Mapping[str, RegisteredFact] | None" = None,
    ) -> None:
        self._contacts = contacts
        self._translate = translate
        self._facts = facts or {}

    def fact(self, fact_id: str, language: str) -> str:
        """A registered fact's sentence for users; an unknown or textless fact is a template error."""
        fact = self._facts.get(fact_id)
        if fact is None or fact.text is None:
            raise UndefinedError(f"'{fact_id}' is not a fact with a 'text' in facts.yaml")
        return pick(fact.text, language)

    def one(self, contact_id: str, language: str) -> str:
        contact = self._contacts.get(contact_id)
        if contact is None:
            raise UnknownContactError(contact_id)
        return self._block(contact, language)

    def phone(self, contact_id: str) -> str:
        """Only a contact's number, for a line of text that names several at once."""
        contact = self._contacts.get(contact_id)
        if contact is None or contact.phone is None:
            raise UnknownContactError(contact_id)
        return html.escape(contact.phone)

    def matching(self, language: str, country: str | None = None, need: str | None = None) -> str:
        return "\n\n".join(self._block(self._contacts[cid], language) for cid in self.ids(country, need))

    def ids(self, country: str | None = None, need: str | None = None) -> list[str]:
        """The contacts `contacts(country=..., need=...)` shows, in file order."""
        return [
            contact_id
            for contact_id, contact in self._contacts.items()
            if (country is None or contact.country == country) and (need is None or need in contact.needs)
        ]

    def _block(self, contact: Contact, language: str) -> str:
        translate = self._translate
        lines = [f"<b>{html.escape(pick(contact.name, language))}</b>"]
        if contact.phone:
            lines.append(f"☎️ {html.escape(contact.phone)}")
        if contact.hours:
            lines.append(f"🕘 {html.escape(pick(contact.hours, language))}")
        if contact.url:
            lines.append(f"🔗 {html.escape(contact.url)}")
        if contact.note:
            lines.append(html.escape(pick(contact.note, language)))
        provenance = translate(language, "checked {date}").format(date=day_text(contact.checked))
        if contact.source_date:
            provenance += " · " + translate(language, "information from {date}").format(
                date=day_text(contact.source_date)
            )
        lines.append(f"<i>{html.escape(provenance)}</i>")
        return "\n".join(lines)


def render(template: Template, language: str, contacts: ContactRenderer) -> str:
    """Render one compiled template for a user; `contact()`, `contacts()`, `phone()` and `fact()` are in scope."""

    def contact(contact_id: str) -> str:
        return contacts.one(contact_id, language)

    def contacts_for(country: str | None = None, need: str | None = None) -> str:
        return contacts.matching(language, country=country, need=need)

    def fact(fact_id: str) -> str:
        return contacts.fact(fact_id, language)

    return template.render(
        lang=language, contact=contact, contacts=contacts_for, fact=fact, phone=contacts.phone
    ).strip()
