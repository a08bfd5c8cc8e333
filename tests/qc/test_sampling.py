"""Sampling plans: counts, shares with a minimum, rules, strata, reproducibility, assignment."""

from __future__ import annotations

import random
from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from csperf.qc.sampling import (
    Inspector,
    Interaction,
    PlanError,
    allocate,
    assign,
    draw_sample,
    plan_from_dict,
    workload,
)


def calls(agent: str, n: int, *, queues=("q1",), rated_every: int = 0, start: int = 0):
    out = []
    for i in range(start, start + n):
        rated = None if not rated_every else (i % rated_every != 0)
        out.append(
            Interaction(f"{agent}-{i:04d}", agent, queue=queues[i % len(queues)], rated=rated)
        )
    return out


def test_fixed_count_per_agent():
    plan = plan_from_dict({"mode": "count", "count": 25, "seed": "2026-03"})
    pop = calls("A", 300) + calls("B", 10)
    s = draw_sample(plan, pop)
    assert len(s["A"]) == 25 and len(s["B"]) == 10  # B has fewer than 25: all of them
    assert len({p.interaction.id for p in s["A"]}) == 25


def test_share_with_minimum_and_maximum():
    plan = plan_from_dict({"mode": "share", "share": "2%", "minimum": 20, "maximum": 30})
    s = draw_sample(plan, calls("A", 500) + calls("B", 2000) + calls("C", 1200))
    # A: 2% of 500 = 10 -> minimum 20; B: 40 -> maximum 30; C: 24
    assert {a: len(p) for a, p in s.items()} == {"A": 20, "B": 30, "C": 24}


def test_share_rounds_up():
    plan = plan_from_dict({"mode": "share", "share": "0.05"})
    assert len(draw_sample(plan, calls("A", 101))["A"]) == 6  # 5.05 -> 6


def test_unrated_rule_takes_thirty_percent():
    """20 per agent, 30% (6) of them on calls the customer did not rate."""
    plan = plan_from_dict(
        {
            "mode": "count",
            "count": 20,
            "rules": [{"match": {"rated": False}, "share": 0.3, "label": "未评价"}],
        }
    )
    pop = calls("A", 200, rated_every=4)  # every 4th call unrated: 50 unrated, 150 rated
    picks = draw_sample(plan, pop)["A"]
    unrated = [p for p in picks if p.interaction.rated is False]
    by_rule = [p for p in picks if p.reason.startswith("rule:未评价")]
    assert len(picks) == 20 and len(by_rule) == 6 and len(unrated) >= 6


def test_rule_with_too_few_matches_fills_from_the_rest():
    plan = plan_from_dict(
        {"mode": "count", "count": 10, "rules": [{"match": {"rated": False}, "share": 0.5}]}
    )
    pop = calls("A", 40, rated_every=20)  # only 2 unrated calls
    picks = draw_sample(plan, pop)["A"]
    assert len(picks) == 10
    assert sum(1 for p in picks if p.reason.startswith("rule:")) == 2


def test_stratified_by_queue_is_proportional():
    plan = plan_from_dict({"mode": "count", "count": 20, "stratify": "queue"})
    # 300 calls: queues cycle q1,q1,q1,q2 -> 225 q1, 75 q2 -> 15 and 5
    pop = calls("A", 300, queues=("q1", "q1", "q1", "q2"))
    picks = draw_sample(plan, pop)["A"]
    counts = {q: sum(1 for p in picks if p.interaction.queue == q) for q in ("q1", "q2")}
    assert counts == {"q1": 15, "q2": 5}
    assert all(p.reason.startswith("stratum:queue=") for p in picks)


def test_reproducible_and_order_independent():
    plan = plan_from_dict(
        {
            "mode": "count",
            "count": 12,
            "stratify": "queue",
            "seed": 7,
            "rules": [{"match": {"rated": False}, "share": 0.25}],
        }
    )
    pop = calls("A", 150, queues=("a", "b", "c"), rated_every=3) + calls("B", 80, queues=("a", "b"))
    first = draw_sample(plan, pop)
    shuffled = list(pop)
    random.Random(1).shuffle(shuffled)
    second = draw_sample(plan, shuffled)
    assert {a: [p.interaction.id for p in ps] for a, ps in first.items()} == {
        a: [p.interaction.id for p in ps] for a, ps in second.items()
    }
    other_seed = draw_sample(plan_from_dict({"mode": "count", "count": 12, "seed": 8}), pop)
    assert [p.interaction.id for p in other_seed["A"]] != [p.interaction.id for p in first["A"]]


