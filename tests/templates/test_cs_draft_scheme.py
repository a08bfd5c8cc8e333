"""客服绩效考核方案(拟稿) (cs-draft-scheme, schemes.md §3.20): the catalogue's examples, by hand."""

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

CODE = "cs-draft-scheme"
PERIOD = "2026-03"
SEVERE = "态度极度恶劣，直接调离岗位或终止聘用"
SEEDS = Path(os.environ.get("CSPERF_SEEDS", "/work/shared/seeds"))
RATED = {"attitude": {"qc": 20}, "execution": {"supervisor": 10}}


def one(values: dict[str, Any], ratings: dict[str, Any] | None = None) -> Any:
    emp = {"id": "X", "values": values, "ratings": RATED if ratings is None else ratings}
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
    assert t.code == CODE and t.version == 1 and t.period == "month"
    assert t.positions == ["客服人员(拟稿)"]
    # 20 + 10 + 10 + 10 + 20 + 5 = 75: no item invented for the missing 25 points.
    assert [(s.code, s.kind, s.full) for s in t.sections] == [("main", "base", D(75))]
    assert [(i.code, i.value, i.points) for _, i in t.items] == [
        ("attitude", None, D(20)),
        ("callback", "callback_failures", D(10)),
        ("execution", None, D(10)),
        ("complaints", "complaints_valid", D(10)),
        ("confidentiality", "confidentiality_breaches", D(20)),
        ("late_early", "late_early_count", D(5)),
    ]
    assert t.item("attitude").raters.weights == (("qc", D(1)),)
    assert t.item("execution").raters.weights == (("supervisor", D(1)),)
    assert [(v.value, v.gte, v.total, v.grade) for v in t.total.veto] == [
        ("attitude_severe", D(1), None, None)
    ]
    assert t.total.min == 0 and t.total.max is None
    assert not t.grades and t.ranking is None and t.pay is None and not t.alerts


def test_every_item_has_provenance_and_units() -> None:
    raw = _raw()
    for item in raw["sections"][0]["items"]:
        assert "x-source" in item, item["code"]
        if "value" in item:
            assert item["x-unit"] == "count", item["code"]
            assert "x-choice" in item, item["code"]  # the per-occurrence reading is ours
    assert raw["x-inputs"] == {"attitude_severe": {"unit": "count", "name": "态度极度恶劣(次数)"}}


@pytest.mark.skipif(not SEEDS.is_dir(), reason="seed documents not available")
def test_quotes_are_verbatim() -> None:
    quotes = [n["x-source"] for n in _walk(_raw()) if "x-source" in n]
    assert len(quotes) == 8  # the period, six items, the veto
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
        "attitude": D(18),  # 质控 18
        "callback": D(10),
        "execution": D(9),  # 上级 9
        "complaints": D(10),
        "confidentiality": D(20),
        "late_early": D(0),  # 1 次 x -5
    }
    r = run.result("A")
    assert r.total == D("67.00")  # of 75
    assert r.grade is None and r.rank is None and r.pay is None
    assert r.flags == [] and r.alerts == []


def test_example_b(run: ScoreRun) -> None:
    assert contributions(run, "B") == {
        "attitude": D(5),
        "callback": D(0),  # 1 次 x -10
        "execution": D(6),
        "complaints": D(0),  # 2 起: -20, floored at 0 (扣完为止)
        "confidentiality": D(20),
        "late_early": D(5),
    }
    r = run.result("B")
    assert r.total == D("36.00")  # the veto leaves the total unchanged
    assert r.grade is None
    assert r.flags == [SEVERE]


# -- bounds -----------------------------------------------------------------------------------


def test_full_marks_and_nothing_below_zero() -> None:
    assert one({}).total == D("75.00")  # absent counts are 0
    worst = {
        "callback_failures": 3,
        "complaints_valid": 1,
        "confidentiality_breaches": 2,
        "late_early_count": 4,
    }
    r = one(worst, {"attitude": {"qc": 0}, "execution": {"supervisor": 0}})
    assert [i.score for i in r.sections[0].items] == [D(0)] * 6
    assert r.total == D("0.00") and r.flags == []


def test_severe_attitude_flag_from_one_occurrence() -> None:
    assert one({"attitude_severe": 0}).flags == []
    assert one({"attitude_severe": 1}).flags == [SEVERE]
    assert one({"attitude_severe": 1}).total == D("75.00")


def test_unrated_attitude_is_excluded_and_rescaled() -> None:
    r = one({}, {"execution": {"supervisor": 10}})
    assert r.item("attitude").score is None
    assert r.total == D("75.00")  # the other 55 points scaled up by 75/55
    assert r.flags == ["main.attitude: no rating -> excluded"]


def test_rating_above_the_item_is_rejected() -> None:
    with pytest.raises(InputError):
        one({}, {"attitude": {"qc": 21}, "execution": {"supervisor": 10}})
