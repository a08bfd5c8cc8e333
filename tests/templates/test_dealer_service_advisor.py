"""4S店服务顾问月度CS考核表 (dealer-service-advisor, schemes.md §3.13): the catalogue's examples.

The card's inputs are the month's SA indices; the tests work them out by hand from the callback
answers (q1, q2, q3, q4), as the catalogue does: per customer the composite (q1 + q2 + q4) / 3
and the sub-indices q1, q2, q4, then the sums over the month's successful callbacks divided by
their number. q3 belongs to the 车间 (dealer-workshop-quality).
"""

from __future__ import annotations

from decimal import Decimal as D

from csperf.scoring import score
from csperf.templates import load_builtin

from .helpers import contributions, frac, q2, q20, run_example

CODE = "dealer-service-advisor"


def mean(xs: list[D]) -> D:
    return sum(xs, D(0)) / D(len(xs))


def sa_values(customers: list[tuple[int, int, int | None, int]]) -> dict[str, D]:
    """The card's inputs from the successful callbacks' answers (q1, q2, q3, q4)."""
    return {
        "sa_cs_index": mean([(D(a) + D(b) + D(d)) / D(3) for a, b, _, d in customers]),
        "sa_overall_cs": mean([D(a) for a, _, _, _ in customers]),
        "sa_reception_cs": mean([D(b) for _, b, _, _ in customers]),
        "sa_explanation_cs": mean([D(d) for _, _, _, d in customers]),
    }


def one(values: dict) -> dict:
    return {"period": "2026-03", "employees": [{"id": "X", "values": values}]}


def test_template_shape() -> None:
    t = load_builtin(CODE)
    assert (t.code, t.version, t.period, t.name) == (CODE, 2, "month", "4S店服务顾问月度CS考核表")
    assert t.positions == ["服务顾问"]
    assert [(s.code, s.kind, s.effective_weight, s.full) for s in t.sections] == [
        ("cs", "base", D(1), D(100)),
        ("detail", "base", D(0), D(300)),
    ]
    assert [(s.code, i.code, i.value, i.points) for s, i in t.items] == [
        ("cs", "cs_index", "sa_cs_index", D(100)),
        ("detail", "sa_overall", "sa_overall_cs", D(100)),
        ("detail", "sa_reception", "sa_reception_cs", D(100)),
        ("detail", "sa_explanation", "sa_explanation_cs", D(100)),
    ]
    assert "dealer_cs_index" not in t.value_names()  # renamed in v2: SA questions only
    assert not t.grades and t.ranking is None and t.pay is None and not t.alerts


def test_example_a() -> None:
    values = sa_values([(100, 100, 100, 75), (75, 75, 75, 75)])
    # composites 275/3 = 91.6667 and 75 -> (275/3 + 75) / 2 = 250/3
    assert q20(values["sa_cs_index"]) == frac(250, 3)
    r = score(load_builtin(CODE), one(values)).result("X")
    assert q20(r.item("cs_index").contribution) == frac(250, 3)
    assert r.total == D("83.33")
    # shown only: q1 87.5, q2 87.5, q4 75
    assert [r.item(c).contribution for c in ("sa_overall", "sa_reception", "sa_explanation")] == [
        D("87.5"),
        D("87.5"),
        D(75),
    ]
    assert [s.score for s in r.sections][1] == D(250)  # 87.5 + 87.5 + 75, weight 0
    assert r.flags == []
    assert r.grade is None and r.rank is None and r.pay is None and r.alerts == []


def test_example_b() -> None:
    values = sa_values([(100, 100, None, 100), (75, 100, None, 75), (100, 100, None, 75)])
    # composites 100, 83.3333, 91.6667 -> 275/3
    assert q20(values["sa_cs_index"]) == frac(275, 3)
    r = score(load_builtin(CODE), one(values)).result("X")
    assert r.total == D("91.67")
    shown = [q2(r.item(c).contribution) for c in ("sa_overall", "sa_reception", "sa_explanation")]
    assert shown == [D("91.67"), D("100.00"), D("83.33")]


def test_example_file() -> None:
    run = run_example(CODE)
    assert run.result("A").total == D("83.33")
    assert run.result("B").total == D("91.67")
    c = contributions(run, "A", "detail")
    assert c == {"sa_overall": D("87.5"), "sa_reception": D("87.5"), "sa_explanation": D(75)}
    assert [q2(x) for x in contributions(run, "B", "detail").values()] == [
        D("91.67"),
        D("100.00"),
        D("83.33"),
    ]


def test_detail_does_not_count() -> None:
    # the shown sub-indices never move the total, even when they are missing
    t = load_builtin(CODE)
    r = score(t, one({"sa_cs_index": 80})).result("X")
    assert r.total == D("80.00")
    assert r.flags == [
        "detail.sa_overall: no data -> excluded",
        "detail.sa_reception: no data -> excluded",
        "detail.sa_explanation: no data -> excluded",
        "detail: every item excluded, section scores 0",
    ]


def test_no_successful_callback() -> None:
    r = score(load_builtin(CODE), one({})).result("X")
    assert r.total == D("0.00")
    assert "cs.cs_index: no data -> excluded" in r.flags
    assert "cs: every item excluded, section scores 0" in r.flags
