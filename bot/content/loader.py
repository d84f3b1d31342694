"""Reads the content directory, checks everything and reports every problem at once.

Broken content never half-loads: `load_curriculum` either returns a complete `Curriculum` or
raises `ContentError` with each problem as `file:line: what is wrong`.
"""

from collections.abc import Container, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any, TypeVar

import yaml
from jinja2 import Template, TemplateSyntaxError, UndefinedError
from pydantic import BaseModel, ValidationError

from bot.callback_prefixes import CALLBACK_PREFIX_ANSWER, CALLBACK_PREFIX_GO
from bot.content.curriculum import (
    HOTLINES_LESSON,
    MAIN_LESSON,
    Curriculum,
    NodeId,
    answers_ref,
    node_ref,
)
from bot.content.errors import ContentError, Problem
from bot.content.facts import load_fact_registry, written_source_problems
from bot.content.models import Contact, Lesson, Localized, Node
from bot.content.rendering import (
    ContactRenderer,
    Translate,
    UnknownContactError,
    english,
    render,
    template_environment,
)
from bot.content.telegram_html import message_problems
from bot.content.yaml_lines import LineDict, line_of, load_with_lines
from bot.languages import LANGUAGES
from bot.telegram_limits import MAX_BUTTON_LABEL_CHARS, MAX_CALLBACK_BYTES

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


@dataclass
class _Source:
    """One parsed file: its name as editors know it and the raw tree with line numbers."""

    name: str
    tree: Any

    def line(self, *location: str | int) -> int:
        return line_of(self.tree, location)


@dataclass
class _Report:
    problems: list[Problem] = field(default_factory=list)
    broken_contacts: set[str] = field(default_factory=set)
    """Contacts already reported as invalid: a lesson naming one is not reported again."""

    def error(self, source: _Source | str, line: int, message: str) -> None:
        name = source if isinstance(source, str) else source.name
        self.problems.append(Problem(name, line, message))

    def warn(self, source: _Source, line: int, message: str) -> None:
        self.problems.append(Problem(source.name, line, message, is_warning=True))

    @property
    def has_errors(self) -> bool:
        return any(not p.is_warning for p in self.problems)


def load_curriculum(
    content_dir: Path | None = None, translate: Translate = english, today: date | None = None
) -> Curriculum:
    """Load and check all content under `content_dir` (the packaged content by default).

    `today` is the date contacts' last checks are measured from: the bot passes its clock's date,
    editors' tools and tests may pass any (the machine's local date when not given).
    """
    root = content_dir or PACKAGED_CONTENT
    report = _Report()
    contacts_source = _parse(root, root / CONTACTS_FILE, report)
    contacts = _validate_contacts(contacts_source, report, today or date.today()) if contacts_source else {}
    facts, fact_problems = load_fact_registry(root)
    report.problems.extend(fact_problems)
    lesson_sources: dict[str, _Source] = {}
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
        _check_translations(lesson, lesson_sources[lesson_id], report)
    _check_lessons_reachable(lessons, lesson_sources, report)
    _check_written_sources(contacts_source, contacts, lessons, lesson_sources, report)
    renderer = ContactRenderer(contacts, translate, facts)
    templates = _compile_and_check(lessons, lesson_sources, renderer, report)
    _check_refs_unique(lessons, report)
    if report.has_errors:
        raise ContentError(report.problems)
    return Curriculum(
        lessons=lessons,
        contacts=contacts,
        facts=facts,
        contact_renderer=renderer,
        templates=templates,
        warnings=sorted(report.problems),
    )


def read_yaml_mapping(path: Path, name: str, encoding: str = "utf-8") -> LineDict:
    """A content file as a mapping with line numbers; ContentError saying why it cannot be."""

    def refuse(line: int, message: str) -> ContentError:
        return ContentError([Problem(name, line, message)])

    try:
        text = path.read_text(encoding=encoding)
    except FileNotFoundError as error:
        raise refuse(1, "the file is missing") from error
    except (OSError, UnicodeDecodeError) as error:
        raise refuse(1, f"the file cannot be read as UTF-8 text ({error})") from error
    try:
        tree = load_with_lines(text)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        raise refuse(
            mark.line + 1 if mark else 1, f"this is not valid YAML: {error.problem or error.context}"
        ) from error
    if not isinstance(tree, LineDict):
        raise refuse(1, "the file must be a YAML mapping of fields (name: value)")
    return tree


