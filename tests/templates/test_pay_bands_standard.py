"""客服专员月度考核表(绩效工资档位) (pay-bands-standard): the example input, by hand.

Pay = pay_base x band factor (floored at 0.75) x days_worked / period_days, rounded once.
"""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from csperf.scoring import InputError, ScoreRun, load_template, score
from csperf.templates import builtin_path, load_builtin

from .helpers import contributions, example_input, run_example

CODE = "pay-bands-standard"


@pytest.fixture(scope="module")
def run() -> ScoreRun:
    return run_example(CODE)


def test_template_shape() -> None:
    t = load_builtin(CODE)
    assert t.positions == ["基层客服"]
    assert t.pay is not None
    assert [b.factor for b in t.pay.bands] == [
        D("1.00"),
        D("0.95"),
        D("0.90"),
        D("0.80"),
        D("0.70"),
    ]
    assert t.pay.min_factor == D("0.75") and t.pay.prorate


def test_full_marks_full_pay(run: ScoreRun) -> None:
    # H01 宋佳
    assert contributions(run, "H01") == {
        "quality": D(40),  # 96 >= 95
        "csat": D(20),  # 0.93 >= 0.90
        "fcr": D(20),  # 0.88 >= 0.85
        "discipline": D(10),  # no lateness
        "teamwork": D(10),  # 10 x 0.2 + 10 x 0.8
    }
    r = run.result("H01")
    assert r.total == D("100.00")
    assert r.pay == D("3000.00")  # 3000 x 1.00 x 22/22


def test_exactly_95(run: ScoreRun) -> None:
    # H02 唐宁
    assert contributions(run, "H02") == {
        "quality": D(40),  # 95 = target
        "csat": D(20),  # 0.90 = target
        "fcr": D(20),  # 0.85 >= 0.85
        "discipline": D(6),  # 10 - 2 x 2
        "teamwork": D(9),  # 9 x 0.2 + 9 x 0.8
    }
    r = run.result("H02")
    assert r.total == D("95.00")
    assert r.pay == D("2660.00")  # 2800 x 0.95


def test_just_below_95_falls_to_90_percent(run: ScoreRun) -> None:
    # H03 邓超: 94.995 is 0.005 short of 95 -> 0.005 x 2 = 0.01 -> 39.99
    assert contributions(run, "H03") == {
        "quality": D("39.99"),
        "csat": D(20),
        "fcr": D(20),
        "discipline": D(10),
        "teamwork": D(5),
    }
    r = run.result("H03")
    assert r.total == D("94.99")
    assert r.pay == D("2520.00")  # 2800 x 0.90


def test_floor_of_75_percent(run: ScoreRun) -> None:
    # H04 曹阳
    assert contributions(run, "H04") == {
        "quality": D(10),  # 80: 15 points short x 2 = 30 -> 10
        "csat": D(10),  # 0.80: 10 steps -> 10
        "fcr": D(10),  # 0.78 >= 0.75
        "discipline": D(4),  # 10 - 3 x 2
        "teamwork": D(6),  # no self rating: supervisor alone
    }
    r = run.result("H04")
    assert r.total == D("40.00")
    assert r.pay == D("1950.00")  # band 0.70, floored to 0.75: 2600 x 0.75


def test_leaving_mid_month_is_prorated(run: ScoreRun) -> None:
    # H05 魏来: worked 13 of 22 days
    assert contributions(run, "H05") == {
        "quality": D(30),  # 90: 5 short x 2
        "csat": D(18),  # 0.88: 2 steps x 1
        "fcr": D(15),  # 0.82 >= 0.80
        "discipline": D(10),
        "teamwork": D("7.2"),  # 8 x 0.2 + 7 x 0.8 = 1.6 + 5.6
    }
    r = run.result("H05")
    assert r.total == D("80.20")
    # 3000 x 0.80 x 13 / 22 = 1418.1818… -> 1418.18
    assert r.pay == D("1418.18")


def test_calendar_days_without_period_days(run: ScoreRun) -> None:
    # H06 蒋雯: 25 + 15 + 15 + 10 + 10 = 75 exactly -> 80%; no period_days -> March has 31 days
    assert contributions(run, "H06") == {
        "quality": D(25),  # 87.5: 7.5 short x 2 = 15
        "csat": D(15),  # 0.85: 5 steps
        "fcr": D(15),  # 0.80
        "discipline": D(10),
        "teamwork": D(10),
    }
    r = run.result("H06")
    assert r.total == D("75.00")
    # 2500 x 0.80 x 20 / 31 = 1290.3225… -> 1290.32
    assert r.pay == D("1290.32")


def test_without_the_floor_the_70_percent_band_applies() -> None:
    # A non-基层 copy of the card (no min_factor): H04's 40 points pay 70%.
    text = builtin_path(CODE).read_text(encoding="utf-8")
    assert "  min_factor: 0.75" in text
    t = load_template(text.replace("  min_factor: 0.75", ""), source="copy.yaml")
    r = score(t, example_input(CODE)).result("H04")
    assert r.pay == D("1820.00")  # 2600 x 0.70


def test_prorating_needs_days_worked() -> None:
    data = example_input(CODE)
    data.employees[2].days_worked = None
    with pytest.raises(InputError, match=r"employees\[2\]\.days_worked"):
        score(load_builtin(CODE), data)
