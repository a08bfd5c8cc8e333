"""呼叫中心经理月度考核表 (callcenter-manager): the example, worked out by hand."""

from __future__ import annotations

from decimal import Decimal

import pytest

from csperf.scoring import ScoreRun, score
from csperf.templates import load_builtin

from .helpers import contributions, q2, run_example

CODE = "callcenter-manager"
D = Decimal


@pytest.fixture(scope="module")
def run() -> ScoreRun:
    return run_example(CODE)


def test_template_metadata() -> None:
    t = load_builtin(CODE)
    assert t.positions == ["呼叫中心经理"]
    assert [(s.code, s.full) for s in t.sections] == [
        ("operations", D(60)),
        ("quality_team", D(40)),
    ]
    # the indicator library's codes
    assert {i.value for _, i in t.items} == {
        "service_level",
        "answer_rate",
        "first_contact_resolution",
        "csat_mean",
        "qc_score_mean",
        "staff_attrition_rate",
        "plan_completion_rate",
        "team_mean_score",
    }


def test_c001(run: ScoreRun) -> None:
    assert contributions(run, "C001") == {
        # 0.82 >= 0.80 -> 15
        "service_level": D(15),
        # 0.96 >= 0.95 -> 15
        "answer_rate": D(15),
        # 0.86 >= 0.85 -> 15
        "fcr": D(15),
        # 4.6 >= 4.5 -> 15
        "csat": D(15),
        # 92: (92 - 80) / (95 - 80) x 10 = 8
        "qc": D(8),
        # 0.02 <= 0.03 -> 10
        "attrition": D(10),
        # 1.05 / 1, capped at 1 -> 10
        "plan_completion": D(10),
        # 84.25: (84.25 - 70) / 15 x 10 = 9.5
        "staff_management": D("9.5"),
    }
    r = run.result("C001")
    # 60 + 37.5 = 97.5 -> 优秀
    assert r.total == D("97.50")
    assert r.grade == "优秀"
    assert r.alerts == [] and r.flags == []


def test_c002_second_failing_month(run: ScoreRun) -> None:
    c = contributions(run, "C002")
    # 0.75 halfway between 0.70 (0) and 0.80 (15) -> 7.5
    assert c["service_level"] == D("7.5")
    # 0.95 - 0.935 = 1.5 steps x 3 = 4.5 -> 10.5
    assert c["answer_rate"] == D("10.5")
    # 0.85 - 0.80 = 5 steps x 2 = 10 -> 5
    assert c["fcr"] == D(5)
    # 4.5 - 4.35 = 1.5 steps x 3 = 4.5 -> 10.5
    assert c["csat"] == D("10.5")
    # 85: (85 - 80) / 15 x 10 = 3.33
    assert q2(c["qc"]) == D("3.33")
    # 0.045 - 0.03 = 1.5 steps, ceil -> 2 x 3 = 6 -> 4
    assert c["attrition"] == D(4)
    # 0.9 x 10 = 9
    assert c["plan_completion"] == D(9)
    # 70 is the zero point of the line -> 0
    assert c["staff_management"] == D(0)
    r = run.result("C002")
    # 33.5 + 16.333... = 49.8333... -> 49.83 -> 不合格
    assert r.total == D("49.83")
    assert r.grade == "不合格"
    # 2026-02 was 不合格 as well
    assert r.alerts == ["连续两个月考核不合格，由上级约谈并制定改进计划"]


def test_c003_veto_sets_the_grade_only(run: ScoreRun) -> None:
    r = run.result("C003")
    c = contributions(run, "C003")
    # every target met on the boundary: SL 0.80, answer 0.95, FCR 0.85, CSAT 4.5 -> 15 each
    assert [c[k] for k in ("service_level", "answer_rate", "fcr", "csat")] == [D(15)] * 4
    # no team scores -> excluded; QC 95 -> 10, attrition 0.03 -> 10, plan 1.0 -> 10, each x 40/30
    assert c["staff_management"] is None
    assert q2(c["qc"]) == q2(c["attrition"]) == q2(c["plan_completion"]) == D("13.33")
    assert q2(r.sections[1].score) == D("40.00")
    # 60 + 40 = 100; the veto (1 major incident >= 1) keeps the total and sets the grade
    assert r.total == D("100.00")
    assert r.grade == "不合格"
    assert r.flags == [
        "quality_team.staff_management: no data -> excluded",
        "发生重大服务事故，一票否决",
    ]
    # February was 良好: this is the first failing month, no alert
    assert r.alerts == []


def test_no_incident_value_means_no_veto() -> None:
    data = {
        "period": "2026-03",
        "employees": [{"id": "X", "values": {"answer_rate": D("0.95"), "csat_mean": D("4.5")}}],
    }
    r = score(load_builtin(CODE), data).result("X")
    # only two items have data: each section renormalised; operations 30 x 60/30 = 60,
    # quality_team has no data at all -> 0 and flagged; 60 -> 不合格 by the table, no veto flag
    assert r.total == D("60.00")
    assert r.grade == "不合格"
    assert "发生重大服务事故，一票否决" not in r.flags
    assert "quality_team: every item excluded, section scores 0" in r.flags
