"""Reads the content directory, checks everything and reports every problem at once.

Broken content never half-loads: `load_curriculum` either returns a complete `Curriculum` or
raises `ContentError` with each problem as `file:line: what is wrong`.
"""

from collections.abc import Container, Iterable
from datetime import date, timedelta
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from bot.common.callback_prefixes import CALLBACK_PREFIX_ANSWER, CALLBACK_PREFIX_GO
from bot.common.languages import LANGUAGES
from bot.common.telegram_limits import MAX_BUTTON_LABEL_CHARS, MAX_CALLBACK_BYTES
from bot.content.advert_flag_checks import advert_flag_problems
from bot.content.curriculum import (
    HOTLINES_LESSON,
    MAIN_LESSON,
    Curriculum,
    NodeId,
    answers_ref,
    node_ref,
)
from bot.content.entries import ENTRIES_FILE, check_entries
from bot.content.errors import ContentError, Problem
from bot.content.facts import load_fact_registry, written_source_problems
from bot.content.findings import Findings, SourceFile
from bot.content.media_loader import load_media
from bot.content.models import OLD_TOOL_KEY, Contact, Lesson, Localized, Node
from bot.content.plain_errors import validation_problems
from bot.content.rendering import (
    ContactRenderer,
    Translate,
    english,
)
from bot.content.suggest import closest, did_you_mean
from bot.content.template_checks import compile_and_check
from bot.content.text_checks import phone_numbers
from bot.content.yaml_source import DuplicateKeyError, describe_yaml_error, parse_yaml, without_lines
from bot.understanding.advert_flags import ADVERT_FLAGS_FILE, AdvertFlags
from bot.understanding.danger_signals import DANGER_SIGNALS_FILE, DangerSignals, screen_problems, signal_problems

PACKAGED_CONTENT = Path(__file__).parent
CONTACTS_FILE = "contacts.yaml"
LESSONS_DIR = "lessons"
CONTACT_RECHECK_AFTER = timedelta(days=365)

# The callback data content buttons produce (aiogram packs CallbackData as prefix:field:field).
CALLBACK_TEMPLATES = (
    f"{CALLBACK_PREFIX_GO}:{{ref}}",
    f"{CALLBACK_PREFIX_ANSWER}:{{ref}}:{{index}}",
)

M = TypeVar("M", bound=BaseModel)


def load_curriculum(content_dir: Path | None = None, translate: Translate = english, *, today: date) -> Curriculum:
    """Load and check all content under `content_dir` (the packaged content by default).

    `today` is what `checked` dates are measured against: too old, or in the future. Read first
    without lines (libyaml, fast); content with any problem is read again with them, so that each
    problem says its line.
    """
    root = content_dir or PACKAGED_CONTENT
    try:
        with without_lines():
            curriculum = _load_curriculum(root, translate, today)
        if not curriculum.warnings and not curriculum.media.problems:
            return curriculum
    except ContentError:
        pass
    return _load_curriculum(root, translate, today)


def _load_curriculum(root: Path, translate: Translate, today: date) -> Curriculum:
    report = Findings()
    contacts_source = _parse(root, root / CONTACTS_FILE, report)
    report.contacts_unreadable = contacts_source is None
    contacts = _validate_contacts(contacts_source, report, today) if contacts_source else {}
    facts, fact_problems = load_fact_registry(root)
    report.problems.extend(fact_problems)
    lesson_sources: dict[str, SourceFile] = {}
    lessons: dict[str, Lesson] = {}
    lesson_files = sorted((root / LESSONS_DIR).glob("*.yaml"))
    for path in lesson_files:
        source = _parse(root, path, report)
        if source is None:
            continue
        lesson = _validate(Lesson, source, report)
        if lesson is not None:
            lesson_sources[path.stem] = source
            lessons[path.stem] = lesson
    for required in (MAIN_LESSON, HOTLINES_LESSON):
        if required not in lessons and not any(path.stem == required for path in lesson_files):
            report.error(
                f"{LESSONS_DIR}/{required}.yaml",
                1,
                f"the lesson '{required}' is required but missing",
            )
    lesson_names = {path.stem for path in lesson_files}  # an invalid lesson is reported once, not at each link
    for lesson_id, lesson in lessons.items():
        _check_links(lesson, lesson_names, lesson_sources[lesson_id], report, facts)
        _warn_old_tool_keys(lesson, lesson_sources[lesson_id], report)
        _check_translations(lesson, lesson_sources[lesson_id], report)
        _check_fact_dates(lesson, lesson_sources[lesson_id], report, today)
    _check_lessons_reachable(lessons, lesson_sources, report)
    _check_written_sources(contacts_source, contacts, lessons, lesson_sources, report)
    renderer = ContactRenderer(contacts, translate, facts)
    templates = compile_and_check(lessons, lesson_sources, renderer, report)
    _check_refs_unique(lessons, report)
    entries = _load_entries(root, lessons, report)
    danger_signals = _load_danger_signals(root, report, lessons)
    advert_flags = _load_advert_flags(root, report, set(facts))
    if report.has_errors:
        raise ContentError(report.problems)
    curriculum = Curriculum(
        lessons=lessons,
        contacts=contacts,
        facts=facts,
        contact_renderer=renderer,
        templates=templates,
        warnings=sorted(report.problems),
        entries=entries,
        danger_signals=danger_signals,
        advert_flags=advert_flags,
    )
    curriculum.media = load_media(root, curriculum)
    return curriculum


