"""What the content checks found, collected across every file so all problems are reported at once."""

from dataclasses import dataclass, field
from typing import Any

from bot.content.errors import Problem
from bot.content.yaml_source import line_of, value_line


@dataclass
class SourceFile:
    """One parsed file: its name as editors know it and the raw tree with line numbers."""

    name: str
    tree: Any

    def line(self, *location: str | int) -> int:
        return line_of(self.tree, location)

    def text_line(self, *location: str | int) -> int:
        """The line a text's first line is on (below its key when written as a `|-` block)."""
        return value_line(self.tree, location)


@dataclass
class Findings:
    """Problems found so far, and what earlier errors already account for (one mistake, one error)."""

    problems: list[Problem] = field(default_factory=list)
    broken_contacts: set[str] = field(default_factory=set)
    """Contacts already reported as invalid: a lesson naming one is not reported again."""
    contacts_unreadable: bool = False
    """The contacts file itself is broken: that one error stands for every contact lessons name."""

    def error(self, source: SourceFile | str, line: int, message: str) -> None:
        name = source if isinstance(source, str) else source.name
        self.problems.append(Problem(name, line, message))

    def warn(self, source: SourceFile, line: int, message: str) -> None:
        self.problems.append(Problem(source.name, line, message, is_warning=True))

    @property
    def has_errors(self) -> bool:
        return any(not p.is_warning for p in self.problems)
