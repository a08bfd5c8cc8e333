"""Management indicators (category ``management``) from the plan rows of each unit (plans,
budget, process goals, training, fees, facilities), per-capita figures and staff attrition (plan
rows and the roster) and the mean score of the unit's staff (supplied by the web app).

A plan row belongs to the unit named in its ``org_unit`` (an employee id, a team, a department or
``center``) and is never summed up into larger units. A plan may be split into parts coded
``<plan_code>:<part>`` (one row per building, project or budget line): the parts add up.

Headcounts come from the roster: ``members`` = ``unit`` counts the employees of the subject
itself (an employee counts 1, a team its members, the centre everyone); ``members`` = ``reports``
counts, for an employee, the people whose 直接上级 (supervisor) is that employee — the unit the
employee leads."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

from csperf.metrics.indicators.model import (
    Agg,
    Combine,
    Ctx,
    Direction,
    Indicator,
    Param,
    Unit,
    as_decimal,
    as_list,
    on_roster,
    ratio,
    total,
)

PlanKind = Literal["rate", "saving", "sum"]

# ----------------------------------------------------------------------- conditions


def _of_plan(t, c):
    """Rows of the chosen plan codes or of their parts (``code:part``)."""
    codes = as_list(c.p["plan_code"])
    cond = t.plan_code.isin(codes)
    for code in codes:
        cond = cond | t.plan_code.startswith(f"{code}:")
    return cond


def _plan_rows(t, c):
    """Plan rows (and parts) of the chosen plan codes that have an actual figure."""
    return _of_plan(t, c) & t.actual.notnull()


def _at_start(t, c):
    """On the roster on the period's first day (hired by then, not left before it)."""
    return (t.hired_at.isnull() | (t.hired_at <= c.start)) & (
        t.left_at.isnull() | (t.left_at >= c.start)
    )


def _left_in_period(t, c):
    """Left in the period: ``left_at`` (the last day on the roster) falls in it."""
    return t.left_at.notnull() & (t.left_at >= c.start) & (t.left_at < c.end)


def _members(c):
    return "supervisor" if c.p.get("members") == "reports" else "id"


# ---------------------------------------------------------------------------- values


def _actual(t, c):
    return t.actual


def _planned(t, c):
    return t.planned


def _saved(t, c):
    return t.planned - t.actual


# ------------------------------------------------------------------------- combines


def _per_capita(v: dict[str, Any], ctx: Ctx) -> Decimal | None:
    """Σ actual of the plan rows ÷ headcount; None without a plan row or a head."""
    n = as_decimal(v["headcount"])
    if n == 0 or as_decimal(v["rows"]) == 0:
        return None
    return as_decimal(v["value"]) / n


def _no_value(v: dict[str, Any], ctx: Ctx) -> None:
    return None


# ------------------------------------------------------------------------ indicators

P_MEMBERS = Param(
    name="members",
    default="unit",
    kind="str",
    doc="whose headcount: unit (the subject's own employees: 1 for an employee, a team's "
    "members, everyone for the centre) or reports (the people whose supervisor is the employee)",
    choices=("unit", "reports"),
)


def _plan_code_param(plan_code: str) -> Param:
    return Param(
        name="plan_code",
        default=plan_code,
        kind="list",
        doc="plan codes of the rows used (parts coded <plan_code>:<part> add up)",
    )


def _plan_shape(kind: PlanKind) -> tuple[dict[str, tuple[Agg, ...]], Combine]:
    """Parts and combine of a plan indicator of this kind."""
    if kind == "rate":
        return (
            {
                "numerator": (Agg("plans", where=_plan_rows, value=_actual),),
                "denominator": (Agg("plans", where=_plan_rows, value=_planned),),
            },
            ratio(),
        )
    if kind == "saving":
        return (
            {
                "numerator": (Agg("plans", where=_plan_rows, value=_saved),),
                "denominator": (Agg("plans", where=_plan_rows, value=_planned),),
            },
            ratio(),
        )
    return ({"value": (Agg("plans", where=_plan_rows, value=_actual),)}, total())


def _plan(
    *,
    code: str,
    name_zh: str,
    name_en: str,
    plan_code: str,
    formula: tuple[str, str] | None = None,
    unit: Unit = "ratio",
    direction: Direction = "higher",
    kind: PlanKind = "rate",
) -> Indicator:
    """actual ÷ planned (rate), (planned − actual) ÷ planned (saving) or Σ actual (sum) of the
    unit's own plan rows with the given plan code; `formula` (zh, en) says what planned and
    actual hold."""
    parts, combine = _plan_shape(kind)
    formula_zh, formula_en = (
        formula
        or {
            "rate": ("实际值 ÷ 计划值", "actual ÷ planned"),
            "saving": ("(预算 − 实际支出)÷ 预算", "(budget − spent) ÷ budget"),
            "sum": ("实际值之和", "Σ actual"),
        }[kind]
    )
    return Indicator(
        code=code,
        name_zh=name_zh,
        name_en=name_en,
        unit=unit,
        direction=direction,
        record="plans",
        formula_zh=f"{formula_zh}(计划代码 {plan_code})",
        formula_en=f"{formula_en} (plan code {plan_code})",
        parts=parts,
        combine=combine,
        params=(_plan_code_param(plan_code),),
        category="management",
        notes="plan rows of the unit itself (org_unit)",
    )


