"""`safar translations export|import`: strings for translators as CSV, and back into the YAML.

The CSV is for a spreadsheet: one row per text, the source language beside the translation.
Import edits the YAML with a round-trip parser, so comments, order and quoting stay as editors
left them, and a file whose texts did not change is not written at all.
"""

import csv
import hashlib
import json
import re
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TextIO

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.scalarstring import LiteralScalarString

from bot.common.languages import LANGUAGES
from bot.content import ContentError, load_curriculum
from bot.content.facts import FACTS_FILE
from bot.content.loader import CONTACTS_FILE, LESSONS_DIR
from bot.content.reminder_plans import PLANS_FILE
from bot.content.suggest import did_you_mean
from bot.editing.sheets import SAVE_AS_UTF8, SheetError, SheetRow, read_sheet

STATUS_FILE = "translations.lock.json"
"""For each text and language, a fingerprint of the source text the translation was made from,
so a later change of the source marks the translation as 'changed'."""
KEY_SEPARATOR = "#"
_QUESTION_IN_WORD = re.compile(r"\?(?=\w)")
_LINK = re.compile(r"\b(?:https?|tg)://\S+")
"""A '?' in a link starts its query, which is not a lost letter."""


def round_trip_yaml() -> YAML:
    """The YAML style of the content files; loading and dumping an unchanged file is a no-op."""
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


@dataclass(frozen=True)
class Text:
    """One text that exists in several languages, and where it is."""

    file: str
    path: tuple[str | int, ...]
    values: dict[str, str]

    @property
    def key(self) -> str:
        return self.file + KEY_SEPARATOR + ".".join(str(part) for part in self.path)


