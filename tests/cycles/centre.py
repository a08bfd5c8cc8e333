"""A small centre for the gates of issue 13: data coverage, one cycle per period and scope,
stages nobody can rate. Import the fixture into a test module (``from tests.cycles.centre
import centre_fixture``; it is named ``centre``).

客服一部 (D1) has team 一组 (T1, supervisor, department manager) with two 客户经理: 张三 (E001)
has data for all ten indicators, 李四 (E002) for two of them (接通率 15 + 满意度 15 of 100
points: coverage 30%). 质检部 (DQ) has 质检组 (TQ) without a supervisor: its 质检员 孙七 (Q001)
waits for a supervisor nobody is. The 2026-03 cycle is computed, not opened. Values come from a
provider that reports every input it lacks as missing, with its feed, like the records do.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest

PERIOD = "2026-03"
INDICATORS = [
    ("answer_rate", "接通率", 15),
    ("csat", "满意度", 15),
    ("fcr", "一次解决率", 10),
    ("aht", "平均处理时长", 10),
    ("acw", "话后处理", 10),
    ("qc_score", "质检成绩", 10),
    ("callback_rate", "回访完成率", 10),
    ("ticket_rate", "工单及时率", 10),
    ("attendance", "出勤", 5),
    ("training", "培训", 5),
]


def _template(code: str, name: str, position: str, indicators: list) -> str:
    lines = [
        f"code: {code}",
        "version: 1",
        f"name: {name}",
        "period: month",
        f"x-positions: [{position}]",
        "sections:",
        "  - code: kpi",
        "    name: 业绩",
        "    items:",
    ]
    for value, label, points in indicators:
        lines += [
            f"      - code: {value}",
            f"        name: {label}",
            f"        value: {value}",
            f"        points: {points}",
            f"        rule: {{type: linear, points: [[0, 0], [100, {points}]]}}",
        ]
    lines += [
        "      - code: attitude",
        "        name: 服务态度",
        "        points: 20",
        "        raters: {supervisor: 1}",
        "        rule: {type: manual, min: 0, max: 20}",
        "ranking: {group: all}",
        "grades:",
        "  - {gte: 80, grade: 良好}",
        "  - {gte: 60, grade: 合格}",
        "  - {grade: 不合格}",
    ]
    return "\n".join(lines) + "\n"


CM_TEMPLATE = _template("cm-card", "客户经理考核表", "客户经理", INDICATORS)
QC_TEMPLATE = _template("qc-card", "质检员考核表", "质检员", [("qc_done", "质检量", 80)])


def feeds_provider(cycle: Any, template: Any, codes: list[str]) -> dict[str, dict[str, Any]]:
    """The values entered on the cycle; every other input is missing with the feed named."""
    from csperf.cycles.inputs import manual_values

    out = manual_values(cycle, codes)
    for entry in out.values():
        entry["missing"] = {
            name: f"记录: {name}"
            for name in template.parsed.value_names()
            if name not in entry["values"]
        }
    return out


@dataclass
class Centre:
    users: dict[str, Any]
    employees: dict[str, Any]
    teams: dict[str, Any]
    departments: dict[str, Any]
    positions: dict[str, Any]
    cycle: Any

    def card(self, who: str) -> Any:
        from csperf.reviews.models import Card

        return Card.objects.get(cycle=self.cycle, employee=self.employees[who])


def build_org(users: dict[str, Any]) -> dict[str, Any]:
    from csperf.cycles import actions as cycle_actions
    from csperf.org.models import (
        Assignment,
        Company,
        Department,
        Employee,
        Membership,
        Position,
        Role,
        Team,
    )

    company = Company.objects.create(code="C", name="测试中心")
    d1 = Department.objects.create(company=company, code="D1", name="客服一部")
    dq = Department.objects.create(company=company, code="DQ", name="质检部")
    t1 = Team.objects.create(department=d1, code="T1", name="一组")
    tq = Team.objects.create(department=dq, code="TQ", name="质检组")
    cm = Position.objects.create(code="cm", name="客户经理", default_template_code="cm-card")
    qc = Position.objects.create(code="qc", name="质检员", default_template_code="qc-card")
    Membership.objects.create(user=users["supervisor"], role=Role.SUPERVISOR, team=t1)
    Membership.objects.create(user=users["reviewer"], role=Role.MANAGER, department=d1)
    Membership.objects.create(user=users["hr"], role=Role.HR)
    Membership.objects.create(user=users["auditor"], role=Role.AUDITOR)
    start = dt.date(2025, 1, 1)
    employees = {}
    for key, code, name, team, position, user in [
        ("agent", "E001", "张三", t1, cm, users["agent"]),
        ("colleague", "E002", "李四", t1, cm, users["colleague"]),
        ("qc", "Q001", "孙七", tq, qc, users["other_team_agent"]),
    ]:
        emp = Employee.objects.create(code=code, name=name, user=user, hired_on=start)
        Assignment.objects.create(employee=emp, team=team, position=position, start=start)
        employees[key] = emp
    cycle_actions.add_template(users["hr"], CM_TEMPLATE, source="cm-card.yaml")
    cycle_actions.add_template(users["hr"], QC_TEMPLATE, source="qc-card.yaml")
    return {
        "employees": employees,
        "teams": {"T1": t1, "TQ": tq},
        "departments": {"D1": d1, "DQ": dq},
        "positions": {"cm": cm, "qc": qc},
    }


def enter_values(cycle: Any, employees: dict[str, Any]) -> None:
    from csperf.cycles.models import InputValue

    full = {value: 90 for value, _l, _p in INDICATORS}
    given = {
        "agent": full,
        "colleague": {"answer_rate": 90, "csat": 95},  # 2 of 10 indicators
        "qc": {"qc_done": 90},
    }
    for key, values in given.items():
        for name, value in values.items():
            InputValue.objects.create(cycle=cycle, employee=employees[key], name=name, value=value)


@pytest.fixture(name="centre")
def centre_fixture(personas, settings) -> Centre:
    from csperf.cycles import actions as cycle_actions
    from csperf.cycles.compute import compute_cycle

    settings.CSPERF_INPUT_PROVIDER = "tests.cycles.centre.feeds_provider"
    org = build_org(personas)
    hr = personas["hr"]
    cycle = cycle_actions.create_cycle(hr, period=PERIOD, rating_deadline=dt.date(2026, 4, 5))
    enter_values(cycle, org["employees"])
    compute_cycle(cycle, actor=hr)
    cycle.refresh_from_db()
    return Centre(users=personas, cycle=cycle, **org)
