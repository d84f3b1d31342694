"""A copy of the real content in a temporary folder, for tests that edit or break it."""

import shutil
from datetime import date
from pathlib import Path

from bot.content.loader import PACKAGED_CONTENT

CONTENT_DAY = date(2026, 12, 7)
"""The day tests load content on: after every `checked` date of the real content, within a year."""


def copy_of_real_content(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(PACKAGED_CONTENT, target, ignore=shutil.ignore_patterns("*.py", "__pycache__", "*.json"))
    return target


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(path: Path, text: str) -> int:
    """The line (from 1) where `text` first stands in `path`: editors' messages name lines, and the
    content's lines move whenever an editor adds one above."""
    content = path.read_text(encoding="utf-8")
    assert text in content, f"{text!r} not in {path}"
    return content[: content.index(text)].count("\n") + 1


# A one-screen main lesson leading to hotlines: the smallest content the loader accepts beside a hotlines file.
MAIN = """\
title: {tg: Меню, ru: Меню, uz: Menyu, en: Menu}
start: menu
nodes:
  menu:
    text: {tg: Салом, ru: Привет, uz: Salom, en: Hello}
    buttons:
      - label: {tg: Ёрдам, ru: Помощь, uz: Yordam, en: Help}
        lesson: hotlines
"""
