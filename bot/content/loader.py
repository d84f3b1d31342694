"""Reads the content directory, checks everything and reports every problem at once.

Broken content never half-loads: `load_curriculum` either returns a complete `Curriculum` or
raises `ContentError` with each problem as `file:line: what is wrong`.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any, TypeVar

from jinja2 import Template, TemplateSyntaxError, UndefinedError
from pydantic import BaseModel, ValidationError
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.error import MarkedYAMLError, YAMLError

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
from bot.content.models import Contact, Lesson, Localized, Node
from bot.content.plain_errors import validation_problems
from bot.content.rendering import (
    ContactRenderer,
    ContactSelectionError,
    Translate,
    UnknownContactError,
    english,
    render,
    template_environment,
)
from bot.content.suggest import closest, did_you_mean
from bot.content.telegram_html import message_problems, size_problems
from bot.content.text_checks import majority_language, phone_numbers, placeholder_differences, tag_problems
from bot.content.yaml_source import DuplicateKeyError, describe_yaml_error, line_of, parse_yaml, value_line
from bot.languages import LANGUAGES
from bot.telegram_limits import MAX_BUTTON_LABEL_CHARS, MAX_CALLBACK_BYTES

PACKAGED_CONTENT = Path(__file__).parent
CONTACTS_FILE = "contacts.yaml"
LESSONS_DIR = "lessons"
CONTACT_RECHECK_AFTER = timedelta(days=365)
_UNDEFINED_NAME = re.compile(r"'(\w+)' is undefined")
_TEMPLATE_NAMES = ("contact", "contacts", "lang")
"""What a text's `{{ … }}` parts can use (see rendering.render)."""

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

    def text_line(self, *location: str | int) -> int:
        """The line a text's first line is on (below its key when written as a `|-` block)."""
        return value_line(self.tree, location)


@dataclass
class _Report:
    problems: list[Problem] = field(default_factory=list)
    broken_contacts: set[str] = field(default_factory=set)
    """Contacts already reported as invalid: a lesson naming one is not reported again."""
    contacts_unreadable: bool = False
    """The contacts file itself is broken: that one error stands for every contact lessons name."""

    def error(self, source: _Source | str, line: int, message: str) -> None:
        name = source if isinstance(source, str) else source.name
        self.problems.append(Problem(name, line, message))

    def warn(self, source: _Source, line: int, message: str) -> None:
        self.problems.append(Problem(source.name, line, message, is_warning=True))

    @property
    def has_errors(self) -> bool:
        return any(not p.is_warning for p in self.problems)


def load_curriculum(content_dir: Path | None = None, translate: Translate = english, *, today: date) -> Curriculum:
    """Load and check all content under `content_dir` (the packaged content by default).

    `today` is what `checked` dates are measured against: too old, or in the future.
    """
    root = content_dir or PACKAGED_CONTENT
    report = _Report()
    contacts_source = _parse(root, root / CONTACTS_FILE, report)
    report.contacts_unreadable = contacts_source is None
    contacts = _validate_contacts(contacts_source, report, today) if contacts_source else {}
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
        _check_links(lesson, lesson_names, lesson_sources[lesson_id], report)
        _check_translations(lesson, lesson_sources[lesson_id], report)
        _check_fact_dates(lesson, lesson_sources[lesson_id], report, today)
    _check_lessons_reachable(lessons, lesson_sources, report)
    renderer = ContactRenderer(contacts, translate)
    templates = _compile_and_check(lessons, lesson_sources, renderer, report)
    _check_refs_unique(lessons, report)
    if report.has_errors:
        raise ContentError(report.problems)
    return Curriculum(
        lessons=lessons,
        contacts=contacts,
        contact_renderer=renderer,
        templates=templates,
        warnings=sorted(report.problems),
    )


def read_yaml_mapping(path: Path, name: str, encoding: str = "utf-8") -> CommentedMap:
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
        tree = parse_yaml(text)
    except DuplicateKeyError as error:
        line = error.problem_mark.line + 1 if error.problem_mark else 1
        raise refuse(line, f"'{error.key}' appears twice, on line {error.first_line} and on line {line}") from error
    except MarkedYAMLError as error:
        raise refuse(*describe_yaml_error(error)) from error
    except YAMLError as error:
        raise refuse(1, f"this is not valid YAML: {error}") from error
    if not isinstance(tree, CommentedMap):
        raise refuse(1, "the file must be a YAML mapping of fields (name: value)")
    return tree


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


def _validate_contacts(source: _Source, report: _Report, today: date) -> dict[str, Contact]:
    contacts: dict[str, Contact] = {}
    for contact_id in source.tree:
        contact = _validate(Contact, source, report, contact_id)
        if contact is None:
            report.broken_contacts.add(str(contact_id))
            continue
        contacts[str(contact_id)] = contact
        where = source.line(contact_id, "checked")
        if today - contact.checked > CONTACT_RECHECK_AFTER:
            report.warn(source, where, f"contact '{contact_id}' was last checked on {contact.checked}: check it again")
        _warn_if_future(contact.checked, f"contact '{contact_id}'", source, where, report, today)
    return contacts


def _check_fact_dates(lesson: Lesson, source: _Source, report: _Report, today: date) -> None:
    for fact_id, fact in lesson.facts.items():
        _warn_if_future(
            fact.checked, f"fact '{fact_id}'", source, source.line("facts", fact_id, "checked"), report, today
        )


