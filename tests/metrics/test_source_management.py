"""Management and conduct indicators against the numbers of the source documents (schemes.md §3.5,
§3.7, §3.8, §3.10, §3.18 and §4).

Its own small company:

- 客服部 D1, 2026-Q1 (§3.7 客服部经理 example A: 客服工作计划完成率 0.96, 客服费用预算节省率 0.03,
  流程改进目标达成率 1.10, 客服标准有效执行率 0.93) — the same budget rows give the §3.8 example A
  服务费用预算控制率 0.97;
- 呼叫中心 D3, 2026-03 (§3.8 呼叫中心经理 example A: 计划完成率 1.02, 客户调研计划完成率 0.90, 服务流程
  改进目标完成率 0.80) and the centre (example B: 0.85, 预算控制率 1.03, 1.0, 0.5); D2 (§3.7 example B:
  预算节省率 −0.02);
- 物业客服员 P1, P2, P3, 2026-03 (§3.18: "所辖楼栋当月已缴物业费户数占已办理交房手续的业主户数,
  未入住、未装修及其他客户层面理由均属应缴物业费范畴,不得排除"; example A 0.965, B 0.88, and 0.98);
- 呼叫中心事业部 DV, 2026 (§3.5 PBC example A: 人均产能 5200, 人均净利润 13000, 人员流失率 0.12);
- the incident register (奖惩/事件) of C1 and C2, March 2026, where a row may stand for several
  occurrences (count 3: three days, three complaints).
"""

from __future__ import annotations

import decimal
from decimal import Decimal

import pytest

from csperf.ingest.importer import import_file
from csperf.ingest.store import open_store
from csperf.metrics import Engine

pytestmark = pytest.mark.filterwarnings("ignore:fetch_arrow_table:DeprecationWarning")

TESTED = {
    "plan_completion_rate",
    "budget_control_rate",
    "budget_saving_rate",
    "survey_plan_completion",
    "process_improvement_rate",
    "standard_execution_rate",
    "fee_collection_rate",
    "staff_attrition_rate",
    "output_per_capita",
    "net_profit_per_capita",
    "cost_per_agent",
    # conduct (奖惩/事件)
    "praise_count",
    "valid_complaints",
    "general_complaints",
    "repeat_complaints",
    "service_errors",
    "work_errors",
    "violations",
    "serious_violations",
    "untrue_reports",
    "suggestions_adopted",
    "incident_points",
}


def _roster() -> list[str]:
    rows = [
        "id,name,team,department,position,supervisor,hired_at,left_at",
        "P1,物业客服甲,PM,PROP,物业客服员,,2024-01-01,",
        "P2,物业客服乙,PM,PROP,物业客服员,,2024-01-01,",
        "P3,物业客服丙,PM,PROP,物业客服员,,2024-01-01,",
        "C1,客服甲,CS1,D1,客服专员,,2024-01-01,",
        "C2,客服乙,CS1,D1,客服专员,,2024-01-01,",
        "G2,部门经理,D2M,D2,部门经理,,2024-01-01,",
        "G3,呼叫中心经理,D3M,D3,呼叫中心经理,,2024-01-01,",
        # 呼叫中心事业部 DV: the head H and 49 staff on the roster on 2026-01-01 (50), of whom
        # S01 (its last day is 2026-01-01), S02, S03, S26 and S27 (on 2026-12-31) leave in 2026;
        # N1 joins and leaves within 2026 (a leaver, not in the start headcount); N2 joins;
        # X1 left on 2025-12-31 (gone before the year), Z1 leaves on 2027-01-05 (after it)
        "H,事业部总经理,DVM,DV,事业部总经理,,2020-01-01,",
        "S01,员工01,DV1,DV,坐席,H,2024-01-01,2026-01-01",
        "S02,员工02,DV1,DV,坐席,H,2024-01-01,2026-03-15",
        "S03,员工03,DV1,DV,坐席,H,2024-01-01,2026-06-30",
    ]
    rows += [f"S{i:02d},员工{i:02d},DV1,DV,坐席,H,2024-01-01," for i in range(4, 26)]
    rows += [
        "S26,员工26,DV2,DV,坐席,H,2024-01-01,2026-09-01",
        "S27,员工27,DV2,DV,坐席,H,2026-01-01,2026-12-31",  # hired on the first day: at start
    ]
    rows += [f"S{i:02d},员工{i:02d},DV2,DV,坐席,H,2024-01-01," for i in range(28, 49)]
    rows += [
        "N1,新员工1,DV2,DV,坐席,H,2026-04-01,2026-10-31",
        "N2,新员工2,DV2,DV,坐席,H,2026-05-01,",
        "X1,离职员工,DV1,DV,坐席,H,2024-01-01,2025-12-31",
        "Z1,待离职员工,DV1,DV,坐席,H,2024-01-01,2027-01-05",
    ]
    return rows


