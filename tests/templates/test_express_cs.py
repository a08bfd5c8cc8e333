"""快递公司客服部绩效考核表 (express-cs): schemes.md §3.22, worked examples A and B by hand.

Four parts of 20 points each (efficiency rated 0–20 by the 部门主管; the other three start at 20 and
lose 0.5 per violation, never below 0); total out of 80.
"""

from __future__ import annotations

import re
from decimal import Decimal as D
from pathlib import Path

import pytest

from csperf.scoring import InputError, ScoreRun, score
from csperf.scoring.loader import parse_document
from csperf.templates import builtin_path, load_builtin

from .helpers import contributions, run_example

CODE = "express-cs"
SEEDS = Path("/work/shared/seeds")


def emp(
    eid: str, efficiency: int | None, quality: int | None, conduct: int | None, duty: int | None
) -> dict:
    values = {
        "call_quality_violations": quality,
        "work_conduct_violations": conduct,
        "task_duty_violations": duty,
    }
    e: dict = {"id": eid, "values": {k: v for k, v in values.items() if v is not None}}
    if efficiency is not None:
        e["ratings"] = {"efficiency": {"supervisor": efficiency}}
    return e


def run_of(*employees: dict) -> ScoreRun:
    return score(load_builtin(CODE), {"period": "2026-03", "employees": list(employees)})


@pytest.fixture(scope="module")
def run() -> ScoreRun:
    return run_example(CODE)


def test_template_shape() -> None:
    t = load_builtin(CODE)
    assert (t.code, t.version, t.period, t.name) == (CODE, 1, "month", "快递公司客服部绩效考核表")
    assert t.positions == ["快递客服"]
    assert [
        (s.code, s.kind, s.full, [(i.code, i.points, i.value) for i in s.items]) for s in t.sections
    ] == [
        ("efficiency", "base", D(20), [("efficiency", D(20), None)]),
        ("call_quality", "base", D(20), [("call_quality", D(20), "call_quality_violations")]),
        ("work_conduct", "base", D(20), [("work_conduct", D(20), "work_conduct_violations")]),
        ("task_duty", "base", D(20), [("task_duty", D(20), "task_duty_violations")]),
    ]


def test_example_a(run: ScoreRun) -> None:
    # efficiency 17; 3 话务质量 violations -> 18.5; 1 -> 19.5; 0 -> 20.
    assert contributions(run, "A") == {
        "efficiency": D(17),
        "call_quality": D("18.5"),
        "work_conduct": D("19.5"),
        "task_duty": D(20),
    }
    r = run.result("A")
    assert r.total == D("75.00")  # of 80
    assert r.flags == [] and r.grade is None and r.pay is None and r.alerts == []


def test_example_b(run: ScoreRun) -> None:
    # 12; 12 -> 14; 5 -> 17.5; 2 -> 19.
    assert contributions(run, "B") == {
        "efficiency": D(12),
        "call_quality": D(14),
        "work_conduct": D("17.5"),
        "task_duty": D(19),
    }
    assert run.result("B").total == D("62.50")


def test_examples_built_inline_match() -> None:
    r = run_of(emp("A", 17, 3, 1, 0), emp("B", 12, 12, 5, 2))
    assert [x.total for x in r.results] == [D("75.00"), D("62.50")]


def test_violations_bottom_out_at_zero_and_missing_counts_are_none() -> None:
    # 40 violations x 0.5 = 20 -> 0; 41 would be -0.5 -> still 0 (扣完为止); no record -> 0 violations.
    r = run_of(emp("X", 20, 40, 41, None), emp("Y", 0, 39, 0, 0))
    assert contributions(r, "X") == {
        "efficiency": D(20),
        "call_quality": D(0),
        "work_conduct": D(0),
        "task_duty": D(20),
    }
    assert r.result("X").total == D("40.00")
    assert r.result("Y").item("call_quality").contribution == D("0.5")
    assert r.result("Y").total == D("40.50")


def test_full_marks_and_rating_bounds() -> None:
    r = run_of(emp("F", 20, 0, 0, 0))
    assert r.result("F").total == D("80.00")
    with pytest.raises(
        InputError, match="outside 0–20"
    ):  # a manual score above 20 is an input error
        run_of(emp("G", 21, 0, 0, 0))


def test_no_efficiency_rating_is_excluded_and_flagged() -> None:
    r = run_of(emp("N", None, 1, 1, 1))
    res = r.result("N")
    assert res.item("efficiency").contribution is None
    assert res.total == D("58.50")  # 0 + 19.5 x 3
    assert res.flags and res.flags[0].startswith("efficiency.efficiency")


def _sources(node):
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "x-source":
                yield from (v if isinstance(v, list) else [v])
            else:
                yield from _sources(v)
    elif isinstance(node, list):
        for v in node:
            yield from _sources(v)


def test_every_item_cites_its_source_verbatim() -> None:
    data = parse_document(builtin_path(CODE).read_text(encoding="utf-8")).data
    items = [i for s in data["sections"] for i in s["items"]]
    assert all("x-source" in i or "x-choice" in i for i in items)
    assert all("x-unit" in i for i in items if "value" in i)
    squash = lambda s: re.sub(r"\s+", " ", s).strip()  # noqa: E731
    quotes = list(_sources(data))
    assert quotes
    for q in quotes:
        seed = (
            (SEEDS / q["file"]).read_text(encoding="utf-8")
            if (SEEDS / q["file"]).is_file()
            else None
        )
        if seed is None:
            pytest.skip("seed documents not available")
        assert len(q["quote"]) <= 120
        assert squash(q["quote"]) in squash(seed), q["quote"]
