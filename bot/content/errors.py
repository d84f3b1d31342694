"""Problems found in content, reported to editors as `file:line: what is wrong`."""

from dataclasses import dataclass

from bot.content.hints import hint_for


@dataclass(frozen=True, order=True)
class Problem:
    """One thing an editor must fix (an error) or should look at (a warning)."""

    file: str
    line: int
    message: str
    is_warning: bool = False

    def __str__(self) -> str:
        prefix = "warning: " if self.is_warning else ""
        return f"{self.file}:{self.line}: {prefix}{self.message}"

    @property
    def hint(self) -> str:
        """How to fix it, for the editor; empty when the message says enough."""
        return hint_for(self.message)

    def explained(self) -> str:
        """The problem and, on the next line, how to fix it."""
        return f"{self}\n    how to fix: {self.hint}" if self.hint else str(self)


class ContentError(Exception):
    """Raised when content has errors; carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__(self.report())

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_warning]

    def report(self) -> str:
        return "\n".join(p.explained() for p in self.problems)