def fingerprint(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def content_files(root: Path) -> list[Path]:
    optional = [root / name for name in (PLANS_FILE, FACTS_FILE) if (root / name).exists()]
    return [root / CONTACTS_FILE, *optional, *sorted((root / LESSONS_DIR).glob("*.yaml"))]


def _texts_in(node: Any, file: str, path: tuple[str | int, ...] = ()) -> Iterator[Text]:
    """Every mapping whose keys are all language codes and whose values are text."""
    if isinstance(node, dict):
        if node and all(key in LANGUAGES for key in node) and all(isinstance(v, str) for v in node.values()):
            yield Text(file, path, {str(k): str(v) for k, v in node.items()})
            return
        for key, value in node.items():
            yield from _texts_in(value, file, (*path, str(key)))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _texts_in(value, file, (*path, index))


def all_texts(root: Path) -> list[Text]:
    yaml = round_trip_yaml()
    texts: list[Text] = []
    for path in content_files(root):
        texts.extend(_texts_in(yaml.load(path.read_text(encoding="utf-8")), path.relative_to(root).as_posix()))
    return texts


def load_status(root: Path) -> dict[str, dict[str, str]]:
    path = root / STATUS_FILE
    return dict(json.loads(path.read_text(encoding="utf-8"))) if path.exists() else {}


def status_of(text: Text, source: str, target: str, status: dict[str, dict[str, str]]) -> str:
    if target not in text.values:
        return "missing"
    recorded = status.get(text.key, {}).get(target)
    if recorded is not None and source in text.values and recorded != fingerprint(text.values[source]):
        return "changed"
    return "ok"


def export(root: Path, source: str, target: str, out: TextIO, everything: bool = False) -> int:
    """Write the CSV for `target`; returns the number of rows."""
    status = load_status(root)
    writer = csv.writer(out)
    writer.writerow(["key", "status", source, target])
    rows = 0
    for text in all_texts(root):
        state = status_of(text, source, target, status)
        if (state != "ok" or everything) and source in text.values:
            writer.writerow([text.key, state, text.values[source], text.values.get(target, "")])
            rows += 1
    return rows


@dataclass
class ImportReport:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    confirmed: list[str] = field(default_factory=list)
    blank: list[str] = field(default_factory=list)
    """Rows whose translation cell is empty: nothing to import, listed so none is forgotten."""
    unusable: list[str] = field(default_factory=list)
    """Rows that could not be used: cells missing, or a key no text has (a typo)."""
    problems: list[str] = field(default_factory=list)
    """Rows that make the whole sheet suspect (letters lost to '?'): nothing is imported."""
    content_errors: list[str] = field(default_factory=list)
    """What would be wrong with the content after the import: nothing is imported."""


def import_csv(root: Path, sheet: Path, today: date) -> ImportReport:
    """Apply a filled-in CSV to the content; nothing is written if the result would not load."""
    header, rows = read_sheet(sheet)
    header = header[:4] if len(header) > 4 and not any(header[4:]) else header
    if len(header) != 4 or header[:2] != ["key", "status"] or not set(header[2:]) <= set(LANGUAGES):
        raise SheetError("the first row must be: key, status, <source language>, <target language>")
    source, target = header[2], header[3]
    report = ImportReport()
    texts = {text.key: text for text in all_texts(root)}
    status = load_status(root)
    by_file: dict[str, list[tuple[Text, str]]] = {}
    for row in rows:
        translation = _usable_translation(row, texts, target, report)
        if translation is not None:
            text = texts[row.cells[0].strip()]
            by_file.setdefault(text.file, []).append((text, translation))
    if report.problems:
        return report
    with tempfile.TemporaryDirectory(prefix="safar-import-") as scratch:
        staged = Path(scratch) / "content"
        shutil.copytree(root, staged, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
        for file, updates in by_file.items():
            _apply(staged / file, updates, target, report)
        for text, _ in (item for updates in by_file.values() for item in updates):
            if source in text.values:
                status.setdefault(text.key, {})[target] = fingerprint(text.values[source])
        try:
            load_curriculum(staged, today=today)
        except ContentError as error:
            report.content_errors = [p.explained() for p in error.errors]
            return report
        for file in by_file:
            if (staged / file).read_bytes() != (root / file).read_bytes():
                shutil.copyfile(staged / file, root / file)
    if report.added or report.changed or report.confirmed:
        (root / STATUS_FILE).write_text(json.dumps(status, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return report


def _usable_translation(row: SheetRow, texts: dict[str, Text], target: str, report: ImportReport) -> str | None:
    """The row's translation, or None after noting in `report` why the row cannot be used."""
    cells = row.cells if len(row.cells) <= 4 or any(row.cells[4:]) else row.cells[:4]
    if not any(cell.strip() for cell in cells):
        return None  # an empty line at the end of the sheet
    key = cells[0].strip()
    where = f"row {row.number}: {key or '(no key)'}"
    if len(cells) != 4 or not key:
        report.unusable.append(f"{where}: the row has {len(cells)} cells, not 4 (key, status, source, translation)")
        return None
    text = texts.get(key)
    if text is None:
        report.unusable.append(f"{where}: no text has this key{did_you_mean(key, texts)}")
        return None
    translation = cells[3].replace("\r\n", "\n")
    if not translation.strip():
        report.blank.append(where)
        return None
    if lost_letters(translation, text.values.get(target)):
        report.problems.append(
            f"{where}: the translation has '?' where a letter should be ({translation[:60]!r}): the file was saved "
            f"in an encoding without Tajik or Uzbek letters; {SAVE_AS_UTF8}"
        )
        return None
    return translation


def lost_letters(translation: str, current: str | None) -> bool:
    """True when a spreadsheet turned letters into '?': a '?' inside or at the start of a word,
    or the translation is the current one with some of its letters replaced by '?'."""
    if _QUESTION_IN_WORD.search(_LINK.sub("", translation)):
        return True
    if current is None or len(current) != len(translation) or current == translation:
        return False
    return all(new == old or (new == "?" and old.isalpha()) for new, old in zip(translation, current, strict=True))


def _apply(path: Path, updates: list[tuple[Text, str]], target: str, report: ImportReport) -> None:
    yaml = round_trip_yaml()
    original = path.read_text(encoding="utf-8")
    tree = yaml.load(original)
    edited = False
    for text, translation in updates:
        node = tree
        for part in text.path:
            node = node[part]
        current = node.get(target)
        if current is not None and str(current) == translation:
            report.confirmed.append(text.key)
            continue
        value: Any = LiteralScalarString(translation) if "\n" in translation else translation
        (report.changed if current is not None else report.added).append(text.key)
        _set_in_language_order(node, target, value)
        edited = True
    if edited:
        with path.open("w", encoding="utf-8") as file:
            yaml.dump(tree, file)


def _set_in_language_order(node: CommentedMap, language: str, value: Any) -> None:
    if language in node:
        node[language] = value
        return
    order = list(LANGUAGES)
    position = sum(1 for key in node if order.index(str(key)) < order.index(language))
    node.insert(position, language, value)
