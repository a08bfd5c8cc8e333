"""Who sees, records, voids and closes what: the role matrix of the access helpers and actions.

The world (tests/conftest.py): E001 agent and E002 colleague in T1, E003 in T2 (both teams in D1),
E004 in T3 (D2, no login); supervisor of T1, reviewer = manager of D1, inspector of D1, hr,
auditor, outsider (no employee, no role).
"""

from __future__ import annotations

import datetime as dt

import pytest

from csperf.core.errors import NotAllowed
from csperf.events import actions
from csperf.events.access import (
    employees_user_may_record_for,
    events_for_user,
    get_closing_for_user,
    get_event_for_user,
    units_user_may_close,
)
from csperf.events.models import Event
from tests.events.conftest import record

pytestmark = pytest.mark.django_db

ALL = {"E001", "E002", "E003", "E004"}
D1 = {"E001", "E002", "E003"}
T1 = {"E001", "E002"}

MAY_RECORD_FOR = {
    "hr": ALL,
    "reviewer": D1,  # department manager of D1
    "supervisor": T1,
    "inspector": D1,  # everyone they may inspect
    "auditor": set(),
    "agent": set(),
    "colleague": set(),
    "other_team_agent": set(),
    "outsider": set(),
}


@pytest.mark.parametrize("persona", sorted(MAY_RECORD_FOR))
def test_who_may_record_for_whom(ev, persona):
    got = set(employees_user_may_record_for(ev.users[persona]).values_list("code", flat=True))
    assert got == MAY_RECORD_FOR[persona]


def test_nobody_records_for_themself(ev):
    """A supervisor who is also an employee of their own team may not record their own events."""
    from csperf.org.models import Assignment, Employee

    sup = ev.users["supervisor"]
    me = Employee.objects.create(code="S001", name="组长", user=sup)
    Assignment.objects.create(
        employee=me, team=ev.teams["T1"], position=ev.position, start=dt.date(2025, 1, 1)
    )
    sup.__dict__.pop("_csperf_scope", None)  # the scope is cached per request
    assert set(employees_user_may_record_for(sup).values_list("code", flat=True)) == T1
    with pytest.raises(NotAllowed):
        actions.record_event(
            sup,
            employee=me,
            kind="praise_letter",
            occurred_on=dt.date(2026, 3, 3),
            evidence="表扬信 B-1",
        )


@pytest.fixture
def three(ev):
    """One event each of E001 (T1), E003 (T2) and E004 (T3, D2), recorded by HR."""
    return {emp: record(ev, "hr", emp) for emp in ("agent", "other_team_agent", "other_dept")}


SEES = {
    "hr": ALL - {"E002"},
    "auditor": ALL - {"E002"},
    "reviewer": {"E001", "E003"},
    "inspector": {"E001", "E003"},
    "supervisor": {"E001"},
    "agent": {"E001"},  # their own
    "other_team_agent": {"E003"},
    "colleague": set(),
    "outsider": set(),
}


@pytest.mark.parametrize("persona", sorted(SEES))
def test_who_sees_which_events(ev, three, persona):
    user = ev.users[persona]
    got = set(events_for_user(user).values_list("employee__code", flat=True))
    assert got == SEES[persona]
    for key, e in three.items():
        if ev.employees[key].code in SEES[persona]:
            assert get_event_for_user(user, e.pk) == e
        else:
            from django.http import Http404

            with pytest.raises(Http404):
                get_event_for_user(user, e.pk)


def test_the_recorder_sees_what_they_recorded_after_a_move(ev):
    """An event stays visible to whoever recorded it, even when it belongs to another team."""
    e = record(ev, "supervisor", "colleague")
    Event.objects.filter(pk=e.pk).update(team=ev.teams["T3"], department=ev.departments["D2"])
    assert events_for_user(ev.users["supervisor"]).filter(pk=e.pk).exists()
    assert not events_for_user(ev.users["reviewer"]).filter(pk=e.pk).exists()


CLOSES = {
    "hr": {"center", "D1", "D2", "T1", "T2", "T3"},
    "reviewer": {"D1", "T1", "T2"},
    "supervisor": {"T1"},
    "inspector": set(),
    "auditor": set(),
    "agent": set(),
    "outsider": set(),
}


def _code(unit) -> str:
    return unit.obj.code if unit.obj is not None else "center"


@pytest.mark.parametrize("persona", sorted(CLOSES))
def test_who_may_close_which_units(ev, persona):
    assert {_code(u) for u in units_user_may_close(ev.users[persona])} == CLOSES[persona]


@pytest.mark.parametrize(
    ("persona", "emp", "allowed"),
    [
        ("hr", "other_dept", True),
        ("reviewer", "other_team_agent", True),
        ("reviewer", "other_dept", False),
        ("supervisor", "colleague", True),
        ("supervisor", "other_team_agent", False),
        ("inspector", "other_team_agent", True),
        ("inspector", "other_dept", False),
        ("auditor", "agent", False),
        ("agent", "agent", False),
        ("agent", "colleague", False),
        ("outsider", "agent", False),
    ],
)
def test_record_and_void_matrix(ev, persona, emp, allowed):
    if allowed:
        e = record(ev, persona, emp)
        assert e.recorded_by == ev.users[persona]
        actions.void_event(ev.users[persona], e, reason="登记错人")
        assert Event.objects.get(pk=e.pk).status == "void"
    else:
        with pytest.raises(NotAllowed):
            record(ev, persona, emp)
        e = record(ev, "hr", emp)
        with pytest.raises(NotAllowed):
            actions.void_event(ev.users[persona], e, reason="登记错人")
        assert Event.objects.get(pk=e.pk).status == "active"


@pytest.mark.parametrize(
    ("persona", "scope", "unit", "allowed"),
    [
        ("hr", "center", None, True),
        ("hr", "team", "T3", True),
        ("reviewer", "department", "D1", True),
        ("reviewer", "team", "T2", True),
        ("reviewer", "department", "D2", False),
        ("reviewer", "center", None, False),
        ("supervisor", "team", "T1", True),
        ("supervisor", "team", "T2", False),
        ("supervisor", "department", "D1", False),
        ("inspector", "team", "T1", False),
        ("auditor", "team", "T1", False),
        ("agent", "team", "T1", False),
    ],
)
def test_close_and_reopen_matrix(ev, persona, scope, unit, allowed):
    obj = {**ev.teams, **ev.departments}.get(unit)
    user = ev.users[persona]
    if allowed:
        c = actions.close_period(user, scope=scope, unit=obj, period="2026-03")
        assert get_closing_for_user(user, c.pk) == c
        actions.reopen_period(user, c, reason="补录")
        assert c.reopened
    else:
        with pytest.raises(NotAllowed):
            actions.close_period(user, scope=scope, unit=obj, period="2026-03")
        c = actions.close_period(ev.users["hr"], scope=scope, unit=obj, period="2026-03")
        with pytest.raises(NotAllowed):
            actions.reopen_period(user, c, reason="补录")
        c.refresh_from_db()
        assert not c.reopened
