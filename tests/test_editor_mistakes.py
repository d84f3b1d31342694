"""Mistakes a new editor makes, each fed to `safar check`: every one is caught once, on its line,
in plain words, with what to do. The content is small and written here so the lines are known."""

import io
from pathlib import Path

import pytest

from bot.cli import main
from bot.content.text_checks import KEEP_NUMBER
from bot.editing.check import run_check
from tests.support.content_fixtures import CONTENT_DAY, MAIN

CONTACTS = """\
ru_emergency:
  name: {tg: Рақами 112, ru: Номер 112, uz: 112 raqami, en: Number 112}
  country: RU
  needs: [emergency]
  phone: "112"
  source: "TASS, 1 Jan 2022"
  checked: 2026-11-22

iom_tajikistan:
  name: {tg: ССМ, ru: МОМ, uz: XMT, en: IOM}
  country: TJ
  needs: [trafficking, legal_aid]
  url: https://tajikistan.iom.int
  source: "IOM Tajikistan, contact page, read 2026-11-22"
  checked: 2026-11-22
"""

HOTLINES = """\
title: {tg: Кӯмак, ru: Помощь, uz: Yordam, en: Help}
start: start
nodes:
  start:
    text:
      tg: |-
        <b>Кӯмак</b>
        {{ contact('ru_emergency') }}
        {{ contacts(need='trafficking') }}
      ru: |-
        <b>Помощь</b>
        {{ contact('ru_emergency') }}
        {{ contacts(need='trafficking') }}
      uz: |-
        <b>Yordam</b>
        {{ contact('ru_emergency') }}
        {{ contacts(need='trafficking') }}
      en: |-
        <b>Help</b>
        {{ contact('ru_emergency') }}
        {{ contacts(need='trafficking') }}
"""


@pytest.fixture
def content(tmp_path: Path) -> Path:
    (tmp_path / "lessons").mkdir()
    (tmp_path / "contacts.yaml").write_text(CONTACTS, encoding="utf-8")
    (tmp_path / "lessons" / "main.yaml").write_text(MAIN, encoding="utf-8")
    (tmp_path / "lessons" / "hotlines.yaml").write_text(HOTLINES, encoding="utf-8")
    return tmp_path


def change(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def check(content: Path) -> tuple[int, list[str]]:
    """Exit code and the report's lines, on a fixed day so that dates age predictably."""
    out = io.StringIO()
    code = run_check(content, out, CONTENT_DAY)
    return code, out.getvalue().splitlines()


def test_the_small_content_is_sound(content: Path) -> None:
    assert check(content) == (0, [f"{content}: no errors, 0 warning(s)."])


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2026-22-11", "'2026-22-11' has no month 22: write dates as year-month-day, such as 2026-11-22"),
        ("2026-11-31", "'2026-11-31' is not a real date: November 2026 has 30 days"),
        ("22.11.2026", "'22.11.2026' is not a date: write dates as 2026-11-22 (year-month-day)"),
        ("2026", "'2026' is not a date: write dates as 2026-11-22 (year-month-day)"),
    ],
)
def test_a_date_that_is_not_a_date_is_named_on_its_line(content: Path, typed: str, expected: str) -> None:
    change(content / "contacts.yaml", "  checked: 2026-11-22\n\niom", f"  checked: {typed}\n\niom")
    code, out = check(content)
    assert code == 1
    assert out[0] == f"contacts.yaml:7: ru_emergency: checked: {expected}"
    assert out[-1].endswith("1 error(s), 0 warning(s). The bot will not start until the errors are fixed.")


def test_a_checked_date_in_the_future_is_a_warning(content: Path) -> None:
    change(content / "contacts.yaml", "  checked: 2026-11-22\n\niom", "  checked: 2027-11-22\n\niom")
    code, out = check(content)
    assert code == 0
    assert out[0] == (
        "contacts.yaml:7: warning: contact 'ru_emergency' was checked on 2027-11-22, a date in the future: "
        f"write the day it was checked (today is {CONTENT_DAY})"
    )


