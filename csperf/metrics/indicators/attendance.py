"""Attendance indicators (category ``attendance``) from the daily attendance rows: lateness and
early leaving (counts, minutes, short and long within a band), absence, leave, shift swaps,
scheduled days, days worked and full attendance."""

from __future__ import annotations

from typing import Any

import ibis

from csperf.metrics.indicators.model import (
    Agg,
    Ctx,
    Direction,
    Expr,
    Indicator,
    Param,
    Unit,
    as_decimal,
    scheduled,
    total,
    truthy,
)

P_BAND = Param(
    name="band_min",
    default=5,
    kind="decimal",
    doc="minutes that separate short from long lateness",
)

# ----------------------------------------------------------------------- conditions


def _late(t, c):
    return t.late_minutes > 0


def _late_short(t, c):
    return (t.late_minutes > 0) & (t.late_minutes <= c.p["band_min"])


def _late_long(t, c):
    return t.late_minutes > c.p["band_min"]


def _early(t, c):
    return t.early_minutes > 0


def _early_short(t, c):
    return (t.early_minutes > 0) & (t.early_minutes <= c.p["band_min"])


def _early_long(t, c):
    return t.early_minutes > c.p["band_min"]


def _absent(t, c):
    return truthy(t.absent)


def _on_leave(t, c):
    return t.leave_days > 0


def _swapped(t, c):
    return t.shift_swaps > 0


def _worked(t, c):
    return truthy(t.scheduled) & ~truthy(t.absent)


def _breach(t, c):
    return (t.late_minutes > 0) | (t.early_minutes > 0) | truthy(t.absent) | (t.leave_days > 0)


# ---------------------------------------------------------------------------- values


def _late_minutes(t, c):
    return t.late_minutes


def _early_minutes(t, c):
    return t.early_minutes


def _leave_days(t, c):
    return t.leave_days


def _shift_swaps(t, c):
    return t.shift_swaps


def _day_worked(t, c):
    return 1 - ibis.least(t.leave_days, 1)


# ------------------------------------------------------------------------- combines


def _full_att(v: dict[str, Any], ctx: Ctx) -> int | None:
    if as_decimal(v["scheduled"]) == 0:
        return None
    return 1 if as_decimal(v["breaches"]) == 0 else 0


# ------------------------------------------------------------------------ indicators


def _att(
    *,
    code: str,
    name_zh: str,
    name_en: str,
    unit: Unit,
    where: Expr,
    value: Expr | None = None,
    params: tuple[Param, ...] = (),
    direction: Direction = "lower",
) -> Indicator:
    """A sum (or count) over attendance rows; the names are the formula."""
    return Indicator(
        code=code,
        name_zh=name_zh,
        name_en=name_en,
        unit=unit,
        direction=direction,
        record="attendance",
        formula_zh=name_zh,
        formula_en=name_en,
        parts={"value": (Agg("attendance", where=where, value=value),)},
        combine=total(),
        params=params,
        category="attendance",
    )


INDICATORS: tuple[Indicator, ...] = (
    _att(
        code="late_count",
        name_zh="迟到次数",
        name_en="Times late",
        unit="count",
        where=_late,
    ),
    _att(
        code="late_minutes",
        name_zh="迟到分钟数",
        name_en="Minutes late",
        unit="minutes",
        where=_late,
        value=_late_minutes,
    ),
    _att(
        code="late_minutes_short",
        name_zh="迟到分钟数(≤5 分钟的迟到)",
        name_en="Minutes late, short lateness",
        unit="minutes",
        where=_late_short,
        value=_late_minutes,
        params=(P_BAND,),
    ),
    _att(
        code="late_minutes_long",
        name_zh="迟到分钟数(>5 分钟的迟到)",
        name_en="Minutes late, long lateness",
        unit="minutes",
        where=_late_long,
        value=_late_minutes,
        params=(P_BAND,),
    ),
    _att(
        code="early_count",
        name_zh="早退次数",
        name_en="Times left early",
        unit="count",
        where=_early,
    ),
    _att(
        code="early_minutes",
        name_zh="早退分钟数",
        name_en="Minutes left early",
        unit="minutes",
        where=_early,
        value=_early_minutes,
    ),
    Indicator(
        code="late_early_count",
        name_zh="迟到早退次数",
        name_en="Times late or left early",
        unit="count",
        direction="lower",
        record="attendance",
        formula_zh="迟到次数 + 早退次数",
        formula_en="times late + times left early",
        parts={"value": (Agg("attendance", where=_late), Agg("attendance", where=_early))},
        combine=total(),
        params=(),
        category="attendance",
    ),
    Indicator(
        code="tardy_minutes_short",
        name_zh="迟到早退分钟数(5 分钟内)",
        name_en="Late/early minutes, within the band",
        unit="minutes",
        direction="lower",
        record="attendance",
        formula_zh="每次 ≤5 分钟的迟到、早退分钟数之和",
        formula_en="Σ minutes of lateness and early leaving of at most 5 minutes",
        parts={
            "value": (
                Agg("attendance", where=_late_short, value=_late_minutes),
                Agg("attendance", where=_early_short, value=_early_minutes),
            )
        },
        combine=total(),
        params=(P_BAND,),
        category="attendance",
    ),
    Indicator(
        code="tardy_minutes_long",
        name_zh="迟到早退分钟数(5 分钟以上)",
        name_en="Late/early minutes, beyond the band",
        unit="minutes",
        direction="lower",
        record="attendance",
        formula_zh="每次 >5 分钟的迟到、早退分钟数之和",
        formula_en="Σ minutes of lateness and early leaving over 5 minutes",
        parts={
            "value": (
                Agg("attendance", where=_late_long, value=_late_minutes),
                Agg("attendance", where=_early_long, value=_early_minutes),
            )
        },
        combine=total(),
        params=(P_BAND,),
        category="attendance",
    ),
    _att(
        code="absent_days",
        name_zh="旷工天数",
        name_en="Days absent",
        unit="days",
        where=_absent,
    ),
    _att(
        code="leave_days",
        name_zh="请假天数",
        name_en="Days of leave",
        unit="days",
        where=_on_leave,
        value=_leave_days,
    ),
    _att(
        code="shift_swaps",
        name_zh="换班次数",
        name_en="Shift swaps",
        unit="count",
        where=_swapped,
        value=_shift_swaps,
    ),
    _att(
        code="scheduled_days",
        name_zh="应出勤天数",
        name_en="Scheduled days",
        unit="days",
        where=scheduled,
        direction="neutral",
    ),
    Indicator(
        code="days_worked",
        name_zh="出勤天数",
        name_en="Days worked",
        unit="days",
        direction="higher",
        record="attendance",
        formula_zh="排班且未旷工的天数 − 当天请假天数",
        formula_en="scheduled days not absent, less leave taken on them",
        parts={"value": (Agg("attendance", where=_worked, value=_day_worked),)},
        combine=total(),
        params=(),
        category="attendance",
    ),
    Indicator(
        code="full_attendance",
        name_zh="全勤",
        name_en="Full attendance",
        unit="flag",
        direction="higher",
        record="attendance",
        formula_zh="期内有排班且无迟到、早退、旷工、请假为 1,否则 0;班组及以上为全勤人数占比",
        formula_en="1 when scheduled in the period with no lateness, early leaving, absence or leave, else 0; "
        "for teams and above the share of employees with full attendance",
        parts={
            "scheduled": (Agg("attendance", where=scheduled),),
            "breaches": (Agg("attendance", where=_breach),),
        },
        combine=_full_att,
        params=(),
        category="attendance",
        rollup="mean_of_employees",
    ),
)
