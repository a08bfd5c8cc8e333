"""Call indicators (category ``calls``): volumes, answer and abandon rates, service level, handle
times, after-call work per day, transfers, ratings, the OB satisfaction mean, occupancy (from
attendance) and calls handled against the peer mean."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import ibis
import ibis.expr.types as ir

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
    ratio,
    short_abandon,
    tiers_ok,
    total,
    truthy,
)
from csperf.metrics.rollups import Part, column, less_short, n, short_column, sl_column

# ----------------------------------------------------------------------- conditions


def _offered_in_tiers(t, c):
    """Calls offered in the chosen direction, whatever their outcome (blocked and abandoned
    included); outbound: every call dialled out."""
    d = c.p.get("direction", "inbound")
    if d == "all":
        return tiers_ok(t, c)
    return (inbound(t) if d == "inbound" else t.direction == "outbound") & tiers_ok(t, c)


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


def _rated_handled(t, c):
    return handled(t, c) & t.rating.notnull()


def _rated_outbound(t, c):
    return _outbound_connected(t, c) & t.rating.notnull()


def _acw_day_over(t, c):
    """One row per agent and day (the day's first call) whose day average wrap-up per handled
    call is above the limit (strict)."""
    n = t._day_handled
    return t._day_first & (n > 0) & (t._day_wrap > n * c.p["limit_s"])


def _occupancy_rows(t, c):
    return t.logged_in_s.notnull() & t.handling_s.notnull()


# ---------------------------------------------------------------------------- values


def _wait(t, c):
    return t.wait_s


def _handle_time(t, c):
    if c.p.get("include_hold", True):
        return t.talk_s + t.hold_s + t.wrap_s
    return t.talk_s + t.wrap_s


def _wrap(t, c):
    return t.wrap_s


def _rating(t, c):
    return t.rating


def _handling(t, c):
    return t.handling_s


def _logged_in(t, c):
    return t.logged_in_s


# --------------------------------------------------------------- derived columns


def call_days(t: ir.Table, period: Any, direction: str) -> ir.Table:
    """The period's calls with, per agent and calendar day, Σ wrap-up of the handled calls
    (``_day_wrap``), the handled calls (``_day_handled``) and the day's first call
    (``_day_first``): window functions, portable to every Ibis backend."""
    t = t.filter(t.offered_at >= period.start_ts, t.offered_at < period.end_ts)
    h = handled(t, Ctx({"direction": direction}))
    day = [t.agent_id, t.offered_at.date()]
    w = ibis.window(group_by=day)
    first = ibis.row_number().over(ibis.window(group_by=day, order_by=[t.offered_at, t.call_id]))
    return t.mutate(
        _day_wrap=ibis.ifelse(h, t.wrap_s, 0).sum().over(w),
        _day_handled=ibis.ifelse(h, 1, 0).sum().over(w),  # no bool casts: PostgreSQL
        _day_first=first == 0,
    )


def _days_arg(c: Ctx) -> str:
    return c.p.get("direction", "all")


# name (in Agg.needs) -> (the feature's argument from the parameters, the table it builds)
DERIVED = {"call_days": (_days_arg, call_days)}
_CALL_DAYS = frozenset({"call_days"})

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
        formula_zh="打入(及/或打出)中心的全部电话,含受到阻塞的、中途放弃的和已经答复的",
        formula_en="every call into (and/or out of) the centre, blocked, abandoned and answered "
        "ones included",
        parts={"value": (Agg("calls", where=_offered_in_tiers),)},
        combine=total(),
        params=(
            Param(
                name="direction",
                default="inbound",
                kind="str",
                doc="inbound calls, outbound calls (every call dialled) or all (§4 呼叫数: "
                "打入/打出中心的电话)",
                choices=("inbound", "outbound", "all"),
            ),
            P_TIERS,
        ),
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
        formula_zh="(通话 + 保持 + 话后处理)之和 ÷ 处理的电话数;不含保持时为(通话时间 + 话后处理时间)",
        formula_en="Σ (talk + hold + wrap) ÷ calls handled; without hold: Σ (talk + wrap)",
        parts={
            "numerator": (Agg("calls", where=handled, value=_handle_time),),
            "denominator": (Agg("calls", where=handled),),
        },
        combine=ratio(),
        params=(
            P_DIRECTION,
            Param(
                name="include_hold",
                default=True,
                kind="bool",
                doc="count hold time; false: 通话时间 + 话后处理时间 (§4 平均话务处理时间)",
            ),
        ),
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
        code="acw_overlimit_days",
        name_zh="话后处理超时天数",
        name_en="Days over the after-call work limit",
        unit="days",
        direction="lower",
        record="calls",
        formula_zh="当天话后处理时长之和 ÷ 当天处理的电话数 > 限值(默认 15 秒)的天数",
        formula_en="days whose Σ wrap-up ÷ calls handled that day is above the limit (15 s)",
        parts={"value": (Agg("calls", where=_acw_day_over, needs=_CALL_DAYS),)},
        combine=total(),
        params=(
            Param(
                name="limit_s",
                default=15,
                kind="decimal",
                doc="a day is over when its average wrap-up per handled call is above this "
                "many seconds (strict)",
            ),
            P_DIRECTION_ALL,
        ),
        category="calls",
        notes="calendar days of offered_at; days without a handled call are never over",
    ),
    Indicator(
        code="transfer_rate",
        name_zh="转接率",
        name_en="Transfer rate",
        unit="ratio",
        direction="lower",
        record="calls",
        formula_zh="转接电话数 ÷ 全部接通电话数(人工接通的呼入电话)",
        formula_en="calls transferred ÷ all calls answered (inbound, by an agent)",
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
        formula_zh="用户评分数 ÷ 个人的话务总量(处理的全部电话)",
        formula_en="calls rated ÷ all calls handled",
        parts={
            "numerator": (Agg("calls", where=_rated_handled),),
            "denominator": (Agg("calls", where=handled),),
        },
        combine=ratio(),
        params=(P_DIRECTION_ALL,),
        category="calls",
    ),
    Indicator(
        code="ob_csat_mean",
        name_zh="OB满意度",
        name_en="OB satisfaction",
        unit="score",
        direction="higher",
        record="calls",
        formula_zh="(a×1 + b×2 + c×3 + d×4 + e×5) ÷ (a + b + c + d + e),a…e 为成功接通且有评分的外呼"
        "得 1…5 分的次数;未评分的不计",
        formula_en="(a·1 + b·2 + c·3 + d·4 + e·5) ÷ (a + b + c + d + e) over the connected "
        "outbound calls that were rated (a … e: calls rated 1 … 5); unrated calls left out",
        parts={
            "numerator": (Agg("calls", where=_rated_outbound, value=_rating),),
            "denominator": (Agg("calls", where=_rated_outbound),),
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

# ------------------------------------------------------------------ from the rollup
# each additive indicator as sums of the rollup kept at import (csperf.metrics.rollups); None:
# a parameter value the rollup does not keep, the raw calls answer


def _abandon_rate_rollup(c: Ctx) -> dict[str, Part] | None:
    short = short_column(c.p["short_abandon_s"])
    if short is None:
        return None
    abandoned = t_outcome_in(_abandon_class(c))
    den = (
        Part(answered_calls, n)
        if c.p["denominator"] == "answered"
        else Part(lambda t, c: inbound(t), less_short(short))
    )
    return {"numerator": Part(abandoned, less_short(short)), "denominator": den}


def t_outcome_in(outcomes: tuple[str, ...]):
    return lambda t, c: inbound(t) & t.outcome.isin(outcomes)


def _sl_rollup(c: Ctx) -> dict[str, Part] | None:
    within = sl_column(c.p["threshold_s"])
    short = short_column(c.p["short_abandon_s"])
    d = c.p["denominator"]
    if within is None or (d == "offered_less_short_abandons" and short is None):
        return None
    num = Part(_answered_in_tiers, column(within))
    base = lambda t, c: inbound(t) & tiers_ok(t, c)  # noqa: E731
    if d == "answered":
        den = Part(_answered_in_tiers, n)
    elif d == "offered_less_short_abandons":
        den = Part(base, less_short(short or ""))
    elif d == "offered_less_abandons_within_threshold":
        den = Part(base, lambda r: r.n - ibis.ifelse(r.outcome.isin(ABANDONED_ALL), r[within], 0))
    else:
        den = Part(base, n)
    return {"numerator": num, "denominator": den}


def _answer_rate_rollup(c: Ctx) -> dict[str, Part] | None:
    short = short_column(c.p["short_abandon_s"])
    if short is None:
        return None
    den = Part(lambda t, c: inbound(t) & tiers_ok(t, c), less_short(short))
    return {"numerator": Part(_answered_in_tiers, n), "denominator": den}


def _mean_of(where, value: str):
    return lambda c: {
        "numerator": Part(where, column(value), count=False),
        "denominator": Part(where, n),
    }


def _handle_rollup(c: Ctx) -> dict[str, Part]:
    value = "handle_sum" if c.p.get("include_hold", True) else "talk_wrap_sum"
    return _mean_of(handled, value)(c)


ROLLUPS = {
    "calls_offered": lambda c: {"value": Part(_offered_in_tiers, n)},
    "calls_answered": lambda c: {"value": Part(_answered_in_tiers, n)},
    "calls_handled": lambda c: {"value": Part(handled, n)},
    "calls_handled_vs_mean": lambda c: {"value": Part(handled, n)},
    "outbound_connected": lambda c: {"value": Part(_outbound_connected, n)},
    "answer_rate": _answer_rate_rollup,
    "abandon_rate": _abandon_rate_rollup,
    "service_level": _sl_rollup,
    "asa": _mean_of(answered_calls, "wait_sum"),
    "aht": _handle_rollup,
    "acw": _mean_of(handled, "wrap_sum"),
    "transfer_rate": lambda c: {
        "numerator": Part(answered_calls, column("n_transferred")),
        "denominator": Part(answered_calls, n),
    },
    "rating_rate": lambda c: {
        "numerator": Part(handled, column("n_rated")),
        "denominator": Part(handled, n),
    },
    "ob_csat_mean": lambda c: {
        "numerator": Part(_outbound_connected, column("rating_sum"), count=False),
        "denominator": Part(_outbound_connected, column("n_rated")),
    },
}
