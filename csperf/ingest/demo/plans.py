"""计划预算 (plans): the planned and actual figures of the centre, its departments and teams, and
of the people measured against a plan of their own.

Monthly rows (a quarter or a year adds its months up). The centre and every department plan
their work, service budget, costs, customer surveys, training, certification, service standards
and process improvements, in proportion to their headcount. 热线服务部, the division's core,
also plans its workload (calls handled, the actual taken from the calls) and net profit;
the property centre and its 客服处 the month's fee task (元), the centre its public
facilities (公共设施, intact ones as actual); customer relations' groups the
service orders to call back (派单回访). Property 客服员 plan the households of their buildings
that should pay the property fee (物业费收缴, households); 电话专员 and 客户服务专员 the customers
to call back (回访计划).
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import pyarrow as pa

from csperf.ingest.demo.core import World, dec, period_columns, strs

PER_HEAD = {  # code -> (planned per head and month, actual low, actual high): units and centre
    "work_plan": (100, 0.88, 1.08),
    "budget": (2_500, 0.85, 1.04),
    "cost": (12_000, 0.92, 1.06),
    "survey_plan": (40, 0.8, 1.05),
    "training": (2, 0.8, 1.0),
    "certification": (3, 0.6, 1.0),
    "standard_execution": (10, 0.85, 1.0),
    "process_improvement": (1, 0.6, 1.1),
    "improvement_proposals": (0.5, 0.4, 1.6),
}
CORE = "热线服务部"  # the division's core department: its workload and profit (PBC)
PROFIT_PER_CALL = 12  # 元 of net profit planned per call handled
UNIT_PLANS = {  # unit (department or team) -> {code: (planned, actual low, actual high)}
    "物业客服中心": {"fee_task": (1_200_000, 0.85, 1.05), "facility": (480, 0.95, 1.0)},
    "客服处": {"fee_task": (800_000, 0.85, 1.05)},
}
PERSONAL = {"物业客服员": {"fee_collection": (260, 0.82, 0.99)}}  # households of their buildings
TEAM_PLANS = {  # teams of these departments: code -> (planned, actual low, actual high)
    "客户关系部": {"dispatch_callback": (60, 0.85, 1.0)},
    "热线服务部": {"work_plan": (300, 0.9, 1.08), "training": (4, 0.75, 1.0)},
}


class _Rows:
    def __init__(self) -> None:
        self.unit: list[str] = []
        self.period: list[str] = []
        self.code: list[str] = []
        self.planned: list[float] = []
        self.actual: list[float] = []

    def add(self, unit: str, period: str, code: str, planned: float, actual: float) -> None:
        self.unit.append(unit)
        self.period.append(period)
        self.code.append(code)
        self.planned.append(planned)
        self.actual.append(actual)


def _figure(rng, planned: float, lo: float, hi: float, scale: float = 1.0) -> tuple[float, float]:
    p = max(1.0, round(planned * scale * float(rng.uniform(0.92, 1.08)), 0))
    money = planned >= 1_000
    return p, round(p * float(rng.uniform(lo, hi)), 2 if money else 0)


def write_plans(world: World) -> None:
    r, rng = world.roster, world.rng("plans")
    rows = _Rows()
    teams = sorted({(str(t), str(d)) for t, d in zip(r.team, r.dept, strict=True)})
    callbacks = _callbacks_planned(world)
    handled = _handled(world)
    for m, per in enumerate(world.months):
        label = per.label
        heads = Counter(str(d) for d in r.dept[_on_roster(world, np.arange(len(r)), per)])
        for unit, n in [("center", sum(heads.values())), *sorted(heads.items())]:
            for code, (planned, lo, hi) in PER_HEAD.items():
                rows.add(unit, label, code, *_figure(rng, planned, lo, hi, n))
        for unit, plans in UNIT_PLANS.items():
            for code, (planned, lo, hi) in plans.items():
                rows.add(unit, label, code, *_figure(rng, planned, lo, hi))
        actual = float(handled[m])  # the core's workload: the calls it handled
        planned = round(actual / float(rng.uniform(0.92, 1.08)))
        rows.add(CORE, label, "workload", planned, actual)
        profit = planned * PROFIT_PER_CALL
        rows.add(
            CORE, label, "net_profit", profit, round(profit * float(rng.uniform(0.75, 1.15)), 2)
        )
        for team, dept in teams:
            for code, (planned, lo, hi) in TEAM_PLANS.get(dept, {}).items():
                rows.add(team, label, code, *_figure(rng, planned, lo, hi))
        for pos, plans in PERSONAL.items():
            who = r.idx(pos)
            for i in who[_on_roster(world, who, per)]:
                for code, (planned, lo, hi) in plans.items():
                    rows.add(str(r.ids[i]), label, code, *_figure(rng, planned, lo, hi))
        for i, n in sorted(callbacks.get(m, {}).items()):
            planned = max(1, round(n * float(rng.uniform(1.0, 1.12))))  # some never reached
            rows.add(str(r.ids[i]), label, "callbacks", planned, n)
    world.facts["plans"] = rows
    world.put(
        "plans",
        pa.table(
            {
                "org_unit": strs(rows.unit),
                "plan_code": strs(rows.code),
                "planned": dec(rows.planned),
                "actual": dec(rows.actual),
                **period_columns(rows.period),
            }
        ),
    )


def _on_roster(world: World, idx: np.ndarray, per) -> np.ndarray:
    r = world.roster
    return (r.hired[idx] < np.datetime64(per.end)) & (r.left[idx] >= np.datetime64(per.start))


def _handled(world: World) -> np.ndarray:
    """Calls handled (answered, or connected outbound) by the core department, per month."""
    calls, r = world.calls, world.roster
    emp = calls.col("emp").astype(np.int64)
    done = calls.col("answered").astype(bool) | calls.col("connected").astype(bool)
    ok = (emp >= 0) & done
    ok[ok] = r.dept[emp[ok]] == CORE
    month = world.month_of_day[calls.col("day").astype(np.int64)[ok]]
    return np.bincount(month, minlength=len(world.months))


def _callbacks_planned(world: World) -> dict[int, dict[int, int]]:
    """The customers each person tried to call back, per month: the 回访计划 named them."""
    none = np.array([], int)
    e, d, customer = world.facts.get("callbacks", (none, none, none))
    seen = {
        (int(m), int(emp), c) for emp, m, c in zip(e, world.month_of_day[d], customer, strict=True)
    }
    out: dict[int, dict[int, int]] = {}
    for month, emp, _ in seen:
        by = out.setdefault(month, {})
        by[emp] = by.get(emp, 0) + 1
    return out
