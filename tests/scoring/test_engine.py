"""Sections, totals, vetoes, missing values, grades, ranking, pay and alerts."""

import pytest

from csperf.scoring import InputError

from .helpers import D, run, template


def tiers_item(code: str, points, value: str | None = None, **kw):
    # value -> score on the item's points: identity for simple tests via a linear rule
    return {
        "code": code,
        "value": value or code,
        "points": points,
        "rule": {"type": "linear", "points": [[0, 0], [points, points]]},
        **kw,
    }


def test_weighted_base_sections_and_explicit_identity():
    t = template(
        [
            {"code": "kpi", "weight": 0.8, "items": [tiers_item("a", 60), tiers_item("b", 40)]},
            {"code": "behaviour", "weight": 0.2, "items": [tiers_item("c", 100)]},
        ]
    )
    r = run(t, {"values": {"a": 50, "b": 30, "c": 90}}).results[0]
    assert [s.score for s in r.sections] == [80, 90]
    assert r.total == D("82.00")  # 0.8 x 80 + 0.2 x 90


def test_bonus_deduction_and_multiplier_sections():
    t = template(
        [
            {"code": "duty", "weight": 0.3, "items": [tiers_item("a", 100)]},
            {"code": "plan", "weight": 0.3, "items": [tiers_item("b", 100)]},
            {"code": "eval", "weight": 0.2, "items": [tiers_item("c", 100)]},
            {"code": "key", "kind": "multiplier", "items": [tiers_item("k", 10)]},
            {"code": "plus", "kind": "bonus", "max": 10, "items": [tiers_item("p", 20)]},
            {"code": "minus", "kind": "deduction", "items": [tiers_item("m", 10)]},
        ]
    )
    r = run(t, {"values": {"a": 100, "b": 90, "c": 80, "k": 9, "p": 15, "m": 3}}).results[0]
    # (30 + 27 + 16) x 9/10 = 65.7; + bonus clamped at 10; - |3| = 72.7
    assert r.total == D("72.70")
    assert r.sections[4].score == 10 and r.sections[4].full == 10
    assert r.sections[3].full == 10


def test_negative_deduction_scores_count_by_magnitude():
    t = template(
        [
            {"code": "kpi", "items": [tiers_item("a", 100)]},
            {
                "code": "minus",
                "kind": "deduction",
                "items": [
                    {
                        "code": "m",
                        "value": "m",
                        "points": 10,
                        "rule": {"type": "per_count", "start": 0, "per": -2, "min": -10, "max": 0},
                    }
                ],
            },
        ]
    )
    assert run(t, {"values": {"a": 90, "m": 2}}).results[0].total == 86


def test_total_clamps_default_min_zero_and_max():
    t = template(
        [
            {"code": "k", "items": [tiers_item("a", 100)]},
            {"code": "m", "kind": "deduction", "items": [tiers_item("m", 100)]},
        ]
    )
    assert run(t, {"values": {"a": 10, "m": 50}}).results[0].total == 0
    t = template(
        [
            {"code": "k", "items": [tiers_item("a", 100)]},
            {"code": "b", "kind": "bonus", "items": [tiers_item("b", 20)]},
        ],
        total={"max": 100},
    )
    assert run(t, {"values": {"a": 95, "b": 10}}).results[0].total == 100


def test_section_min_max_clamp_after_renormalisation():
    t = template([{"code": "k", "max": 50, "items": [tiers_item("a", 60), tiers_item("b", 40)]}])
    r = run(t, {"values": {"a": 45}}).results[0]
    # b excluded: 45 x 100/60 = 75, then clamped to 50
    assert r.sections[0].score == 50
    assert r.item("a").contribution == 75


def test_missing_policies():
    t = template(
        [
            {
                "code": "k",
                "items": [
                    tiers_item("a", 50),
                    tiers_item("z", 20, missing="zero"),
                    tiers_item("f", 30, missing="full"),
                ],
            }
        ]
    )
    r = run(t, {"values": {"a": 40}}).results[0]
    assert r.item("z").score == 0 and r.item("f").score == 30
    assert r.total == 70
    assert r.flags == []


