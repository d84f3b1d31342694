"""CSV files as translators' spreadsheets write them, and as Excel opens them correctly.

Excel opens a CSV as UTF-8 only when it starts with a byte-order mark, and in a Russian locale
saves with `;` between cells. Its plain "CSV" format uses the Windows Cyrillic code page, which
has no Tajik letters (ғ ӣ қ ӯ ҳ ҷ) or Uzbek ʻ: Excel writes `?` instead, without a word. Such files
are refused here, before a single `?` reaches a lesson.
"""

import codecs
import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

EXCEL_ENCODING = "utf-8-sig"
"""UTF-8 with the byte-order mark that tells Excel the file is UTF-8."""

SAVE_AS_UTF8 = (
    "save it from your spreadsheet as \"CSV UTF-8\" (in Excel: File → Save As → 'CSV UTF-8 (Comma delimited)') "
    "and import that file"
)


class SheetError(ValueError):
    """A file that cannot be read as a translators' sheet, with what to do about it."""


@dataclass(frozen=True)
class SheetRow:
    number: int
    """The row's number as the spreadsheet shows it (the header is row 1)."""
    cells: list[str]


def open_for_excel(path: Path) -> TextIO:
    """A CSV file to write that Excel opens with every letter intact."""
    return path.open("w", encoding=EXCEL_ENCODING, newline="")


def read_sheet(path: Path) -> tuple[list[str], list[SheetRow]]:
    """The header and the rows of a CSV written with `,` or `;`, with or without a BOM."""
    text = _decoded(path.read_bytes())
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = [SheetRow(number, cells) for number, cells in enumerate(reader, start=1)]
    if not rows:
        raise SheetError("the file is empty")
    return [cell.strip() for cell in rows[0].cells], rows[1:]


def _decoded(data: bytes) -> str:
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise SheetError(
            "this file is not saved as UTF-8, so Tajik and Uzbek letters cannot be in it; " + SAVE_AS_UTF8
        ) from None
