"""Every interface string exists in every language, with its placeholders and valid HTML."""

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from bot.common.languages import LANGUAGES
from bot.content.telegram_html import html_problems
from bot.i18n import DOMAIN, EXTRACTION_KEYWORDS, LOCALES_DIR, load_i18n

BOT_DIR = Path(__file__).resolve().parents[1] / "bot"
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


def strings_in_code() -> set[str]:
    found = extract_from_dir(str(BOT_DIR), method_map=[("**.py", "python")], keywords=EXTRACTION_KEYWORDS)
    return {message for _, _, message, _, _ in found if isinstance(message, str)}


def po_path(language: str, locales: Path = LOCALES_DIR) -> Path:
    return locales / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def catalogue(language: str, locales: Path = LOCALES_DIR) -> dict[str, str]:
    with po_path(language, locales).open("rb") as file:
        return {str(m.id): str(m.string) for m in read_po(file) if m.id}


def untranslated(language: str, locales: Path = LOCALES_DIR) -> list[str]:
    """Strings the code shows that the language's catalogue lacks or leaves empty."""
    translations = catalogue(language, locales)
    return sorted(s for s in strings_in_code() if not translations.get(s))


def test_the_code_has_interface_strings_to_check() -> None:
    assert len(strings_in_code()) > 20


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_catalogue_translates_every_string_in_the_code(language: str) -> None:
    assert untranslated(language) == [], f"{language}: add these to bot/i18n/locales/{language}/LC_MESSAGES/{DOMAIN}.po"


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_placeholders_and_valid_html(language: str) -> None:
    for msgid, msgstr in catalogue(language).items():
        assert sorted(PLACEHOLDER.findall(msgid)) == sorted(PLACEHOLDER.findall(msgstr)), msgid
        assert html_problems(msgstr.replace("{", "").replace("}", "")) == [], msgid


def test_a_catalogue_missing_a_string_or_leaving_one_empty_is_caught(tmp_path: Path) -> None:
    with po_path("tg").open("rb") as file:
        broken = read_po(file)
    broken.delete("🆘 Help")
    broken["I can read only text. Choose a topic from the menu, or type your question."].string = ""
    po_path("tg", tmp_path).parent.mkdir(parents=True)
    with po_path("tg", tmp_path).open("wb") as file:
        write_po(file, broken)
    assert untranslated("tg", tmp_path) == [
        "I can read only text. Choose a topic from the menu, or type your question.",
        "🆘 Help",
    ]


def test_the_catalogues_compile_and_translate() -> None:
    i18n = load_i18n()
    assert i18n.gettext("🆘 Help", locale="tg") == "🆘 Кӯмак"
    assert i18n.gettext("🆘 Help", locale="uz") == "🆘 Yordam"
    assert set(i18n.available_locales) == set(LANGUAGES)