def validation_problems(name: str, error: ValidationError, tree: Any, prefix: tuple[str, ...] = ()) -> list[Problem]:
    """Each pydantic error as `file:line: message`, the line found through the tree's marks."""
    problems = []
    for detail in error.errors():
        message = explain(detail)
        if prefix:
            message = f"{'.'.join(prefix)}: {message}"
        problems.append(Problem(name, line_of(tree, (*prefix, *detail["loc"])), message))
    return problems


def _parse(root: Path, path: Path, report: _Report) -> _Source | None:
    name = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
    try:
        return _Source(name, read_yaml_mapping(path, name))
    except ContentError as error:
        report.problems.extend(error.problems)
        return None


def _validate(model: type[M], source: _Source, report: _Report, entry: str | None = None) -> M | None:
    """Validate the whole file, or with `entry` one top-level entry of it (a contact)."""
    tree = source.tree if entry is None else source.tree[entry]
    try:
        return model.model_validate(tree)
    except ValidationError as error:
        prefix = () if entry is None else (entry,)
        report.problems.extend(validation_problems(source.name, error, source.tree, prefix))
        return None


def explain(detail: Any) -> str:
    """A pydantic error in words an editor understands, with where in the file it is."""
    location = [str(part) for part in detail["loc"]]
    where = ".".join(location)
    kind = detail["type"]
    if location and location[-1] == "[key]":
        parent = ".".join(location[:-2])
        return f"{parent}: '{location[-2]}' is not a language; use tg, ru, uz or en"
    if kind == "missing":
        parent = ".".join(location[:-1]) or "the file"
        return f"{parent}: '{location[-1]}' is missing"
    if kind == "extra_forbidden":
        return f"'{where}' is not a known field (check its spelling and indentation)"
    message = str(detail["msg"]).removeprefix("Value error, ")
    return f"{where}: {message}" if where else message


def _validate_contacts(source: _Source, report: _Report, today: date) -> dict[str, Contact]:
    contacts: dict[str, Contact] = {}
    for contact_id in source.tree:
        contact = _validate(Contact, source, report, contact_id)
        if contact is None:
            report.broken_contacts.add(str(contact_id))
            continue
        contacts[str(contact_id)] = contact
        if today - contact.checked > CONTACT_RECHECK_AFTER:
            report.warn(
                source,
                source.line(contact_id, "checked"),
                f"contact '{contact_id}' was last checked on {contact.checked}: check it again",
            )
    return contacts