def _load_entries(root: Path, lessons: dict[str, Lesson], report: Findings) -> dict[str, NodeId]:
    """Deep-link entry points; content without an entries file has none."""
    if not (root / ENTRIES_FILE).exists():
        return {}
    source = _parse(root, root / ENTRIES_FILE, report)
    if source is None:
        return {}
    entries, problems = check_entries(source.tree, source.name, lessons)
    report.problems.extend(problems)
    return entries


def _load_danger_signals(root: Path, report: Findings, lessons: dict[str, Lesson]) -> DangerSignals:
    """The danger signals, checked (with the screens they show); none when the content has no such
    file (a minimal content dir)."""
    path = root / DANGER_SIGNALS_FILE
    source = _parse(root, path, report) if path.exists() else None
    signals = _validate(DangerSignals, source, report) if source else None
    if source is None or signals is None:
        return DangerSignals()
    report.problems.extend(signal_problems(signals, source.tree, source.name))

    def has_screen(lesson: str, node: str) -> bool:
        return lesson in lessons and node in lessons[lesson].nodes

    report.problems.extend(screen_problems(signals, source.tree, source.name, has_screen))
    return signals


def _load_advert_flags(root: Path, report: Findings, facts: Container[str] | None = None) -> AdvertFlags:
    """The red flags of job adverts, checked against their own examples (and, given the registry, the
    facts they cite); none without the file."""
    path = root / ADVERT_FLAGS_FILE
    source = _parse(root, path, report) if path.exists() else None
    flags = _validate(AdvertFlags, source, report) if source else None
    if source is None or flags is None:
        return AdvertFlags()
    report.problems.extend(advert_flag_problems(flags, source.tree, source.name, facts))
    return flags


def load_advert_flags(root: Path) -> AdvertFlags:
    """The advert flags alone (the evaluation script's), or ContentError with every problem."""
    report = Findings()
    flags = _load_advert_flags(root, report)
    if report.has_errors:
        raise ContentError(report.problems)
    return flags


def read_yaml_mapping(path: Path, name: str, encoding: str = "utf-8") -> dict[str, Any]:
    """A content file as a mapping with line numbers; ContentError saying why it cannot be."""

    def refuse(line: int, message: str) -> ContentError:
        return ContentError([Problem(name, line, message)])

    try:
        text = path.read_text(encoding=encoding)
    except FileNotFoundError as error:
        raise refuse(1, "the file is missing") from error
    except UnicodeDecodeError as error:
        line = error.object[: error.start].count(b"\n") + 1
        raise refuse(line, "the file is not saved as UTF-8: save it again choosing the encoding UTF-8") from error
    except OSError as error:
        raise refuse(1, f"the file cannot be opened ({error.strerror})") from error
    try:
        tree = parse_yaml(text)
    except DuplicateKeyError as error:
        line = error.problem_mark.line + 1 if error.problem_mark else 1
        raise refuse(line, f"'{error.key}' appears twice, on line {error.first_line} and on line {line}") from error
    except MarkedYAMLError as error:
        raise refuse(*describe_yaml_error(error)) from error
    except YAMLError as error:
        raise refuse(1, f"this is not valid YAML: {error}") from error
    if not isinstance(tree, dict):
        raise refuse(1, "the file must be a YAML mapping of fields (name: value)")
    return tree


def _parse(root: Path, path: Path, report: Findings) -> SourceFile | None:
    name = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
    try:
        return SourceFile(name, read_yaml_mapping(path, name))
    except ContentError as error:
        report.problems.extend(error.problems)
        return None


