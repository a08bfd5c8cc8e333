"""Attendance indicators (category ``attendance``) from the daily attendance rows: lateness and
early leaving (counts, minutes, short and long within a band, missed clock-ins), absence (days,
runs of consecutive days), leave, shift swaps, 示忙 over the shift's limit, overtime, scheduled
days, days worked and full attendance."""

from __future__ import annotations

from typing import Any

import ibis
import ibis.expr.types as ir

from csperf.metrics.indicators.model import (
    Agg,
    Ctx,
    Direction,
    Expr,
    Indicator,
    Param,
    Unit,
    as_decimal,
    ratio,
    scheduled,
    total,
    truthy,
)

P_BAND = Param(
    name="band_min",
    default=5,
    kind="decimal",
    doc="an occurrence of fewer minutes is short, one of this many minutes or more is long "
    "(§4: 5分钟(含5分钟)以上 → the 2 元 band)",
)
P_RUN_WINDOW = Param(
    name="window",
    default="period",
    kind="str",
    doc="period: the period's rows only; to_date: every row from the first record to the "
    "end of the period",
    choices=("period", "to_date"),
)
BUSY_LIMITS_S = {"early": 900, "night": 900, "middle": 1800, "late_night": 1800, "office": 1200}

# ----------------------------------------------------------------------- conditions


def _late(t, c):
    return t.late_minutes > 0


def _late_short(t, c):
    return (t.late_minutes > 0) & (t.late_minutes < c.p["band_min"])


def _late_long(t, c):
    return (t.late_minutes > 0) & (t.late_minutes >= c.p["band_min"])


def _early(t, c):
    return t.early_minutes > 0


def _early_short(t, c):
    return (t.early_minutes > 0) & (t.early_minutes < c.p["band_min"])


def _early_long(t, c):
    return (t.early_minutes > 0) & (t.early_minutes >= c.p["band_min"])


def _unclocked(t, c):
    return t.missed_clock > 0


def _busy_limit_s(t, c) -> ir.Value:
    limits = c.p["limits_s"]
    cases = [(t.shift == k.lower(), int(v)) for k, v in limits.items() if k != "default"]
    default = ibis.literal(int(limits["default"]) if "default" in limits else None, "int64")
    return ibis.cases(*cases, else_=default) if cases else default


def _busy_over(t, c):
    return truthy(t.busy_s > _busy_limit_s(t, c))


def _overtime(t, c):
    return t.overtime_h > 0


def _last_row(t, c):
    return t._last


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


def _has_busy(t, c):
    return t.busy_s.notnull()


def _busy_s(t, c):
    return t.busy_s


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


def _missed_clock(t, c):
    return t.missed_clock


def _overtime_h(t, c):
    return t.overtime_h


def _longest_run(t, c):
    return t._longest


def _runs(t, c):
    return t._runs


# --------------------------------------------------------------- derived columns


def absent_runs(t: ir.Table, period: Any, window: str) -> ir.Table:
    """The period's attendance rows with the runs of consecutive absent scheduled days.

    An employee's scheduled rows in date order form the sequence (unscheduled days do not break a
    run); a run starts at an absent scheduled row whose previous scheduled row is not absent.
    Columns: ``_run_start``; on every row of the employee ``_runs`` (the runs started) and
    ``_longest`` (the longest run with a day in the period); ``_last`` marks the employee's last
    row up to the period's end. With window ``to_date`` the rows from the first record on are
    used, so ``_runs`` counts every run to date and a run that began before the period keeps its
    earlier days. Window functions only (portable to every Ibis backend)."""
    t = t.filter(t.date < period.end)
    if window != "to_date":
        t = t.filter(t.date >= period.start)
    sched = truthy(t.scheduled)
    ab = sched & truthy(t.absent)
    prev = ab.lag().over(ibis.window(group_by=[t.employee_id, sched], order_by=t.date))
    last = t.date.lead().over(ibis.window(group_by=t.employee_id, order_by=t.date)).isnull()
    t = t.mutate(_absent_day=ab, _prev=prev, _last=last)
    t = t.mutate(_run_start=t._absent_day & ~truthy(t._prev))
    sched = truthy(t.scheduled)
    start = ibis.ifelse(t._run_start, 1, 0)  # PostgreSQL casts no boolean to bigint
    upto = ibis.window(group_by=[t.employee_id, sched], order_by=t.date, rows=(None, 0))
    t = t.mutate(_run_id=start.sum().over(upto), _runs=start.sum().over(group_by=t.employee_id))
    run = ibis.window(group_by=[t.employee_id, truthy(t.scheduled), t._run_id])
    t = t.mutate(_run_len=ibis.ifelse(t._absent_day, 1, 0).sum().over(run))
    in_period = t._absent_day & (t.date >= period.start)
    longest = ibis.ifelse(in_period, t._run_len, 0).max().over(group_by=t.employee_id)
    t = t.mutate(_longest=longest)
    return t.filter(t.date >= period.start)


def _runs_arg(c: Ctx) -> str:
    return c.p.get("window", "period")


