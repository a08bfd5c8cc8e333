"""OB客服代表月度满意度考核表 (ob-satisfaction-monthly, schemes.md §3.15): the catalogue's examples.

The card's input is the month's 满意度成绩; the tests work it out from the rating counts as the
catalogue does: (a·1 + b·2 + c·3 + d·4 + e·5) / (a + b + c + d + e), unrated calls left out.
"""

from __future__ import annotations

from decimal import Decimal as D

from csperf.scoring import score
from csperf.templates import load_builtin

from .helpers import run_example

CODE = "ob-satisfaction-monthly"


def month_mean(a: int, b: int, c: int, d: int, e: int) -> D:
    return D(a * 1 + b * 2 + c * 3 + d * 4 + e * 5) / D(a + b + c + d + e)


def one(values: dict) -> dict:
    return {"period": "2026-03", "employees": [{"id": "X", "values": values}]}


def test_template_shape() -> None:
    t = load_builtin(CODE)
    assert (t.code, t.version, t.period, t.period_start_day) == (CODE, 1, "month", 1)
    assert t.name == "OB客服代表月度满意度考核表"
    assert t.positions == ["OB客服代表"]
    assert [(s.code, s.kind, s.full) for s in t.sections] == [("csat", "base", D(5))]
    assert [(i.code, i.value, i.points) for _, i in t.items] == [("ob_csat", "ob_csat_mean", D(5))]
    assert not t.grades and t.ranking is None and t.pay is None and not t.alerts


def test_example_a() -> None:
    mean = month_mean(0, 0, 10, 20, 70)
    assert mean == D("4.6")  # (30 + 80 + 350) / 100
    r = score(load_builtin(CODE), one({"ob_csat_mean": mean})).result("X")
    assert r.item("ob_csat").contribution == D("4.6")
    assert r.total == D("4.60")
    assert r.flags == []


def test_example_b() -> None:
    mean = month_mean(0, 1, 2, 2, 3)
    assert mean == D("3.875")  # (2 + 6 + 8 + 15) / 8
    r = score(load_builtin(CODE), one({"ob_csat_mean": mean})).result("X")
    assert r.item("ob_csat").contribution == D("3.875")
    assert r.total == D("3.88")  # half-up


def test_example_file() -> None:
    run = run_example(CODE)
    assert [(r.id, r.total) for r in run.results] == [("A", D("4.60")), ("B", D("3.88"))]


def test_extremes() -> None:
    t = load_builtin(CODE)
    assert score(t, one({"ob_csat_mean": month_mean(0, 0, 0, 0, 9)})).result("X").total == D("5.00")
    assert score(t, one({"ob_csat_mean": month_mean(4, 0, 0, 0, 0)})).result("X").total == D("1.00")


def test_month_without_rated_calls() -> None:
    r = score(load_builtin(CODE), one({})).result("X")
    assert r.item("ob_csat").contribution is None
    assert r.total == D("0.00")
    assert r.flags == [
        "csat.ob_csat: no data -> excluded",
        "csat: every item excluded, section scores 0",
    ]


def test_mean_outside_1_5_is_not_scored() -> None:
    # x-range [1, 5]: a 0 (no ratings written as 0) is an input mistake, never scored as 0 points
    r = score(load_builtin(CODE), one({"ob_csat_mean": 0})).result("X")
    assert r.item("ob_csat").contribution is None
    assert any("ob_csat_mean" in f for f in r.flags)
