"""Issue 13.2: one cycle per period and scope. Today a second "2026-11 绩效考核" is created and
every employee gets two cards. A cycle can be scoped to departments, teams or positions; a
draft cycle can be deleted (audited), an opened one is archived, never deleted.
"""

from __future__ import annotations

import datetime as dt

import pytest

from csperf.core.errors import InvalidInput, InvalidTransition
from csperf.core.models import AuditEvent
from csperf.cycles import actions
from csperf.cycles.access import cycles_for_user, get_cycle_for_user
from csperf.cycles.compute import compute_cycle
from csperf.cycles.models import Cycle
from csperf.reviews.models import Card
from tests.cycles.centre import centre_fixture  # noqa: F401  (the centre fixture)

pytestmark = pytest.mark.django_db

APRIL = "2026-04"


def _new(c, **kw):
    return actions.create_cycle(
        c.users["hr"], period=APRIL, rating_deadline=dt.date(2026, 5, 5), **kw
    )


def test_a_second_cycle_for_the_same_period_is_refused_naming_the_first(centre):
    with pytest.raises(InvalidTransition) as exc:
        actions.create_cycle(centre.users["hr"], period="2026-03", name="2026-03 绩效考核（重复）")
    assert exc.value.status == 409
    assert "2026-03 绩效考核" in exc.value.message and f"#{centre.cycle.pk}" in exc.value.message
    assert Cycle.objects.filter(period="2026-03").count() == 1
    assert Card.objects.filter(employee=centre.employees["agent"]).count() == 1


def test_scopes_that_share_nobody_may_have_a_cycle_each(centre):
    d1, dq = centre.departments["D1"], centre.departments["DQ"]
    first = _new(centre, departments=[d1])
    second = _new(centre, departments=[dq])
    assert {first.period, second.period} == {APRIL}
    # 一组 is in 客服一部: refused; so is a cycle for everyone.
    with pytest.raises(InvalidTransition) as exc:
        _new(centre, teams=[centre.teams["T1"]])
    assert first.name in exc.value.message
    with pytest.raises(InvalidTransition):
        _new(centre)


def test_position_scopes_overlap_only_on_a_shared_position(centre):
    cm, qc = centre.positions["cm"], centre.positions["qc"]
    _new(centre, positions=[cm])
    _new(centre, positions=[qc], departments=[centre.departments["DQ"]])
    with pytest.raises(InvalidTransition):
        _new(centre, positions=[cm], departments=[centre.departments["D1"]])


def test_compute_builds_cards_only_for_people_in_scope(centre):
    hr = centre.users["hr"]
    cycle = _new(centre, departments=[centre.departments["DQ"]])
    assert [ct.position.code for ct in cycle.templates.all()] == ["cm", "qc"]
    compute_cycle(cycle, actor=hr)
    assert list(Card.objects.filter(cycle=cycle).values_list("employee__code", flat=True)) == [
        "Q001"
    ]
    cycle.refresh_from_db()
    assert cycle.compute_report["no_template"] == [] and cycle.compute_report["no_placement"] == []


def test_a_position_scope_pins_only_its_templates(centre):
    cycle = _new(centre, positions=[centre.positions["qc"]])
    assert [ct.position.code for ct in cycle.templates.all()] == ["qc"]


def test_a_draft_cycle_is_deleted_with_its_cards_and_an_audit_row(centre):
    hr = centre.users["hr"]
    cycle_id = centre.cycle.pk
    with pytest.raises(InvalidInput):
        actions.delete_cycle(hr, centre.cycle, "")
    n = actions.delete_cycle(hr, centre.cycle, "周期建错了")
    assert n == 3
    assert not Cycle.objects.filter(pk=cycle_id).exists()
    assert not Card.objects.filter(cycle_id=cycle_id).exists()
    row = AuditEvent.objects.get(action="delete_cycle", cycle_id=cycle_id)
    assert row.reason == "周期建错了" and row.old["cards"] == 3
    # The period is free again.
    actions.create_cycle(hr, period="2026-03")


def test_an_opened_cycle_is_archived_never_deleted(centre):
    hr = centre.users["hr"]
    actions.set_min_coverage(hr, centre.cycle, "0.3")
    actions.open_cycle(hr, centre.cycle, override=[(centre.card("qc"), "主管下周到岗")])
    with pytest.raises(InvalidTransition):
        actions.delete_cycle(hr, centre.cycle, "不要了")
    with pytest.raises(InvalidInput):
        actions.archive_cycle(hr, centre.cycle, "")
    actions.archive_cycle(hr, centre.cycle, "与新周期重复，作废")
    cycle = Cycle.objects.get(pk=centre.cycle.pk)
    assert cycle.status == Cycle.Status.ARCHIVED and cycle.archived_reason == "与新周期重复，作废"
    assert Card.objects.filter(cycle=cycle).count() == 3  # kept
    assert AuditEvent.objects.filter(action="archive_cycle", cycle_id=cycle.pk).exists()
    # Out of the default lists, still reachable.
    assert cycle not in cycles_for_user(hr)
    assert list(cycles_for_user(hr, archived=True)) == [cycle]
    assert get_cycle_for_user(hr, cycle.pk) == cycle
    # Nothing more happens in it.
    for step in (actions.request_compute, actions.open_cycle):
        with pytest.raises(InvalidTransition):
            step(hr, cycle)
    # An archived cycle no longer holds its period.
    actions.create_cycle(hr, period="2026-03")


def test_a_draft_cycle_is_deleted_not_archived(centre):
    with pytest.raises(InvalidTransition):
        actions.archive_cycle(centre.users["hr"], centre.cycle, "x")
