"""Issue 13.6: stages nobody can rate (the QC team's cards waiting for a supervisor the team does
not have) are found when the cycle is created, computed and opened, shown with the fix, and
never leave cards silently stuck: opening refuses (409) unless HR overrides with a reason.
"""

from __future__ import annotations

import datetime as dt

import pytest

from csperf.core.errors import InvalidTransition
from csperf.core.models import AuditEvent
from csperf.cycles import actions, gates
from csperf.cycles.compute import compute_cycle
from csperf.org.models import Membership, Role
from csperf.reviews.models import CardStatus
from tests.cycles.centre import QC_TEMPLATE, centre_fixture  # noqa: F401  (the centre fixture)

pytestmark = pytest.mark.django_db


def _groups(report_or_groups) -> set[tuple[str, str, tuple[str, ...]]]:
    return {
        (g["role"], g["unit"], tuple(sorted(s["code"] for s in g["cards"])))
        for g in report_or_groups
    }


def test_found_when_the_cycle_is_created_before_any_card(centre):
    cycle = actions.create_cycle(
        centre.users["hr"], period="2026-04", rating_deadline=dt.date(2026, 5, 5)
    )
    assert not cycle.cards.exists()
    gaps = cycle.compute_report["unrated_stages"]
    assert _groups(gaps) == {("supervisor", "质检组", ("Q001",))}
    assert gaps[0]["url"] == "/org/access/" and gaps[0]["fix"]


def test_found_when_computed_and_grouped_by_stage_and_unit(centre):
    assert _groups(centre.cycle.compute_report["unrated_stages"]) == {
        ("supervisor", "质检组", ("Q001",))
    }
    [group] = gates.rater_gaps(centre.cycle)
    assert group["cards"][0]["card_id"] == centre.card("qc").pk
    assert group["open"] == 1


def test_opening_refuses_until_overridden_with_a_reason_and_the_card_stays_listed(centre):
    hr = centre.users["hr"]
    excluded = [(centre.card("colleague"), "数据未到")]
    with pytest.raises(InvalidTransition) as exc:
        actions.open_cycle(hr, centre.cycle, exclude=excluded)
    assert exc.value.status == 409
    assert "孙七 (Q001)" in exc.value.message and "质检组" in exc.value.message
    assert [b["kind"] for b in exc.value.blocked] == ["raters"]
    actions.open_cycle(
        hr, centre.cycle, exclude=excluded, override=[(centre.card("qc"), "主管下周到岗")]
    )
    qc = centre.card("qc")
    assert qc.status == CardStatus.SUPERVISOR_REVIEW
    row = AuditEvent.objects.get(action="override_gate", card_id=qc.pk)
    assert row.field == "raters" and row.reason == "主管下周到岗"
    # Still shown on the cycle page while it waits: overridden, not forgotten.
    [group] = gates.rater_gaps(centre.cycle)
    assert group["cards"][0]["overridden"] is True and group["open"] == 0


def test_assigning_the_rater_clears_the_gap(centre):
    hr = centre.users["hr"]
    Membership.objects.create(
        user=centre.users["inspector"], role=Role.SUPERVISOR, team=centre.teams["TQ"]
    )
    assert gates.rater_gaps(centre.cycle) == []
    actions.open_cycle(hr, centre.cycle, exclude=[(centre.card("colleague"), "数据未到")])
    assert centre.card("qc").status == CardStatus.SUPERVISOR_REVIEW


def test_a_disabled_login_rates_nothing(centre):
    sup = centre.users["supervisor"]
    sup.is_active = False
    sup.save()
    assert ("supervisor", "一组", ("E001", "E002")) in _groups(gates.rater_gaps(centre.cycle))


def test_self_and_manager_stages_without_anyone(centre):
    """孙七 has no login (self stage) and 质检部 no department manager (reviewer stage)."""
    hr = centre.users["hr"]
    text = QC_TEMPLATE.replace("version: 1", "version: 2").replace(
        "raters: {supervisor: 1}", "raters: {self: 0.5, reviewer: 0.5}"
    )
    v2 = actions.add_template(hr, text, source="qc-card-v2.yaml")
    actions.assign_template(hr, centre.cycle, centre.positions["qc"], v2)
    qc = centre.employees["qc"]
    qc.user = None
    qc.save()
    compute_cycle(centre.cycle, actor=hr)
    assert _groups(gates.rater_gaps(centre.cycle)) == {
        ("self", "质检组", ("Q001",)),
        ("reviewer", "质检部", ("Q001",)),
    }
    with pytest.raises(InvalidTransition) as exc:
        actions.open_cycle(hr, centre.cycle, exclude=[(centre.card("colleague"), "数据未到")])
    assert len(exc.value.blocked) == 2


def test_a_card_already_waiting_is_listed_when_its_rater_leaves(centre):
    hr = centre.users["hr"]
    actions.open_cycle(
        hr,
        centre.cycle,
        exclude=[(centre.card("colleague"), "数据未到")],
        override=[(centre.card("qc"), "主管下周到岗")],
    )
    Membership.objects.filter(role=Role.SUPERVISOR, team=centre.teams["T1"]).delete()
    assert ("supervisor", "一组", ("E001",)) in _groups(gates.rater_gaps(centre.cycle))
