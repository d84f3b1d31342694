"""YAML loading that remembers on which line every key and list item stands.

Editors fix what they can find: every problem is reported with the line it is on, so the
loaded mappings and lists carry their line numbers alongside the values.
"""

from collections.abc import Hashable, Sequence
from typing import Any

import yaml
from yaml.nodes import MappingNode, SequenceNode


class LineDict(dict[Any, Any]):
    """A YAML mapping with the 1-based line of itself and of each of its keys."""

    line: int = 0
    key_lines: dict[Any, int]


class LineList(list[Any]):
    """A YAML sequence with the 1-based line of itself and of each of its items."""

    line: int = 0
    item_lines: list[int]


class DuplicateKeyError(yaml.MarkedYAMLError):
    """Two equal keys in one mapping: YAML would silently keep the last, which hides mistakes."""


class _LineLoader(yaml.SafeLoader):
    def construct_line_mapping(self, node: MappingNode) -> LineDict:
        result = LineDict()
        result.line = node.start_mark.line + 1
        result.key_lines = {}
        self.flatten_mapping(node)
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            if not isinstance(key, Hashable):
                raise yaml.constructor.ConstructorError(None, None, "a key must be a plain value", key_node.start_mark)
            if key in result:
                raise DuplicateKeyError(None, None, f"the key '{key}' appears twice", key_node.start_mark)
            result[key] = self.construct_object(value_node, deep=True)
            result.key_lines[key] = key_node.start_mark.line + 1
        return result

    def construct_line_sequence(self, node: SequenceNode) -> LineList:
        result = LineList(self.construct_object(item, deep=True) for item in node.value)
        result.line = node.start_mark.line + 1
        result.item_lines = [item.start_mark.line + 1 for item in node.value]
        return result


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _LineLoader.construct_line_mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _LineLoader.construct_line_sequence)


def load_with_lines(text: str) -> Any:
    """Parse one YAML document; mappings become `LineDict`, sequences `LineList`."""
    return yaml.load(text, Loader=_LineLoader)


def line_of(root: Any, location: Sequence[str | int]) -> int:
    """The line of the deepest part of `location` (a pydantic error `loc`) found in `root`."""
    line = getattr(root, "line", 1)
    current = root
    for part in location:
        if isinstance(current, LineDict) and part in current:
            line = current.key_lines.get(part, line)
            current = current[part]
        elif isinstance(current, LineList) and isinstance(part, int) and part < len(current):
            line = current.item_lines[part]
            current = current[part]
        else:
            break
    return line
