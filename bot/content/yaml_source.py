"""Reads content YAML with ruamel.yaml, keeping the line of every key and list item.

Editors fix what they can find: every problem is reported with its line, so the parsed tree
(ruamel's round-trip mappings and lists) keeps the positions the parser saw. Dates are kept as
the text the editor typed, so an impossible date such as 2026-22-11 becomes a located message
from the checks instead of a parser crash.

Keeping the lines is slow (pure Python: about 1.5 s of CPU for the packaged content, most of a
start-up's reading). Inside `without_lines()` the same documents are read by libyaml (ruamel.yaml.clib)
into plain dicts, lists and texts, the same values about fifteen times faster, with no lines: the
loader reads that way first and again with lines only when it has a problem to point at.
"""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import RoundTripConstructor, SafeConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode

TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"


class DuplicateKeyError(MarkedYAMLError):
    """Two equal keys in one mapping: YAML would keep only one, which hides a mistake."""

    def __init__(self, key: Any, first_line: int, node: Node) -> None:
        super().__init__(problem=f"'{key}' appears twice", problem_mark=node.start_mark)
        self.key = key
        self.first_line = first_line


class _ContentConstructor(RoundTripConstructor):
    def check_mapping_key(self, node: MappingNode, key_node: Node, mapping: Any, key: Any, value: Any) -> bool:
        if key in mapping:
            raise DuplicateKeyError(key, mapping.lc.key(key)[0] + 1, key_node)
        return True

    def construct_date_as_typed(self, node: ScalarNode) -> str:
        return str(node.value)


_ContentConstructor.add_constructor(TIMESTAMP_TAG, _ContentConstructor.construct_date_as_typed)


class _PlainConstructor(SafeConstructor):
    """Dates as typed, as in `_ContentConstructor`; a duplicate key is ruamel's own error here."""

    def construct_date_as_typed(self, node: ScalarNode) -> str:
        return str(node.value)


_PlainConstructor.add_constructor(TIMESTAMP_TAG, _PlainConstructor.construct_date_as_typed)
_WITHOUT_LINES: ContextVar[bool] = ContextVar("yaml_without_lines", default=False)


@contextmanager
def without_lines() -> Iterator[None]:
    """Within this block `parse_yaml` returns plain values with no lines (see the module's note):
    `line_of` then says line 1, so read this way only where no problem is expected."""
    token = _WITHOUT_LINES.set(True)
    try:
        yield
    finally:
        _WITHOUT_LINES.reset(token)


def parse_yaml(text: str) -> Any:
    """One YAML 1.2 document (so `No` stays text); raises ruamel's `YAMLError` when it is not valid.

    Within one load, a file read twice is parsed once; the trees are shared: read them, never
    change them. `forget_parsed_files` drops them once the load is done.
    """
    return _parsed(text, _WITHOUT_LINES.get())


@lru_cache(maxsize=64)
def _parsed(text: str, plain: bool) -> Any:
    if plain:
        yaml = YAML(typ="safe", pure=False)
        yaml.Constructor = _PlainConstructor
        try:
            return yaml.load(text)
        except YAMLError:
            pass  # said with its line by the round-trip reader below
    yaml = YAML(typ="rt")
    yaml.Constructor = _ContentConstructor
    return yaml.load(text)


def forget_parsed_files() -> None:
    """Drop the trees kept by `parse_yaml`: once the content is loaded into its models they are
    never read again, and the round-trip trees (comments, line marks) of every file were about
    4 MB of the bot's memory for as long as it ran (scripts/README.md). A /reload parses every
    file again (about a second more, in a worker thread) instead."""
    _parsed.cache_clear()


def parsed_files_kept() -> int:
    """How many parsed trees `parse_yaml` holds (none once a load is done)."""
    return _parsed.cache_info().currsize


def line_of(root: Any, location: Sequence[str | int]) -> int:
    """The 1-based line of the deepest part of `location` (a pydantic error `loc`) found in `root`."""
    line = _own_line(root)
    current = root
    for part in location:
        if isinstance(current, CommentedMap) and part in current:
            line = current.lc.key(part)[0] + 1
            current = current[part]
        elif isinstance(current, CommentedSeq) and isinstance(part, int) and 0 <= part < len(current):
            line = current.lc.item(part)[0] + 1
            current = current[part]
        else:
            break
    return line


def value_line(root: Any, location: Sequence[str | int]) -> int:
    """The line where the text at `location` begins: below the key for a `|-` block."""
    *parents, last = location
    parent = root
    for part in parents:
        parent = parent[part]
    if not hasattr(parent, "lc"):
        return 1  # read without lines
    line = int(parent.lc.value(last)[0]) + 1
    value = parent[last]
    is_block = type(value).__name__ in ("LiteralScalarString", "FoldedScalarString")
    return line + 1 if is_block else line


def _own_line(node: Any) -> int:
    lc = getattr(node, "lc", None)
    return int(lc.line) + 1 if lc is not None and lc.line is not None else 1


_PLAIN_SYNTAX: tuple[tuple[str, str, bool], ...] = (
    # (what ruamel says, what the editor reads, whether the start of the broken part is the place)
    ("found character '\\t'", "a tab is used here: indent with spaces only", False),
    ("mapping values are not allowed", "a ':' inside a text: put the whole text in double quotes", False),
    ("expected <block end>", "this line is indented differently from the lines around it", False),
    ("found unexpected end of stream", "a quote opened here is never closed", True),
    ("could not find expected ':'", "this line has no ':' (write name: value), or a text goes on without '|-'", True),
    ("expected ',' or ", "in {…} or […] on one line, put each text in double quotes", True),
    ("found undefined alias", "'*' starts a YAML reference: put this text in double quotes", False),
)


def describe_yaml_error(error: MarkedYAMLError) -> tuple[int, str]:
    """The 1-based line and plain words for why a file is not valid YAML."""
    problem = str(error.problem or error.context or "")
    for said, plain, at_start in _PLAIN_SYNTAX:
        if problem.startswith(said):
            mark = (error.context_mark if at_start else None) or error.problem_mark or error.context_mark
            return (mark.line + 1 if mark else 1), f"this is not valid YAML: {plain}"
    mark = error.problem_mark or error.context_mark
    return (mark.line + 1 if mark else 1), f"this is not valid YAML: {problem}"