PLANS = [
    "org_unit,period,plan_code,planned,actual",
    # D1, Q1 by months: 客服工作计划 (96 + 95 + 97) / 300 = 0.96
    "D1,2026-01,work_plan,100,96",
    "D1,2026-02,work_plan,100,95",
    "D1,2026-03,work_plan,100,97",
    # D1 budget for the quarter in two lines (parts): spent 78000 + 19000 of 80000 + 20000;
    # budgetx is another plan, and a line without an actual figure is not counted
    "D1,2026-Q1,budget:人工,80000,78000",
    "D1,2026-Q1,budget:培训,20000,19000",
    "D1,2026-Q1,budgetx,50000,10",
    "D1,2026-Q1,budget:差旅,5000,",
    "D1,2026-Q1,process_improvement,10,11",
    "D1,2026-Q1,standard_execution,100,93",
    # D2, March: spent 102000 of 100000
    "D2,2026-03,budget,100000,102000",
    # D3 呼叫中心, March (§3.8 example A)
    "D3,2026-03,work_plan,50,51",
    "D3,2026-03,survey_plan,30,27",
    "D3,2026-03,process_improvement,10,8",
    # the centre, March (§3.8 example B)
    "center,2026-03,work_plan,100,85",
    "center,2026-03,budget,100000,103000",
    "center,2026-03,survey_plan,20,20",
    "center,2026-03,process_improvement,10,5",
    # 物业费: planned = 已交房户数 (empty and unfurnished homes included), actual = 已缴费户数,
    # one row per building of the employee's (fee_collection:<楼栋>)
    "P1,2026-03,fee_collection:1号楼,120,118",
    "P1,2026-03,fee_collection:2号楼,80,75",
    "P2,2026-03,fee_collection,100,88",
    "P3,2026-03,fee_collection,50,49",
    # DV 2026: 工作量 and 工作量净利润 (by quarters); March's service cost
    "DV,2026,workload,260000,270400",
    "DV,2026-Q1,net_profit,150000,150000",
    "DV,2026-Q2,net_profit,160000,160000",
    "DV,2026-Q3,net_profit,170000,170000",
    "DV,2026-Q4,net_profit,200000,196000",
    "DV,2026-03,cost,500000,490000",
    "H,2026,workload,250000,245000",
]

INCIDENTS = [
    "employee_id,occurred_at,kind,count,points",
    # C1: praise 1 letter + a row for 2 media reports = 3
    "C1,2026-03-02 10:00:00,praise_letter,1,1",
    "C1,2026-03-03 10:00:00,媒体表扬,2,10",
    # C1: one row for 3 valid complaints (−15 points for the row) and another complaint
    "C1,2026-03-04 10:00:00,complaint_valid,3,-15",
    "C1,2026-03-05 10:00:00,有效投诉,1,-5",
    # a complaint withdrawn after registration: count 0
    "C1,2026-03-06 10:00:00,complaint_valid,0,",
    "C1,2026-03-07 10:00:00,complaint_general,2,",
    "C1,2026-03-08 10:00:00,complaint_repeat,3,",
    "C1,2026-03-09 10:00:00,service_error,1,",
    "C1,2026-03-10 10:00:00,service_error,1,",
    "C1,2026-03-11 10:00:00,service_error,3,",
    "C1,2026-03-12 10:00:00,work_error,3,",
    "C1,2026-03-13 10:00:00,violation,2,",
    "C1,2026-03-14 10:00:00,serious_violation,1,",
    "C1,2026-03-15 10:00:00,untrue_report,3,",
    "C1,2026-03-16 10:00:00,suggestion_adopted,3,6",
    # outside March
    "C1,2026-02-28 23:59:59,complaint_valid,3,-15",
    "C1,2026-04-01 00:00:00,complaint_valid,3,-15",
    # C2 (same team): 3 valid complaints in one row
    "C2,2026-03-20 10:00:00,complaint_valid,3,",
]


