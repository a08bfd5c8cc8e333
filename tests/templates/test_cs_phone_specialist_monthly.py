"""客服部电话专员工作考核表(月度) (cs-phone-specialist-monthly): schemes.md §3.1, examples A and B."""

from __future__ import annotations

import re
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pytest

from csperf.scoring import ScoreRun, score
from csperf.templates import builtin_path, load_builtin

from .helpers import run_example

CODE = "cs-phone-specialist-monthly"
SEEDS = Path("/work/shared/seeds")


@pytest.fixture(scope="module")
def run() -> ScoreRun:
    return run_example(CODE)


def one(values: dict[str, Any], ratings: dict[str, Any] | None = None) -> Any:
    """Score one employee of 2026-03 with these values and ratings."""
    emp = {"id": "X", "values": values, "ratings": ratings or {}}
    return score(load_builtin(CODE), {"period": "2026-03", "employees": [emp]}).result("X")


FULL_MARKS = {
    "customer_info_rate": D("0.95"),
    "callback_standard": 1,
    "key_customer_callback_rate": 1,
    "callback_rate": 1,
    "complaint_resolution_rate": 1,
    "complaint_response_2h_rate": 1,
    "complaint_resolved_3wd_rate": 1,
}
TOP_RATINGS = {
    "customer_archive": {"supervisor": 3},
    "service_awareness": {"supervisor": 5},
    "customer_centric": {"supervisor": 5},
}


def test_template_shape() -> None:
    t = load_builtin(CODE)
    assert (t.code, t.version, t.period) == (CODE, 2, "month")
    assert t.positions == ["电话专员"]
    assert [(s.code, s.kind, s.effective_weight, s.full) for s in t.sections] == [
        ("performance", "base", D("0.8"), D(100)),
        ("behaviour", "base", D("0.2"), D(100)),
    ]
    assert [(i.code, i.points, i.scale, i.value) for s in t.sections for i in s.items] == [
        ("customer_info", D(25), D(20), "customer_info_rate"),
        ("customer_archive", D(25), D(20), None),
        ("customer_callback", D(25), D(20), "callback_rate"),
        ("complaint_handling", D(25), D(20), "complaint_resolution_rate"),
        ("service_awareness", D(50), D(50), None),
        ("customer_centric", D(50), D(50), None),
    ]
    assert t.item("complaint_handling").missing == "zero"
    assert t.grades == [] and t.ranking is None and t.pay is None and t.alerts == []


def test_every_item_cites_its_source_and_unit() -> None:
    t = load_builtin(CODE)
    inputs = t.extensions["x-inputs"]
    for s in t.sections:
        for i in s.items:
            ext = i.extensions
            assert "x-source" in ext or "x-choice" in ext, i.code
            if i.value is not None:
                assert ext["x-unit"], i.code
    for name in (
        "callback_standard",
        "key_customer_callback_rate",
        "complaint_response_2h_rate",
        "complaint_resolved_3wd_rate",
    ):
        assert inputs[name]["unit"] in ("flag", "share")


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the source documents are not on this machine")
def test_quotes_are_verbatim() -> None:
    text = builtin_path(CODE).read_text(encoding="utf-8")
    quotes = re.findall(r'file: (\S+?), quote: "([^"]+)"', text)
    assert len(quotes) >= 12
    for file, quote in quotes:
        seed = re.sub(r"\s+", " ", (SEEDS / file).read_text(encoding="utf-8"))
        assert re.sub(r"\s+", " ", quote) in seed, quote


def test_example_a(run: ScoreRun) -> None:
    r = run.result("A")
    scores = {i.code: i.score for s in r.sections for i in s.items}
    assert scores == {
        "customer_info": D(20),  # 0.92 >= 0.90
        "customer_archive": D(10),  # self 3, supervisor 2 -> the supervisor's level 2
        "customer_callback": D(20),  # standard 1, every key customer called back
        "complaint_handling": D(15),  # 3wd 0.90 < 1: one requirement unmet
        "service_awareness": D(30),  # self 4, supervisor 3 -> 3
        "customer_centric": D(40),  # supervisor 4
    }
    assert r.item("customer_info").contribution == D(25)  # 25 x 20/20
    assert r.item("complaint_handling").contribution == D("18.75")  # 25 x 15/20
    # 25 x (20 + 10 + 20 + 15) / 20 = 81.25; behaviour 30 + 40 = 70
    assert [s.score for s in r.sections] == [D("81.25"), D(70)]
    assert r.total == D("79.00")  # 0.8 x 81.25 + 0.2 x 70 = 65 + 14
    assert r.grade is None and r.pay is None and r.rank is None
    assert r.alerts == [] and r.flags == []


