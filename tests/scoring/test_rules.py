"""Each rule type, at and around its boundaries."""

from decimal import Context, Decimal

import pytest

from csperf.scoring import InputError, TemplateError

from .helpers import D, item_score, one_item, run

TIERS = {
    "type": "tiers",
    "scale": 100,
    "tiers": [
        {"gte": 0.75, "score": 100},
        {"gte": 0.65, "score": 80},
        {"gte": 0.50, "score": 60},
        {"score": 0},
    ],
}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0.75", 100),
        ("0.7499", 80),
        ("0.65", 80),
        ("0.64999", 60),
        ("0.50", 60),
        ("0.4999", 0),
        ("-1", 0),
        ("5", 100),
    ],
)
def test_tiers_inclusive_boundaries(value, expected):
    assert item_score(TIERS, D(value), points=35) == expected


def test_tiers_contribution_and_explain():
    r = run(one_item(TIERS, points=35), {"values": {"x": D("0.70")}}).results[0].item("i")
    assert r.contribution == 28
    assert r.explain == "0.70 >= 0.65 -> 80/100 x 35 = 28"


def test_tiers_exclusive_and_lower_is_better():
    rule = {"type": "tiers", "tiers": [{"lte": 30, "score": 10}, {"gt": 30, "lt": 60, "score": 5}]}
    assert item_score(rule, 30) == 10
    assert item_score(rule, D("30.01")) == 5
    assert item_score(rule, D("59.99")) == 5


def test_tiers_no_match_scores_zero_and_flags():
    rule = {"type": "tiers", "tiers": [{"lte": 30, "score": 10}]}
    res = run(one_item(rule), {"values": {"x": 31}}).results[0]
    assert res.item("i").score == 0
    assert res.flags == ["s.i: no tier matches -> 0"]


LINEAR = {"type": "linear", "points": [[80, 16], [90, 20]], "below": 0}


@pytest.mark.parametrize(
    ("value", "expected"),
    [(95, 20), (90, 20), (85, 18), (80, 16), (D("79.99"), 0), (D("82.5"), 17)],
)
def test_linear(value, expected):
    assert item_score(LINEAR, value, points=20) == expected


def test_linear_below_defaults_to_first_score_and_single_pair():
    assert item_score({"type": "linear", "points": [[80, 16], [90, 20]]}, 10, points=20) == 16
    assert item_score({"type": "linear", "points": [[80, 16]]}, 100, points=20) == 16


def test_linear_interpolation_is_exact():
    rule = {"type": "linear", "points": [[0, 0], [3, 10]]}
    # 50 significant digits, never rounded in between
    assert item_score(rule, 1, points=10) == Context(prec=50).divide(D(10), D(3))


STEP = {"type": "step", "target": 0.80, "step": 0.01, "per_step": 2}


@pytest.mark.parametrize(
    ("value", "expected"),
    [("0.80", 20), ("0.90", 20), ("0.79", 18), ("0.755", 11), ("0.70", 0), ("0.10", 0)],
)
def test_step_exact_higher(value, expected):
    # 每低1%扣2分, 扣完为止 on 20 points.
    assert item_score(STEP, D(value), points=20) == expected


def test_step_rounding_ceil_floor():
    assert item_score({**STEP, "rounding": "ceil"}, D("0.795"), points=20) == 18
    assert item_score({**STEP, "rounding": "floor"}, D("0.795"), points=20) == 20
    assert item_score({**STEP, "rounding": "exact"}, D("0.795"), points=20) == 19


def test_step_lower_is_better_with_bonus_and_bounds():
    rule = {"type": "step", "target": 0.015, "better": "lower", "step": 0.005, "per_step": 4}
    assert item_score(rule, D("0.015"), points=10) == 10
    assert item_score(rule, D("0.020"), points=10) == 6
    assert item_score(rule, D("0.010"), points=10) == 10  # better than target: no bonus by default
    bonus = {**rule, "bonus_per_step": 1, "max": 12}
    assert item_score(bonus, D("0.005"), points=10) == 12
    assert item_score({**bonus, "max": "full"}, D("0.005"), points=10) == 10
    negative = {**rule, "min": -5}
    assert item_score(negative, D("0.05"), points=10) == -5