def test_exclusion_renormalises_base_section_and_flags():
    t = template([{"code": "k", "items": [tiers_item("a", 60), tiers_item("b", 40)]}])
    r = run(t, {"values": {"a": 30}}).results[0]
    assert r.item("b").score is None and r.item("b").contribution is None
    assert r.item("a").contribution == 50  # 30 x 100/60
    assert r.total == 50
    assert r.flags == ["k.b: no data -> excluded"]


def test_exclusion_in_bonus_section_is_not_scaled():
    t = template(
        [
            {"code": "k", "items": [tiers_item("a", 100)]},
            {"code": "b", "kind": "bonus", "items": [tiers_item("p", 5), tiers_item("q", 5)]},
        ]
    )
    r = run(t, {"values": {"a": 80, "p": 3}}).results[0]
    assert r.sections[1].score == 3
    assert r.total == 83


def test_all_excluded_base_scores_zero_and_multiplier_counts_one():
    t = template(
        [
            {"code": "k", "items": [tiers_item("a", 100)]},
            {"code": "e", "items": [tiers_item("b", 100)]},
            {"code": "m", "kind": "multiplier", "items": [tiers_item("c", 10)]},
        ]
    )
    r = run(t, {"values": {"a": 70}}).results[0]
    assert r.sections[1].score == 0
    assert r.total == 70
    assert "e: every item excluded, section scores 0" in r.flags
    assert "m: every item excluded, section counts as factor 1" in r.flags


def test_total_rounded_half_up_once():
    t = template(
        [
            {
                "code": "k",
                "items": [
                    {
                        "code": "a",
                        "value": "a",
                        "points": 100,
                        "rule": {"type": "linear", "points": [[0, 0], [3, 100]]},
                    }
                ],
            }
        ]
    )
    # 1/3 x 100 = 33.333…; 0.0455 -> 1.5166… ; check half-up on an exact tie
    assert run(t, {"values": {"a": 1}}).results[0].total == D("33.33")
    t2 = template([{"code": "k", "items": [tiers_item("a", 100)]}])
    assert run(t2, {"values": {"a": D("84.125")}}).results[0].total == D("84.13")
    assert run(t2, {"values": {"a": D("84.135")}}).results[0].total == D("84.14")


VETO_T = dict(
    total={
        "max": 100,
        "veto": [
            {"value": "serious", "gte": 1, "total": 0, "grade": "不合格", "reason": "一票否决"},
            {"value": "minor", "gte": 5, "total": 50, "reason": "second"},
        ],
    },
    grades=[{"gte": 90, "grade": "优秀"}, {"gte": 60, "grade": "合格"}, {"grade": "不合格"}],
)


def test_veto_sets_total_grade_and_flag():
    t = template([{"code": "k", "items": [tiers_item("a", 100)]}], **VETO_T)
    r = run(t, {"values": {"a": 95, "serious": 1, "minor": 9}}).results[0]
    assert (r.total, r.grade, r.flags) == (
        0,
        "不合格",
        ["一票否决"],
    )  # only the first veto that holds


def test_veto_without_grade_grades_the_vetoed_total_and_missing_does_not_hold():
    t = template([{"code": "k", "items": [tiers_item("a", 100)]}], **VETO_T)
    r = run(t, {"values": {"a": 95, "minor": 5}}).results[0]
    assert (r.total, r.grade, r.flags) == (50, "不合格", ["second"])
    r = run(t, {"values": {"a": 95, "serious": None}}).results[0]
    assert (r.total, r.grade) == (95, "优秀")