def _validate(model: type[M], source: SourceFile, report: Findings, entry: str | None = None) -> M | None:
    """Validate the whole file, or with `entry` one top-level entry of it (a contact)."""
    tree = source.tree if entry is None else source.tree[entry]
    try:
        return model.model_validate(tree)
    except ValidationError as error:
        prefix = () if entry is None else (entry,)
        report.problems.extend(validation_problems(source.name, error, source.tree, prefix))
        return None


def _validate_contacts(source: SourceFile, report: Findings, today: date) -> dict[str, Contact]:
    contacts: dict[str, Contact] = {}
    for contact_id in source.tree:
        contact = _validate(Contact, source, report, contact_id)
        if contact is None:
            report.broken_contacts.add(str(contact_id))
            continue
        contacts[str(contact_id)] = contact
        where = source.line(contact_id, "checked")
        if contact.status == "not-answering":
            shown = "hidden from users" if contact.hidden else "shown with a warning"
            report.warn(
                source,
                source.line(contact_id, "status"),
                f"contact '{contact_id}' is marked not-answering ({shown}): call it again and check its source",
            )
        if today - contact.checked > CONTACT_RECHECK_AFTER:
            report.warn(source, where, f"contact '{contact_id}' was last checked on {contact.checked}: check it again")
        _warn_if_future(contact.checked, f"contact '{contact_id}'", source, where, report, today)
    return contacts


def _check_fact_dates(lesson: Lesson, source: SourceFile, report: Findings, today: date) -> None:
    for fact_id, fact in lesson.facts.items():
        _warn_if_future(
            fact.checked, f"fact '{fact_id}'", source, source.line("facts", fact_id, "checked"), report, today
        )


def _warn_if_future(checked: date, what: str, source: SourceFile, line: int, report: Findings, today: date) -> None:
    if checked > today:
        report.warn(
            source,
            line,
            f"{what} was checked on {checked}, a date in the future: write the day it was checked (today is {today})",
        )


def _check_written_sources(
    contacts_source: SourceFile | None,
    contacts: dict[str, Contact],
    lessons: dict[str, Lesson],
    lesson_sources: dict[str, SourceFile],
    report: Findings,
) -> None:
    """A `source:` written as text must name a dated public source, not a local file."""
    if contacts_source is not None:
        entries: list[tuple[tuple[str | int, ...], str]] = [
            ((cid, "source"), contact.source) for cid, contact in contacts.items()
        ]
        report.problems.extend(written_source_problems(contacts_source.name, contacts_source.tree, entries))
    for lesson_id, lesson in lessons.items():
        source = lesson_sources[lesson_id]
        entries = [(("facts", fid, "source"), fact.source) for fid, fact in lesson.facts.items()]
        report.problems.extend(written_source_problems(source.name, source.tree, entries))


def _warn_old_tool_keys(lesson: Lesson, source: SourceFile, report: Findings) -> None:
    """Buttons still written with `feature:` work, but editors are asked to use the one name, `tool:`."""
    for node_id in lesson.nodes:
        buttons = source.tree["nodes"][node_id].get("buttons") or []
        for index, button in enumerate(buttons):
            if isinstance(button, dict) and OLD_TOOL_KEY in button:
                report.warn(
                    source,
                    source.line("nodes", node_id, "buttons", index, OLD_TOOL_KEY),
                    f"'{OLD_TOOL_KEY}:' is now called 'tool:': rename it (the old name still works for now)",
                )


def _check_links(
    lesson: Lesson, lesson_names: set[str], source: SourceFile, report: Findings, registered: Container[str] = ()
) -> None:
    if lesson.start not in lesson.nodes:
        suggestion = did_you_mean(lesson.start, lesson.nodes)
        report.error(source, source.line("start"), f"'start' points to unknown node '{lesson.start}'{suggestion}")
        return
    for node_id, node in lesson.nodes.items():
        for fact in node.facts:
            if fact not in lesson.facts and fact not in registered:
                report.error(
                    source,
                    source.line("nodes", node_id, "facts"),
                    f"node '{node_id}' cites unknown fact '{fact}'{did_you_mean(fact, lesson.facts)}",
                )
        for index, button in enumerate(node.buttons):
            where = source.line("nodes", node_id, "buttons", index)
            if button.goto is not None and button.goto not in lesson.nodes:
                report.error(
                    source,
                    where,
                    f"button {index + 1} of '{node_id}' points to unknown node '{button.goto}'"
                    + did_you_mean(button.goto, lesson.nodes),
                )
            if button.lesson is not None and button.lesson not in lesson_names:
                report.error(
                    source,
                    where,
                    f"button {index + 1} of '{node_id}' points to unknown lesson '{button.lesson}'"
                    + did_you_mean(button.lesson, lesson_names),
                )
        for index, answer in enumerate(node.answers):
            if answer.goto not in lesson.nodes:
                where = source.line("nodes", node_id, "answers", index)
                report.error(
                    source,
                    where,
                    f"answer {index + 1} of '{node_id}' points to unknown node '{answer.goto}'"
                    + did_you_mean(answer.goto, lesson.nodes),
                )
    # A node that a mistyped link was meant for is unreachable because of that one mistake.
    targets = [b.goto for n in lesson.nodes.values() for b in n.buttons if b.goto] + [
        a.goto for n in lesson.nodes.values() for a in n.answers
    ]
    meant = {closest(target, lesson.nodes) for target in targets if target not in lesson.nodes}
    reachable = _reachable_nodes(lesson)
    for node_id in lesson.nodes:
        if node_id not in reachable and node_id not in meant:
            report.error(
                source,
                source.line("nodes", node_id),
                f"node '{node_id}' cannot be reached from '{lesson.start}'",
            )


