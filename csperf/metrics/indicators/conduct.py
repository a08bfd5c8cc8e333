"""Conduct indicators (category ``incidents``) from the incident register (奖惩/事件): praise,
complaints against the employee, errors, violations, untrue reports, adopted suggestions and the
points of chosen incident kinds.

A row may stand for several occurrences (``count``: 3 days, 2 times); every count here is the
Σ ``count`` of the rows, never the number of rows. ``incident_points`` adds the rows' ``points``
(the points a row carries, whatever its count).

They have a module of their own rather than sharing ``attendance.py``: they count another record
type (incidents, not attendance days) and follow the attendance indicators in the library's
order."""

from __future__ import annotations

import ibis

from csperf.metrics.indicators.model import (
    Agg,
    Direction,
    Expr,
    Indicator,
    Param,
    as_list,
    incident_count,
    total,
)


def _kinds(*kinds: str) -> Expr:
    """Aggregate condition: incidents of one of these kinds."""

    def where(t, c):
        return t.kind.isin(list(kinds))

    return where


def _chosen_kinds_with_points(t, c):
    kinds = as_list(c.p["kinds"])
    return (t.kind.isin(kinds) if kinds else ibis.literal(True)) & t.points.notnull()


def _points(t, c):
    return t.points


def _inc(
    *, code: str, name_zh: str, name_en: str, kinds: tuple[str, ...], direction: Direction = "lower"
) -> Indicator:
    """Σ count of the incidents of the given kinds (a row may stand for several)."""
    return Indicator(
        code=code,
        name_zh=name_zh,
        name_en=name_en,
        unit="count",
        direction=direction,
        record="incidents",
        formula_zh=f"类别 {', '.join(kinds)} 的事件次数之和(每条记录按其次数计)",
        formula_en=f"Σ count of the incidents of kinds {', '.join(kinds)} (a row counts its count)",
        parts={"value": (Agg("incidents", where=_kinds(*kinds), value=incident_count),)},
        combine=total(),
        params=(),
        category="incidents",
    )


INDICATORS: tuple[Indicator, ...] = (
    _inc(
        code="praise_count",
        name_zh="表扬次数",
        name_en="Praise received",
        kinds=("praise_letter", "praise_department", "praise_company", "praise_media"),
        direction="higher",
    ),
    _inc(
        code="valid_complaints",
        name_zh="有效投诉次数",
        name_en="Valid complaints",
        kinds=("complaint_valid",),
    ),
    _inc(
        code="general_complaints",
        name_zh="一般投诉次数",
        name_en="General complaints",
        kinds=("complaint_general",),
    ),
    _inc(
        code="repeat_complaints",
        name_zh="重复投诉次数",
        name_en="Repeat complaints",
        kinds=("complaint_repeat",),
    ),
    _inc(
        code="service_errors",
        name_zh="服务差错次数",
        name_en="Service errors",
        kinds=("service_error",),
    ),
    _inc(
        code="work_errors",
        name_zh="工作差错次数",
        name_en="Work errors",
        kinds=("work_error",),
    ),
    _inc(
        code="violations",
        name_zh="违规次数",
        name_en="Violations",
        kinds=("violation", "serious_violation"),
    ),
    _inc(
        code="serious_violations",
        name_zh="严重违规次数",
        name_en="Serious violations",
        kinds=("serious_violation",),
    ),
    _inc(
        code="untrue_reports",
        name_zh="报表不真实次数",
        name_en="Untrue reports",
        kinds=("untrue_report",),
    ),
    _inc(
        code="suggestions_adopted",
        name_zh="建议被采纳次数",
        name_en="Suggestions adopted",
        kinds=("suggestion_adopted",),
        direction="higher",
    ),
    Indicator(
        code="incident_points",
        name_zh="事件分值合计",
        name_en="Incident points",
        unit="points",
        direction="neutral",
        record="incidents",
        formula_zh="所选类别事件的分值之和(每条记录的分值,不乘次数)",
        formula_en="Σ points of the incidents of the chosen kinds (each row's points, not times its count)",
        parts={"value": (Agg("incidents", where=_chosen_kinds_with_points, value=_points),)},
        combine=total(),
        params=(Param(name="kinds", default="", kind="list", doc="incident kinds (empty: all)"),),
        category="incidents",
    ),
)
