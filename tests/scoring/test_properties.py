"""Properties that hold for any input: monotonic rules, additive sections, clamped totals."""

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from csperf.scoring import numbers as N

from .helpers import D, one_item, run, template

values = st.decimals(min_value=-2, max_value=3, places=4, allow_nan=False, allow_infinity=False)
HIGHER_IS_BETTER = [
    {
        "type": "tiers",
        "scale": 100,
        "tiers": [
            {"gte": 0.75, "score": 100},
            {"gte": 0.65, "score": 80},
            {"gte": 0.5, "score": 60},
            {"score": 0},
        ],
    },
    {"type": "linear", "points": [[0.5, 2], [0.8, 8], [0.9, 10]], "below": 0},
    {"type": "step", "target": 0.8, "step": 0.01, "per_step": 2, "bonus_per_step": 1, "max": 15},
    {"type": "step", "target": 0.8, "step": 0.05, "per_step": 3, "rounding": "ceil"},
    {"type": "step", "target": 0.8, "step": 0.05, "per_step": 3, "rounding": "floor"},
    {"type": "ratio", "target": 0.9, "cap": 1.2},
    {
        "type": "formula",
        "expr": "clamp(full * (1 - (0.70 - value) * 5), 0, full) if value < 0.70 else full",
    },
]
TEMPLATES = [one_item(rule, points=10) for rule in HIGHER_IS_BETTER]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(range(len(TEMPLATES))), values, values)
def test_higher_value_never_scores_lower(idx, a, b):
    low, high = sorted((a, b))
    r = run(TEMPLATES[idx], {"values": {"x": low}}, {"values": {"x": high}})
    assert r.results[0].item("i").score <= r.results[1].item("i").score


LOWER = one_item(
    {"type": "step", "target": 30, "better": "lower", "step": 1, "per_step": 0.5}, points=10
)


@settings(max_examples=200, deadline=None)
@given(
    st.decimals(min_value=0, max_value=100, places=2),
    st.decimals(min_value=0, max_value=100, places=2),
)
def test_lower_is_better_never_rewards_more(a, b):
    low, high = sorted((a, b))
    r = run(LOWER, {"values": {"x": low}}, {"values": {"x": high}})
    assert r.results[0].item("i").score >= r.results[1].item("i").score


points = st.integers(min_value=1, max_value=60)


@st.composite
def cards(draw):
    n_items = draw(st.integers(min_value=1, max_value=6))
    items = []
    emp_values = {}
    for i in range(n_items):
        p = draw(points)
        items.append(
            {
                "code": f"i{i}",
                "value": f"v{i}",
                "points": p,
                "rule": {"type": "linear", "points": [[0, 0], [1, p]]},
            }
        )
        emp_values[f"v{i}"] = draw(st.none() | st.decimals(min_value=0, max_value=1, places=3))
    bonus = draw(st.integers(min_value=0, max_value=30))
    deduction = draw(st.integers(min_value=0, max_value=30))
    total = {"min": draw(st.integers(0, 20)), "max": draw(st.integers(60, 120))}
    t = template(
        [
            {
                "code": "kpi",
                "weight": draw(st.sampled_from([D("0.8"), D(1), D("0.35")])),
                "items": items,
            },
            {
                "code": "plus",
                "kind": "bonus",
                "max": 10,
                "items": [
                    {
                        "code": "b",
                        "value": "b",
                        "points": 30,
                        "rule": {"type": "linear", "points": [[0, 0], [30, 30]]},
                    }
                ],
            },
            {
                "code": "minus",
                "kind": "deduction",
                "items": [
                    {
                        "code": "d",
                        "value": "d",
                        "points": 30,
                        "rule": {"type": "linear", "points": [[0, 0], [30, 30]]},
                    }
                ],
            },
        ],
        total=total,
    )
    emp_values.update(b=bonus, d=deduction)
    return t, emp_values, total


@settings(max_examples=300, deadline=None)
@given(cards())
def test_contributions_add_up_and_totals_stay_in_clamps(card):
    t, vals, total = card
    r = run(t, {"values": vals}).results[0]
    with N.engine_context():  # compare at the engine's 50 digits
        _check_card(t, r, total)


def _check_card(t, r, total):
    kpi = r.sections[0]
    present = [i.contribution for i in kpi.items if i.contribution is not None]
    if present:
        assert sum(present, Decimal(0)) == kpi.score
        # the renormalised section keeps its full: a perfect score on what is present is full
        assert kpi.score <= kpi.full
    else:
        assert kpi.score == 0
    assert r.sections[1].score <= 10
    assert total["min"] <= r.total <= total["max"]
    assert r.total == N.round2(r.unrounded_total)
    expected = N.clamp(
        kpi.score * t.sections[0].effective_weight + r.sections[1].score - r.sections[2].score,
        D(total["min"]),
        D(total["max"]),
    )
    assert r.unrounded_total == expected
