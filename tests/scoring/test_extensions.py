"""The contract extensions G1–G10 and input domains (docs/scorecards.md §18)."""

from __future__ import annotations

import pytest

from csperf.scoring import InputError, TemplateError, score, template_from_data

from .helpers import D, one_item, run, template


def linear(code: str, points: int = 10, value: str | None = None, **kw):
    return {
        "code": code,
        "value": value or code,
        "points": points,
        "rule": {"type": "linear", "points": [[0, 0], [points, points]]},
        **kw,
    }


# -- G1: year-less targets --------------------------------------------------------------------

YEARLESS = {"by_period": {"M03": 0.97, "Q1": 0.90, "H2": 0.80, "2026-03": 0.50}}


def step_target(target):
    return one_item(
        {"type": "step", "target": target, "step": 0.01, "per_step": 1}, points=10, value="x"
    )


@pytest.mark.parametrize(
    ("period", "target"),
    [
        ("2026-03", D("0.50")),  # a year-specific key beats every year-less one
        ("2027-03", D("0.97")),  # M03 (month of the year) before Q1
        ("2027-02", D("0.90")),  # Q1 covers February of any year
        ("2031-11", D("0.80")),  # H2
    ],
)
def test_yearless_keys_apply_to_every_year(period, target):
    r = run(step_target(YEARLESS), {"values": {"x": 1}}, period=period).results[0]
    assert r.item("i").target == target


def test_a_period_no_key_covers_is_an_error_not_a_default():
    # Q2 of 2027: no year-less key, no default -> the template cannot score it.
    with pytest.raises(TemplateError, match="no entry for 2027-05 and no default"):
        run(step_target(YEARLESS), {"values": {"x": 1}}, period="2027-05")


def test_default_comes_after_yearless_keys():
    t = step_target({"by_period": {"Q1": 0.9, "default": 0.5}})
    assert run(t, {"values": {"x": 1}}, period="2027-02").results[0].item("i").target == D("0.9")
    assert run(t, {"values": {"x": 1}}, period="2027-05").results[0].item("i").target == D("0.5")


@pytest.mark.parametrize("key", ["M13", "M3", "Q5", "H3", "q1"])
def test_bad_yearless_keys_are_refused(key):
    with pytest.raises(TemplateError, match="by_period"):
        step_target({"by_period": {key: 0.9}})


# -- G2: alerts on input values ---------------------------------------------------------------


def alert_template(when, consecutive=1):
    return template(
        [{"code": "s", "items": [linear("a")]}],
        alerts=[{"when": when, "consecutive": consecutive, "message": "跟班学习"}],
    )


AND = {
    "all": [
        {"value": "rating_rate", "lt": 0.35},
        {"value": "dissatisfied", "gte": 10},
    ]
}


@pytest.mark.parametrize(
    ("rating", "dissatisfied", "fires"),
    [
        (0.30, 12, True),
        (0.35, 12, False),  # 未达35%: 0.35 itself is reached
        (0.30, 9, False),  # 10条以上 includes 10, 9 is not enough
        (0.30, 10, True),
        (None, 12, False),  # a condition on a missing value does not hold
    ],
)
def test_alert_on_values_with_and(rating, dissatisfied, fires):
    values = {"a": 5, "rating_rate": rating, "dissatisfied": dissatisfied}
    r = run(alert_template(AND), {"values": values}).results[0]
    assert r.alerts == (["跟班学习"] if fires else [])


def test_value_alert_across_periods_reads_history_values():
    t = alert_template({"value": "late", "gte": 3}, consecutive=2)
    history = [{"period": "2026-02", "total": 5, "values": {"late": 4}}]
    assert run(t, {"values": {"a": 5, "late": 3}, "history": history}).results[0].alerts == [
        "跟班学习"
    ]
    history = [{"period": "2026-02", "total": 5, "values": {"late": 1}}]
    assert run(t, {"values": {"a": 5, "late": 3}, "history": history}).results[0].alerts == []


