"""4S店服务顾问月度考核表 (dealer-service-advisor): the example input, scored by hand."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from csperf.scoring import ScoreRun
from csperf.templates import load_builtin

from .helpers import contributions, run_example

CODE = "dealer-service-advisor"


@pytest.fixture(scope="module")
def run() -> ScoreRun:
    return run_example(CODE)


def test_template_shape() -> None:
    t = load_builtin(CODE)
    assert t.positions == ["服务顾问"]
    assert [(s.code, s.full) for s in t.sections] == [("performance", D(100))]
    assert t.value_names() == {
        "dealer_cs_index",
        "repair_revenue",
        "dissatisfied_followup_rate",
        "rework_rate",
    }


def test_full_marks_at_boundaries(run: ScoreRun) -> None:
    # F01 钱进
    assert contributions(run, "F01") == {
        "cs_index": D(50),  # 95 >= 95 (inclusive)
        "repair_revenue": D(30),  # 320000 / 300000 = 1.0667, capped at 1
        "dissatisfied_followup": D(10),  # 1 >= 1
        "rework": D(10),  # 0.015 <= 0.02
    }
    assert run.result("F01").total == D("100.00")


def test_just_below_the_top_tier(run: ScoreRun) -> None:
    # F02 冯涛
    assert contributions(run, "F02") == {
        "cs_index": D(45),  # 94.99 < 95, >= 92 -> 45
        "repair_revenue": D(24),  # 0.8 x 30
        "dissatisfied_followup": D(5),  # 0.92 >= 0.90
        "rework": D("2.5"),  # 0.035: 1.5 steps over 0.02 x 5 = 7.5 -> 2.5
    }
    assert run.result("F02").total == D("76.50")


def test_no_dissatisfied_callbacks_scores_full(run: ScoreRun) -> None:
    # F03 陈雪
    assert contributions(run, "F03") == {
        "cs_index": D(40),  # 90 >= 90
        "repair_revenue": D(18),  # 150000 / 250000 = 0.6 x 30
        "dissatisfied_followup": D(10),  # none this month -> missing: full
        "rework": D(0),  # 0.05: 3 steps x 5 = 15 > 10 -> 0
    }
    r = run.result("F03")
    assert r.total == D("68.00")
    assert r.flags == []


def test_index_below_85(run: ScoreRun) -> None:
    # F04 林涛
    assert contributions(run, "F04") == {
        "cs_index": D(0),  # 84.9 < 85
        "repair_revenue": D(24),  # 200000 / 250000 = 0.8 x 30
        "dissatisfied_followup": D(0),  # 0.85 < 0.90
        "rework": D(10),  # 0.02 = target
    }
    assert run.result("F04").total == D("34.00")