def test_step_start_and_target_reported():
    t = one_item({**STEP, "start": 15})
    item = run(t, {"values": {"x": D("0.78")}}).results[0].item("i")
    assert item.score == 10  # 15 - 2 x 2 = 11, but max defaults to full (10)
    t = one_item({**STEP, "start": 15, "max": 20})
    item = run(t, {"values": {"x": D("0.78")}}).results[0].item("i")
    assert item.score == 11
    assert item.target == D("0.80")


def test_step_by_period_targets():
    rule = {
        **STEP,
        "target": {
            "by_period": {
                "2026-01": 0.82,
                "2026-Q2": 0.78,
                "2026-H2": 0.70,
                "2026": 0.9,
                "default": 0.5,
            }
        },
    }
    t = one_item(rule, points=20)
    emp = {"values": {"x": D("0.80")}}
    assert run(t, emp, period="2026-01").results[0].item("i").target == D("0.82")
    assert run(t, emp, period="2026-05").results[0].item("i").target == D("0.78")
    assert run(t, emp, period="2026-10").results[0].item("i").target == D("0.70")
    assert run(t, emp, period="2026-03").results[0].item("i").target == D("0.9")
    assert run(t, emp, period="2027-03").results[0].item("i").target == D("0.5")


def test_by_period_without_match_or_default_is_an_error_naming_its_path():
    rule = {**STEP, "target": {"by_period": {"2026-01": 0.82}}}
    with pytest.raises(TemplateError) as exc:
        run(one_item(rule), {"values": {"x": 1}}, period="2026-02")
    assert "sections[0].items[0].rule.target" in str(exc.value)
    assert "2026-02" in str(exc.value)


def test_assigned_targets():
    rule = {"type": "ratio", "target": {"assigned": True}}
    t = one_item(rule, points=20)
    res = run(t, {"values": {"x": 90000}, "targets": {"i": 100000}}).results[0].item("i")
    assert res.score == 18 and res.target == 100000
    with pytest.raises(InputError) as exc:
        run(t, {"values": {"x": 90000}})
    assert "employees[0].targets.i: missing assigned target" in str(exc.value)
    with pytest.raises(InputError) as exc:
        run(t, {"values": {"x": 1}, "targets": {"i": 0}})
    assert "greater than 0" in str(exc.value)


def test_per_count_simple_and_zero_at():
    rule = {"type": "per_count", "start": "full", "per": -2, "zero_at": 3}
    assert item_score(rule, 0, points=10) == 10
    assert item_score(rule, 2, points=10) == 6
    assert item_score(rule, 3, points=10) == 0
    assert item_score({**rule, "zero_at": None}, 10, points=10) == 0  # clamped at min 0
    assert item_score(rule, None, points=10) == 10  # a missing count is 0


def test_per_count_map_with_max():
    rule = {
        "type": "per_count",
        "start": 0,
        "per": {"letter": 1, "department": 2, "company": 3, "media": 5},
        "max": 10,
    }
    assert item_score(rule, {"letter": 1, "company": 1}, points=10) == 4
    assert item_score(rule, {"media": 3}, points=10) == 10
    assert item_score(rule, {}, points=10) == 0


def test_per_count_unknown_kind_is_flagged_not_scored():
    rule = {"type": "per_count", "start": "full", "per": {"late_count": -2}}
    res = run(one_item(rule), {"values": {"x": {"late": 3}}}).results[0]
    assert res.item("i").score == 10
    assert res.flags == ["s.i: kinds not in the rule ignored: late"]


def test_per_count_zero_at_counts_all_kinds():
    rule = {"type": "per_count", "start": "full", "per": {"a": -1, "b": -2}, "zero_at": 3}
    assert item_score(rule, {"a": 2, "b": 1}, points=15) == 0
    assert item_score(rule, {"a": 1, "b": 1}, points=15) == 12
    # "the total count over all kinds": a kind with no points still counts towards zero_at
    assert item_score(rule, {"a": 1, "b": 1, "c": 1}, points=15) == 0


def test_per_count_negative_count_is_an_input_error():
    with pytest.raises(InputError) as exc:
        run(one_item({"type": "per_count", "start": 0, "per": 1}), {"values": {"x": -1}})
    assert "employees[0].values.x: a count cannot be negative" in str(exc.value)


