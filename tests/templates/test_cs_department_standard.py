"""客服部考核标准 (cs-department-standard): schemes.md §3.26, the worked example (A, B, C) by hand.

基本分 70 − points deducted; 效率分 30 × own workload ÷ the run's mean, capped at 30; 换班: the n-th swap
(n ≥ 4) costs 5 × (n − 3), cumulative; 加分 5 per event, uncapped; total clamped 0–100;
grades A > 90, B 80–90, C 70–80, D < 70; two months in a row under 60 -> alert.
"""

from __future__ import annotations

import re
from decimal import Decimal as D
from pathlib import Path

import pytest

from csperf.scoring import ScoreRun, score
from csperf.scoring.loader import parse_document
from csperf.templates import builtin_path, load_builtin

from .helpers import contributions, run_example

CODE = "cs-department-standard"
SEEDS = Path("/work/shared/seeds")
ALERT = "连续两个月评分低于60分，公司有权提出解雇"


def emp(eid: str, deducted=None, calls=1000, swaps=None, bonus=None, history=None) -> dict:
    values: dict = {"calls_handled": calls}
    if deducted is not None:
        values["basic_deduction_points"] = deducted
    if swaps is not None:
        values["shift_swaps"] = swaps
    if bonus is not None:
        values["bonus_events"] = bonus
    e: dict = {"id": eid, "values": values}
    if history is not None:
        e["history"] = history
    return e


def run_of(*employees: dict) -> ScoreRun:
    return score(load_builtin(CODE), {"period": "2026-03", "employees": list(employees)})


@pytest.fixture(scope="module")
def run() -> ScoreRun:
    return run_example(CODE)


def test_template_shape() -> None:
    t = load_builtin(CODE)
    assert (t.code, t.version, t.period) == (CODE, 2, "month")
    assert t.positions == ["客服专员"]
    assert [
        (s.code, s.kind, s.full, [(i.code, i.points, i.value) for i in s.items]) for s in t.sections
    ] == [
        ("basic", "base", D(70), [("basic_conduct", D(70), "basic_deduction_points")]),
        ("efficiency", "base", D(30), [("efficiency", D(30), "calls_handled")]),
        ("shift_swaps", "deduction", D(30), [("shift_swaps", D(30), "shift_swaps")]),
        ("bonus", "bonus", D(5), [("bonus_events", D(5), "bonus_events")]),
    ]
    assert (t.total.min, t.total.max) == (D(0), D(100))
    assert [g.grade for g in t.grades] == ["A", "B", "C", "D"]


def test_example_a(run: ScoreRun) -> None:
    # 6 deducted -> 64; 1100 of mean 1000 -> 33 -> capped 30; 5 swaps -> 5 + 10 = 15;
    # cover_shift 1 + exam full marks -> +10. 64 + 30 - 15 + 10 = 89 -> B
    assert contributions(run, "A") == {
        "basic_conduct": D(64),
        "efficiency": D(30),
        "shift_swaps": D(15),
        "bonus_events": D(10),
    }
    r = run.result("A")
    assert (r.total, r.grade, r.alerts, r.flags) == (D("89.00"), "B", [], [])


def test_example_b_with_alert(run: ScoreRun) -> None:
    # 12 deducted -> 58; 700 / 1000 x 30 = 21; 6 swaps -> 5 + 10 + 15 = 30 -> 49, D; Feb 58 -> alert
    assert contributions(run, "B") == {
        "basic_conduct": D(58),
        "efficiency": D(21),
        "shift_swaps": D(30),
        "bonus_events": D(0),
    }
    r = run.result("B")
    assert (r.total, r.grade) == (D("49.00"), "D")
    assert r.alerts == [ALERT]


def test_example_c_capped_at_100(run: ScoreRun) -> None:
    # 0 deducted -> 70; 1200 -> 30 (cap); 2 swaps -> 0; top_of_team -> +5 -> 105 -> 100, A
    assert contributions(run, "C") == {
        "basic_conduct": D(70),
        "efficiency": D(30),
        "shift_swaps": D(0),
        "bonus_events": D(5),
    }
    r = run.result("C")
    assert (r.total, r.grade, r.alerts) == (D("100.00"), "A", [])


def test_examples_built_inline() -> None:
    r = run_of(
        emp("A", 6, 1100, 5, {"cover_shift": 1, "exam_full_marks": 1}),
        emp("B", 12, 700, 6, history=[{"period": "2026-02", "total": 58}]),
        emp("C", 0, 1200, 2, {"top_of_team": 1}),
    )
    assert [(x.id, x.total, x.grade, x.alerts) for x in r.results] == [
        ("A", D("89.00"), "B", []),
        ("B", D("49.00"), "D", [ALERT]),
        ("C", D("100.00"), "A", []),
    ]


@pytest.mark.parametrize(
    ("swaps", "deducted"),
    [(0, 0), (3, 0), (4, 5), (5, 15), (6, 30), (7, 50), (8, 75)],
)
def test_shift_swaps_cumulative(swaps, deducted) -> None:
    r = run_of(emp("X", 0, swaps=swaps))
    assert r.result("X").item("shift_swaps").contribution == D(deducted)


def test_grade_boundaries() -> None:
    # one run, equal workloads: everyone's 效率分 is 30, so the total is 100 - deducted
    cases = {
        "d10": ("10", "A"),
        "d999": ("9.99", "A"),
        "d20": ("20", "B"),
        "d2001": ("20.01", "C"),
        "d30": ("30", "C"),
        "d3001": ("30.01", "D"),
    }
    r = run_of(*(emp(k, D(d)) for k, (d, _) in cases.items()))
    got = {x.id: (x.total, x.grade) for x in r.results}
    assert got == {
        "d10": (D("90.00"), "B"),  # 90 is not > 90
        "d999": (D("90.01"), "A"),
        "d20": (D("80.00"), "B"),  # 80: the overlap goes to B
        "d2001": (D("79.99"), "C"),
        "d30": (D("70.00"), "C"),
        "d3001": (D("69.99"), "D"),
    }


def test_alert_needs_two_months_strictly_under_60() -> None:
    r = run_of(
        emp(
            "U", 41, history=[{"period": "2026-02", "total": 59.99}]
        ),  # 59 now, 59.99 before -> alert
        emp("E", 41, history=[{"period": "2026-02", "total": 60}]),  # 60 is not under 60
        emp("G", 41, history=[{"period": "2026-01", "total": 40}]),  # a gap breaks the streak
        emp("S", 40, history=[{"period": "2026-02", "total": 10}]),  # 60 now
    )
    assert r.result("U").total == D("59.00")
    assert [(x.id, x.alerts) for x in r.results] == [
        ("U", [ALERT]),
        ("E", []),
        ("G", []),
        ("S", []),
    ]


def test_missing_deductions_full_basic_and_uncapped_bonus() -> None:
    r = run_of(emp("M", None, 500, bonus={"cover_shift": 3, "extra_task": 2}), emp("N", 80, 1500))
    m = r.result("M")
    assert m.item("basic_conduct").contribution == D(70)  # no record -> full marks
    assert m.item("efficiency").contribution == D(15)  # 500 / mean 1000 x 30
    assert m.item("bonus_events").contribution == D(25)  # 5 events x 5, no cap
    assert m.total == D("100.00")  # 70 + 15 + 25 = 110 -> 100
    n = r.result("N")
    assert n.item("basic_conduct").contribution == D(0)  # 70 - 80 -> 0 (扣完为止)
    assert n.total == D("30.00")


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
