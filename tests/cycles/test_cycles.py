"""Cycles: templates pinned by position and per employee, compute job, reports, deadlines."""

from __future__ import annotations

import datetime as dt

import pytest

from csperf.core import jobs
from csperf.core.errors import InvalidInput, InvalidTransition, NotAllowed
from csperf.core.models import Job
from csperf.cycles import actions, reports
from csperf.cycles.models import Cycle
from csperf.reviews.models import Card

pytestmark = pytest.mark.django_db


def test_new_cycle_pins_the_latest_template_and_default_deadline(world):
    hr = world.users["hr"]
    cycle = actions.create_cycle(hr, period="2026-04")
    assert cycle.rating_deadline == dt.date(2026, 5, 5)
    [ct] = cycle.templates.all()
    assert ct.template == world.template
    # A later version does not change a cycle that already pinned one.
    v2 = actions.add_template(
        hr, world.template.source.replace("version: 1", "version: 2"), source="v2.yaml"
    )
    ct.refresh_from_db()
    assert ct.template.version == 1
    assert actions.create_cycle(hr, period="2026-05").templates.get().template == v2


def test_template_errors_name_the_path(world):
    hr = world.users["hr"]
    with pytest.raises(InvalidInput) as exc:
        actions.add_template(
            hr,
            "code: x\nversion: 1\nperiod: month\nsections: [{code: a, items: [{code: b}]}]",
            source="bad.yaml",
        )
    assert "bad.yaml:4: sections[0].items[0].points: required" in exc.value.message
    with pytest.raises(InvalidInput) as exc:
        actions.add_template(hr, world.template.source, source="dup.yaml")
    assert exc.value.message.startswith("dup.yaml") and "test-card" in exc.value.message
    with pytest.raises(NotAllowed):
        actions.add_template(
            world.users["reviewer"], world.template.source.replace("version: 1", "version: 9")
        )


def test_bad_cycle_input(world):
    hr = world.users["hr"]
    with pytest.raises(InvalidInput) as exc:
        actions.create_cycle(hr, period="March")
    assert exc.value.field == "period"
    with pytest.raises(NotAllowed):
        actions.create_cycle(world.users["supervisor"], period="2026-04")


def test_per_employee_override(world):
    hr = world.users["hr"]
    text = world.template.source.replace("code: test-card", "code: test-card-special")
    special = actions.add_template(hr, text, source="special.yaml")
    actions.set_override(hr, world.cycle, world.employees["agent"], special, "试用期")
    from csperf.cycles.compute import compute_cycle

    compute_cycle(world.cycle, actor=hr)
    assert world.card("agent").template == special
    assert world.card("colleague").template == world.template


def test_compute_job_reports_progress(world):
    hr = world.users["hr"]
    job = actions.request_compute(hr, world.cycle)
    assert actions.request_compute(hr, world.cycle) == job  # one at a time
    jobs.run_pending()
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.progress == job.total > 0
    assert job.result["cards"] == 4 and job.started_at and job.finished_at


def failing_provider(*args, **kwargs):
    raise RuntimeError("the records store is unreachable")


def test_failing_job_is_recorded_not_raised(world, settings):
    settings.CSPERF_INPUT_PROVIDER = "tests.cycles.test_cycles.failing_provider"
    job = actions.request_compute(world.users["hr"], world.cycle)
    jobs.run_pending()  # does not raise
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    # The person sees a reference, never the exception; the log has the details.
    assert "RuntimeError" in job.error and f"job {job.pk}" in job.error
    assert "records store is unreachable" not in job.error


def test_missing_data_report(world):
    from csperf.org.models import Position

    hr = world.users["hr"]
    report = reports.missing_data(world.cycle, Card.objects.filter(cycle=world.cycle))
    assert {f["card"].employee.code for f in report["flagged"]} == {"E001", "E002", "E003", "E004"}
    # A position without a template shows up too.
    pos = Position.objects.create(code="qc", name="质检员")
    from csperf.org.actions import hire

    hire(
        hr,
        code="Q1",
        name="质检甲",
        team=world.teams["T1"],
        position=pos,
        hired_on=dt.date(2026, 1, 1),
    )
    from csperf.cycles.compute import compute_cycle

    compute_cycle(world.cycle, actor=hr)
    world.cycle.refresh_from_db()
    assert world.cycle.compute_report["no_template"] == [
        {"code": "Q1", "name": "质检甲", "position": "质检员"}
    ]