@pytest.mark.parametrize(
    ("better", "value", "expected"),
    [
        ("higher", 50, 10),
        ("higher", 150, 20),
        ("higher", 100, 20),
        ("lower", 200, 10),
        ("lower", 50, 20),
        ("lower", 0, 20),
    ],
)
def test_ratio(better, value, expected):
    assert (
        item_score({"type": "ratio", "target": 100, "better": better}, value, points=20) == expected
    )


def test_ratio_cap():
    assert item_score({"type": "ratio", "target": 100, "cap": 1.2}, 150, points=20) == 24
    assert (
        item_score({"type": "ratio", "target": 100, "cap": 1.2, "better": "lower"}, 0, points=20)
        == 24
    )


LEVELS = {
    "type": "levels",
    "scale": 50,
    "levels": [{"level": n, "score": n * 10, "anchor": f"L{n}"} for n in range(1, 6)],
}


def test_levels_weighted_raters():
    t = one_item(LEVELS, points=20, raters={"self": 0.2, "supervisor": 0.8})
    res = run(t, {"ratings": {"i": {"self": 4, "supervisor": 3}}}).results[0].item("i")
    # (0.2 x 40 + 0.8 x 30) = 32 on a 50 scale -> 32/50 x 20 = 12.8
    assert res.score == 32 and res.contribution == D("12.8")


def test_levels_missing_rater_renormalises_and_unknown_ignored():
    t = one_item(LEVELS, points=50, raters={"self": 0.2, "supervisor": 0.8})
    res = run(t, {"ratings": {"i": {"self": 4, "hr": 1}}}).results[0].item("i")
    assert res.score == 40


def test_undeclared_raters_are_ignored_even_with_bad_ratings():
    t = one_item(LEVELS, points=50, raters={"self": 0.2, "supervisor": 0.8})
    res = run(t, {"ratings": {"i": {"supervisor": 3, "hr": 9}}}).results[0].item("i")
    assert res.score == 30


def test_x_keys_in_raters_and_per_maps_are_extensions():
    t = one_item(
        LEVELS,
        points=50,
        raters={"mode": "last", "order": ["self", "supervisor"], "x-note": "复评"},
    )
    assert run(t, {"ratings": {"i": {"self": 2}}}).results[0].item("i").score == 20
    rule = {"type": "per_count", "start": 0, "per": {"letter": 1, "x-note": "表扬信"}}
    assert item_score(rule, {"letter": 2}, points=10) == 2


def test_levels_unknown_level_is_an_error():
    t = one_item(LEVELS, points=50)
    with pytest.raises(InputError) as exc:
        run(t, {"ratings": {"i": {"supervisor": 6}}})
    assert "employees[0].ratings.i.supervisor: unknown level 6" in str(exc.value)


def test_last_mode_takes_the_last_rater_in_order():
    t = one_item(
        LEVELS, points=50, raters={"mode": "last", "order": ["self", "supervisor", "reviewer"]}
    )
    assert run(t, {"ratings": {"i": {"self": 5, "supervisor": 3}}}).results[0].item("i").score == 30
    assert (
        run(t, {"ratings": {"i": {"self": 5, "supervisor": 3, "reviewer": 4}}})
        .results[0]
        .item("i")
        .score
        == 40
    )
    assert run(t, {"ratings": {"i": {"self": 5}}}).results[0].item("i").score == 50
    assert run(t, {"ratings": {"i": {"other": 5}}}).results[0].item("i").excluded


def test_default_raters_is_supervisor():
    t = one_item({"type": "manual", "min": 0, "max": 20}, points=20)
    assert run(t, {"ratings": {"i": {"supervisor": 15}}}).results[0].item("i").score == 15
    assert run(t, {"ratings": {"i": {"self": 15}}}).results[0].item("i").excluded


def test_manual_out_of_range_is_an_error():
    t = one_item({"type": "manual", "min": 0, "max": 20}, points=20)
    with pytest.raises(InputError) as exc:
        run(t, {"ratings": {"i": {"supervisor": 21}}})
    assert "employees[0].ratings.i.supervisor: score 21 is outside 0–20" in str(exc.value)


RELATIVE = {
    "type": "relative",
    "tiers": [
        {"gte": 0.95, "score": 10},
        {"gte": 0.90, "score": 8},
        {"gte": 0.80, "score": 5},
        {"gte": 0.50, "score": 3},
        {"score": 0},
    ],
}


