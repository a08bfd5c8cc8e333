"""电商客服月度绩效考核表 (ecommerce-cs-monthly): the example input, scored by hand."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from csperf.scoring import ScoreRun
from csperf.templates import load_builtin

from .helpers import contributions, frac, q20, run_example

CODE = "ecommerce-cs-monthly"


@pytest.fixture(scope="module")
def run() -> ScoreRun:
    return run_example(CODE)


def test_template_shape() -> None:
    t = load_builtin(CODE)
    assert t.code == CODE and t.version == 1 and t.period == "month"
    assert t.positions == ["电商客服"]
    # 35 + 20 + 10 + 5 + 5 = 75 业绩指标, 10 + 5 + 10 = 25 工作表现: 100 in all.
    assert [(s.code, s.full) for s in t.sections] == [
        ("kpi", D(75)),
        ("refund", D(5)),
        ("conduct", D(25)),
    ]


def test_top_performer_every_item(run: ScoreRun) -> None:
    # E001 王芳
    assert contributions(run, "E001") == {
        "inquiry_conversion": D(35),  # 0.75 >= 0.75 (boundary, inclusive) -> 100/100 x 35 = 35
        "payment": D(20),  # 0.92 >= target 0.90: no shortfall -> 20
        "aov": D(10),  # 1.08 / 1 = 1.08, capped at 1 -> 10 x 1 = 10
        "reply": D(5),  # 0.99 >= 0.98 -> 5
        "response": D(5),  # 28 s < 30 (below the first point) -> first score 5
        "refund": D(0),  # 0.02 <= 0.03: no excess -> 0 deducted
        "task": D(9),  # supervisor 9
        "attitude": D(5),  # supervisor level 5 -> 5
        "attendance": D(10),  # no late/early/leave -> 10
    }
    r = run.result("E001")
    # 75 + 24 - 0 = 99
    assert [s.score for s in r.sections] == [D(75), D(0), D(24)]
    assert r.total == D("99.00")
    assert r.pay == D("742.50")  # 750 x 99 / 100
    assert r.flags == []


def test_missing_value_is_excluded_and_kpi_rescaled(run: ScoreRun) -> None:
    # E002 李娜: aov_ratio is null -> excluded, the other kpi items scaled by 75/65.
    c = contributions(run, "E002")
    assert q20(c["inquiry_conversion"]) == frac(28 * 75, 65)  # 0.7499 < 0.75 -> 80% x 35 = 28
    assert q20(c["payment"]) == frac(15 * 75, 65)  # 0.875: 2.5 steps x 2 = 5 -> 20 - 5 = 15
    assert c["aov"] is None
    assert q20(c["reply"]) == frac(3 * 75, 65)  # 0.95 >= 0.95 -> 3
    assert q20(c["response"]) == frac("187.5", 65)  # 45 s: 5 + (0 - 5) x 15/30 = 2.5 (x 75)
    assert c["refund"] == D(-2)  # 0.045: 1.5 steps over 0.03, ceil -> 2 x 1 = -2
    assert c["task"] == D(8)
    assert c["attitude"] == D(4)
    assert c["attendance"] == D(6)  # 10 - 1 late x 2 - 2 leave days x 1 = 6
    r = run.result("E002")
    # kpi 48.5 x 75/65 = 55.961538…; + 18 - 2 = 71.961538… -> 71.96
    assert q20(r.sections[0].score) == frac("3637.5", 65)  # 48.5 x 75 / 65
    assert r.total == D("71.96")
    assert r.pay == D("539.70")  # 750 x 71.96 / 100
    assert r.flags == ["kpi.aov: no data -> excluded"]
    assert r.alerts == []


def test_deductions_bottom_out(run: ScoreRun) -> None:
    # E003 张伟: boundaries hit exactly, payment bottoms out at 0.
    c = contributions(run, "E003")
    assert c["inquiry_conversion"] == D(21)  # 0.50 >= 0.50 -> 60/100 x 35 = 21
    assert c["payment"] == D(0)  # 0.78: 12 steps x 2 = 24 > 20 -> 0 (扣完为止)
    assert c["aov"] == D("8.5")  # 0.85 x 10
    assert c["reply"] == D(1)  # 0.90 >= 0.90 -> 1
    assert c["response"] == D(0)  # 60 s >= last point -> 0
    assert c["refund"] == D(0)  # 0.03 = target: nothing deducted
    assert c["attendance"] == D(3)  # 10 - 2x2 - 1x2 - 1x1 = 3
    r = run.result("E003")
    assert r.total == D("43.50")  # 30.5 + (7 + 3 + 3) - 0
    assert r.pay == D("326.25")  # 750 x 43.5 / 100

    # E004 赵敏: the refund deduction and the attendance both hit their floors.
    c = contributions(run, "E004")
    assert c["inquiry_conversion"] == D(0)  # 0.45 < 0.50
    assert c["payment"] == D(10)  # 0.85: 5 steps x 2 = 10 -> 10
    assert c["aov"] == D(7)
    assert c["reply"] == D(0)  # 0.80 < 0.90
    assert c["response"] == D(0)  # 90 s
    assert c["refund"] == D(-5)  # 0.081: 5.1 steps, ceil 6 -> -6, limited to -5
    assert c["attendance"] == D(0)  # 10 - 3x2 - 1x2 - 3x1 = -1 -> 0
    r = run.result("E004")
    assert r.total == D("19.00")  # 17 + (5 + 2 + 0) - 5
    assert r.pay == D("142.50")


def test_unrated_item_and_half_up_pay(run: ScoreRun) -> None:
    # E005 孙磊: no attitude rating -> excluded, conduct scaled by 25/20.
    c = contributions(run, "E005")
    assert c["inquiry_conversion"] == D(0)
    assert c["payment"] == D(0)  # 0.70: 20 steps x 2 = 40 -> 0
    assert c["aov"] == D(5)
    assert c["reply"] == D(1)
    assert q20(c["response"]) == frac(5, 3)  # 50 s: 5 - 5 x 20/30 = 5/3
    assert c["refund"] == D(-1)  # 0.04: exactly one step over
    assert c["task"] == D(6) * D(25) / D(20)  # 7.5
    assert c["attitude"] is None
    assert c["attendance"] == D(10) * D(25) / D(20)  # no attendance data = no events -> 12.5
    r = run.result("E005")
    # 7.666… + 20 - 1 = 26.666… -> 26.67
    assert r.total == D("26.67")
    assert r.pay == D("200.03")  # 750 x 26.67 / 100 = 200.025 -> half-up 200.03
    assert r.flags == ["conduct.attitude: no rating -> excluded"]


def test_ranking_and_labels(run: ScoreRun) -> None:
    # 99 > 71.96 > 43.5 > 26.67 > 19
    got = {r.id: (r.rank, r.rank_from_bottom, r.rank_label) for r in run.results}
    assert got == {
        "E001": (1, 5, "本月第一"),
        "E002": (2, 4, None),
        "E003": (3, 3, None),
        "E004": (5, 1, "本月倒数第一"),
        "E005": (4, 2, None),
    }
    assert all(r.grade is None for r in run.results)  # the scheme has no grade table


def test_alerts(run: ScoreRun) -> None:
    # E001: rank 1 now, in 2026-02 and in 2026-01 -> three in a row.
    assert run.result("E001").alerts == ["连续三次排名第一"]
    # E004: 19 and 30 (< 35) two in a row; bottom now, in 2026-02 and 2026-01.
    assert run.result("E004").alerts == ["连续两次得分低于35分", "连续三次排名倒数第一"]
    # E005: 26.67 now and 30 in 2026-01, but no 2026-02 entry: the gap breaks the streak.
    assert run.result("E005").alerts == []
    assert run.result("E002").alerts == run.result("E003").alerts == []
