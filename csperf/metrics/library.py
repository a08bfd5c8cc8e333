"""The built-in indicator library.

Every indicator is a combination of *aggregates*: sums (or counts) of a row-level Ibis expression
over the rows of one record type that fall in the period, per employee. Ratios are formed from
the period's sums (a quarter's rate comes from the quarter's rows, never from monthly rates), and
team, department and centre figures add up the employees' sums, so every level is consistent
and every value can be traced to the rows of its aggregates (see :func:`csperf.metrics.explain`).

The expressions use only portable Ibis operations (comparisons, CASE, sums with FILTER, LEAD,
epoch seconds) so they compile unchanged for DuckDB, PostgreSQL, Spark, Trino and ClickHouse.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import ibis
import ibis.expr.types as ir

# ----------------------------------------------------------------------------- model


@dataclass(frozen=True)
class Param:
    name: str
    default: Any
    kind: str  # int | decimal | str | bool | list | map
    doc: str
    choices: tuple[str, ...] | None = None


@dataclass
class Ctx:
    """What an expression may use: the resolved parameters and the period bounds."""

    p: dict[str, Any]
    start: Any = None  # date
    end: Any = None  # date, exclusive
    start_ts: Any = None
    end_ts: Any = None


Expr = Callable[[ir.Table, Ctx], ir.Value]


@dataclass(frozen=True)
class Agg:
    """Σ value over the rows of `source` where `where` holds (value None: count the rows)."""

    source: str
    where: Expr | None = None
    value: Expr | None = None
    subject: str | Callable[[Ctx], str] | None = None  # employee column; default: the source's
    needs: frozenset[str] = frozenset()  # source features, e.g. {"repeat"} for repeat calls
    when: tuple[str, Any] | None = None  # used only when parameter when[0] equals when[1]

    def subject_column(self, ctx: Ctx) -> str:
        if self.subject is None:
            return SOURCE_SUBJECT[self.source]
        return self.subject(ctx) if callable(self.subject) else self.subject


@dataclass(frozen=True)
class Indicator:
    code: str
    name_zh: str
    name_en: str
    unit: str  # ratio | count | seconds | minutes | hours | days | points | score | amount | flag
    direction: str  # higher | lower | neutral
    record: str  # the record type it is computed from (the main one)
    formula_zh: str
    formula_en: str
    parts: dict[str, tuple[Agg, ...]]  # role -> aggregates added together
    combine: Callable[[dict[str, Any], Ctx], Any]
    params: tuple[Param, ...] = ()
    category: str = ""
    default_period: str = "month"
    # how higher levels are formed: "sum" (add employees' aggregates), "mean_of_employees"
    rollup: str = "sum"
    relative: str | None = None  # "center": combine gets the centre's parts as well
    available: bool = True  # False: provided by the web app, not computable from records
    notes: str = ""

    def param(self, name: str) -> Param:
        for p in self.params:
            if p.name == name:
                return p
        raise KeyError(name)

    def defaults(self) -> dict[str, Any]:
        return {p.name: p.default for p in self.params}

    def sources(self, ctx: Ctx) -> set[str]:
        return {a.source for aggs in self.parts.values() for a in aggs}

    @property
    def is_calls_only(self) -> bool:
        return all(a.source == "calls" for aggs in self.parts.values() for a in aggs)


SOURCE_SUBJECT = {
    "calls": "agent_id",
    "tickets": "agent_id",
    "surveys": "agent_id",
    "qc_reviews": "agent_id",
    "attendance": "employee_id",
    "incidents": "employee_id",
    "sales": "employee_id",
    "plans": "org_unit",
    "customers": "owner_id",
    "employees": "id",
}

# ---------------------------------------------------------------------- combinators


def _n(v: Any) -> Decimal:
    return v if isinstance(v, Decimal) else Decimal(v or 0)


def ratio(num: str = "numerator", den: str = "denominator", scale: int = 1, div: int = 1):
    """num × scale ÷ (den × div): div=3600 turns summed seconds into hours."""

    def f(v: dict[str, Any], ctx: Ctx) -> Decimal | None:
        d = _n(v[den]) * div
        if d == 0:
            return None
        return _n(v[num]) * scale / d

    return f


def total(role: str = "value"):
    def f(v: dict[str, Any], ctx: Ctx) -> Any:
        x = v[role]
        if isinstance(x, Decimal) and x == x.to_integral_value():
            return int(x)
        return x or 0

    return f


# ------------------------------------------------------------------- expression help


def secs(a: ir.Value, b: ir.Value) -> ir.Value:
    """Whole seconds from b to a (timestamps are stored to the second)."""
    return (a.epoch_seconds() - b.epoch_seconds()).cast("int64")


def isin(col: ir.Value, values: list[str]) -> ir.BooleanValue:
    return col.isin(values)


def truthy(e: ir.Value) -> ir.BooleanValue:
    return e.fill_null(False)


def _list(v: Any) -> list[str]:
    if isinstance(v, list | tuple):
        return [str(x) for x in v]
    return [s.strip() for s in str(v).split(",") if s.strip()]


def inbound(t):
    return t.direction == "inbound"


def answered(t):
    return (t.direction == "inbound") & (t.outcome == "answered")


def handled(t, c):
    d = c.p.get("direction", "inbound")
    inb = answered(t)
    outb = (t.direction == "outbound") & (t.outcome == "connected")
    return inb if d == "inbound" else outb if d == "outbound" else inb | outb


def tiers_ok(t, c, col="customer_tier"):
    tiers = _list(c.p.get("tiers", ""))
    if not tiers:
        return ibis.literal(True)
    return t[col].isin([x.lower() for x in tiers])


def short_abandon(t, c):
    s = c.p.get("short_abandon_s", 0)
    return (t.outcome == "abandoned") & truthy(t.wait_s < s)


ABANDONED = ("abandoned",)
ABANDONED_ALL = ("abandoned", "timeout", "exited")

P_SHORT = Param(
    "short_abandon_s", 0, "decimal", "abandons shorter than this many seconds are left out"
)
P_TIERS = Param("tiers", "", "list", "only customers of these tiers (comma list; empty: all)")
P_DIRECTION = Param(
    "direction", "inbound", "str", "which calls count as handled", ("inbound", "outbound", "all")
)

LIB: dict[str, Indicator] = {}


def add(ind: Indicator) -> Indicator:
    assert ind.code not in LIB, ind.code
    LIB[ind.code] = ind
    return ind


def A(source, where=None, value=None, **kw) -> Agg:
    return Agg(source, where, value, **kw)


# ============================================================================== calls

add(
    Indicator(
        "calls_offered",
        "呼叫数",
        "Calls offered",
        "count",
        "neutral",
        "calls",
        "呼入的全部呼叫(含阻塞、放弃)",
        "all inbound calls offered, blocked and abandoned included",
        {"value": (A("calls", lambda t, c: inbound(t) & tiers_ok(t, c)),)},
        total(),
        (P_TIERS,),
        "calls",
    )
)
add(
    Indicator(
        "calls_answered",
        "接通量",
        "Calls answered",
        "count",
        "higher",
        "calls",
        "人工接通的呼入电话数",
        "inbound calls answered by an agent",
        {"value": (A("calls", lambda t, c: answered(t) & tiers_ok(t, c)),)},
        total(),
        (P_TIERS,),
        "calls",
    )
)
add(
    Indicator(
        "calls_handled",
        "话务量",
        "Calls handled",
        "count",
        "higher",
        "calls",
        "接通的呼入电话数 + 接通的外呼电话数(按参数)",
        "answered inbound (and/or connected outbound) calls",
        {"value": (A("calls", lambda t, c: handled(t, c)),)},
        total(),
        (Param("direction", "all", "str", "which calls count", ("inbound", "outbound", "all")),),
        "calls",
    )
)
add(
    Indicator(
        "outbound_connected",
        "外呼接通量",
        "Outbound calls connected",
        "count",
        "higher",
        "calls",
        "外呼接通的电话数",
        "outbound calls that connected",
        {
            "value": (
                A("calls", lambda t, c: (t.direction == "outbound") & (t.outcome == "connected")),
            )
        },
        total(),
        (),
        "calls",
    )
)
add(
    Indicator(
        "answer_rate",
        "接通率",
        "Answer rate",
        "ratio",
        "higher",
        "calls",
        "接通量 ÷ 呼叫数(可剔除短时放弃、可限定客户等级)",
        "answered ÷ offered (short abandons and other tiers optionally left out)",
        {
            "numerator": (A("calls", lambda t, c: answered(t) & tiers_ok(t, c)),),
            "denominator": (
                A("calls", lambda t, c: inbound(t) & tiers_ok(t, c) & ~short_abandon(t, c)),
            ),
        },
        ratio(),
        (P_SHORT, P_TIERS),
        "calls",
    )
)


def _abandon_class(c):
    return ABANDONED_ALL if c.p["count_timeouts"] else ABANDONED


def _aband_den(t, c):
    if c.p["denominator"] == "answered":
        return answered(t)
    return inbound(t) & ~short_abandon(t, c)


add(
    Indicator(
        "abandon_rate",
        "呼叫放弃率",
        "Abandon rate",
        "ratio",
        "lower",
        "calls",
        "放弃的呼叫 ÷ 呼叫数(或 ÷ 接通量);短于 N 秒的放弃可不计",
        "abandoned ÷ offered (or ÷ answered); abandons under N s optionally left out",
        {
            "numerator": (
                A(
                    "calls",
                    lambda t, c: (
                        inbound(t) & t.outcome.isin(_abandon_class(c)) & ~short_abandon(t, c)
                    ),
                ),
            ),
            "denominator": (A("calls", _aband_den),),
        },
        ratio(),
        (
            P_SHORT,
            Param(
                "denominator",
                "offered",
                "str",
                "divide by offered or answered calls",
                ("offered", "answered"),
            ),
            Param(
                "count_timeouts", False, "bool", "count queue timeouts and key exits as abandoned"
            ),
        ),
        "calls",
    )
)


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


add(
    Indicator(
        "service_level",
        "服务水平",
        "Service level",
        "ratio",
        "higher",
        "calls",
        "T 秒内接通的呼叫 ÷ 呼叫数(T 默认 20;分母可选)",
        "calls answered within T s ÷ offered (T = 20 by default; denominator variants)",
        {"numerator": (A("calls", _sl_num),), "denominator": (A("calls", _sl_den),)},
        ratio(),
        (
            Param("threshold_s", 20, "decimal", "answered within this many seconds (inclusive)"),
            Param(
                "denominator",
                "offered",
                "str",
                "how abandons count",
                (
                    "offered",
                    "answered",
                    "offered_less_short_abandons",
                    "offered_less_abandons_within_threshold",
                ),
            ),
            Param(
                "short_abandon_s",
                5,
                "decimal",
                "short abandon limit for offered_less_short_abandons",
            ),
            P_TIERS,
        ),
        "calls",
    )
)
add(
    Indicator(
        "asa",
        "平均应答速度",
        "Average speed of answer",
        "seconds",
        "lower",
        "calls",
        "接通电话的等待时长之和 ÷ 接通量",
        "Σ wait of answered calls ÷ answered calls",
        {
            "numerator": (A("calls", lambda t, c: answered(t), lambda t, c: t.wait_s),),
            "denominator": (A("calls", lambda t, c: answered(t)),),
        },
        ratio(),
        (),
        "calls",
    )
)
add(
    Indicator(
        "aht",
        "平均处理时长",
        "Average handle time",
        "seconds",
        "lower",
        "calls",
        "(通话 + 保持 + 话后处理)之和 ÷ 处理的电话数",
        "Σ (talk + hold + wrap) ÷ calls handled",
        {
            "numerator": (A("calls", handled, lambda t, c: t.talk_s + t.hold_s + t.wrap_s),),
            "denominator": (A("calls", handled),),
        },
        ratio(),
        (P_DIRECTION,),
        "calls",
    )
)
add(
    Indicator(
        "acw",
        "话后处理时长",
        "After-call work",
        "seconds",
        "lower",
        "calls",
        "话后处理时长之和 ÷ 处理的电话数",
        "Σ wrap-up time ÷ calls handled",
        {
            "numerator": (A("calls", handled, lambda t, c: t.wrap_s),),
            "denominator": (A("calls", handled),),
        },
        ratio(),
        (P_DIRECTION,),
        "calls",
    )
)
add(
    Indicator(
        "transfer_rate",
        "转接率",
        "Transfer rate",
        "ratio",
        "lower",
        "calls",
        "转接的接通电话 ÷ 接通量",
        "transferred ÷ answered",
        {
            "numerator": (A("calls", lambda t, c: answered(t) & truthy(t.transferred)),),
            "denominator": (A("calls", lambda t, c: answered(t)),),
        },
        ratio(),
        (),
        "calls",
    )
)
add(
    Indicator(
        "rating_rate",
        "用户评分率",
        "Rating rate",
        "ratio",
        "higher",
        "calls",
        "有评分的接通电话 ÷ 接通量",
        "rated ÷ answered",
        {
            "numerator": (A("calls", lambda t, c: answered(t) & t.rating.notnull()),),
            "denominator": (A("calls", lambda t, c: answered(t)),),
        },
        ratio(),
        (),
        "calls",
    )
)
add(
    Indicator(
        "occupancy",
        "坐席利用率",
        "Occupancy",
        "ratio",
        "higher",
        "attendance",
        "处理时长 ÷ 签入时长(工时利用率)",
        "handling time ÷ logged-in time",
        {
            "numerator": (
                A(
                    "attendance",
                    lambda t, c: t.logged_in_s.notnull() & t.handling_s.notnull(),
                    lambda t, c: t.handling_s,
                ),
            ),
            "denominator": (
                A(
                    "attendance",
                    lambda t, c: t.logged_in_s.notnull() & t.handling_s.notnull(),
                    lambda t, c: t.logged_in_s,
                ),
            ),
        },
        ratio(),
        (),
        "calls",
    )
)


def _vs_mean(v: dict[str, Any], ctx: Ctx) -> Decimal | None:
    peer = v.get("_peer_mean")
    if peer in (None, 0):
        return None
    return _n(v["value"]) / _n(peer)


add(
    Indicator(
        "calls_handled_vs_mean",
        "通话量达标",
        "Calls handled vs peer mean",
        "ratio",
        "higher",
        "calls",
        "本人话务量 ÷ 同组(全体/班组/部门)有话务坐席的平均话务量",
        "own calls handled ÷ mean of the peer group (agents with at least one call)",
        {"value": (A("calls", handled),)},
        _vs_mean,
        (
            Param("peers", "all", "str", "peer group", ("all", "team", "department")),
            Param("direction", "all", "str", "which calls count", ("inbound", "outbound", "all")),
        ),
        "calls",
        relative="peers",
        notes="team/department/centre rows: the unit's mean per agent ÷ the centre's mean per agent",
    )
)

# ============================================================================ tickets


def _types(t, c):
    types = _list(c.p.get("types", ""))
    return t.type.isin(types) if types else ibis.literal(True)


def _not_excluded(t, c):
    ex = _list(c.p.get("exclusions", "any"))
    if ex == ["any"]:
        return t.exclusion_reason.isnull()
    if not ex or ex == ["none"]:
        return ibis.literal(True)
    return ~truthy(t.exclusion_reason.isin(ex))


def _fcr_parts():
    def num_t(t, c):
        return t.resolved_at.notnull() & _not_excluded(t, c) & truthy(t.first_contact_resolved)

    def den_t(t, c):
        return t.resolved_at.notnull() & _not_excluded(t, c)

    def num_c(t, c):
        return answered(t) & t.customer_id.notnull() & ~truthy(t.repeat_call)

    def den_c(t, c):
        return answered(t) & t.customer_id.notnull()

    rep = frozenset({"repeat"})
    return {
        "numerator": (
            Agg("tickets", num_t, when=("source", "tickets")),
            Agg("calls", num_c, needs=rep, when=("source", "calls")),
        ),
        "denominator": (
            Agg("tickets", den_t, when=("source", "tickets")),
            Agg("calls", den_c, needs=rep, when=("source", "calls")),
        ),
    }


add(
    Indicator(
        "first_contact_resolution",
        "一次性解决率",
        "First contact resolution",
        "ratio",
        "higher",
        "tickets",
        "首次接触即解决的工单 ÷ 已解决工单(剔除有剔除原因的工单);或按来电:接通后同一客户 N 小时内未再来电 ÷ 接通",
        "first-contact-resolved ÷ resolved tickets, excluding rows with an exclusion reason; or, from "
        "calls: answered calls whose customer did not call again within N hours ÷ answered calls",
        _fcr_parts(),
        ratio(),
        (
            Param(
                "source",
                "tickets",
                "str",
                "tickets (first_contact_resolved flag) or calls (no repeat call)",
                ("tickets", "calls"),
            ),
            Param(
                "exclusions",
                "any",
                "list",
                "exclusion reasons that remove a ticket: `any` (every reason), `none`, or a list",
            ),
            Param(
                "repeat_window_h",
                72,
                "int",
                "calls: a call again within this many hours is a repeat",
            ),
        ),
        "tickets",
    )
)


def _limit_s(t, c):
    """The response limit of a ticket in seconds: complaints by their own limit, others by tier."""
    limits = c.p["limits_min"]
    default = int(limits.get("default", 60))
    cases = [
        (t.customer_tier == k.lower(), int(v) * 60) for k, v in limits.items() if k != "default"
    ]
    tier = ibis.cases(*cases, else_=default * 60) if cases else ibis.literal(default * 60)
    return ibis.ifelse(t.type == "complaint", int(c.p["complaint_limit_min"]) * 60, tier)


def _responded_in_time(t, c):
    return t.first_response_at.notnull() & (
        secs(t.first_response_at, t.created_at) <= _limit_s(t, c)
    )


add(
    Indicator(
        "response_sla_rate",
        "分级响应时效达标率",
        "Response within tier limit",
        "ratio",
        "higher",
        "tickets",
        "在客户等级时限内首次响应的工单 ÷ 工单数(VIP 15 分钟、普通 60 分钟、投诉 2 小时)",
        "tickets first answered within their tier's limit ÷ tickets (VIP 15 min, normal 60 min, complaints 2 h)",
        {
            "numerator": (A("tickets", lambda t, c: _types(t, c) & _responded_in_time(t, c)),),
            "denominator": (A("tickets", _types),),
        },
        ratio(),
        (
            Param(
                "limits_min",
                {"vip": 15, "normal": 60, "default": 60},
                "map",
                "response limit in minutes by customer tier (`default` for the others)",
            ),
            Param("complaint_limit_min", 120, "int", "response limit of complaints, minutes"),
            Param("types", "", "list", "ticket types counted (empty: all)"),
        ),
        "tickets",
    )
)


def _resolved(t, c):
    return t.resolved_at.notnull() & _types(t, c)


add(
    Indicator(
        "mean_resolution_h",
        "平均闭环时长",
        "Mean resolution time",
        "hours",
        "lower",
        "tickets",
        "(解决时间 − 创建时间)之和 ÷ 已解决工单数,可按工单类型",
        "Σ (resolved − created) ÷ resolved tickets",
        {
            "numerator": (A("tickets", _resolved, lambda t, c: secs(t.resolved_at, t.created_at)),),
            "denominator": (A("tickets", _resolved),),
        },
        ratio(div=3600),
        (Param("types", "", "list", "ticket types counted (empty: all)"),),
        "tickets",
    )
)


def _complaint(t):
    return t.type == "complaint"


add(
    Indicator(
        "complaint_resolution_h",
        "投诉解决速度",
        "Complaint resolution speed",
        "hours",
        "lower",
        "tickets",
        "投诉解决总时长 ÷ 已解决投诉数",
        "total resolution time of complaints ÷ complaints resolved",
        {
            "numerator": (
                A(
                    "tickets",
                    lambda t, c: _complaint(t) & t.resolved_at.notnull(),
                    lambda t, c: secs(t.resolved_at, t.created_at),
                ),
            ),
            "denominator": (A("tickets", lambda t, c: _complaint(t) & t.resolved_at.notnull()),),
        },
        ratio(div=3600),
        (),
        "tickets",
    )
)
add(
    Indicator(
        "complaint_resolution_rate",
        "投诉解决率",
        "Complaint resolution rate",
        "ratio",
        "higher",
        "tickets",
        "已解决投诉 ÷ 投诉数",
        "complaints resolved ÷ complaints",
        {
            "numerator": (A("tickets", lambda t, c: _complaint(t) & t.resolved_at.notnull()),),
            "denominator": (A("tickets", lambda t, c: _complaint(t)),),
        },
        ratio(),
        (),
        "tickets",
    )
)
add(
    Indicator(
        "complaint_response_rate",
        "投诉响应及时率",
        "Complaints answered in time",
        "ratio",
        "higher",
        "tickets",
        "时限内(默认 2 小时)首次响应的投诉 ÷ 投诉数",
        "complaints first answered within the limit (2 h) ÷ complaints",
        {
            "numerator": (
                A(
                    "tickets",
                    lambda t, c: (
                        _complaint(t)
                        & t.first_response_at.notnull()
                        & (secs(t.first_response_at, t.created_at) <= int(c.p["limit_min"]) * 60)
                    ),
                ),
            ),
            "denominator": (A("tickets", lambda t, c: _complaint(t)),),
        },
        ratio(),
        (Param("limit_min", 120, "int", "response limit, minutes"),),
        "tickets",
    )
)


def _timely(t, c):
    by_limit = secs(t.resolved_at, t.created_at) <= int(c.p["limit_h"]) * 3600
    by_due = t.resolved_at <= t.due_at
    return t.resolved_at.notnull() & truthy(ibis.ifelse(t.due_at.notnull(), by_due, by_limit))


add(
    Indicator(
        "complaint_timely_resolution_rate",
        "投诉按时解决率",
        "Complaints resolved in time",
        "ratio",
        "higher",
        "tickets",
        "在时限内解决的投诉 ÷ 投诉数(有 due_at 按 due_at,否则默认 72 小时 ≈ 3 个工作日)",
        "complaints resolved by due_at (else within 72 h ≈ 3 working days) ÷ complaints",
        {
            "numerator": (A("tickets", lambda t, c: _complaint(t) & _timely(t, c)),),
            "denominator": (A("tickets", lambda t, c: _complaint(t)),),
        },
        ratio(),
        (Param("limit_h", 72, "int", "limit in hours when a ticket has no due_at"),),
        "tickets",
    )
)
add(
    Indicator(
        "complaint_resolution_satisfaction",
        "投诉解决满意率",
        "Satisfaction with complaint resolution",
        "ratio",
        "higher",
        "tickets",
        "满意度 ≥ 4 的已解决投诉 ÷ 有满意度的已解决投诉",
        "resolved complaints rated ≥ 4 ÷ resolved complaints with a rating",
        {
            "numerator": (
                A(
                    "tickets",
                    lambda t, c: (
                        _complaint(t)
                        & t.resolved_at.notnull()
                        & truthy(t.satisfaction >= c.p["satisfied_from"])
                    ),
                ),
            ),
            "denominator": (
                A(
                    "tickets",
                    lambda t, c: _complaint(t) & t.resolved_at.notnull() & t.satisfaction.notnull(),
                ),
            ),
        },
        ratio(),
        (Param("satisfied_from", 4, "int", "lowest satisfaction counted as satisfied"),),
        "tickets",
    )
)
add(
    Indicator(
        "complaint_rate",
        "投诉率",
        "Complaint rate",
        "ratio",
        "lower",
        "tickets",
        "投诉工单 ÷ 服务量(工单数 + 接通电话数,可选)",
        "complaint tickets ÷ interactions (tickets + answered calls)",
        {
            "numerator": (A("tickets", lambda t, c: _complaint(t)),),
            "denominator": (
                A("tickets", None, when=("interactions", "tickets")),
                A("tickets", None, when=("interactions", "tickets_and_calls")),
                A("calls", lambda t, c: answered(t), when=("interactions", "tickets_and_calls")),
                A("calls", lambda t, c: answered(t), when=("interactions", "calls")),
            ),
        },
        ratio(),
        (
            Param(
                "interactions",
                "tickets_and_calls",
                "str",
                "what counts as an interaction",
                ("tickets_and_calls", "tickets", "calls"),
            ),
        ),
        "tickets",
    )
)
add(
    Indicator(
        "reopen_rate",
        "问题复访率",
        "Reopen rate",
        "ratio",
        "lower",
        "tickets",
        "重开过的已解决工单 ÷ 已解决工单(二次投诉率:类型选 complaint)",
        "resolved tickets reopened at least once ÷ resolved tickets",
        {
            "numerator": (A("tickets", lambda t, c: _resolved(t, c) & (t.reopen_count > 0)),),
            "denominator": (A("tickets", _resolved),),
        },
        ratio(),
        (Param("types", "", "list", "ticket types counted (empty: all)"),),
        "tickets",
    )
)
add(
    Indicator(
        "feedback_timeliness",
        "客户意见反馈及时率",
        "Feedback answered in time",
        "ratio",
        "higher",
        "tickets",
        "在时限(due_at)前首次回复的意见/反馈工单 ÷ 有时限的意见/反馈工单",
        "feedback tickets first answered by due_at ÷ feedback tickets with a due_at",
        {
            "numerator": (
                A(
                    "tickets",
                    lambda t, c: (
                        _types(t, c) & t.due_at.notnull() & truthy(t.first_response_at <= t.due_at)
                    ),
                ),
            ),
            "denominator": (A("tickets", lambda t, c: _types(t, c) & t.due_at.notnull()),),
        },
        ratio(),
        (Param("types", "feedback,complaint", "list", "ticket types counted"),),
        "tickets",
    )
)
add(
    Indicator(
        "info_transfer_timeliness",
        "信息传递及时率",
        "Information passed on in time",
        "ratio",
        "higher",
        "tickets",
        "创建后 N 分钟内转派的工单 ÷ 转派的工单",
        "tickets forwarded within N minutes ÷ forwarded tickets",
        {
            "numerator": (
                A(
                    "tickets",
                    lambda t, c: (
                        t.forwarded_at.notnull()
                        & (secs(t.forwarded_at, t.created_at) <= int(c.p["limit_min"]) * 60)
                    ),
                ),
            ),
            "denominator": (A("tickets", lambda t, c: t.forwarded_at.notnull()),),
        },
        ratio(),
        (Param("limit_min", 30, "int", "forwarding limit, minutes"),),
        "tickets",
    )
)
add(
    Indicator(
        "forwarding_efficiency",
        "工单流转效率",
        "Forwarding time",
        "minutes",
        "lower",
        "tickets",
        "(转派时间 − 创建时间)之和 ÷ 转派工单数(分钟)",
        "Σ (forwarded − created) ÷ forwarded tickets, minutes",
        {
            "numerator": (
                A(
                    "tickets",
                    lambda t, c: t.forwarded_at.notnull(),
                    lambda t, c: secs(t.forwarded_at, t.created_at),
                ),
            ),
            "denominator": (A("tickets", lambda t, c: t.forwarded_at.notnull()),),
        },
        ratio(div=60),
        (),
        "tickets",
    )
)
add(
    Indicator(
        "knowledge_match_rate",
        "知识匹配准确率",
        "Knowledge match rate",
        "ratio",
        "higher",
        "tickets",
        "知识匹配正确的工单 ÷ 使用知识库的工单",
        "tickets whose knowledge matched ÷ tickets that used the knowledge base",
        {
            "numerator": (
                A("tickets", lambda t, c: truthy(t.knowledge_used) & truthy(t.knowledge_matched)),
            ),
            "denominator": (A("tickets", lambda t, c: truthy(t.knowledge_used)),),
        },
        ratio(),
        (),
        "tickets",
    )
)
add(
    Indicator(
        "info_accuracy_rate",
        "信息传递准确率",
        "Information accuracy",
        "ratio",
        "higher",
        "tickets",
        "无信息错误的工单 ÷ 标注了信息错误与否的工单",
        "tickets without an information error ÷ tickets checked",
        {
            "numerator": (
                A("tickets", lambda t, c: t.info_error.notnull() & ~truthy(t.info_error)),
            ),
            "denominator": (A("tickets", lambda t, c: t.info_error.notnull()),),
        },
        ratio(),
        (),
        "tickets",
    )
)
add(
    Indicator(
        "script_compliance_rate",
        "话术合规率",
        "Script compliance",
        "ratio",
        "higher",
        "tickets",
        "无话术违规的工单 ÷ 检查过话术的工单",
        "tickets without script violations ÷ tickets checked",
        {
            "numerator": (A("tickets", lambda t, c: t.script_violations == 0),),
            "denominator": (A("tickets", lambda t, c: t.script_violations.notnull()),),
        },
        ratio(),
        (),
        "tickets",
    )
)
add(
    Indicator(
        "tickets_resolved",
        "工单处理量",
        "Tickets resolved",
        "count",
        "higher",
        "tickets",
        "已解决的工单数",
        "tickets resolved",
        {"value": (A("tickets", _resolved),)},
        total(),
        (Param("types", "", "list", "ticket types counted (empty: all)"),),
        "tickets",
    )
)


def _workload(v: dict[str, Any], ctx: Ctx) -> Decimal | None:
    cap = _n(v["scheduled_days"]) * Decimal(str(ctx.p["capacity_per_day"]))
    if cap == 0:
        return None
    return _n(v["handled"]) / cap


add(
    Indicator(
        "workload_ratio",
        "人力负荷率",
        "Workload ratio",
        "ratio",
        "neutral",
        "tickets",
        "处理量(接通电话 + 解决工单)÷ 理论最大处理量(排班天数 × 每日产能)",
        "handled (answered calls + resolved tickets) ÷ theoretical maximum (scheduled days × capacity)",
        {
            "handled": (
                A("calls", lambda t, c: answered(t)),
                A("tickets", lambda t, c: t.resolved_at.notnull()),
            ),
            "scheduled_days": (A("attendance", lambda t, c: truthy(t.scheduled)),),
        },
        _workload,
        (Param("capacity_per_day", 100, "decimal", "contacts one person can handle in a day"),),
        "tickets",
    )
)

# ======================================================================= satisfaction


def _completed(t, kinds):
    return (t.status == "completed") & t.kind.isin(kinds)


def _csat_num(t, c):
    return _completed(t, _list(c.p["kinds"])) & t.score.notnull()


add(
    Indicator(
        "csat_mean",
        "客户满意度",
        "Customer satisfaction (mean)",
        "score",
        "higher",
        "surveys",
        "完成的满意度调查得分的算术平均(拒访、未接通不计);或来电评分平均",
        "mean score of completed surveys (refused and unreachable left out); or of call ratings",
        {
            "numerator": (
                A("surveys", _csat_num, lambda t, c: t.score, when=("source", "surveys")),
                A(
                    "calls",
                    lambda t, c: answered(t) & t.rating.notnull(),
                    lambda t, c: t.rating,
                    when=("source", "calls"),
                ),
            ),
            "denominator": (
                A("surveys", _csat_num, when=("source", "surveys")),
                A("calls", lambda t, c: answered(t) & t.rating.notnull(), when=("source", "calls")),
            ),
        },
        ratio(),
        (
            Param("source", "surveys", "str", "surveys or call ratings", ("surveys", "calls")),
            Param("kinds", "csat", "list", "survey kinds counted"),
        ),
        "satisfaction",
        notes="the weighted 1–5 average (a·1+b·2+…+e·5)/(a+…+e) is this mean on a 5-point scale",
    )
)
add(
    Indicator(
        "csat_top2",
        "满意度(前两档占比)",
        "CSAT top-2-box",
        "ratio",
        "higher",
        "surveys",
        "得分在前两档(5 分制的 4–5 分)的完成调查 ÷ 完成调查",
        "share of completed surveys scoring in the top two boxes",
        {
            "numerator": (
                A(
                    "surveys",
                    lambda t, c: _csat_num(t, c) & (t.score >= int(c.p["scale"]) - 1),
                    when=("source", "surveys"),
                ),
                A(
                    "calls",
                    lambda t, c: answered(t) & (t.rating >= int(c.p["scale"]) - 1),
                    when=("source", "calls"),
                ),
            ),
            "denominator": (
                A("surveys", _csat_num, when=("source", "surveys")),
                A("calls", lambda t, c: answered(t) & t.rating.notnull(), when=("source", "calls")),
            ),
        },
        ratio(),
        (
            Param("source", "surveys", "str", "surveys or call ratings", ("surveys", "calls")),
            Param("kinds", "csat", "list", "survey kinds counted"),
            Param("scale", 5, "int", "points of the scale (top two boxes: scale and scale − 1)"),
        ),
        "satisfaction",
    )
)
add(
    Indicator(
        "cs_index",
        "客户满意指数(CS)",
        "Dealer CS index",
        "score",
        "higher",
        "surveys",
        "每次成功回访 Σ 25 × (答案/100)(很好/比较满意 100,一般/基本满意 75,不满意 25,投诉 0),再按人/组/期平均",
        "per successful callback Σ 25 × answer/100 over its questions, then the mean over callbacks",
        {
            "numerator": (
                A(
                    "surveys",
                    lambda t, c: _completed(t, _list(c.p["kinds"])) & t.cs_score.notnull(),
                    lambda t, c: t.cs_score,
                ),
            ),
            "denominator": (
                A(
                    "surveys",
                    lambda t, c: _completed(t, _list(c.p["kinds"])) & t.cs_score.notnull(),
                ),
            ),
        },
        ratio(),
        (Param("kinds", "callback,csat", "list", "survey kinds counted"),),
        "satisfaction",
    )
)


def _nps(v: dict[str, Any], ctx: Ctx) -> Decimal | None:
    n = _n(v["responses"])
    if n == 0:
        return None
    return (_n(v["promoters"]) - _n(v["detractors"])) / n


def _nps_base(t, c):
    kinds = _list(c.p["kinds"])
    base = (t.status == "completed") & t.nps.notnull()
    return base & t.kind.isin(kinds) if kinds else base


add(
    Indicator(
        "nps",
        "净推荐值",
        "Net promoter score",
        "ratio",
        "higher",
        "surveys",
        "(9–10 分占比)−(0–6 分占比),以小数表示(0.35 即 NPS 35)",
        "share of 9–10 minus share of 0–6, as a fraction (0.35 means NPS 35)",
        {
            "promoters": (A("surveys", lambda t, c: _nps_base(t, c) & (t.nps >= 9)),),
            "detractors": (A("surveys", lambda t, c: _nps_base(t, c) & (t.nps <= 6)),),
            "responses": (A("surveys", _nps_base),),
        },
        _nps,
        (
            Param(
                "kinds", "", "list", "survey kinds counted (empty: any survey with an nps answer)"
            ),
        ),
        "satisfaction",
    )
)
add(
    Indicator(
        "callback_rate",
        "客户回访率",
        "Callback completion",
        "ratio",
        "higher",
        "surveys",
        "完成的回访 ÷ 计划的回访(每条回访记录为一次计划;或按回访计划:计划表中计划代码为 "
        "callbacks 或 callbacks:… 的计划数之和)",
        "callbacks completed ÷ callbacks planned: each survey attempt is one planned callback, or "
        "(denominator=plan) the planned figures of the unit's plan rows coded callbacks or "
        "callbacks:…",
        {
            "numerator": (A("surveys", lambda t, c: _completed(t, _list(c.p["kinds"]))),),
            "denominator": (
                A(
                    "surveys",
                    lambda t, c: t.kind.isin(_list(c.p["kinds"])),
                    when=("denominator", "attempts"),
                ),
                A(
                    "plans",
                    lambda t, c: (
                        (t.plan_code == c.p["plan_code"])
                        | t.plan_code.startswith(f"{c.p['plan_code']}:")
                    ),
                    lambda t, c: t.planned,
                    when=("denominator", "plan"),
                ),
            ),
        },
        ratio(),
        (
            Param("kinds", "callback", "list", "survey kinds counted"),
            Param(
                "denominator",
                "attempts",
                "str",
                "attempts (every survey attempt) or plan (the 回访计划 plan rows)",
                ("attempts", "plan"),
            ),
            Param("plan_code", "callbacks", "str", "plan code of the callback plan rows"),
        ),
        "satisfaction",
        notes="with denominator=plan the plan rows belong to the unit they name (org_unit), "
        "as every plan row does",
    )
)
add(
    Indicator(
        "key_customer_callbacks",
        "大客户回访次数",
        "Key customer callbacks",
        "count",
        "higher",
        "surveys",
        "对大客户(等级 vip/key)完成的回访次数",
        "completed callbacks to key customers",
        {
            "value": (
                A(
                    "surveys",
                    lambda t, c: (
                        _completed(t, ["callback"]) & t.customer_tier.isin(_list(c.p["key_tiers"]))
                    ),
                ),
            )
        },
        total(),
        (Param("key_tiers", "vip,key", "list", "tiers that are key customers"),),
        "satisfaction",
    )
)
add(
    Indicator(
        "collaboration_satisfaction",
        "部门协作满意度",
        "Collaboration satisfaction",
        "score",
        "higher",
        "surveys",
        "完成的部门协作调查得分平均",
        "mean score of completed collaboration surveys",
        {
            "numerator": (
                A(
                    "surveys",
                    lambda t, c: _completed(t, ["collaboration"]) & t.score.notnull(),
                    lambda t, c: t.score,
                ),
            ),
            "denominator": (
                A("surveys", lambda t, c: _completed(t, ["collaboration"]) & t.score.notnull()),
            ),
        },
        ratio(),
        (),
        "satisfaction",
    )
)


def _held_at_start(t, c):
    tiers = _list(c.p.get("tiers", ""))
    ok = (t.acquired_at.isnull() | (t.acquired_at < c.start)) & (
        t.lost_at.isnull() | (t.lost_at >= c.start)
    )
    return ok & t.tier.isin([x.lower() for x in tiers]) if tiers else ok


def _lost_in_period(t, c):
    return _held_at_start(t, c) & t.lost_at.notnull() & (t.lost_at < c.end)


add(
    Indicator(
        "key_customer_churn",
        "大客户流失数",
        "Key customers lost",
        "count",
        "lower",
        "customers",
        "期内流失的大客户数",
        "key customers lost in the period",
        {
            "value": (
                A(
                    "customers",
                    lambda t, c: (
                        t.tier.isin(_list(c.p["key_tiers"]))
                        & t.lost_at.notnull()
                        & (t.lost_at >= c.start)
                        & (t.lost_at < c.end)
                    ),
                ),
            )
        },
        total(),
        (Param("key_tiers", "vip,key", "list", "tiers that are key customers"),),
        "satisfaction",
    )
)
add(
    Indicator(
        "churn_rate",
        "流失率",
        "Churn rate",
        "ratio",
        "lower",
        "customers",
        "期初保有客户中期内流失的 ÷ 期初保有客户",
        "customers held at the start and lost in the period ÷ held at the start",
        {
            "numerator": (A("customers", _lost_in_period),),
            "denominator": (A("customers", _held_at_start),),
        },
        ratio(),
        (Param("tiers", "", "list", "customer tiers counted (empty: all)"),),
        "satisfaction",
    )
)


def _retention(v: dict[str, Any], ctx: Ctx) -> Decimal | None:
    held = _n(v["held"])
    return None if held == 0 else (held - _n(v["lost"])) / held


add(
    Indicator(
        "retention_rate",
        "保有率",
        "Retention rate",
        "ratio",
        "higher",
        "customers",
        "(期初保有客户 − 期内流失)÷ 期初保有客户",
        "(customers held at the start − lost) ÷ held at the start",
        {"held": (A("customers", _held_at_start),), "lost": (A("customers", _lost_in_period),)},
        _retention,
        (Param("tiers", "", "list", "customer tiers counted (empty: all)"),),
        "satisfaction",
    )
)

# ====================================================================== quality (QC)


def _final_score(t, c):
    return ibis.coalesce(t.recheck_score, t.score) if c.p.get("use_recheck", True) else t.score


def _review(t):
    return t.kind == "review"


def _by(default):
    return Param(
        "by",
        default,
        "str",
        "whose figure: the inspected agent or the inspector",
        ("agent", "inspector"),
    )


def _subject_by(c):
    return "inspector_id" if c.p.get("by") == "inspector" else "agent_id"


P_RECHECK = Param("use_recheck", True, "bool", "a recheck score replaces the first score")
add(
    Indicator(
        "qc_score_mean",
        "质检成绩",
        "QC score",
        "points",
        "higher",
        "qc_reviews",
        "质检得分之和 ÷ 满分之和 × 100(有复检以复检为准)",
        "Σ score ÷ Σ max score × 100 (recheck score when given)",
        {
            "numerator": (
                A("qc_reviews", lambda t, c: _review(t), _final_score, subject=_subject_by),
            ),
            "denominator": (
                A(
                    "qc_reviews",
                    lambda t, c: _review(t),
                    lambda t, c: t.max_score,
                    subject=_subject_by,
                ),
            ),
        },
        ratio(scale=100),
        (P_RECHECK, _by("agent")),
        "quality",
    )
)
add(
    Indicator(
        "qc_pass_rate",
        "质检合格率",
        "QC pass rate",
        "ratio",
        "higher",
        "qc_reviews",
        "得分 ≥ 满分 × 合格线且无致命错误的质检 ÷ 质检数",
        "reviews at or above the pass mark without a fatal error ÷ reviews",
        {
            "numerator": (
                A(
                    "qc_reviews",
                    lambda t, c: (
                        _review(t)
                        & ~truthy(t.fatal)
                        & (_final_score(t, c) >= t.max_score * Decimal(str(c.p["pass_ratio"])))
                    ),
                    subject=_subject_by,
                ),
            ),
            "denominator": (A("qc_reviews", lambda t, c: _review(t), subject=_subject_by),),
        },
        ratio(),
        (
            Param("pass_ratio", Decimal("0.8"), "decimal", "pass mark as a share of the max score"),
            P_RECHECK,
            _by("agent"),
        ),
        "quality",
    )
)
add(
    Indicator(
        "qc_count",
        "质检量",
        "Reviews done",
        "count",
        "higher",
        "qc_reviews",
        "质检员完成的质检条数(或坐席被检条数)",
        "reviews done by the inspector (or of the agent)",
        {"value": (A("qc_reviews", lambda t, c: _review(t), subject=_subject_by),)},
        total(),
        (_by("inspector"),),
        "quality",
    )
)
add(
    Indicator(
        "qc_consistency",
        "质检吻合度",
        "QC consistency",
        "ratio",
        "higher",
        "qc_reviews",
        "复检分与初检分相差不超过容差(满分 × 5%)的质检 ÷ 复检过的质检",
        "rechecked reviews within tolerance ÷ rechecked reviews",
        {
            "numerator": (
                A(
                    "qc_reviews",
                    lambda t, c: (
                        _review(t)
                        & t.recheck_score.notnull()
                        & (
                            (t.recheck_score - t.score).abs()
                            <= t.max_score * Decimal(str(c.p["tolerance"]))
                        )
                    ),
                    subject=_subject_by,
                ),
            ),
            "denominator": (
                A(
                    "qc_reviews",
                    lambda t, c: _review(t) & t.recheck_score.notnull(),
                    subject=_subject_by,
                ),
            ),
        },
        ratio(),
        (
            Param(
                "tolerance",
                Decimal("0.05"),
                "decimal",
                "allowed difference as a share of the max score",
            ),
            _by("inspector"),
        ),
        "quality",
    )
)
add(
    Indicator(
        "fatal_errors",
        "致命错误数",
        "Fatal errors",
        "count",
        "lower",
        "qc_reviews",
        "有致命错误的质检条数",
        "reviews with a fatal error",
        {"value": (A("qc_reviews", lambda t, c: _review(t) & truthy(t.fatal)),)},
        total(),
        (),
        "quality",
    )
)


def _origin(t, c):
    o = c.p.get("origin", "any")
    return ibis.literal(True) if o == "any" else t.origin == o


add(
    Indicator(
        "test_call_score_mean",
        "拨测成绩",
        "Test-call score",
        "score",
        "higher",
        "qc_reviews",
        "拨测得分的平均(可按第三方/集团/内部)",
        "mean score of test calls (by origin)",
        {
            "numerator": (
                A(
                    "qc_reviews",
                    lambda t, c: (t.kind == "test_call") & _origin(t, c),
                    lambda t, c: t.score,
                ),
            ),
            "denominator": (A("qc_reviews", lambda t, c: (t.kind == "test_call") & _origin(t, c)),),
        },
        ratio(),
        (
            Param(
                "origin",
                "any",
                "str",
                "who made the test calls",
                ("any", "internal", "third_party", "group"),
            ),
        ),
        "quality",
    )
)
add(
    Indicator(
        "test_call_count",
        "拨测量",
        "Test calls made",
        "count",
        "higher",
        "qc_reviews",
        "质检员完成的拨测次数",
        "test calls made by the inspector",
        {"value": (A("qc_reviews", lambda t, c: t.kind == "test_call", subject=_subject_by),)},
        total(),
        (_by("inspector"),),
        "quality",
    )
)

# ========================================================================= attendance


def _att(code, zh, en, unit, where, value=None, params=(), direction="lower", notes=""):
    return add(
        Indicator(
            code,
            zh,
            en,
            unit,
            direction,
            "attendance",
            zh,
            en,
            {"value": (A("attendance", where, value),)},
            total(),
            params,
            "attendance",
            notes=notes,
        )
    )


P_BAND = Param("band_min", 5, "decimal", "minutes that separate short from long lateness")
_att("late_count", "迟到次数", "Times late", "count", lambda t, c: t.late_minutes > 0)
_att(
    "late_minutes",
    "迟到分钟数",
    "Minutes late",
    "minutes",
    lambda t, c: t.late_minutes > 0,
    lambda t, c: t.late_minutes,
)
_att(
    "late_minutes_short",
    "迟到分钟数(≤5 分钟的迟到)",
    "Minutes late, short lateness",
    "minutes",
    lambda t, c: (t.late_minutes > 0) & (t.late_minutes <= c.p["band_min"]),
    lambda t, c: t.late_minutes,
    (P_BAND,),
)
_att(
    "late_minutes_long",
    "迟到分钟数(>5 分钟的迟到)",
    "Minutes late, long lateness",
    "minutes",
    lambda t, c: t.late_minutes > c.p["band_min"],
    lambda t, c: t.late_minutes,
    (P_BAND,),
)
_att("early_count", "早退次数", "Times left early", "count", lambda t, c: t.early_minutes > 0)
_att(
    "early_minutes",
    "早退分钟数",
    "Minutes left early",
    "minutes",
    lambda t, c: t.early_minutes > 0,
    lambda t, c: t.early_minutes,
)
add(
    Indicator(
        "late_early_count",
        "迟到早退次数",
        "Times late or left early",
        "count",
        "lower",
        "attendance",
        "迟到次数 + 早退次数",
        "times late + times left early",
        {
            "value": (
                A("attendance", lambda t, c: t.late_minutes > 0),
                A("attendance", lambda t, c: t.early_minutes > 0),
            )
        },
        total(),
        (),
        "attendance",
    )
)
add(
    Indicator(
        "tardy_minutes_short",
        "迟到早退分钟数(5 分钟内)",
        "Late/early minutes, within the band",
        "minutes",
        "lower",
        "attendance",
        "每次 ≤5 分钟的迟到、早退分钟数之和",
        "Σ minutes of lateness and early leaving of at most 5 minutes",
        {
            "value": (
                A(
                    "attendance",
                    lambda t, c: (t.late_minutes > 0) & (t.late_minutes <= c.p["band_min"]),
                    lambda t, c: t.late_minutes,
                ),
                A(
                    "attendance",
                    lambda t, c: (t.early_minutes > 0) & (t.early_minutes <= c.p["band_min"]),
                    lambda t, c: t.early_minutes,
                ),
            )
        },
        total(),
        (P_BAND,),
        "attendance",
    )
)
add(
    Indicator(
        "tardy_minutes_long",
        "迟到早退分钟数(5 分钟以上)",
        "Late/early minutes, beyond the band",
        "minutes",
        "lower",
        "attendance",
        "每次 >5 分钟的迟到、早退分钟数之和",
        "Σ minutes of lateness and early leaving over 5 minutes",
        {
            "value": (
                A(
                    "attendance",
                    lambda t, c: t.late_minutes > c.p["band_min"],
                    lambda t, c: t.late_minutes,
                ),
                A(
                    "attendance",
                    lambda t, c: t.early_minutes > c.p["band_min"],
                    lambda t, c: t.early_minutes,
                ),
            )
        },
        total(),
        (P_BAND,),
        "attendance",
    )
)
_att("absent_days", "旷工天数", "Days absent", "days", lambda t, c: truthy(t.absent))
_att(
    "leave_days",
    "请假天数",
    "Days of leave",
    "days",
    lambda t, c: t.leave_days > 0,
    lambda t, c: t.leave_days,
)
_att(
    "shift_swaps",
    "换班次数",
    "Shift swaps",
    "count",
    lambda t, c: t.shift_swaps > 0,
    lambda t, c: t.shift_swaps,
)
_att(
    "scheduled_days",
    "应出勤天数",
    "Scheduled days",
    "days",
    lambda t, c: truthy(t.scheduled),
    direction="neutral",
)


def _worked(t, c):
    return truthy(t.scheduled) & ~truthy(t.absent)


add(
    Indicator(
        "days_worked",
        "出勤天数",
        "Days worked",
        "days",
        "higher",
        "attendance",
        "排班且未旷工的天数 − 当天请假天数",
        "scheduled days not absent, less leave taken on them",
        {"value": (A("attendance", _worked, lambda t, c: 1 - ibis.least(t.leave_days, 1)),)},
        total(),
        (),
        "attendance",
    )
)


def _full_att(v: dict[str, Any], ctx: Ctx) -> int | None:
    if _n(v["scheduled"]) == 0:
        return None
    return 1 if _n(v["breaches"]) == 0 else 0


add(
    Indicator(
        "full_attendance",
        "全勤",
        "Full attendance",
        "flag",
        "higher",
        "attendance",
        "期内有排班且无迟到、早退、旷工、请假为 1,否则 0;班组及以上为全勤人数占比",
        "1 when scheduled in the period with no lateness, early leaving, absence or leave, else 0; "
        "for teams and above the share of employees with full attendance",
        {
            "scheduled": (A("attendance", lambda t, c: truthy(t.scheduled)),),
            "breaches": (
                A(
                    "attendance",
                    lambda t, c: (
                        (t.late_minutes > 0)
                        | (t.early_minutes > 0)
                        | truthy(t.absent)
                        | (t.leave_days > 0)
                    ),
                ),
            ),
        },
        _full_att,
        (),
        "attendance",
        rollup="mean_of_employees",
    )
)

# ========================================================================== incidents


def _kinds(*kinds):
    return lambda t, c: t.kind.isin(list(kinds))


def _inc(code, zh, en, kinds, direction="lower"):
    return add(
        Indicator(
            code,
            zh,
            en,
            "count",
            direction,
            "incidents",
            zh,
            en,
            {"value": (A("incidents", _kinds(*kinds)),)},
            total(),
            (),
            "incidents",
        )
    )


_inc(
    "praise_count",
    "表扬次数",
    "Praise received",
    ("praise_letter", "praise_department", "praise_company", "praise_media"),
    "higher",
)
_inc("valid_complaints", "有效投诉次数", "Valid complaints", ("complaint_valid",))
_inc("general_complaints", "一般投诉次数", "General complaints", ("complaint_general",))
_inc("repeat_complaints", "重复投诉次数", "Repeat complaints", ("complaint_repeat",))
_inc("service_errors", "服务差错次数", "Service errors", ("service_error",))
_inc("work_errors", "工作差错次数", "Work errors", ("work_error",))
_inc("violations", "违规次数", "Violations", ("violation", "serious_violation"))
_inc("serious_violations", "严重违规次数", "Serious violations", ("serious_violation",))
_inc("untrue_reports", "报表不真实次数", "Untrue reports", ("untrue_report",))
_inc(
    "suggestions_adopted",
    "建议被采纳次数",
    "Suggestions adopted",
    ("suggestion_adopted",),
    "higher",
)
add(
    Indicator(
        "incident_points",
        "事件分值合计",
        "Incident points",
        "points",
        "neutral",
        "incidents",
        "所选类别事件的分值之和",
        "Σ points of the incidents of the chosen kinds",
        {
            "value": (
                A(
                    "incidents",
                    lambda t, c: (
                        (
                            t.kind.isin(_list(c.p["kinds"]))
                            if _list(c.p["kinds"])
                            else ibis.literal(True)
                        )
                        & t.points.notnull()
                    ),
                    lambda t, c: t.points,
                ),
            )
        },
        total(),
        (Param("kinds", "", "list", "incident kinds (empty: all)"),),
        "incidents",
    )
)

# ============================================================================== sales


def _sales(code, zh, en, unit, direction, formula_zh, formula_en, num, den, params=(), **kw):
    parts = {"numerator": (A("sales", None, num),), "denominator": (A("sales", None, den),)}
    return add(
        Indicator(
            code,
            zh,
            en,
            unit,
            direction,
            "sales",
            formula_zh,
            formula_en,
            parts,
            ratio(),
            params,
            "sales",
            **kw,
        )
    )


_sales(
    "inquiry_conversion_rate",
    "询单转化率",
    "Inquiry conversion",
    "ratio",
    "higher",
    "付款人数 ÷ 询单人数",
    "paying customers ÷ inquiring customers",
    lambda t, c: ibis.coalesce(t.buyers, t.paid_orders),
    lambda t, c: t.inquiries,
)
_sales(
    "payment_rate",
    "支付率",
    "Payment rate",
    "ratio",
    "higher",
    "付款订单 ÷ 下单数",
    "paid orders ÷ orders placed",
    lambda t, c: t.paid_orders,
    lambda t, c: t.orders,
)
_sales(
    "refund_rate",
    "退款率",
    "Refund rate",
    "ratio",
    "lower",
    "退款订单 ÷ 付款订单",
    "refunded orders ÷ paid orders",
    lambda t, c: t.refunds,
    lambda t, c: t.paid_orders,
)
_sales(
    "cross_sell_rate",
    "交叉营销渗透率",
    "Cross-sell rate",
    "ratio",
    "higher",
    "交叉销售订单 ÷ 付款订单",
    "orders with a cross-sell ÷ paid orders",
    lambda t, c: t.cross_sell,
    lambda t, c: t.paid_orders,
)
add(
    Indicator(
        "reply_rate",
        "回复率",
        "Reply rate",
        "ratio",
        "higher",
        "sales",
        "回复人数 ÷ 询单人数",
        "customers replied to ÷ inquiring customers",
        {
            "numerator": (A("sales", lambda t, c: t.replied.notnull(), lambda t, c: t.replied),),
            "denominator": (
                A("sales", lambda t, c: t.replied.notnull(), lambda t, c: t.inquiries),
            ),
        },
        ratio(),
        (),
        "sales",
    )
)
add(
    Indicator(
        "avg_response_s",
        "平均响应时间",
        "Average response time",
        "seconds",
        "lower",
        "sales",
        "按回复人数加权的日平均响应时间",
        "daily average response time weighted by customers replied to",
        {
            "numerator": (
                A(
                    "sales",
                    lambda t, c: t.avg_response_s.notnull() & t.replied.notnull(),
                    lambda t, c: t.avg_response_s * t.replied,
                ),
            ),
            "denominator": (
                A(
                    "sales",
                    lambda t, c: t.avg_response_s.notnull() & t.replied.notnull(),
                    lambda t, c: t.replied,
                ),
            ),
        },
        ratio(),
        (),
        "sales",
    )
)
add(
    Indicator(
        "sales_amount",
        "销售额",
        "Sales amount",
        "amount",
        "higher",
        "sales",
        "付款金额之和",
        "Σ amount paid",
        {"value": (A("sales", None, lambda t, c: t.amount),)},
        total(),
        (),
        "sales",
    )
)


def _aov(v: dict[str, Any], ctx: Ctx) -> Decimal | None:
    own_n, all_n = _n(v["paid_orders"]), _n(v.get("_center_paid_orders"))
    if own_n == 0 or all_n == 0 or _n(v.get("_center_amount")) == 0:
        return None
    return (_n(v["amount"]) / own_n) / (_n(v["_center_amount"]) / all_n)


add(
    Indicator(
        "aov_ratio",
        "落实客单价",
        "Average order value vs the shop's",
        "ratio",
        "higher",
        "sales",
        "本人客单价(金额 ÷ 付款订单)÷ 全店客单价",
        "own average order value ÷ the whole shop's",
        {
            "amount": (A("sales", None, lambda t, c: t.amount),),
            "paid_orders": (A("sales", None, lambda t, c: t.paid_orders),),
        },
        _aov,
        (),
        "sales",
        relative="center",
    )
)
add(
    Indicator(
        "order_rate",
        "成单率",
        "Order rate",
        "ratio",
        "higher",
        "sales",
        "下单数 ÷ 处理的电话数",
        "orders ÷ calls handled",
        {
            "numerator": (A("sales", None, lambda t, c: t.orders),),
            "denominator": (A("calls", lambda t, c: handled(t, c)),),
        },
        ratio(),
        (Param("direction", "all", "str", "which calls count", ("inbound", "outbound", "all")),),
        "sales",
    )
)

# ========================================================================= management


def _plan(code, zh, en, plan_code, unit="ratio", direction="higher", kind="rate", notes=""):
    where = lambda t, c: t.plan_code.isin(_list(c.p["plan_code"]))  # noqa: E731
    if kind == "rate":
        parts = {
            "numerator": (
                A("plans", lambda t, c: where(t, c) & t.actual.notnull(), lambda t, c: t.actual),
            ),
            "denominator": (
                A("plans", lambda t, c: where(t, c) & t.actual.notnull(), lambda t, c: t.planned),
            ),
        }
        comb = ratio()
        f_zh, f_en = (
            f"实际值 ÷ 计划值(计划代码 {plan_code})",
            f"actual ÷ planned (plan code {plan_code})",
        )
    elif kind == "saving":
        parts = {
            "numerator": (
                A(
                    "plans",
                    lambda t, c: where(t, c) & t.actual.notnull(),
                    lambda t, c: t.planned - t.actual,
                ),
            ),
            "denominator": (
                A("plans", lambda t, c: where(t, c) & t.actual.notnull(), lambda t, c: t.planned),
            ),
        }
        comb = ratio()
        f_zh, f_en = "(预算 − 实际支出)÷ 预算", "(budget − spent) ÷ budget"
    else:
        parts = {
            "value": (
                A("plans", lambda t, c: where(t, c) & t.actual.notnull(), lambda t, c: t.actual),
            )
        }
        comb = total()
        f_zh, f_en = f"实际值之和(计划代码 {plan_code})", f"Σ actual (plan code {plan_code})"
    return add(
        Indicator(
            code,
            zh,
            en,
            unit,
            direction,
            "plans",
            f_zh,
            f_en,
            parts,
            comb,
            (Param("plan_code", plan_code, "list", "plan codes of the rows used"),),
            "management",
            notes=notes or "plan rows of the unit itself (org_unit)",
        )
    )


_plan("plan_completion_rate", "计划完成率", "Plan completion", "work_plan")
_plan("budget_control_rate", "预算控制率", "Budget used", "budget", direction="lower")
_plan("budget_saving_rate", "预算节省率", "Budget saved", "budget", kind="saving")
_plan(
    "process_improvement_rate",
    "流程改进目标完成率",
    "Process improvement goals met",
    "process_improvement",
)
_plan(
    "survey_plan_completion", "客户调研计划完成率", "Customer survey plan completion", "survey_plan"
)
_plan("training_pass_rate", "培训考核通过率", "Training pass rate", "training")
_plan("certification_coverage", "技能认证覆盖率", "Skill certification coverage", "certification")
_plan(
    "standard_execution_rate",
    "客服标准有效执行率",
    "Service standards applied",
    "standard_execution",
)
_plan("fee_collection_rate", "物业费收缴率", "Fee collection rate", "fee_collection")
_plan("facility_intact_rate", "公共设施完好率", "Facilities intact", "facility")
_plan(
    "improvement_proposals",
    "流程优化提案数",
    "Process improvement proposals",
    "improvement_proposals",
    unit="count",
    kind="sum",
)


def _active(t, c):
    return (t.hired_at.isnull() | (t.hired_at < c.end)) & (
        t.left_at.isnull() | (t.left_at >= c.start)
    )


def _cost_per_agent(v: dict[str, Any], ctx: Ctx) -> Decimal | None:
    n = _n(v["headcount"])
    return None if n == 0 else _n(v["cost"]) / n


add(
    Indicator(
        "cost_per_agent",
        "人均服务成本",
        "Service cost per agent",
        "amount",
        "lower",
        "plans",
        "成本(计划代码 cost 的实际值)÷ 期内在册人数",
        "cost (actual of plan code cost) ÷ employees on the roster in the period",
        {
            "cost": (
                A(
                    "plans",
                    lambda t, c: t.plan_code.isin(_list(c.p["plan_code"])) & t.actual.notnull(),
                    lambda t, c: t.actual,
                ),
            ),
            "headcount": (A("employees", _active),),
        },
        _cost_per_agent,
        (Param("plan_code", "cost", "list", "plan codes of the cost rows"),),
        "management",
    )
)
add(
    Indicator(
        "team_mean_score",
        "员工管理",
        "Mean score of the unit's staff",
        "points",
        "higher",
        "evaluations",
        "本单位员工同期已发布考核总分的平均",
        "mean total of the unit's own published evaluations in the same period",
        {},
        lambda v, c: None,
        (),
        "management",
        available=False,
        notes="depends on other cards: supplied by the evaluation cycle (web app), not by the records engine",
    )
)