# name (in Agg.needs) -> (the feature's argument from the parameters, the table it builds)
DERIVED = {"absent_runs": (_runs_arg, absent_runs)}
_RUNS = frozenset({"absent_runs"})


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
    formula_zh: str = "",
    formula_en: str = "",
) -> Indicator:
    """A sum (or count) over attendance rows; the formula defaults to the names."""
    return Indicator(
        code=code,
        name_zh=name_zh,
        name_en=name_en,
        unit=unit,
        direction=direction,
        record="attendance",
        formula_zh=formula_zh or name_zh,
        formula_en=formula_en or name_en,
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
        name_zh="迟到分钟数(5 分钟内的迟到)",
        name_en="Minutes late, short lateness (under the band)",
        unit="minutes",
        where=_late_short,
        value=_late_minutes,
        params=(P_BAND,),
    ),
    _att(
        code="late_minutes_long",
        name_zh="迟到分钟数(5 分钟及以上的迟到)",
        name_en="Minutes late, long lateness (the band or more)",
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
        formula_zh="每次不足 5 分钟的迟到、早退分钟数之和(迟到、早退各为一次)",
        formula_en="Σ minutes of each lateness or early leaving shorter than 5 minutes (late and "
        "early are separate occurrences)",
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
        name_zh="迟到早退分钟数(5 分钟及以上)",
        name_en="Late/early minutes, the band or more",
        unit="minutes",
        direction="lower",
        record="attendance",
        formula_zh="每次 5 分钟(含 5 分钟)以上的迟到、早退的全部分钟数之和",
        formula_en="Σ all minutes of each lateness or early leaving of 5 minutes or more",
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
    Indicator(
        code="tardy_or_unclocked",
        name_zh="迟到早退 5 分钟以上及未打卡次数",
        name_en="Late/early by the band or more, or not clocked",
        unit="count",
        direction="lower",
        record="attendance",
        formula_zh="迟到 ≥5 分钟的次数 + 早退 ≥5 分钟的次数 + 未打卡次数",
        formula_en="times late by 5 minutes or more + times left early by 5 minutes or more + "
        "missed clock-ins",
        parts={
            "value": (
                Agg("attendance", where=_late_long),
                Agg("attendance", where=_early_long),
                Agg("attendance", where=_unclocked, value=_missed_clock),
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
    Indicator(
        code="absent_consecutive_days",
        name_zh="连续旷工天数",
        name_en="Longest run of days absent",
        unit="days",
        direction="lower",
        record="attendance",
        formula_zh="期内最长的连续旷工天数(按排班日连续,未排班的日子不打断)",
        formula_en="the longest run of consecutive absent scheduled days in the period (days not "
        "scheduled do not break a run)",
        parts={"value": (Agg("attendance", where=_last_row, value=_longest_run, needs=_RUNS),)},
        combine=total(),
        params=(
            Param(
                name="window",
                default="period",
                kind="str",
                doc="period: only the period's days; to_date: a run that began before the "
                "period counts its earlier days too",
                choices=("period", "to_date"),
            ),
        ),
        category="attendance",
        notes="teams and above: the sum of their employees' values",
    ),
    Indicator(
        code="absent_occurrences",
        name_zh="旷工次数",
        name_en="Absences (runs of days absent)",
        unit="count",
        direction="lower",
        record="attendance",
        formula_zh="旷工次数:连续的旷工日算一次;to_date 为从第一条记录到期末的累计次数",
        formula_en="occurrences of absence, a run of consecutive absent days being one; to_date: "
        "counted from the first record to the end of the period",
        parts={"value": (Agg("attendance", where=_last_row, value=_runs, needs=_RUNS),)},
        combine=total(),
        params=(P_RUN_WINDOW,),
        category="attendance",
        notes="the value sits on the employee's last attendance row up to the period's end: "
        "without a row in the period it is 0",
    ),
    _att(
        code="busy_overlimit_shifts",
        name_zh="示忙超时班次",
        name_en="Shifts over the busy (示忙) limit",
        unit="count",
        where=_busy_over,
        formula_zh="示忙时长超过该班次限值的班次数(早班、夜班 15 分钟;中班、大夜班 30 分钟;"
        "办公班 20 分钟)",
        formula_en="shifts whose busy time is above the shift's limit (early, night 15 min; "
        "middle, late night 30 min; office 20 min)",
        params=(
            Param(
                name="limits_s",
                default=BUSY_LIMITS_S,
                kind="map",
                doc="示忙 limit per shift in seconds (`default` for other shifts; without it a row "
                "without a listed shift is never over): 早班/夜班 15 分钟, 中班/大夜班 30 分钟, "
                "办公班 上午、下午各 10 分钟",
            ),
        ),
    ),
    _att(
        code="overtime_hours",
        name_zh="加班小时数",
        name_en="Overtime hours",
        unit="hours",
        where=_overtime,
        value=_overtime_h,
        formula_zh="加班小时之和",
        formula_en="Σ overtime hours",
        direction="neutral",
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
    Indicator(
        code="attendance_rate",
        name_zh="出勤率",
        name_en="Attendance rate",
        unit="ratio",
        direction="higher",
        record="attendance",
        formula_zh="出勤天数 ÷ 应出勤天数(请假、旷工不计出勤)",
        formula_en="days worked ÷ scheduled days (leave and absence are not days worked)",
        parts={
            "numerator": (Agg("attendance", where=_worked, value=_day_worked),),
            "denominator": (Agg("attendance", where=scheduled),),
        },
        combine=ratio(),
        params=(),
        category="attendance",
    ),
    _att(
        code="busy_time_s",
        name_zh="示忙时长",
        name_en="Busy (not ready) time",
        unit="seconds",
        where=_has_busy,
        value=_busy_s,
        formula_zh="期内示忙时长之和(秒)",
        formula_en="Σ busy (not ready) seconds in the period",
    ),
)
