"""Errors of the scoring engine: each names where the problem is and what is wrong."""

from __future__ import annotations

from collections.abc import Sequence

from csperf.kernel.problems import Problem


class ScoringError(Exception):
    """Base class: a document (template or input) that breaks the contract."""

    kind = "document"

    def __init__(self, source: str, problems: Sequence[Problem]) -> None:
        self.source = source
        self.problems = list(problems)
        super().__init__(self.render())

    def render(self, limit: int = 50) -> str:
        lines = [p.render(self.source) for p in self.problems[:limit]]
        if len(self.problems) > limit:
            lines.append(f"{self.source}: … and {len(self.problems) - limit} more problems")
        return "\n".join(lines)


class TemplateError(ScoringError):
    """A template that cannot be loaded."""

    kind = "template"


class InputError(ScoringError):
    """Inputs (per-employee values, targets, ratings …) that cannot be scored."""

    kind = "input"


def join_path(base: str, part: str | int) -> str:
    """``join_path("sections[0]", "items") -> "sections[0].items"``; ints become ``[i]``."""
    if isinstance(part, int):
        return f"{base}[{part}]"
    return f"{base}.{part}" if base else part