@pytest.fixture(scope="module")
def eng(tmp_path_factory):
    d = tmp_path_factory.mktemp("source_management")
    files = {"employees": _roster(), "plans": PLANS, "incidents": INCIDENTS}
    store = open_store(d / "data")
    for kind, lines in files.items():
        (d / f"{kind}.csv").write_text("\n".join(lines) + "\n", "utf-8")
        import_file(kind, d / f"{kind}.csv", store=store)
    store.close()
    e = Engine.open(d / "data")
    yield e
    e.close()


def _level(subject: str) -> str:
    if subject == "center":
        return "center"
    if subject in {"D1", "D2", "D3", "DV", "PROP"}:
        return "department"
    if subject in {"DV1", "DV2", "CS1", "PM"}:
        return "team"
    return "employee"


def value(eng, code, subject, params=None, period="2026-03"):
    rows = eng.compute(
        period, _level(subject), [code], {code: params} if params else None, subjects=[subject]
    )
    assert rows, f"no row for {subject}"
    return rows[0][code]


def exact(num, den=1) -> Decimal:
    """num ÷ den as the engine gives it (28 significant digits, half-up)."""
    with decimal.localcontext(decimal.Context(prec=28, rounding=decimal.ROUND_HALF_UP)):
        return (Decimal(num) / Decimal(den)).normalize()


M, Q1, Y = "2026-03", "2026-Q1", "2026"

