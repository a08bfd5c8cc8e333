"""游戏客服(GS组员)月度绩效奖金表 (game-cs-bonus): schemes.md §3.23, worked examples A and B by hand.

绩效奖金 (the total, in 元, clamped 0–500) = 工作量绩效 x QC质量加/减成比例 + 贡献度 + 其他附加;
工作量绩效 = max(0, 300 - (工作量基准 - 实际工作量) x 1);
QC 比例 = max(0, 1 - (0.70 - QC) x 5) below 70, 1 + (QC - 0.80) x 5 above 80, else 1.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal as D
from pathlib import Path

import pytest

from csperf.scoring import Period, ScoreRun, score
from csperf.scoring.loader import parse_document
from csperf.templates import builtin_path, load_builtin

from .helpers import contributions, run_example

CODE = "game-cs-bonus"
SEEDS = Path("/work/shared/seeds")


def emp(eid: str, done, qc, target=1000, contribution=None, other=None) -> dict:
    e: dict = {
        "id": eid,
        "values": {"workload_done": done, "qc_score_mean": qc},
        "targets": {"workload": target},
    }
    if other is not None:
        e["values"]["other_additions"] = other
    if contribution is not None:
        e["ratings"] = {"contribution_bonus": {"supervisor": contribution}}
    return e


def run_of(*employees: dict) -> ScoreRun:
    return score(load_builtin(CODE), {"period": "2026-03", "employees": list(employees)})


@pytest.fixture(scope="module")
def run() -> ScoreRun:
    return run_example(CODE)


def test_template_shape() -> None:
    t = load_builtin(CODE)
    assert (t.code, t.version, t.period, t.period_start_day) == (CODE, 2, "month", 26)
    assert t.positions == ["游戏客服"]
    assert [(s.code, s.kind, [(i.code, i.points) for i in s.items]) for s in t.sections] == [
        ("workload", "base", [("workload", D(300))]),
        ("qc", "multiplier", [("qc_coefficient", D(1))]),
        ("contribution", "bonus", [("contribution_bonus", D(200)), ("other_additions", D(500))]),
    ]
    assert t.total.min == D(0) and t.total.max == D(500)
    # 2026-03 runs from 2026-02-26 to 2026-03-25.
    assert Period.parse("2026-03").date_range(t.period_start_day) == (
        date(2026, 2, 26),
        date(2026, 3, 25),
    )


def test_example_a_capped_at_500(run: ScoreRun) -> None:
    # target 1000, done 1050 -> 300 + 50 = 350; QC 85 -> 1 + 0.05 x 5 = 1.25 -> 437.5; 贡献度 100 -> 537.5 -> 500.
    assert contributions(run, "A") == {
        "workload": D(350),
        "qc_coefficient": D("1.25"),
        "contribution_bonus": D(100),
        "other_additions": D(0),  # missing: zero
    }
    r = run.result("A")
    assert r.item("workload").target == D(1000)
    # 350 x 1.25 + 100 + 0 = 537.5 before the 0–500 clamp
    assert [s.score for s in r.sections] == [D(350), D("1.25"), D(100)]
    assert r.total == D("500.00")
    assert r.pay == D("500.00")


def test_example_b_no_contribution(run: ScoreRun) -> None:
    # done 900 -> 200; QC 66 -> 1 - 0.04 x 5 = 0.8 -> 160; no 贡献度 -> 160.
    c = contributions(run, "B")
    assert c["workload"] == D(200)
    assert c["qc_coefficient"] == D("0.8")
    assert c["contribution_bonus"] is None
    assert c["other_additions"] == D(0)
    r = run.result("B")
    assert r.total == D("160.00")
    assert r.pay == D("160.00")
    assert r.flags == ["contribution.contribution_bonus: no rating -> excluded"]


def test_qc_band_edges() -> None:
    r = run_of(
        emp("E70", 1000, 70),  # exactly 70: not below 70 -> 1
        emp("E80", 1000, 80),  # exactly 80: not above 80 -> 1
        emp("E81", 1000, 81),  # 1 + 0.01 x 5 = 1.05
        emp("E50", 1000, 50),  # 1 - 0.20 x 5 = 0
        emp("E40", 1000, 40),  # 1 - 0.30 x 5 = -0.5 -> 0
    )
    got = {x.id: (x.item("qc_coefficient").contribution, x.total) for x in r.results}
    assert got == {
        "E70": (D(1), D("300.00")),
        "E80": (D(1), D("300.00")),
        "E81": (D("1.05"), D("315.00")),
        "E50": (D(0), D("0.00")),
        "E40": (D(0), D("0.00")),
    }


def test_workload_floor_and_additions() -> None:
    # 1000 - 650 = 350 short of 300 -> floored at 0; the bonus section is added after the product.
    r = run_of(emp("W", 650, 75, contribution=50, other=30), emp("V", 1200, 75, other=-20))
    w = r.result("W")
    assert w.item("workload").contribution == D(0)
    assert w.total == D("80.00")  # 0 x 1 + 50 + 30
    v = r.result("V")
    assert v.item("workload").contribution == D(500)  # 300 + 200, no cap on the item
    assert v.total == D("480.00")  # 500 x 1 + 0 - 20
    assert v.pay == D("480.00")


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
        if not (SEEDS / q["file"]).is_file():
            pytest.skip("seed documents not available")
        assert len(q["quote"]) <= 120
        assert squash(q["quote"]) in squash((SEEDS / q["file"]).read_text(encoding="utf-8")), q[
            "quote"
        ]