def test_grades_use_the_rounded_total_and_no_match_flags():
    t = template(
        [{"code": "k", "items": [tiers_item("a", 100)]}],
        grades=[{"gte": 90, "grade": "A"}, {"gte": 80, "grade": "B"}],
    )
    assert run(t, {"values": {"a": D("89.995")}}).results[0].grade == "A"  # 89.995 -> 90.00
    r = run(t, {"values": {"a": 50}}).results[0]
    assert r.grade is None and r.flags == ["no grade matches total 50.00"]
    t = template([{"code": "k", "items": [tiers_item("a", 100)]}])
    assert run(t, {"values": {"a": 50}}).results[0].grade is None


def test_ranking_ties_labels_and_groups():
    t = template(
        [{"code": "k", "items": [tiers_item("a", 100)]}],
        ranking={
            "group": "all",
            "top": {"count": 1, "label": "奖励"},
            "bottom": {"count": 2, "label": "处罚"},
        },
    )
    r = run(t, *({"values": {"a": v}} for v in (90, 80, 80, 70, 90)))
    assert [x.rank for x in r.results] == [1, 3, 3, 5, 1]
    assert [x.rank_from_bottom for x in r.results] == [4, 2, 2, 1, 4]
    assert [x.rank_label for x in r.results] == ["奖励", "处罚", "处罚", "处罚", "奖励"]


def test_top_label_wins_when_both_apply_and_groups_rank_separately():
    t = template(
        [{"code": "k", "items": [tiers_item("a", 100)]}],
        ranking={
            "group": "team",
            "top": {"count": 1, "label": "top"},
            "bottom": {"count": 1, "label": "bottom"},
        },
    )
    r = run(
        t,
        {"team": "A", "values": {"a": 50}},
        {"team": "B", "values": {"a": 60}},
        {"team": "B", "values": {"a": 70}},
    )
    assert [(x.rank, x.rank_label) for x in r.results] == [(1, "top"), (2, "bottom"), (1, "top")]


def test_no_ranking_block_leaves_ranks_null():
    t = template([{"code": "k", "items": [tiers_item("a", 100)]}])
    r = run(t, {"values": {"a": 50}}).results[0]
    assert (r.rank, r.rank_from_bottom, r.rank_label) == (None, None, None)
    assert r.pay is None


BANDS = [
    {"gte": 100, "factor": 1.0},
    {"gte": 95, "factor": 0.95},
    {"gte": 85, "factor": 0.90},
    {"gte": 75, "factor": 0.80},
    {"factor": 0.70},
]


@pytest.mark.parametrize(
    ("total", "pay"),
    [
        (100, "750.00"),
        (99, "712.50"),
        (95, "712.50"),
        (D("94.99"), "675.00"),
        (75, "600.00"),
        (74, "525.00"),
    ],
)
def test_pay_bands(total, pay):
    t = template(
        [{"code": "k", "items": [tiers_item("a", 100)]}], pay={"base": 750, "bands": BANDS}
    )
    assert run(t, {"values": {"a": total}}).results[0].pay == D(pay)


def test_pay_min_factor_proration_components_and_assigned_base():
    t = template(
        [{"code": "k", "items": [tiers_item("a", 100)]}],
        pay={
            "base": {"assigned": True},
            "bands": BANDS,
            "min_factor": 0.75,
            "prorate": True,
            "components": [
                {"name": "计件", "value": "calls", "rate": 0.2},
                {"name": "迟到扣款", "value": "late", "rate": -1},
                {"name": "x", "value": "absent", "rate": 5},
            ],
        },
    )
    r = run(
        t,
        {
            "values": {"a": 60, "calls": 1000, "late": 7},
            "pay_base": 1000,
            "days_worked": 20,
            "period_days": 22,
        },
    ).results[0]
    # 1000 x max(0.70, 0.75) x 20/22 = 681.8181… + 200 - 7 = 874.818… -> 874.82
    assert r.pay == D("874.82")
    # without period_days: calendar days of 2026-03 = 31
    r = run(t, {"values": {"a": 100}, "pay_base": 3100, "days_worked": 10}).results[0]
    assert r.pay == D("1000.00")


