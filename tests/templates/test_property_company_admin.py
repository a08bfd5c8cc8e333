"""物业管理公司·行政人资部 (property-company-admin, schemes.md §3.21): the catalogue's examples, by hand."""

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

CODE = "property-company-admin"
PERIOD = "2026-03"
UNITS = {"duty_events": "count", "process_events": "count", "control_events": "count"}
FULL: dict[str, Any] = {}
SEEDS = Path(os.environ.get("CSPERF_SEEDS", "/work/shared/seeds"))


def one(values: dict[str, Any]) -> Any:
    emp = {"id": "X", "values": values}
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


@pytest.mark.skipif(not SEEDS.is_dir(), reason="seed documents not available")
def test_quotes_are_verbatim() -> None:
    quotes = [n["x-source"] for n in _walk(_raw()) if "x-source" in n]
    assert len(quotes) == len(load_builtin(CODE).items)  # one per item
    for src in quotes:
        seed = _squash((SEEDS / src["file"]).read_text(encoding="utf-8"))
        assert len(src["quote"]) <= 120
        assert _squash(src["quote"]) in seed, src["quote"]


def test_every_item_has_provenance_and_units() -> None:
    for item in _raw()["sections"][0]["items"]:
        assert "x-source" in item and "x-choice" in item, item["code"]
        assert item["x-unit"] == UNITS[item["value"]], item["code"]


def test_template_shape() -> None:
    t = load_builtin(CODE)
    assert t.code == CODE and t.version == 1 and t.period == "month"
    assert t.positions == ["行政人资部"]
    assert [(s.code, s.kind, s.full) for s in t.sections] == [("main", "base", D(100))]
    assert [(i.code, i.value, i.points) for _, i in t.items] == [
        ("duty_completion", "duty_events", D(60)),
        ("service_process", "process_events", D(20)),
        ("internal_control", "control_events", D(20)),
    ]
    assert {i.code: i.rule.per for _, i in t.items if i.rule.type == "per_count"} == {
        "duty_completion": {"minor": D(-1), "major": D(-2), "serious": D(-5)},
        "service_process": {"owner_complaint": D(-5), "minor": D(-1), "major": D(-2)},
        "internal_control": {"minor": D(-1), "major": D(-2)},
    }
    assert t.total.min == 0 and t.total.max is None and not t.total.veto
    assert not t.grades and t.ranking is None and t.pay is None and not t.alerts


# -- the catalogue's worked examples (2026-03) ------------------------------------------------


@pytest.fixture(scope="module")
def run() -> ScoreRun:
    return run_example(CODE)


def test_example_a(run: ScoreRun) -> None:
    assert contributions(run, "A") == {
        "duty_completion": D(59),  # 1 minor x -1
        "service_process": D(20),
        "internal_control": D(20),
    }
    r = run.result("A")
    assert r.total == D("99.00")
    assert r.grade is None and r.rank is None and r.pay is None
    assert r.flags == [] and r.alerts == []


def test_example_b(run: ScoreRun) -> None:
    assert contributions(run, "B") == {
        "duty_completion": D(51),  # 2 major x -2 + 1 严重 x -5 = -9
        "service_process": D(18),  # 2 minor x -1
        "internal_control": D(19),  # 1 minor x -1
    }
    r = run.result("B")
    assert r.total == D("88.00")
    assert r.flags == []


def test_process_and_control_stop_at_zero() -> None:
    r = one(
        {
            **FULL,
            "process_events": {"owner_complaint": 3, "minor": 4},
            "control_events": {"major": 10},
        }
    )
    assert r.item("service_process").score == D(1)  # 20 - 15 - 4 = 1
    assert r.item("internal_control").score == D(0)  # 20 - 20 = 0
    r = one(
        {
            **FULL,
            "process_events": {"owner_complaint": 4, "minor": 1},
            "control_events": {"major": 11},
        }
    )
    assert r.item("service_process").score == D(0)  # -21 -> 扣完为止
    assert r.item("internal_control").score == D(0)  # -22 -> 0


def test_no_events_is_full_marks() -> None:
    r = one(FULL)
    assert r.total == D("100.00") and r.flags == []


def test_duty_stops_at_zero() -> None:
    assert one({"duty_events": {"serious": 12}}).item("duty_completion").score == D(0)
    assert one({"duty_events": {"serious": 11, "major": 2}}).item("duty_completion").score == D(1)
    assert one({"duty_events": {"serious": 11, "major": 3}}).item("duty_completion").score == D(0)