def test_an_unknown_need_fails_with_the_need_it_probably_meant(content: Path) -> None:
    change(content / "lessons" / "hotlines.yaml", "need='trafficking'", "need='legal'")
    code, out = check(content)
    assert code == 1
    assert out[0] == (
        "lessons/hotlines.yaml:9: the list of contacts here would be empty: 'legal' is not a need; use one of "
        "emergency, trafficking, labour_rights, consular, legal_aid, psychological (did you mean 'legal_aid'?)"
    )


def test_an_unknown_country_fails_with_the_country_it_probably_meant(content: Path) -> None:
    change(content / "lessons" / "hotlines.yaml", "need='trafficking'", "country='TJK'")
    code, out = check(content)
    assert code == 1
    assert out[0] == (
        "lessons/hotlines.yaml:9: the list of contacts here would be empty: "
        "no contact in contacts.yaml has the country 'TJK' (did you mean 'TJ'?)"
    )


def test_a_country_and_need_no_contact_has_fails(content: Path) -> None:
    change(content / "lessons" / "hotlines.yaml", "need='trafficking'", "country='RU', need='legal_aid'")
    assert check(content)[1][0] == (
        "lessons/hotlines.yaml:9: the list of contacts here would be empty: "
        "no contact in contacts.yaml has the country 'RU' and the need 'legal_aid'"
    )


def test_an_unknown_contact_fails_with_the_contact_it_probably_meant(content: Path) -> None:
    change(content / "lessons" / "hotlines.yaml", "contact('ru_emergency')", "contact('ru_emergancy')")
    assert check(content)[1][:2] == [
        "lessons/hotlines.yaml:8: the text names unknown contact 'ru_emergancy' (did you mean 'ru_emergency'?)",
        "    how to fix: Use a contact id from contacts.yaml, or add the contact there with its source.",
    ]


def test_a_translation_that_drops_a_contact_fails(content: Path) -> None:
    change(
        content / "lessons" / "hotlines.yaml",
        "<b>Yordam</b>\n        {{ contact('ru_emergency') }}\n",
        "<b>Yordam</b>\n",
    )
    code, out = check(content)
    assert code == 1
    assert (
        out[0] == "lessons/hotlines.yaml:15: the 'uz' text lacks {{ contact('ru_emergency') }}, which the 'en' text has"
    )


def test_a_translation_that_changes_a_contact_fails(content: Path) -> None:
    change(
        content / "lessons" / "hotlines.yaml",
        "Помощь</b>\n        {{ contact('ru_emergency') }}",
        "Помощь</b>\n        {{ contact('iom_tajikistan') }}",
    )
    assert check(content)[1][0] == (
        "lessons/hotlines.yaml:11: the 'ru' text lacks {{ contact('ru_emergency') }}, which the 'en' text has "
        "and has {{ contact('iom_tajikistan') }}, which the 'en' text does not"
    )


def test_a_phone_number_typed_into_a_lesson_is_flagged_unless_marked(content: Path) -> None:
    change(
        content / "lessons" / "hotlines.yaml",
        "<b>Help</b>\n",
        "<b>Help</b>\n        Or ring +7 495 123-45-67 any time.\n",
    )
    code, out = check(content)
    assert code == 1
    assert out[:2] == [
        "lessons/hotlines.yaml:20: '+7 495 123-45-67' looks like a phone number typed into the text",
        "    how to fix: Put the number in contacts.yaml with its source and checked date, and insert it with "
        "{{ contact('id') }}. If the number is there on purpose, write {# keep number #} right after it.",
    ]
    change(content / "lessons" / "hotlines.yaml", "+7 495 123-45-67", f"+7 495 123-45-67{KEEP_NUMBER}")
    assert check(content)[0] == 0


def test_sums_dates_and_law_numbers_are_not_phone_numbers(content: Path) -> None:
    change(
        content / "lessons" / "hotlines.yaml",
        "<b>Help</b>\n",
        "<b>Help</b>\n        Law 115-FZ of 2002-07-25, fee 1 500 000, ILO C181 (1997).\n",
    )
    assert check(content)[0] == 0