def test_value_and_result_conditions_combine():
    t = alert_template({"all": [{"total_lt": 6}, {"value": "late", "gte": 1}]})
    assert run(t, {"values": {"a": 5, "late": 1}}).results[0].alerts == ["跟班学习"]
    assert run(t, {"values": {"a": 7, "late": 1}}).results[0].alerts == []


@pytest.mark.parametrize(
    ("when", "fragment"),
    [
        ({"value": "x"}, "needs a condition"),
        ({"lt": 1}, "needs the value it tests"),
        ({"all": []}, "at least one condition"),
        ({"all": [{"value": "x"}]}, "alerts[0].when.all[0]"),
    ],
)
def test_bad_value_alerts_are_refused(when, fragment):
    with pytest.raises(TemplateError) as exc:
        alert_template(when)
    assert fragment in exc.value.render()


# -- G3/G4: fixed amounts and bracketed commission ---------------------------------------------


def pay_template(components, base=750):
    return template(
        [{"code": "s", "items": [linear("a", 100)]}],
        pay={"base": base, "mode": "proportional", "components": components},
    )


def test_fixed_amounts_are_paid_unconditionally():
    t = pay_template([{"name": "底薪", "x-amount": 800}, {"name": "津贴", "x-amount": 200}])
    r = run(t, {"values": {"a": 88}}).results[0]
    assert r.pay == D("1660.00")  # 750 x 0.88 + 800 + 200


BRACKETS = [
    {"gte": 1000, "lte": 5000, "rate": 0.01},
    {"gte": 5001, "lte": 10000, "rate": 0.02},
    {"gt": 10000, "rate": 0.03},
]


@pytest.mark.parametrize(
    ("sales", "commission"),
    [
        (999, D(0)),  # below the first bracket: none
        (1000, D("10")),
        (5000, D("50")),  # the whole 5000 at the first bracket's rate
        (5001, D("100.02")),  # the whole 5001 at 2 %
        (20000, D("600")),
    ],
)
def test_bracketed_commission_applies_one_rate_to_the_whole_value(sales, commission):
    t = pay_template(
        [{"name": "提成", "value": "sales", "x-rate-tiers": BRACKETS, "x-tier-mode": "whole"}],
        base=0,
    )
    assert run(t, {"values": {"a": 50, "sales": sales}}).results[0].pay == commission


@pytest.mark.parametrize(
    ("component", "fragment"),
    [
        ({"name": "x", "x-amount": 1, "rate": 1}, "fixed sum"),
        ({"name": "x", "value": "s", "x-rate-tiers": BRACKETS, "rate": 1}, "replaces rate"),
        (
            {"name": "x", "value": "s", "x-rate-tiers": [{"rate": 1}, {"gte": 1, "rate": 2}]},
            "fallback",
        ),
        ({"name": "x", "value": "s", "x-rate-tiers": BRACKETS, "x-tier-mode": "marginal"}, "whole"),
        ({"name": "x", "value": "s", "x-amount": 5}, "goes with x-when"),
    ],
)
def test_bad_pay_extensions_are_refused(component, fragment):
    with pytest.raises(TemplateError) as exc:
        pay_template([component])
    assert fragment in exc.value.render()


# -- G5: values from other cards ----------------------------------------------------------------


def test_from_card_is_declared_on_the_item_and_scored_as_an_input():
    t = template(
        [
            {
                "code": "s",
                "items": [
                    linear(
                        "office",
                        100,
                        value="office_total",
                        **{"x-from-card": {"template": "office-card", "scope": "department"}},
                    )
                ],
            }
        ]
    )
    card = t.item("office").from_card
    assert (card.template, card.scope, card.stat) == ("office-card", "department", "total")
    assert run(t, {"values": {"office_total": 94.2}}).results[0].total == D("94.20")


@pytest.mark.parametrize(
    ("spec", "fragment"),
    [
        ({"template": "Bad Code"}, "template code"),
        ({"template": "ok", "scope": "company"}, "self, team or department"),
        ({"template": "ok", "stat": "max"}, "total or mean"),
        ({"template": "ok", "extra": 1}, "unknown key"),
    ],
)
def test_bad_from_card_is_refused(spec, fragment):
    with pytest.raises(TemplateError) as exc:
        template([{"code": "s", "items": [linear("a", **{"x-from-card": spec})]}])
    assert "x-from-card" in exc.value.render() and fragment in exc.value.render()


