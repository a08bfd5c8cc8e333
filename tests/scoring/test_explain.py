"""Each item's explanation: the machine form stays, and the parts render as a plain sentence in
Chinese or English for every rule type (csperf.scoring.explain)."""

from __future__ import annotations

import pytest

from csperf.kernel.decimals import jsonable
from csperf.scoring.describe import describe_rule, formula_in_words
from csperf.scoring.explain import render, text_for

from .helpers import D, one_item, run, template


def _item(rule, values=None, ratings=None, **kw):
    t = one_item(rule, **kw)
    emp = {"values": values if values is not None else {}}
    if ratings is not None:
        emp["ratings"] = {"i": ratings}
    return run(t, emp).results[0].item("i")


STEP = {"type": "step", "target": 0.865, "step": 0.01, "per_step": 2}


def test_step_met_in_both_languages_machine_form_kept():
    it = _item(STEP, {"x": 1}, points=20, **{"x-unit": "share"}, name="保有率")
    assert it.explain == "1 vs target 0.865 from 20 -> 20/20"
    assert render(it.explain_parts) == "保有率 100%，目标 86.5%，达标，得满 20 分"
    assert render(it.explain_parts, "en") == (
        "保有率 100%, target 86.5%, target met, full marks, 20 points."
    )


def test_step_short_and_limited():
    it = _item(STEP, {"x": D("0.835")}, points=20, **{"x-unit": "share"}, name="保有率")
    assert (
        render(it.explain_parts)
        == "保有率 83.5%，目标 86.5%，低于目标 3%，每低 1% 扣 2 分，得 14 分"
    )
    lower = {"type": "step", "target": 30, "better": "lower", "step": 10, "per_step": 8}
    it = _item(lower, {"x": 60}, points=20, name="平均处理时长")
    text = render(it.explain_parts)
    assert text.startswith("平均处理时长 60，目标 30，高于目标 30，每高 10 扣 8 分，得 0 分")
    assert text.endswith("（受本项上下限限制）")
    bonus = {**STEP, "bonus_per_step": 1, "max": 25}
    it = _item(bonus, {"x": D("0.885")}, points=20, **{"x-unit": "share"}, name="保有率")
    assert "高于目标 2%，每高 1% 加 1 分，得 22 分" in render(it.explain_parts)


def test_per_count_single_kinds_zero_at_and_start():
    rule = {"type": "per_count", "start": "full", "per": -2}
    it = _item(rule, {"x": 2}, name="迟到")
    assert render(it.explain_parts) == "迟到 2 次，每次扣 2 分，得 6 分"
    assert render(it.explain_parts, "en") == "迟到 2 times, minus 2 points each, 6 points."
    kinds = {"type": "per_count", "start": "full", "per": {"letter": 1, "major": -3}}
    it = _item(kinds, {"x": {"letter": 1, "major": 2}}, name="奖惩")
    assert render(it.explain_parts) == (
        "奖惩：letter 1 次（每次加 1 分）、major 2 次（每次扣 3 分），得 5 分"
    )
    it = _item({**rule, "zero_at": 3}, {"x": 4}, name="迟到")
    assert render(it.explain_parts) == "迟到 4 次，达到 3 次及以上，得 0 分"
    bonus = {"type": "per_count", "start": 0, "per": 1, "max": "none"}
    it = _item(bonus, {"x": 3}, name="表扬")
    assert render(it.explain_parts) == "表扬 3 次，从 0 分起，每次加 1 分，得 3 分"


def test_tiers_with_scale_and_no_band():
    tiers = {
        "type": "tiers",
        "scale": 100,
        "tiers": [{"gte": 0.65, "score": 80}, {"score": 0}],
    }
    it = _item(tiers, {"x": D("0.70")}, points=35, **{"x-unit": "share"}, name="询单转化率")
    assert it.explain == "0.70 >= 0.65 -> 80/100 x 35 = 28"
    assert (
        render(it.explain_parts) == "询单转化率 70%，属「≥65%」档，按 100 分制得 80 分，折合 28 分"
    )
    assert render(it.explain_parts, "en") == (
        "询单转化率 70%, band ≥65%, 80 of 100, i.e. 28 points."
    )
    it = _item({"type": "tiers", "tiers": [{"lte": 30, "score": 10}]}, {"x": 31}, name="时长")
    assert render(it.explain_parts) == "时长 31，不在任何一档，得 0 分"


