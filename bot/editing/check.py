"""`safar check [PATH]`: every problem in the content, with how to fix it; exit 1 on errors."""

from datetime import date
from pathlib import Path
from typing import TextIO

from bot.content import ContentError, Problem, load_curriculum
from bot.content.agencies import load_registry
from bot.content.loader import CONTACTS_FILE, LESSONS_DIR, PACKAGED_CONTENT
from bot.content.media import AUDIO_DIR, PICTURES_DIR
from bot.content.reminder_plans import PLANS_FILE, load_reminder_plans
from bot.editing.recordings import coverage_table
from bot.i18n import load_i18n, translator

REGISTRY_FILE = "agencies.yaml"


def content_root_of(path: Path) -> tuple[Path, str | None]:
    """The content directory to load, and the one file to report on when `path` is a file."""
    path = path.resolve()
    if path.is_dir():
        return path, None
    media_folder = next((p for p in path.parents if p.name in (AUDIO_DIR, PICTURES_DIR)), None)
    if media_folder is not None:  # a recording or picture, or their list: report on it alone
        return media_folder.parent, path.relative_to(media_folder.parent).as_posix()
    root = path.parent.parent if path.parent.name == LESSONS_DIR else path.parent
    return root, path.relative_to(root).as_posix()


def run_check(path: Path | None, out: TextIO, today: date, registry_path: Path | None = None) -> int:
    """Check the lessons and contacts, and the agency list (`registry_path`, else the one beside them)."""
    if path is not None and not path.exists():
        print(f"{path}: there is no such file or folder; check the spelling of the path", file=out)
        return 1
    root, only = content_root_of(path) if path else (PACKAGED_CONTENT, None)
    if path is not None and path.suffix.lower() == ".csv":
        registry_path, only = path, path.name
    if only is None and not (root / CONTACTS_FILE).exists() and not (root / LESSONS_DIR).is_dir():
        print(f"{path}: this is not a content directory (it has no {CONTACTS_FILE} and no {LESSONS_DIR}/)", file=out)
        return 1
    loaded = None
    try:
        curriculum = loaded = load_curriculum(root, translator(load_i18n()), today=today)
        problems: list[Problem] = curriculum.warnings + sorted(curriculum.media.problems)
    except ContentError as error:
        problems = error.problems
    if loaded is not None and (root / PLANS_FILE).exists():
        try:
            load_reminder_plans(root, set(curriculum.lessons))
        except ContentError as error:
            problems = problems + error.problems
    registry = registry_path or (root / REGISTRY_FILE)
    if registry.exists():
        try:
            load_registry(registry)
        except ContentError as error:
            problems = problems + error.problems
    if only is not None:
        problems = [p for p in problems if p.file == only]
    for problem in problems:
        print(problem.explained(), file=out)
    if loaded is not None and only is None and (root / AUDIO_DIR).is_dir():
        print("\n".join(["", *coverage_table(loaded), ""]), file=out)
    errors = sum(not p.is_warning for p in problems)
    warnings = len(problems) - errors
    scope = only or str(root)
    if errors:
        summary = f"{scope}: {errors} error(s), {warnings} warning(s)."
        media_only = loaded is not None and all(p.is_warning or p in loaded.media.problems for p in problems)
        then = (
            "The bot runs, but leaves these files out until they are fixed."
            if media_only
            else "The bot will not start until the errors are fixed."
        )
        print(f"\n{summary} {then}", file=out)
        return 1
    print(f"{scope}: no errors, {warnings} warning(s).", file=out)
    return 0
