"""Each events step: its checks, its audit row, and what it refuses (with the field named)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from csperf.core.errors import InvalidInput, InvalidTransition
from csperf.core.models import AuditEvent
from csperf.events import actions
from csperf.events.models import Event, EventsClosed
from tests.events.conftest import TODAY, record

pytestmark = pytest.mark.django_db


def test_record_saves_the_event_and_audits_it(ev):
    e = record(ev, "supervisor", "agent", count="2", note="早班")
    e.refresh_from_db()
    assert (e.employee, e.team, e.department) == (
        ev.employees["agent"],
        ev.teams["T1"],
        ev.departments["D1"],
    )
    assert e.kind == "appearance_violation" and e.count == Decimal(2)
    assert e.points is None and e.amount is None
    assert e.status == "active" and e.recorded_by == ev.users["supervisor"] and e.note == "早班"
    a = AuditEvent.objects.get(action="record_event")
    assert a.actor == ev.users["supervisor"] and a.object_id == str(e.pk)
    assert a.new["employee"] == "E001" and a.new["kind"] == "appearance_violation"
    assert a.new["count"] == "2" and a.new["evidence"] == "巡检记录 XJ-0310"


def test_kinds_by_measure(ev):
    e = record(ev, kind="audit_correction", points="6")
    assert e.points == Decimal(6) and e.count == 1
    e = record(ev, kind="dissatisfaction_fine", amount="50.5")
    assert e.amount == Decimal("50.5") and e.points is None
    # the Chinese name is not a code: the form sends codes
    with pytest.raises(InvalidInput):
        record(ev, kind="仪容仪表违规")


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"kind": "no_such_kind"}, "kind", "类别"),
        ({"kind": ""}, "kind", "类别"),
        ({"kind": "audit_correction"}, "points", "分值"),
        ({"kind": "audit_correction", "points": "0"}, "points", "分值"),
        ({"kind": "violation", "points": "3"}, "points", "分值"),
        ({"kind": "dissatisfaction_fine"}, "amount", "金额"),
        ({"kind": "violation", "amount": "20"}, "amount", "金额"),
        ({"occurred_on": TODAY + dt.timedelta(days=1)}, "occurred_on", "日期"),
        ({"occurred_on": dt.date(2024, 4, 9)}, "occurred_on", "日期"),
        ({"occurred_on": "2026-13-01"}, "occurred_on", "日期"),
        ({"occurred_on": None}, "occurred_on", "日期"),
        ({"count": "-1"}, "count", "次数"),
        ({"count": "abc"}, "count", "次数"),
        ({"count": "1.0001"}, "count", "次数"),
        ({"kind": "dissatisfaction_fine", "amount": "1.234"}, "amount", "金额"),
        ({"evidence": "  "}, "evidence", "依据"),
    ],
)
def test_invalid_input_is_refused_naming_the_field(ev, changes, field, words):
    with translation.override("zh-hans"), pytest.raises(InvalidInput) as exc:
        record(ev, **changes)
    assert exc.value.field == field
    assert words in exc.value.message, exc.value.message
    assert not Event.objects.exists() and not AuditEvent.objects.filter(action="record_event")


def test_the_oldest_and_newest_days_allowed(ev):
    assert record(ev, occurred_on=TODAY).occurred_on == TODAY
    two_years = dt.date(2024, 4, 10)
    assert record(ev, occurred_on=two_years.isoformat()).occurred_on == two_years


def test_void_keeps_the_row_and_audits_the_reason(ev):
    e = record(ev)
    with pytest.raises(InvalidInput) as exc:
        actions.void_event(ev.users["hr"], e, reason=" ")
    assert exc.value.field == "reason"
    actions.void_event(ev.users["supervisor"], e, reason="登记错人")
    e = Event.objects.get(pk=e.pk)
    assert e.status == "void" and e.void_reason == "登记错人"
    assert e.voided_by == ev.users["supervisor"] and e.voided_at is not None
    assert e.count == 1  # the row keeps what was recorded
    a = AuditEvent.objects.get(action="void_event")
    assert (a.actor, a.old, a.new, a.reason) == (
        ev.users["supervisor"],
        "active",
        "void",
        "登记错人",
    )
    with pytest.raises(InvalidTransition):
        actions.void_event(ev.users["hr"], e, reason="again")
    assert AuditEvent.objects.filter(action="void_event").count() == 1


def test_close_and_reopen_are_audited_and_kept(ev):
    hr, sup = ev.users["hr"], ev.users["supervisor"]
    c = actions.close_period(sup, scope="team", unit=ev.teams["T1"], period="2026-03")
    assert (c.unit_key, c.period, c.closed_by, c.reopened) == (
        f"team:{ev.teams['T1'].pk}",
        "2026-03",
        sup,
        False,
    )
    assert c.subjects == ["T1", "一组"]
    a = AuditEvent.objects.get(action="close_events")
    assert a.actor == sup and a.new is True and "2026-03" in a.reason
    with pytest.raises(InvalidTransition):
        actions.close_period(hr, scope="team", unit=ev.teams["T1"], period="2026-03")
    with pytest.raises(InvalidInput) as exc:
        actions.reopen_period(sup, c, reason="")
    assert exc.value.field == "reason"
    actions.reopen_period(sup, c, reason="补录表扬信")
    c.refresh_from_db()
    assert c.reopened and c.reopened_by == sup and c.reopen_reason == "补录表扬信"
    a = AuditEvent.objects.get(action="reopen_events")
    assert a.reason == "补录表扬信" and a.old is True and a.new is False
    with pytest.raises(InvalidTransition):
        actions.reopen_period(sup, c, reason="again")
    # closed again: a new row, the reopened one stays as history
    again = actions.close_period(sup, scope="team", unit=ev.teams["T1"], period="2026-03")
    assert again.pk != c.pk
    assert EventsClosed.objects.filter(unit_key=c.unit_key, period="2026-03").count() == 2


@pytest.mark.parametrize(
    ("period", "field"), [("2026-13", "period"), ("", "period"), ("2026-05", "period")]
)
def test_close_refuses_bad_or_future_periods(ev, period, field):
    with translation.override("zh-hans"), pytest.raises(InvalidInput) as exc:
        actions.close_period(ev.users["hr"], scope="center", unit=None, period=period)
    assert exc.value.field == field and "期间" in exc.value.message
    assert not EventsClosed.objects.exists()


def test_close_checks_the_unit_matches_the_scope(ev):
    with pytest.raises(InvalidInput):
        actions.close_period(
            ev.users["hr"], scope="team", unit=ev.departments["D1"], period="2026-03"
        )
    with pytest.raises(InvalidInput):
        actions.close_period(ev.users["hr"], scope="shift", unit=None, period="2026-03")


def test_quarter_labels_are_accepted(ev):
    c = actions.close_period(ev.users["hr"], scope="center", unit=None, period="2026-Q1")
    assert c.period == "2026-Q1" and c.subjects == ["center"]


@pytest.mark.parametrize(
    ("scope", "unit"), [("team", "T1"), ("department", "D1"), ("center", None)]
)
def test_a_closed_period_refuses_new_and_voided_events_until_reopened(ev, scope, unit):
    hr = ev.users["hr"]
    early = record(ev, occurred_on=dt.date(2026, 3, 2))
    c = actions.close_period(
        hr, scope=scope, unit={**ev.teams, **ev.departments}.get(unit), period="2026-03"
    )
    with pytest.raises(InvalidTransition) as exc:
        record(ev, occurred_on=dt.date(2026, 3, 20))
    assert "2026-03" in exc.value.message
    with pytest.raises(InvalidTransition):
        actions.void_event(hr, early, reason="错")
    # another month, or someone outside the closed unit, is not affected
    record(ev, occurred_on=dt.date(2026, 4, 1))
    if scope != "center":
        record(ev, emp="other_dept", occurred_on=dt.date(2026, 3, 20))
    actions.reopen_period(hr, c, reason="补录")
    record(ev, occurred_on=dt.date(2026, 3, 20))
    actions.void_event(hr, early, reason="错")
