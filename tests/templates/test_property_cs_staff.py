"""物业客服员月绩效考核表 (property-cs-staff, schemes.md §3.18): the catalogue's examples, by hand."""

from __future__ import annotations

import os
import re
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pytest

from csperf.scoring import ScoreRun, score
from csperf.scoring.loader import parse_document
from csperf.templates import builtin_path, load_builtin

from .helpers import contributions, run_example

CODE = "property-cs-staff"
PERIOD = "2026-03"
ORDER = ["supervisor", "reviewer", "property_manager"]
DISMISS_DAYS = "旷工连续三天，立即开除"
DISMISS_TIMES = "旷工累计三次，立即开除"
UNFIT = "物业费收缴率低于90%，视为不能胜任岗位工作，由人力资源部给予调岗或开除"
SEEDS = Path(os.environ.get("CSPERF_SEEDS", "/work/shared/seeds"))
COUNT_ITEMS = ["appearance", "discipline", "attitude", "facility", "building"]

EXAMPLE_A = {
    "appearance_violations": 1,
    "discipline_violations": 0,
    "attitude_incidents": 2,
    "fee_collection_rate": D("0.965"),
    "facility_violations": 0,
    "building_violations": 1,
}
EXAMPLE_B = {
    "appearance_violations": 3,
    "discipline_violations": 2,
    "attitude_incidents": 0,
    "fee_collection_rate": D("0.88"),
    "facility_violations": 2,
    "building_violations": 0,
    "absent_consecutive_days": 1,
    "absent_times_total": 2,
}


def one(values: dict[str, Any], ratings: dict[str, Any] | None = None) -> Any:
    emp: dict[str, Any] = {"id": "X", "values": values}
    if ratings is not None:
        emp["ratings"] = ratings
    return score(load_builtin(CODE), {"period": PERIOD, "employees": [emp]}).result("X")


# -- shape and provenance ---------------------------------------------------------------------


def _raw() -> dict[str, Any]:
    return parse_document(builtin_path(CODE).read_text(encoding="utf-8")).data


def _walk(node: Any) -> Any:
    if isinstance(node, dict):
        yield node
        for v in node.values():
            yield from _walk(v)
    elif isinstance(node, list):
        for v in node:
            yield from _walk(v)


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_template_shape() -> None:
    t = load_builtin(CODE)
    assert t.code == CODE and t.version == 2 and t.period == "month"
    assert t.positions == ["物业客服员"]
    # 5 + 12 + 15 = 32 行为规范; 20 + 12 + 15 = 47 工作质量: 79, no invented 21 points.
    assert [(s.code, s.full) for s in t.sections] == [("conduct", D(32)), ("quality", D(47))]
    assert [(i.code, i.value, i.points) for _, i in t.items] == [
        ("appearance", "appearance_violations", D(5)),
        ("discipline", "discipline_violations", D(12)),
        ("attitude", "attitude_incidents", D(15)),
        ("fee_collection", "fee_collection_rate", D(20)),
        ("facility", "facility_violations", D(12)),
        ("building", "building_violations", D(15)),
    ]
    assert t.total.max is None and t.total.min == 0
    assert [(v.value, v.grade) for v in t.total.veto] == [
        ("absent_consecutive_days", "开除"),
        ("absent_times_total", "开除"),
        ("fee_collection_rate", None),
    ]
    assert not t.grades and t.ranking is None and t.pay is None and not t.alerts


def test_every_item_has_provenance_and_units() -> None:
    raw = _raw()
    items = [i for s in raw["sections"] for i in s["items"]]
    for item in items:
        assert "x-source" in item or "x-choice" in item, item["code"]
        if "value" in item:
            assert item["x-unit"], item["code"]
    units = {i["value"]: i["x-unit"] for i in items}
    assert units["fee_collection_rate"] == "share"
    assert {k: v["unit"] for k, v in raw["x-inputs"].items()} == {
        "absent_consecutive_days": "days",
        "absent_times_total": "count",
    }
    for veto in raw["total"]["veto"]:
        assert veto["value"] in units or veto["value"] in raw["x-inputs"]


@pytest.mark.skipif(not SEEDS.is_dir(), reason="seed documents not available")
def test_quotes_are_verbatim() -> None:
    quotes = [n["x-source"] for n in _walk(_raw()) if "x-source" in n]
    assert len(quotes) == 9  # six items, three vetoes
    for src in quotes:
        seed = _squash((SEEDS / src["file"]).read_text(encoding="utf-8"))
        assert len(src["quote"]) <= 120
        assert _squash(src["quote"]) in seed, src["quote"]


# -- the catalogue's worked examples ----------------------------------------------------------


@pytest.fixture(scope="module")
def run() -> ScoreRun:
    return run_example(CODE)


def test_example_a(run: ScoreRun) -> None:
    assert contributions(run, "A") == {
        "appearance": D(4),  # 1 起 x -1
        "discipline": D(12),  # 0 起
        "attitude": D(11),  # 2 起 x -2 (< 3)
        "fee_collection": D(10),  # 0.95 <= 0.965 < 0.98 -> 扣 10
        "facility": D(12),
        "building": D(12),  # 1 起 x -3
    }
    r = run.result("A")
    assert r.total == D("61.00")  # of 79
    assert r.grade is None and r.rank is None and r.pay is None
    assert r.flags == [] and r.alerts == []


