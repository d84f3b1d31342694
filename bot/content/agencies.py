"""The registry of licensed private employment agencies that staff maintain, as YAML or CSV.

Loaded and checked like the lessons: every problem as `file:line: message`, nothing half-loaded.
"""

import csv
import io
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from bot.content.errors import ContentError, Problem
from bot.content.loader import read_yaml_mapping
from bot.content.models import Day
from bot.content.plain_errors import explain
from bot.content.yaml_source import line_of

PACKAGED_REGISTRY = Path(__file__).parent / "agencies.yaml"
CSV_COLUMNS = ("licence", "names", "valid_until", "regions", "phone", "source", "list_taken")
"""A CSV registry has these columns; several names or regions are separated by ';'."""


class Agency(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    licence: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
    names: list[Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=200)]] = Field(
        min_length=1
    )
    valid_until: Day | None = None
    """None: the licence has no end date in the source."""
    regions: list[str] = []
    phone: str | None = None


class Registry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    source: str = Field(min_length=3)
    list_taken: Day | None = None
    """When the list was taken from its source; None while no list has been loaded."""
    agencies: list[Agency] = []


def load_registry(path: Path) -> Registry:
    """The registry at `path` (.yaml or .csv); raises ContentError listing every problem."""
    name = path.name
    if path.suffix.lower() != ".csv":
        tree = read_yaml_mapping(path, name, encoding="utf-8-sig")
        return _validated(name, tree, lambda loc: line_of(tree, loc))
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise ContentError([Problem(name, 1, f"the agency list cannot be read ({error})")]) from error
    return _from_csv(name, text)


def _from_csv(name: str, text: str) -> Registry:
    reader = csv.DictReader(io.StringIO(text))
    rows = list(reader)
    missing = [column for column in CSV_COLUMNS if column not in (reader.fieldnames or [])]
    if missing:
        raise ContentError([Problem(name, 1, f"the first row lacks the column(s): {', '.join(missing)}")])
    sources = sorted({row["source"].strip() for row in rows if row["source"].strip()})
    taken = sorted({row["list_taken"].strip() for row in rows if row["list_taken"].strip()})
    tree: dict[str, Any] = {
        "source": "; ".join(sources) or "",
        "list_taken": taken[-1] if taken else None,
        "agencies": [
            {
                "licence": row["licence"],
                "names": [n for n in row["names"].split(";") if n.strip()],
                "valid_until": row["valid_until"].strip() or None,
                "regions": [r.strip() for r in row["regions"].split(";") if r.strip()],
                "phone": row["phone"].strip() or None,
            }
            for row in rows
        ],
    }
    # Data rows start on line 2; an agency error points at its row.
    return _validated(name, tree, lambda loc: loc[1] + 2 if len(loc) > 1 and loc[0] == "agencies" else 1)


def _validated(name: str, tree: Any, line: Any) -> Registry:
    try:
        registry = Registry.model_validate(tree)
    except ValidationError as error:
        problems = [Problem(name, int(line(tuple(d["loc"]))), explain(d)) for d in error.errors()]
        raise ContentError(problems) from error
    seen: dict[str, int] = {}
    problems = []
    for index, agency in enumerate(registry.agencies):
        key = agency.licence.casefold()
        if key in seen:
            where = int(line(("agencies", index)))
            problems.append(
                Problem(name, where, f"licence '{agency.licence}' is listed twice (also entry {seen[key] + 1})")
            )
        seen.setdefault(key, index)
    if registry.agencies and registry.list_taken is None:
        problems.append(Problem(name, 1, "'list_taken' is missing: say when the list was taken from its source"))
    if problems:
        raise ContentError(problems)
    return registry
