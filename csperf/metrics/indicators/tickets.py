"""Ticket indicators (category ``tickets``): first contact resolution, response and resolution
times, complaints, reopens, forwarding, knowledge and script checks, warnings (预警工单), tickets
resolved and the workload ratio (answered calls + resolved tickets against scheduled capacity).

A ticket belongs to the period it was created in (received), also for its response and
resolution figures. Deadlines in working days (``complaint_timely_resolution_rate`` with
``limit_workdays``) come from the working calendar (``Ctx.workdays``: the national calendar with
its 调休 days plus the centre's ``calendar`` rows), built as one CASE over the period's receipt
days, so the expression stays portable."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import ibis

from csperf.kernel.workdays import Workdays
from csperf.metrics.indicators.model import (
    Agg,
    Ctx,
    Direction,
    Expr,
    Indicator,
    Param,
    answered,
    answered_calls,
    as_decimal,
    as_list,
    on_roster,
    ratio,
    scheduled,
    secs,
    share,
    total,
    truthy,
)
from csperf.metrics.rollups import Part, column, repeat_column

P_TYPES = Param(name="types", default="", kind="list", doc="ticket types counted (empty: all)")

# ----------------------------------------------------------------------- conditions


def _types(t, c):
    types = as_list(c.p.get("types", ""))
    return t.type.isin(types) if types else ibis.literal(True)


def _not_excluded(t, c):
    ex = as_list(c.p.get("exclusions", "any"))
    if ex == ["any"]:
        return t.exclusion_reason.isnull()
    if not ex or ex == ["none"]:
        return ibis.literal(True)
    return ~truthy(t.exclusion_reason.isin(ex))


def _fcr_tickets_num(t, c):
    return t.resolved_at.notnull() & _not_excluded(t, c) & truthy(t.first_contact_resolved)


def _fcr_tickets_den(t, c):
    """Resolved tickets (default) or, with denominator=all, every ticket of the period
    (总工单量); tickets with an exclusion reason are left out of both."""
    if c.p.get("denominator", "resolved") == "all":
        return _not_excluded(t, c)
    return t.resolved_at.notnull() & _not_excluded(t, c)


def _fcr_calls_num(t, c):
    return answered(t) & t.customer_id.notnull() & ~truthy(t.repeat_call)


def _fcr_calls_den(t, c):
    return answered(t) & t.customer_id.notnull()


def _limit_s(t, c):
    """The response limit of a ticket in seconds: by its customer's tier (``limits_min``);
    complaints by ``complaint_limit_min`` when that is above 0."""
    limits = c.p["limits_min"]
    default = int(limits.get("default", 60))
    cases = [
        (t.customer_tier == k.lower(), int(v) * 60) for k, v in limits.items() if k != "default"
    ]
    tier = ibis.cases(*cases, else_=default * 60) if cases else ibis.literal(default * 60)
    complaint_min = int(c.p.get("complaint_limit_min", 0) or 0)
    if complaint_min <= 0:
        return tier
    return ibis.ifelse(t.type == "complaint", complaint_min * 60, tier)


def _responded_in_time(t, c):
    return t.first_response_at.notnull() & (
        secs(t.first_response_at, t.created_at) <= _limit_s(t, c)
    )


def _typed_responded_in_time(t, c):
    return _types(t, c) & _responded_in_time(t, c)


def _resolved(t, c):
    return t.resolved_at.notnull() & _types(t, c)


def _complaint(t):
    return t.type == "complaint"


def _category(t, c):
    cats = as_list(c.p.get("category", ""))
    return truthy(t.category.isin(cats)) if cats else ibis.literal(True)


def _complaints(t, c):
    """Complaints received in the period (of the ``category`` when the indicator has one)."""
    return _complaint(t) & _category(t, c)


def _resolved_complaints(t, c):
    return _complaints(t, c) & t.resolved_at.notnull()


def _complaint_answered_in_time(t, c):
    """First answered at most ``limit_min`` minutes (clock time) after receipt, inclusive."""
    return (
        _complaint(t)
        & t.first_response_at.notnull()
        & (secs(t.first_response_at, t.created_at) <= int(c.p["limit_min"]) * 60)
    )


def _day_start(d: date) -> datetime:
    return datetime.combine(d, time())


def _workday_deadline(t, c):
    """The instant a ticket's working-day limit ends: 00:00 after the ``limit_workdays``-th
    working day after its day of receipt (the day of receipt is not counted). One CASE over the
    period's receipt days, consecutive days with the same deadline merged (weekends, holidays)."""
    wd = c.workdays if c.workdays is not None else Workdays()
    n = int(c.p["limit_workdays"])
    runs: list[tuple[date, datetime]] = []  # (first receipt day of the run, its deadline)
    day = c.start
    while day < c.end:
        bound = _day_start(wd.nth_after(day, n) + timedelta(days=1))
        if not runs or runs[-1][1] != bound:
            runs.append((day, bound))
        day += timedelta(days=1)
    if not runs:
        return ibis.null("timestamp")
    lit = [ibis.literal(b, "timestamp") for _, b in runs]
    cases = [
        (t.created_at < ibis.literal(_day_start(runs[i + 1][0]), "timestamp"), lit[i])
        for i in range(len(runs) - 1)
    ]
    return ibis.cases(*cases, else_=lit[-1]) if cases else lit[-1]