# -- G6: values entered by several raters ----------------------------------------------------

COUNT = {"type": "per_count", "start": "full", "per": -1, "zero_at": 3}


def count_item(raters):
    return one_item(COUNT, points=5, value="violations", raters=raters)


def test_the_last_rater_who_entered_a_count_decides():
    t = count_item({"mode": "last", "order": ["supervisor", "reviewer", "property_manager"]})
    r = run(t, {"ratings": {"i": {"supervisor": 2, "reviewer": 1}}}).results[0]
    assert r.item("i").score == D(4)  # reviewer's 1 violation
    assert "reviewer" in r.item("i").explain


def test_without_ratings_the_item_reads_its_value():
    t = count_item({"mode": "last", "order": ["supervisor", "reviewer"]})
    assert run(t, {"values": {"violations": 3}}).results[0].item("i").score == D(0)


def test_weighted_raters_average_counts_by_kind():
    rule = {"type": "per_count", "start": 10, "per": {"minor": -1, "major": -2}}
    t = one_item(rule, value="events", raters={"supervisor": 0.5, "reviewer": 0.5})
    ratings = {"i": {"supervisor": {"minor": 2}, "reviewer": {"minor": 2, "major": 1}}}
    # minor (2 + 2)/2 = 2, major (0 + 1)/2 = 0.5 -> 10 - 2 - 1 = 7
    assert run(t, {"ratings": ratings}).results[0].item("i").score == D(7)


def test_an_entered_count_is_checked_like_an_input():
    t = count_item({"mode": "last", "order": ["supervisor"]})
    with pytest.raises(InputError, match=r"ratings\.i\.supervisor: a count cannot be negative"):
        run(t, {"ratings": {"i": {"supervisor": -1}}})


# -- G7/G10: get() and prev() in formulas ----------------------------------------------------


def formula(expr, **kw):
    return one_item({"type": "formula", "expr": expr, "scale": 20}, points=25, **kw)


def test_get_gives_the_default_for_a_missing_value():
    t = formula(
        "full - 5 * ((1 if get(v.r2h, 0) < 1 else 0) + (1 if get(v.r3d, 0) < 1 else 0)"
        " + (1 if value < 1 else 0))"
    )
    r = run(t, {"values": {"x": 1, "r3d": 1}}).results[0]
    assert r.item("i").score == D(15)  # the missing 2-hour rate counts as one unmet requirement
    assert r.flags == []


def test_prev_reads_the_previous_period_from_history():
    t = formula("floor(value / 5) - floor(get(v.prev_total, get(prev(v.x), 0)) / 5)")
    history = [{"period": "2026-02", "total": 50, "values": {"x": 8}}]
    # 11 accepted in total now, 8 before: the running total passed 10 -> +1
    assert run(t, {"values": {"x": 11}, "history": history}).results[0].item("i").score == D(1)
    # an explicit input wins over history
    r = run(t, {"values": {"x": 11, "prev_total": 4}, "history": history}).results[0]
    assert r.item("i").score == D(2)
    # no history and no input: get's default
    assert run(t, {"values": {"x": 11}}).results[0].item("i").score == D(2)


def test_prev_without_history_makes_the_item_missing():
    t = formula("value - prev(v.x)")
    history = [{"period": "2026-01", "values": {"x": 1}}]  # not the period just before
    r = run(t, {"values": {"x": 11}, "history": history}).results[0]
    assert r.item("i").score is None
    assert r.flags[0] == "s.i: no data for prev(v.x) -> excluded"


@pytest.mark.parametrize(
    ("expr", "fragment"),
    [
        ("prev(value)", "prev(v.<name>)"),
        ("prev(v.x, 1)", "prev(v.<name>)"),
        ("get(v.x)", "get() takes 2 arguments"),
        ("get", "is a function"),
    ],
)
def test_bad_special_forms_are_refused(expr, fragment):
    with pytest.raises(TemplateError) as exc:
        formula(expr)
    assert fragment in exc.value.render()


