"""`safar translations`: a CSV round trip for translators that leaves everything else untouched."""

import csv
import re
from pathlib import Path

import pytest

from bot.cli import main
from bot.content import load_curriculum
from bot.content.curriculum import NodeId
from tests.support.content_fixtures import CONTENT_DAY, copy_of_real_content, edit


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


NO_BUTTON = "lessons/recruitment.yaml#nodes.offer.buttons.1.label"


def write_sheet(path: Path, rows: list[list[str]], encoding: str = "utf-8", delimiter: str = ",") -> None:
    with path.open("w", encoding=encoding, errors="replace", newline="") as file:
        csv.writer(file, delimiter=delimiter).writerows(rows)


def exported(content: Path, tmp_path: Path, language: str) -> list[list[str]]:
    sheet = tmp_path / f"{language}.csv"
    assert main(["translations", "export", str(sheet), "--lang", language, "--all", "--content", str(content)]) == 0
    return read_rows(sheet)


def test_the_export_starts_with_the_mark_that_makes_excel_read_utf8(tmp_path: Path) -> None:
    content = copy_of_real_content(tmp_path)
    sheet = tmp_path / "tg.csv"
    assert main(["translations", "export", str(sheet), "--lang", "tg", "--all", "--content", str(content)]) == 0
    assert sheet.read_bytes().startswith("\ufeffkey,status,en,tg".encode())


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig"], ids=["without BOM", "with BOM"])
def test_what_excel_writes_in_a_russian_locale_is_imported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], encoding: str
) -> None:
    content = copy_of_real_content(tmp_path)
    rows = exported(content, tmp_path, "uz")
    row = next(row for row in rows if row[0] == NO_BUTTON)
    row[3] = "Yoʻq, rahmat"
    sheet = tmp_path / "excel.csv"
    write_sheet(sheet, [rows[0], row], encoding=encoding, delimiter=";")
    capsys.readouterr()
    assert main(["translations", "import", str(sheet), "--content", str(content)]) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"changed: {NO_BUTTON}",
        "0 added, 1 changed, 0 unchanged, 0 blank, 0 not imported.",
    ]
    assert 'uz: "Yoʻq, rahmat", en: "No"}' in (content / "lessons" / "recruitment.yaml").read_text(encoding="utf-8")


def test_a_file_saved_in_the_windows_cyrillic_code_page_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    content = copy_of_real_content(tmp_path)
    before = yaml_bytes(content)
    rows = exported(content, tmp_path, "ru")
    sheet = tmp_path / "excel-cp1251.csv"
    write_sheet(sheet, rows, encoding="cp1251", delimiter=";")
    assert main(["translations", "import", str(sheet), "--content", str(content)]) == 2
    assert capsys.readouterr().err.strip() == (
        f"safar: {sheet}: this file is not saved as UTF-8, so Tajik and Uzbek letters cannot be in it; save it "
        "from your spreadsheet as \"CSV UTF-8\" (in Excel: File → Save As → 'CSV UTF-8 (Comma delimited)') and "
        "import that file"
    )
    assert yaml_bytes(content) == before


def test_question_marks_where_letters_were_refuse_the_whole_import(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    content = copy_of_real_content(tmp_path)
    before = yaml_bytes(content)
    rows = exported(content, tmp_path, "tg")
    lost = [[*row[:3], re.sub("[ғӣқӯҳҷ]", "?", row[3])] for row in rows[1:] if re.search("[ғӣқӯҳҷ]", row[3])]
    assert len(lost) > 10
    sheet = tmp_path / "tg-lost.csv"
    write_sheet(sheet, [rows[0], *lost])
    capsys.readouterr()
    assert main(["translations", "import", str(sheet), "--content", str(content)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "Nothing was changed:"
    assert len(out) == 1 + len(lost), "every damaged row is listed"
    assert out[1].startswith(f"row 2: {lost[0][0]}: the translation has '?' where a letter should be (")
    assert out[1].endswith('save it from your spreadsheet as "CSV UTF-8" (in Excel: File → Save As → '
                           "'CSV UTF-8 (Comma delimited)') and import that file")  # fmt: skip
    assert yaml_bytes(content) == before


def test_blank_cells_short_rows_and_mistyped_keys_are_counted_and_listed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    content = copy_of_real_content(tmp_path)
    header = ["key", "status", "en", "uz"]
    rows = [
        header,
        [NO_BUTTON, "ok", "No", "Yoʻq, rahmat"],
        ["lessons/main.yaml#title", "ok", "Menu", "  "],
        ["lessons/main.yaml#title", "ok"],
        [NO_BUTTON.replace("recruitment", "recruitmnet"), "ok", "No", "Yoʻq"],
    ]
    sheet = tmp_path / "uz.csv"
    write_sheet(sheet, rows)
    capsys.readouterr()
    assert main(["translations", "import", str(sheet), "--content", str(content)]) == 1
    assert capsys.readouterr().out.splitlines() == [
        f"changed: {NO_BUTTON}",
        "1 row(s) left blank, not imported:",
        "  row 3: lessons/main.yaml#title",
        "2 row(s) not imported:",
        "  row 4: lessons/main.yaml#title: the row has 2 cells, not 4 (key, status, source, translation)",
        "  row 5: lessons/recruitmnet.yaml#nodes.offer.buttons.1.label: no text has this key "
        f"(did you mean '{NO_BUTTON}'?)",
        "0 added, 1 changed, 0 unchanged, 1 blank, 2 not imported.",
    ]


def test_a_translation_that_drops_a_contact_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    content = copy_of_real_content(tmp_path)
    before = yaml_bytes(content)
    rows = exported(content, tmp_path, "uz")
    row = next(row for row in rows if "{{ contact('" in row[3])
    placeholder = re.search(r"\{\{ contact\('\w+'\) \}\}", row[3])
    assert placeholder is not None
    row[3] = row[3].replace(placeholder.group(0), "")
    sheet = tmp_path / "uz.csv"
    write_sheet(sheet, [rows[0], row])
    capsys.readouterr()
    assert main(["translations", "import", str(sheet), "--content", str(content)]) == 1
    out = capsys.readouterr().out
    assert out.startswith("Nothing was changed: with these translations the content would have errors:\n")
    assert f"the 'uz' text lacks {placeholder.group(0)}, which the 'en' text has" in out
    assert yaml_bytes(content) == before


@pytest.mark.parametrize("order", ["file first", "options first"])
def test_export_takes_the_file_before_or_after_the_options(tmp_path: Path, order: str) -> None:
    content = copy_of_real_content(tmp_path)
    sheet = tmp_path / "ru.csv"
    options = ["--lang", "ru", "--content", str(content)]
    arguments = [str(sheet), *options] if order == "file first" else [*options, str(sheet)]
    assert main(["translations", "export", *arguments]) == 0
    assert read_rows(sheet)[0] == ["key", "status", "en", "ru"]


def test_a_question_mark_in_a_link_and_a_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    content = copy_of_real_content(tmp_path)
    sheet = tmp_path / "uz.csv"
    write_sheet(sheet, [["key", "status", "en", "uz"], [NO_BUTTON, "ok", "No", "Yoʻq: https://safar.example/?q=1"]])
    assert main(["translations", "import", str(sheet), "--content", str(content)]) == 0, (
        "a link's '?' is no lost letter"
    )
    missing = tmp_path / "uz-final.csv"
    assert main(["translations", "import", str(missing), "--content", str(content)]) == 2
    assert capsys.readouterr().err.strip() == f"safar: {missing}: there is no such file; check the spelling of the path"
