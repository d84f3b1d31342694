"""Turns node text (jinja2 over Telegram HTML) into a message in one language.

Templates are compiled once at load time so a reply never parses content; contacts are
inserted by id so a phone number lives in one place only.
"""

import html
from collections.abc import Callable, Mapping
from datetime import date
from typing import TYPE_CHECKING, get_args

from jinja2 import StrictUndefined, Template, UndefinedError
from jinja2.sandbox import SandboxedEnvironment

from bot.content.models import Contact, Localized, Need
from bot.content.suggest import did_you_mean

if TYPE_CHECKING:
    from bot.content.facts import RegisteredFact
from bot.common.languages import FALLBACK_CHAIN

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


class ContactSelectionError(LookupError):
    """`contacts(...)` would show nobody: an unknown need or country, or a mix no contact has.

    An empty list would silently hide hotlines from users, so the content check refuses it.
    `args` are the reason and the value the editor typed that causes it.
    """


class NoMatchingContactError(ContactSelectionError):
    """The need and country are valid words, but no contact in the file has them (perhaps the one
    that had them is itself broken)."""


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
        return "" if contact.hidden else self._block(contact, language)

    @property
    def contact_ids(self) -> list[str]:
        return list(self._contacts)

    def phone(self, contact_id: str) -> str:
        """Only a contact's number, for a line of text that names several at once."""
        contact = self._contacts.get(contact_id)
        if contact is None or contact.phone is None:
            raise UnknownContactError(contact_id)
        return html.escape(contact.phone)

    def matching(self, language: str, country: str | None = None, need: str | None = None) -> str:
        chosen = self.ids(country, need)
        if not chosen:
            raise self._why_nobody(country, need)
        return "\n\n".join(self._block(self._contacts[cid], language) for cid in chosen)

    def _why_nobody(self, country: str | None, need: str | None) -> ContactSelectionError:
        needs = get_args(Need)
        countries = sorted({contact.country for contact in self._contacts.values()})
        if need is not None and need not in needs:
            message = f"'{need}' is not a need; use one of {', '.join(needs)}{did_you_mean(need, needs)}"
            return ContactSelectionError(message, need)
        if country is not None and country not in countries:
            message = f"no contact in contacts.yaml has the country '{country}'{did_you_mean(country, countries)}"
            return NoMatchingContactError(message, country)
        wanted = [f"the country '{country}'"] if country is not None else []
        wanted += [f"the need '{need}'"] if need is not None else []
        message = f"no contact in contacts.yaml has {' and '.join(wanted) or 'any entry'}"
        return NoMatchingContactError(message, need or country)

    def ids(self, country: str | None = None, need: str | None = None) -> list[str]:
        """The contacts `contacts(country=..., need=...)` shows, in file order."""
        return [
            contact_id
            for contact_id, contact in self._contacts.items()
            if (country is None or contact.country == country)
            and (need is None or need in contact.needs)
            and not contact.hidden
        ]

    def for_citizens(self, country: str) -> list[str]:
        """The contacts marked for citizens of `country` (their embassy, home ministry), in file order."""
        return [cid for cid, contact in self._contacts.items() if country in contact.citizens and not contact.hidden]

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
        if contact.status == "not-answering":
            warning = translate(language, "⚠️ Callers tell us this number often does not answer. Try another one too.")
            lines.append(f"<b>{html.escape(warning)}</b>")
        return "\n".join(lines)


class ContactRecorder(ContactRenderer):
    """Renders like the renderer it wraps and notes which contacts a text shows, in order: the
    contacts a screen shows get an "I called" button."""

    def __init__(self, renderer: ContactRenderer) -> None:
        super().__init__(renderer._contacts, renderer._translate, renderer._facts)
        self.shown: list[str] = []

    def one(self, contact_id: str, language: str) -> str:
        text = super().one(contact_id, language)
        if text and contact_id not in self.shown:
            self.shown.append(contact_id)
        return text

    def phone(self, contact_id: str) -> str:
        number = super().phone(contact_id)
        if contact_id not in self.shown:
            self.shown.append(contact_id)
        return number

    def matching(self, language: str, country: str | None = None, need: str | None = None) -> str:
        self.shown += [cid for cid in self.ids(country, need) if cid not in self.shown]
        return super().matching(language, country=country, need=need)


def render(template: Template, language: str, contacts: ContactRenderer) -> str:
    """Render one compiled template for a user; `contact()`, `contacts()`, `phone()` and `fact()` are in scope."""

    def contact(contact_id: str) -> str:
        return contacts.one(contact_id, language)

    def contacts_for(country: str | None = None, need: str | None = None, **other: object) -> str:
        if other:
            names = ", ".join(other)
            raise ContactSelectionError(f"contacts() takes only country='…' and need='…', not {names}", names)
        return contacts.matching(language, country=country, need=need)

    def fact(fact_id: str) -> str:
        return contacts.fact(fact_id, language)

    return template.render(
        lang=language, contact=contact, contacts=contacts_for, fact=fact, phone=contacts.phone
    ).strip()
