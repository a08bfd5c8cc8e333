"""物业管理公司·客户服务中心 4:3:3 汇总 (property-company-centre-rollup, schemes.md §3.21), by hand."""

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

CODE = "property-company-centre-rollup"
PERIOD = "2026-03"
UNITS = {"cs_office_total": "score", "environment_total": "score", "security_total": "score"}
UNITS_FROM = {
    "cs_office": ("cs_office_total", "property-company-cs-office", 40),
    "environment": ("environment_total", "property-company-environment", 30),
    "security": ("security_total", "property-company-security", 30),
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
    assert t.positions == ["客户服务中心(汇总)"]
    assert [(s.code, s.kind, s.full) for s in t.sections] == [("units", "base", D(100))]
    assert [(i.code, i.value, i.points) for _, i in t.items] == [
        (code, value, D(points)) for code, (value, _, points) in UNITS_FROM.items()
    ]
    for _, item in t.items:
        assert item.rule.type == "linear" and item.scale == D(100)
        assert item.rule.points == [(D(0), D(0)), (D(100), D(100))]
    assert t.total.min == 0 and t.total.max is None
    assert not t.grades and t.ranking is None and t.pay is None and not t.alerts


def test_each_item_reads_the_units_published_card() -> None:
    raw = _raw()
    for item in raw["sections"][0]["items"]:
        value, template, _ = UNITS_FROM[item["code"]]
        assert item["value"] == value
        assert item["x-from-card"] == {"template": template, "scope": "department", "stat": "total"}
        assert item["x-range"] == [0, 100]
        builtin_path(template)  # the referenced template exists


# -- the catalogue's worked examples (2026-03) ------------------------------------------------


@pytest.fixture(scope="module")
def run() -> ScoreRun:
    return run_example(CODE)


def test_example_a(run: ScoreRun) -> None:
    assert contributions(run, "A") == {
        "cs_office": D("37.68"),  # 0.4 x 94.2
        "environment": D("27.3"),  # 0.3 x 91
        "security": D("29.4"),  # 0.3 x 98
    }
    r = run.result("A")
    assert r.total == D("94.38")
    assert r.grade is None and r.rank is None and r.pay is None
    assert r.flags == [] and r.alerts == []


def test_example_b(run: ScoreRun) -> None:
    assert contributions(run, "B") == {
        "cs_office": D(34),  # 0.4 x 85
        "environment": D("10.8"),  # 0.3 x 36
        "security": D("24.3"),  # 0.3 x 81
    }
    r = run.result("B")
    assert r.total == D("69.10")
    assert r.flags == []


def test_the_units_examples_feed_the_roll_up() -> None:
    # The three units' own example cards (A and B), their totals passed on as the cycle would.
    totals = {
        value: {r.id: r.total for r in run_example(template).results}
        for value, template, _ in UNITS_FROM.values()
    }
    assert totals == {
        "cs_office_total": {"A": D("94.20"), "B": D("85.00")},
        "environment_total": {"A": D("91.00"), "B": D("36.00")},
        "security_total": {"A": D("98.00"), "B": D("81.00")},
    }
    for emp, expected in [("A", "94.38"), ("B", "69.10")]:
        values = {name: by_emp[emp] for name, by_emp in totals.items()}
        assert one(values).total == D(expected)


# -- bounds -----------------------------------------------------------------------------------


def test_full_and_zero() -> None:
    full = {"cs_office_total": 100, "environment_total": 100, "security_total": 100}
    assert one(full).total == D("100.00")
    assert one(dict.fromkeys(full, 0)).total == D("0.00")


def test_a_missing_units_card_is_excluded_and_rescaled() -> None:
    r = one({"cs_office_total": D("94.2"), "security_total": 98})
    assert r.item("environment").score is None
    # (37.68 + 29.4) x 100 / 70 = 95.828571… -> 95.83
    assert r.total == D("95.83")
    assert r.flags == ["units.environment: no data -> excluded"]


def test_a_total_outside_0_to_100_is_flagged_not_scored() -> None:
    r = one({"cs_office_total": 101, "environment_total": 90, "security_total": 90})
    assert r.item("cs_office").score is None
    assert r.total == D("90.00")  # (27 + 27) x 100 / 60
    # the engine's unit message, then the exclusion of the item (wording of the latter is the engine's)
    assert r.flags[0] == "cs_office_total: 101 is outside 0–100 (score); not scored"
    assert len(r.flags) == 2 and r.flags[1].startswith("units.cs_office: ")
