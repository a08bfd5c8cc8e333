"""呼叫中心质检员月度考核表 (callcenter-qc-inspector-monthly): the example, worked out by hand."""

from __future__ import annotations

from decimal import Decimal

import pytest

from csperf.scoring import ScoreRun
from csperf.templates import load_builtin

from .helpers import contributions, q2, run_example

CODE = "callcenter-qc-inspector-monthly"
D = Decimal


@pytest.fixture(scope="module")
def run() -> ScoreRun:
    return run_example(CODE)


def test_template_metadata() -> None:
    t = load_builtin(CODE)
    assert t.positions == ["质检员"]
    assert [(s.code, s.kind, s.full) for s in t.sections] == [
        ("indicators", "base", D(80)),
        ("daily", "base", D(20)),
        ("bonus", "bonus", D(10)),
        ("deduction", "deduction", D(20)),
    ]


def test_q001_all_targets_met_with_bonus(run: ScoreRun) -> None:
    r = run.result("Q001")
    # every indicator at or beyond its target -> 10 each (no bonus for beating a target):
    # FCR 0.82 >= 0.80; answer rate 0.80 = 0.80 (boundary); QC 85 >= 80; consistency 0.96 >= 0.95;
    # third party 8.7 >= 8.5; group 9.2 >= 9; test calls 230/200 = 1.15 capped at 1; QC 520/500 capped
    assert contributions(run, "Q001", "indicators") == {
        "fcr": D(10),
        "normal_answer_rate": D(10),
        "controlled_qc_score": D(10),
        "qc_consistency": D(10),
        "third_party_test_call": D(10),
        "group_test_call": D(10),
        "test_call_count": D(10),
        "qc_count": D(10),
    }
    # supervisor 8 + 6 + 5 = 19
    assert contributions(run, "Q001", "daily") == {
        "qc_reports": D(8),
        "agent_coaching": D(6),
        "discipline_cooperation": D(5),
    }
    # 2 suggestions x 2 = 4; 1 risk found x 3 = 3 -> bonus 7
    assert contributions(run, "Q001", "bonus") == {
        "suggestions_adopted": D(4),
        "service_risks_found": D(3),
    }
    # no counts -> 0 deducted
    assert contributions(run, "Q001", "deduction") == {
        "qc_errors": D(0),
        "late_early": D(0),
        "qc_discipline": D(0),
    }
    # 80 + 19 + 7 - 0 = 106 (bonus may take the total past 100) -> 优秀
    assert r.total == D("106.00")
    assert r.grade == "优秀"
    assert r.flags == []


def test_q002_partial_steps(run: ScoreRun) -> None:
    r = run.result("Q002")
    assert contributions(run, "Q002", "indicators") == {
        # 0.80 - 0.765 = 0.035 = 3.5 steps x 1 -> 10 - 3.5 = 6.5
        "fcr": D("6.5"),
        # 0.80 - 0.78 = 2 steps -> 8
        "normal_answer_rate": D(8),
        # 80 - 78.5 = 1.5 steps -> 8.5
        "controlled_qc_score": D("8.5"),
        # 0.95 - 0.925 = 2.5 steps x 2 = 5 -> 5
        "qc_consistency": D(5),
        # 8.5 - 8.2 = 0.3 = 3 steps -> 7
        "third_party_test_call": D(7),
        # 9 - 8.95 = 0.05 = 0.5 step -> 9.5
        "group_test_call": D("9.5"),
        # 150 / 200 = 0.75 x 10 = 7.5
        "test_call_count": D("7.5"),
        # 430 / 500 = 0.86 x 10 = 8.6
        "qc_count": D("8.6"),
    }
    # 6.5 + 8 + 8.5 + 5 + 7 + 9.5 + 7.5 + 8.6 = 60.6
    assert r.sections[0].score == D("60.6")
    # daily 6 + 4 + 4 = 14
    assert r.sections[1].score == D(14)
    # 2 QC errors x 2 = 4; 3 late x 1 = 3 -> 7 deducted
    assert contributions(run, "Q002", "deduction") == {
        "qc_errors": D(4),
        "late_early": D(3),
        "qc_discipline": D(0),
    }
    # 60.6 + 14 + 0 - 7 = 67.6 < 70 -> 不合格
    assert r.total == D("67.60")
    assert r.grade == "不合格"


def test_q003_missing_and_caps(run: ScoreRun) -> None:
    r = run.result("Q003")
    ind = contributions(run, "Q003", "indicators")
    # no group test call this month -> excluded, flagged; the seven others all score 10 on the
    # boundary (FCR 0.90, answer 0.85, QC 80 = 80, consistency 0.95 = 0.95, third party 8.5 = 8.5,
    # 200/200, 500/500) and are scaled x 80/70 = 11.43 each
    assert ind["group_test_call"] is None
    assert "indicators.group_test_call: no data -> excluded" in r.flags
    assert {k: q2(v) for k, v in ind.items() if k != "group_test_call"} == {
        k: D("11.43")
        for k in (
            "fcr",
            "normal_answer_rate",
            "controlled_qc_score",
            "qc_consistency",
            "third_party_test_call",
            "test_call_count",
            "qc_count",
        )
    }
    assert q2(r.sections[0].score) == D("80.00")
    # daily 7 + 5 + 6 = 18
    assert r.sections[1].score == D(18)
    # 3 suggestions x 2 = 6; 2 risks x 3 = 6; 12 -> the section's max 10
    assert contributions(run, "Q003", "bonus") == {
        "suggestions_adopted": D(6),
        "service_risks_found": D(6),
    }
    assert r.sections[2].score == D(10)
    # 6 QC errors x 2 = 12 -> the item's max 10
    assert contributions(run, "Q003", "deduction")["qc_errors"] == D(10)
    assert r.sections[3].score == D(10)
    # 80 + 18 + 10 - 10 = 98 -> 优秀
    assert r.total == D("98.00")
    assert r.grade == "优秀"


def test_q004_veto(run: ScoreRun) -> None:
    r = run.result("Q004")
    # the card itself is perfect: 80 + 20 = 100 ...
    assert r.sections[0].score == D(80)
    assert r.sections[1].score == D(20)
    # ... but falsified QC data (qc_data_falsified = 1 >= 1) sets the total to 0, grade 不合格
    assert r.total == D("0.00")
    assert r.grade == "不合格"
    assert r.flags == ["质检数据弄虚作假，一票否决"]


def test_no_ranking_or_pay(run: ScoreRun) -> None:
    assert [r.id for r in run.results] == ["Q001", "Q002", "Q003", "Q004"]
    for r in run.results:
        assert r.rank is None and r.pay is None and r.alerts == []