def test_example_b(run: ScoreRun) -> None:
    r = run.result("B")
    scores = {i.code: i.score for s in r.sections for i in s.items}
    assert scores == {
        "customer_info": D(5),  # 0.78 in [0.75, 0.80)
        "customer_archive": D(20),  # supervisor 3
        "customer_callback": D(5),  # no standard, 0.85 in [0.80, 0.90)
        "complaint_handling": D(0),  # 2-hour response rate missing -> 0 (missing: zero)
        "service_awareness": D(20),  # self 2 only
        "customer_centric": D(30),  # supervisor 3
    }
    assert [s.score for s in r.sections] == [D("37.5"), D(50)]
    assert r.total == D("40.00")  # 0.8 x 37.5 + 0.2 x 50 = 30 + 10
    assert r.grade is None and r.pay is None


def test_full_marks() -> None:
    r = one(FULL_MARKS, TOP_RATINGS)
    assert [s.score for s in r.sections] == [D(100), D(100)]
    assert r.total == D("100.00")


@pytest.mark.parametrize(
    ("rate", "expected"),
    [
        (D("0.90"), D(20)),  # 达到90%以上: 0.90 included
        (D("0.8999"), D(10)),
        (D("0.80"), D(10)),  # 达到80%以上: 0.80 included
        (D("0.7999"), D(5)),  # the 75%–80% gap: our 5
        (D("0.75"), D(5)),  # 低于75% excludes 0.75
        (D("0.7499"), D(0)),
    ],
)
def test_customer_info_boundaries(rate: D, expected: D) -> None:
    r = one({**FULL_MARKS, "customer_info_rate": rate}, TOP_RATINGS)
    assert r.item("customer_info").score == expected


@pytest.mark.parametrize(
    ("standard", "key_rate", "rate", "expected"),
    [
        (1, 1, D("0.50"), D(20)),  # 目标值要求 met whatever the rate
        (1, D("0.99"), D("0.90"), D(10)),  # a key customer missed; 回访率达到90%以上 (included)
        (0, 1, D("0.8999"), D(5)),  # no standard, 0.80 <= rate < 0.90
        (0, 1, D("0.80"), D(5)),  # 低于80% excludes 0.80
        (0, 1, D("0.7999"), D(0)),  # 无标准, 且回访率低于80%
        (1, D("0.5"), D("0.70"), D(5)),  # a standard exists but the rate is below 80%
    ],
)
def test_callback_cases(standard: int, key_rate: Any, rate: D, expected: D) -> None:
    values = {
        **FULL_MARKS,
        "callback_standard": standard,
        "key_customer_callback_rate": key_rate,
        "callback_rate": rate,
    }
    assert one(values, TOP_RATINGS).item("customer_callback").score == expected


@pytest.mark.parametrize(
    ("resolution", "response_2h", "resolved_3wd", "expected"),
    [
        (1, 1, 1, D(20)),  # also a month without complaints (supplied as 1, 1, 1)
        (1, D("0.99"), 1, D(15)),
        (D("0.95"), D("0.9"), 1, D(10)),
        (D("0.6"), D("0.5"), D("0.5"), D(5)),  # all three unmet
    ],
)
def test_complaint_requirements(
    resolution: Any, response_2h: Any, resolved_3wd: Any, expected: D
) -> None:
    values = {
        **FULL_MARKS,
        "complaint_resolution_rate": resolution,
        "complaint_response_2h_rate": response_2h,
        "complaint_resolved_3wd_rate": resolved_3wd,
    }
    assert one(values, TOP_RATINGS).item("complaint_handling").score == expected


def test_complaint_without_any_rate_is_zero_not_full() -> None:
    values = {k: v for k, v in FULL_MARKS.items() if not k.startswith("complaint_")}
    r = one(values, TOP_RATINGS)
    assert r.item("complaint_handling").score == D(0)
    # 业绩 25 x (20 + 20 + 20 + 0) / 20 = 75 -> 0.8 x 75 + 0.2 x 100 = 60 + 20
    assert r.total == D("80.00")


def test_self_rating_counts_only_without_a_supervisor_rating() -> None:
    ratings = {
        "customer_archive": {"self": 3},
        "service_awareness": {"self": 5, "supervisor": 1},
        "customer_centric": {"self": 1, "supervisor": 5},
    }
    r = one(FULL_MARKS, ratings)
    assert r.item("customer_archive").score == D(20)  # self only
    assert r.item("service_awareness").score == D(10)  # the supervisor's 1 decides
    assert r.item("customer_centric").score == D(50)
    # behaviour (10 + 50) = 60 -> 0.8 x 100 + 0.2 x 60 = 92
    assert r.total == D("92.00")
