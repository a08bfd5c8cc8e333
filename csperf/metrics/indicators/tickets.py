"""Ticket indicators (category ``tickets``): first contact resolution, response and resolution
times, complaints, reopens, forwarding, knowledge and script checks, tickets resolved and the
workload ratio (answered calls + resolved tickets against scheduled capacity)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import ibis

from csperf.metrics.indicators.model import (
    Agg,
    Ctx,
    Indicator,
    Param,
    answered,
    answered_calls,
    as_decimal,
    as_list,
    ratio,
    scheduled,
    secs,
    total,
    truthy,
)

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
    return t.resolved_at.notnull() & _not_excluded(t, c)


def _fcr_calls_num(t, c):
    return answered(t) & t.customer_id.notnull() & ~truthy(t.repeat_call)


def _fcr_calls_den(t, c):
    return answered(t) & t.customer_id.notnull()


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


def _typed_responded_in_time(t, c):
    return _types(t, c) & _responded_in_time(t, c)


def _resolved(t, c):
    return t.resolved_at.notnull() & _types(t, c)


def _complaint(t):
    return t.type == "complaint"


def _complaints(t, c):
    return _complaint(t)


def _resolved_complaints(t, c):
    return _complaint(t) & t.resolved_at.notnull()


def _complaint_answered_in_time(t, c):
    return (
        _complaint(t)
        & t.first_response_at.notnull()
        & (secs(t.first_response_at, t.created_at) <= int(c.p["limit_min"]) * 60)
    )


def _timely(t, c):
    by_limit = secs(t.resolved_at, t.created_at) <= int(c.p["limit_h"]) * 3600
    by_due = t.resolved_at <= t.due_at
    return t.resolved_at.notnull() & truthy(ibis.ifelse(t.due_at.notnull(), by_due, by_limit))


def _complaint_resolved_in_time(t, c):
    return _complaint(t) & _timely(t, c)


def _satisfied_resolved_complaints(t, c):
    return _complaint(t) & t.resolved_at.notnull() & truthy(t.satisfaction >= c.p["satisfied_from"])


def _rated_resolved_complaints(t, c):
    return _complaint(t) & t.resolved_at.notnull() & t.satisfaction.notnull()


def _reopened(t, c):
    return _resolved(t, c) & (t.reopen_count > 0)


def _feedback_answered_by_due(t, c):
    return _types(t, c) & t.due_at.notnull() & truthy(t.first_response_at <= t.due_at)


def _feedback_with_due(t, c):
    return _types(t, c) & t.due_at.notnull()


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


# ------------------------------------------------------------------------ indicators

_REPEAT = frozenset({"repeat"})

INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        code="first_contact_resolution",
        name_zh="一次性解决率",
        name_en="First contact resolution",
        unit="ratio",
        direction="higher",
        record="tickets",
        formula_zh="首次接触即解决的工单 ÷ 已解决工单(剔除有剔除原因的工单);或按来电:接通后同一客户 N 小时内未再来电 ÷ 接通",
        formula_en="first-contact-resolved ÷ resolved tickets, excluding rows with an exclusion reason; or, from "
        "calls: answered calls whose customer did not call again within N hours ÷ answered calls",
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
    Indicator(
        code="response_sla_rate",
        name_zh="分级响应时效达标率",
        name_en="Response within tier limit",
        unit="ratio",
        direction="higher",
        record="tickets",
        formula_zh="在客户等级时限内首次响应的工单 ÷ 工单数(VIP 15 分钟、普通 60 分钟、投诉 2 小时)",
        formula_en="tickets first answered within their tier's limit ÷ tickets (VIP 15 min, normal 60 min, complaints 2 h)",
        parts={
            "numerator": (Agg("tickets", where=_typed_responded_in_time),),
            "denominator": (Agg("tickets", where=_types),),
        },
        combine=ratio(),
        params=(
            Param(
                name="limits_min",
                default={"vip": 15, "normal": 60, "default": 60},
                kind="map",
                doc="response limit in minutes by customer tier (`default` for the others)",
            ),
            Param(
                name="complaint_limit_min",
                default=120,
                kind="int",
                doc="response limit of complaints, minutes",
            ),
            P_TYPES,
        ),
        category="tickets",
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
        formula_zh="投诉解决总时长 ÷ 已解决投诉数",
        formula_en="total resolution time of complaints ÷ complaints resolved",
        parts={
            "numerator": (Agg("tickets", where=_resolved_complaints, value=_resolution_s),),
            "denominator": (Agg("tickets", where=_resolved_complaints),),
        },
        combine=ratio(div=3600),
        params=(),
        category="tickets",
    ),
    Indicator(
        code="complaint_resolution_rate",
        name_zh="投诉解决率",
        name_en="Complaint resolution rate",
        unit="ratio",
        direction="higher",
        record="tickets",
        formula_zh="已解决投诉 ÷ 投诉数",
        formula_en="complaints resolved ÷ complaints",
        parts={
            "numerator": (Agg("tickets", where=_resolved_complaints),),
            "denominator": (Agg("tickets", where=_complaints),),
        },
        combine=ratio(),
        params=(),
        category="tickets",
    ),
    Indicator(
        code="complaint_response_rate",
        name_zh="投诉响应及时率",
        name_en="Complaints answered in time",
        unit="ratio",
        direction="higher",
        record="tickets",
        formula_zh="时限内(默认 2 小时)首次响应的投诉 ÷ 投诉数",
        formula_en="complaints first answered within the limit (2 h) ÷ complaints",
        parts={
            "numerator": (Agg("tickets", where=_complaint_answered_in_time),),
            "denominator": (Agg("tickets", where=_complaints),),
        },
        combine=ratio(),
        params=(Param(name="limit_min", default=120, kind="int", doc="response limit, minutes"),),
        category="tickets",
    ),
    Indicator(
        code="complaint_timely_resolution_rate",
        name_zh="投诉按时解决率",
        name_en="Complaints resolved in time",
        unit="ratio",
        direction="higher",
        record="tickets",
        formula_zh="在时限内解决的投诉 ÷ 投诉数(有 due_at 按 due_at,否则默认 72 小时 ≈ 3 个工作日)",
        formula_en="complaints resolved by due_at (else within 72 h ≈ 3 working days) ÷ complaints",
        parts={
            "numerator": (Agg("tickets", where=_complaint_resolved_in_time),),
            "denominator": (Agg("tickets", where=_complaints),),
        },
        combine=ratio(),
        params=(
            Param(
                name="limit_h",
                default=72,
                kind="int",
                doc="limit in hours when a ticket has no due_at",
            ),
        ),
        category="tickets",
    ),
    Indicator(
        code="complaint_resolution_satisfaction",
        name_zh="投诉解决满意率",
        name_en="Satisfaction with complaint resolution",
        unit="ratio",
        direction="higher",
        record="tickets",
        formula_zh="满意度 ≥ 4 的已解决投诉 ÷ 有满意度的已解决投诉",
        formula_en="resolved complaints rated ≥ 4 ÷ resolved complaints with a rating",
        parts={
            "numerator": (Agg("tickets", where=_satisfied_resolved_complaints),),
            "denominator": (Agg("tickets", where=_rated_resolved_complaints),),
        },
        combine=ratio(),
        params=(
            Param(
                name="satisfied_from",
                default=4,
                kind="int",
                doc="lowest satisfaction counted as satisfied",
            ),
        ),
        category="tickets",
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
    Indicator(
        code="reopen_rate",
        name_zh="问题复访率",
        name_en="Reopen rate",
        unit="ratio",
        direction="lower",
        record="tickets",
        formula_zh="重开过的已解决工单 ÷ 已解决工单(二次投诉率:类型选 complaint)",
        formula_en="resolved tickets reopened at least once ÷ resolved tickets",
        parts={
            "numerator": (Agg("tickets", where=_reopened),),
            "denominator": (Agg("tickets", where=_resolved),),
        },
        combine=ratio(),
        params=(P_TYPES,),
        category="tickets",
    ),
    Indicator(
        code="feedback_timeliness",
        name_zh="客户意见反馈及时率",
        name_en="Feedback answered in time",
        unit="ratio",
        direction="higher",
        record="tickets",
        formula_zh="在时限(due_at)前首次回复的意见/反馈工单 ÷ 有时限的意见/反馈工单",
        formula_en="feedback tickets first answered by due_at ÷ feedback tickets with a due_at",
        parts={
            "numerator": (Agg("tickets", where=_feedback_answered_by_due),),
            "denominator": (Agg("tickets", where=_feedback_with_due),),
        },
        combine=ratio(),
        params=(
            Param(
                name="types",
                default="feedback,complaint",
                kind="list",
                doc="ticket types counted",
            ),
        ),
        category="tickets",
    ),
    Indicator(
        code="info_transfer_timeliness",
        name_zh="信息传递及时率",
        name_en="Information passed on in time",
        unit="ratio",
        direction="higher",
        record="tickets",
        formula_zh="创建后 N 分钟内转派的工单 ÷ 转派的工单",
        formula_en="tickets forwarded within N minutes ÷ forwarded tickets",
        parts={
            "numerator": (Agg("tickets", where=_forwarded_in_time),),
            "denominator": (Agg("tickets", where=_forwarded),),
        },
        combine=ratio(),
        params=(Param(name="limit_min", default=30, kind="int", doc="forwarding limit, minutes"),),
        category="tickets",
    ),
    Indicator(
        code="forwarding_efficiency",
        name_zh="工单流转效率",
        name_en="Forwarding time",
        unit="minutes",
        direction="lower",
        record="tickets",
        formula_zh="(转派时间 − 创建时间)之和 ÷ 转派工单数(分钟)",
        formula_en="Σ (forwarded − created) ÷ forwarded tickets, minutes",
        parts={
            "numerator": (Agg("tickets", where=_forwarded, value=_forwarding_s),),
            "denominator": (Agg("tickets", where=_forwarded),),
        },
        combine=ratio(div=60),
        params=(),
        category="tickets",
    ),
    Indicator(
        code="knowledge_match_rate",
        name_zh="知识匹配准确率",
        name_en="Knowledge match rate",
        unit="ratio",
        direction="higher",
        record="tickets",
        formula_zh="知识匹配正确的工单 ÷ 使用知识库的工单",
        formula_en="tickets whose knowledge matched ÷ tickets that used the knowledge base",
        parts={
            "numerator": (Agg("tickets", where=_knowledge_matched),),
            "denominator": (Agg("tickets", where=_knowledge_used),),
        },
        combine=ratio(),
        params=(),
        category="tickets",
    ),
    Indicator(
        code="info_accuracy_rate",
        name_zh="信息传递准确率",
        name_en="Information accuracy",
        unit="ratio",
        direction="higher",
        record="tickets",
        formula_zh="无信息错误的工单 ÷ 标注了信息错误与否的工单",
        formula_en="tickets without an information error ÷ tickets checked",
        parts={
            "numerator": (Agg("tickets", where=_info_correct),),
            "denominator": (Agg("tickets", where=_info_checked),),
        },
        combine=ratio(),
        params=(),
        category="tickets",
    ),
    Indicator(
        code="script_compliance_rate",
        name_zh="话术合规率",
        name_en="Script compliance",
        unit="ratio",
        direction="higher",
        record="tickets",
        formula_zh="无话术违规的工单 ÷ 检查过话术的工单",
        formula_en="tickets without script violations ÷ tickets checked",
        parts={
            "numerator": (Agg("tickets", where=_script_clean),),
            "denominator": (Agg("tickets", where=_script_checked),),
        },
        combine=ratio(),
        params=(),
        category="tickets",
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
        formula_zh="处理量(接通电话 + 解决工单)÷ 理论最大处理量(排班天数 × 每日产能)",
        formula_en="handled (answered calls + resolved tickets) ÷ theoretical maximum (scheduled days × capacity)",
        parts={
            "handled": (
                Agg("calls", where=answered_calls),
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
                doc="contacts one person can handle in a day",
            ),
        ),
        category="tickets",
    ),
)
