"""Turns node text (jinja2 over Telegram HTML) into a message in one language.

Templates are compiled once at load time so a reply never parses content; contacts are
inserted by id so a phone number lives in one place only.
"""

import html
from collections.abc import Callable, Mapping
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol, get_args

from jinja2 import StrictUndefined, UndefinedError
from jinja2.sandbox import SandboxedEnvironment

from bot.content.models import Contact, Localized, Need, PassportCountry
from bot.content.suggest import did_you_mean

if TYPE_CHECKING:
    from bot.content.facts import RegisteredFact
from bot.common.languages import FALLBACK_CHAIN

Translate = Callable[[str, str], str]
"""`translate(language, msgid)`: interface strings (labels such as 'checked') for a language."""

Citizenship = PassportCountry | None
"""Whose citizen the reader is, as they said (`/country`); None until they have said."""
READER_COUNTRIES: tuple[Citizenship, ...] = (None, *get_args(PassportCountry))
"""Every reader a text can be rendered for: each passport country, and one who has not said."""
LIKELY_CITIZENSHIP: dict[str, PassportCountry] = {"tg": "TJ", "uz": "UZ"}
"""Whose citizen a reader who has not said probably is, by the interface language: used only to
put those citizens' contacts first among every country's, never to hide another country's."""


class TextTemplate(Protocol):
    """What a node's text is rendered with: a compiled jinja2 `Template`, or `PlainText`."""

    def render(self, *args: Any, **values: Any) -> str: ...


class PlainText:
    """A text with no `{{ … }}`, `{% … %}` or `{# … #}` part, shown as written. jinja2 makes
    every text it compiles a Python module of its own (about 3 KB; 232 of the packaged content's
    381 texts have nothing to fill in: 0.75 MiB of the bot's memory, scripts/README.md); for such
    a text its output is the text itself, the last line break dropped, which `render` strips."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def render(self, *args: Any, **values: Any) -> str:
        return self.text

    @staticmethod
    def fits(text: str) -> bool:
        """Whether jinja2 would find nothing to fill in: every one of its tags starts with '{'."""
        return "{" not in text


def as_citizenship(stored: str | None) -> Citizenship:
    """A stored answer as a passport country; anything else (nothing yet, a retired value) as not said."""
    for country in get_args(PassportCountry):
        if stored == country:
            return country  # type: ignore[no-any-return]
    return None


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

    def why_nobody(self, country: str | None, need: str | None) -> ContactSelectionError:
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

    def ids(self, country: str | None = None, need: str | None = None, citizen_of: Citizenship = None) -> list[str]:
        """The contacts `contacts(country=..., need=...)` shows a citizen of `citizen_of`, in file order."""
        return [
            contact_id
            for contact_id, contact in self._contacts.items()
            if (country is None or contact.country == country)
            and (need is None or need in contact.needs)
            and not contact.hidden
            and serves(contact, citizen_of)
        ]

    def serves(self, contact_id: str, citizen_of: Citizenship) -> bool:
        """Whether `contact('id')` shows a citizen of `citizen_of` this contact itself."""
        contact = self._contacts.get(contact_id)
        if contact is None:
            raise UnknownContactError(contact_id)
        return serves(contact, citizen_of)

    def in_place_of(self, contact_id: str, citizen_of: PassportCountry) -> list[str]:
        """The contacts for the reader's own citizens with one of the needs of a contact meant for
        another country's (their embassy for its embassy, their ministry for its ministry): maybe none."""
        needs = set(self._contacts[contact_id].needs)
        return [
            cid
            for cid, other in self._contacts.items()
            if citizen_of in other.citizens and not other.hidden and needs & set(other.needs)
        ]

    def block(self, contact_id: str, language: str, *, name_citizens: bool = False) -> str:
        """A contact's card; `name_citizens` adds whose citizens it is for (to a reader who has not said)."""
        contact = self._contacts[contact_id]
        card = self._block(contact, language)
        if not (name_citizens and contact.citizens):
            return card
        whose = " · ".join(self.for_citizens_label(country, language) for country in contact.citizens)
        name, rest = card.split("\n", 1)
        return f"{name}\n<i>{html.escape(whose)}</i>\n{rest}"

    def my_country_label(self, language: str) -> str:
        """The button that asks the reader's passport country, under a screen listing some country's embassy."""
        translate = self._translate
        return translate(language, "🪪 My country's embassy and contacts")

    def for_citizens_label(self, country: PassportCountry, language: str) -> str:
        """'For citizens of …' under a contact meant for one country's citizens."""
        translate = self._translate
        match country:
            case "TJ":
                return translate(language, "🇹🇯 For citizens of Tajikistan")
            case "UZ":
                return translate(language, "🇺🇿 For citizens of Uzbekistan")
            case "KG":
                return translate(language, "🇰🇬 For citizens of Kyrgyzstan")
            case _:
                return translate(language, "🌍 For citizens of other countries")

    def none_for_citizens(self, country: PassportCountry, language: str) -> str:
        """The honest line where a text's contact is for another country's citizens and Safar has
        no sourced one of that kind for the reader's."""
        translate = self._translate
        match country:
            case "TJ":
                return translate(
                    language,
                    "ℹ️ For citizens of Tajikistan we have not found such a contact from an official source. "
                    "/country shows the contacts we have for you.",
                )
            case "UZ":
                return translate(
                    language,
                    "ℹ️ For citizens of Uzbekistan we have not found such a contact from an official source. "
                    "/country shows the contacts we have for you.",
                )
            case "KG":
                return translate(
                    language,
                    "ℹ️ For citizens of Kyrgyzstan we have not found such a contact from an official source. "
                    "/country shows the contacts we have for you.",
                )
            case _:
                return translate(
                    language,
                    "ℹ️ Safar has no such contact for citizens of your country: look on the official site of your "
                    "country's Ministry of Foreign Affairs.",
                )

    def citizens_first(self, contact_ids: list[str], country: PassportCountry | None) -> list[str]:
        """`contact_ids` with those meant for another country's citizens moved after the rest (stable)."""
        if country is None:
            return contact_ids

        def anothers(contact_id: str) -> bool:
            citizens = self._contacts[contact_id].citizens
            return bool(citizens) and country not in citizens

        return sorted(contact_ids, key=anothers)

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


