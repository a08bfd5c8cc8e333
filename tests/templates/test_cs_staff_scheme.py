"""客户服务人员月度考核表 (cs-staff-scheme): the example input, scored by hand.

总分 = 工作考核 (100) - 审计纠错扣分 + 表扬加分 (at most 10), not below 0.
"""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from csperf.scoring import ScoreRun
from csperf.templates import load_builtin

from .helpers import contributions, run_example

CODE = "cs-staff-scheme"


@pytest.fixture(scope="module")
def run() -> ScoreRun:
    return run_example(CODE)


def test_template_shape() -> None:
    t = load_builtin(CODE)
    assert t.positions == ["客户服务专员"]
    assert [(s.code, s.kind, s.full) for s in t.sections] == [
        ("work", "base", D(100)),
        ("audit", "deduction", D(100)),
        ("praise", "bonus", D(10)),
    ]
    assert t.total.max is None  # praise may lift the total above 100


def test_praise_above_100(run: ScoreRun) -> None:
    # C201 林晓
    assert contributions(run, "C201") == {
        "callback_completion": D(30),  # 1.0 = target
        "callback_authenticity": D(30),  # 1.0 >= 1
        "dissatisfied_resolution": D(30),  # 0.96 >= 0.95
        "report_truth": D(10),  # no untrue report
        "audit_corrections": D(0),
        "praise": D(7),  # 2 letters x 1 + 1 media x 5
    }
    assert run.result("C201").total == D("107.00")  # 100 - 0 + 7


def test_every_rule_partly(run: ScoreRun) -> None:
    # C202 郑华
    assert contributions(run, "C202") == {
        "callback_completion": D("25.5"),  # 0.955: 4.5 steps short x 1 -> 30 - 4.5
        "callback_authenticity": D(20),  # 0.98 >= 0.98
        "dissatisfied_resolution": D(20),  # 0.90: 5 steps x 2 = 10 -> 20
        "report_truth": D(6),  # 10 - 2 x 2
        "audit_corrections": D(5),  # 5 points from the month's total
        "praise": D(5),  # department 2 + company 3
    }
    r = run.result("C202")
    assert [s.score for s in r.sections] == [D("71.5"), D(5), D(5)]
    assert r.total == D("71.50")  # 71.5 - 5 + 5
    assert r.grade is None and r.rank is None and r.pay is None


def test_floors_caps_and_missing_full(run: ScoreRun) -> None:
    # C203 何静
    assert contributions(run, "C203") == {
        "callback_completion": D(10),  # 0.80: 20 steps x 1 -> 10
        "callback_authenticity": D(0),  # 0.94 < 0.95
        "dissatisfied_resolution": D(30),  # no dissatisfied complaints: missing -> full marks
        "report_truth": D(0),  # 10 - 6 x 2 = -2 -> 0 (扣完为止)
        "audit_corrections": D(12),  # e.g. 2 + 10
        "praise": D(10),  # 15 letters x 1 = 15, capped at 10
    }
    r = run.result("C203")
    assert r.total == D("38.00")  # 40 - 12 + 10
    assert r.flags == []  # missing: full is not an exclusion


def test_total_floor(run: ScoreRun) -> None:
    # C204 高峰: 4 - 24 = -20 -> total.min 0
    c = contributions(run, "C204")
    assert c["callback_completion"] == D(0)  # 0.5: 50 steps -> -20 -> 0
    assert c["callback_authenticity"] == D(0)
    assert c["dissatisfied_resolution"] == D(0)  # 0.5: 45 steps x 2 = 90 -> 0
    assert c["report_truth"] == D(4)  # 10 - 3 x 2
    assert c["audit_corrections"] == D(24)
    assert c["praise"] == D(0)  # no praise given -> 0
    r = run.result("C204")
    assert r.unrounded_total == D(0)
    assert r.total == D("0.00")