# (code, subject, params, period, expected, why)
PLAN_CASES = [
    # 计划完成率 = 实际完成量 ÷ 计划完成量
    ("plan_completion_rate", "D1", {}, Q1, exact("0.96"), "288 / 300 over the quarter's rows"),
    ("plan_completion_rate", "D3", {}, M, exact("1.02"), "51 / 50 (§3.8 example A)"),
    ("plan_completion_rate", "center", {}, M, exact("0.85"), "85 / 100 (§3.8 example B)"),
    # 服务费用预算控制率 = 开支额 ÷ 预算额 (lower is better)
    ("budget_control_rate", "D1", {}, Q1, exact("0.97"), "97000 / 100000: the two budget lines"),
    ("budget_control_rate", "center", {}, M, exact("1.03"), "103000 / 100000"),
    # 客服费用预算节省率 = (预算额 − 实际开支额) ÷ 预算额
    ("budget_saving_rate", "D1", {}, Q1, exact("0.03"), "(100000 − 97000) / 100000"),
    ("budget_saving_rate", "D2", {}, M, exact("-0.02"), "overspent: (100000 − 102000) / 100000"),
    ("budget_saving_rate", "D1", {}, M, None, "the quarter's budget is not inside March"),
    # 客户调研计划完成率, 服务流程改进目标完成率, 客服标准有效执行率
    ("survey_plan_completion", "D3", {}, M, exact("0.9"), "27 / 30"),
    ("survey_plan_completion", "center", {}, M, 1, "20 / 20"),
    ("process_improvement_rate", "D1", {}, Q1, exact("1.1"), "11 / 10 (the card caps at 1)"),
    ("process_improvement_rate", "D3", {}, M, exact("0.8"), "8 / 10"),
    ("process_improvement_rate", "center", {}, M, exact("0.5"), "5 / 10"),
    ("standard_execution_rate", "D1", {}, Q1, exact("0.93"), "93 / 100"),
    # 物业费收缴率 by households
    ("fee_collection_rate", "P1", {}, M, exact("0.965"), "(118 + 75) / (120 + 80), two 楼栋"),
    ("fee_collection_rate", "P2", {}, M, exact("0.88"), "88 / 100: below 90% (example B)"),
    ("fee_collection_rate", "P3", {}, M, exact("0.98"), "49 / 50: exactly the 98% line"),
    # 人员流失率 = leavers in the period ÷ headcount at its start
    ("staff_attrition_rate", "DV", {}, Y, exact("0.12"), "S01 S02 S03 S26 S27 N1 = 6 / 50"),
    ("staff_attrition_rate", "DV", {}, Q1, exact("0.04"), "S01 (Jan 1) and S02 of the same 50"),
    ("staff_attrition_rate", "DV1", {}, Y, exact(3, 26), "S01–S25 and Z1 at start; S01–S03 left"),
    ("staff_attrition_rate", "DV2", {}, Y, exact(3, 23), "S26–S48 at start; S26, S27, N1 left"),
    (
        "staff_attrition_rate",
        "H",
        {"members": "reports"},
        Y,
        exact(6, 49),
        "the unit H leads: the 49 reporting to H at the start, 6 left",
    ),
    ("staff_attrition_rate", "S02", {}, Y, 1, "an employee's own row: left (0 or 1)"),
    # 人均产能, 人均净利润: the unit's plan actual ÷ its headcount on the roster in the period —
    # H, S02–S48, N1, N2, Z1 and S01 (on the roster on Jan 1) = 52
    ("output_per_capita", "DV", {}, Y, 5200, "270400 / 52 (example A: 5200)"),
    ("net_profit_per_capita", "DV", {}, Y, 13000, "(150000 + 160000 + 170000 + 196000) / 52"),
    ("output_per_capita", "DV1", {}, Y, None, "no plan row of DV1"),
    (
        "output_per_capita",
        "H",
        {"members": "reports"},
        Y,
        exact(245000, 51),
        "H's own plan row ÷ the 51 reporting to H during 2026 (X1 left in 2025)",
    ),
    # 人均服务成本 = 服务部门总费用 ÷ 服务人数: March's 49 (S01 and X1 gone, N1 N2 not yet)
    ("cost_per_agent", "DV", {}, M, 10000, "490000 / 49"),
]

CONDUCT_CASES = [
    ("praise_count", "C1", {}, M, 3, "a letter + one row for 2 media reports"),
    ("valid_complaints", "C1", {}, M, 4, "3 (one row) + 1 + 0 (withdrawn); Feb and Apr out"),
    ("valid_complaints", "CS1", {}, M, 7, "team: C1 4 + C2 3"),
    ("general_complaints", "C1", {}, M, 2, ""),
    ("repeat_complaints", "C1", {}, M, 3, "one row, count 3"),
    ("service_errors", "C1", {}, M, 5, "1 + 1 + 3"),
    ("work_errors", "C1", {}, M, 3, ""),
    ("violations", "C1", {}, M, 3, "violation 2 + serious_violation 1"),
    ("serious_violations", "C1", {}, M, 1, ""),
    ("untrue_reports", "C1", {}, M, 3, ""),
    ("suggestions_adopted", "C1", {}, M, 3, ""),
    (
        "incident_points",
        "C1",
        {"kinds": "complaint_valid"},
        M,
        -20,
        "the rows' points −15 and −5, not multiplied by their counts",
    ),
    ("incident_points", "C1", {}, M, -3, "1 + 10 − 15 − 5 + 6 (rows without points add none)"),
]

CASES = PLAN_CASES + CONDUCT_CASES


@pytest.mark.parametrize(
    ("code", "subject", "params", "period", "expected", "why"),
    CASES,
    ids=[f"{c[0]}-{c[1]}-{i}" for i, c in enumerate(CASES)],
)
def test_source_numbers(eng, code, subject, params, period, expected, why):
    got = value(eng, code, subject, params, period)
    assert got == expected, f"{code} {subject} {params} {period}: {got} != {expected} ({why})"
