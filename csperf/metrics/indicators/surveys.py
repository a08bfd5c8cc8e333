"""Satisfaction indicators (category ``satisfaction``) from surveys: CSAT, NPS, callbacks, the
dealer CS family, collaboration, complaint repair and owned customers. The customer register's
own indicators (churn, retention, bundles …) are in ``customers.py``; the key customers called
back (``key_customer_callback_rate``, per owner ``customers.owner_id``) stay here with the other
callbacks and take the key customers held from there.

Derived tables (:data:`DERIVED`, portable joins, UNNEST and window functions): one survey row
per crew of ``crew_ids`` (the 车间 CS is credited to every crew), each survey's customer owner,
the customers called back in the period, and each agent's first callback of a customer."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any

import ibis
import ibis.expr.types as ir

from csperf.metrics.indicators.customers import P_KEY_TIERS, key_held_in_period
from csperf.metrics.indicators.model import (
    Agg,
    Ctx,
    Expr,
    Indicator,
    Param,
    answered,
    answered_calls,
    as_decimal,
    as_list,
    rated_calls,
    ratio,
    share,
    total,
    truthy,
)
from csperf.metrics.rollups import Part, column, rating_column

P_SOURCE = Param(
    name="source",
    default="surveys",
    kind="str",
    doc="surveys or call ratings",
    choices=("surveys", "calls"),
)
P_CSAT_KINDS = Param(name="kinds", default="csat", kind="list", doc="survey kinds counted")
P_CALLBACK_KINDS = Param(name="kinds", default="callback", kind="list", doc="survey kinds counted")
P_SCALE = Param(name="scale", default=5, kind="int", doc="scale points (top two: scale, scale−1)")
P_CS_KINDS = Param(name="kinds", default="callback,csat", kind="list", doc="survey kinds counted")

# --------------------------------------------------------------- derived tables


def _in_period(t: ir.Table, period: Any) -> ir.Table:
    return t.filter(t.surveyed_at >= period.start_ts, t.surveyed_at < period.end_ts)


def survey_crews(t: ir.Table, period: Any, _arg: Any) -> ir.Table:
    """The period's surveys, one row per crew named in ``crew_ids`` (column ``_crew``, the crew
    leader's employee id); surveys without crews give no row."""
    t = _in_period(t, period)
    t = t.filter(t.crew_ids.notnull())
    t = t.mutate(_crew_raw=t.crew_ids.split(",").unnest())
    return t.mutate(_crew=t._crew_raw.strip()).drop("_crew_raw")


def survey_owners(t: ir.Table, period: Any, _arg: Any) -> ir.Table:
    """The period's surveys with the owner of their customer (``_owner``, from customers)."""
    t = _in_period(t, period)
    c = t.get_backend().table("customers")
    c = c.select(_owned_customer=c.customer_id, _owner=c.owner_id)
    j = t.left_join(c, t.customer_id == c._owned_customer)
    return j.drop("_owned_customer")


def customer_callbacks(t: ir.Table, period: Any, kinds: str) -> ir.Table:
    """The customers with ``_called_back``: a completed survey of the kinds (comma list) with
    their customer_id in the period."""
    s = _in_period(t.get_backend().table("surveys"), period)
    s = s.filter(s.status == "completed", s.kind.isin(kinds.split(",")), s.customer_id.notnull())
    done = s.select(_cb_customer=s.customer_id).distinct()
    j = t.left_join(done, t.customer_id == done._cb_customer)
    return j.mutate(_called_back=j._cb_customer.notnull()).drop("_cb_customer")


def callback_firsts(t: ir.Table, period: Any, kinds: str) -> ir.Table:
    """The period's surveys with ``_first_callback``: the first completed survey of the kinds per
    agent and customer (a survey without a customer_id counts on its own)."""
    t = _in_period(t, period)
    done = (t.status == "completed") & t.kind.isin(kinds.split(","))
    w = ibis.window(
        group_by=[t.agent_id, t.customer_id, done], order_by=[t.surveyed_at, t.survey_id]
    )
    first = ibis.row_number().over(w) == 0
    return t.mutate(_first_callback=done & (t.customer_id.isnull() | first))


def _kinds_arg(c: Ctx) -> str:
    return ",".join(as_list(c.p.get("kinds", "callback")))


def _no_arg(c: Ctx) -> str:
    return ""


