"""4S店销售顾问月度CS考核表 (dealer-sales-advisor, schemes.md §3.13): the catalogue's examples.

The card's input is the month's CS index; the tests work it out by hand from the callback
answers, as the catalogue does: per customer 25 x q1/100 + … + 25 x q4/100, then the sum over
the month's successful callbacks divided by their number (refused callbacks left out).
"""

from __future__ import annotations

from decimal import Decimal as D

from csperf.scoring import score
from csperf.templates import load_builtin

from .helpers import contributions, run_example

CODE = "dealer-sales-advisor"


def customer_cs(q1: int, q2: int, q3: int, q4: int) -> D:
    """销售顾问单一客户CS = 25 x (q1/100) + 25 x (q2/100) + 25 x (q3/100) + 25 x (q4/100)."""
    return sum((D(25) * D(q) / D(100) for q in (q1, q2, q3, q4)), D(0))


def month_cs(customers: list[tuple[int, int, int, int] | None]) -> D:
    """Σ per-customer CS ÷ successful callbacks; ``None`` is a refused callback (left out)."""
    done = [customer_cs(*c) for c in customers if c is not None]
    return sum(done, D(0)) / D(len(done))


def one(values: dict) -> dict:
    return {"period": "2026-03", "employees": [{"id": "X", "values": values}]}


def test_template_shape() -> None:
    t = load_builtin(CODE)
    assert (t.code, t.version, t.period, t.name) == (CODE, 2, "month", "4S店销售顾问月度CS考核表")
    assert t.positions == ["销售顾问"]
    assert [(s.code, s.kind, s.effective_weight, s.full) for s in t.sections] == [
        ("cs", "base", D(1), D(100))
    ]
    assert [(i.code, i.value, i.points) for _, i in t.items] == [
        ("cs_index", "dealer_cs_index", D(100))
    ]
    assert t.value_names() == {"dealer_cs_index"}
    assert not t.grades and t.ranking is None and t.pay is None and not t.alerts


def test_example_a_four_callbacks_one_refused() -> None:
    answers = [
        (100, 100, 75, 100),
        (100, 100, 100, 100),
        (100, 75, 100, 75),
        (100, 100, 100, 75),
        None,
    ]
    assert [customer_cs(*c) for c in answers if c] == [D("93.75"), D(100), D("87.5"), D("93.75")]
    index = month_cs(answers)
    assert index == D("93.75")  # 375 / 4
    r = score(load_builtin(CODE), one({"dealer_cs_index": index})).result("X")
    assert r.item("cs_index").contribution == D("93.75")
    assert r.total == D("93.75")
    assert r.flags == []
    assert r.grade is None and r.rank is None and r.pay is None and r.alerts == []


def test_example_b_no_successful_callback() -> None:
    r = score(load_builtin(CODE), one({})).result("X")
    assert r.item("cs_index").contribution is None
    assert r.total == D("0.00")
    assert r.flags == [
        "cs.cs_index: no data -> excluded",
        "cs: every item excluded, section scores 0",
    ]


def test_example_file() -> None:
    run = run_example(CODE)
    assert contributions(run, "A") == {"cs_index": D("93.75")}
    assert run.result("A").total == D("93.75")
    assert contributions(run, "B") == {"cs_index": None}
    assert run.result("B").total == D("0.00")
    assert run.result("B").flags == [
        "cs.cs_index: no data -> excluded",
        "cs: every item excluded, section scores 0",
    ]


def test_score_is_the_index() -> None:
    # a repeating index: (100 + 75 + 75) / 3 = 83.333… -> total 83.33; the extremes 0 and 100.
    t = load_builtin(CODE)
    assert score(t, one({"dealer_cs_index": D(250) / D(3)})).result("X").total == D("83.33")
    assert score(t, one({"dealer_cs_index": 100})).result("X").total == D("100.00")
    assert score(t, one({"dealer_cs_index": 0})).result("X").total == D("0.00")
    # one dissatisfied answer (25) among four: 25 + 25 + 25 + 6.25 = 81.25
    assert score(t, one({"dealer_cs_index": customer_cs(100, 100, 100, 25)})).result(
        "X"
    ).total == D("81.25")


def test_index_outside_0_100_is_not_scored() -> None:
    # x-unit score, x-range [0, 100]: a CS above 100 is an input mistake, flagged, never scored
    r = score(load_builtin(CODE), one({"dealer_cs_index": 101})).result("X")
    assert r.item("cs_index").contribution is None
    assert r.total == D("0.00")
    assert any("dealer_cs_index" in f and "101" in f for f in r.flags)