def test_a_country_in_small_letters(content: Path) -> None:
    change(content / "contacts.yaml", "country: TJ", "country: tj")
    assert check(content)[1][0] == (
        "contacts.yaml:11: iom_tajikistan: country: 'tj': country must be a two-letter code in capitals, "
        "such as RU, KZ or TJ"
    )


def test_a_yes_or_no_word_and_a_number_as_text(content: Path) -> None:
    change(content / "lessons" / "main.yaml", "en: Help}", "en: No}")
    assert check(content)[0] == 0, "YAML 1.2: No is text, as the editor meant"
    change(content / "lessons" / "main.yaml", "en: No}", "en: true}")
    change(content / "lessons" / "main.yaml", "uz: Salom", "uz: 2026")
    assert check(content)[1][::2] == [
        "lessons/main.yaml:5: nodes.menu.text.uz: put this text in quotes: YAML reads 2026 as a number, not as text",
        "lessons/main.yaml:7: nodes.menu.buttons.0.label.en: put this text in quotes: YAML reads true as a yes/no "
        "value, not as text",
        "",
    ]


def test_a_duplicated_id_names_both_places(content: Path) -> None:
    (content / "contacts.yaml").write_text(CONTACTS + "\n" + CONTACTS.split("\n\n")[0] + "\n", encoding="utf-8")
    code, out = check(content)
    assert code == 1
    assert out[:2] == [
        "contacts.yaml:17: 'ru_emergency' appears twice, on line 1 and on line 17",
        "    how to fix: Each name may appear only once at the same level: rename or delete one of them.",
    ]
    assert out[-1].endswith("1 error(s), 0 warning(s). The bot will not start until the errors are fixed."), (
        "one mistake, one error: no follow-on 'unknown contact' for every lesson that names one"
    )


def test_a_misspelt_lesson_is_suggested(content: Path) -> None:
    change(content / "lessons" / "main.yaml", "lesson: hotlines", "lesson: hotline")
    assert check(content)[1][0] == (
        "lessons/main.yaml:7: button 1 of 'menu' points to unknown lesson 'hotline' (did you mean 'hotlines'?)"
    )


def test_a_misspelt_field_is_suggested(content: Path) -> None:
    change(content / "contacts.yaml", "  checked: 2026-11-22\n\niom", "  checkd: 2026-11-22\n\niom")
    assert check(content)[1][::2][:2] == [
        "contacts.yaml:1: ru_emergency: 'checked' is missing",
        "contacts.yaml:7: ru_emergency: 'checkd' is not a known field (did you mean 'checked'?)",
    ]


def test_an_unclosed_tag_points_at_the_tag_and_a_long_text_names_its_language(content: Path) -> None:
    change(content / "lessons" / "hotlines.yaml", "<b>Помощь</b>\n", "<b>Помощь</b>\n        Звоните <b>сейчас.\n")
    change(content / "lessons" / "hotlines.yaml", "<b>Yordam</b>\n", "<b>Yordam</b>\n        " + "Xavf. " * 700 + "\n")
    out = [line for line in check(content)[1] if not line.startswith("    ")]
    assert out[0] == "lessons/hotlines.yaml:12: <b> is never closed"
    assert out[1].startswith("lessons/hotlines.yaml:16: the 'uz' text is 4")
    assert out[1].endswith(" characters long; Telegram allows 4096")