def test_example_b(run: ScoreRun) -> None:
    assert contributions(run, "B") == {
        "appearance": D(0),  # 3 起以上 (3 included) -> 全扣
        "discipline": D(8),  # 2 起 x -2
        "attitude": D(15),
        "fee_collection": D(0),  # 0.88 < 0.95 -> 全扣
        "facility": D(10),  # 2 起 x -1
        "building": D(15),
    }
    r = run.result("B")
    assert r.total == D("48.00")
    # 旷工 1 day in a row, 2 times in all: no dismissal; fee < 0.90 -> 不能胜任 (total unchanged).
    assert r.grade is None
    assert r.flags == [UNFIT]
    assert r.alerts == []


def test_example_b_with_three_absences_only_the_first_veto() -> None:
    r = one({**EXAMPLE_B, "absent_times_total": 3})
    assert r.total == D("48.00")  # the 开除 veto leaves the total as it is
    assert r.grade == "开除"
    assert r.flags == [DISMISS_TIMES]  # the fee veto also holds, but only the first applies


# -- G6: the counts recorded by the three levels ------------------------------------------------


def test_raters_on_count_items() -> None:
    t = load_builtin(CODE)
    for code in COUNT_ITEMS:
        assert t.item(code).raters.order == tuple(ORDER)
    assert t.item("fee_collection").raters is None


def test_last_level_that_recorded_a_count_decides() -> None:
    ratings = {
        # 直接上级 2, 间接上级 1, 物业经理 3 -> 物业经理 3 -> 3起以上 -> 0
        "appearance": {"supervisor": 2, "reviewer": 1, "property_manager": 3},
        # 直接上级 2, 间接上级 confirms 1 (no 物业经理 entry) -> 1 -> 12 - 2 = 10
        "discipline": {"supervisor": 2, "reviewer": 1},
        # only 直接上级 recorded -> 1 -> 15 - 2 = 13
        "attitude": {"supervisor": 1},
        # 物业经理 cleared it -> 0 -> 12
        "facility": {"supervisor": 2, "property_manager": 0},
        # no ratings for building: values.building_violations = 2 -> 15 - 6 = 9
    }
    values = {**EXAMPLE_A, "building_violations": 2}
    r = one(values, ratings)
    got = {i.code: i.contribution for s in r.sections for i in s.items}
    assert got == {
        "appearance": D(0),
        "discipline": D(10),
        "attitude": D(13),
        "fee_collection": D(10),
        "facility": D(12),
        "building": D(9),
    }
    assert r.total == D("54.00")


def test_per_rater_counts_reproduce_example_a() -> None:
    # The same final counts as example A, entered level by level instead of as values.
    ratings = {
        "appearance": {"supervisor": 2, "reviewer": 1},
        "discipline": {"supervisor": 1, "reviewer": 1, "property_manager": 0},
        "attitude": {"supervisor": 2},
        "facility": {"property_manager": 0},
        "building": {"supervisor": 1, "reviewer": 1},
    }
    r = one({"fee_collection_rate": EXAMPLE_A["fee_collection_rate"]}, ratings)
    assert r.total == D("61.00")
    assert one(EXAMPLE_A).total == D("61.00")


# -- boundaries the source states -------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "name", "per", "full"),
    [
        ("appearance", "appearance_violations", 1, 5),
        ("discipline", "discipline_violations", 2, 12),
        ("attitude", "attitude_incidents", 2, 15),
        ("facility", "facility_violations", 1, 12),
        ("building", "building_violations", 3, 15),
    ],
)
def test_three_violations_or_more_zero_the_item(code: str, name: str, per: int, full: int) -> None:
    for n, expected in [(0, full), (1, full - per), (2, full - 2 * per), (3, 0), (4, 0)]:
        assert one({name: n, "fee_collection_rate": 1}).item(code).score == D(expected), (n,)


@pytest.mark.parametrize(
    ("rate", "expected"),
    [("1", 20), ("0.98", 20), ("0.9799", 10), ("0.95", 10), ("0.9499", 0), ("0.90", 0)],
)
def test_fee_collection_thresholds(rate: str, expected: int) -> None:
    r = one({"fee_collection_rate": D(rate)})
    assert r.item("fee_collection").score == D(expected)
    assert r.flags == []  # 0.90 is not 低于90%


def test_fee_collection_below_ninety_percent_is_unfit() -> None:
    r = one({"fee_collection_rate": D("0.8999")})
    assert r.total == D("59.00")  # 5 + 12 + 15 + 0 + 12 + 15
    assert r.grade is None and r.flags == [UNFIT]


def test_absence_dismissal_boundaries() -> None:
    assert (
        one({"absent_consecutive_days": 2, "absent_times_total": 2, "fee_collection_rate": 1}).flags
        == []
    )
    r = one({"absent_consecutive_days": 3, "absent_times_total": 3, "fee_collection_rate": 1})
    assert r.grade == "开除" and r.flags == [DISMISS_DAYS]  # the first veto wins
    assert r.total == D("79.00")
    r = one({"absent_consecutive_days": 1, "absent_times_total": 3, "fee_collection_rate": 1})
    assert r.grade == "开除" and r.flags == [DISMISS_TIMES]


def test_fee_rate_is_a_share_of_households() -> None:
    # 已缴户数 ÷ 交房户数 cannot exceed 1: a value above 1 is flagged and not scored.
    r = one({"fee_collection_rate": D("1.02")})
    assert r.item("fee_collection").score is None
    assert r.total == D("79.00")  # 32 + (12 + 15) x 47 / 27
    # the engine's unit message, then the exclusion of the item (wording of the latter is the engine's)
    assert r.flags[0] == "fee_collection_rate: 1.02 is outside 0–1 (share); not scored"
    assert len(r.flags) == 2 and r.flags[1].startswith("quality.fee_collection: ")
