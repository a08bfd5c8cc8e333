"""The roster load goes through ``org.actions``: the same hire, move and leave, each audited."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from csperf.core.errors import InvalidInput
from csperf.core.models import AuditEvent
from csperf.org.models import Employee
from csperf.org.roster import sync_roster

pytestmark = pytest.mark.django_db

HIRED = dt.date(2024, 3, 1)


def person(**over):
    row = {
        "id": "R001",
        "name": "张三",
        "department": "客服部",
        "team": "一组",
        "position": "客服专员",
        "hired_at": HIRED,
        "left_at": None,
        "pay_base": None,
        "tier": "",
        "probation_end": None,
    }
    row.update(over)
    return SimpleNamespace(**row)


def actions_of(emp: Employee) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type="employee", object_id=str(emp.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )


def test_hire_then_reload_changes_nothing():
    counts = sync_roster([person()])
    assert counts["hired"] == 1 and counts["teams"] == 1
    emp = Employee.objects.get(code="R001")
    assert emp.placement_on(HIRED).team.name == "一组"
    assert actions_of(emp) == ["hire"]
    again = sync_roster([person()])
    assert again == {k: 0 for k in again}
    assert actions_of(emp) == ["hire"]


def test_team_change_terms_and_leaving_are_audited_steps():
    sync_roster([person()])
    left = dt.date.today() + dt.timedelta(days=30)
    counts = sync_roster([person(team="二组", tier="A", left_at=left)])
    assert counts["moved"] == 1 and counts["left"] == 1
    emp = Employee.objects.get(code="R001")
    assert emp.left_on == left and emp.tier == "A"
    assert emp.placement_on(dt.date.today()).team.name == "二组"
    assert actions_of(emp) == ["hire", "terms", "leave", "move"]
    move = AuditEvent.objects.get(object_id=str(emp.pk), action="move")
    assert move.reason == "roster"


def test_a_leaver_is_placed_on_their_last_day():
    sync_roster([person()])
    left = dt.date.today() - dt.timedelta(days=10)
    sync_roster([person(team="二组", left_at=left)])
    emp = Employee.objects.get(code="R001")
    assert emp.placement_on(left).team.name == "二组"
    assert emp.placement_on(left - dt.timedelta(days=1)).team.name == "一组"


def test_a_refused_row_names_the_employee_and_loads_nothing():
    sync_roster([person()])
    with pytest.raises(InvalidInput) as err:
        sync_roster([person(id="R002", name="李四"), person(left_at=dt.date(2020, 1, 1))])
    assert "R001" in err.value.message
    assert not Employee.objects.filter(code="R002").exists()
    assert Employee.objects.get(code="R001").left_on is None