def test_unanswered_calls_are_not_sampled():
    plan = plan_from_dict({"mode": "count", "count": 5})
    s = draw_sample(plan, [Interaction("x", ""), *calls("A", 3)])
    assert list(s) == ["A"]


def test_duplicate_interaction_rejected():
    plan = plan_from_dict({"mode": "count", "count": 5})
    with pytest.raises(PlanError, match="appears twice"):
        draw_sample(plan, calls("A", 3) + calls("A", 1))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"mode": "all"}, "mode: must be count or share"),
        ({"mode": "count", "count": 0}, "count: must be at least 1"),
        ({"mode": "count", "count": "x"}, "count: 'x' is not a whole number"),
        ({"mode": "share", "share": 0}, "share: must be above 0"),
        ({"mode": "share", "share": "150%"}, "share: must be above 0"),
        ({"mode": "share", "share": 0.1, "minimum": 10, "maximum": 5}, "maximum: must be at least"),
        (
            {
                "mode": "count",
                "count": 5,
                "rules": [
                    {"match": {"rated": False}, "share": 0.7},
                    {"match": {"queue": "v"}, "share": 0.5},
                ],
            },
            "add up to more than 100%",
        ),
        (
            {"mode": "count", "count": 5, "rules": [{"match": "rated", "share": 0.3}]},
            "rules[0].match",
        ),
        (
            {"mode": "count", "count": 5, "rules": [{"match": {}, "share": 0.3}]},
            "names no condition",
        ),
    ],
)
def test_plan_errors(data, message):
    with pytest.raises(PlanError, match=message.replace("[", r"\[").replace("]", r"\]")):
        plan_from_dict(data)


def test_allocate_largest_remainder():
    assert allocate(10, {"a": 1, "b": 1, "c": 1}) == {"a": 1, "b": 1, "c": 1}
    assert allocate(2, {"a": 1, "b": 1, "c": 1}) == {"a": 1, "b": 1, "c": 0}
    assert allocate(7, {"a": 50, "b": 30, "c": 20}) == {"a": 4, "b": 2, "c": 1}
    assert allocate(0, {"a": 5}) == {"a": 0}


@settings(max_examples=200, deadline=None)
@given(n=st.integers(0, 60), sizes=st.lists(st.integers(0, 30), min_size=1, max_size=6))
def test_allocate_properties(n, sizes):
    s = {f"s{i}": v for i, v in enumerate(sizes)}
    out = allocate(n, s)
    assert sum(out.values()) == min(n, sum(sizes))
    assert all(0 <= out[k] <= s[k] for k in s)


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(1, 80),
    count=st.integers(1, 30),
    share=st.sampled_from([D("0.1"), D("0.3"), D("0.5")]),
    seed=st.integers(0, 10),
)
def test_sample_properties(n, count, share, seed):
    plan = plan_from_dict(
        {
            "mode": "count",
            "count": count,
            "seed": seed,
            "stratify": "queue",
            "rules": [{"match": {"rated": False}, "share": share}],
        }
    )
    pop = calls("A", n, queues=("a", "b", "c"), rated_every=3)
    picks = draw_sample(plan, pop)["A"]
    ids = [p.interaction.id for p in picks]
    assert len(ids) == len(set(ids)) == min(count, n)
    assert set(ids) <= {i.id for i in pop}


def test_assign_balances_by_capacity_and_never_self():
    plan = plan_from_dict({"mode": "count", "count": 10})
    picks = draw_sample(plan, calls("A", 50) + calls("B", 50) + calls("C", 50) + calls("D", 50))
    inspectors = [
        Inspector("Q1", capacity=30, load=0, exclude_agents=frozenset({"A"})),
        Inspector("Q2", capacity=10, load=0),
    ]
    a = assign(picks, inspectors)
    load = workload(a)
    assert load == {"Q1": 30, "Q2": 10}
    assert all(a[p.interaction.id] == "Q2" for p in picks["A"])


def test_assign_takes_existing_load_into_account():
    plan = plan_from_dict({"mode": "count", "count": 5})
    picks = draw_sample(plan, calls("A", 5) + calls("B", 5))
    a = assign(picks, [Inspector("Q1", load=20), Inspector("Q2", load=0)])
    assert workload(a) == {"Q2": 10}


def test_assign_errors():
    with pytest.raises(PlanError, match="no inspector"):
        assign({"A": []}, [])
    picks = draw_sample(plan_from_dict({"mode": "count", "count": 1}), calls("A", 1))
    with pytest.raises(PlanError, match="no inspector may inspect agent A"):
        assign(picks, [Inspector("Q", exclude_agents=frozenset({"A"}))])
