"""信用卡中心客服考核表(银行案例) (cs-bank-case): schemes.md §3.27, worked examples by hand.

Points = the case's weights (35 + 30 + 20, full 85); each rate scores points x rate.
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

CODE = "cs-bank-case"
SEEDS = Path("/work/shared/seeds")


def run_of(*rows: tuple) -> ScoreRun:
    employees = [
        {
            "id": f"E{n}",
            "values": {
                k: v
                for k, v in zip(
                    (
                        "complaint_repair_satisfaction",
                        "first_contact_resolution",
                        "script_compliance_rate",
                    ),
                    row,
                    strict=True,
                )
                if v is not None
            },
        }
        for n, row in enumerate(rows, 1)
    ]
    return score(load_builtin(CODE), {"period": "2026-03", "employees": employees})


@pytest.fixture(scope="module")
def run() -> ScoreRun:
    return run_example(CODE)


def test_template_shape() -> None:
    t = load_builtin(CODE)
    assert (t.code, t.version, t.period) == (CODE, 1, "month")
    assert t.positions == ["信用卡中心客服"]
    assert [
        (s.code, s.kind, s.full, [(i.code, i.points, i.value) for i in s.items]) for s in t.sections
    ] == [
        (
            "kpi",
            "base",
            D(85),
            [
                ("complaint_repair_satisfaction", D(35), "complaint_repair_satisfaction"),
                ("fcr", D(30), "first_contact_resolution"),
                ("script_compliance", D(20), "script_compliance_rate"),
            ],
        )
    ]


def test_example_a(run: ScoreRun) -> None:
    # 0.80 -> 28; 0.85 -> 25.5; 0.98 -> 19.6 -> 73.10 (of 85)
    assert contributions(run, "A") == {
        "complaint_repair_satisfaction": D(28),
        "fcr": D("25.5"),
        "script_compliance": D("19.6"),
    }
    assert (run.result("A").total, run.result("A").flags) == (D("73.10"), [])


def test_example_b(run: ScoreRun) -> None:
    # 0.60 -> 21; 0.70 -> 21; 0.90 -> 18 -> 60.00
    assert contributions(run, "B") == {
        "complaint_repair_satisfaction": D(21),
        "fcr": D(21),
        "script_compliance": D(18),
    }
    assert run.result("B").total == D("60.00")


def test_examples_built_inline() -> None:
    r = run_of((D("0.80"), D("0.85"), D("0.98")), (D("0.60"), D("0.70"), D("0.90")))
    assert [x.total for x in r.results] == [D("73.10"), D("60.00")]


def test_full_zero_and_missing() -> None:
    r = run_of((1, 1, 1), (0, 0, 0), (1, None, D("0.5")))
    assert r.result("E1").total == D("85.00")
    assert r.result("E2").total == D("0.00")
    # fcr missing: (35 + 10) x 85 / 55 = 69.545… -> 69.55
    e3 = r.result("E3")
    assert e3.total == D("69.55")
    assert e3.flags == ["kpi.fcr: no data -> excluded"]


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