# -- G8: uncapped per_count --------------------------------------------------------------------


def test_per_count_max_none_is_uncapped():
    rule = {"type": "per_count", "start": 0, "per": {"letter": 1, "media": 5}, "max": "none"}
    t = template(
        [
            {
                "code": "p",
                "kind": "bonus",
                "items": [{"code": "i", "value": "praise", "points": 10, "rule": rule}],
            }
        ]
    )
    r = run(t, {"values": {"praise": {"media": 2, "letter": 14}}}).results[0]
    assert r.total == D("24.00")  # no cap at the item's 10 points


# -- G9: eligibility by days worked and probation -------------------------------------------


def eligibility_template(rule):
    return template([{"code": "s", "items": [linear("a", 100)]}], **{"x-eligibility": rule})


def test_probation_and_days_worked_leave_people_out_and_list_them():
    t = eligibility_template({"min_days_worked": 1, "exclude_probation": True})
    out = score(
        t,
        {
            "period": "2026-03",
            "employees": [
                {"id": "A", "values": {"a": 80}, "days_worked": 20, "probation": False},
                {"id": "B", "values": {"a": 90}, "days_worked": 20, "probation": True},
                {"id": "C", "values": {"a": 70}, "days_worked": 0},
            ],
        },
    )
    assert [r.id for r in out.results] == ["A"]
    assert [(x.id, x.reason) for x in out.ineligible] == [
        ("B", "on probation (未满试用期)"),
        ("C", "worked 0 days, fewer than 1"),
    ]
    assert out.to_dict()["ineligible"][0]["id"] == "B"


def test_without_days_worked_the_card_is_scored_and_says_so():
    t = eligibility_template({"min_days_worked": 1})
    r = run(t, {"values": {"a": 1}}).results[0]
    assert r.flags == ["days_worked missing: eligibility (min_days_worked) not checked"]
    with pytest.raises(InputError, match=r"employees\[0\]\.days_worked: expected a number ≥ 0"):
        run(t, {"values": {"a": 1}, "days_worked": "x"})


@pytest.mark.parametrize(
    ("rule", "fragment"),
    [
        ({"min_days_worked": -1}, "must not be negative"),
        ({"exclude_probation": "yes"}, "true or false"),
        ({"min_days": 0}, "≥ 1"),
        ({"max_days": 3}, "unknown key"),
    ],
)
def test_bad_eligibility_is_refused(rule, fragment):
    with pytest.raises(TemplateError) as exc:
        eligibility_template(rule)
    assert "x-eligibility" in exc.value.render() and fragment in exc.value.render()


# -- input domains ------------------------------------------------------------------------------


def share_template():
    return template(
        [
            {
                "code": "s",
                "items": [
                    linear("rate", 10, **{"x-unit": "share"}),
                    linear("calls", 10, **{"x-unit": "count"}),
                ],
            }
        ],
        **{"x-inputs": {"minutes": {"unit": "minutes", "name": "分钟"}}},
    )


def test_a_share_above_one_is_flagged_and_not_scored():
    r = run(share_template(), {"values": {"rate": 1.3, "calls": 10}}).results[0]
    assert r.item("rate").score is None
    assert r.flags[0] == "rate: 1.3 is outside 0–1 (share); not scored"
    assert "s.rate: value outside its domain -> excluded" in r.flags


@pytest.mark.parametrize(
    ("values", "flag"),
    [
        ({"rate": -0.1}, "rate: -0.1 is outside 0–1 (share); not scored"),
        ({"calls": 2.5}, "calls: 2.5 is not a whole number (count); not scored"),
        ({"calls": -3}, "calls: -3 is outside ≥ 0 (count); not scored"),
        ({"minutes": -1}, "minutes: -1 is outside ≥ 0 (minutes); not scored"),
    ],
)
def test_values_outside_their_unit_are_flagged(values, flag):
    r = run(share_template(), {"values": {"rate": 0.5, "calls": 1, **values}}).results[0]
    assert flag in r.flags


