"""`safar recordings`: the editors' side of recorded screens (issue 33).

`list` prints a script for the person recording: each screen's text in order, under the file
name to save it as. `confirm` records which text a recording reads (its fingerprint in
audio/recordings.yaml), so it is offered; `safar check` shows the coverage table.
"""

from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

from ruamel.yaml import YAML

from bot.common.languages import LANGUAGE_NAMES, LANGUAGES
from bot.content import Curriculum
from bot.content.media import RECORDINGS_FILE, Freshness, Screen, text_fingerprint
from bot.content.media_loader import recording_name, script_text

STATE_WORDS = {
    None: "to record",
    Freshness.UNCONFIRMED: "recorded, not confirmed",
    Freshness.OUT_OF_DATE: "out of date: record again",
    Freshness.CURRENT: "recorded",
}


def screens_in_order(curriculum: Curriculum) -> list[Screen]:
    """Every screen, lesson by lesson, each lesson from its start: the order a person reads them."""
    ordered = []
    for lesson_id, lesson in curriculum.lessons.items():
        nodes = [lesson.start, *(n for n in lesson.nodes if n != lesson.start)]
        ordered += [Screen(lesson_id, node) for node in nodes]
    return ordered


def coverage_table(curriculum: Curriculum) -> list[str]:
    """Per lesson and language: screens with a recording offered now, of all its screens."""
    media = curriculum.media
    header = f"{'lesson':<20}{'screens':>8}" + "".join(f"{lang:>8}" for lang in LANGUAGES)
    lines = ["Recordings offered (screens with a current recording, per language):", header]
    for lesson_id, lesson in curriculum.lessons.items():
        counts = [
            sum(media.recording(Screen(lesson_id, n), lang) is not None for n in lesson.nodes) for lang in LANGUAGES
        ]
        lines.append(f"{lesson_id:<20}{len(lesson.nodes):>8}" + "".join(f"{count:>8}" for count in counts))
    return lines


def print_script(curriculum: Curriculum, languages: Iterable[str], out: TextIO, *, missing_only: bool) -> int:
    """The script: per language, each screen's file name, its state and the words to read."""
    printed = 0
    for language in languages:
        print(f"# {LANGUAGE_NAMES[language]} ({language})\n", file=out)
        for screen in screens_in_order(curriculum):
            found = curriculum.media.recordings.get((screen, language))
            state = found.freshness if found is not None else None
            if missing_only and state is Freshness.CURRENT:
                continue
            print(f"== {recording_name(screen, language)}  [{STATE_WORDS[state]}]", file=out)
            print(script_text(curriculum, screen, language) + "\n", file=out)
            printed += 1
    return printed


def confirm(curriculum: Curriculum, root: Path, names: list[str], out: TextIO) -> int:
    """Mark each recording as reading its screen's text as it is now; exit status 1 if any cannot be."""
    by_name = {recording.name: recording for recording in curriculum.media.recordings.values()}
    yaml = YAML()
    manifest = root / RECORDINGS_FILE
    tree = yaml.load(manifest.read_text(encoding="utf-8")) if manifest.exists() else None
    tree = tree if tree is not None else {}
    status = 0
    for typed in names:
        name = _as_content_name(root, typed)
        recording = by_name.get(name)
        if recording is None:
            print(f"{typed}: not a recording Safar can offer (run `safar check` to see why)", file=out)
            status = 1
            continue
        tree[name] = text_fingerprint(script_text(curriculum, recording.screen, recording.language))
        print(f"{name}: confirmed; it is offered after the next /reload or restart", file=out)
    manifest.parent.mkdir(parents=True, exist_ok=True)
    with manifest.open("w", encoding="utf-8") as file:
        yaml.dump(tree, file)
    return status


def _as_content_name(root: Path, typed: str) -> str:
    """A file as the editor typed it (a path from here, or from the content folder) as recordings.yaml names it."""
    path = Path(typed)
    if path.exists() and path.resolve().is_relative_to(root.resolve()):
        return path.resolve().relative_to(root.resolve()).as_posix()
    return path.as_posix()
