"""Checks of the texts of lessons: tags, phone numbers, the `{{ … }}` parts each language inserts,
and the rendered message in every language that may be shown it.

Each problem is reported once, on the line the editor must change.
"""

import re
from functools import lru_cache

from jinja2 import TemplateSyntaxError, UndefinedError

from bot.common.languages import LANGUAGES
from bot.content.curriculum import NodeId
from bot.content.findings import Findings, SourceFile
from bot.content.models import Lesson, Localized
from bot.content.rendering import (
    READER_COUNTRIES,
    ContactRenderer,
    ContactSelectionError,
    NoMatchingContactError,
    PlainText,
    TextTemplate,
    UnknownContactError,
    render,
    template_environment,
)
from bot.content.suggest import did_you_mean
from bot.content.telegram_html import message_problems, size_problems
from bot.content.text_checks import majority_language, phone_numbers, placeholder_differences, tag_problems

_UNDEFINED_NAME = re.compile(r"'(\w+)' is undefined")
_INNERMOST_BLOCK = re.compile(r"innermost block that needs to be closed is '(\w+)'")
_TEMPLATE_NAMES = ("contact", "contacts", "phone", "fact", "lang")
"""What a text's `{{ … }}` parts can use (see rendering.render)."""


def compile_and_check(
    lessons: dict[str, Lesson],
    sources: dict[str, SourceFile],
    renderer: ContactRenderer,
    report: Findings,
) -> dict[tuple[NodeId, str, str], TextTemplate]:
    """Every node text compiled, keyed by node, part and language; problems go to `report`."""
    templates: dict[tuple[NodeId, str, str], TextTemplate] = {}
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
                    template = _compile(body, source, line, report)
                    if _check_written(body, source, line, report) and template is not None:
                        _check_rendered(template, body, language, renderer, source, line, report)
                    if template is not None:
                        templates[(node_id, part, language)] = template
                    if len(report.problems) == errors_before:
                        sound[language] = body
                _check_placeholders(sound, location, source, report)
    return templates


def _check_written(body: str, source: SourceFile, line: int, report: Findings) -> bool:
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
    texts: dict[str, str], location: tuple[str | int, ...], source: SourceFile, report: Findings
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


def _compile(body: str, source: SourceFile, line: int, report: Findings) -> TextTemplate | None:
    try:
        template = _compiled(body)
    except TemplateSyntaxError as error:
        report.error(source, line + max(error.lineno - 1, 0), f"template error: {_plain_syntax(error.message or '')}")
        return None
    return template


_ENVIRONMENT = template_environment()


@lru_cache(maxsize=8192)
def _compiled(body: str) -> TextTemplate:
    """One text compiled once per process: compiling is most of the time a load takes (a /reload,
    every start of the bot and of the editors' tools), and most texts are the same as last time.
    A compiled template holds no state between renders, so the content in use and a reload share it.
    A text that does not compile raises each time (failures are not kept). A text with nothing to
    fill in is not compiled at all (`PlainText`)."""
    return PlainText(body) if PlainText.fits(body) else _ENVIRONMENT.from_string(body)


def _plain_syntax(message: str) -> str:
    """jinja2's complaint about a {{ … }} or {% … %} part, in words an editor can act on."""
    if message.startswith("unexpected '}', expected ')'"):
        return "a '(' is not closed: write contact('id') with both brackets"
    if message.startswith("unexpected '}'"):
        return "a {{ … }} part needs two braces on each side: {{ contact('id') }}"
    if message.startswith("Unexpected end of template"):
        found = _INNERMOST_BLOCK.search(message)
        block = found.group(1) if found else "…"
        return f"{{% {block} … %}} is never closed: add {{% end{block} %}} where it should end"
    if "end of print statement" in message:
        return "write the part inside {{ … }} as contact('id') or contacts(country='RU', need='…')"
    return f"the {{{{ … }}}} part cannot be read ({message})"


def _check_rendered(
    template: TextTemplate,
    body: str,
    written_in: str,
    renderer: ContactRenderer,
    source: SourceFile,
    line: int,
    report: Findings,
) -> None:
    # A text is also shown, as a fallback, to users of other languages, and contact blocks
    # differ by language and by the reader's passport country: it is rendered for each, its own
    # language (to a reader who has not said their country) first.
    for language in (written_in, *(other for other in LANGUAGES if other != written_in)):
        for reader in READER_COUNTRIES:
            try:
                text = render(template, language, renderer, reader)
            except (UnknownContactError, ContactSelectionError, UndefinedError, TypeError) as error:
                message = _render_error_message(error, renderer, report)
                if message:
                    report.error(source, line + _line_naming(body, error), message)
                return
            what = f"the '{written_in}' text"
            first = language == written_in and reader is None
            found = message_problems(text, what) if first else size_problems(text, what)
            shown_in = "" if language == written_in else f" (when shown to '{language}' users)"
            shown_in += f" (for citizens of {reader})" if reader else ""
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


def _render_error_message(error: Exception, renderer: ContactRenderer, report: Findings) -> str:
    """Why a text cannot be shown, in plain words; empty when an earlier error already says it."""
    if isinstance(error, UnknownContactError | ContactSelectionError) and report.contacts_unreadable:
        return ""
    if isinstance(error, NoMatchingContactError) and report.broken_contacts:
        return ""  # the broken contact may be the one that matched; its own error says what to fix
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
    if isinstance(error, UndefinedError) and "has no attribute" not in str(error):
        return f"template error: {error}"  # raised by our own helpers, in plain words
    return "template error: a {{ … }} part is not written the way the tools expect"
