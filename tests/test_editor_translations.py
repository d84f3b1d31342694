"""`safar translations`: a CSV round trip for translators that leaves everything else untouched."""

import csv
import re
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.content import load_curriculum
from bot.content.curriculum import NodeId
from tests.content_fixtures import CONTENT_DAY, copy_of_real_content, edit


def yaml_bytes(content: Path) -> dict[Path, bytes]:
    return {path: path.read_bytes() for path in sorted(content.rglob("*.yaml"))}


def read_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as file:
        return list(csv.reader(file))


def write_rows(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as file:
        csv.writer(file).writerows(rows)


def test_a_round_trip_without_changes_leaves_the_yaml_byte_identical(tmp_path: Path) -> None:
    content = copy_of_real_content(tmp_path)
    before = yaml_bytes(content)
    sheet = tmp_path / "uz.csv"
    assert main(["translations", "export", str(sheet), "--lang", "uz", "--all", "--content", str(content)]) == 0
    rows = read_rows(sheet)
    assert rows[0] == ["key", "status", "en", "uz"]
    assert len(rows) > 60
    assert ["lessons/recruitment.yaml#nodes.offer.buttons.1.label", "ok", "No", "Yoʻq"] in rows
    assert main(["translations", "import", str(sheet), "--content", str(content)]) == 0
    assert yaml_bytes(content) == before


def test_only_missing_texts_are_exported_and_imported_back_in_language_order(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    content = copy_of_real_content(tmp_path)
    lesson = content / "lessons" / "recruitment.yaml"
    edit(lesson, '{tg: "Не", ru: "Нет", uz: "Yoʻq", en: "No"}', '{tg: "Не", ru: "Нет", en: "No"}')
    passport_in_uzbek = re.compile(
        r"      uz: \|-\n        <b>Pasportingizni hech kimga bermang.*?\n(?=      en:)", re.S
    )
    lesson.write_text(passport_in_uzbek.sub("", lesson.read_text(encoding="utf-8")), encoding="utf-8")
    sheet = tmp_path / "uz.csv"
    assert main(["translations", "export", str(sheet), "--lang", "uz", "--content", str(content)]) == 0
    rows = read_rows(sheet)
    assert [row[:2] for row in rows[1:]] == [
        ["lessons/recruitment.yaml#nodes.offer.buttons.1.label", "missing"],
        ["lessons/recruitment.yaml#nodes.passport.text", "missing"],
    ]
    rows[1][3] = "Yoʻq"
    rows[2][3] = "<b>Pasportingizni bermang.</b>\nBu majburiy mehnat belgisi."
    write_rows(sheet, rows)
    capsys.readouterr()
    assert main(["translations", "import", str(sheet), "--content", str(content)]) == 0
    out = capsys.readouterr().out
    assert "added: lessons/recruitment.yaml#nodes.passport.text" in out
    assert out.strip().endswith("2 added, 0 changed, 0 unchanged, 0 blank, 0 not imported.")
    updated = lesson.read_text(encoding="utf-8")
    assert '{tg: "Не", ru: "Нет", uz: Yoʻq, en: "No"}' in updated
    assert (
        "      uz: |-\n        <b>Pasportingizni bermang.</b>\n        Bu majburiy mehnat belgisi.\n      en: |-"
        in updated
    )
    assert "# A branching lesson" in updated, "comments are kept"
    curriculum = load_curriculum(content, today=CONTENT_DAY)
    assert curriculum.render_text(NodeId("recruitment", "passport"), "uz").startswith("<b>Pasportingizni bermang.</b>")


def test_a_changed_source_text_marks_its_translations_as_changed(tmp_path: Path) -> None:
    content = copy_of_real_content(tmp_path)
    sheet = tmp_path / "tg.csv"
    assert main(["translations", "export", str(sheet), "--lang", "tg", "--all", "--content", str(content)]) == 0
    assert main(["translations", "import", str(sheet), "--content", str(content)]) == 0
    edit(content / "lessons" / "recruitment.yaml", 'en: "Everything seems fine"', 'en: "Everything looks fine"')
    assert main(["translations", "export", str(sheet), "--lang", "tg", "--content", str(content)]) == 0
    assert read_rows(sheet)[1:] == [
        [
            "lessons/recruitment.yaml#nodes.contract.buttons.1.label",
            "changed",
            "Everything looks fine",
            "Ҳамааш хуб аст",
        ]
    ]
    assert main(["translations", "import", str(sheet), "--content", str(content)]) == 0
    assert main(["translations", "export", str(sheet), "--lang", "tg", "--content", str(content)]) == 0
    assert read_rows(sheet) == [["key", "status", "en", "tg"]], "re-confirmed translations are up to date"


def test_a_translation_that_would_break_the_content_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    content = copy_of_real_content(tmp_path)
    before = yaml_bytes(content)
    sheet = tmp_path / "ru.csv"
    rows = [["key", "status", "en", "ru"], ["lessons/main.yaml#nodes.menu.text", "changed", "x", "<b>Сафар & Ко"]]
    write_rows(sheet, rows)
    assert main(["translations", "import", str(sheet), "--content", str(content)]) == 1
    out = capsys.readouterr().out
    assert out.startswith("Nothing was changed: with these translations the content would have errors:")
    assert "lessons/main.yaml:" in out and "<b> is never closed" in out
    assert yaml_bytes(content) == before


def test_a_sheet_with_the_wrong_columns_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sheet = tmp_path / "bad.csv"
    sheet.write_text("name,text\nx,y\n", encoding="utf-8")
    assert main(["translations", "import", str(sheet), "--content", str(copy_of_real_content(tmp_path))]) == 2
    assert "the first row must be: key, status, <source language>, <target language>" in capsys.readouterr().err