def serves(contact: Contact, citizen_of: Citizenship) -> bool:
    """A contact for one country's citizens (their embassy, home ministry) is shown to them and to a
    reader who has not said their country; every other contact to everyone."""
    return citizen_of is None or not contact.citizens or citizen_of in contact.citizens


class ContactRecorder(ContactRenderer):
    """Renders like the renderer it wraps and notes which contacts a text shows, in order: the
    contacts a screen shows get an "I called" button."""

    def __init__(self, renderer: ContactRenderer) -> None:
        super().__init__(renderer._contacts, renderer._translate, renderer._facts)
        self.shown: list[str] = []

    def block(self, contact_id: str, language: str, *, name_citizens: bool = False) -> str:
        if contact_id not in self.shown:
            self.shown.append(contact_id)
        return super().block(contact_id, language, name_citizens=name_citizens)

    def phone(self, contact_id: str) -> str:
        number = super().phone(contact_id)
        if contact_id not in self.shown:
            self.shown.append(contact_id)
        return number


class _Page:
    """One text rendered for one reader: the contacts for their citizenship, a contact meant for
    another country's citizens replaced by their own (each shown once), and an honest line where
    Safar has none."""

    def __init__(self, contacts: ContactRenderer, language: str, citizen_of: Citizenship) -> None:
        self._contacts = contacts
        self._language = language
        self._citizen_of = citizen_of
        self._shown: set[str] = set()
        self._said_none = False

    def contact(self, contact_id: str) -> str:
        citizen_of = self._citizen_of
        if citizen_of is None or self._contacts.serves(contact_id, citizen_of):
            return self._cards([contact_id]) if self._contacts.one(contact_id, self._language) else ""
        instead = self._contacts.in_place_of(contact_id, citizen_of)
        if not instead:
            return self._none()
        return self._cards([cid for cid in instead if cid not in self._shown])

    def contacts(self, country: str | None = None, need: str | None = None, **other: object) -> str:
        if other:
            names = ", ".join(other)
            raise ContactSelectionError(f"contacts() takes only country='…' and need='…', not {names}", names)
        everyone = self._contacts.ids(country, need)
        if not everyone:
            raise self._contacts.why_nobody(country, need)
        chosen = self._contacts.ids(country, need, self._citizen_of)
        return self._cards(chosen) if chosen else self._none()

    def _cards(self, contact_ids: list[str]) -> str:
        self._shown.update(contact_ids)
        unknown = self._citizen_of is None
        if unknown:
            contact_ids = self._contacts.citizens_first(contact_ids, LIKELY_CITIZENSHIP.get(self._language))
        return "\n\n".join(self._contacts.block(cid, self._language, name_citizens=unknown) for cid in contact_ids)

    def _none(self) -> str:
        if self._said_none or self._citizen_of is None:
            return ""
        self._said_none = True
        return html.escape(self._contacts.none_for_citizens(self._citizen_of, self._language))


def render(template: TextTemplate, language: str, contacts: ContactRenderer, citizen_of: Citizenship = None) -> str:
    """Render one compiled template for a user who is a citizen of `citizen_of` (None: not said);
    `contact()`, `contacts()`, `phone()` and `fact()` are in scope."""
    page = _Page(contacts, language, citizen_of)

    def fact(fact_id: str) -> str:
        return contacts.fact(fact_id, language)

    return template.render(
        lang=language, contact=page.contact, contacts=page.contacts, fact=fact, phone=contacts.phone
    ).strip()