def _reachable_nodes(lesson: Lesson) -> set[str]:
    seen = {lesson.start}
    queue = [lesson.start]
    while queue:
        node = lesson.nodes.get(queue.pop())
        if node is None:
            continue
        targets = [b.goto for b in node.buttons if b.goto] + [a.goto for a in node.answers]
        for target in targets:
            if target not in seen:
                seen.add(target)
                queue.append(target)
    return seen


def _check_lessons_reachable(lessons: dict[str, Lesson], sources: dict[str, SourceFile], report: Findings) -> None:
    linked = {button.lesson for lesson in lessons.values() for node in lesson.nodes.values() for button in node.buttons}
    for lesson_id, source in sources.items():
        if lesson_id not in linked and lesson_id not in (MAIN_LESSON, HOTLINES_LESSON):
            report.warn(source, 1, f"no button leads to lesson '{lesson_id}'; only search can find it")


def _localized_fields(lesson: Lesson) -> Iterable[tuple[tuple[str | int, ...], Localized]]:
    yield ("title",), lesson.title
    for node_id, node in lesson.nodes.items():
        base: tuple[str | int, ...] = ("nodes", node_id)
        if node.text is not None:
            yield (*base, "text"), node.text
        for index, button in enumerate(node.buttons):
            yield (*base, "buttons", index, "label"), button.label
        for index, answer in enumerate(node.answers):
            yield (*base, "answers", index, "label"), answer.label
        for index, case in enumerate(node.results):
            yield (*base, "results", index, "text"), case.text


def _check_translations(lesson: Lesson, source: SourceFile, report: Findings) -> None:
    for location, text in _localized_fields(lesson):
        missing = [language for language in LANGUAGES if language not in text]
        if missing:
            where = ".".join(str(part) for part in location)
            report.warn(source, source.line(*location), f"{where}: no translation for {', '.join(missing)}")
        if location[-1] == "label":
            for language, label in text.items():
                line = source.line(*location, language)
                if len(label) > MAX_BUTTON_LABEL_CHARS:
                    report.error(
                        source,
                        line,
                        f"the '{language}' button label is {len(label)} characters; "
                        f"keep it under {MAX_BUTTON_LABEL_CHARS}",
                    )
                for _, number in phone_numbers(label):
                    report.error(source, line, f"'{number}' looks like a phone number typed into the text")


def _check_refs_unique(lessons: dict[str, Lesson], report: Findings) -> None:
    seen: dict[str, NodeId] = {}
    for lesson_id, lesson in lessons.items():
        for node_name, node in lesson.nodes.items():
            node_id = NodeId(lesson_id, node_name)
            refs = [node_ref(node_id)] + ([answers_ref(node_id, node)] if node.answers else [])
            for ref in refs:
                if ref in seen and seen[ref] != node_id:
                    report.error(
                        f"{LESSONS_DIR}/{lesson_id}.yaml",
                        1,
                        f"rename node '{node_name}': its short id clashes with '{seen[ref]}'",
                    )
                seen[ref] = node_id
                _check_callback_size(ref, node, node_id, report)


def _check_callback_size(ref: str, node: Node, node_id: NodeId, report: Findings) -> None:
    longest_index = str(max(len(node.answers) - 1, 0))
    for pattern in CALLBACK_TEMPLATES:
        data = pattern.format(ref=ref, index=longest_index)
        if len(data.encode()) > MAX_CALLBACK_BYTES:
            report.error(
                f"{LESSONS_DIR}/{node_id.lesson}.yaml",
                1,
                f"callback data for '{node_id}' would exceed {MAX_CALLBACK_BYTES} bytes",
            )