def test_a_range_narrows_the_unit():
    t = template(
        [
            {
                "code": "s",
                "items": [linear("nps", 10, **{"x-unit": "signed_ratio", "x-range": [-1, 1]})],
            }
        ]
    )
    assert run(t, {"values": {"nps": -0.2}}).results[0].flags == []
    assert run(t, {"values": {"nps": 1.5}}).results[0].flags[0].startswith("nps: 1.5 is outside")


@pytest.mark.parametrize(
    ("extra", "fragment"),
    [
        ({"x-unit": "percent"}, "unknown unit"),
        ({"x-range": [0, 1]}, "goes with x-unit"),
        ({"x-unit": "share", "x-range": [1, 0]}, "high is below low"),
    ],
)
def test_bad_units_are_refused(extra, fragment):
    with pytest.raises(TemplateError) as exc:
        template([{"code": "s", "items": [linear("a", **extra)]}])
    assert fragment in exc.value.render()


# -- one employee's bad input does not block the others (cycles) ------------------------------


def test_non_strict_runs_keep_other_employees():
    t = template(
        [{"code": "s", "items": [{"code": "i", "value": "v", "points": 10, "rule": COUNT}]}],
        ranking={"group": "all"},
    )
    data = {
        "period": "2026-03",
        "employees": [
            {"id": "A", "values": {"v": 1}},
            {"id": "B", "values": {"v": -2}},
            {"id": "C", "values": {"v": 0}},
        ],
    }
    with pytest.raises(InputError):
        score(t, data)  # the contract: a negative count fails the run
    out = score(t, data, strict=False)
    a, b, c = out.results
    assert (a.total, c.total) == (D("9.00"), D("10.00"))
    assert b.errors == ["employees[1].values.v: a count cannot be negative"]
    assert (c.rank, a.rank, b.rank) == (1, 2, None)
    assert "not ranked: the card has input errors" in b.flags
    assert out.to_dict()["results"][1]["errors"] == b.errors
    assert "errors" not in out.to_dict()["results"][0]


def test_template_data_is_not_accepted_as_an_extension_of_the_wrong_kind():
    with pytest.raises(TemplateError, match="x-inputs"):
        template_from_data(
            {
                "code": "t",
                "version": 1,
                "period": "month",
                "sections": [{"code": "s", "items": [linear("a")]}],
                "x-inputs": ["a"],
            }
        )


def test_a_negative_count_stays_an_input_error_and_a_fraction_is_flagged():
    rule = {"type": "per_count", "start": "full", "per": -1}
    t = one_item(rule, points=5, value="v", **{"x-unit": "count"})
    with pytest.raises(InputError, match="a count cannot be negative"):
        run(t, {"values": {"v": -1}})
    r = run(t, {"values": {"v": 1.5}}).results[0]
    assert r.item("i").score is None  # never the full marks a missing count would give
    assert r.flags[:2] == [
        "v: 1.5 is not a whole number (count); not scored",
        "s.i: value outside its domain -> excluded",
    ]


def test_an_uncapped_per_count_is_described_as_such():
    from csperf.scoring import describe_rule

    rule = {"type": "per_count", "start": 0, "per": 5, "max": "none"}
    assert describe_rule(one_item(rule).item("i")).endswith("范围 0–不封顶")


def test_an_input_listed_as_missing_is_missing_even_for_per_count():
    """A count nobody recorded is not a perfect month: the feed's name is on the flag."""
    rule = {"type": "per_count", "start": "full", "per": -2}
    t = one_item(rule, points=10, value="late")
    fed = run(t, {"values": {"late": 0}}).results[0]
    assert fed.total == D("10.00")
    unfed = run(t, {"missing": {"late": "考勤(attendance): 迟到次数"}}).results[0]
    assert unfed.item("i").score is None
    assert unfed.flags[0] == "s.i: no data (考勤(attendance): 迟到次数) -> excluded"