def _timely(t, c):
    if int(c.p.get("limit_workdays", 0) or 0) > 0:
        return t.resolved_at.notnull() & truthy(t.resolved_at < _workday_deadline(t, c))
    by_limit = secs(t.resolved_at, t.created_at) <= int(c.p["limit_h"]) * 3600
    by_due = t.resolved_at <= t.due_at
    return t.resolved_at.notnull() & truthy(ibis.ifelse(t.due_at.notnull(), by_due, by_limit))


def _complaint_resolved_in_time(t, c):
    return _complaint(t) & _timely(t, c)


def _satisfied_resolved_complaints(t, c):
    return _complaint(t) & t.resolved_at.notnull() & truthy(t.satisfaction >= c.p["satisfied_from"])


def _satisfaction_base(t, c):
    """Every complaint of the period (总投诉数量), or with denominator=rated the resolved
    complaints with a rating."""
    if c.p.get("denominator", "all") == "rated":
        return _complaint(t) & t.resolved_at.notnull() & t.satisfaction.notnull()
    return _complaint(t)


def _reopened(t, c):
    return _resolved(t, c) & (t.reopen_count > 0)


def _feedback_needed(t, c):
    """Tickets that need feedback: of the types, with a due_at (or every one when limit_h > 0)."""
    if int(c.p.get("limit_h", 0) or 0) > 0:
        return _types(t, c)
    return _types(t, c) & t.due_at.notnull()


def _feedback_in_time(t, c):
    """First answered by due_at (inclusive); without a due_at within limit_h hours."""
    h = int(c.p.get("limit_h", 0) or 0)
    by_due = t.first_response_at <= t.due_at
    if h > 0:
        by_limit = secs(t.first_response_at, t.created_at) <= h * 3600
        by_due = ibis.ifelse(t.due_at.notnull(), by_due, by_limit)
    return _feedback_needed(t, c) & t.first_response_at.notnull() & truthy(by_due)


def _forwarded(t, c):
    return t.forwarded_at.notnull()


def _forwarded_in_time(t, c):
    return t.forwarded_at.notnull() & (
        secs(t.forwarded_at, t.created_at) <= int(c.p["limit_min"]) * 60
    )


def _knowledge_matched(t, c):
    return truthy(t.knowledge_used) & truthy(t.knowledge_matched)


def _knowledge_used(t, c):
    return truthy(t.knowledge_used)


def _info_correct(t, c):
    return t.info_error.notnull() & ~truthy(t.info_error)


def _info_checked(t, c):
    return t.info_error.notnull()


def _script_clean(t, c):
    return t.script_violations == 0


def _script_checked(t, c):
    return t.script_violations.notnull()


def _any_resolved(t, c):
    return t.resolved_at.notnull()


def _warnings(t, c):
    return t.type == "warning"


def _warnings_by_phone(t, c):
    channels = [x.lower() for x in as_list(c.p["channels"])]
    return _warnings(t, c) & truthy(t.channel.lower().isin(channels))


# ---------------------------------------------------------------------------- values


def _resolution_s(t, c):
    return secs(t.resolved_at, t.created_at)


def _forwarding_s(t, c):
    return secs(t.forwarded_at, t.created_at)


# ------------------------------------------------------------------------- combines