def test_checking_a_path_that_does_not_exist(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "lessons" / "contracts.yaml"
    assert main(["check", str(missing)]) == 1
    assert (
        capsys.readouterr().out.strip() == f"{missing}: there is no such file or folder; check the spelling of the path"
    )


def test_messages_carry_no_programmers_words(content: Path) -> None:
    """Every kind of mistake above at once: none of the messages speaks pydantic, regex or Python."""
    change(content / "contacts.yaml", "country: TJ", "country: TJK")
    change(content / "contacts.yaml", "needs: [emergency]", "needs: [emergancy]")
    change(content / "contacts.yaml", "  checked: 2026-11-22\n\niom", "  checked: 2026-11-31\n\niom")
    change(content / "lessons" / "main.yaml", "start: menu", "start: Menu")
    change(content / "lessons" / "main.yaml", "uz: Salom", "uz: 12")
    out = "\n".join(check(content)[1])
    for jargon in ("Input should", "String should", "pattern", "^[", "valid string", "literal", "datetime", "[key]"):
        assert jargon not in out, (jargon, out)
    assert "'emergancy' is not one of: emergency, trafficking" in out and "(did you mean 'emergency'?)" in out


def test_a_label_not_given_per_language(content: Path) -> None:
    change(content / "lessons" / "main.yaml", "- label: {tg: Ёрдам, ru: Помощь, uz: Yordam, en: Help}", "- label: Help")
    assert check(content)[1][0] == (
        "lessons/main.yaml:7: nodes.menu.buttons.0.label: write this text once per language, on the lines below it: "
        "tg: …, ru: …, uz: …, en: …"
    )


def test_a_screen_name_that_cannot_be_a_name(content: Path) -> None:
    change(content / "lessons" / "main.yaml", "start: menu\nnodes:\n  menu:", "start: menu\nnodes:\n  Menu:")
    code, out = check(content)
    assert code == 1
    assert out[0] == (
        "lessons/main.yaml:4: nodes: 'Menu' cannot be a name: use small Latin letters, digits and _ only, such as "
        "step_2"
    )
    assert out[-1].endswith(": 1 error(s), 0 warning(s). The bot will not start until the errors are fixed.")


def test_a_contact_written_with_one_closing_brace(content: Path) -> None:
    change(
        content / "lessons" / "hotlines.yaml",
        "<b>Помощь</b>\n        {{ contact('ru_emergency') }}",
        "<b>Помощь</b>\n        {{ contact('ru_emergency') }",
    )
    assert check(content)[1][:2] == [
        "lessons/hotlines.yaml:12: template error: a {{ … }} part needs two braces on each side: {{ contact('id') }}",
        "    how to fix: Check the {{ … }} and {% … %} parts: names are contact('id'), contacts(country='RU') and lang.",
    ]


def test_a_button_label_too_long_or_with_a_phone_number(content: Path) -> None:
    change(
        content / "lessons" / "main.yaml",
        "ru: Помощь,",
        'ru: "Помощь и поддержка для всех мигрантов, их жён, мужей и детей дома",',
    )
    change(content / "lessons" / "main.yaml", "en: Help}", 'en: "Call 8 800 100-00-00"}')
    assert [line for line in check(content)[1] if not line.startswith("    ")][:2] == [
        "lessons/main.yaml:7: '8 800 100-00-00' looks like a phone number typed into the text",
        "lessons/main.yaml:7: the 'ru' button label is 65 characters; keep it under 64",
    ]


def test_a_lesson_saved_in_the_windows_cyrillic_code_page(content: Path) -> None:
    (content / "lessons" / "main.yaml").write_bytes(MAIN.encode("cp1251"))
    assert check(content)[1][0] == (
        "lessons/main.yaml:1: the file is not saved as UTF-8: save it again choosing the encoding UTF-8"
    )


def test_a_broken_contact_is_one_error_even_when_a_list_would_lose_it(content: Path) -> None:
    """The only trafficking contact is broken: its error is the one message, not also an empty list."""
    change(content / "lessons" / "hotlines.yaml", "        {{ contact('ru_emergency') }}\n", "")
    change(
        content / "contacts.yaml", 'read 2026-11-22"\n  checked: 2026-11-22', 'read 2026-11-22"\n  checked: 2026-11-31'
    )
    code, out = check(content)
    assert code == 1
    assert [line for line in out if line.startswith(("contacts", "lessons"))] == [
        "contacts.yaml:15: iom_tajikistan: checked: '2026-11-31' is not a real date: November 2026 has 30 days",
    ]
