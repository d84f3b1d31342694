"""Every interface string exists in every language, with its placeholders and valid HTML."""

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot.content.telegram_html import html_problems
from bot.i18n import DOMAIN, EXTRACTION_KEYWORDS, LOCALES_DIR, load_i18n
from bot.languages import LANGUAGES

BOT_DIR = Path(__file__).resolve().parents[1] / "bot"
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


def strings_in_code() -> set[str]:
    found = extract_from_dir(str(BOT_DIR), method_map=[("**.py", "python")], keywords=EXTRACTION_KEYWORDS)
    return {message for _, _, message, _, _ in found if isinstance(message, str)}


def catalogue(language: str) -> dict[str, str]:
    with (LOCALES_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po").open("rb") as file:
        return {str(m.id): str(m.string) for m in read_po(file) if m.id}


def test_the_code_has_interface_strings_to_check() -> None:
    assert len(strings_in_code()) > 20


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_catalogue_translates_every_string_in_the_code(language: str) -> None:
    translations = catalogue(language)
    missing = sorted(s for s in strings_in_code() if not translations.get(s))
    assert missing == [], f"{language}: add these to bot/i18n/locales/{language}/LC_MESSAGES/{DOMAIN}.po"


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_placeholders_and_valid_html(language: str) -> None:
    for msgid, msgstr in catalogue(language).items():
        assert sorted(PLACEHOLDER.findall(msgid)) == sorted(PLACEHOLDER.findall(msgstr)), msgid
        assert html_problems(msgstr.replace("{", "").replace("}", "")) == [], msgid


def test_a_catalogue_missing_a_string_is_caught(tmp_path: Path) -> None:
    translations = catalogue("tg")
    translations.pop("🆘 Help")
    assert "🆘 Help" in strings_in_code() - set(translations)


def test_the_catalogues_compile_and_translate() -> None:
    i18n = load_i18n()
    assert i18n.gettext("🆘 Help", locale="tg") == "🆘 Кӯмак"
    assert i18n.gettext("🆘 Help", locale="uz") == "🆘 Yordam"
    assert set(i18n.available_locales) == set(LANGUAGES)
