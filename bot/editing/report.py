"""`safar report`: what each lesson holds and how fresh its sources are, for the people who keep it true.

Per lesson: nodes, words per language, the facts it states with their sources, and the contacts it
shows with the age of their last check. Then every fact of the registry with its age, oldest first.
Contacts and facts not checked for twelve months are listed as due.
"""

import re
from collections.abc import Iterator
from datetime import date
from typing import TextIO

from bot.common.languages import LANGUAGES
from bot.content.curriculum import Curriculum
from bot.content.facts import RegisteredFact
from bot.content.loader import CONTACT_RECHECK_AFTER
from bot.content.models import Contact, Lesson, Localized
from bot.content.rendering import ContactRenderer, day_text

_TEMPLATE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
_WORD = re.compile(r"\w+(?:[ʻ'’-]\w+)*")
_ONE_CONTACT = re.compile(r"contact\(\s*'([a-z0-9_]+)'\s*\)")
_CONTACT_QUERY = re.compile(r"contacts\(([^)]*)\)")
_QUERY_ARGUMENT = re.compile(r"(country|need)\s*=\s*'([A-Za-z_]+)'")
_ONE_PHONE = re.compile(r"phone\(\s*'([a-z0-9_]+)'\s*\)")
_ONE_FACT = re.compile(r"fact\(\s*'([a-z0-9_]+)'\s*\)")


def _texts(lesson: Lesson) -> Iterator[Localized]:
    yield lesson.title
    for node in lesson.nodes.values():
        if node.text:
            yield node.text
        yield from (case.text for case in node.results)
        yield from (button.label for button in node.buttons)
        yield from (answer.label for answer in node.answers)


def words(text: str) -> int:
    """Words a reader reads: template expressions and HTML tags are not counted."""
    return len(_WORD.findall(_TAG.sub(" ", _TEMPLATE.sub(" ", text))))


def contacts_shown(lesson: Lesson, contacts: ContactRenderer) -> list[str]:
    """Contacts a lesson's texts insert, by id or by a country/need query, in file order."""
    shown: dict[str, None] = {}
    for text in _texts(lesson):
        for body in text.values():
            for contact_id in _ONE_CONTACT.findall(body) + _ONE_PHONE.findall(body):
                shown[contact_id] = None
            for arguments in _CONTACT_QUERY.findall(body):
                query = dict(_QUERY_ARGUMENT.findall(arguments))
                shown |= dict.fromkeys(contacts.ids(query.get("country"), query.get("need")))
    return list(shown)


def facts_cited(lesson: Lesson) -> list[str]:
    """Facts a lesson states: cited in a node's `facts:` or inserted with `fact('id')`."""
    cited: dict[str, None] = {}
    for node in lesson.nodes.values():
        cited |= dict.fromkeys(node.facts)
    for text in _texts(lesson):
        for body in text.values():
            cited |= dict.fromkeys(_ONE_FACT.findall(body))
    return list(cited)


def _age(checked: date, today: date) -> str:
    months = (today.year - checked.year) * 12 + today.month - checked.month - (today.day < checked.day)
    return f"{max(months, 0)} month(s) ago"


def _is_due(contact: Contact | RegisteredFact, today: date) -> bool:
    return today - contact.checked > CONTACT_RECHECK_AFTER


def write_report(curriculum: Curriculum, out: TextIO, today: date) -> int:
    """Print the report; returns how many contacts are due for re-checking."""
    contacts = curriculum.contacts
    for lesson_id, lesson in curriculum.lessons.items():
        counts = {lang: sum(words(text.get(lang, "")) for text in _texts(lesson)) for lang in LANGUAGES}
        print(f"{lesson_id} — {lesson.title.get('en', lesson_id)}", file=out)
        print(f"  nodes: {len(lesson.nodes)}", file=out)
        print("  words: " + " · ".join(f"{lang} {counts[lang]}" for lang in LANGUAGES), file=out)
        cited = facts_cited(lesson)
        print(f"  facts with sources: {len(cited)}", file=out)
        for fact_id in cited:
            print(f"    {fact_id} ({_fact_line(curriculum, lesson, fact_id, today)}", file=out)
        shown = contacts_shown(lesson, curriculum.contact_renderer)
        print(f"  contacts shown: {len(shown)}", file=out)
        for contact_id in shown:
            contact = contacts[contact_id]
            mark = "  ← due for re-checking" if _is_due(contact, today) else ""
            checked = f"checked {day_text(contact.checked)}, {_age(contact.checked, today)}"
            print(f"    {contact_id}: {checked}{mark}", file=out)
        print(file=out)
    _write_fact_ages(curriculum.facts, out, today)
    overdue = [(cid, c) for cid, c in contacts.items() if _is_due(c, today)]
    summary = f"Due for re-checking (not checked for 12 months): {len(overdue) or 'none'}."
    print(f"Contacts: {len(contacts)}. {summary}", file=out)
    for contact_id, contact in overdue:
        print(f"  {contact_id}: checked {day_text(contact.checked)}; source: {contact.source}", file=out)
    return len(overdue)


def _fact_line(curriculum: Curriculum, lesson: Lesson, fact_id: str, today: date) -> str:
    """A cited fact's check date and age, closing the bracket, then its first source."""
    registered = curriculum.facts.get(fact_id)
    if registered is not None:
        checked, source = registered.checked, registered.sources[0].cited()
    else:
        checked, source = lesson.facts[fact_id].checked, " ".join(lesson.facts[fact_id].source.split())
    return f"checked {day_text(checked)}, {_age(checked, today)}): {source}"


def _write_fact_ages(facts: dict[str, RegisteredFact], out: TextIO, today: date) -> None:
    """Every registered fact with the age of its last check, oldest first: what to re-read next."""
    due = sum(_is_due(fact, today) for fact in facts.values())
    print(f"Facts: {len(facts)}. Due for re-checking (not checked for 12 months): {due or 'none'}.", file=out)
    for fact_id, fact in sorted(facts.items(), key=lambda item: (item[1].checked, item[0])):
        mark = "  ← due for re-checking" if _is_due(fact, today) else ""
        sources = len(fact.sources)
        print(
            f"  {fact_id}: checked {day_text(fact.checked)}, {_age(fact.checked, today)}, {sources} source(s){mark}",
            file=out,
        )
    print(file=out)
