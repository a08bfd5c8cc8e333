"""话务员计件考核表 (telecom-operator-piecework): the example, worked out by hand."""

from __future__ import annotations

from decimal import Decimal

import pytest

from csperf.scoring import InputError, ScoreRun, score
from csperf.templates import load_builtin

from .helpers import run_example

CODE = "telecom-operator-piecework"
D = Decimal


@pytest.fixture(scope="module")
def run() -> ScoreRun:
    return run_example(CODE)


def test_template_metadata() -> None:
    t = load_builtin(CODE)
    assert t.positions == ["话务员"]
    assert t.pay is not None and t.pay.prorate
    rates = {c.name: c.rate for c in t.pay.components}
    # the scheme's own money figures
    assert rates["专席计件"] == D("0.2")
    occupancy = next(c for c in t.pay.components if c.name == "工时利用率不足扣款")
    assert (occupancy.value, occupancy.amount, occupancy.when.lt) == (
        "occupancy",
        D(-100),
        D("0.70"),
    )
    assert rates["迟到早退扣款(5分钟内)"] == D(-1)
    assert rates["迟到早退扣款(5分钟以上)"] == D(-2)
    assert rates["有效投诉扣款"] == D(-100)
    assert rates["一般投诉扣款"] == D(-50)
    assert rates["工作差错扣款"] == D(-5)
    assert rates["服务差错扣款"] == D(-10)


def test_h001_both_on_the_boundary(run: ScoreRun) -> None:
    r = run.result("H001")
    # rating rate 0.35 = 0.35 -> 50; AHT 130 = 130 (lower is better) -> 50
    assert r.item("rating_rate").contribution == D(50)
    assert r.item("aht").contribution == D(50)
    assert r.total == D("100.00")
    assert r.grade == "达标"
    # 2000 x 1.0 x 22/22 = 2000
    # + 1800 calls x 0.40 = 720 + 12 sales x 5 = 60 + 300 special-desk calls x 0.2 = 60
    # - 3 minutes late (within 5) x 1 = 3 - 1 work error x 5 = 5
    # = 2000 + 720 + 60 + 60 - 3 - 5 = 2832
    assert r.pay == D("2832.00")


def test_h002_every_fine_and_proration(run: ScoreRun) -> None:
    r = run.result("H002")
    # 0.35 - 0.318 = 0.032 = 3.2 steps, ceil -> 4 x 5 = 20 -> 30
    assert r.item("rating_rate").contribution == D(30)
    # 142 - 130 = 12 s = 2.4 steps, ceil -> 3 x 5 = 15 -> 35
    assert r.item("aht").contribution == D(35)
    # 30 + 35 = 65 -> 未达标, band >= 60 -> factor 0.80
    assert r.total == D("65.00")
    assert r.grade == "未达标"
    # 2000 x 0.80 x 20/22 = 1454.5454...
    # + 1500 x 0.40 = 600 + 3 x 5 = 15
    # - occupancy below 70% 100 - 4 min x 1 = 4 - 12 min x 2 = 24
    # - 1 valid complaint 100 - 1 general complaint 50 - 2 service errors x 10 = 20
    # components: 600 + 15 - 100 - 4 - 24 - 100 - 50 - 20 = 317
    # 1454.5454... + 317 = 1771.5454... -> 1771.55
    assert r.pay == D("1771.55")


def test_h003_one_second_over(run: ScoreRun) -> None:
    r = run.result("H003")
    # 0.40 >= 0.35 -> 50 (no bonus beyond the target)
    assert r.item("rating_rate").contribution == D(50)
    # 131 - 130 = 1 s = 0.2 step, ceil -> 1 step x 5 -> 45
    assert r.item("aht").contribution == D(45)
    # 95 -> 基本达标, band >= 90 -> 0.95
    assert r.total == D("95.00")
    assert r.grade == "基本达标"
    # 2200 x 0.95 = 2090 + 2100 x 0.40 = 840 + 20 x 5 = 100 + 450 x 0.2 = 90
    # (no fine values given: a missing component adds 0) = 3120
    assert r.pay == D("3120.00")


def test_h004_missing_rating_rate(run: ScoreRun) -> None:
    r = run.result("H004")
    # no rating rate -> excluded and flagged; AHT carries the section (x 100/50)
    assert r.item("rating_rate").contribution is None
    assert r.flags == ["quality.rating_rate: no data -> excluded"]
    # 160 - 130 = 30 s = 6 steps x 5 = 30 -> 20 -> x 100/50 = 40
    assert r.item("aht").score == D(20)
    assert r.item("aht").contribution == D(40)
    assert r.total == D("40.00")
    assert r.grade == "未达标"
    # band: below 60 -> 0.70: 2000 x 0.70 = 1400 + 900 x 0.40 = 360
    # - occupancy 100 - 2 valid complaints x 100 = 200 - 3 service errors x 10 = 30
    # = 1400 + 360 - 100 - 200 - 30 = 1430
    assert r.pay == D("1430.00")


def test_proration_needs_days_worked() -> None:
    data = {
        "period": "2026-03",
        "employees": [{"id": "X", "values": {"rating_rate": 0.4, "aht": 100}, "pay_base": 2000}],
    }
    with pytest.raises(InputError) as exc:
        score(load_builtin(CODE), data, source="in.json")
    assert "employees[0].days_worked" in str(exc.value)


def test_calendar_days_without_period_days() -> None:
    # without period_days the calendar days of 2026-03 (31) are used: 2000 x 1.0 x 31/31 = 2000
    data = {
        "period": "2026-03",
        "employees": [
            {
                "id": "X",
                "values": {"rating_rate": D("0.4"), "aht": 100, "calls_handled": 10},
                "pay_base": 2000,
                "days_worked": 31,
            }
        ],
    }
    # + 10 x 0.40 = 4 -> 2004
    assert score(load_builtin(CODE), data).result("X").pay == D("2004.00")
