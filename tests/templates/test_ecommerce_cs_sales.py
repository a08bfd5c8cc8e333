"""电商销售客服月度绩效考核表 (ecommerce-cs-sales, schemes.md §3.17): the catalogue's examples."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

import pytest

from csperf.scoring import InputError, ScoreRun, score
from csperf.templates import load_builtin

from .helpers import contributions, run_example

CODE = "ecommerce-cs-sales"
TARGETS = {"paid_amount": 50000, "refund_amount": 2000, "concurrent_customers": 5}

A_VALUES: dict[str, Any] = {
    "paid_amount": 48000,
    "refund_amount": 1500,
    "disputes": 0,
    "complaints_valid": 1,
    "payment_conversion_rate": D("0.70"),
    "concurrent_customers": 6,
    "avg_response_s": 28,
    "aov_ratio": D("1.07"),
    "csat_top2": D("0.96"),
    "attendance_events": {"late_count": 1},
}
A_RATINGS = {"diligence": {"supervisor": 7}, "feedback": {"supervisor": 4}}
B_VALUES: dict[str, Any] = {
    "paid_amount": 30000,
    "refund_amount": 4000,
    "disputes": 2,
    "complaints_valid": 0,
    "payment_conversion_rate": D("0.48"),
    "concurrent_customers": 4,
    "avg_response_s": 50,
    "aov_ratio": D("1.12"),
    "csat_top2": D("0.90"),
    "attendance_events": {"absent_days": 1},
}
B_RATINGS = {"diligence": {"supervisor": 5}, "feedback": {"supervisor": D("3")}}


def emp(
    emp_id: str, values: dict[str, Any], ratings: dict[str, Any], **extra: Any
) -> dict[str, Any]:
    return {
        "id": emp_id,
        "days_worked": 22,
        "values": {k: v for k, v in values.items() if v is not None},
        "targets": dict(TARGETS),
        "ratings": ratings,
        **extra,
    }


def run_of(*employees: dict[str, Any]) -> ScoreRun:
    return score(load_builtin(CODE), {"period": "2026-03", "employees": list(employees)})


def a_with(**changes: Any):
    return run_of(emp("X", {**A_VALUES, **changes}, A_RATINGS)).result("X")


def test_template_shape() -> None:
    t = load_builtin(CODE)
    assert (t.code, t.version, t.period, t.period_start_day) == (CODE, 1, "month", 1)
    assert t.name == "电商销售客服月度绩效考核表"
    assert t.positions == ["电商销售客服"]
    assert [(s.code, s.kind, s.effective_weight, s.full) for s in t.sections] == [
        ("performance", "base", D(1), D(40)),
        ("capability", "base", D(1), D(36)),
        ("attitude", "base", D(1), D(18)),
        ("overall", "base", D(1), D(6)),
    ]
    assert [(i.code, i.value, i.points) for _, i in t.items] == [
        ("paid_amount", "paid_amount", D(10)),
        ("refund_amount", "refund_amount", D(10)),
        ("disputes", "disputes", D(10)),
        ("complaints", "complaints_valid", D(10)),
        ("payment_conversion", "payment_conversion_rate", D(10)),
        ("concurrent_customers", "concurrent_customers", D(10)),
        ("response", "avg_response_s", D(8)),
        ("aov", "aov_ratio", D(8)),
        ("diligence", None, D(8)),
        ("csat", "csat_top2", D(5)),
        ("feedback", None, D(5)),
        ("attendance", "attendance_events", D(6)),
    ]
    assert not t.grades and t.ranking is None and not t.alerts
    assert t.pay is not None and (t.pay.base, t.pay.mode) == (D(0), "proportional")
    [commission] = t.pay.components
    assert (commission.name, commission.value) == ("销售额绩效提成", "monthly_sales")
    assert [
        (r.gte, r.gt, r.lte, r.rate)
        for r in commission.rate_tiers  # 0.000‰ as printed
    ] == [
        (D(1000), None, D(5000), D(0)),
        (None, D(5000), D(10000), D(0)),
        (None, D(10000), D(30000), D(0)),
        (None, D(30000), D(50000), D(0)),
        (None, D(50000), None, D(0)),
    ]
    assert t.eligibility.min_days_worked == D(1)


def test_example_a() -> None:
    run = run_of(emp("A", A_VALUES, A_RATINGS))
    assert contributions(run, "A") == {
        "paid_amount": D("9.6"),  # 48000 / 50000 x 10
        "refund_amount": D(10),  # 1500 <= 2000 allowed: 2000 / 1500 capped at 1
        "disputes": D(10),
        "complaints": D(5),  # 10 - 5
        "payment_conversion": D(8),  # 0.70 in [0.65, 0.75) -> 80% x 10
        "concurrent_customers": D(10),  # 6 / 5 capped at 1
        "response": D(8),  # 28 s <= 30
        "aov": D("4.8"),  # 1.07 in [1.06, 1.08) -> 60% x 8
        "diligence": D(7),
        "csat": D("4.8"),  # 5 x 0.96
        "feedback": D(4),
        "attendance": D(4),  # 6 - 2
    }
    r = run.result("A")
    assert [s.score for s in r.sections] == [D("34.6"), D("30.8"), D("15.8"), D(4)]
    assert r.total == D("85.20")
    assert r.flags == [] and r.grade is None and r.rank is None and r.alerts == []


def test_example_b() -> None:
    run = run_of(emp("B", B_VALUES, B_RATINGS))
    assert contributions(run, "B") == {
        "paid_amount": D(6),  # 30000 / 50000
        "refund_amount": D(5),  # 2000 / 4000
        "disputes": D(0),  # 10 - 2 x 5
        "complaints": D(10),
        "payment_conversion": D(0),  # 0.48 < 0.50
        "concurrent_customers": D(8),  # 4 / 5
        "response": D("4.8"),  # 50 s in (45, 55] -> 60% x 8
        "aov": D(8),  # 1.12 >= 1.12
        "diligence": D(5),
        "csat": D("4.5"),
        "feedback": D(3),
        "attendance": D(0),  # 旷工 1 day -> 6 - 6
    }
    r = run.result("B")
    assert [s.score for s in r.sections] == [D(21), D("20.8"), D("12.5"), D(0)]
    assert r.total == D("54.30")


def test_example_file() -> None:
    run = run_example(CODE)
    assert [(r.id, r.total, r.pay) for r in run.results] == [
        ("A", D("85.20"), D("0.00")),  # every bracket's rate is 0.000‰ as printed
        ("B", D("54.30"), D("0.00")),
    ]
    assert run.ineligible == []


def test_no_refunds_scores_full() -> None:
    assert a_with(refund_amount=0).item("refund_amount").contribution == D(10)


@pytest.mark.parametrize(
    ("name", "value", "item", "contribution"),
    [
        ("payment_conversion_rate", "0.75", "payment_conversion", "10"),
        ("payment_conversion_rate", "0.65", "payment_conversion", "8"),
        ("payment_conversion_rate", "0.50", "payment_conversion", "6"),
        ("payment_conversion_rate", "0.4999", "payment_conversion", "0"),
        ("avg_response_s", "30", "response", "8"),
        ("avg_response_s", "45", "response", "6.4"),
        ("avg_response_s", "55", "response", "4.8"),
        ("avg_response_s", "56", "response", "0"),
        ("aov_ratio", "1.08", "aov", "6.4"),
        ("aov_ratio", "1.0599", "aov", "0"),
        ("disputes", 3, "disputes", "0"),  # 10 - 15 -> 0 (扣完为止)
        ("complaints_valid", 2, "complaints", "0"),
        ("paid_amount", 60000, "paid_amount", "10"),  # over target: capped
        ("csat_top2", "1", "csat", "5"),
    ],
)
def test_rules(name: str, value: Any, item: str, contribution: str) -> None:
    v = D(value) if isinstance(value, str) else value
    assert a_with(**{name: v}).item(item).contribution == D(contribution)


def test_attendance_floor() -> None:
    r = a_with(attendance_events={"late_count": 2, "early_count": 2})
    assert r.item("attendance").contribution == D(0)  # 6 - 8 -> 0
    assert a_with(attendance_events=None).item("attendance").contribution == D(6)


def test_nobody_at_work_all_month_is_not_assessed() -> None:
    # 考核期内未到岗累计超过1个月 -> no card this month (G9, days at work, not on the roster)
    run = run_of(emp("A", A_VALUES, A_RATINGS), emp("Z", B_VALUES, B_RATINGS, days_worked=0))
    assert [r.id for r in run.results] == ["A"]
    assert [x.id for x in run.ineligible] == ["Z"]
    # one day at work is enough
    run = run_of(emp("Z", B_VALUES, B_RATINGS, days_worked=1))
    assert run.result("Z").total == D("54.30")


def test_missing_assigned_target_is_an_input_error() -> None:
    e = emp("X", A_VALUES, A_RATINGS)
    del e["targets"]["paid_amount"]
    with pytest.raises(InputError, match=r"targets\.paid_amount"):
        run_of(e)
