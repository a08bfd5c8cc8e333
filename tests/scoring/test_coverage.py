"""Data coverage: the share of the record-fed base weight whose value came from the records.

Numbers worked by hand: an item's weight is its points × its section's weight; hand-rated items
and bonus/deduction sections are not in the denominator; a value the missing policy filled
(``zero``, ``full``) is still uncovered.
"""

from __future__ import annotations

from decimal import Decimal

from csperf.kernel.decimals import jsonable
from csperf.scoring.coverage import coverage, uncovered, uncovered_items
from tests.scoring.helpers import run, template

D = Decimal


def linear(points: int) -> dict:
    return {"type": "linear", "points": [[0, 0], [100, points]]}


def result(t, **employee) -> dict:
    return jsonable(run(t, employee).results[0].to_dict())


# 客户经理-like: ten indicators fed by the records (100 points) and a hand-rated item (20).
INDICATORS = [
    ("answer", "接通率", 15),
    ("csat", "满意度", 15),
    ("fcr", "一次解决率", 10),
    ("aht", "平均处理时长", 10),
    ("acw", "话后处理", 10),
    ("qc", "质检成绩", 10),
    ("callback", "回访完成率", 10),
    ("tickets", "工单及时率", 10),
    ("attendance", "出勤", 5),
    ("training", "培训", 5),
]


def account_manager():
    items = [
        {"code": code, "name": name, "value": code, "points": points, "rule": linear(points)}
        for code, name, points in INDICATORS
    ]
    items.append(
        {
            "code": "attitude",
            "name": "服务态度",
            "points": 20,
            "raters": {"supervisor": 1},
            "rule": {"type": "manual", "min": 0, "max": 20},
        }
    )
    return template([{"code": "kpi", "name": "业绩", "items": items}])


def test_two_of_ten_indicators_with_data_is_30_percent_of_their_weight():
    t = account_manager()
    res = result(t, values={"answer": 90, "csat": 95}, ratings={"attitude": {"supervisor": 18}})
    # (15 + 15) / 100: the rated 服务态度 (20) is not in the denominator, rated or not.
    assert coverage(t, res) == D("0.3")
    assert uncovered_items(t, res) == [name for _c, name, _p in INDICATORS[2:]]


def test_no_data_at_all_is_zero_and_every_indicator_is_uncovered():
    t = account_manager()
    res = result(t, values={})
    assert coverage(t, res) == 0
    assert [i.code for i in uncovered(t, res)] == [code for code, _n, _p in INDICATORS]


def test_every_indicator_fed_is_full_coverage():
    t = account_manager()
    res = result(t, values={code: 50 for code, _n, _p in INDICATORS})
    assert coverage(t, res) == 1
    assert uncovered_items(t, res) == []


def test_section_weights_and_missing_policies():
    t = template(
        [
            {
                "code": "a",
                "weight": 0.6,
                "items": [
                    {
                        "code": "a1",
                        "name": "接通率",
                        "value": "v1",
                        "points": 30,
                        "rule": linear(30),
                    },
                    {
                        "code": "a2",
                        "name": "满意度",
                        "value": "v2",
                        "points": 20,
                        "rule": linear(20),
                        "missing": "zero",
                    },
                    {
                        "code": "a3",
                        "name": "一次解决率",
                        "value": "v3",
                        "points": 50,
                        "rule": linear(50),
                        "missing": "full",
                    },
                ],
            },
            {
                "code": "b",
                "weight": 0.4,
                "items": [
                    {
                        "code": "b1",
                        "name": "工单量",
                        "value": "v4",
                        "points": 40,
                        "rule": linear(40),
                    },
                    {
                        "code": "b2",
                        "name": "态度",
                        "points": 60,
                        "rule": {"type": "manual", "min": 0, "max": 60},
                    },
                ],
            },
            {
                "code": "c",
                "kind": "bonus",
                "max": 5,
                "items": [{"code": "c1", "value": "v5", "points": 5, "rule": linear(5)}],
            },
        ]
    )
    res = result(
        t,
        values={"v1": 80, "v4": 50},
        missing={"v2": "月度数值与目标(values): v2", "v3": "记录: 一次解决率"},
    )
    # Denominator: (30 + 20 + 50) × 0.6 + 40 × 0.4 = 60 + 16 = 76 (b2 rated, c a bonus).
    # Fed: 30 × 0.6 + 40 × 0.4 = 18 + 16 = 34. The zero- and full-filled items count as no data.
    assert coverage(t, res) == D(34) / D(76)
    assert uncovered_items(t, res) == ["满意度", "一次解决率"]


def test_a_card_of_rated_items_only_is_fully_covered():
    t = template(
        [
            {
                "code": "s",
                "items": [
                    {
                        "code": "r",
                        "points": 10,
                        "raters": {"supervisor": 1},
                        "rule": {"type": "manual", "min": 0, "max": 10},
                    }
                ],
            }
        ]
    )
    assert coverage(t, result(t)) == 1