def _warn_if_future(checked: date, what: str, source: _Source, line: int, report: _Report, today: date) -> None:
    if checked > today:
        report.warn(
            source,
            line,
            f"{what} was checked on {checked}, a date in the future: write the day it was checked (today is {today})",
        )


def _check_links(lesson: Lesson, lesson_names: set[str], source: _Source, report: _Report) -> None:
    if lesson.start not in lesson.nodes:
        suggestion = did_you_mean(lesson.start, lesson.nodes)
        report.error(source, source.line("start"), f"'start' points to unknown node '{lesson.start}'{suggestion}")
        return
    for node_id, node in lesson.nodes.items():
        for fact in node.facts:
            if fact not in lesson.facts:
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
                sound: dict[str, str] = {}
                for language, body in text.items():
                    line = source.text_line(*location, language)
                    errors_before = len(report.problems)
                    template = _compile(environment, body, source, line, report)
                    if _check_written(body, source, line, report) and template is not None:
                        _check_rendered(template, body, language, renderer, source, line, report)
                    if template is not None:
                        templates[(node_id, part, language)] = template
                    if len(report.problems) == errors_before:
                        sound[language] = body
                _check_placeholders(sound, location, source, report)
    return templates


def _check_written(body: str, source: _Source, line: int, report: _Report) -> bool:
    """Broken tags at their own line, and phone numbers typed in; False when any was found."""
    found = 0
    for offset, problem in tag_problems(body):
        report.error(source, line + offset, problem)
        found += 1
    for offset, number in phone_numbers(body):
        report.error(source, line + offset, f"'{number}' looks like a phone number typed into the text")
        found += 1
    return not found


def _check_placeholders(
    texts: dict[str, str], location: tuple[str | int, ...], source: _Source, report: _Report
) -> None:
    """Every language must insert the same contacts and facts: a translation that drops
    `{{ contact('…') }}` would silently take a hotline away from its readers.

    `texts` are the languages with no other error (one mistake, one message); each is compared
    with what most languages insert, so the odd one out is the one reported.
    """
    if len(texts) < 2:
        return
    reference = majority_language(texts)
    for language, body in texts.items():
        lacks, extra = placeholder_differences(texts[reference], body)
        differences = [f"lacks {part}, which the '{reference}' text has" for part in lacks]
        differences += [f"has {part}, which the '{reference}' text does not" for part in extra]
        if differences:
            line = source.text_line(*location, language)
            report.error(source, line, f"the '{language}' text {' and '.join(differences)}")


def _compile(environment: Any, body: str, source: _Source, line: int, report: _Report) -> Template | None:
    try:
        template: Template = environment.from_string(body)
    except TemplateSyntaxError as error:
        report.error(source, line + max(error.lineno - 1, 0), f"template error: {error.message}")
        return None
    return template


def _check_rendered(
    template: Template,
    body: str,
    written_in: str,
    renderer: ContactRenderer,
    source: _Source,
    line: int,
    report: _Report,
) -> None:
    # A text is also shown, as a fallback, to users of other languages, and contact blocks
    # differ by language: it is rendered for each, its own language first.
    for language in (written_in, *(other for other in LANGUAGES if other != written_in)):
        try:
            text = render(template, language, renderer)
        except (UnknownContactError, ContactSelectionError, UndefinedError, TypeError) as error:
            message = _render_error_message(error, renderer, report)
            if message:
                report.error(source, line + _line_naming(body, error), message)
            return
        what = f"the '{written_in}' text"
        found = message_problems(text, what) if language == written_in else size_problems(text, what)
        shown_in = "" if language == written_in else f" (when shown to '{language}' users)"
        for problem in found:
            report.error(source, line, problem + shown_in)
        if found:
            return


def _line_naming(body: str, error: Exception) -> int:
    """The line within `body` where the name or value an error is about is written (else 0)."""
    culprit = error.args[-1] if isinstance(error, UnknownContactError | ContactSelectionError) else None
    undefined = _UNDEFINED_NAME.search(str(error))
    culprit = culprit or (undefined.group(1) if undefined else None)
    where = body.find(str(culprit)) if culprit else -1
    return body.count("\n", 0, where) if where >= 0 else 0


def _render_error_message(error: Exception, renderer: ContactRenderer, report: _Report) -> str:
    """Why a text cannot be shown, in plain words; empty when an earlier error already says it."""
    if isinstance(error, UnknownContactError | ContactSelectionError) and report.contacts_unreadable:
        return ""
    if isinstance(error, UnknownContactError):
        contact_id = error.args[0]
        if contact_id in report.broken_contacts:
            return ""
        return f"the text names unknown contact '{contact_id}'{did_you_mean(contact_id, renderer.contact_ids)}"
    if isinstance(error, ContactSelectionError):
        return f"the list of contacts here would be empty: {error.args[0]}"
    undefined = _UNDEFINED_NAME.search(str(error))
    if isinstance(error, UndefinedError) and undefined:
        name = undefined.group(1)
        return f"template error: a text cannot use '{name}'{did_you_mean(name, _TEMPLATE_NAMES)}"
    return "template error: a {{ … }} part is not written the way the tools expect"


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
