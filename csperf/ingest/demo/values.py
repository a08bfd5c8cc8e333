"""月度数值与目标 (values): figures kept outside the records, and the targets HR assigns.

Figures: the telecom 话务员's 工龄补贴, 星级补贴 and 专席 flags and quota calls, the securities
desk's monthly exam, the management post's product test, customer relations' 长效监督测试 and
技能鉴定 (per group), the launch desk's problem-prediction rate, e-commerce commissions and
bonuses, the game desk's weighted workload (its month runs from the 26th) and other additions,
the 电话专员 group's callback standard, the department survey score and the finance report's
service ROI (per quarter). Targets: one per ``{assigned: true}`` item of the built-in cards —
per person (sales, 工作量, the management post's times) or per team (rates), per month, quarter
or year as the card's period is.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from csperf.ingest.demo.core import World, dec, period_columns
from csperf.kernel.periods import Period, parse_period

STAR = {"初级": 0, "中级": 50, "高级": 100, "资深": 200}  # 星级补贴 (元)
TEAM_TARGETS = {  # team -> {item: target} for every month
    "综合坐席组": {"csat": 0.85, "complaint_rate": 0.03, "churn_rate": 0.015, "order_rate": 0.08},
    "电商二组": {"refund_amount": 3500, "concurrent_customers": 4.0},
}
PERSON_TARGETS = {  # position -> {item: (low, high)} drawn per person and month
    "呼叫中心坐席": {"sales": (38_000, 46_000)},
    "客服管理岗": {
        "complaint_rate": (0.05, 0.07),
        "response_time": (22, 28),
        "resolution_time": (6, 9),
    },
    "电商销售客服": {"paid_amount": (90_000, 110_000)},
}
YEAR_TARGETS = {"staff_attrition": 0.12, "csat": 4.3}  # the PBC's other targets: the plans'

GAME_DAILY_BASE = 120  # 每日工作量基准 (units after the channel coefficients)


class _Rows:
    def __init__(self) -> None:
        self.subject: list[str] = []
        self.period: list[str] = []
        self.name: list[str] = []
        self.value: list[float] = []
        self.target: list[bool] = []
        self.note: list[str | None] = []

    def add(self, subject, period: str, name: str, value: float, target=False, note=None) -> None:
        self.subject.append(str(subject))
        self.period.append(period)
        self.name.append(name)
        self.value.append(float(value))
        self.target.append(target)
        self.note.append(note)


def _people(world: World, position: str, per: Period) -> np.ndarray:
    r = world.roster
    i = r.idx(position)
    return i[(r.hired[i] < np.datetime64(per.end)) & (r.left[i] >= np.datetime64(per.start))]


def _telecom(world: World, rng, rows: _Rows, per: Period) -> None:
    r = world.roster
    for i in _people(world, "话务员", per):
        years = (np.datetime64(per.end) - r.hired[i]).astype(int) / 365.25
        desk = int(r.special_desk[i])
        rows.add(r.ids[i], per.label, "seniority_allowance", min(10, int(years)) * 30)
        rows.add(r.ids[i], per.label, "star_allowance", STAR.get(str(r.tier[i]), 0))
        rows.add(r.ids[i], per.label, "special_desk_tier1", int(desk == 1))
        rows.add(r.ids[i], per.label, "special_desk_tier2", int(desk == 2))
        quota = int(rng.integers(300, 351)) if desk else 0
        rows.add(r.ids[i], per.label, "special_desk_calls", quota, note="专席定额内话务量")


def _scores(world: World, rng, rows: _Rows, per: Period) -> None:
    r = world.roster
    for pos, name, mean, sd in (
        ("坐席", "monthly_exam_score", 86, 6),
        ("客服代表", "monthly_exam_score", 84, 7),
        ("客服管理岗", "product_knowledge_score", 88, 5),
    ):
        for i in _people(world, pos, per):
            rows.add(
                r.ids[i], per.label, name, round(float(np.clip(rng.normal(mean, sd), 55, 100)), 1)
            )
    for team in sorted(
        {str(t) for t, p in zip(r.team, r.position, strict=True) if p in ("电话经理", "客户经理")}
    ):
        rows.add(team, per.label, "supervision_test_score", round(float(rng.normal(87, 4)), 1))
        rows.add(
            team,
            per.label,
            "skill_certification_pass_rate",
            round(float(rng.uniform(0.82, 1.0)), 3),
        )
    for i in _people(world, "客服部门(上线期)", per):
        rows.add(
            r.ids[i], per.label, "problem_prediction_rate", round(float(rng.uniform(0.7, 0.95)), 3)
        )
    paid = world.facts["paid"][:, world.months.index(per)]
    for i in _people(world, "电商客服", per):  # 销售额提成: 1.2% of the month's paid amount
        rows.add(r.ids[i], per.label, "sales_commission", round(float(paid[i]) * 0.012, 2))
        rows.add(r.ids[i], per.label, "bonus_amount", int(rng.choice([0, 100, 200, 300])))
    for team in sorted(
        {str(t) for t, p in zip(r.team, r.position, strict=True) if p == "电话专员"}
    ):
        rows.add(team, per.label, "callback_standard", 1, note="回访标准、流程已建立")
    for pos in ("基层客服", "客服主管"):  # 月度考核综合得分 from the position card's workbook
        for i in _people(world, pos, per):
            score = round(float(np.clip(rng.normal(86, 8), 55, 100)), 1)
            rows.add(r.ids[i], per.label, "assessment_score", score, note="岗位考核表总分")


def _game(world: World, rng, rows: _Rows, per: Period) -> None:
    """The game desk's month runs from the 26th: its workload target is the daily base times
    the days actually worked in that month."""
    r = world.roster
    game = parse_period(per.label, 26)
    lo, hi = (
        world.day_index(max(game.start, world.first)),
        world.day_index(min(game.end, world.end)),
    )
    for i in _people(world, "游戏客服", game):
        days = int(world.rota.present[i, lo:hi].sum())
        target = GAME_DAILY_BASE * days
        rows.add(
            r.ids[i],
            per.label,
            "workload",
            target,
            target=True,
            note=f"{GAME_DAILY_BASE} × {days} 天",
        )
        rows.add(
            r.ids[i], per.label, "workload_done", round(target * float(rng.uniform(0.85, 1.15)))
        )
        rows.add(r.ids[i], per.label, "other_additions", int(rng.choice([0, 0, 50, 100, 200])))


def _targets(world: World, rng, rows: _Rows, per: Period) -> None:
    r = world.roster
    for team, items in TEAM_TARGETS.items():
        for item, value in items.items():
            rows.add(team, per.label, item, value, target=True)
    for pos, items in PERSON_TARGETS.items():
        for i in _people(world, pos, per):
            for item, (lo, hi) in items.items():
                v = rng.uniform(lo, hi)
                rows.add(
                    r.ids[i], per.label, item, round(float(v), 3 if hi < 1 else 0), target=True
                )


def _quarter_and_year(world: World, rng, rows: _Rows) -> None:
    r = world.roster
    for per in world.periods("quarter") + world.months:
        for i in _people(world, "客服部门", per):
            rows.add(r.ids[i], per.label, "dept_csat_score", round(float(rng.normal(88, 4)), 1))
        for i in _people(world, "客服部门(成熟期)", per):
            rows.add(r.ids[i], per.label, "service_roi", round(float(rng.uniform(2.6, 3.8)), 2))
            rows.add(r.ids[i], per.label, "service_roi", 3.0, target=True)
    for per in world.periods("year"):
        for i in _people(world, "呼叫中心事业部", per):
            for item, value in {**_pbc_targets(world, per, str(r.dept[i])), **YEAR_TARGETS}.items():
                rows.add(r.ids[i], per.label, item, value, target=True)


def _pbc_targets(world: World, year: Period, dept: str) -> dict[str, float]:
    """The division's PBC targets of a year: its plans' sums, and per head of its department."""
    plans = world.facts["plans"]
    labels = {p.label for p in world.months if year.start <= p.start < year.end}
    total: dict[str, float] = {}
    for unit, period, code, planned in zip(
        plans.unit, plans.period, plans.code, plans.planned, strict=True
    ):
        if unit == dept and period in labels:
            total[code] = total.get(code, 0.0) + planned
    r = world.roster
    heads = int(((r.dept == dept) & (r.hired <= np.datetime64(year.start))
                 & (r.left >= np.datetime64(year.start))).sum())  # fmt: skip
    return {
        "workload_target": total.get("workload", 0),
        "workload_net_profit": total.get("net_profit", 0),
        "cost_control": total.get("cost", 0),
        "output_per_capita": round(total.get("workload", 0) / max(1, heads)),
        "net_profit_per_capita": round(total.get("net_profit", 0) / max(1, heads)),
    }


def write_values(world: World) -> None:
    rng = world.rng("values")
    rows = _Rows()
    for per in world.months:
        _telecom(world, rng, rows, per)
        _scores(world, rng, rows, per)
        _game(world, rng, rows, per)
        _targets(world, rng, rows, per)
    _quarter_and_year(world, rng, rows)
    world.put(
        "values",
        pa.table(
            {
                "subject": pa.array(rows.subject, pa.string()),
                "name": pa.array(rows.name, pa.string()),
                "value": dec(rows.value),
                "target": pa.array(rows.target, pa.bool_()),
                "note": pa.array(rows.note, pa.string()),
                **period_columns(rows.period),
            }
        ),
    )


__all__ = ["write_values"]
