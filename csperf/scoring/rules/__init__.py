"""Every scoring rule type as a class, and the registry keyed by the YAML ``type`` name.

The engine, the description (describe.py), the template checks (validate.py) and the review
workflow dispatch through :func:`kind_of`; nothing else switches on a rule's type name.
"""

from __future__ import annotations

from typing import Any

from csperf.scoring.rules.base import (
    InputProblem,
    MissingValue,
    Rating,
    RatingRejected,
    RuleKind,
    ScoreContext,
    Scored,
    Words,
    resolve,
    upper,
)
from csperf.scoring.rules.computed import FormulaKind
from csperf.scoring.rules.counts import PerCountKind
from csperf.scoring.rules.curves import LinearKind
from csperf.scoring.rules.rated import LevelsKind, ManualKind
from csperf.scoring.rules.targets import RatioKind, StepKind
from csperf.scoring.rules.tiered import RelativeKind, TiersKind

RULES: dict[str, RuleKind] = {
    kind.name: kind
    for kind in (
        TiersKind(),
        LinearKind(),
        StepKind(),
        PerCountKind(),
        RatioKind(),
        LevelsKind(),
        ManualKind(),
        RelativeKind(),
        FormulaKind(),
    )
}


def kind_of(rule: Any) -> RuleKind:
    """The rule type of a parsed rule (csperf.scoring.model), by its ``type``."""
    try:
        return RULES[rule.type]
    except KeyError:
        raise ValueError(f"unknown rule type {rule.type!r}") from None


__all__ = [
    "RULES",
    "InputProblem",
    "MissingValue",
    "Rating",
    "RatingRejected",
    "RuleKind",
    "ScoreContext",
    "Scored",
    "Words",
    "kind_of",
    "resolve",
    "upper",
]
