"""客服部门季度绩效考核表 (cs-department-quarterly): the example input, scored by hand.

总分 = (0.3 x 部门职责 + 0.3 x 部门计划 + 0.2 x 客户评价) x 重关指标值 (key section / 100).
"""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from csperf.scoring import InputError, Period, ScoreRun, score
from csperf.templates import load_builtin

from .helpers import contributions, example_input, run_example

CODE = "cs-department-quarterly"


@pytest.fixture(scope="module")
def run() -> ScoreRun:
    return run_example(CODE)


def test_template_shape() -> None:
    t = load_builtin(CODE)
    assert t.period == "quarter" and t.positions == ["客服部门"]
    assert [(s.code, s.kind, s.weight, s.full) for s in t.sections] == [
        ("duties", "base", D("0.3"), D(100)),
        ("plan", "base", D("0.3"), D(100)),
        ("customer", "base", D("0.2"), D(100)),
        ("key", "multiplier", None, D(100)),
    ]


def test_full_marks_is_80(run: ScoreRun) -> None:
    # M01 王建国: every section full, no key incidents -> (30 + 30 + 20) x 1 = 80
    assert contributions(run, "M01") == {
        "feedback": D(30),  # 0.96 >= target 0.95
        "info_transfer": D(20),  # 0.98 >= 0.98
        "fcr": D(30),  # 0.92 above the last point 0.90 -> 30
        "process": D(20),  # 1.1 / 1, capped at 1 -> 20
        "plan_completion": D(70),  # 1.02 above 1.00 -> 70
        "budget": D(30),  # 0.97 <= 1.00
        "csat": D(60),  # 0.90 vs 2026-H1 target 0.88 -> 60
        "key_customer": D(40),  # 0 lost
        "major_complaints": D(50),
        "security_incidents": D(50),
    }
    r = run.result("M01")
    assert r.total == D("80.00")
    assert r.grade is None and r.pay is None and r.flags == []


def test_weighted_sections_times_key_factor(run: ScoreRun) -> None:
    # M02 李明
    assert contributions(run, "M02") == {
        "feedback": D(26),  # 0.93: 2 steps short x 2 = 4 -> 26
        "info_transfer": D(15),  # 0.95 >= 0.95 -> 15
        "fcr": D(15),  # 0.80: 30 x (0.80 - 0.70) / 0.20 = 15
        "process": D(15),  # 0.75 x 20
        "plan_completion": D(35),  # 0.90: 70 x (0.90 - 0.80) / 0.20 = 35
        "budget": D(15),  # 1.05 <= 1.05 (inclusive) -> 15
        "csat": D(51),  # 0.85 vs 0.88: 3 steps x 3 = 9 -> 51
        "key_customer": D(30),  # 1 lost x -10
        "major_complaints": D(40),  # 1 x -10
        "security_incidents": D(50),
    }
    r = run.result("M02")
    assert [s.score for s in r.sections] == [D(71), D(50), D(81), D(90)]
    # (0.3 x 71 + 0.3 x 50 + 0.2 x 81) x 90/100 = (21.3 + 15 + 16.2) x 0.9 = 52.5 x 0.9 = 47.25
    assert r.total == D("47.25")


def test_excluded_items_and_half_up_total(run: ScoreRun) -> None:
    # M03 赵强: process_improvement_rate null and csat_top2 absent -> both excluded.
    c = contributions(run, "M03")
    assert c["feedback"] == D(25)  # 0.90: 5 steps x 2 = 10 -> 20, x 100/80 = 25
    assert c["info_transfer"] == D("12.5")  # 0.90 -> 10, x 100/80
    assert c["fcr"] == D(0)  # 0.70 is the first point -> 0
    assert c["process"] is None
    assert c["plan_completion"] == D(0)  # 0.79 below 0.80 -> below: 0
    assert c["budget"] == D(0)  # 1.2 > 1.05
    assert c["csat"] is None
    assert c["key_customer"] == D(50)  # 2 lost -> 20, x 100/40 = 50
    assert c["major_complaints"] == D(30)  # 50 - 2 x 10
    assert c["security_incidents"] == D(0)  # 1 x -50
    r = run.result("M03")
    assert [s.score for s in r.sections] == [D("37.5"), D(0), D(50), D(30)]
    # (0.3 x 37.5 + 0 + 0.2 x 50) x 0.3 = 21.25 x 0.3 = 6.375 -> half-up 6.38
    assert r.unrounded_total == D("6.375")
    assert r.total == D("6.38")
    assert r.flags == [
        "duties.process: no data -> excluded",
        "customer.csat: no data -> excluded",
    ]


def test_period_target_and_missing_count(run: ScoreRun) -> None:
    # M04 陈刚: csat 0.88 meets the 2026-H1 target exactly (the default 0.90 would give 54).
    c = contributions(run, "M04")
    assert c["feedback"] == D(30)  # 0.955 >= 0.95
    assert c["info_transfer"] == D(15)  # 0.97 in [0.95, 0.98)
    assert c["fcr"] == D("22.5")  # 30 x 0.15 / 0.20
    assert c["process"] == D(18)  # 0.9 x 20
    assert c["csat"] == D(60)
    assert run.result("M04").item("csat").target == D("0.88")
    assert c["major_complaints"] == D(20)  # 50 - 3 x 10
    assert c["security_incidents"] == D(50)  # no count given = 0 incidents
    r = run.result("M04")
    # (0.3 x 85.5 + 0.3 x 100 + 0.2 x 100) x 0.7 = 75.65 x 0.7 = 52.955 -> 52.96
    assert r.total == D("52.96")


def test_default_target_after_the_first_half() -> None:
    data = example_input(CODE)
    data.period = Period.parse("2026-Q3")
    r = score(load_builtin(CODE), data).result("M04")
    # 0.88 vs default 0.90: 2 steps x 3 = 6 -> 54
    assert r.item("csat").contribution == D(54)


def test_monthly_period_is_refused() -> None:
    data = example_input(CODE)
    data.period = Period.parse("2026-03")
    with pytest.raises(InputError, match="quarter"):
        score(load_builtin(CODE), data)