def test_overdue_list_names_who_is_late(world):
    cards = Card.objects.filter(cycle=world.cycle)
    world.cycle.rating_deadline = dt.date(2000, 1, 1)
    world.cycle.save()
    late = reports.overdue(world.cycle, cards)
    assert {o["card"].employee.code for o in late} == {"E001", "E002", "E003", "E004"}
    assert {o["role"] for o in late} == {"self"}
    assert next(o for o in late if o["card"].employee.code == "E001")["who"] == ["张三"]
    world.cycle.rating_deadline = dt.date(2999, 1, 1)
    world.cycle.save()
    assert reports.overdue(world.cycle, cards) == []


def test_cycle_closes_only_when_every_card_is_closed(world):
    hr = world.users["hr"]
    with pytest.raises(InvalidTransition):
        actions.close_cycle(hr, world.cycle)
    Card.objects.filter(cycle=world.cycle).update(status="closed")
    actions.close_cycle(hr, world.cycle)
    assert world.cycle.status == Cycle.Status.CLOSED
    with pytest.raises(InvalidTransition):
        actions.request_compute(hr, world.cycle)


def test_bad_input_for_one_template_is_reported_not_fatal(world):
    from csperf.cycles.compute import compute_cycle
    from csperf.reviews import actions as card_actions

    hr = world.users["hr"]
    text = world.template.source.replace("code: test-card", "code: assigned-pay").replace(
        "pay: {base: 1000,", "pay: {base: {assigned: true},"
    )
    special = actions.add_template(hr, text, source="assigned.yaml")
    world.employees["agent"].pay_base = None
    world.employees["agent"].save()
    actions.set_override(hr, world.cycle, world.employees["agent"], special)
    summary = compute_cycle(world.cycle, actor=hr)
    assert summary["score_errors"] == 1
    card = world.card("agent")
    assert "pay_base" in card.score_error and "E001" in card.score_error
    assert world.card("colleague").score_error == "" and world.card("colleague").total is not None
    # Ratings can still be entered; the card keeps saying why its score is stale.
    card_actions.save_ratings(world.users["agent"], card, [{"item": "attitude", "value": 3}])
    card.refresh_from_db()
    assert card.score_error


def test_one_persons_bad_input_holds_only_that_card(world):
    """Same template, same group: a negative count for one agent is that card's error; the
    colleague in the same run is scored and ranked as usual (issue: one employee's bad input
    never blocks the others)."""
    from csperf.cycles.compute import compute_cycle
    from csperf.cycles.models import InputValue

    hr = world.users["hr"]
    text = world.template.source.replace("code: test-card", "code: counted").replace(
        "        rule: {type: linear, points: [[0, 0], [100, 60]]}",
        "        rule: {type: per_count, start: full, per: -1}",
    )
    counted = actions.add_template(hr, text, source="counted.yaml")
    for who in ("agent", "colleague"):
        actions.set_override(hr, world.cycle, world.employees[who], counted)
    InputValue.objects.update_or_create(
        cycle=world.cycle,
        employee=world.employees["agent"],
        name="calls_handled",
        defaults={"value": -3},
    )
    InputValue.objects.update_or_create(
        cycle=world.cycle,
        employee=world.employees["colleague"],
        name="calls_handled",
        defaults={"value": 2},
    )
    compute_cycle(world.cycle, actor=hr)
    bad, good = world.card("agent"), world.card("colleague")
    assert "a count cannot be negative" in bad.score_error and "E001" in bad.score_error
    assert bad.rank is None
    assert good.score_error == ""
    assert good.result["sections"][0]["items"][0]["score"] == 58  # 60 - 2
    assert good.rank == 1
