"""Management indicators (category ``management``) from the plan rows of each unit (plans,
budget, process goals, training, fees, facilities), the service cost per agent (plan rows and the
roster) and the mean score of the unit's staff (supplied by the web app)."""

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
    ratio,
    total,
)

PlanKind = Literal["rate", "saving", "sum"]

# ----------------------------------------------------------------------- conditions


def _plan_rows(t, c):
    """Plan rows of the chosen plan codes that have an actual figure."""
    return t.plan_code.isin(as_list(c.p["plan_code"])) & t.actual.notnull()


def _active(t, c):
    return (t.hired_at.isnull() | (t.hired_at < c.end)) & (
        t.left_at.isnull() | (t.left_at >= c.start)
    )


# ---------------------------------------------------------------------------- values


def _actual(t, c):
    return t.actual


def _planned(t, c):
    return t.planned


def _saved(t, c):
    return t.planned - t.actual


# ------------------------------------------------------------------------- combines


def _cost_per_agent(v: dict[str, Any], ctx: Ctx) -> Decimal | None:
    n = as_decimal(v["headcount"])
    return None if n == 0 else as_decimal(v["cost"]) / n


def _no_value(v: dict[str, Any], ctx: Ctx) -> None:
    return None


# ------------------------------------------------------------------------ indicators


def _plan_shape(
    kind: PlanKind, plan_code: str
) -> tuple[dict[str, tuple[Agg, ...]], Combine, str, str]:
    """Parts, combine and formulas (zh, en) of a plan indicator of this kind."""
    if kind == "rate":
        return (
            {
                "numerator": (Agg("plans", where=_plan_rows, value=_actual),),
                "denominator": (Agg("plans", where=_plan_rows, value=_planned),),
            },
            ratio(),
            f"实际值 ÷ 计划值(计划代码 {plan_code})",
            f"actual ÷ planned (plan code {plan_code})",
        )
    if kind == "saving":
        return (
            {
                "numerator": (Agg("plans", where=_plan_rows, value=_saved),),
                "denominator": (Agg("plans", where=_plan_rows, value=_planned),),
            },
            ratio(),
            "(预算 − 实际支出)÷ 预算",
            "(budget − spent) ÷ budget",
        )
    return (
        {"value": (Agg("plans", where=_plan_rows, value=_actual),)},
        total(),
        f"实际值之和(计划代码 {plan_code})",
        f"Σ actual (plan code {plan_code})",
    )


def _plan(
    *,
    code: str,
    name_zh: str,
    name_en: str,
    plan_code: str,
    unit: Unit = "ratio",
    direction: Direction = "higher",
    kind: PlanKind = "rate",
) -> Indicator:
    """actual ÷ planned (rate), (planned − actual) ÷ planned (saving) or Σ actual (sum) of the
    unit's own plan rows with the given plan code."""
    parts, combine, formula_zh, formula_en = _plan_shape(kind, plan_code)
    return Indicator(
        code=code,
        name_zh=name_zh,
        name_en=name_en,
        unit=unit,
        direction=direction,
        record="plans",
        formula_zh=formula_zh,
        formula_en=formula_en,
        parts=parts,
        combine=combine,
        params=(
            Param(
                name="plan_code",
                default=plan_code,
                kind="list",
                doc="plan codes of the rows used",
            ),
        ),
        category="management",
        notes="plan rows of the unit itself (org_unit)",
    )


INDICATORS: tuple[Indicator, ...] = (
    _plan(
        code="plan_completion_rate",
        name_zh="计划完成率",
        name_en="Plan completion",
        plan_code="work_plan",
    ),
    _plan(
        code="budget_control_rate",
        name_zh="预算控制率",
        name_en="Budget used",
        plan_code="budget",
        direction="lower",
    ),
    _plan(
        code="budget_saving_rate",
        name_zh="预算节省率",
        name_en="Budget saved",
        plan_code="budget",
        kind="saving",
    ),
    _plan(
        code="process_improvement_rate",
        name_zh="流程改进目标完成率",
        name_en="Process improvement goals met",
        plan_code="process_improvement",
    ),
    _plan(
        code="survey_plan_completion",
        name_zh="客户调研计划完成率",
        name_en="Customer survey plan completion",
        plan_code="survey_plan",
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
    ),
    _plan(
        code="fee_collection_rate",
        name_zh="物业费收缴率",
        name_en="Fee collection rate",
        plan_code="fee_collection",
    ),
    _plan(
        code="facility_intact_rate",
        name_zh="公共设施完好率",
        name_en="Facilities intact",
        plan_code="facility",
    ),
    _plan(
        code="improvement_proposals",
        name_zh="流程优化提案数",
        name_en="Process improvement proposals",
        plan_code="improvement_proposals",
        unit="count",
        kind="sum",
    ),
    Indicator(
        code="cost_per_agent",
        name_zh="人均服务成本",
        name_en="Service cost per agent",
        unit="amount",
        direction="lower",
        record="plans",
        formula_zh="成本(计划代码 cost 的实际值)÷ 期内在册人数",
        formula_en="cost (actual of plan code cost) ÷ employees on the roster in the period",
        parts={
            "cost": (Agg("plans", where=_plan_rows, value=_actual),),
            "headcount": (Agg("employees", where=_active),),
        },
        combine=_cost_per_agent,
        params=(
            Param(name="plan_code", default="cost", kind="list", doc="plan codes of the cost rows"),
        ),
        category="management",
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