def test_linear_below_between_above():
    rule = {"type": "linear", "points": [[80, 16], [90, 20]], "below": 0}
    assert render(_item(rule, {"x": 85}, points=20, name="满意度").explain_parts) == (
        "满意度 85，在 80 至 90 之间按比例计，得 18 分"
    )
    assert render(_item(rule, {"x": 70}, points=20, name="满意度").explain_parts) == (
        "满意度 70，低于 80，得 0 分"
    )
    assert render(_item(rule, {"x": 95}, points=20, name="满意度").explain_parts) == (
        "满意度 95，达到 90，得满 20 分"
    )


def test_ratio_capped_and_lower_is_better():
    rule = {"type": "ratio", "target": 100, "cap": 1.2}
    it = _item(rule, {"x": 150}, points=10, name="销售额")
    assert render(it.explain_parts) == "销售额 150，目标 100，完成 150%，按上限 120% 计，得 12 分"
    lower = {"type": "ratio", "target": 30, "better": "lower"}
    it = _item(lower, {"x": 40}, points=10, name="处理时长")
    assert render(it.explain_parts) == "处理时长 40，目标 30（越低越好），完成 75%，得 7.5 分"
    it = _item(lower, {"x": 0}, points=10, name="处理时长")
    assert render(it.explain_parts) == "处理时长 为 0，按上限 100% 计，得满 10 分"


def test_levels_and_manual_by_rater():
    levels = {"type": "levels", "levels": [{"level": 1, "score": 5}, {"level": 2, "score": 10}]}
    it = _item(
        levels, ratings={"self": 2, "supervisor": 1}, raters={"self": 0.2, "supervisor": 0.8}
    )
    assert render(it.explain_parts) == (
        "自评 2 级（10 分） × 20% + 上级 1 级（5 分） × 80%，得 6 分"
    )
    it = _item(levels, ratings={"supervisor": 2})
    assert render(it.explain_parts) == "上级：2 级（10 分），得满 10 分"
    manual = {"type": "manual"}
    last = {"mode": "last", "order": ["self", "supervisor", "reviewer"]}
    it = _item(manual, ratings={"self": 9, "reviewer": 7}, raters=last)
    assert render(it.explain_parts) == "以复评为准：7 分，得 7 分"
    assert render(it.explain_parts, "en") == "the reviewer rating counts: 7 points, 7 points."


def test_relative_and_formula():
    rule = {
        "type": "relative",
        "tiers": [{"gte": 1.1, "score": 10}, {"gte": 0.9, "score": 6}, {"score": 0}],
    }
    t = one_item(rule, name="工作量")
    res = run(t, {"values": {"x": 120}}, {"values": {"x": 80}}).results[0].item("i")
    assert render(res.explain_parts) == (
        "工作量 120，为全体平均值 100 的 120%，属「≥110%」档，得满 10 分"
    )
    it = _item({"type": "formula", "expr": "min(full, value / 2)"}, {"x": 12}, name="工单")
    assert render(it.explain_parts) == "工单 12，按模板公式计算，得 6 分"
    it = _item({"type": "formula", "expr": "value / 0"}, {"x": 12}, name="工单")
    assert render(it.explain_parts) == "工单：公式计算出错，记 0 分"


@pytest.mark.parametrize(
    ("values", "missing", "expected"),
    [
        ({}, "exclude", "满意度无数据，本项不计分"),
        ({}, "zero", "满意度无数据，按规定记 0 分"),
        ({}, "full", "满意度无数据，按规定记满分"),
        ({"x": 2}, "exclude", "满意度的数值超出取值范围，本项不计分"),
    ],
)
def test_missing_policies(values, missing, expected):
    rule = {"type": "linear", "points": [[0, 0], [1, 10]]}
    it = _item(rule, values, missing=missing, name="满意度", **{"x-unit": "share"})
    assert render(it.explain_parts) == expected


