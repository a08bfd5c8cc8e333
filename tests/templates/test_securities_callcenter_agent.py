"""证券呼叫中心坐席月度考核表 (securities-callcenter-agent): the example, worked out by hand."""

from __future__ import annotations

from decimal import Decimal

import pytest

from csperf.scoring import ScoreRun
from csperf.templates import load_builtin

from .helpers import contributions, q2, run_example

CODE = "securities-callcenter-agent"
D = Decimal

# Peer mean of calls_handled over the five agents who have a value (S006 has none and is left
# out): (1800 + 950 + 920 + 850 + 480) / 5 = 5000 / 5 = 1000.


@pytest.fixture(scope="module")
def run() -> ScoreRun:
    return run_example(CODE)


def test_template_metadata() -> None:
    t = load_builtin(CODE)
    assert t.positions == ["坐席", "客服代表"]
    assert t.sections[0].full == D(100)
    assert t.sections[1].kind == "bonus" and t.sections[1].full == D(10)


def test_s001(run: ScoreRun) -> None:
    assert contributions(run, "S001") == {
        # 1800 / 1000 = 1.8 >= 0.95 -> 10
        "call_volume": D(10),
        # 92 / 100 x 40 = 36.8
        "call_qc": D("36.8"),
        # no complaint -> 15
        "complaints": D(15),
        # 1 entry error x -1 -> 14
        "ticket_entry": D(14),
        "training": D(10),
        "morning_meeting": D(5),
        "duty": D(5),
        # mentoring 1 x 2 + special project 1 x 3 = 5
        "extra_duties": D(5),
    }
    r = run.result("S001")
    # 95.8 + 5 = 100.8 (bonus may pass 100)
    assert r.total == D("100.80")
    assert (r.rank, r.rank_from_bottom, r.rank_label) == (1, 6, "奖励")
    assert r.grade is None and r.pay is None and r.flags == []


def test_s002(run: ScoreRun) -> None:
    c = contributions(run, "S002")
    # 950 / 1000 = 0.95 >= 0.95 (boundary) -> 10
    assert c["call_volume"] == D(10)
    # 95 / 100 x 40 = 38
    assert c["call_qc"] == D(38)
    # late once for the morning meeting -> 5 - 1 = 4
    assert c["morning_meeting"] == D(4)
    r = run.result("S002")
    # 10 + 38 + 15 + 15 + 10 + 4 + 5 = 97
    assert r.total == D("97.00")
    assert (r.rank, r.rank_label) == (2, "奖励")


def test_s003_and_s004_tie_at_third(run: ScoreRun) -> None:
    c3, c4 = contributions(run, "S003"), contributions(run, "S004")
    # 920 / 1000 = 0.92 -> 8 (the mean leaves out S006, who has no calls)
    assert c3["call_volume"] == D(8)
    # 90 / 100 x 40 = 36; 1 complaint -> 15 - 5 = 10; 2 entry errors -> 13; 3 cover shifts -> +3
    assert (c3["call_qc"], c3["complaints"], c3["ticket_entry"]) == (D(36), D(10), D(13))
    assert c3["extra_duties"] == D(3)
    # 850 / 1000 = 0.85 -> 5
    assert c4["call_volume"] == D(5)
    # 92.5 / 100 x 40 = 37; 1 missing ticket -> 15 - 2 = 13; failed 1 training exam -> 10 - 3 = 7
    assert (c4["call_qc"], c4["ticket_entry"], c4["training"]) == (D(37), D(13), D(7))
    # 1 special project -> +3
    assert c4["extra_duties"] == D(3)
    r3, r4 = run.result("S003"), run.result("S004")
    # S003: 8 + 36 + 10 + 13 + 10 + 5 + 5 = 87 + 3 = 90; S004: 5 + 37 + 15 + 13 + 7 + 5 + 5 = 87 + 3 = 90
    assert r3.total == r4.total == D("90.00")
    # ties share rank 3; both are also 3rd from the bottom: the top label wins
    assert (r3.rank, r3.rank_from_bottom, r3.rank_label) == (3, 3, "奖励")
    assert (r4.rank, r4.rank_from_bottom, r4.rank_label) == (3, 3, "奖励")


def test_s005_deductions_bottom_out(run: ScoreRun) -> None:
    assert contributions(run, "S005") == {
        # 480 / 1000 = 0.48 < 0.50 -> 0
        "call_volume": D(0),
        # 80 / 100 x 40 = 32
        "call_qc": D(32),
        # 3 complaints x -5 = -15 -> exactly 0
        "complaints": D(0),
        # 3 missing x -2 + 4 errors x -1 = -10 -> 5
        "ticket_entry": D(5),
        # absent once -> 10 - 5 = 5
        "training": D(5),
        # 2 absences x -2 + 1 late x -1 = -5 -> 0
        "morning_meeting": D(0),
        # 1 duty absence x -5 -> 0
        "duty": D(0),
        "extra_duties": D(0),
    }
    r = run.result("S005")
    assert r.total == D("42.00")
    assert (r.rank, r.rank_from_bottom, r.rank_label) == (6, 1, "处罚")


def test_s006_no_calls_and_capped_bonus(run: ScoreRun) -> None:
    r = run.result("S006")
    c = contributions(run, "S006")
    # no calls -> excluded, the remaining 90 points scaled x 100/90
    assert c["call_volume"] is None
    assert r.flags == ["assessment.call_volume: no data -> excluded"]
    # 85 / 100 x 40 = 34 x 100/90 = 37.78
    assert q2(c["call_qc"]) == D("37.78")
    # 4 complaints x -5 = -20 -> 扣完为止 0
    assert c["complaints"] == D(0)
    # 15 x 100/90 = 16.67; 10 x 100/90 = 11.11; 5 x 100/90 = 5.56
    assert q2(c["ticket_entry"]) == D("16.67")
    assert q2(c["training"]) == D("11.11")
    assert q2(c["morning_meeting"]) == D("5.56")
    assert q2(c["duty"]) == D("5.56")
    # (34 + 0 + 15 + 10 + 5 + 5) = 69 x 100/90 = 76.67
    assert q2(r.sections[0].score) == D("76.67")
    # mentoring 3 x 2 + projects 2 x 3 + cover 2 x 1 = 14 -> capped at the item's 10
    assert c["extra_duties"] == D(10)
    # 76.666... + 10 = 86.67
    assert r.total == D("86.67")
    # 5th of 6, 2nd from the bottom -> 处罚
    assert (r.rank, r.rank_from_bottom, r.rank_label) == (5, 2, "处罚")


def test_results_in_input_order(run: ScoreRun) -> None:
    assert [r.id for r in run.results] == ["S001", "S002", "S003", "S004", "S005", "S006"]