def _workload(v: dict[str, Any], ctx: Ctx) -> Decimal | None:
    cap = as_decimal(v["scheduled_days"]) * Decimal(str(ctx.p["capacity_per_day"]))
    if cap == 0:
        return None
    return as_decimal(v["handled"]) / cap


def _forwarding(v: dict[str, Any], ctx: Ctx) -> Decimal | None:
    """Minutes per forwarded ticket, or (measure=ratio) the share forwarded in time."""
    return ratio(div=1 if ctx.p.get("measure") == "ratio" else 60)(v, ctx)


# ------------------------------------------------------------------------ indicators

_REPEAT = frozenset({"repeat"})


def _rate(
    *,
    code: str,
    name_zh: str,
    name_en: str,
    formula_zh: str,
    formula_en: str,
    num: Expr,
    den: Expr,
    params: tuple[Param, ...] = (),
    direction: Direction = "higher",
    notes: str = "",
) -> Indicator:
    """A share of tickets: Σ tickets where ``num`` holds ÷ Σ tickets where ``den`` holds."""
    return share(
        code=code,
        name_zh=name_zh,
        name_en=name_en,
        formula_zh=formula_zh,
        formula_en=formula_en,
        num=num,
        den=den,
        source="tickets",
        params=params,
        direction=direction,
        notes=notes,
        category="tickets",
    )


P_CATEGORY = Param(
    name="category",
    default="",
    kind="list",
    doc="only complaints of these categories (tickets.category, e.g. 不满意; empty: all)",
)

INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        code="first_contact_resolution",
        name_zh="一次性解决率",
        name_en="First contact resolution",
        unit="ratio",
        direction="higher",
        record="tickets",
        formula_zh="首次解决的工单 ÷ 已解决工单(denominator=all:÷ 总工单量),有剔除原因(系统故障、跨部门协作等)"
        "的工单分子分母都不计;或按来电:接通后同一客户 N 小时内未再来电 ÷ 接通",
        formula_en="first-contact-resolved ÷ resolved tickets (denominator=all: ÷ all tickets of the "
        "period), rows with an exclusion reason left out of both; or, from calls: answered calls "
        "whose customer did not call again within N hours ÷ answered calls",
        parts={
            "numerator": (
                Agg("tickets", where=_fcr_tickets_num, when=("source", "tickets")),
                Agg("calls", where=_fcr_calls_num, needs=_REPEAT, when=("source", "calls")),
            ),
            "denominator": (
                Agg("tickets", where=_fcr_tickets_den, when=("source", "tickets")),
                Agg("calls", where=_fcr_calls_den, needs=_REPEAT, when=("source", "calls")),
            ),
        },
        combine=ratio(),
        params=(
            Param(
                name="source",
                default="tickets",
                kind="str",
                doc="tickets (first_contact_resolved flag) or calls (no repeat call)",
                choices=("tickets", "calls"),
            ),
            Param(
                name="denominator",
                default="resolved",
                kind="str",
                doc="tickets: resolved tickets, or all tickets of the period (首次解决的工单量 ÷ "
                "总工单量, schemes §4)",
                choices=("resolved", "all"),
            ),
            Param(
                name="exclusions",
                default="any",
                kind="list",
                doc="exclusion reasons that remove a ticket: `any` (every reason), `none`, or a list",
            ),
            Param(
                name="repeat_window_h",
                default=72,
                kind="int",
                doc="calls: a call again within this many hours is a repeat",
            ),
        ),
        category="tickets",
    ),
    _rate(
        code="response_sla_rate",
        name_zh="分级响应时效达标率",
        name_en="Response within tier limit",
        formula_zh="在客户等级时限内(含)首次响应的工单 ÷ 工单数(VIP 15 分钟内、普通 1 小时内)",
        formula_en="tickets first answered within their tier's limit (inclusive) ÷ tickets "
        "(VIP 15 min, normal 1 h)",
        num=_typed_responded_in_time,
        den=_types,
        params=(
            Param(
                name="limits_min",
                default={"vip": 15, "normal": 60, "default": 60},
                kind="map",
                doc="response limit in minutes by customer tier (`default` for the others)",
            ),
            Param(
                name="complaint_limit_min",
                default=0,
                kind="int",
                doc="response limit of complaints in minutes (0: complaints by their tier's limit)",
            ),
            P_TYPES,
        ),
    ),
    Indicator(
        code="mean_resolution_h",
        name_zh="平均闭环时长",
        name_en="Mean resolution time",
        unit="hours",
        direction="lower",
        record="tickets",
        formula_zh="(解决时间 − 创建时间)之和 ÷ 已解决工单数,可按工单类型",
        formula_en="Σ (resolved − created) ÷ resolved tickets",
        parts={
            "numerator": (Agg("tickets", where=_resolved, value=_resolution_s),),
            "denominator": (Agg("tickets", where=_resolved),),
        },
        combine=ratio(div=3600),
        params=(P_TYPES,),
        category="tickets",
    ),
    Indicator(
        code="complaint_resolution_h",
        name_zh="投诉解决速度",
        name_en="Complaint resolution speed",
        unit="hours",
        direction="lower",
        record="tickets",
        formula_zh="月客户投诉解决总时间 ÷ 月解决投诉总数(期内受理的投诉)",
        formula_en="total resolution time of the complaints resolved ÷ complaints resolved "
        "(complaints received in the period)",
        parts={
            "numerator": (Agg("tickets", where=_resolved_complaints, value=_resolution_s),),
            "denominator": (Agg("tickets", where=_resolved_complaints),),
        },
        combine=ratio(div=3600),
        params=(),
        category="tickets",
    ),
    _rate(
        code="complaint_resolution_rate",
        name_zh="投诉解决率",
        name_en="Complaint resolution rate",
        formula_zh="已解决投诉 ÷ 受理投诉数(可限定投诉类别,如 不满意投诉)",
        formula_en="complaints resolved ÷ complaints received (optionally of one category, e.g. 不满意)",
        num=_resolved_complaints,
        den=_complaints,
        params=(P_CATEGORY,),
    ),
    _rate(
        code="complaint_response_rate",
        name_zh="投诉响应及时率",
        name_en="Complaints answered in time",
        formula_zh="受理后 N 分钟内(含,默认 120 分钟)首次响应的投诉 ÷ 受理投诉数",
        formula_en="complaints first answered at most N minutes after receipt (inclusive, 120 by "
        "default) ÷ complaints received",
        num=_complaint_answered_in_time,
        den=_complaints,
        params=(Param(name="limit_min", default=120, kind="int", doc="response limit, minutes"),),
    ),
    _rate(
        code="complaint_timely_resolution_rate",
        name_zh="投诉按时解决率",
        name_en="Complaints resolved in time",
        formula_zh="按时解决的投诉 ÷ 受理投诉数;limit_workdays=N:受理日后第 N 个工作日 24:00 前解决"
        "(受理当日不计,工作日按工作日历含调休);否则有 due_at 按 due_at,无则 limit_h 小时内",
        formula_en="complaints resolved in time ÷ complaints received; limit_workdays=N: resolved by "
        "24:00 of the N-th working day after the day of receipt (that day not counted; working "
        "calendar with make-up days); otherwise by due_at, else within limit_h hours",
        num=_complaint_resolved_in_time,
        den=_complaints,
        params=(
            Param(
                name="limit_workdays",
                default=0,
                kind="int",
                doc="working days after the day of receipt (0: use due_at / limit_h instead)",
            ),
            Param(
                name="limit_h",
                default=72,
                kind="int",
                doc="limit in hours when a ticket has no due_at (limit_workdays 0)",
            ),
        ),
    ),
    _rate(
        code="complaint_resolution_satisfaction",
        name_zh="投诉解决满意率",
        name_en="Satisfaction with complaint resolution",
        formula_zh="客户对解决结果满意(满意度 ≥ 4)的投诉 ÷ 总投诉数量(评价与否、解决与否都计)",
        formula_en="complaints whose customer was satisfied with the result (rated ≥ 4) ÷ all "
        "complaints of the period, rated or not, resolved or not",
        num=_satisfied_resolved_complaints,
        den=_satisfaction_base,
        params=(
            Param(
                name="satisfied_from",
                default=4,
                kind="int",
                doc="lowest satisfaction counted as satisfied",
            ),
            Param(
                name="denominator",
                default="all",
                kind="str",
                doc="all complaints (总投诉数量) or rated (resolved complaints with a rating)",
                choices=("all", "rated"),
            ),
        ),
    ),
    Indicator(
        code="complaint_rate",
        name_zh="投诉率",
        name_en="Complaint rate",
        unit="ratio",
        direction="lower",
        record="tickets",
        formula_zh="投诉工单 ÷ 服务量(工单数 + 接通电话数,可选)",
        formula_en="complaint tickets ÷ interactions (tickets + answered calls)",
        parts={
            "numerator": (Agg("tickets", where=_complaints),),
            "denominator": (
                Agg("tickets", when=("interactions", "tickets")),
                Agg("tickets", when=("interactions", "tickets_and_calls")),
                Agg("calls", where=answered_calls, when=("interactions", "tickets_and_calls")),
                Agg("calls", where=answered_calls, when=("interactions", "calls")),
            ),
        },
        combine=ratio(),
        params=(
            Param(
                name="interactions",
                default="tickets_and_calls",
                kind="str",
                doc="what counts as an interaction",
                choices=("tickets_and_calls", "tickets", "calls"),
            ),
        ),
        category="tickets",
    ),
    _rate(
        code="reopen_rate",
        name_zh="问题复访率",
        name_en="Reopen rate",
        formula_zh="重开过的已解决工单 ÷ 已解决工单(二次投诉率:类型选 complaint)",
        formula_en="resolved tickets reopened at least once ÷ resolved tickets",
        num=_reopened,
        den=_resolved,
        params=(P_TYPES,),
        direction="lower",
    ),
    _rate(
        code="feedback_timeliness",
        name_zh="客户意见反馈及时率",
        name_en="Feedback answered in time",
        formula_zh="在标准时间内(due_at 前,含)反馈的意见/投诉工单 ÷ 需要反馈的工单(有 due_at 的;"
        "limit_h > 0 时全部,无 due_at 的以受理后 limit_h 小时为标准)",
        formula_en="feedback tickets first answered by their standard time (due_at, inclusive) ÷ "
        "tickets that need feedback (those with a due_at; with limit_h > 0 all of them, limit_h "
        "hours after receipt when there is no due_at)",
        num=_feedback_in_time,
        den=_feedback_needed,
        params=(
            Param(
                name="types",
                default="feedback,complaint",
                kind="list",
                doc="ticket types counted",
            ),
            Param(
                name="limit_h",
                default=0,
                kind="int",
                doc="standard time in hours for tickets without a due_at (0: those are not counted)",
            ),
        ),
    ),
    _rate(
        code="info_transfer_timeliness",
        name_zh="信息传递及时率",
        name_en="Information passed on in time",
        formula_zh="标准时间内(受理后 N 分钟内,含)传递给相关部门的工单 ÷ 需要传递(已转派)的工单",
        formula_en="tickets passed on (forwarded) at most N minutes after receipt ÷ tickets that "
        "had to be passed on (forwarded)",
        num=_forwarded_in_time,
        den=_forwarded,
        params=(Param(name="limit_min", default=30, kind="int", doc="forwarding limit, minutes"),),
    ),
    Indicator(
        code="forwarding_efficiency",
        name_zh="工单流转效率",
        name_en="Forwarding time",
        unit="minutes",
        direction="lower",
        record="tickets",
        formula_zh="(转派时间 − 创建时间)之和 ÷ 转派工单数(分钟);measure=ratio:按时完成流转的工单量 ÷ "
        "需流转的工单量",
        formula_en="Σ (forwarded − created) ÷ forwarded tickets, minutes; measure=ratio: tickets "
        "forwarded in time ÷ tickets to forward",
        parts={
            "numerator": (
                Agg("tickets", where=_forwarded, value=_forwarding_s, when=("measure", "minutes")),
                Agg("tickets", where=_forwarded_in_time, when=("measure", "ratio")),
            ),
            "denominator": (Agg("tickets", where=_forwarded),),
        },
        combine=_forwarding,
        params=(
            Param(
                name="measure",
                default="minutes",
                kind="str",
                doc="minutes (mean forwarding time) or ratio (share forwarded within limit_min)",
                choices=("minutes", "ratio"),
            ),
            Param(
                name="limit_min",
                default=30,
                kind="int",
                doc="measure=ratio: a ticket forwarded at most this many minutes after receipt is "
                "on time",
            ),
        ),
        category="tickets",
        notes="with measure=ratio the value is a ratio (higher is better)",
    ),
    _rate(
        code="knowledge_match_rate",
        name_zh="知识匹配准确率",
        name_en="Knowledge match rate",
        formula_zh="正确匹配知识库解决方案的工单 ÷ 使用知识库的工单",
        formula_en="tickets whose knowledge-base solution matched ÷ tickets that used the knowledge base",
        num=_knowledge_matched,
        den=_knowledge_used,
    ),
    _rate(
        code="info_accuracy_rate",
        name_zh="信息传递准确率",
        name_en="Information accuracy",
        formula_zh="无错误信息传递的工单 ÷ 工单(标注了信息错误与否的)",
        formula_en="tickets without an information error ÷ tickets (those checked for one)",
        num=_info_correct,
        den=_info_checked,
    ),
    _rate(
        code="script_compliance_rate",
        name_zh="话术合规率",
        name_en="Script compliance",
        formula_zh="无违规话术的服务会话(工单) ÷ 会话总量(检查过话术的)",
        formula_en="sessions (tickets) without script violations ÷ sessions (those checked)",
        num=_script_clean,
        den=_script_checked,
    ),
    Indicator(
        code="tickets_resolved",
        name_zh="工单处理量",
        name_en="Tickets resolved",
        unit="count",
        direction="higher",
        record="tickets",
        formula_zh="已解决的工单数",
        formula_en="tickets resolved",
        parts={"value": (Agg("tickets", where=_resolved),)},
        combine=total(),
        params=(P_TYPES,),
        category="tickets",
    ),
    Indicator(
        code="workload_ratio",
        name_zh="人力负荷率",
        name_en="Workload ratio",
        unit="ratio",
        direction="neutral",
        record="tickets",
        formula_zh="实际处理量(接通电话 + 解决工单;handled=tickets 时只计工单)÷ 理论最大处理量"
        "(排班天数 × 每日产能)",
        formula_en="handled (answered calls + resolved tickets; handled=tickets: tickets only) ÷ "
        "theoretical maximum (scheduled days × capacity)",
        parts={
            "handled": (
                Agg("calls", where=answered_calls, when=("handled", "tickets_and_calls")),
                Agg("tickets", where=_any_resolved),
            ),
            "scheduled_days": (Agg("attendance", where=scheduled),),
        },
        combine=_workload,
        params=(
            Param(
                name="capacity_per_day",
                default=100,
                kind="decimal",
                doc="contacts (or tickets) one person can handle in a day",
            ),
            Param(
                name="handled",
                default="tickets_and_calls",
                kind="str",
                doc="what counts as handled: resolved tickets and answered calls, or tickets only "
                "(实际处理工单量)",
                choices=("tickets_and_calls", "tickets"),
            ),
        ),
        category="tickets",
    ),
    _rate(
        code="warning_handling_rate",
        name_zh="电话方式预警处理率",
        name_en="Warnings handled by phone",
        formula_zh="以电话方式处理的预警工单 ÷ 预警工单",
        formula_en="warning tickets handled by phone ÷ warning tickets",
        num=_warnings_by_phone,
        den=_warnings,
        params=(
            Param(
                name="channels",
                default="电话,phone",
                kind="list",
                doc="channels that count as by phone (tickets.channel, case-insensitive)",
            ),
        ),
    ),
    Indicator(
        code="warnings_per_member",
        name_zh="人均预警条数",
        name_en="Warnings per member",
        unit="count",
        direction="higher",
        record="tickets",
        formula_zh="预警工单数 ÷ 期内在册人数(班组:组内成员数)",
        formula_en="warning tickets ÷ employees on the roster in the period (a team: its members)",
        parts={
            "numerator": (Agg("tickets", where=_warnings),),
            "denominator": (Agg("employees", where=on_roster),),
        },
        combine=ratio(),
        params=(),
        category="tickets",
        notes="meant for teams (本组预警条数 per member); an employee's value is their own count",
    ),
)


def _fcr_rollup(c: Ctx) -> dict[str, Part] | None:
    """From calls: answered calls with a customer less those repeated within the window."""
    repeat = repeat_column(c.p["repeat_window_h"])
    if c.p.get("source") != "calls" or repeat is None:
        return None
    return {
        "numerator": Part(answered_calls, lambda r: r.n_customer - r[repeat]),
        "denominator": Part(answered_calls, column("n_customer")),
    }


# additive indicators as sums of the rollup kept at import (csperf.metrics.rollups)
ROLLUPS = {"first_contact_resolution": _fcr_rollup}
