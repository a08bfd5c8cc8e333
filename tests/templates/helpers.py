"""Shared plumbing for the built-in template tests: score a template's example, read it back.

Each ``test_<code>.py`` works its template's example input out by hand; these helpers load
and score that example and put the engine's numbers in the form the hand-worked figures use.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, localcontext

from csperf.scoring import ScoreRun, load_input, score
from csperf.scoring.inputs import RunInput
from csperf.templates import example_input_path, load_builtin

TWO_PLACES = Decimal("0.01")
TWENTY_PLACES = Decimal("1e-20")


def example_input(code: str) -> RunInput:
    """The built-in template ``code``'s example input, parsed (fresh each call, safe to edit)."""
    path = example_input_path(code)
    return load_input(path.read_text(encoding="utf-8"), source=str(path))


def run_example(code: str) -> ScoreRun:
    """The built-in template ``code`` scored against its own example input."""
    return score(load_builtin(code), example_input(code))


def contributions(
    run: ScoreRun, emp_id: str, section: str | None = None
) -> dict[str, Decimal | None]:
    """Item code -> contribution for one employee: every section, or only ``section``."""
    return {
        i.code: i.contribution
        for s in run.result(emp_id).sections
        if section is None or s.code == section
        for i in s.items
    }


def q2(x: Decimal | None) -> Decimal | None:
    """As shown on the card: 2 decimal places, half-up (``None`` stays ``None``)."""
    return None if x is None else x.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def q20(x: Decimal) -> Decimal:
    """A repeating decimal compared to 20 places (the engine keeps at least 28 digits)."""
    return x.quantize(TWENTY_PLACES)


def frac(num: int | str, den: int | str) -> Decimal:
    """num / den worked out by hand, to 20 places."""
    with localcontext() as ctx:
        ctx.prec = 60
        return (Decimal(num) / Decimal(den)).quantize(TWENTY_PLACES)
