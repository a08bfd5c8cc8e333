"""Call indicators (category ``calls``): volumes, answer and abandon rates, service level, handle
times, transfers, ratings, occupancy (from attendance) and calls handled against the peer mean."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from csperf.metrics.indicators.model import (
    ABANDONED,
    ABANDONED_ALL,
    P_DIRECTION,
    P_DIRECTION_ALL,
    P_SHORT,
    P_TIERS,
    Agg,
    Ctx,
    Indicator,
    Param,
    answered,
    answered_calls,
    as_decimal,
    handled,
    inbound,
    rated_calls,
    ratio,
    short_abandon,
    tiers_ok,
    total,
    truthy,
)

# ----------------------------------------------------------------------- conditions


def _offered_in_tiers(t, c):
    return inbound(t) & tiers_ok(t, c)


def _answered_in_tiers(t, c):
    return answered(t) & tiers_ok(t, c)


def _outbound_connected(t, c):
    return (t.direction == "outbound") & (t.outcome == "connected")


def _answer_rate_den(t, c):
    return inbound(t) & tiers_ok(t, c) & ~short_abandon(t, c)


def _abandon_class(c):
    return ABANDONED_ALL if c.p["count_timeouts"] else ABANDONED


def _aband_num(t, c):
    return inbound(t) & t.outcome.isin(_abandon_class(c)) & ~short_abandon(t, c)


def _aband_den(t, c):
    if c.p["denominator"] == "answered":
        return answered(t)
    return inbound(t) & ~short_abandon(t, c)


def _sl_num(t, c):
    return answered(t) & truthy(t.wait_s <= c.p["threshold_s"]) & tiers_ok(t, c)


def _sl_den(t, c):
    d = c.p["denominator"]
    base = inbound(t) & tiers_ok(t, c)
    if d == "answered":
        return answered(t) & tiers_ok(t, c)
    if d == "offered_less_short_abandons":
        return base & ~short_abandon(t, c)
    if d == "offered_less_abandons_within_threshold":
        within = t.outcome.isin(ABANDONED_ALL) & truthy(t.wait_s <= c.p["threshold_s"])
        return base & ~within
    return base


def _transferred(t, c):
    return answered(t) & truthy(t.transferred)


def _occupancy_rows(t, c):
    return t.logged_in_s.notnull() & t.handling_s.notnull()


# ---------------------------------------------------------------------------- values


def _wait(t, c):
    return t.wait_s


def _handle_time(t, c):
    return t.talk_s + t.hold_s + t.wrap_s


def _wrap(t, c):
    return t.wrap_s


def _handling(t, c):
    return t.handling_s


def _logged_in(t, c):
    return t.logged_in_s


# ------------------------------------------------------------------------- combines


def _vs_mean(v: dict[str, Any], ctx: Ctx) -> Decimal | None:
    peer = v.get("_peer_mean")
    if peer in (None, 0):
        return None
    return as_decimal(v["value"]) / as_decimal(peer)


# ------------------------------------------------------------------------ indicators

INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        code="calls_offered",
        name_zh="呼叫数",
        name_en="Calls offered",
        unit="count",
        direction="neutral",
        record="calls",
        formula_zh="呼入的全部呼叫(含阻塞、放弃)",
        formula_en="all inbound calls offered, blocked and abandoned included",
        parts={"value": (Agg("calls", where=_offered_in_tiers),)},
        combine=total(),
        params=(P_TIERS,),
        category="calls",
    ),
    Indicator(
        code="calls_answered",
        name_zh="接通量",
        name_en="Calls answered",
        unit="count",
        direction="higher",
        record="calls",
        formula_zh="人工接通的呼入电话数",
        formula_en="inbound calls answered by an agent",
        parts={"value": (Agg("calls", where=_answered_in_tiers),)},
        combine=total(),
        params=(P_TIERS,),
        category="calls",
    ),
    Indicator(
        code="calls_handled",
        name_zh="话务量",
        name_en="Calls handled",
        unit="count",
        direction="higher",
        record="calls",
        formula_zh="接通的呼入电话数 + 接通的外呼电话数(按参数)",
        formula_en="answered inbound (and/or connected outbound) calls",
        parts={"value": (Agg("calls", where=handled),)},
        combine=total(),
        params=(P_DIRECTION_ALL,),
        category="calls",
    ),
    Indicator(
        code="outbound_connected",
        name_zh="外呼接通量",
        name_en="Outbound calls connected",
        unit="count",
        direction="higher",
        record="calls",
        formula_zh="外呼接通的电话数",
        formula_en="outbound calls that connected",
        parts={"value": (Agg("calls", where=_outbound_connected),)},
        combine=total(),
        params=(),
        category="calls",
    ),
    Indicator(
        code="answer_rate",
        name_zh="接通率",
        name_en="Answer rate",
        unit="ratio",
        direction="higher",
        record="calls",
        formula_zh="接通量 ÷ 呼叫数(可剔除短时放弃、可限定客户等级)",
        formula_en="answered ÷ offered (short abandons and other tiers optionally left out)",
        parts={
            "numerator": (Agg("calls", where=_answered_in_tiers),),
            "denominator": (Agg("calls", where=_answer_rate_den),),
        },
        combine=ratio(),
        params=(P_SHORT, P_TIERS),
        category="calls",
    ),
    Indicator(
        code="abandon_rate",
        name_zh="呼叫放弃率",
        name_en="Abandon rate",
        unit="ratio",
        direction="lower",
        record="calls",
        formula_zh="放弃的呼叫 ÷ 呼叫数(或 ÷ 接通量);短于 N 秒的放弃可不计",
        formula_en="abandoned ÷ offered (or ÷ answered); abandons under N s optionally left out",
        parts={
            "numerator": (Agg("calls", where=_aband_num),),
            "denominator": (Agg("calls", where=_aband_den),),
        },
        combine=ratio(),
        params=(
            P_SHORT,
            Param(
                name="denominator",
                default="offered",
                kind="str",
                doc="divide by offered or answered calls",
                choices=("offered", "answered"),
            ),
            Param(
                name="count_timeouts",
                default=False,
                kind="bool",
                doc="count queue timeouts and key exits as abandoned",
            ),
        ),
        category="calls",
    ),
    Indicator(
        code="service_level",
        name_zh="服务水平",
        name_en="Service level",
        unit="ratio",
        direction="higher",
        record="calls",
        formula_zh="T 秒内接通的呼叫 ÷ 呼叫数(T 默认 20;分母可选)",
        formula_en="calls answered within T s ÷ offered (T = 20 by default; denominator variants)",
        parts={
            "numerator": (Agg("calls", where=_sl_num),),
            "denominator": (Agg("calls", where=_sl_den),),
        },
        combine=ratio(),
        params=(
            Param(
                name="threshold_s",
                default=20,
                kind="decimal",
                doc="answered within this many seconds (inclusive)",
            ),
            Param(
                name="denominator",
                default="offered",
                kind="str",
                doc="how abandons count",
                choices=(
                    "offered",
                    "answered",
                    "offered_less_short_abandons",
                    "offered_less_abandons_within_threshold",
                ),
            ),
            Param(
                name="short_abandon_s",
                default=5,
                kind="decimal",
                doc="short abandon limit for offered_less_short_abandons",
            ),
            P_TIERS,
        ),
        category="calls",
    ),
    Indicator(
        code="asa",
        name_zh="平均应答速度",
        name_en="Average speed of answer",
        unit="seconds",
        direction="lower",
        record="calls",
        formula_zh="接通电话的等待时长之和 ÷ 接通量",
        formula_en="Σ wait of answered calls ÷ answered calls",
        parts={
            "numerator": (Agg("calls", where=answered_calls, value=_wait),),
            "denominator": (Agg("calls", where=answered_calls),),
        },
        combine=ratio(),
        params=(),
        category="calls",
    ),
    Indicator(
        code="aht",
        name_zh="平均处理时长",
        name_en="Average handle time",
        unit="seconds",
        direction="lower",
        record="calls",
        formula_zh="(通话 + 保持 + 话后处理)之和 ÷ 处理的电话数",
        formula_en="Σ (talk + hold + wrap) ÷ calls handled",
        parts={
            "numerator": (Agg("calls", where=handled, value=_handle_time),),
            "denominator": (Agg("calls", where=handled),),
        },
        combine=ratio(),
        params=(P_DIRECTION,),
        category="calls",
    ),
    Indicator(
        code="acw",
        name_zh="话后处理时长",
        name_en="After-call work",
        unit="seconds",
        direction="lower",
        record="calls",
        formula_zh="话后处理时长之和 ÷ 处理的电话数",
        formula_en="Σ wrap-up time ÷ calls handled",
        parts={
            "numerator": (Agg("calls", where=handled, value=_wrap),),
            "denominator": (Agg("calls", where=handled),),
        },
        combine=ratio(),
        params=(P_DIRECTION,),
        category="calls",
    ),
    Indicator(
        code="transfer_rate",
        name_zh="转接率",
        name_en="Transfer rate",
        unit="ratio",
        direction="lower",
        record="calls",
        formula_zh="转接的接通电话 ÷ 接通量",
        formula_en="transferred ÷ answered",
        parts={
            "numerator": (Agg("calls", where=_transferred),),
            "denominator": (Agg("calls", where=answered_calls),),
        },
        combine=ratio(),
        params=(),
        category="calls",
    ),
    Indicator(
        code="rating_rate",
        name_zh="用户评分率",
        name_en="Rating rate",
        unit="ratio",
        direction="higher",
        record="calls",
        formula_zh="有评分的接通电话 ÷ 接通量",
        formula_en="rated ÷ answered",
        parts={
            "numerator": (Agg("calls", where=rated_calls),),
            "denominator": (Agg("calls", where=answered_calls),),
        },
        combine=ratio(),
        params=(),
        category="calls",
    ),
    Indicator(
        code="occupancy",
        name_zh="坐席利用率",
        name_en="Occupancy",
        unit="ratio",
        direction="higher",
        record="attendance",
        formula_zh="处理时长 ÷ 签入时长(工时利用率)",
        formula_en="handling time ÷ logged-in time",
        parts={
            "numerator": (Agg("attendance", where=_occupancy_rows, value=_handling),),
            "denominator": (Agg("attendance", where=_occupancy_rows, value=_logged_in),),
        },
        combine=ratio(),
        params=(),
        category="calls",
    ),
    Indicator(
        code="calls_handled_vs_mean",
        name_zh="通话量达标",
        name_en="Calls handled vs peer mean",
        unit="ratio",
        direction="higher",
        record="calls",
        formula_zh="本人话务量 ÷ 同组(全体/班组/部门)有话务坐席的平均话务量",
        formula_en="own calls handled ÷ mean of the peer group (agents with at least one call)",
        parts={"value": (Agg("calls", where=handled),)},
        combine=_vs_mean,
        params=(
            Param(
                name="peers",
                default="all",
                kind="str",
                doc="peer group",
                choices=("all", "team", "department"),
            ),
            P_DIRECTION_ALL,
        ),
        category="calls",
        relative="peers",
        notes="team/department/centre rows: the unit's mean per agent ÷ the centre's mean per agent",
    ),
)
