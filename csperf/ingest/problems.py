"""What an import reports: the problems of a rejected file, and the result of a stored one."""

from __future__ import annotations

from dataclasses import dataclass, field

from csperf.kernel.problems import Problem  # the one Problem: file, row, column, message

MAX_PROBLEMS = 100


class ImportFailed(Exception):
    """The file was rejected; nothing was stored. ``problems`` holds the first 100."""

    def __init__(self, problems: list[Problem], total: int | None = None) -> None:
        self.problems = problems
        self.total = total if total is not None else len(problems)
        super().__init__(self.summary())

    def summary(self) -> str:
        first = str(self.problems[0]) if self.problems else "rejected"
        if self.total > 1:
            return f"{first} (and {self.total - 1} more problems; nothing was imported)"
        return f"{first} (nothing was imported)"

    def report(self) -> str:
        lines = [str(p) for p in self.problems]
        if self.total > len(self.problems):
            lines.append(f"... {self.total - len(self.problems)} more problems not shown")
        lines.append(f"{self.total} problem(s); nothing was imported")
        return "\n".join(lines)


@dataclass
class ImportResult:
    type: str
    source: str
    rows: int
    replaced: int
    import_id: int
    ignored_columns: list[str] = field(default_factory=list)
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)
    # imported, but worth a look (a file with a header and no rows)
    warnings: list[str] = field(default_factory=list)