def test_pay_input_errors():
    t = template(
        [{"code": "k", "items": [tiers_item("a", 100)]}],
        pay={"base": {"assigned": True}, "mode": "proportional", "prorate": True},
    )
    with pytest.raises(InputError) as exc:
        run(t, {"values": {"a": 1}})
    assert "employees[0].pay_base: missing" in str(exc.value)
    with pytest.raises(InputError) as exc:
        run(t, {"values": {"a": 1}, "pay_base": 100})
    assert "employees[0].days_worked: missing" in str(exc.value)


def test_pay_proportional_uncapped_and_no_band_flags():
    t = template(
        [
            {"code": "k", "items": [tiers_item("a", 100)]},
            {"code": "b", "kind": "bonus", "items": [tiers_item("b", 20)]},
        ],
        pay={"base": 750, "mode": "proportional"},
    )
    assert run(t, {"values": {"a": 100, "b": 10}}).results[0].pay == D("825.00")
    t = template(
        [{"code": "k", "items": [tiers_item("a", 100)]}],
        pay={"base": 750, "bands": [{"gte": 90, "factor": 1}], "min_factor": 0.5},
    )
    r = run(t, {"values": {"a": 10}}).results[0]
    assert r.pay == D("375.00") and "pay: no band matches total 10.00" in r.flags


def test_negative_pay_is_allowed():
    t = template(
        [{"code": "k", "items": [tiers_item("a", 100)]}],
        pay={
            "base": 100,
            "mode": "proportional",
            "components": [{"name": "罚款", "value": "fine", "rate": -1}],
        },
    )
    assert run(t, {"values": {"a": 0, "fine": 250}}).results[0].pay == D("-250.00")


ALERTS = dict(
    grades=[{"gte": 60, "grade": "合格"}, {"grade": "不合格"}],
    ranking={},
    alerts=[
        {"when": {"grade": "不合格"}, "consecutive": 3, "message": "连续三个月不合格"},
        {"when": {"total_lt": 35}, "consecutive": 2, "message": "连续两次低于35分"},
        {"when": {"rank": 1}, "consecutive": 3, "message": "连续三次第一"},
        {"when": {"total_gte": 90}, "message": "本月优秀"},
    ],
)


def test_alerts_streaks_over_history():
    t = template([{"code": "k", "items": [tiers_item("a", 100)]}], **ALERTS)
    history = [
        {"period": "2026-02", "total": 34, "grade": "不合格", "rank": 1},
        {"period": "2026-01", "total": 50, "grade": "不合格", "rank": 1},
    ]
    r = run(t, {"values": {"a": 30}, "history": history}).results[0]
    assert r.alerts == ["连续三个月不合格", "连续两次低于35分", "连续三次第一"]


def test_alert_streak_broken_by_gap_missing_field_or_failing_period():
    t = template([{"code": "k", "items": [tiers_item("a", 100)]}], **ALERTS)
    gap = [{"period": "2026-02", "grade": "不合格"}, {"period": "2025-12", "grade": "不合格"}]
    assert run(t, {"values": {"a": 40}, "history": gap}).results[0].alerts == []
    no_field = [{"period": "2026-02", "grade": "不合格"}]  # no total: total_lt does not hold
    assert run(t, {"values": {"a": 30}, "history": no_field}).results[0].alerts == []
    failing = [{"period": "2026-02", "grade": "合格"}, {"period": "2026-01", "grade": "不合格"}]
    assert run(t, {"values": {"a": 40}, "history": failing}).results[0].alerts == []


def test_history_for_current_or_later_periods_is_ignored():
    t = template([{"code": "k", "items": [tiers_item("a", 100)]}], **ALERTS)
    history = [{"period": "2026-03", "total": 10}, {"period": "2026-04", "total": 10}]
    assert run(t, {"values": {"a": 30}, "history": history}).results[0].alerts == []


