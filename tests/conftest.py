"""Shared fixtures: a small centre and fixed personas (agent, supervisor, reviewer, hr, outsider …).

``world`` builds two departments, three teams, a test template with a self -> supervisor ->
reviewer chain and one computed cycle (indicator values entered by hand), so any test can act as
any persona. Django is only set up for tests that use these fixtures (pytest-django).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest

TEST_TEMPLATE = """\
code: test-card
version: 1
name: 测试考核表
period: month
x-positions: [客服专员]
sections:
  - code: kpi
    name: 业绩
    items:
      - code: calls
        name: 接听量
        value: calls_handled
        points: 60
        rule: {type: linear, points: [[0, 0], [100, 60]]}
      - code: attitude
        name: 服务态度
        points: 30
        raters: {self: 0.2, supervisor: 0.3, reviewer: 0.5}
        rule:
          type: levels
          levels:
            - {level: 1, score: 0, anchor: 差}
            - {level: 2, score: 10, anchor: 一般}
            - {level: 3, score: 20, anchor: 良好}
            - {level: 4, score: 30, anchor: 优秀}
      - code: teamwork
        name: 团队协作
        points: 10
        raters: {supervisor: 1}
        rule: {type: manual, min: 0, max: 10}
grades:
  - {gte: 90, grade: 优秀}
  - {gte: 60, grade: 合格}
  - {grade: 不合格}
ranking: {group: all}
pay: {base: 1000, mode: proportional, prorate: true}
"""

PERIOD = "2026-03"
PERSONAS = (
    "agent",
    "colleague",
    "other_team_agent",
    "supervisor",
    "reviewer",
    "inspector",
    "hr",
    "auditor",
    "outsider",
)


@dataclass
class World:
    users: dict[str, Any]
    employees: dict[str, Any]
    teams: dict[str, Any]
    departments: dict[str, Any]
    position: Any
    template: Any
    cycle: Any

    def card(self, who: str = "agent") -> Any:
        from csperf.reviews.models import Card

        return Card.objects.get(cycle=self.cycle, employee=self.employees[who])


def _user(username: str) -> Any:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_user(username=username, password="pw")


@pytest.fixture
def personas(db) -> dict[str, Any]:
    """Logins for each persona (no organisation yet: see ``world``)."""
    return {name: _user(name) for name in PERSONAS}


@pytest.fixture
def world(personas) -> World:
    from csperf.cycles import actions as cycle_actions
    from csperf.cycles.compute import compute_cycle
    from csperf.cycles.models import InputValue
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

    company = Company.objects.create(code="C", name="测试公司")
    d1 = Department.objects.create(company=company, code="D1", name="客服一部")
    d2 = Department.objects.create(company=company, code="D2", name="客服二部")
    t1 = Team.objects.create(department=d1, code="T1", name="一组")
    t2 = Team.objects.create(department=d1, code="T2", name="二组")
    t3 = Team.objects.create(department=d2, code="T3", name="三组")
    position = Position.objects.create(
        code="agent", name="客服专员", default_template_code="test-card"
    )
    u = personas
    Membership.objects.create(user=u["supervisor"], role=Role.SUPERVISOR, team=t1)
    Membership.objects.create(user=u["reviewer"], role=Role.MANAGER, department=d1)
    Membership.objects.create(user=u["inspector"], role=Role.INSPECTOR, department=d1)
    Membership.objects.create(user=u["hr"], role=Role.HR)
    Membership.objects.create(user=u["auditor"], role=Role.AUDITOR)
    start = dt.date(2025, 1, 1)
    emps = {}
    for key, code, name, team, user in [
        ("agent", "E001", "张三", t1, u["agent"]),
        ("colleague", "E002", "李四", t1, u["colleague"]),
        ("other_team_agent", "E003", "王五", t2, u["other_team_agent"]),
        ("other_dept", "E004", "赵六", t3, None),
    ]:
        emp = Employee.objects.create(
            code=code, name=name, user=user, hired_on=start, pay_base=1000
        )
        Assignment.objects.create(employee=emp, team=team, position=position, start=start)
        emps[key] = emp
    template = cycle_actions.add_template(u["hr"], TEST_TEMPLATE, source="test-card.yaml")
    cycle = cycle_actions.create_cycle(u["hr"], period=PERIOD, rating_deadline=dt.date(2026, 4, 5))
    for i, emp in enumerate(emps.values()):
        InputValue.objects.create(
            cycle=cycle, employee=emp, name="calls_handled", value=50 + 10 * i
        )
    compute_cycle(cycle, actor=u["hr"])
    # E003's team has no supervisor and E004's department nobody at all, on purpose (the access
    # tests need cards outside everyone's scope): HR lets them through the rater gate.
    held = [
        (c, "测试：此卡故意无人可评")
        for c in cycle.cards.filter(employee__code__in=["E003", "E004"])
    ]
    cycle_actions.open_cycle(u["hr"], cycle, override=held)
    cycle.refresh_from_db()
    return World(
        users=u,
        employees=emps,
        teams={"T1": t1, "T2": t2, "T3": t3},
        departments={"D1": d1, "D2": d2},
        position=position,
        template=template,
        cycle=cycle,
    )


@pytest.fixture
def rate_through(world):
    """Walk a card through its whole chain: every rater rates every item and submits."""
    from csperf.reviews import actions

    def run(who: str = "agent", levels: dict[str, int] | None = None) -> Any:
        levels = levels or {"self": 4, "supervisor": 3, "reviewer": 3}
        card = world.card(who)
        raters = {
            "self": world.users[who],
            "supervisor": world.users["supervisor"],
            "reviewer": world.users["reviewer"],
        }
        for role in card.chain:
            entries = [{"item": "attitude", "value": levels[role]}]
            if role == "supervisor":
                entries.append({"item": "teamwork", "value": 8})
            actions.save_ratings(raters[role], card, entries)
            actions.submit(raters[role], card)
        card.refresh_from_db()
        return card

    return run


@pytest.fixture
def api_client(client):
    """A test client that logs in through POST /api/auth/token and sends the bearer token."""

    class ApiClient:
        def __init__(self) -> None:
            self.token: str | None = None

        def login(self, username: str, password: str = "pw") -> None:
            r = client.post(
                "/api/auth/token",
                {"username": username, "password": password},
                content_type="application/json",
            )
            assert r.status_code == 200, r.content
            self.token = r.json()["token"]

        def _headers(self) -> dict[str, str]:
            return {"HTTP_AUTHORIZATION": f"Bearer {self.token}"} if self.token else {}

        def get(self, path: str, **kw: Any):
            return client.get(path, **kw, **self._headers())

        def post(self, path: str, data: Any = None):
            return client.post(path, data or {}, content_type="application/json", **self._headers())

        def put(self, path: str, data: Any = None):
            return client.put(path, data or {}, content_type="application/json", **self._headers())

    return ApiClient()
