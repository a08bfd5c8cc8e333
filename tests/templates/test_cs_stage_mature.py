"""客服部门考核表(业务成熟期) (cs-stage-mature): schemes.md §3.27, worked examples by hand.

Points = the article's weights (30 + 25 + 20, full 75), quarterly: 一次性解决率 30 x rate; NPS linear
0 -> 0 … 1 -> 25, negative -> 0; 服务投入产出比 20 x min(1, value / assigned target).
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

CODE = "cs-stage-mature"
SEEDS = Path("/work/shared/seeds")


def run_of(*rows: tuple) -> ScoreRun:
    employees = [
        {
            "id": f"E{n}",
            "values": {"first_contact_resolution": fcr, "nps": nps, "service_roi": roi},
            "targets": {"service_roi": target},
        }
        for n, (fcr, nps, roi, target) in enumerate(rows, 1)
    ]
    return score(load_builtin(CODE), {"period": "2026-Q1", "employees": employees})


@pytest.fixture(scope="module")
def run() -> ScoreRun:
    return run_example(CODE)


def test_template_shape() -> None:
    t = load_builtin(CODE)
    assert (t.code, t.version, t.period) == (CODE, 1, "quarter")
    assert t.positions == ["客服部门(成熟期)"]
    assert [
        (s.code, s.kind, s.full, [(i.code, i.points, i.value) for i in s.items]) for s in t.sections
    ] == [
        (
            "kpi",
            "base",
            D(75),
            [
                ("fcr", D(30), "first_contact_resolution"),
                ("nps", D(25), "nps"),
                ("service_roi", D(20), "service_roi"),
            ],
        )
    ]


def test_example_a(run: ScoreRun) -> None:
    # target ROI 3: 0.82 -> 24.6; 0.35 -> 8.75; 3.2 -> 20 (capped) -> 53.35 (of 75)
    assert contributions(run, "A") == {"fcr": D("24.6"), "nps": D("8.75"), "service_roi": D(20)}
    r = run.result("A")
    assert r.item("service_roi").target == D(3)
    assert (r.total, r.flags) == (D("53.35"), [])


def test_example_b(run: ScoreRun) -> None:
    # 0.70 -> 21; -0.05 -> 0; 1.5 / 3 x 20 -> 10 -> 31.00
    assert contributions(run, "B") == {"fcr": D(21), "nps": D(0), "service_roi": D(10)}
    assert run.result("B").total == D("31.00")


def test_examples_built_inline() -> None:
    r = run_of((D("0.82"), D("0.35"), D("3.2"), 3), (D("0.70"), D("-0.05"), D("1.5"), 3))
    assert [x.total for x in r.results] == [D("53.35"), D("31.00")]


def test_nps_ends_and_roi_target() -> None:
    r = run_of((1, 1, 3, 3), (0, 0, 0, 3), (1, -1, 6, 2), (1, D("0.5"), 1, 4))
    assert [
        (x.item("nps").contribution, x.item("service_roi").contribution, x.total) for x in r.results
    ] == [
        (D(25), D(20), D("75.00")),  # NPS 1 -> 25; ROI on target -> 20
        (D(0), D(0), D("0.00")),  # NPS 0 -> 0
        (D(0), D(20), D("50.00")),  # NPS -1 -> 0; 6 / 2 capped at 1
        (D("12.5"), D(5), D("47.50")),  # 1 / 4 x 20 = 5
    ]


def test_missing_roi_target_is_an_input_error() -> None:
    with pytest.raises(InputError, match="missing assigned target"):
        score(
            load_builtin(CODE),
            {"period": "2026-Q1", "employees": [{"id": "X", "values": {"service_roi": 2}}]},
        )


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