def _per_head(
    *,
    code: str,
    name_zh: str,
    name_en: str,
    plan_code: str,
    what: tuple[str, str],
    unit: Unit,
    direction: Direction,
) -> Indicator:
    """Σ actual of the unit's plan rows ÷ the unit's headcount on the roster in the period."""
    return Indicator(
        code=code,
        name_zh=name_zh,
        name_en=name_en,
        unit=unit,
        direction=direction,
        record="plans",
        formula_zh=f"{what[0]}(计划代码 {plan_code} 的实际值)÷ 期内在册人数",
        formula_en=f"{what[1]} (actual of plan code {plan_code}) ÷ employees on the roster in "
        "the period",
        parts={
            "value": (Agg("plans", where=_plan_rows, value=_actual),),
            "rows": (Agg("plans", where=_plan_rows),),
            "headcount": (Agg("employees", where=on_roster, subject=_members),),
        },
        combine=_per_capita,
        params=(_plan_code_param(plan_code), P_MEMBERS),
        category="management",
        notes="the plan rows of the subject (org_unit) ÷ its headcount; no plan row: no value",
    )


INDICATORS: tuple[Indicator, ...] = (
    _plan(
        code="plan_completion_rate",
        name_zh="计划完成率",
        name_en="Plan completion",
        plan_code="work_plan",
        formula=("业务计划实际完成量 ÷ 业务计划完成量", "work done ÷ work planned"),
    ),
    _plan(
        code="budget_control_rate",
        name_zh="服务费用预算控制率",
        name_en="Budget used",
        plan_code="budget",
        direction="lower",
        formula=("服务费用开支额(实际值)÷ 服务费用预算额(计划值)", "spent ÷ budget"),
    ),
    _plan(
        code="budget_saving_rate",
        name_zh="客服费用预算节省率",
        name_en="Budget saved",
        plan_code="budget",
        kind="saving",
        formula=("(预算额 − 实际开支额)÷ 预算额", "(budget − spent) ÷ budget"),
    ),
    _plan(
        code="process_improvement_rate",
        name_zh="服务流程改进目标完成率",
        name_en="Process improvement goals met",
        plan_code="process_improvement",
        formula=("改进目标实际完成量 ÷ 改进目标计划完成量", "goals met ÷ goals planned"),
    ),
    _plan(
        code="survey_plan_completion",
        name_zh="客户调研计划完成率",
        name_en="Customer survey plan completion",
        plan_code="survey_plan",
        formula=("调研实际完成量 ÷ 调研计划完成量", "surveys done ÷ surveys planned"),
    ),
    _plan(
        code="training_pass_rate",
        name_zh="培训考核通过率",
        name_en="Training pass rate",
        plan_code="training",
    ),
    _plan(
        code="certification_coverage",
        name_zh="技能认证覆盖率",
        name_en="Skill certification coverage",
        plan_code="certification",
    ),
    _plan(
        code="standard_execution_rate",
        name_zh="客服标准有效执行率",
        name_en="Service standards applied",
        plan_code="standard_execution",
        formula=("有效执行的标准数 ÷ 应执行的标准数", "standards applied ÷ standards due"),
    ),
    _plan(
        code="fee_collection_rate",
        name_zh="物业费收缴率",
        name_en="Fee collection rate",
        plan_code="fee_collection",
        formula=(
            "所辖楼栋当月已缴物业费户数(实际值)÷ 已办理交房手续的业主户数(计划值;"
            "未入住、未装修不剔除)",
            "households that paid (actual) ÷ households that took delivery (planned; empty or "
            "unfurnished homes stay in)",
        ),
    ),
    _plan(
        code="facility_intact_rate",
        name_zh="公共设施完好率",
        name_en="Facilities intact",
        plan_code="facility",
        formula=("公共设施完好数 ÷ 公共设施总数", "facilities intact ÷ facilities"),
    ),
    _plan(
        code="improvement_proposals",
        name_zh="流程优化提案数",
        name_en="Process improvement proposals",
        plan_code="improvement_proposals",
        unit="count",
        kind="sum",
    ),
    _per_head(
        code="cost_per_agent",
        name_zh="人均服务成本",
        name_en="Service cost per agent",
        plan_code="cost",
        what=("服务部门总费用", "total service cost"),
        unit="amount",
        direction="lower",
    ),
    _per_head(
        code="output_per_capita",
        name_zh="人均产能",
        name_en="Output per head",
        plan_code="workload",
        what=("工作量", "workload"),
        unit="count",
        direction="higher",
    ),
    _per_head(
        code="net_profit_per_capita",
        name_zh="人均净利润",
        name_en="Net profit per head",
        plan_code="net_profit",
        what=("工作量净利润", "net profit"),
        unit="amount",
        direction="higher",
    ),
    Indicator(
        code="staff_attrition_rate",
        name_zh="人员流失率",
        name_en="Staff attrition",
        unit="ratio",
        direction="lower",
        record="employees",
        formula_zh="期内离职人数(离职日期在期内)÷ 期初在册人数",
        formula_en="employees who left in the period (left_at in it) ÷ employees on the roster "
        "on its first day",
        parts={
            "numerator": (Agg("employees", where=_left_in_period, subject=_members),),
            "denominator": (Agg("employees", where=_at_start, subject=_members),),
        },
        combine=ratio(),
        params=(P_MEMBERS,),
        category="management",
        notes="a unit figure (team, department, centre); an employee's own row is 0 or 1 — "
        "for the unit an employee leads use members=reports or the team/department level",
    ),
    Indicator(
        code="team_mean_score",
        name_zh="员工管理",
        name_en="Mean score of the unit's staff",
        unit="points",
        direction="higher",
        record="evaluations",
        formula_zh="本单位员工同期已发布考核总分的平均",
        formula_en="mean total of the unit's own published evaluations in the same period",
        parts={},
        combine=_no_value,
        params=(),
        category="management",
        available=False,
        notes="depends on other cards: supplied by the evaluation cycle (web app), not by the records engine",
    ),
)