def _check_written_sources(
    contacts_source: _Source | None,
    contacts: dict[str, Contact],
    lessons: dict[str, Lesson],
    lesson_sources: dict[str, _Source],
    report: _Report,
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


def _check_links(
    lesson: Lesson, lesson_names: set[str], source: _Source, report: _Report, registered: Container[str] = ()
) -> None:
    if lesson.start not in lesson.nodes:
        report.error(source, source.line("start"), f"'start' points to unknown node '{lesson.start}'")
        return
    for node_id, node in lesson.nodes.items():
        for fact in node.facts:
            if fact not in lesson.facts and fact not in registered:
                report.error(
                    source,
                    source.line("nodes", node_id, "facts"),
                    f"node '{node_id}' cites unknown fact '{fact}'",
                )
        for index, button in enumerate(node.buttons):
            where = source.line("nodes", node_id, "buttons", index)
            if button.goto is not None and button.goto not in lesson.nodes:
                report.error(
                    source,
                    where,
                    f"button {index + 1} of '{node_id}' points to unknown node '{button.goto}'",
                )
            if button.lesson is not None and button.lesson not in lesson_names:
                report.error(
                    source,
                    where,
                    f"button {index + 1} of '{node_id}' points to unknown lesson '{button.lesson}'",
                )
        for index, answer in enumerate(node.answers):
            if answer.goto not in lesson.nodes:
                where = source.line("nodes", node_id, "answers", index)
                report.error(
                    source,
                    where,
                    f"answer {index + 1} of '{node_id}' points to unknown node '{answer.goto}'",
                )
    reachable = _reachable_nodes(lesson)
    for node_id in lesson.nodes:
        if node_id not in reachable:
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


def _check_lessons_reachable(lessons: dict[str, Lesson], sources: dict[str, _Source], report: _Report) -> None:
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


def _check_translations(lesson: Lesson, source: _Source, report: _Report) -> None:
    for location, text in _localized_fields(lesson):
        missing = [language for language in LANGUAGES if language not in text]
        if missing:
            where = ".".join(str(part) for part in location)
            report.warn(source, source.line(*location), f"{where}: no translation for {', '.join(missing)}")
        if location[-1] == "label":
            for language, label in text.items():
                if len(label) > MAX_BUTTON_LABEL_CHARS:
                    report.error(
                        source,
                        source.line(*location, language),
                        f"button label is {len(label)} characters; keep it under {MAX_BUTTON_LABEL_CHARS}",
                    )


def _compile_and_check(
    lessons: dict[str, Lesson],
    sources: dict[str, _Source],
    renderer: ContactRenderer,
    report: _Report,
) -> dict[tuple[NodeId, str, str], Template]:
    environment = template_environment()
    templates: dict[tuple[NodeId, str, str], Template] = {}
    for lesson_id, lesson in lessons.items():
        source = sources[lesson_id]
        for node_name, node in lesson.nodes.items():
            node_id = NodeId(lesson_id, node_name)
            parts: list[tuple[str, tuple[str | int, ...], Localized]] = []
            if node.text is not None:
                parts.append(("text", ("nodes", node_name, "text"), node.text))
            for index, case in enumerate(node.results):
                parts.append((f"result:{index}", ("nodes", node_name, "results", index, "text"), case.text))
            for part, location, text in parts:
                for language, body in text.items():
                    line = source.line(*location, language)
                    template = _compile(environment, body, source, line, report)
                    if template is None:
                        continue
                    templates[(node_id, part, language)] = template
                    _check_rendered(template, language, renderer, source, line, report)
    return templates


def _compile(environment: Any, body: str, source: _Source, line: int, report: _Report) -> Template | None:
    try:
        template: Template = environment.from_string(body)
    except TemplateSyntaxError as error:
        report.error(source, line + max(error.lineno - 1, 0), f"template error: {error.message}")
        return None
    return template


def _check_rendered(
    template: Template, written_in: str, renderer: ContactRenderer, source: _Source, line: int, report: _Report
) -> None:
    # A text is also shown, as a fallback, to users of other languages, and contact blocks
    # differ by language: it is rendered for each, its own language first.
    for language in (written_in, *(other for other in LANGUAGES if other != written_in)):
        try:
            text = render(template, language, renderer)
        except UnknownContactError as error:
            if error.args[0] not in report.broken_contacts:
                report.error(source, line, f"the text names unknown contact '{error.args[0]}'")
            return
        except (UndefinedError, TypeError) as error:
            report.error(source, line, f"template error: {error}")
            return
        found = message_problems(text)
        shown_in = "" if language == written_in else f" (when shown to '{language}' users)"
        for problem in found:
            report.error(source, line, problem + shown_in)
        if found:
            return


def _check_refs_unique(lessons: dict[str, Lesson], report: _Report) -> None:
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


def _check_callback_size(ref: str, node: Node, node_id: NodeId, report: _Report) -> None:
    longest_index = str(max(len(node.answers) - 1, 0))
    for pattern in CALLBACK_TEMPLATES:
        data = pattern.format(ref=ref, index=longest_index)
        if len(data.encode()) > MAX_CALLBACK_BYTES:
            report.error(
                f"{LESSONS_DIR}/{node_id.lesson}.yaml",
                1,
                f"callback data for '{node_id}' would exceed {MAX_CALLBACK_BYTES} bytes",
            )
