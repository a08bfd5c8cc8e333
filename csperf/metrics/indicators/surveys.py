"""Satisfaction indicators (category ``satisfaction``): from surveys (CSAT, CS index, NPS,
callbacks, collaboration) and from the customer register (key customers lost, churn, retention).

The customer indicators stay here, not in ``management.py``: they belong to the satisfaction
category and follow the survey indicators in the library's order."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from csperf.metrics.indicators.model import (
    Agg,
    Ctx,
    Indicator,
    Param,
    answered,
    as_decimal,
    as_list,
    rated_calls,
    ratio,
    total,
)

P_SOURCE = Param(
    name="source",
    default="surveys",
    kind="str",
    doc="surveys or call ratings",
    choices=("surveys", "calls"),
)
P_CSAT_KINDS = Param(name="kinds", default="csat", kind="list", doc="survey kinds counted")
P_KEY_TIERS = Param(
    name="key_tiers", default="vip,key", kind="list", doc="tiers that are key customers"
)
P_CUSTOMER_TIERS = Param(
    name="tiers", default="", kind="list", doc="customer tiers counted (empty: all)"
)

# ----------------------------------------------------------------------- conditions


def _completed(t, kinds):
    return (t.status == "completed") & t.kind.isin(kinds)


def _csat_num(t, c):
    return _completed(t, as_list(c.p["kinds"])) & t.score.notnull()


def _csat_top2(t, c):
    return _csat_num(t, c) & (t.score >= int(c.p["scale"]) - 1)


def _call_top2(t, c):
    return answered(t) & (t.rating >= int(c.p["scale"]) - 1)


def _cs_scored(t, c):
    return _completed(t, as_list(c.p["kinds"])) & t.cs_score.notnull()


def _nps_base(t, c):
    kinds = as_list(c.p["kinds"])
    base = (t.status == "completed") & t.nps.notnull()
    return base & t.kind.isin(kinds) if kinds else base


def _promoter(t, c):
    return _nps_base(t, c) & (t.nps >= 9)


def _detractor(t, c):
    return _nps_base(t, c) & (t.nps <= 6)


def _callbacks_done(t, c):
    return _completed(t, as_list(c.p["kinds"]))


def _callback_attempts(t, c):
    return t.kind.isin(as_list(c.p["kinds"]))


def _callback_plan_rows(t, c):
    return (t.plan_code == c.p["plan_code"]) | t.plan_code.startswith(f"{c.p['plan_code']}:")


def _key_customer_callbacks(t, c):
    return _completed(t, ["callback"]) & t.customer_tier.isin(as_list(c.p["key_tiers"]))


def _collaboration_scored(t, c):
    return _completed(t, ["collaboration"]) & t.score.notnull()


def _key_customer_lost(t, c):
    return (
        t.tier.isin(as_list(c.p["key_tiers"]))
        & t.lost_at.notnull()
        & (t.lost_at >= c.start)
        & (t.lost_at < c.end)
    )


def _held_at_start(t, c):
    tiers = as_list(c.p.get("tiers", ""))
    ok = (t.acquired_at.isnull() | (t.acquired_at < c.start)) & (
        t.lost_at.isnull() | (t.lost_at >= c.start)
    )
    return ok & t.tier.isin([x.lower() for x in tiers]) if tiers else ok


def _lost_in_period(t, c):
    return _held_at_start(t, c) & t.lost_at.notnull() & (t.lost_at < c.end)


# ---------------------------------------------------------------------------- values


def _score(t, c):
    return t.score


def _rating(t, c):
    return t.rating


def _cs_score(t, c):
    return t.cs_score


def _planned(t, c):
    return t.planned


# ------------------------------------------------------------------------- combines


def _nps(v: dict[str, Any], ctx: Ctx) -> Decimal | None:
    n = as_decimal(v["responses"])
    if n == 0:
        return None
    return (as_decimal(v["promoters"]) - as_decimal(v["detractors"])) / n


def _retention(v: dict[str, Any], ctx: Ctx) -> Decimal | None:
    held = as_decimal(v["held"])
    return None if held == 0 else (held - as_decimal(v["lost"])) / held


# ------------------------------------------------------------------------ indicators

_FROM_SURVEYS = ("source", "surveys")
_FROM_CALLS = ("source", "calls")

INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        code="csat_mean",
        name_zh="客户满意度",
        name_en="Customer satisfaction (mean)",
        unit="score",
        direction="higher",
        record="surveys",
        formula_zh="完成的满意度调查得分的算术平均(拒访、未接通不计);或来电评分平均",
        formula_en="mean score of completed surveys (refused and unreachable left out); or of call ratings",
        parts={
            "numerator": (
                Agg("surveys", where=_csat_num, value=_score, when=_FROM_SURVEYS),
                Agg("calls", where=rated_calls, value=_rating, when=_FROM_CALLS),
            ),
            "denominator": (
                Agg("surveys", where=_csat_num, when=_FROM_SURVEYS),
                Agg("calls", where=rated_calls, when=_FROM_CALLS),
            ),
        },
        combine=ratio(),
        params=(P_SOURCE, P_CSAT_KINDS),
        category="satisfaction",
        notes="the weighted 1–5 average (a·1+b·2+…+e·5)/(a+…+e) is this mean on a 5-point scale",
    ),
    Indicator(
        code="csat_top2",
        name_zh="满意度(前两档占比)",
        name_en="CSAT top-2-box",
        unit="ratio",
        direction="higher",
        record="surveys",
        formula_zh="得分在前两档(5 分制的 4–5 分)的完成调查 ÷ 完成调查",
        formula_en="share of completed surveys scoring in the top two boxes",
        parts={
            "numerator": (
                Agg("surveys", where=_csat_top2, when=_FROM_SURVEYS),
                Agg("calls", where=_call_top2, when=_FROM_CALLS),
            ),
            "denominator": (
                Agg("surveys", where=_csat_num, when=_FROM_SURVEYS),
                Agg("calls", where=rated_calls, when=_FROM_CALLS),
            ),
        },
        combine=ratio(),
        params=(
            P_SOURCE,
            P_CSAT_KINDS,
            Param(
                name="scale",
                default=5,
                kind="int",
                doc="points of the scale (top two boxes: scale and scale − 1)",
            ),
        ),
        category="satisfaction",
    ),
    Indicator(
        code="cs_index",
        name_zh="客户满意指数(CS)",
        name_en="Dealer CS index",
        unit="score",
        direction="higher",
        record="surveys",
        formula_zh="每次成功回访 Σ 25 × (答案/100)(很好/比较满意 100,一般/基本满意 75,不满意 25,投诉 0),再按人/组/期平均",
        formula_en="per successful callback Σ 25 × answer/100 over its questions, then the mean over callbacks",
        parts={
            "numerator": (Agg("surveys", where=_cs_scored, value=_cs_score),),
            "denominator": (Agg("surveys", where=_cs_scored),),
        },
        combine=ratio(),
        params=(
            Param(name="kinds", default="callback,csat", kind="list", doc="survey kinds counted"),
        ),
        category="satisfaction",
    ),
    Indicator(
        code="nps",
        name_zh="净推荐值",
        name_en="Net promoter score",
        unit="ratio",
        direction="higher",
        record="surveys",
        formula_zh="(9–10 分占比)−(0–6 分占比),以小数表示(0.35 即 NPS 35)",
        formula_en="share of 9–10 minus share of 0–6, as a fraction (0.35 means NPS 35)",
        parts={
            "promoters": (Agg("surveys", where=_promoter),),
            "detractors": (Agg("surveys", where=_detractor),),
            "responses": (Agg("surveys", where=_nps_base),),
        },
        combine=_nps,
        params=(
            Param(
                name="kinds",
                default="",
                kind="list",
                doc="survey kinds counted (empty: any survey with an nps answer)",
            ),
        ),
        category="satisfaction",
    ),
    Indicator(
        code="callback_rate",
        name_zh="客户回访率",
        name_en="Callback completion",
        unit="ratio",
        direction="higher",
        record="surveys",
        formula_zh="完成的回访 ÷ 计划的回访(每条回访记录为一次计划;或按回访计划:计划表中计划代码为 "
        "callbacks 或 callbacks:… 的计划数之和)",
        formula_en="callbacks completed ÷ callbacks planned: each survey attempt is one planned callback, or "
        "(denominator=plan) the planned figures of the unit's plan rows coded callbacks or "
        "callbacks:…",
        parts={
            "numerator": (Agg("surveys", where=_callbacks_done),),
            "denominator": (
                Agg("surveys", where=_callback_attempts, when=("denominator", "attempts")),
                Agg(
                    "plans",
                    where=_callback_plan_rows,
                    value=_planned,
                    when=("denominator", "plan"),
                ),
            ),
        },
        combine=ratio(),
        params=(
            Param(name="kinds", default="callback", kind="list", doc="survey kinds counted"),
            Param(
                name="denominator",
                default="attempts",
                kind="str",
                doc="attempts (every survey attempt) or plan (the 回访计划 plan rows)",
                choices=("attempts", "plan"),
            ),
            Param(
                name="plan_code",
                default="callbacks",
                kind="str",
                doc="plan code of the callback plan rows",
            ),
        ),
        category="satisfaction",
        notes="with denominator=plan the plan rows belong to the unit they name (org_unit), "
        "as every plan row does",
    ),
    Indicator(
        code="key_customer_callbacks",
        name_zh="大客户回访次数",
        name_en="Key customer callbacks",
        unit="count",
        direction="higher",
        record="surveys",
        formula_zh="对大客户(等级 vip/key)完成的回访次数",
        formula_en="completed callbacks to key customers",
        parts={"value": (Agg("surveys", where=_key_customer_callbacks),)},
        combine=total(),
        params=(P_KEY_TIERS,),
        category="satisfaction",
    ),
    Indicator(
        code="collaboration_satisfaction",
        name_zh="部门协作满意度",
        name_en="Collaboration satisfaction",
        unit="score",
        direction="higher",
        record="surveys",
        formula_zh="完成的部门协作调查得分平均",
        formula_en="mean score of completed collaboration surveys",
        parts={
            "numerator": (Agg("surveys", where=_collaboration_scored, value=_score),),
            "denominator": (Agg("surveys", where=_collaboration_scored),),
        },
        combine=ratio(),
        params=(),
        category="satisfaction",
    ),
    Indicator(
        code="key_customer_churn",
        name_zh="大客户流失数",
        name_en="Key customers lost",
        unit="count",
        direction="lower",
        record="customers",
        formula_zh="期内流失的大客户数",
        formula_en="key customers lost in the period",
        parts={"value": (Agg("customers", where=_key_customer_lost),)},
        combine=total(),
        params=(P_KEY_TIERS,),
        category="satisfaction",
    ),
    Indicator(
        code="churn_rate",
        name_zh="流失率",
        name_en="Churn rate",
        unit="ratio",
        direction="lower",
        record="customers",
        formula_zh="期初保有客户中期内流失的 ÷ 期初保有客户",
        formula_en="customers held at the start and lost in the period ÷ held at the start",
        parts={
            "numerator": (Agg("customers", where=_lost_in_period),),
            "denominator": (Agg("customers", where=_held_at_start),),
        },
        combine=ratio(),
        params=(P_CUSTOMER_TIERS,),
        category="satisfaction",
    ),
    Indicator(
        code="retention_rate",
        name_zh="保有率",
        name_en="Retention rate",
        unit="ratio",
        direction="higher",
        record="customers",
        formula_zh="(期初保有客户 − 期内流失)÷ 期初保有客户",
        formula_en="(customers held at the start − lost) ÷ held at the start",
        parts={
            "held": (Agg("customers", where=_held_at_start),),
            "lost": (Agg("customers", where=_lost_in_period),),
        },
        combine=_retention,
        params=(P_CUSTOMER_TIERS,),
        category="satisfaction",
    ),
)
