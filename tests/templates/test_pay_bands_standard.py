"""客服专员月度绩效工资考核表 (pay-bands-standard): schemes.md §3.24, worked examples by hand.

One item: the month's 综合得分 (0–100) from the employee's position card, kept as the total.
绩效工资 = pay_base (专员 300) x band factor (100 -> 1.00, [95, 100) -> 0.95, [85, 95) -> 0.90,
[75, 85) -> 0.80, below -> 0.70; never below 0.75 for 基层 staff) x days_worked / period_days.
Employees on probation get no card.
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

CODE = "pay-bands-standard"
SEEDS = Path("/work/shared/seeds")


def emp(eid: str, s, days=22, period_days=22, probation=False, base=300) -> dict:
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
    assert (t.code, t.version, t.period) == (CODE, 2, "month")
    assert t.positions == ["基层客服"]
    assert [
        (s.code, s.kind, [(i.code, i.points, i.value) for i in s.items]) for s in t.sections
    ] == [
        ("score", "base", [("assessment_score", D(100), "assessment_score")]),
    ]
    assert (t.total.min, t.total.max) == (D(0), D(100))
    assert t.pay.mode == "bands" and t.pay.min_factor == D("0.75") and t.pay.prorate is True
    assert [(b.gte, b.factor) for b in t.pay.bands] == [
        (D(100), D(1)),
        (D(95), D("0.95")),
        (D(85), D("0.90")),
        (D(75), D("0.80")),
        (None, D("0.70")),
    ]


def test_example_a_between_printed_bands(run: ScoreRun) -> None:
    # 94.5 -> band 0.90 (between 94 and 95: the lower band) -> 300 x 0.90 = 270.00
    r = run.result("A")
    assert r.item("assessment_score").contribution == D("94.5")
    assert r.total == D("94.50")
    assert r.pay == D("270.00")
    assert r.grade is None and r.flags == []


def test_example_b_floor_and_leaver_proration(run: ScoreRun) -> None:
    # 72 -> 0.70 -> floor 0.75; 11 of 22 days -> 300 x 0.75 x 11/22 = 112.50
    r = run.result("B")
    assert r.total == D("72.00")
    assert r.pay == D("112.50")


def test_probation_gets_no_card(run: ScoreRun) -> None:
    assert [r.id for r in run.results] == ["A", "B"]
    assert [(x.id, x.name) for x in run.ineligible] == [("P", "许诺")]


def test_examples_built_inline() -> None:
    r = run_of(emp("A", D("94.5")), emp("B", 72, days=11), emp("P", 90, probation=True))
    assert [(x.id, x.total, x.pay) for x in r.results] == [
        ("A", D("94.50"), D("270.00")),
        ("B", D("72.00"), D("112.50")),
    ]
    assert [x.id for x in r.ineligible] == ["P"]


@pytest.mark.parametrize(
    ("s", "pay"),
    [
        (100, "300.00"),  # 达到100分: 1.00
        (D("99.99"), "285.00"),  # 0.95
        (95, "285.00"),  # 95 is in 95—100
        (D("94.995"), "285.00"),  # total rounds half-up to 95.00 first, then the band
        (D("94.99"), "270.00"),  # 0.90
        (85, "270.00"),
        (D("84.5"), "240.00"),  # 0.80
        (75, "240.00"),
        (D("74.99"), "225.00"),  # 0.70 -> floor 0.75
        (0, "225.00"),
    ],
)
def test_band_boundaries(s, pay) -> None:
    assert run_of(emp("X", s)).result("X").pay == D(pay)


def test_score_is_capped_at_100() -> None:
    r = run_of(emp("X", 100)).result("X")
    assert r.total == D("100.00")


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
