"""Text shown to users keeps to docs/glossary.md: no variant the glossary rejects, in any language.

Search keywords are exempt (people type every variant); everything else a user can read is
checked: lessons, buttons, results, contacts, the facts' sentences, reminders and the interface.
"""

import re
from collections.abc import Iterator
from pathlib import Path

from babel.messages.pofile import read_po

from bot.common.languages import LANGUAGES
from bot.content.loader import PACKAGED_CONTENT
from bot.content.models import Localized
from bot.content.reminder_plans import load_reminder_plans
from bot.i18n import DOMAIN, LOCALES_DIR
from tests.support.real_content import real_curriculum

GLOSSARY = Path(__file__).resolve().parents[1] / "docs" / "glossary.md"


def rejected_variants(glossary: str) -> dict[str, list[tuple[str, str]]]:
    """Per language, (variant, term) pairs from the glossary table's 'rejected' column."""
    rows = [line for line in glossary.splitlines() if line.startswith("| ") and not line.startswith("| ---")]
    header = [cell.strip() for cell in rows[0].strip("|").split("|")]
    column = header.index("rejected")
    rejected: dict[str, list[tuple[str, str]]] = {language: [] for language in LANGUAGES}
    for row in rows[1:]:
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        for entry in filter(None, (part.strip() for part in cells[column].split(";"))):
            language, variant = (part.strip() for part in entry.split(":", 1))
            rejected[language].append((variant, cells[0]))
    return rejected


def user_visible_texts() -> Iterator[tuple[str, Localized]]:
    """Everything a user reads, with where it is; keywords are left out on purpose."""
    curriculum = real_curriculum()
    for lesson_id, lesson in curriculum.lessons.items():
        yield f"lessons/{lesson_id}.yaml title", lesson.title
        for node_id, node in lesson.nodes.items():
            where = f"lessons/{lesson_id}.yaml {node_id}"
            if node.text:
                yield where, node.text
            yield from ((f"{where} result {case.name}", case.text) for case in node.results)
            yield from ((f"{where} button", button.label) for button in node.buttons)
            yield from ((f"{where} answer", answer.label) for answer in node.answers)
    for contact_id, contact in curriculum.contacts.items():
        for text in (contact.name, contact.hours, contact.note):
            if text:
                yield f"contacts.yaml {contact_id}", text
    for fact_id, fact in curriculum.facts.items():
        if fact.text:
            yield f"facts.yaml {fact_id}", fact.text
    plans = load_reminder_plans(PACKAGED_CONTENT, set(curriculum.lessons))
    yield "reminders.yaml monthly_payment", plans.monthly_payment
    yield "reminders.yaml document_expiry", plans.document_expiry
    yield "reminders.yaml contract_copy", plans.contract_copy
    for item in plans.departure:
        yield f"reminders.yaml departure {item.id}", item.text
    for code, destination in plans.destinations.items():
        for step in destination.arrival:
            yield f"reminders.yaml {code} {step.id}", step.text
        for regular in destination.regular:
            yield f"reminders.yaml {code} {regular.id}", regular.text
    for language in LANGUAGES:
        with (LOCALES_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po").open("rb") as file:
            for message in read_po(file):
                if message.id and message.string:
                    yield f"{language}/{DOMAIN}.po {str(message.id)[:30]!r}", {language: str(message.string)}  # type: ignore[dict-item]


def violations(texts: Iterator[tuple[str, Localized]], rejected: dict[str, list[tuple[str, str]]]) -> list[str]:
    found = []
    for where, text in texts:
        for language, body in text.items():
            for variant, term in rejected.get(language, []):
                if re.search(r"(?<!\w)" + re.escape(variant), body, re.IGNORECASE):
                    found.append(f"{where} [{language}]: '{variant}' is rejected for '{term}' (docs/glossary.md)")
    return found


def test_the_glossary_rejects_the_variants_the_content_review_found() -> None:
    rejected = rejected_variants(GLOSSARY.read_text(encoding="utf-8"))
    assert ("СБМ", "ILO") in rejected["tg"] and ("XMT", "IOM") in rejected["uz"]
    assert any(variant == "хотиррасон" for variant, _ in rejected["tg"])
    assert any(variant == "ҷои истиқомат" for variant, _ in rejected["tg"])
    assert any(variant == "мой родной" for variant, _ in rejected["ru"])
    found_in_issue_29 = {
        "tg": {"хизматгор", "пулис", "ёдраси", "ёдрас доред", "кори маҷбурӣ", "аз рӯи Созмони", "забоне, ки мехонед"},
        "ru": {"по МОТ", "убежище", "на языке, который"},
        "uz": {"enaga", "migratsiya va bandlik vazirligi", "aholini ish bilan taʼminlash vazirligi"},
    }
    for language, variants in found_in_issue_29.items():
        assert variants <= {variant for variant, _ in rejected[language]}, language


def test_the_reminder_verb_passes_and_the_word_used_as_a_noun_is_caught() -> None:
    """«Ёдрас кардан» is the verb; as a noun the glossary's word is «ёдрасонӣ», never «ёдрас»."""
    rejected = rejected_variants(GLOSSARY.read_text(encoding="utf-8"))
    allowed = {"tg": "Ба ман ёдрас кунед. Ёдрасонии нав: ҳамаи ёдрасониҳо дар /reminders. Фардо ёдрас мекунам."}
    assert violations(iter([("verb", allowed)]), rejected) == []  # type: ignore[list-item]
    as_noun = {"tg": "Шумо 20 ёдрас доред. Барои ёдраси нав. Ёдраскуниҳо ва хабарҳо."}
    assert len(violations(iter([("noun", as_noun)]), rejected)) == 3  # type: ignore[list-item]


def test_no_text_shown_to_users_uses_a_rejected_variant() -> None:
    rejected = rejected_variants(GLOSSARY.read_text(encoding="utf-8"))
    assert violations(user_visible_texts(), rejected) == []


def test_a_rejected_variant_is_caught_and_keywords_are_exempt() -> None:
    rejected = rejected_variants(GLOSSARY.read_text(encoding="utf-8"))
    planted = [
        ("a screen", {"tg": "<b>Хотиррасонҳо</b>", "uz": "XMTning konvensiyasi", "ru": "Мой родной работает"}),
        ("another", {"tg": "дар ҷои истиқомат ба қайд гиранд"}),
    ]
    found = violations(iter(planted), rejected)  # type: ignore[arg-type]
    assert len(found) == 6, found  # XMT is rejected for both the ILO and the IOM
    curriculum = real_curriculum()
    keywords = [word for lesson in curriculum.lessons.values() for words in lesson.keywords.values() for word in words]
    assert "бақайдгирӣ" in keywords, "keywords are not part of user_visible_texts, so they may hold any variant"
