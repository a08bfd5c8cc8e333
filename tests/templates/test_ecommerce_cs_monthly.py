"""电商客服月度绩效考核表 (ecommerce-cs-monthly v2, schemes.md §3.16): the catalogue's examples."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

import pytest

from csperf.scoring import ScoreRun, score
from csperf.templates import load_builtin

from .helpers import contributions, run_example

CODE = "ecommerce-cs-monthly"

# Example A's values (schemes.md §3.16); tests change one value at a time.
A_VALUES: dict[str, Any] = {
    "inquiry_conversion_rate": D("0.68"),
    "payment_rate": D("0.93"),
    "aov_ratio": D("1.10"),
    "reply_rate": D("0.99"),
    "avg_response_s": 32,
    "attendance_events": {"late_count": 1, "early_count": 0, "leave_days": 0},
    "experiences_cumulative": 11,
    "experiences_cumulative_prev": 8,
    "refund_rate": D("0.03"),
    "full_attendance": 0,
    "sales_commission": 320,
}
A_RATINGS = {"task": {"supervisor": 9}, "attitude": {"supervisor": 5}}


def example_a(**changes: Any) -> dict[str, Any]:
    values = {**A_VALUES, **changes}
    return {
        "id": "X",
        "values": {k: v for k, v in values.items() if v is not None},
        "ratings": A_RATINGS,
    }


def run_of(*employees: dict[str, Any], period: str = "2026-03") -> ScoreRun:
    return score(load_builtin(CODE), {"period": period, "employees": list(employees)})


def single(**changes: Any):
    return run_of(example_a(**changes)).result("X")


@pytest.fixture(scope="module")
def run() -> ScoreRun:
    return run_example(CODE)


def test_template_shape() -> None:
    t = load_builtin(CODE)
    assert (t.code, t.version, t.period, t.period_start_day) == (CODE, 2, "month", 1)
    assert t.name == "电商客服月度绩效考核表"
    assert t.positions == ["电商客服"]
    assert [(s.code, s.kind, s.effective_weight, s.full) for s in t.sections] == [
        ("kpi", "base", D(1), D(75)),
        ("conduct", "base", D(1), D(25)),
        ("experience", "bonus", D(1), D(1)),
        ("reference", "base", D(0), D(1)),
    ]
    assert [(i.code, i.value, i.points) for _, i in t.items] == [
        ("inquiry_conversion", "inquiry_conversion_rate", D(35)),
        ("payment", "payment_rate", D(20)),
        ("aov", "aov_ratio", D(10)),
        ("reply", "reply_rate", D(5)),
        ("response", "avg_response_s", D(5)),
        ("task", None, D(10)),
        ("attitude", None, D(5)),
        ("attendance", "attendance_events", D(10)),
        ("experience_bonus", "experiences_cumulative", D(1)),
        ("refund", "refund_rate", D(1)),
    ]
    assert (t.total.min, t.total.max) == (D(0), D(100))
    assert not t.grades
    assert t.ranking is not None and t.ranking.group == "all"
    assert (t.ranking.top.count, t.ranking.top.label) == (1, "本月第一")
    assert (t.ranking.bottom.count, t.ranking.bottom.label) == (1, "本月倒数第一")
    assert t.pay is not None and (t.pay.base, t.pay.mode) == (D(750), "proportional")
    assert [c.name for c in t.pay.components] == [
        "底薪",
        "岗位工资",
        "津贴",
        "全勤奖",
        "销售额提成",
        "奖金",
    ]
    assert [(a.message, a.consecutive) for a in t.alerts] == [
        ("连续两次分数低于35分，淘汰", 2),
        ("连续三次分数倒数第一，淘汰", 3),
        ("连续三次分数名列第一，额外奖金", 3),
    ]


def test_example_a(run: ScoreRun) -> None:
    assert contributions(run, "A") == {
        "inquiry_conversion": D(28),  # 0.68 in [0.65, 0.75) -> 80% x 35
        "payment": D(20),  # 0.93 >= 0.92
        "aov": D(8),  # 1.10 in [1.08, 1.12) -> 80% x 10
        "reply": D(5),  # 0.99 >= 0.99
        "response": D(4),  # 32 s in (30, 45] -> 80% x 5
        "task": D(9),
        "attitude": D(5),
        "attendance": D(8),  # 10 - 1 late x 2
        "experience_bonus": D(1),  # 8 -> 11 passes 10
        "refund": D("0.03"),  # shown, weight 0
    }
    r = run.result("A")
    assert [s.score for s in r.sections] == [D(65), D(22), D(1), D("0.03")]
    assert r.total == D("88.00")
    assert (r.rank, r.rank_from_bottom, r.rank_label) == (1, 2, "本月第一")
    # rank 1 in 2026-01, 2026-02 and now
    assert r.alerts == ["连续三次分数名列第一，额外奖金"]
    # 750 x 0.88 = 660 + 800 + 200 + 200 + 0 (late -> not 全勤) + 320 commission
    assert r.pay == D("2180.00")
    assert r.flags == []
    assert r.grade is None


def test_example_b(run: ScoreRun) -> None:
    c = contributions(run, "B")
    # 0.45, 0.70, 1.00, 0.94, 60 s -> all 0
    assert [c[k] for k in ("inquiry_conversion", "payment", "aov", "reply", "response")] == [
        D(0)
    ] * 5
    assert (c["task"], c["attitude"]) == (D(5), D(3))
    assert c["attendance"] == D(2)  # 10 - (2 + 1) x 2 - 2 days x 1
    assert c["experience_bonus"] == D(0)  # no new experience
    r = run.result("B")
    assert r.total == D("10.00")
    assert (r.rank, r.rank_from_bottom, r.rank_label) == (2, 1, "本月倒数第一")
    # Feb total 30 < 35 and now 10; bottom in Jan, Feb and now
    assert r.alerts == ["连续两次分数低于35分，淘汰", "连续三次分数倒数第一，淘汰"]
    assert r.pay == D("1275.00")  # 750 x 0.10 = 75 + 800 + 200 + 200


@pytest.mark.parametrize(
    ("name", "value", "item", "contribution"),
    [
        ("inquiry_conversion_rate", "0.75", "inquiry_conversion", "35"),  # 0.75 is ≥ 0.75
        ("inquiry_conversion_rate", "0.7499", "inquiry_conversion", "28"),
        ("inquiry_conversion_rate", "0.65", "inquiry_conversion", "28"),
        ("inquiry_conversion_rate", "0.50", "inquiry_conversion", "21"),
        ("inquiry_conversion_rate", "0.4999", "inquiry_conversion", "0"),
        ("payment_rate", "0.92", "payment", "20"),
        ("payment_rate", "0.9199", "payment", "16"),
        ("payment_rate", "0.85", "payment", "16"),
        ("payment_rate", "0.72", "payment", "12"),
        ("payment_rate", "0.7199", "payment", "0"),
        ("aov_ratio", "1.12", "aov", "10"),
        ("aov_ratio", "1.08", "aov", "8"),
        ("aov_ratio", "1.06", "aov", "6"),
        ("aov_ratio", "1.0599", "aov", "0"),
        ("reply_rate", "0.9899", "reply", "4"),
        ("reply_rate", "0.97", "reply", "4"),
        ("reply_rate", "0.95", "reply", "3"),
        ("reply_rate", "0.9499", "reply", "0"),
        ("avg_response_s", "30", "response", "5"),  # T ≤ 30
        ("avg_response_s", "30.5", "response", "4"),
        ("avg_response_s", "45", "response", "4"),  # 30 < T ≤ 45
        ("avg_response_s", "55", "response", "3"),  # 45 < T ≤ 55
        ("avg_response_s", "55.5", "response", "0"),  # T > 55
    ],
)
def test_tier_boundaries(name: str, value: str, item: str, contribution: str) -> None:
    assert single(**{name: D(value)}).item(item).contribution == D(contribution)


def test_attendance_floor_and_no_record() -> None:
    # 10 - 3 x 2 - 2 x 2 - 1 = -1 -> 0 (扣完为止)
    r = single(attendance_events={"late_count": 3, "early_count": 2, "leave_days": 1})
    assert r.item("attendance").contribution == D(0)
    assert single(attendance_events=None).item("attendance").contribution == D(10)


def test_experience_bonus_running_total() -> None:
    # 9 -> 21 passes 10, 15 and 20: +3, no cap
    assert single(experiences_cumulative=21, experiences_cumulative_prev=9).item(
        "experience_bonus"
    ).contribution == D(3)
    # 10 -> 14: no multiple of 5 passed
    assert single(experiences_cumulative=14, experiences_cumulative_prev=10).item(
        "experience_bonus"
    ).contribution == D(0)
    # exactly 15 reaches a multiple: 14 -> 15 is +1
    assert single(experiences_cumulative=15, experiences_cumulative_prev=14).item(
        "experience_bonus"
    ).contribution == D(1)


def test_experience_bonus_previous_total_from_history() -> None:
    # no experiences_cumulative_prev: the previous period's experiences_cumulative (G10)
    emp = example_a(experiences_cumulative_prev=None)
    emp["history"] = [{"period": "2026-02", "total": 80, "values": {"experiences_cumulative": 8}}]
    assert run_of(emp).result("X").item("experience_bonus").contribution == D(1)
    # neither: the running total counts from 0 -> floor(11 / 5) = 2
    assert single(experiences_cumulative_prev=None).item("experience_bonus").contribution == D(2)


def test_total_capped_at_100() -> None:
    r = single(
        inquiry_conversion_rate=D("0.80"),
        payment_rate=D("0.95"),
        aov_ratio=D("1.20"),
        avg_response_s=20,
        attendance_events={},
        experiences_cumulative=13,
        experiences_cumulative_prev=4,  # +2
    )
    assert sum(s.score for s in r.sections if s.code != "reference") == D(101)  # 75 + 24 + 2
    assert r.total == D("100.00")
    assert r.pay == D("2270.00")  # 750 + 1200 + 320 (full_attendance still 0 here)


def test_full_attendance_and_bonus_amount() -> None:
    r = single(attendance_events={}, full_attendance=1, bonus_amount=100)
    assert r.total == D("90.00")  # example A without the lateness: 88 + 2
    assert r.pay == D("2345.00")  # 675 + 1200 + 50 + 320 + 100


def test_refund_shown_not_scored() -> None:
    r = single(refund_rate=D("0.40"))
    assert r.item("refund").contribution == D("0.40")
    assert r.total == D("88.00")
    r = single(refund_rate=None)  # missing: zero, no flag
    assert r.item("refund").contribution == D(0)
    assert r.flags == []


def test_a_share_above_one_is_not_scored() -> None:
    r = single(inquiry_conversion_rate=D("1.2"))
    assert r.item("inquiry_conversion").contribution is None
    assert any("inquiry_conversion_rate" in f for f in r.flags)


def test_alert_streaks_need_contiguous_history() -> None:
    emp = example_a()
    emp["history"] = [
        {"period": "2026-01", "total": 90, "rank": 1, "rank_from_bottom": 2},
        {"period": "2025-12", "total": 90, "rank": 1, "rank_from_bottom": 2},
    ]  # no 2026-02: the streak is broken
    assert run_of(emp).result("X").alerts == []
    low = example_a(
        inquiry_conversion_rate=D("0.10"),
        payment_rate=D("0.10"),
        aov_ratio=1,
        reply_rate=0,
        avg_response_s=99,
    )
    low["history"] = [{"period": "2026-02", "total": 35}]  # 35 is not below 35
    r = run_of(low).result("X")
    assert r.total == D("23.00")  # 0 + 22 + 1 (experience, as in example A)
    assert r.alerts == []