def test_missing_feed_rating_and_formula_input():
    t = one_item({"type": "linear", "points": [[0, 0], [1, 10]]}, name="满意度")
    r = run(t, {"values": {}, "missing": {"x": "调查: 满意度"}}).results[0].item("i")
    assert render(r.explain_parts) == "满意度无数据（调查: 满意度），本项不计分"
    it = _item({"type": "manual"}, ratings={}, name="态度")
    assert render(it.explain_parts) == "态度尚未评分，本项不计分"
    t = template(
        [
            {
                "code": "s",
                "items": [
                    {
                        "code": "i",
                        "name": "回访",
                        "value": "x",
                        "points": 10,
                        "rule": {"type": "formula", "expr": "value * v.rate"},
                    }
                ],
            }
        ],
        **{"x-inputs": {"rate": {"unit": "share", "name": "回访率"}}},
    )
    r = run(t, {"values": {"x": 1}}).results[0].item("i")
    assert render(r.explain_parts) == "回访：缺少“回访率”的数据，本项不计分"


def test_excluded_items_rescale_the_section():
    items = [
        {"code": "a", "name": "甲", "value": "a", "points": 35, "rule": STEP},
        {"code": "b", "name": "乙", "value": "b", "points": 53, "rule": STEP},
    ]
    t = template([{"code": "s", "items": items}])
    res = run(t, {"values": {"a": 1}}).results[0]
    a = res.item("a")
    assert a.explain.endswith("(x 88/35 for excluded items)")
    assert render(a.explain_parts) == (
        "甲 1，目标 0.865，达标，得满 35 分；本部分 1 项无数据，按 35 分折算到 88 分，计 88 分"
    )


def test_entered_by_raters_and_stored_results():
    rule = {"type": "per_count", "start": "full", "per": -2}
    last = {"mode": "last", "order": ["self", "supervisor"]}
    t = one_item(rule, name="迟到", raters=last)
    res = run(t, {"values": {}, "ratings": {"i": {"self": 1, "supervisor": 2}}}).results[0]
    assert render(res.item("i").explain_parts) == "以上级填报为准，迟到 2 次，每次扣 2 分，得 6 分"
    # what a card stores: the contract's JSON plus the parts; text_for renders either
    stored = jsonable(res.to_dict(explain_parts=True))["sections"][0]["items"][0]
    assert text_for(stored) == "以上级填报为准，迟到 2 次，每次扣 2 分，得 6 分"
    assert text_for({"explain": "10 + 2 x -2 -> 6/10"}) == "10 + 2 x -2 -> 6/10"
    assert "explain_parts" not in res.to_dict()["sections"][0]["items"][0]  # the contract


def test_error_item():
    t = one_item({"type": "ratio", "target": {"assigned": True}}, name="销量")
    res = run_keep_going(t)
    assert render(res.item("i").explain_parts) == "销量：输入有误，未计分"


def run_keep_going(t):
    from csperf.scoring import score

    return score(
        t, {"period": "2026-03", "employees": [{"id": "E1", "values": {"x": 1}}]}, strict=False
    ).results[0]


def test_rule_in_words_has_no_raw_keys():
    kinds = {
        "type": "per_count",
        "start": "full",
        "per": {"late": -2, "absent": -5},
        "x-kinds": {"late": "迟到"},
    }
    item = one_item(kinds).item("i")
    assert describe_rule(item, {"absent": "旷工"}).startswith(
        "起始满分(10)分, 迟到每次扣2分, 旷工每次扣5分"
    )
    tiers = {"type": "tiers", "tiers": [{"gte": 0.65, "score": 10}, {"score": 0}]}
    assert describe_rule(one_item(tiers, **{"x-unit": "share"}).item("i")).startswith(
        "≥65% → 10分; 其他 → 0分"
    )
    assert formula_in_words("min(full, full * value / v.calls)", {"calls": "接听量"}) == (
        "min(满分, 满分 × 实际值 / 接听量)"
    )
    levels = {"type": "levels", "levels": [{"level": 1, "score": 10}]}
    rated = one_item(levels, raters={"self": 0.5, "supervisor": 0.5}).item("i")
    assert describe_rule(rated).endswith("自评 50%, 上级 50%")


def test_money_has_two_decimals_and_thousands_separators():
    from csperf.scoring.explain import money

    assert money("1591.6") == "1,591.60"
    assert money("1234567.005") == "1,234,567.01"  # half-up, as pay is rounded
    assert money(None) == "—"
