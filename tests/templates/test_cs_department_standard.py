"""客服部员工月度考核表 (cs-department-standard): the example input, scored by hand.

基本分 70 + 效率分 30 - 换班扣分 + 加分, clamped to 0–100; A >90, B >=80, C >=70, D.
"""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from csperf.scoring import ScoreRun
from csperf.templates import load_builtin

from .helpers import contributions, run_example

CODE = "cs-department-standard"
ALERT = "连续两个月低于60分"


@pytest.fixture(scope="module")
def run() -> ScoreRun:
    return run_example(CODE)


def test_template_shape() -> None:
    t = load_builtin(CODE)
    assert t.positions == ["客服专员"]
    assert [(s.code, s.kind, s.full) for s in t.sections] == [
        ("basic", "base", D(70)),
        ("efficiency", "base", D(30)),
        ("shift_swaps", "deduction", D(15)),
        ("bonus", "bonus", D(10)),
    ]


def test_bonus_over_100_is_clamped(run: ScoreRun) -> None:
    # K01 许娟 (话务一组: calls 1100, 1000, 900 -> team mean 1000)
    assert contributions(run, "K01") == {
        "quality": D(30),  # 95 -> last point -> 30
        "discipline": D(20),  # no events
        "complaints": D(20),
        "volume": D(15),  # 1100 / 1000 = 1.1 >= 1.1
        "handle_time": D(10),  # 170 <= 180
        "occupancy": D(5),  # 0.90 / 0.85 capped at 1
        "shift_swaps": D(0),  # 2 <= 3
        "bonus_events": D(5),  # 1 praise letter x 5
    }
    r = run.result("K01")
    assert r.unrounded_total == D(100)  # 100 + 5 = 105 -> total.max 100
    assert r.total == D("100.00")
    assert r.grade == "A"


def test_exactly_90_is_b(run: ScoreRun) -> None:
    # K02 韩梅
    assert contributions(run, "K02") == {
        "quality": D(24),  # 30 x (90 - 70) / 25
        "discipline": D(16),  # 20 - 2 lates x 2
        "complaints": D(20),
        "volume": D(13),  # 1000 / 1000 = 1.0
        "handle_time": D(7),  # 240 <= 240 (inclusive)
        "occupancy": D(5),  # 0.85 / 0.85
        "shift_swaps": D(0),  # 3 swaps: not more than 3
        "bonus_events": D(5),
    }
    r = run.result("K02")
    assert r.total == D("90.00")  # 60 + 25 - 0 + 5
    assert r.grade == "B"  # A needs more than 90


def test_six_swaps_and_streak_not_met(run: ScoreRun) -> None:
    # K03 杜鹏
    assert contributions(run, "K03") == {
        "quality": D(12),  # 30 x 10 / 25
        "discipline": D(16),  # 20 - 2 - 2
        "complaints": D(20),
        "volume": D(10),  # 900 / 1000 = 0.9
        "handle_time": D(4),  # 300 <= 300
        "occupancy": D(4),  # 0.68 / 0.85 = 0.8 x 5
        "shift_swaps": D(15),  # 6 swaps -> 15
        "bonus_events": D(0),
    }
    r = run.result("K03")
    assert r.total == D("51.00")  # 66 - 15
    assert r.grade == "D"
    assert r.alerts == []  # 2026-02 was exactly 60: not below 60


def test_exactly_70_is_c(run: ScoreRun) -> None:
    # K04 罗敏 (话务二组: calls 800 and 1200 -> team mean 1000)
    assert contributions(run, "K04") == {
        "quality": D(30),
        "discipline": D(20),
        "complaints": D(10),  # 20 - 1 x 10
        "volume": D(6),  # 800 / 1000 = 0.8
        "handle_time": D(4),
        "occupancy": D(5),
        "shift_swaps": D(5),  # 4 swaps -> 5
        "bonus_events": D(0),
    }
    r = run.result("K04")
    assert r.total == D("70.00")  # 75 - 5
    assert r.grade == "C"
    assert r.alerts == []  # 55 last month, but 70 now


def test_two_months_below_60(run: ScoreRun) -> None:
    # K05 龚伟: occupancy null -> excluded, efficiency scaled by 30/25.
    c = contributions(run, "K05")
    assert c["quality"] == D(18)  # 30 x 15 / 25
    assert c["discipline"] == D(4)  # 20 - 3 x 2 - 1 x 10
    assert c["complaints"] == D(0)  # 20 - 30 -> 0
    assert c["volume"] == D(18)  # 1200 / 1000 = 1.2 -> 15, x 30/25
    assert c["handle_time"] == D(0)  # 400 > 300
    assert c["occupancy"] is None
    assert c["shift_swaps"] == D(0)  # null -> missing: zero -> nothing deducted
    assert c["bonus_events"] == D(0)
    r = run.result("K05")
    assert r.total == D("40.00")  # 22 + 18
    assert r.grade == "D"
    assert r.flags == ["efficiency.occupancy: no data -> excluded"]
    assert r.alerts == [ALERT]  # 40 now and 59.99 in 2026-02
