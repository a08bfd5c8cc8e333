"""客服部门考核表(新业务上线期) (cs-stage-launch): schemes.md §3.27, worked examples by hand.

Points = the article's weights (30 + 20 + 20, full 70): a rate scores points x rate, the 5-point
satisfaction mean points x mean / 5; a missing indicator is excluded and the rest scaled x 70 / present.
"""

from __future__ import annotations

import re
from decimal import Decimal as D
from pathlib import Path

import pytest

from csperf.scoring import ScoreRun, score
from csperf.scoring.loader import parse_document
from csperf.templates import builtin_path, load_builtin

from .helpers import contributions, run_example

CODE = "cs-stage-launch"
SEEDS = Path("/work/shared/seeds")


def run_of(*values: dict) -> ScoreRun:
    employees = [{"id": f"E{n}", "values": v} for n, v in enumerate(values, 1)]
    return score(load_builtin(CODE), {"period": "2026-03", "employees": employees})


@pytest.fixture(scope="module")
def run() -> ScoreRun:
    return run_example(CODE)


def test_template_shape() -> None:
    t = load_builtin(CODE)
    assert (t.code, t.version, t.period) == (CODE, 1, "month")
    assert t.positions == ["客服部门(上线期)"]
    assert [
        (s.code, s.kind, s.full, [(i.code, i.points, i.value) for i in s.items]) for s in t.sections
    ] == [
        (
            "kpi",
            "base",
            D(70),
            [
                ("knowledge_match", D(30), "knowledge_match_rate"),
                ("problem_prediction", D(20), "problem_prediction_rate"),
                ("csat", D(20), "csat_mean"),
            ],
        )
    ]


def test_example_a(run: ScoreRun) -> None:
    # 0.90 -> 27; 0.60 -> 12; 4.5 -> 18 -> 57 (of 70)
    assert contributions(run, "A") == {
        "knowledge_match": D(27),
        "problem_prediction": D(12),
        "csat": D(18),
    }
    r = run.result("A")
    assert (r.total, r.flags, r.grade, r.pay) == (D("57.00"), [], None, None)


def test_example_b_missing_prediction_rescaled(run: ScoreRun) -> None:
    # 0.75 -> 22.5; prediction missing (excluded, x 70/50); 4.0 -> 16 -> (22.5 + 16) x 1.4 = 53.90, flagged
    assert contributions(run, "B") == {
        "knowledge_match": D("22.5") * D("1.4"),
        "problem_prediction": None,
        "csat": D(16) * D("1.4"),
    }
    r = run.result("B")
    assert r.total == D("53.90")
    assert r.flags == ["kpi.problem_prediction: no data -> excluded"]


def test_examples_built_inline() -> None:
    r = run_of(
        {
            "knowledge_match_rate": D("0.90"),
            "problem_prediction_rate": D("0.60"),
            "csat_mean": D("4.5"),
        },
        {"knowledge_match_rate": D("0.75"), "csat_mean": D("4.0")},
    )
    assert [x.total for x in r.results] == [D("57.00"), D("53.90")]


def test_full_marks_and_out_of_range() -> None:
    r = run_of(
        {"knowledge_match_rate": 1, "problem_prediction_rate": 1, "csat_mean": 5},
        {"knowledge_match_rate": 0, "problem_prediction_rate": 0, "csat_mean": 1},
        {
            "knowledge_match_rate": 1,
            "problem_prediction_rate": 1,
            "csat_mean": 6,
        },  # 6 is off the 5-point scale
    )
    assert r.result("E1").total == D("70.00")
    assert r.result("E2").total == D("4.00")  # 20 x 1/5
    e3 = r.result("E3")
    assert e3.item("csat").contribution is None
    assert e3.total == D("70.00")  # 50 x 70/50
    # the engine's wording of these flags is its own: check what they are about
    assert any(f.startswith("csat_mean: 6 is outside 1–5") for f in e3.flags)
    assert any(f.startswith("kpi.csat:") and "excluded" in f for f in e3.flags)


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
    assert all("x-source" in i and "x-choice" in i for i in items)
    assert all("x-unit" in i for i in items if "value" in i)
    squash = lambda s: re.sub(r"\s+", " ", s).strip()  # noqa: E731
    quotes = list(_sources(data))
    assert quotes
    for q in quotes:
        if not (SEEDS / q["file"]).is_file():
            pytest.skip("seed documents not available")
        assert len(q["quote"]) <= 120
        assert squash(q["quote"]) in squash((SEEDS / q["file"]).read_text(encoding="utf-8")), q[
            "quote"
        ]
