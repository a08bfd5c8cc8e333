"""What a run produces: each employee's card (items, sections, total, grade, rank, pay,
alerts) and the contract's JSON of it. Built by csperf.scoring.engine."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from csperf.kernel.periods import Period
from csperf.scoring import numbers as N
from csperf.scoring.inputs import RunInput
from csperf.scoring.model import Template


@dataclass
class ItemResult:
    code: str
    name: str
    value: Decimal | dict[str, Decimal] | None
    target: Decimal | None
    score: Decimal | None  # on the rule's scale; None when excluded
    scale: Decimal
    points: Decimal
    contribution: Decimal | None  # after renormalisation for excluded siblings
    explain: str  # the machine form (0.70 >= 0.65 -> 80/100 x 35 = 28)
    excluded: bool = False
    flags: list[str] = field(default_factory=list)
    # the rule and numbers behind the score; csperf.scoring.explain.render makes the sentence
    explain_parts: dict[str, Any] = field(default_factory=dict)


@dataclass
class SectionResult:
    code: str
    name: str
    kind: str
    weight: Decimal | None
    score: Decimal
    full: Decimal
    items: list[ItemResult]


@dataclass
class EmployeeResult:
    id: str
    name: str | None
    team: str | None
    department: str | None
    position: str | None
    total: Decimal  # rounded to 2 decimals
    unrounded_total: Decimal
    grade: str | None
    sections: list[SectionResult]
    flags: list[str] = field(default_factory=list)
    rank: int | None = None
    rank_from_bottom: int | None = None
    rank_label: str | None = None
    pay: Decimal | None = None
    pay_explain: str | None = None
    alerts: list[str] = field(default_factory=list)
    # Input problems of this employee when scored with strict=False (a cycle): the card is
    # computed without the bad inputs and held, and the other employees are not blocked.
    errors: list[str] = field(default_factory=list)

    def to_dict(self, *, explain_parts: bool = False) -> dict[str, Any]:
        """The contract's JSON of one result, numbers as Decimal (see :func:`csperf.kernel.decimals.jsonable`);
        ``explain_parts`` adds each item's structured explanation (stored with cards)."""
        return _result_dict(self, explain_parts)

    def item(self, code: str) -> ItemResult:
        for section in self.sections:
            for item in section.items:
                if item.code == code:
                    return item
        raise KeyError(code)


@dataclass(frozen=True)
class Ineligible:
    """An employee who gets no card (``x-eligibility``), and why."""

    id: str
    name: str | None
    reason: str


@dataclass
class ScoreRun:
    template: Template
    period: Period
    results: list[EmployeeResult]
    ineligible: list[Ineligible] = field(default_factory=list)
    inputs: RunInput | None = None  # what was scored (the printed card shows the ratings)

    def result(self, employee_id: str) -> EmployeeResult:
        for r in self.results:
            if r.id == employee_id:
                return r
        raise KeyError(employee_id)

    def to_dict(self) -> dict[str, Any]:
        """The contract's JSON output, numbers as Decimal (see :func:`csperf.kernel.decimals.jsonable`)."""
        out: dict[str, Any] = {
            "template": {"code": self.template.code, "version": self.template.version},
            "period": self.period.label,
            "results": [r.to_dict() for r in self.results],
        }
        if self.ineligible:
            out["ineligible"] = [
                {"id": x.id, "name": x.name, "reason": x.reason} for x in self.ineligible
            ]
        return out


def _result_dict(r: EmployeeResult, explain_parts: bool = False) -> dict[str, Any]:
    out = {
        "id": r.id,
        "name": r.name,
        "total": r.total,
        "grade": r.grade,
        "rank": r.rank,
        "rank_from_bottom": r.rank_from_bottom,
        "rank_label": r.rank_label,
        "pay": r.pay,
        "alerts": list(r.alerts),
        "flags": list(r.flags),
        "sections": [
            {
                "code": s.code,
                "score": N.round2(s.score),
                "full": s.full,
                "items": [
                    {
                        "code": i.code,
                        "value": i.value,
                        "target": i.target,
                        "score": N.round2(i.score) if i.score is not None else None,
                        "scale": i.scale,
                        "contribution": N.round2(i.contribution)
                        if i.contribution is not None
                        else None,
                        "explain": i.explain,
                        **({"explain_parts": i.explain_parts} if explain_parts else {}),
                    }
                    for i in s.items
                ],
            }
            for s in r.sections
        ],
    }
    if r.errors:
        out["errors"] = list(r.errors)
    return out
