"""物业管理公司·客户服务中心 (property-company-centre, schemes.md §3.21): the catalogue's examples, by hand."""

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

CODE = "property-company-centre"
PERIOD = "2026-03"
UNITS = {
    "fee_task_completion_rate": "ratio",
    "cleaning_events": "count",
    "order_events": "count",
    "process_events": "count",
    "control_events": "count",
}
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
    assert t.positions == ["客户服务中心"]
    assert [(s.code, s.kind, s.full) for s in t.sections] == [("main", "base", D(100))]
    assert [(i.code, i.value, i.points) for _, i in t.items] == [
        ("fee_collection", "fee_task_completion_rate", D(40)),
        ("cleaning", "cleaning_events", D(20)),
        ("order", "order_events", D(20)),
        ("service_process", "process_events", D(10)),
        ("internal_control", "control_events", D(10)),
    ]
    fee = t.item("fee_collection").rule
    assert (fee.type, fee.target, fee.cap) == ("ratio", D(1), D(1))
    assert {i.code: i.rule.per for _, i in t.items if i.rule.type == "per_count"} == {
        "cleaning": {"owner_complaint": D(-5), "minor": D(-1), "major": D(-2)},
        "order": {"theft_or_complaint": D(-5), "minor": D(-1), "major": D(-2)},
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
        "fee_collection": D(38),  # 0.95 x 40
        "cleaning": D(18),  # 2 minor x -1
        "order": D(20),  # nothing found
        "service_process": D(5),  # 1 业主投诉 x -5
        "internal_control": D(8),  # 1 major x -2
    }
    r = run.result("A")
    assert r.total == D("89.00")
    assert r.grade is None and r.rank is None and r.pay is None
    assert r.flags == [] and r.alerts == []


def test_example_b(run: ScoreRun) -> None:
    assert contributions(run, "B") == {
        "fee_collection": D(40),  # 1.03, capped at 1 -> 40
        "cleaning": D(0),  # 3 x -5 + 4 x -2 = -23 -> 扣完为止 0
        "order": D(12),  # 1 盗窃/投诉 x -5 + 3 minor x -1 = -8
        "service_process": D(10),
        "internal_control": D(10),
    }
    r = run.result("B")
    assert r.total == D("72.00")
    assert r.flags == []


# -- bounds -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rate", "expected"), [("1", "40"), ("1.5", "40"), ("0.5", "20"), ("0", "0")]
)
def test_fee_is_completion_times_points(rate: str, expected: str) -> None:
    assert one({"fee_task_completion_rate": D(rate)}).item("fee_collection").score == D(expected)


def test_no_events_is_full_marks_and_deductions_stop_at_zero() -> None:
    assert one({"fee_task_completion_rate": 1}).total == D("100.00")
    worst = {
        "fee_task_completion_rate": 0,
        "cleaning_events": {"minor": 21},
        "order_events": {"theft_or_complaint": 4},
        "process_events": {"major": 5},
        "control_events": {"minor": 4, "major": 3},
    }
    r = one(worst)
    assert [i.score for i in r.sections[0].items] == [D(0)] * 5
    assert r.total == D("0.00")
    # one point short of the floor: 20 - 19 = 1, 10 - 9 = 1
    r = one(
        {
            "fee_task_completion_rate": 1,
            "cleaning_events": {"minor": 19},
            "control_events": {"minor": 1, "major": 4},
        }
    )
    assert r.item("cleaning").score == D(1) and r.item("internal_control").score == D(1)


def test_missing_fee_completion_is_excluded_and_rescaled() -> None:
    r = one({"order_events": {"minor": 6}})  # order 14 of 20; the other 60 present points x 100/60
    assert r.item("fee_collection").score is None
    assert r.total == D("90.00")  # (20 + 14 + 10 + 10) x 100 / 60
    assert r.flags == ["main.fee_collection: no data -> excluded"]
