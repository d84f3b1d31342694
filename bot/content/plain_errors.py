"""pydantic's validation errors in words an editor who is not a programmer understands.

"String should match pattern '^[A-Z]{2}$'" means nothing to an NGO worker; "country must be a
two-letter code such as RU, KZ or TJ" does. Each error type and field gets its sentence here.
"""

import re
from typing import Any

from pydantic import ValidationError

from bot.content.errors import Problem
from bot.content.models import NODE_KINDS, Answer, Button, Contact, Fact, Lesson, ResultCase
from bot.content.suggest import did_you_mean
from bot.content.yaml_source import line_of

_MODELS = (Lesson, *NODE_KINDS.values(), Button, Answer, ResultCase, Fact, Contact)
_KNOWN_FIELDS = frozenset(name for model in _MODELS for name in model.model_fields)
_ID_FIELDS = frozenset({"start", "goto", "lesson", "category", "name", "facts", "id", "[key]"})
_TEXT_FIELDS = frozenset({"title", "text", "label", "name", "hours", "note", "monthly_payment", "document_expiry"})
"""Fields that hold one text per language."""
_QUOTED = re.compile(r"'([^']*)'")


def validation_problems(name: str, error: ValidationError, tree: Any, prefix: tuple[str, ...] = ()) -> list[Problem]:
    """Each pydantic error as `file:line: message`, the line found in the parsed tree; the
    same message on the same line once."""
    problems: list[Problem] = []
    for detail in map(_without_kind_tag, error.errors()):
        message = explain(detail)
        if prefix:
            message = f"{'.'.join(prefix)}: {message.removeprefix('the file: ')}"
        problem = Problem(name, line_of(tree, (*prefix, *detail["loc"])), message)
        if problem not in problems:
            problems.append(problem)
    return problems


def _without_kind_tag(detail: Any) -> Any:
    """pydantic names the kind it validated a node as (nodes.menu.page.text); the file has no such
    level, so the line is found, and the place named, without it."""
    loc = tuple(detail["loc"])
    if len(loc) > 2 and loc[0] == "nodes" and loc[2] in NODE_KINDS:
        return {**detail, "loc": (*loc[:2], *loc[3:])}
    return detail


def explain(detail: Any) -> str:
    """One pydantic error in plain words, starting with where in the file it is."""
    location = [str(part) for part in detail["loc"]]
    where = ".".join(location)
    kind = detail["type"]
    if location and location[-1] == "[key]":
        parent, name = ".".join(location[:-2]), location[-2]
        if kind == "literal_error":
            return f"{parent}: '{name}' is not a language; use tg, ru, uz or en"
        return f"{parent}: '{name}' cannot be a name: use small Latin letters, digits and _ only, such as step_2"
    if kind == "missing":
        parent = ".".join(location[:-1]) or "the file"
        return f"{parent}: '{location[-1]}' is missing"
    if kind == "extra_forbidden":
        # Field names of every kind of entry are pooled, so only a close match is offered.
        suggestion = (
            did_you_mean(location[-1], _KNOWN_FIELDS, closeness=0.75) or " (check its spelling and indentation)"
        )
        return f"'{where}' is not a known field{suggestion}"
    message = _plain_message(detail, location)
    return f"{where}: {message}" if where else message


def _plain_message(detail: Any, location: list[str]) -> str:
    kind: str = detail["type"]
    value = detail.get("input")
    field = next((part for part in reversed(location) if not part.isdigit()), "")
    context = detail.get("ctx") or {}
    if kind == "string_pattern_mismatch":
        return _pattern_message(field, value)
    if kind == "string_type":
        return _not_text_message(value)
    if kind == "union_tag_invalid":
        tag, kinds = context.get("tag"), [str(kind) for kind in NODE_KINDS]
        return f"'kind: {tag}' is not a kind of screen; use {', '.join(kinds)}{did_you_mean(tag, kinds)}"
    if kind == "literal_error":
        choices = _QUOTED.findall(str(context.get("expected", "")))
        return f"'{value}' is not one of: {', '.join(choices)}{did_you_mean(value, choices)}"
    if kind == "string_too_short":
        return "the text is empty" if context.get("min_length") == 1 else f"'{value}' is too short"
    if kind == "too_short":
        return "needs at least one entry"
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return f"'{value}' is not a whole number; write a number such as 2"
    if kind == "greater_than_equal":
        return f"{value} is too small: the least allowed is {context.get('ge')}"
    if kind == "less_than_equal":
        return f"{value} is too big: the most allowed is {context.get('le')}"
    if kind == "dict_type" and field in _TEXT_FIELDS:
        return "write this text once per language, on the lines below it: tg: …, ru: …, uz: …, en: …"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return "this needs fields (name: value) on the lines below it, indented further"
    if kind == "list_type":
        return "this needs a list: each entry on its own line starting with '- ', or [a, b] on one line"
    if kind.startswith("date"):
        return f"'{value}' is not a date: write dates as 2026-11-22 (year-month-day)"
    return str(detail["msg"]).removeprefix("Value error, ")


def _pattern_message(field: str, value: object) -> str:
    if field == "country":
        return f"'{value}': country must be a two-letter code in capitals, such as RU, KZ or TJ"
    if field == "url":
        return f"'{value}' is not a web address: it must start with https:// and have no spaces"
    if field in _ID_FIELDS:
        return f"'{value}' cannot be a name: use small Latin letters, digits and _ only (at most 40), such as fees_2"
    return f"'{value}' is not written the way this field needs; see docs/editing.md"


def _not_text_message(value: object) -> str:
    if value is None:
        return "nothing is written after the ':'; write the text, or remove the line"
    if isinstance(value, bool):
        return f"put this text in quotes: YAML reads {str(value).lower()} as a yes/no value, not as text"
    if isinstance(value, int | float):
        return f"put this text in quotes: YAML reads {value} as a number, not as text"
    return "this must be a text, not a list or fields"
