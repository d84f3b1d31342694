"""The facts registry: each legal fact, fee, deadline or number lives once, with its sources.

Lessons cite a fact by id (a node's `facts:` list, or `{{ fact('id') }}` for its sentence in the
reader's language) and reminder plans name the fact a deadline comes from, so a change is made
in one place and `safar report` can show how old each fact is. Sources are public pages named by
title, publisher, date and address: never a file on a development machine.
"""

import re
from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, field_validator

from bot.content.errors import ContentError, Problem
from bot.content.models import Day, Localized
from bot.content.yaml_source import line_of

FACTS_FILE = "facts.yaml"

_LOCAL_PATH = re.compile(
    r"(?:\.\./|~/|/work/|/home/|/tmp/|[A-Za-z]:\\|\bfile://"
    r"|\bfacts\.md\b|\bseed\s+\d{3}_[0-9a-f]+\.txt|\b\d{3}_[0-9a-f]{16}\.txt)",
    re.IGNORECASE,
)
"""What a path on a development machine looks like (and the seed files' meaningless names)."""
_URL = re.compile(r"https?://\S+")
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
"""A source's date, at least its year: '2025-11-11', '11 Nov 2025', 'undated page, read 2026-12-01'."""


def source_problems(source: str) -> list[str]:
    """Why a written source cannot be accepted: a local path, or no date at all."""
    problems = []
    if _LOCAL_PATH.search(_URL.sub(" ", source)):
        problems.append(
            "the source is a file on a development machine; name the public page or document "
            "(title, publisher, date, address) instead"
        )
    if not _YEAR.search(source):
        problems.append("the source has no date; add when it was published (or 'undated, read YYYY-MM-DD')")
    return problems


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(_Strict):
    """One public page or document a fact was read in."""

    title: Annotated[str, StringConstraints(min_length=3)]
    publisher: Annotated[str, StringConstraints(min_length=2)]
    date: Annotated[str, StringConstraints(min_length=4)]
    """When it was published ('2025-11-11', '2024'), or 'undated, read YYYY-MM-DD' for a page without one."""
    url: Annotated[str, StringConstraints(pattern=r"^https?://\S+$")]

    @field_validator("date", mode="before")
    @classmethod
    def _as_text(cls, value: object) -> object:
        """YAML reads 2025-11-11 as a date: keep it as the text the editor wrote."""
        return value.isoformat() if isinstance(value, date) else value

    @field_validator("date")
    @classmethod
    def _has_year(cls, value: str) -> str:
        if not _YEAR.search(value):
            raise ValueError(f"'{value}' is not a date; write when it was published, e.g. 2025-11-11")
        return value

    def cited(self) -> str:
        """The source as one line for editors' tools: title, publisher, date, address."""
        return f"“{self.title}”, {self.publisher}, {self.date}, {self.url}"


class RegisteredFact(_Strict):
    """A fact as the sources state it, what users read of it, and when the sources were read."""

    claim: Annotated[str, StringConstraints(min_length=10)]
    """The fact in plain English for editors, with its dates and law references."""
    text: Localized | None = None
    """The sentence users read where a lesson writes `{{ fact('id') }}` (Telegram HTML)."""
    value: int | None = None
    """A number the bot computes with (days of a deadline), checked against the reminder plans."""
    sources: list[Source] = Field(min_length=1)
    checked: Day
    """The day the sources were last read, not the day the file was edited."""


def load_fact_registry(root: Path) -> tuple[dict[str, RegisteredFact], list[Problem]]:
    """The registry beside the lessons (empty when there is none), with each problem found in it."""
    from bot.content.loader import read_yaml_mapping  # the loader imports this module
    from bot.content.plain_errors import validation_problems

    path = root / FACTS_FILE
    if not path.exists():
        return {}, []
    try:
        tree = read_yaml_mapping(path, FACTS_FILE)
    except ContentError as error:
        return {}, error.problems
    facts: dict[str, RegisteredFact] = {}
    problems: list[Problem] = []
    for fact_id in tree:
        if not isinstance(fact_id, str) or not re.fullmatch(r"[a-z0-9_]{1,40}", fact_id):
            problems.append(
                Problem(FACTS_FILE, line_of(tree, (fact_id,)), f"'{fact_id}' is not a fact id (a-z, 0-9, _)")
            )
            continue
        try:
            facts[fact_id] = RegisteredFact.model_validate(tree[fact_id])
        except ValidationError as error:
            problems.extend(validation_problems(FACTS_FILE, error, tree, (fact_id,)))
    return facts, problems


def written_source_problems(
    file: str, tree: Any, entries: Iterable[tuple[tuple[str | int, ...], str]]
) -> list[Problem]:
    """Each written `source:` (contacts, facts inside a lesson) that is a local path or undated."""
    return [
        Problem(file, line_of(tree, location), f"{'.'.join(map(str, location))}: {message}")
        for location, source in entries
        for message in source_problems(source)
    ]


def cited_fact_problems(
    file: str, tree: Any, cited: Iterable[tuple[tuple[str | int, ...], str]], known: Mapping[str, object]
) -> list[Problem]:
    """A fact id cited where no such fact exists."""
    return [
        Problem(file, line_of(tree, location), f"'{fact_id}' is not a fact in {FACTS_FILE}")
        for location, fact_id in cited
        if fact_id not in known
    ]
