"""客服部电话专员月度考核表 (cs-phone-specialist-monthly): the example input, worked out by hand."""

from __future__ import annotations

from decimal import Decimal

import pytest

from csperf.scoring import ScoreRun, score
from csperf.templates import load_builtin

from .helpers import q2, run_example

CODE = "cs-phone-specialist-monthly"
D = Decimal


@pytest.fixture(scope="module")
def run() -> ScoreRun:
    return run_example(CODE)


def test_template_metadata() -> None:
    t = load_builtin(CODE)
    assert t.code == CODE
    assert t.version == 1
    assert t.period == "month"
    assert t.positions == ["电话专员"]
    assert [s.code for s in t.sections] == ["performance", "behaviour"]
    assert [s.full for s in t.sections] == [D(80), D(20)]


def test_p001_every_item(run: ScoreRun) -> None:
    r = run.result("P001")
    # 0.90 >= 0.90 (the boundary counts) -> 20
    assert r.item("customer_info").contribution == D(20)
    # supervisor level 3 (完整) -> 20
    assert r.item("customer_archive").contribution == D(20)
    # 1 - 0.955 = 0.045 = 4.5 steps, ceil -> 5 steps x 1 = 5 -> 20 - 5 = 15
    assert r.item("customer_callback").contribution == D(15)
    # response 100%, resolved in 3 days 100%, resolution 100%: nothing unmet -> 20
    assert r.item("complaint_handling").contribution == D(20)
    # self L5 = 50 x 0.3 + supervisor L4 = 40 x 0.7 = 15 + 28 = 43 -> 43/50 x 20 = 17.2
    assert r.item("customer_centric").score == D(43)
    assert r.item("customer_centric").contribution == D("17.2")
    assert r.sections[0].score == D(75)
    assert r.sections[1].score == D("17.2")
    # 75 + 17.2 = 92.2 >= 90 -> 优秀
    assert r.total == D("92.20")
    assert r.grade == "优秀"
    assert r.flags == []


def test_p002_deductions_bottom_out(run: ScoreRun) -> None:
    r = run.result("P002")
    # 0.78: not >= 0.80, but >= 0.75 (the gap the scheme left) -> 5
    assert r.item("customer_info").contribution == D(5)
    # level 2 (部分不完整) -> 10
    assert r.item("customer_archive").contribution == D(10)
    # 1 - 0.78 = 0.22 = 22 steps -> 20 - 22 = -2, 扣完为止 -> 0
    assert r.item("customer_callback").contribution == D(0)
    # response 0.9 < 1 (unmet), 3-day 1.0 (met), resolution 0.95 < 1 (unmet) -> 20 - 2 x 5 = 10
    assert r.item("complaint_handling").contribution == D(10)
    # self L3 = 30 x 0.3 + supervisor L2 = 20 x 0.7 = 9 + 14 = 23 -> 23/50 x 20 = 9.2
    assert r.item("customer_centric").contribution == D("9.2")
    # 5 + 10 + 0 + 10 + 9.2 = 34.2 < 60 -> 不合格
    assert r.total == D("34.20")
    assert r.grade == "不合格"


def test_p003_missing_values(run: ScoreRun) -> None:
    r = run.result("P003")
    info = r.item("customer_info")
    # no customer_info_rate -> excluded; the other three items (60 points) are scaled x 80/60
    assert info.score is None and info.contribution is None
    assert "performance.customer_info: no data -> excluded" in r.flags
    # archive 20 x 80/60 = 26.67; callback 1.0 = target -> 20 x 80/60 = 26.67
    assert q2(r.item("customer_archive").contribution) == D("26.67")
    assert q2(r.item("customer_callback").contribution) == D("26.67")
    # no complaints this month -> missing: full -> 20 x 80/60 = 26.67
    assert r.item("complaint_handling").score == D(20)
    assert q2(r.item("complaint_handling").contribution) == D("26.67")
    # 60 x 80/60 = 80: the section keeps its full
    assert q2(r.sections[0].score) == D("80.00")
    # only the self rating: L4 = 40 (the supervisor's weight drops out) -> 40/50 x 20 = 16
    assert r.item("customer_centric").contribution == D(16)
    # 80 + 16 = 96 -> 优秀
    assert r.total == D("96.00")
    assert r.grade == "优秀"


def test_p004_boundaries(run: ScoreRun) -> None:
    r = run.result("P004")
    # 0.80 >= 0.80 -> 10
    assert r.item("customer_info").contribution == D(10)
    assert r.item("customer_archive").contribution == D(10)
    # 1 - 0.97 = 0.03 = exactly 3 steps -> 17
    assert r.item("customer_callback").contribution == D(17)
    # all three standards unmet -> 20 - 3 x 5 = 5
    assert r.item("complaint_handling").contribution == D(5)
    # self L4 = 40 x 0.3 + supervisor L5 = 50 x 0.7 = 12 + 35 = 47 -> 47/50 x 20 = 18.8
    assert r.item("customer_centric").contribution == D("18.8")
    # 10 + 10 + 17 + 5 + 18.8 = 60.8 >= 60 -> 合格
    assert r.total == D("60.80")
    assert r.grade == "合格"


def test_no_ranking_or_pay(run: ScoreRun) -> None:
    for r in run.results:
        assert r.rank is None and r.rank_label is None and r.pay is None and r.alerts == []
    assert [r.id for r in run.results] == ["P001", "P002", "P003", "P004"]


def _one_month(response_2h: object) -> dict[str, object]:
    return {
        "period": "2026-03",
        "employees": [
            {
                "id": "X",
                "values": {
                    "customer_info_rate": D("0.75"),
                    "callback_rate": 1,
                    "complaint_response_2h_rate": response_2h,
                    "complaint_resolved_3wd_rate": 1,
                    "complaint_resolution_rate": 1,
                },
                "ratings": {"customer_archive": {"supervisor": 1}},
            }
        ],
    }


def test_complaint_standards_read_separately() -> None:
    r = score(load_builtin(CODE), _one_month(D("0.99"))).result("X")
    # only the 2-hour response missed -> one standard unmet -> 20 - 5 = 15
    assert r.item("complaint_handling").contribution == D(15)
    # 0.75 is the lower edge of the 5-point tier
    assert r.item("customer_info").contribution == D(5)
    # level 1 (严重缺失) -> 0
    assert r.item("customer_archive").contribution == D(0)
    # no behaviour rating at all: the only item is excluded, the section scores 0 and is flagged
    assert r.sections[1].score == D(0)
    assert "behaviour: every item excluded, section scores 0" in r.flags
    # 5 + 0 + 20 + 15 + 0 = 40
    assert r.total == D("40.00")


def test_complaint_standards_with_float_input() -> None:
    # the same month with the value given as a float (as json.loads gives it): 20 - 5 = 15
    r = score(load_builtin(CODE), _one_month(0.99)).result("X")
    assert r.item("complaint_handling").contribution == D(15)
