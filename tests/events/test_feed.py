"""What reaches the records store: incidents rows for events, events_recorded values for closings,
a failed write kept and written again, and the scorecard's events-fed inputs reading them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command

from csperf.core.models import AuditEvent
from csperf.cycles import feeds
from csperf.events import actions, feed
from csperf.events.models import Event, EventsClosed
from csperf.org.models import Employee
from tests.events.conftest import record, store_rows, write_roster

pytestmark = pytest.mark.django_db


def test_an_event_becomes_one_incidents_row(ev, store_dir, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        e = record(ev, "hr", "agent", count="2", note="早班")
    (row,) = store_rows(store_dir, "incidents")
    assert row["incident_id"] == f"EV{e.pk}"
    assert row["employee_id"] == "E001"
    assert row["occurred_at"] == dt.datetime(2026, 3, 10, 0, 0)
    assert row["kind"] == "appearance_violation"
    assert row["count"] == Decimal(2) and row["points"] is None and row["amount"] is None
    assert row["evidence"] == "巡检记录 XJ-0310" and row["note"] == "早班"
    assert row["recorded_by"] == "hr"  # no employee record: the username


def test_recorded_by_is_the_recorders_employee_id(
    ev, store_dir, django_capture_on_commit_callbacks
):
    sup = ev.users["supervisor"]
    Employee.objects.create(code="S001", name="组长", user=sup)
    with django_capture_on_commit_callbacks(execute=True):
        record(ev, "supervisor", "agent")
    (row,) = store_rows(store_dir, "incidents")
    assert row["recorded_by"] == "S001"


def test_void_rewrites_the_row_with_count_zero(ev, store_dir, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        e = record(ev, kind="audit_correction", points="6", note="月检")
        keep = record(ev)
    with django_capture_on_commit_callbacks(execute=True):
        actions.void_event(ev.users["hr"], e, reason="重复登记")
    assert Event.objects.filter(pk=e.pk, status="void").exists()  # the row stays
    (row,) = store_rows(store_dir, "incidents", incident_id=f"EV{e.pk}")
    assert row["count"] == 0 and row["points"] == 0
    assert "重复登记" in row["note"] and "月检" in row["note"]
    (other,) = store_rows(store_dir, "incidents", incident_id=f"EV{keep.pk}")
    assert other["count"] == 1
    assert len(store_rows(store_dir, "incidents")) == 2


def test_closing_writes_events_recorded_and_reopening_zero(
    ev, store_dir, django_capture_on_commit_callbacks
):
    sup = ev.users["supervisor"]
    with django_capture_on_commit_callbacks(execute=True):
        c = actions.close_period(sup, scope="team", unit=ev.teams["T1"], period="2026-03")
    rows = store_rows(store_dir, "values", name="events_recorded")
    assert {r["subject"] for r in rows} == {"T1", "一组"}  # its code, and its name (unique)
    for r in rows:
        assert r["period"] == "2026-03" and r["value"] == 1 and r["target"] is False
        assert r["period_start"] == dt.date(2026, 3, 1) and r["period_end"] == dt.date(2026, 4, 1)
        assert "supervisor" in r["note"]
    with django_capture_on_commit_callbacks(execute=True):
        actions.reopen_period(sup, c, reason="补录")
    rows = store_rows(store_dir, "values", name="events_recorded")
    assert len(rows) == 2 and {r["value"] for r in rows} == {0}
    assert all("补录" in r["note"] for r in rows)
    with django_capture_on_commit_callbacks(execute=True):
        actions.close_period(sup, scope="team", unit=ev.teams["T1"], period="2026-03")
    rows = store_rows(store_dir, "values", name="events_recorded")
    assert len(rows) == 2 and {r["value"] for r in rows} == {1}


def test_center_and_department_subjects(ev):
    assert feed.store_subjects("center", None) == ["center"]
    assert feed.store_subjects("department", ev.departments["D1"]) == ["D1", "客服一部"]
    # a name another unit also uses (as name or code) is ambiguous: the code only
    t2 = ev.teams["T2"]
    t2.name = "T1"
    t2.save()
    assert feed.store_subjects("team", ev.teams["T1"]) == ["T1", "一组"]
    assert feed.store_subjects("team", t2) == ["T2"]


def _scorecard(store_dir, ids=("E001", "E002")):
    from csperf.metrics.scorecard import build_score_input

    doc = build_score_input(
        {"appearance_violations"}, "2026-03", employees=list(ids), data_dir=store_dir
    )
    return {p["id"]: p for p in doc["employees"]}


@pytest.mark.parametrize("roster_names", [False, True])
def test_closing_makes_the_events_input_delivered(
    ev, store_dir, django_capture_on_commit_callbacks, roster_names
):
    """E001 has 1 + 2 appearance violations in March, one voided and one in April (neither
    counts). Before the closing the card input is missing; after it, E001 has 3 and E002 (no
    event) a true 0; reopened, it is missing again. The roster may name the team by its code or,
    as an organisation loaded from the roster has it, by its name."""
    team, dept = ("一组", "客服一部") if roster_names else ("T1", "D1")
    write_roster(store_dir, [("E001", "张三", team, dept), ("E002", "李四", team, dept)])
    with django_capture_on_commit_callbacks(execute=True):
        record(ev, occurred_on=dt.date(2026, 3, 2))
        record(ev, occurred_on=dt.date(2026, 3, 31), count="2")
        wrong = record(ev, occurred_on=dt.date(2026, 3, 15), count="5")
        record(ev, occurred_on=dt.date(2026, 4, 1))
        record(ev, kind="attitude_incident", occurred_on=dt.date(2026, 3, 5))
        actions.void_event(ev.users["hr"], wrong, reason="登记错人")
    before = _scorecard(store_dir)
    for emp in ("E001", "E002"):
        assert "appearance_violations" in before[emp]["missing"]
        assert "appearance_violations" not in before[emp]["values"]

    with django_capture_on_commit_callbacks(execute=True):
        c = actions.close_period(
            ev.users["supervisor"], scope="team", unit=ev.teams["T1"], period="2026-03"
        )
    after = _scorecard(store_dir)
    assert after["E001"]["values"]["appearance_violations"] == 3
    assert after["E002"]["values"]["appearance_violations"] == 0
    assert "missing" not in after["E001"] and "missing" not in after["E002"]

    with django_capture_on_commit_callbacks(execute=True):
        actions.reopen_period(ev.users["supervisor"], c, reason="补录")
    again = _scorecard(store_dir)
    assert "appearance_violations" in again["E001"]["missing"]


def test_a_department_or_centre_closing_covers_its_people(
    ev, store_dir, django_capture_on_commit_callbacks
):
    write_roster(store_dir, [("E001", "张三", "T1", "D1"), ("E004", "赵六", "T3", "D2")])
    with django_capture_on_commit_callbacks(execute=True):
        record(ev)
        actions.close_period(
            ev.users["reviewer"], scope="department", unit=ev.departments["D1"], period="2026-03"
        )
    got = _scorecard(store_dir, ("E001", "E004"))
    assert got["E001"]["values"]["appearance_violations"] == 1
    assert "appearance_violations" in got["E004"]["missing"]
    with django_capture_on_commit_callbacks(execute=True):
        actions.close_period(ev.users["hr"], scope="center", unit=None, period="2026-03")
    got = _scorecard(store_dir, ("E001", "E004"))
    assert got["E004"]["values"]["appearance_violations"] == 0 and "missing" not in got["E004"]


@pytest.fixture
def store_down(monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError("database is locked by another process")

    monkeypatch.setattr(feed, "write_events", refuse)
    monkeypatch.setattr(feed, "write_closings", refuse)
    return monkeypatch


def test_failed_writes_are_kept_shown_and_written_again(
    ev, store_dir, store_down, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        e = record(ev)
        c = actions.close_period(
            ev.users["supervisor"], scope="team", unit=ev.teams["T1"], period="2026-03"
        )
    assert "database is locked" in Event.objects.get(pk=e.pk).feed_error
    assert "database is locked" in EventsClosed.objects.get(pk=c.pk).feed_error
    pending = feeds.pending()
    assert pending["events"] == 1 and pending["events_closed"] == 1
    assert store_rows(store_dir, "incidents") == []

    # the events page shows it
    client.force_login(ev.users["supervisor"])
    page = client.get("/events/?close_period=2026-03").content.decode()
    assert page.count("尚未写入记录库") == 2 and "database is locked" in page
    # the cycle page shows it to HR, with the button
    hr = ev.users["hr"]
    client.force_login(hr)
    page = client.get(f"/cycles/{ev.cycle.pk}/").content.decode()
    assert 'id="events-feeds-pending"' in page and "1 条奖惩/事件" in page
    r = client.post(f"/cycles/{ev.cycle.pk}/resync-feeds/", follow=True)
    assert "database is locked" in r.content.decode()
    assert feeds.pending()["events"] == 1

    store_down.undo()
    r = client.post(f"/cycles/{ev.cycle.pk}/resync-feeds/", follow=True)
    assert "已写入记录库：1 条奖惩/事件、1 条登记完毕确认" in r.content.decode()
    assert feeds.pending()["events"] == 0 and feeds.pending()["events_closed"] == 0
    assert len(store_rows(store_dir, "incidents")) == 1
    assert {r["value"] for r in store_rows(store_dir, "values")} == {1}
    assert AuditEvent.objects.get(action="resync_feeds").old["events"] == 1
    assert 'id="events-feeds-pending"' not in client.get(f"/cycles/{ev.cycle.pk}/").content.decode()


def test_the_command_writes_events_again(
    ev, store_dir, store_down, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        record(ev)
    store_down.undo()
    call_command("sync_feeds")
    assert not any(feeds.pending().values())
    assert len(store_rows(store_dir, "incidents")) == 1
    # --all writes every event again, voided ones with count 0
    e = Event.objects.get()
    Event.objects.filter(pk=e.pk).update(status="void", void_reason="x")
    call_command("sync_feeds", everything=True)
    assert store_rows(store_dir, "incidents")[0]["count"] == 0


def test_a_stale_failure_is_resolved_by_the_units_current_state(
    ev, store_dir, monkeypatch, django_capture_on_commit_callbacks
):
    """A reopen whose write failed, then a new closing that was written: the unit's state in the
    store is the newest row's (closed), and the old failure is cleared."""
    hr = ev.users["hr"]
    with django_capture_on_commit_callbacks(execute=True):
        c = actions.close_period(hr, scope="center", unit=None, period="2026-03")
    real = feed.write_closings
    monkeypatch.setattr(feed, "write_closings", lambda rows: (_ for _ in ()).throw(OSError("x")))
    with django_capture_on_commit_callbacks(execute=True):
        actions.reopen_period(hr, c, reason="补录")
    assert EventsClosed.objects.get(pk=c.pk).feed_error == "x"
    monkeypatch.setattr(feed, "write_closings", real)
    with django_capture_on_commit_callbacks(execute=True):
        actions.close_period(hr, scope="center", unit=None, period="2026-03")
    assert not EventsClosed.objects.exclude(feed_error="").exists()
    (row,) = store_rows(store_dir, "values")
    assert row["value"] == 1
