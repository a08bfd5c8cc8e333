"""客服主管月度绩效工资考核表 (pay-bands-supervisor): schemes.md §3.24, worked examples by hand.

Same bands as the 专员 card, base 500 元 (pay_base), and no 75% floor: the floor is for 营运部门基层
staff only. Employees on probation get no card.
"""

from __future__ import annotations

import re
from decimal import Decimal as D
from pathlib import Path

import pytest

from csperf.scoring import ScoreRun, score
from csperf.scoring.loader import parse_document
from csperf.templates import builtin_path, load_builtin

from .helpers import run_example

CODE = "pay-bands-supervisor"
SEEDS = Path("/work/shared/seeds")


def emp(eid: str, s, days=22, period_days=22, probation=False, base=500) -> dict:
    return {
        "id": eid,
        "values": {"assessment_score": s},
        "pay_base": base,
        "days_worked": days,
        "period_days": period_days,
        "probation": probation,
    }


def run_of(*employees: dict) -> ScoreRun:
    return score(load_builtin(CODE), {"period": "2026-03", "employees": list(employees)})


@pytest.fixture(scope="module")
def run() -> ScoreRun:
    return run_example(CODE)


def test_template_shape() -> None:
    t = load_builtin(CODE)
    assert (t.code, t.version, t.period) == (CODE, 1, "month")
    assert t.positions == ["客服主管"]
    assert [
        (s.code, s.kind, [(i.code, i.points, i.value) for i in s.items]) for s in t.sections
    ] == [
        ("score", "base", [("assessment_score", D(100), "assessment_score")]),
    ]
    assert (t.total.min, t.total.max) == (D(0), D(100))
    assert t.pay.mode == "bands" and t.pay.min_factor is None and t.pay.prorate is True
    assert [(b.gte, b.factor) for b in t.pay.bands] == [
        (D(100), D(1)),
        (D(95), D("0.95")),
        (D(85), D("0.90")),
        (D(75), D("0.80")),
        (None, D("0.70")),
    ]


def test_supervisor_examples(run: ScoreRun) -> None:
    # 100 -> 500.00; 74 -> 0.70 x 500 = 350.00 (no floor)
    assert [(r.id, r.total, r.pay) for r in run.results] == [
        ("A", D("100.00"), D("500.00")),
        ("B", D("74.00"), D("350.00")),
    ]
    assert run.ineligible == []


def test_examples_built_inline_and_probation() -> None:
    r = run_of(emp("A", 100), emp("B", 74), emp("P", 100, probation=True))
    assert [(x.id, x.pay) for x in r.results] == [("A", D("500.00")), ("B", D("350.00"))]
    assert [x.id for x in r.ineligible] == ["P"]


@pytest.mark.parametrize(
    ("s", "days", "pay"),
    [
        (D("99.99"), 22, "475.00"),
        (95, 22, "475.00"),
        (D("94.5"), 22, "450.00"),
        (85, 22, "450.00"),
        (75, 22, "400.00"),
        (D("74.99"), 22, "350.00"),
        (0, 22, "350.00"),
        (72, 11, "175.00"),  # 500 x 0.70 x 11/22, a leaver: no floor
    ],
)
def test_bands_without_floor(s, days, pay) -> None:
    assert run_of(emp("X", s, days=days)).result("X").pay == D(pay)


def _sources(node):
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "x-source":
                yield from (v if isinstance(v, list) else [v])
            else:
                yield from _sources(v)
    elif isinstance(node, list):
        for v in node:
            yield from _sources(v)


def test_every_item_cites_its_source_verbatim() -> None:
    data = parse_document(builtin_path(CODE).read_text(encoding="utf-8")).data
    assert data["x-eligibility"] == {"exclude_probation": True}
    items = [i for s in data["sections"] for i in s["items"]]
    assert all("x-source" in i or "x-choice" in i for i in items)
    assert all("x-unit" in i for i in items if "value" in i)
    squash = lambda s: re.sub(r"\s+", " ", s).strip()  # noqa: E731
    quotes = list(_sources(data))
    assert quotes
    for q in quotes:
        if not (SEEDS / q["file"]).is_file():
            pytest.skip("seed documents not available")
        assert len(q["quote"]) <= 120
        assert squash(q["quote"]) in squash((SEEDS / q["file"]).read_text(encoding="utf-8")), q[
            "quote"
        ]
