"""Consistency (质检吻合度) and calibration (校准). Pure Python, no Django.

Consistency of an inspector = share of their rechecked reviews whose recheck score (复检) differs
from their own score by at most the tolerance (in points of the form's scale). Scores on another
scale are compared as percentages of their maximum, so a tolerance of 5 means 5 points out of 100.

Calibration: several inspectors score the same interaction; each is compared with the expert's
score (within the tolerance or not) and item by item (share of items answered as the expert did).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from csperf.scoring.numbers import ZERO, engine_context

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Recheck:
    inspector: str
    score: Decimal  # the inspector's own score
    recheck_score: Decimal  # the second inspector's score
    max_score: Decimal = HUNDRED
    tolerance: Decimal = Decimal(5)  # points on a 100 scale

    @property
    def gap(self) -> Decimal:
        """|score − recheck| in points of a 100 scale."""
        return abs(self.score - self.recheck_score) / self.max_score * HUNDRED

    @property
    def within(self) -> bool:
        return self.gap <= self.tolerance


@dataclass(frozen=True)
class Consistency:
    inspector: str
    rechecked: int
    within: int
    rate: Decimal | None  # within / rechecked; None when nothing was rechecked
    mean_gap: Decimal | None  # mean |difference| on a 100 scale


def consistency(rechecks: Iterable[Recheck]) -> dict[str, Consistency]:
    """质检吻合度 per inspector."""
    groups: dict[str, list[Recheck]] = defaultdict(list)
    for r in rechecks:
        groups[r.inspector].append(r)
    out = {}
    with engine_context():
        for insp in sorted(groups):
            rows = groups[insp]
            within = sum(1 for r in rows if r.within)
            out[insp] = Consistency(
                inspector=insp,
                rechecked=len(rows),
                within=within,
                rate=Decimal(within) / len(rows),
                mean_gap=sum((r.gap for r in rows), ZERO) / len(rows),
            )
    return out


@dataclass(frozen=True)
class CalibrationRow:
    inspector: str
    score: Decimal
    gap: Decimal  # |score − expert| on a 100 scale
    within: bool
    item_agreement: Decimal  # share of the form's items answered as the expert did
    differing_items: tuple[str, ...]


@dataclass(frozen=True)
class CalibrationResult:
    expert_score: Decimal
    rows: tuple[CalibrationRow, ...]
    within_rate: Decimal | None  # share of inspectors within the tolerance
    mean_gap: Decimal | None
    spread: Decimal | None  # highest − lowest inspector score


def calibrate(
    expert_score: Decimal,
    scores: Mapping[str, Decimal],
    differing: Mapping[str, Sequence[str]],
    *,
    item_count: int,
    max_score: Decimal = HUNDRED,
    tolerance: Decimal = Decimal(5),
) -> CalibrationResult:
    """Compare each inspector's score and answers with the expert's.

    ``differing[inspector]`` lists the items the inspector answered differently from the expert
    (see :func:`csperf.qc.engine.item_differences`).
    """
    rows = []
    with engine_context():
        for insp in sorted(scores):
            s = scores[insp]
            gap = abs(s - expert_score) / max_score * HUNDRED
            diff = tuple(differing.get(insp, ()))
            agree = Decimal(item_count - len(diff)) / item_count if item_count else Decimal(1)
            rows.append(CalibrationRow(insp, s, gap, gap <= tolerance, agree, diff))
        n = len(rows)
        return CalibrationResult(
            expert_score=expert_score,
            rows=tuple(rows),
            within_rate=Decimal(sum(1 for r in rows if r.within)) / n if n else None,
            mean_gap=sum((r.gap for r in rows), ZERO) / n if n else None,
            spread=(max(scores.values()) - min(scores.values())) if n else None,
        )


@dataclass(frozen=True)
class CalibrationHistoryRow:
    """One inspector over several calibration sessions: are they coming closer to the expert?"""

    inspector: str
    sessions: int
    within: int  # sessions within the tolerance
    within_rate: Decimal
    mean_gap: Decimal
    mean_item_agreement: Decimal
    gaps: tuple[Decimal, ...]  # per session, oldest first

    @property
    def trend(self) -> Decimal | None:
        """Last gap − first gap: below zero the inspector is closing in on the expert."""
        return self.gaps[-1] - self.gaps[0] if len(self.gaps) > 1 else None


def calibration_history(results: Iterable[CalibrationResult]) -> list[CalibrationHistoryRow]:
    """Each inspector's calibration rows across sessions (given oldest first), by inspector."""
    rows: dict[str, list[CalibrationRow]] = {}
    for result in results:
        for r in result.rows:
            rows.setdefault(r.inspector, []).append(r)
    out = []
    with engine_context():
        for insp in sorted(rows):
            rs = rows[insp]
            n = len(rs)
            within = sum(1 for r in rs if r.within)
            out.append(
                CalibrationHistoryRow(
                    inspector=insp,
                    sessions=n,
                    within=within,
                    within_rate=Decimal(within) / n,
                    mean_gap=sum((r.gap for r in rs), ZERO) / n,
                    mean_item_agreement=sum((r.item_agreement for r in rs), ZERO) / n,
                    gaps=tuple(r.gap for r in rs),
                )
            )
    return out