# name (in Agg.needs) -> (the feature's argument from the parameters, the table it builds)
DERIVED = {
    "survey_crews": (_no_arg, survey_crews),
    "survey_owners": (_no_arg, survey_owners),
    "customer_callbacks": (_kinds_arg, customer_callbacks),
    "callback_firsts": (_kinds_arg, callback_firsts),
}
_CREWS = frozenset({"survey_crews"})
_OWNERS = frozenset({"survey_owners"})
_CALLED_BACK = frozenset({"customer_callbacks"})
_FIRSTS = frozenset({"callback_firsts"})

# ----------------------------------------------------------------------- conditions


def _completed(t, kinds):
    return (t.status == "completed") & t.kind.isin(kinds)


def _done(t, c):
    """Completed surveys of the indicator's kinds."""
    return _completed(t, as_list(c.p["kinds"]))


def _csat_num(t, c):
    return _done(t, c) & t.score.notnull()


def _csat_top2(t, c):
    return _csat_num(t, c) & (t.score >= int(c.p["scale"]) - 1)


def _call_top2(t, c):
    return answered(t) & (t.rating >= int(c.p["scale"]) - 1)


def _cs_scored(t, c):
    return _done(t, c) & t.cs_score.notnull()


def _sa_scored(t, c):
    return _done(t, c) & t.q1.notnull() & t.q2.notnull() & t.q4.notnull()


def _question_answered(t, c):
    return _done(t, c) & t[c.p["question"]].notnull()


def _crew_scored(t, c):
    return _done(t, c) & t.q3.notnull() & t._crew.notnull() & (t._crew != "")


def _nps_base(t, c):
    kinds = as_list(c.p["kinds"])
    base = (t.status == "completed") & t.nps.notnull()
    return base & t.kind.isin(kinds) if kinds else base


def _promoter(t, c):
    return _nps_base(t, c) & (t.nps >= 9)


def _detractor(t, c):
    return _nps_base(t, c) & (t.nps <= 6)


def _callback_attempts(t, c):
    return t.kind.isin(as_list(c.p["kinds"]))


def _first_callbacks(t, c):
    return truthy(t._first_callback)


def _callback_plan_rows(t, c):
    return (t.plan_code == c.p["plan_code"]) | t.plan_code.startswith(f"{c.p['plan_code']}:")


def _verified_true(t, c):
    return t.kind.isin(as_list(c.p["kinds"])) & truthy(t.verified)


def _verified_checked(t, c):
    return t.kind.isin(as_list(c.p["kinds"])) & t.verified.notnull()


def _repair_satisfied(t, c):
    return _csat_num(t, c) & (t.score >= c.p["satisfied_from"])


def _owned_scored(t, c):
    return _csat_num(t, c) & t._owner.notnull()


def _owned_top2(t, c):
    return _csat_top2(t, c) & t._owner.notnull()


def _owned_aware(t, c):
    return _owned_scored(t, c) & (t.score >= c.p["aware_from"])


def _key_customer_callbacks(t, c):
    return _completed(t, ["callback"]) & t.customer_tier.isin(as_list(c.p["key_tiers"]))


def _collaboration_scored(t, c):
    return _completed(t, ["collaboration"]) & t.score.notnull()


def _key_called_back(t, c):
    return key_held_in_period(t, c) & truthy(t._called_back)


# ---------------------------------------------------------------------------- values


def _column(name: str) -> Expr:
    """The value of one column (a named function, as every expression of the library)."""

    def value(t, c):
        return t[name]

    value.__name__ = value.__qualname__ = f"_{name}"
    return value


_score, _rating, _cs_score, _q3, _planned = map(
    _column, ("score", "rating", "cs_score", "q3", "planned")
)


def _sa_sum(t, c):
    return t.q1 + t.q2 + t.q4


def _question(t, c):
    return t[c.p["question"]]


# ------------------------------------------------------------------------- combines


def _nps(v: dict[str, Any], ctx: Ctx) -> Decimal | None:
    n = as_decimal(v["responses"])
    if n == 0:
        return None
    return (as_decimal(v["promoters"]) - as_decimal(v["detractors"])) / n


# ------------------------------------------------------------------------ indicators

_FROM_SURVEYS = ("source", "surveys")
_FROM_CALLS = ("source", "calls")


DEALER_CS = share(
    code="dealer_cs_index",
    name_zh="销售顾问CS(客户满意指数)",
    name_en="Dealer CS index",
    formula_zh="Σ 每位成功回访客户的 CS(Σ 25 × q_i/100,q1–q4;很好/比较满意 100,一般/基本满意 75,"
    "不满意 25,投诉 0)÷ 期内成功回访客户数(拒访、回访失败不计;季度、年度同样按客户,不平均各月)",
    formula_en="Σ per-customer CS (Σ 25 × q_i/100 over q1–q4) ÷ successful callbacks in the period "
    "(refused and failed callbacks left out; a quarter or year over its customers, never a mean of "
    "monthly means)",
    num=_cs_scored,
    den=_cs_scored,
    value=_cs_score,
    unit="points",
    params=(P_CS_KINDS,),
    notes="a six-question survey never exceeds 100: cs_score uses q1–q4 only",
)

INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        code="csat_mean",
        name_zh="客户满意度",
        name_en="Customer satisfaction (mean)",
        unit="score",
        direction="higher",
        record="surveys",
        formula_zh="接受调研(完成)的客户满意度评分的算术平均(拒访、未接通不计);或来电评分平均",
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
        params=(P_SOURCE, P_CSAT_KINDS, P_SCALE),
        category="satisfaction",
    ),
    DEALER_CS,
    dataclasses.replace(
        DEALER_CS,
        code="cs_index",
        name_zh="客户满意指数(CS)",
        notes="the same as dealer_cs_index (the name earlier versions used)",
    ),
    share(
        code="sa_cs_index",
        name_zh="服务顾问(SA)综合得分",
        name_en="Service advisor CS index",
        formula_zh="Σ 每位成功回访客户的 (q1 + q2 + q4)/3(整体满意度、接待态度、维修项目和费用的解释)"
        "÷ 成功回访客户数",
        formula_en="Σ per-customer (q1 + q2 + q4)/3 (overall, reception, explanation of work and "
        "cost) ÷ successful callbacks",
        num=_sa_scored,
        den=_sa_scored,
        value=_sa_sum,
        div=3,
        unit="points",
        params=(P_CALLBACK_KINDS,),
    ),
    share(
        code="sa_question_cs",
        name_zh="服务顾问单项CS",
        name_en="Service advisor CS of one question",
        formula_zh="所选问题(q1 整体满意度、q2 接待态度、q4 维修项目和费用的解释)得分之和 ÷ 回答了该题的"
        "成功回访数",
        formula_en="Σ answers to the question (q1 overall, q2 reception, q4 explanation) ÷ "
        "successful callbacks that answered it",
        num=_question_answered,
        den=_question_answered,
        value=_question,
        unit="points",
        params=(
            P_CALLBACK_KINDS,
            Param(
                name="question",
                default="q1",
                kind="str",
                doc="the question (answer score 0–100)",
                choices=("q1", "q2", "q3", "q4", "q5", "q6"),
            ),
        ),
    ),
    share(
        code="workshop_cs_index",
        name_zh="车间维修质量CS",
        name_en="Workshop repair quality CS",
        formula_zh="Σ 成功回访的 q3(维修质量)÷ 成功回访数,按维修班组(crew_ids,多班组作业共享同一评分)",
        formula_en="Σ q3 (repair quality) of successful callbacks ÷ their number, per crew "
        "(crew_ids; a job shared by several crews gives each the same score)",
        num=_crew_scored,
        den=_crew_scored,
        value=_q3,
        unit="points",
        params=(P_CALLBACK_KINDS,),
        subject="_crew",
        needs=_CREWS,
        notes="the subject is each crew id of crew_ids (the crew leader's employee id); a job of "
        "two crews counts for both, also in a unit both belong to",
    ),
    Indicator(
        code="nps",
        name_zh="净推荐值",
        name_en="Net promoter score",
        unit="ratio",
        direction="higher",
        record="surveys",
        formula_zh="推荐者(9–10 分)比例 − 贬损者(0–6 分)比例,以小数表示(0.35 即 NPS 35)",
        formula_en="share of promoters (9–10) minus share of detractors (0–6), as a fraction "
        "(0.35 means NPS 35)",
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
        formula_zh="完成的回访 ÷ 回访记录(每条为一次计划);denominator=plan:实际回访客户数 ÷ 计划回访客户数"
        "(计划代码 callbacks 或 callbacks:… 的计划数之和)",
        formula_en="callbacks completed ÷ callback attempts; denominator=plan: customers called back "
        "÷ customers planned (the planned figures of the unit's plan rows coded callbacks or "
        "callbacks:…)",
        parts={
            "numerator": (
                Agg("surveys", where=_done, when=("denominator", "attempts")),
                Agg(
                    "surveys",
                    where=_first_callbacks,
                    needs=_FIRSTS,
                    when=("denominator", "plan"),
                ),
            ),
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
            P_CALLBACK_KINDS,
            Param(
                name="denominator",
                default="attempts",
                kind="str",
                doc="attempts (every survey attempt) or plan (the 回访计划 plan rows; customers)",
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
        notes="with denominator=plan a customer called back twice by the same person counts once, "
        "and the plan rows belong to the unit they name (org_unit), as every plan row does",
    ),
    share(
        code="callback_authenticity_rate",
        name_zh="回访真实度",
        name_en="Callback authenticity",
        formula_zh="抽查属实的回访 ÷ 抽查过的回访(verified 非空)",
        formula_en="spot-checked callbacks found true ÷ callbacks spot-checked (verified not empty)",
        num=_verified_true,
        den=_verified_checked,
        params=(P_CALLBACK_KINDS,),
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
    share(
        code="key_customer_callback_rate",
        name_zh="重点客户回访覆盖率",
        name_en="Key customers called back",
        formula_zh="期内至少完成一次回访的本人重点客户 ÷ 期内本人持有的重点客户(客户表 owner_id)",
        formula_en="the employee's key customers (customers.owner_id) with at least one completed "
        "callback in the period ÷ the employee's key customers held during the period",
        num=_key_called_back,
        den=key_held_in_period,
        source="customers",
        params=(P_KEY_TIERS, P_CALLBACK_KINDS),
        needs=_CALLED_BACK,
        notes="any completed callback with the customer's customer_id counts, whoever made it",
    ),
    share(
        code="collaboration_satisfaction",
        name_zh="部门协作满意度",
        name_en="Collaboration satisfaction",
        formula_zh="完成的部门协作调查得分平均",
        formula_en="mean score of completed collaboration surveys",
        num=_collaboration_scored,
        den=_collaboration_scored,
        value=_score,
        unit="score",
    ),
    share(
        code="complaint_repair_satisfaction",
        name_zh="投诉修复满意度",
        name_en="Complaint repair satisfaction",
        formula_zh="投诉客户二次调研中满意(得分 ≥ 4,5 分制)的 ÷ 完成的二次调研",
        formula_en="completed second surveys of complainants scoring satisfied (≥ 4 of 5) ÷ "
        "completed second surveys",
        num=_repair_satisfied,
        den=_csat_num,
        params=(
            Param(
                name="kinds",
                default="complaint_repair",
                kind="list",
                doc="survey kinds counted",
            ),
            Param(
                name="satisfied_from",
                default=4,
                kind="decimal",
                doc="lowest score counted as satisfied",
            ),
        ),
    ),
    share(
        code="owned_customer_satisfaction",
        name_zh="个人挂钩客户满意度",
        name_en="Owned customers' satisfaction",
        formula_zh="本人挂钩客户(客户表 owner_id)完成的满意度调查中前两档(5 分制 4–5 分)的 ÷ 这些完成调查",
        formula_en="completed csat surveys of the customers the employee owns (customers.owner_id) "
        "scoring in the top two boxes ÷ those completed surveys",
        num=_owned_top2,
        den=_owned_scored,
        params=(P_CSAT_KINDS, P_SCALE),
        subject="_owner",
        needs=_OWNERS,
    ),
    share(
        code="owned_customer_awareness",
        name_zh="个人挂钩客户知晓度",
        name_en="Owned customers' awareness",
        formula_zh="本人挂钩客户完成的知晓度调查中知晓(得分 ≥ 1)的 ÷ 这些完成调查",
        formula_en="completed awareness surveys of the customers the employee owns scoring aware "
        "(≥ 1) ÷ those completed surveys",
        num=_owned_aware,
        den=_owned_scored,
        params=(
            Param(name="kinds", default="awareness", kind="list", doc="survey kinds counted"),
            Param(
                name="aware_from",
                default=1,
                kind="decimal",
                doc="lowest score counted as aware (1 = yes on a 0/1 answer)",
            ),
        ),
        subject="_owner",
        needs=_OWNERS,
    ),
)


# -------------------------------------------------------------------- from the rollup


def _csat_rollup(c: Ctx) -> dict[str, Part] | None:
    """From call ratings: Σ rating ÷ rated answered calls."""
    if c.p.get("source") != "calls":
        return None
    return {
        "numerator": Part(answered_calls, column("rating_sum"), count=False),
        "denominator": Part(answered_calls, column("n_rated")),
    }


def _top2_rollup(c: Ctx) -> dict[str, Part] | None:
    """From call ratings: answered calls rated scale − 1 or more ÷ rated answered calls."""
    top = rating_column(int(c.p["scale"]) - 1)
    if c.p.get("source") != "calls" or top is None:
        return None
    return {
        "numerator": Part(answered_calls, column(top)),
        "denominator": Part(answered_calls, column("n_rated")),
    }


# additive indicators as sums of the rollup kept at import (csperf.metrics.rollups)
ROLLUPS = {"csat_mean": _csat_rollup, "csat_top2": _top2_rollup}