def test_consecutive_one_fires_on_current_period():
    t = template([{"code": "k", "items": [tiers_item("a", 100)]}], **ALERTS)
    r = run(t, {"values": {"a": 95}}).results[0]
    assert r.alerts == ["本月优秀"]


def test_input_errors_name_the_path():
    t = template([{"code": "k", "items": [tiers_item("a", 100)]}])
    with pytest.raises(InputError) as exc:
        run(t, period="2026-Q1")
    assert "period: 2026-Q1 is a quarter" in str(exc.value)
    from csperf.scoring import score

    with pytest.raises(InputError) as exc:
        score(
            t,
            {"period": "2026-03", "employees": [{"id": "a"}, {"id": "a"}, {"name": "x"}, 5]},
            source="in.json",
        )
    text = str(exc.value)
    assert "in.json: employees[1].id: duplicate id 'a'" in text
    assert "in.json: employees[2].id: required" in text
    assert "in.json: employees[3]: expected a mapping" in text
    with pytest.raises(InputError) as exc:
        score(t, {"employees": []})
    assert "period: required" in str(exc.value)


def test_results_in_input_order_and_to_dict_shape():
    t = template([{"code": "k", "name": "业绩", "items": [tiers_item("a", 100)]}], ranking={})
    r = run(t, {"values": {"a": 10}}, {"values": {"a": 90}})
    out = r.to_dict()
    assert [x["id"] for x in out["results"]] == ["E1", "E2"]
    assert set(out) == {"template", "period", "results"}
    assert out["template"] == {"code": "t", "version": 1}
    first = out["results"][0]
    assert set(first) == {
        "id",
        "name",
        "total",
        "grade",
        "rank",
        "rank_from_bottom",
        "rank_label",
        "pay",
        "alerts",
        "flags",
        "sections",
    }
    assert set(first["sections"][0]) == {"code", "score", "full", "items"}
    assert set(first["sections"][0]["items"][0]) == {
        "code",
        "value",
        "target",
        "score",
        "scale",
        "contribution",
        "explain",
    }
    assert str(first["total"]) == "10.00"


def test_conditional_fixed_pay_component_extension():
    # 工时利用率 <70% 扣 100 元: x-when on the value, x-amount a fixed sum
    comp = {
        "name": "工时利用率不足扣款",
        "value": "occupancy",
        "x-when": {"lt": 0.70},
        "x-amount": -100,
    }
    t = template(
        [{"code": "k", "items": [tiers_item("a", 100)]}],
        pay={"base": 1000, "mode": "proportional", "components": [comp]},
    )
    assert run(t, {"values": {"a": 100, "occupancy": D("0.69")}}).results[0].pay == D("900.00")
    assert run(t, {"values": {"a": 100, "occupancy": D("0.70")}}).results[0].pay == D("1000.00")
    assert run(t, {"values": {"a": 100}}).results[0].pay == D("1000.00")  # no data: adds 0


@pytest.mark.parametrize(
    ("comp", "fragment"),
    [
        ({"name": "x", "value": "v"}, "needs rate"),
        ({"name": "x", "value": "v", "rate": 1, "x-when": {"lt": 1}, "x-amount": 5}, "not both"),
        ({"name": "x", "value": "v", "x-amount": 5}, "goes with x-when"),
        ({"name": "x", "value": "v", "x-when": {}, "x-amount": 5}, "needs a condition"),
        ({"name": "x", "value": "v", "x-when": {"lt": "a"}, "x-amount": 5}, "x-when.lt"),
        ({"name": "x", "value": "v", "x-when": {"lt": 1}, "x-amount": "five"}, "x-amount"),
    ],
)
def test_conditional_component_validation(comp, fragment):
    from csperf.scoring import TemplateError

    with pytest.raises(TemplateError) as exc:
        template(
            [{"code": "k", "items": [tiers_item("a", 100)]}],
            pay={"base": 1, "mode": "proportional", "components": [comp]},
        )
    assert "pay.components[0]" in str(exc.value) and fragment in str(exc.value)
