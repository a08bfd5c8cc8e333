"""客服部经理 KPI 量表 (cs-manager-kpi): the example, worked out by hand."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from csperf.scoring import InputError, ScoreRun, score
from csperf.templates import load_builtin

from .helpers import contributions, example_input, q2, run_example

CODE = "cs-manager-kpi"
D = Decimal


@pytest.fixture(scope="module")
def run() -> ScoreRun:
    return run_example(CODE)


def test_weights_are_the_schemes() -> None:
    t = load_builtin(CODE)
    assert t.period == "quarter"
    assert t.positions == ["客服部经理"]
    assert {i.code: i.points for _, i in t.items} == {
        "plan_completion": D(20),
        "budget_saving": D(15),
        "feedback_timeliness": D(15),
        "info_transfer_timeliness": D(10),
        "process_improvement": D(10),
        "standard_execution": D(10),
        "csat": D(5),
        "collaboration": D(5),
        "key_customer_churn": D(5),
        "staff_management": D(5),
    }


def test_k001(run: ScoreRun) -> None:
    assert contributions(run, "K001") == {
        # 0.95 / 1 x 20 = 19
        "plan_completion": D(19),
        # saving 0.06 >= 0.05 -> 15
        "budget_saving": D(15),
        # 0.98 = target -> 15
        "feedback_timeliness": D(15),
        # 0.98 - 0.965 = 1.5 steps x 2 = 3 -> 7
        "info_transfer_timeliness": D(7),
        # 0.8 x 10 = 8
        "process_improvement": D(8),
        # 0.96 >= 0.95 -> 10
        "standard_execution": D(10),
        # 4.6 >= 4.5 -> 5
        "csat": D(5),
        # 4.2 >= 4.0 -> 4
        "collaboration": D(4),
        # 1 key customer lost: 5 - 2 = 3
        "key_customer_churn": D(3),
        # 80: (80 - 60) / (85 - 60) x 5 = 4
        "staff_management": D(4),
    }
    r = run.result("K001")
    # 19 + 15 + 15 + 7 + 8 + 10 + 5 + 4 + 3 + 4 = 90 -> 优秀 (the boundary)
    assert r.total == D("90.00")
    assert r.grade == "优秀"
    assert r.alerts == [] and r.flags == []


def test_k002_low_quarter_fires_the_alert(run: ScoreRun) -> None:
    assert contributions(run, "K002") == {
        # 0.8 x 20 = 16
        "plan_completion": D(16),
        # 0.02 between 0 (9) and 0.05 (15): 9 + 6 x 0.02/0.05 = 9 + 2.4 = 11.4
        "budget_saving": D("11.4"),
        # 0.98 - 0.93 = 5 steps x 3 = 15 -> 0
        "feedback_timeliness": D(0),
        # 1 step x 2 -> 8
        "info_transfer_timeliness": D(8),
        # 0.5 x 10 = 5
        "process_improvement": D(5),
        # 0.95 - 0.90 = 5 steps x 2 = 10 -> 0
        "standard_execution": D(0),
        # 4.1 >= 4.0 -> 3
        "csat": D(3),
        # 3.8 >= 3.5 -> 2
        "collaboration": D(2),
        # 3 lost >= zero_at 3 -> 0
        "key_customer_churn": D(0),
        # (72 - 60) / 25 x 5 = 2.4
        "staff_management": D("2.4"),
    }
    r = run.result("K002")
    # 16 + 11.4 + 0 + 8 + 5 + 0 + 3 + 2 + 0 + 2.4 = 47.8 -> 不合格
    assert r.total == D("47.80")
    assert r.grade == "不合格"
    # 2026-Q1 47.8 < 60 and 2025-Q4 55 < 60: two quarters in a row
    assert r.alerts == ["连续两个季度低于60分，提请岗位调整评估"]


def test_k003_overspent_and_no_team_scores(run: ScoreRun) -> None:
    r = run.result("K003")
    c = contributions(run, "K003")
    # overspent (saving -0.03 < 0) -> below the first point -> 0
    assert c["budget_saving"] == D(0)
    # no published evaluations of the team yet -> excluded; the other 95 points scaled x 100/95
    assert c["staff_management"] is None
    assert r.flags == ["kpi.staff_management: no data -> excluded"]
    # 20 x 100/95 = 21.05; 15 x 100/95 = 15.79; 10 x 100/95 = 10.53; 5 x 100/95 = 5.26
    assert q2(c["plan_completion"]) == D("21.05")
    assert q2(c["feedback_timeliness"]) == D("15.79")
    assert q2(c["info_transfer_timeliness"]) == D("10.53")  # 0.99 >= 0.98 -> 10
    assert q2(c["standard_execution"]) == D("10.53")  # 0.95 = target -> 10
    assert q2(c["csat"]) == D("5.26")  # 4.5 = 4.5 -> 5
    assert q2(c["collaboration"]) == D("5.26")  # 4.5 -> 5
    assert q2(c["key_customer_churn"]) == D("5.26")  # none lost -> 5
    # 20 + 0 + 15 + 10 + 10 + 10 + 5 + 5 + 5 = 80 x 100/95 = 84.2105... -> 84.21 -> 良好
    assert r.total == D("84.21")
    assert r.grade == "良好"
    # two low quarters before, but this one is not below 60: no alert
    assert r.alerts == []


def _k002(history: list[dict[str, Any]]) -> Any:
    data = example_input(CODE)
    emp = next(e for e in data.employees if e.id == "K002")
    raw = {
        "period": "2026-Q1",
        "employees": [{"id": "K002", "values": emp.values, "history": history}],
    }
    return score(load_builtin(CODE), raw).result("K002")


def test_alert_needs_contiguous_quarters() -> None:
    # the low quarter before last does not count when 2025-Q4 is absent (a gap)
    assert _k002([{"period": "2025-Q3", "total": 40}]).alerts == []
    # a good previous quarter ends the streak
    assert (
        _k002([{"period": "2025-Q4", "total": 60}, {"period": "2025-Q3", "total": 40}]).alerts == []
    )
    # 59.99 < 60
    assert _k002([{"period": "2025-Q4", "total": D("59.99")}]).alerts == [
        "连续两个季度低于60分，提请岗位调整评估"
    ]


def test_month_period_is_refused() -> None:
    with pytest.raises(InputError) as exc:
        score(load_builtin(CODE), {"period": "2026-03", "employees": [{"id": "X"}]})
    assert "period" in str(exc.value)