def test_relative_against_mean_of_all():
    t = one_item(RELATIVE, points=10)
    r = run(t, {"values": {"x": 100}}, {"values": {"x": 90}}, {"values": {"x": 50}}, {"values": {}})
    # mean of present values = 80: 100/80 = 1.25 -> 10; 90/80 = 1.125 -> 10; 50/80 = 0.625 -> 3
    assert [x.item("i").score for x in r.results[:3]] == [10, 10, 3]
    assert r.results[3].item("i").excluded


def test_relative_median_max_and_groups():
    t = one_item({**RELATIVE, "stat": "median", "peers": "team"}, points=10)
    r = run(
        t,
        {"team": "A", "values": {"x": 100}},
        {"team": "A", "values": {"x": 80}},
        {"team": "A", "values": {"x": 60}},
        {"team": "A", "values": {"x": 10}},
        {"team": "B", "values": {"x": 5}},
    )
    # team A median of (10, 60, 80, 100) = 70: 100/70 -> 10, 60/70 = 0.857 -> 5; team B alone: 1 -> 10
    assert [x.item("i").score for x in r.results] == [10, 10, 5, 0, 10]
    t = one_item({**RELATIVE, "stat": "max"}, points=10)
    r = run(t, {"values": {"x": 100}}, {"values": {"x": 91}})
    assert [x.item("i").score for x in r.results] == [10, 8]


def test_relative_zero_statistic_makes_item_missing():
    t = one_item(RELATIVE, points=10, missing="zero")
    r = run(t, {"values": {"x": 0}}, {"values": {"x": 0}})
    assert r.results[0].item("i").score == 0
    assert r.results[0].item("i").value == 0  # the employee's own value is still shown
    assert "peer mean is 0" in r.results[0].item("i").explain
    assert r.results[0].flags == ["s.i: peer mean is 0"]  # flagged whatever the policy


def test_formula_rule():
    rule = {
        "type": "formula",
        "expr": "clamp(full * (1 - (0.70 - value) * 5), 0, full) if value < 0.70 else full",
    }
    assert item_score(rule, D("0.60")) == 5
    assert item_score(rule, D("0.80")) == 10
    assert item_score(rule, D("0.40")) == 0


def test_formula_names():
    rule = {
        "type": "formula",
        "expr": "v.bonus + points - full + peer_mean + target",
        "target": 3,
        "scale": 4,
    }
    t = one_item(rule, points=10)
    r = run(t, {"values": {"x": 2, "bonus": 1}}, {"values": {"x": 4, "bonus": 1}})
    # 1 + 10 - 4 + mean(2, 4) + 3 = 13
    assert r.results[0].item("i").score == 13


def test_formula_missing_v_name_makes_item_missing():
    t = one_item({"type": "formula", "expr": "value + v.other"})
    res = run(t, {"values": {"x": 1}}).results[0]
    assert res.item("i").excluded
    assert res.flags[0] == "s.i: no data for v.other -> excluded"


def test_formula_zero_by_zero_is_a_division_error():
    res = run(one_item({"type": "formula", "expr": "value / value"}), {"values": {"x": 0}}).results[
        0
    ]
    assert res.flags == ["s.i: formula error: division by zero"]


def test_formula_runtime_error_scores_zero_and_flags():
    t = one_item({"type": "formula", "expr": "full / value"})
    res = run(t, {"values": {"x": 0}}).results[0]
    assert res.item("i").score == 0
    assert res.flags == ["s.i: formula error: division by zero"]


def test_value_of_wrong_type_is_an_input_error():
    t = one_item(TIERS)
    with pytest.raises(InputError) as exc:
        run(t, {"values": {"x": "0.7"}})
    assert "employees[0].values.x: expected a number" in str(exc.value)


def test_float_inputs_are_read_as_their_decimal_text():
    assert item_score(STEP, 0.79, points=20) == Decimal(18)


def test_explanations_show_computed_values_to_6_decimals():
    r = run(one_item(TIERS, points=35), {"values": {"x": D("0.72210300429184549356")}}).results[0]
    assert r.item("i").explain == "0.722103 >= 0.65 -> 80/100 x 35 = 28"
    assert r.item("i").value == D("0.72210300429184549356")  # the value itself is not rounded
