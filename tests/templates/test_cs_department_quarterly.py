"""客服部门绩效考核表 (cs-department-quarterly, schemes.md §3.19): the catalogue's examples, by hand.

总分 = (部门职责 x 0.3 + 部门计划 x 0.3 + 客户评价 x 0.2) x 重关指标值 (重关指标得分 / 100).
"""

from __future__ import annotations

import os
import re
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pytest

from csperf.scoring import InputError, ScoreRun, score
from csperf.scoring.loader import parse_document
from csperf.templates import builtin_path, load_builtin

from .helpers import contributions, run_example

CODE = "cs-department-quarterly"
PERIOD = "2026-Q4"
SEEDS = Path(os.environ.get("CSPERF_SEEDS", "/work/shared/seeds"))
DUTIES = [
    ("tech_support", 10),
    ("installation", 5),
    ("critical_complaints", 10),
    ("urgent_complaints", 10),
    ("general_complaints", 5),
    ("quality_feedback", 20),
    ("customer_training", 20),
    ("archive_standard", 10),
    ("archive_update", 10),
]


def one(ratings: dict[str, Any], values: dict[str, Any] | None = None) -> Any:
    emp = {"id": "X", "values": values or {}, "ratings": ratings}
    return score(load_builtin(CODE), {"period": PERIOD, "employees": [emp]}).result("X")


def all_duties(by: dict[str, int]) -> dict[str, dict[str, int]]:
    return {code: dict(by) for code, _ in DUTIES}


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
    assert t.code == CODE and t.version == 2 and t.period == "quarter"
    assert t.positions == ["客服部门"]
    assert [(s.code, s.kind, s.weight, s.full) for s in t.sections] == [
        ("duties", "base", D("0.3"), D(100)),
        ("plan", "base", D("0.3"), D(100)),
        ("customer", "base", D("0.2"), D(100)),
        ("key", "multiplier", None, D(100)),
    ]
    assert [(i.code, i.points) for i in t.sections[0].items] == [(c, D(p)) for c, p in DUTIES]
    for _, item in t.items:
        assert item.scale == D(100), item.code  # every score is 百分制
    for code, _ in [*DUTIES, ("work_plan", 100)]:
        assert t.item(code).raters.order == ("self", "supervisor")
    key = t.item("key_indicators")
    assert key.missing == "full" and key.raters.weights == (("supervisor", D(1)),)
    assert t.item("csat_survey").value == "dept_csat_score"
    assert t.total.min == 0 and t.total.max == 80
    assert not t.grades and t.ranking is None and t.pay is None and not t.alerts


def test_every_item_has_provenance_and_units() -> None:
    raw = _raw()
    for section in raw["sections"]:
        for item in section["items"]:
            assert "x-source" in item or "x-choice" in item, item["code"]
            if "value" in item:
                assert item["x-unit"] == "score" and item["x-range"] == [0, 100]


@pytest.mark.skipif(not SEEDS.is_dir(), reason="seed documents not available")
def test_quotes_are_verbatim() -> None:
    quotes = [n["x-source"] for n in _walk(_raw()) if "x-source" in n]
    assert len(quotes) == 15  # 12 items, 3 base sections
    for src in quotes:
        seed = _squash((SEEDS / src["file"]).read_text(encoding="utf-8"))
        assert len(src["quote"]) <= 120
        assert _squash(src["quote"]) in seed, src["quote"]


# -- the catalogue's worked examples ----------------------------------------------------------


@pytest.fixture(scope="module")
def run() -> ScoreRun:
    return run_example(CODE)


def test_example_a_the_sources_own_figures(run: ScoreRun) -> None:
    # 自评 部门职责 100 / 部门计划 96 / 客户评价 100, no 审核 and no 重关 rating.
    r = run.result("A")
    assert [(s.code, s.score) for s in r.sections] == [
        ("duties", D(100)),
        ("plan", D(96)),
        ("customer", D(100)),
        ("key", D(100)),  # no rating -> missing: full -> factor 1
    ]
    # (100 x 0.3 + 96 x 0.3 + 100 x 0.2) x 1 = 30 + 28.8 + 20
    assert r.total == D("78.80")
    assert r.grade is None and r.rank is None and r.pay is None and r.alerts == []
    assert r.flags == []


def test_example_b(run: ScoreRun) -> None:
    c = contributions(run, "B")
    assert c == {
        "tech_support": D(9),  # 90 x 10%
        "installation": D(5),
        "critical_complaints": D(6),
        "urgent_complaints": D(8),
        "general_complaints": D(5),
        "quality_feedback": D(20),
        "customer_training": D(14),
        "archive_standard": D(10),
        "archive_update": D(5),
        "work_plan": D(90),  # self 95, 审核 90: the 审核 score decides
        "csat_survey": D(85),
        "key_indicators": D(90),
    }
    r = run.result("B")
    assert [s.score for s in r.sections] == [D(82), D(90), D(85), D(90)]
    # (82 x 0.3 + 90 x 0.3 + 85 x 0.2) x 90 / 100 = (24.6 + 27 + 17) x 0.9 = 61.74
    assert r.total == D("61.74")
    assert r.flags == []


# -- raters and bounds ------------------------------------------------------------------------


def test_review_score_replaces_self_score_even_when_lower() -> None:
    ratings = {**all_duties({"self": 100, "supervisor": 0}), "work_plan": {"self": 100}}
    r = one(ratings, {"dept_csat_score": 100})
    assert r.sections[0].score == D(0)  # 审核 0 decides, not 自评 100
    assert r.sections[1].score == D(100)  # only 自评: it stands
    assert r.total == D("50.00")  # (0 + 30 + 20) x 1


def test_full_marks_are_eighty() -> None:
    ratings = {
        **all_duties({"supervisor": 100}),
        "work_plan": {"supervisor": 100},
        "key_indicators": {"supervisor": 100},
    }
    assert one(ratings, {"dept_csat_score": 100}).total == D("80.00")
    # 重关指标 0 wipes the total out (factor 0).
    ratings["key_indicators"] = {"supervisor": 0}
    assert one(ratings, {"dept_csat_score": 100}).total == D("0.00")


def test_scores_above_one_hundred_are_rejected() -> None:
    with pytest.raises(InputError):
        one({"work_plan": {"supervisor": 101}})
