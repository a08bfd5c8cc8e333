"""Moves, hires and leavers: where people are evaluated, eligibility and proration."""

from __future__ import annotations

import datetime as dt

import pytest

from csperf.core.errors import InvalidInput, NotAllowed
from csperf.cycles import actions as cycle_actions
from csperf.cycles.compute import compute_cycle
from csperf.cycles.models import InputValue
from csperf.org import actions
from csperf.org.access import employees_for_user, scope_for

pytestmark = pytest.mark.django_db


def test_mid_period_move_is_evaluated_at_period_end_and_shown(world):
    hr = world.users["hr"]
    emp = world.employees["other_team_agent"]  # T2 -> T1 on 2026-03-16
    actions.move(
        hr,
        emp,
        team=world.teams["T1"],
        position=world.position,
        effective=dt.date(2026, 3, 16),
        reason="调岗",
    )
    compute_cycle(world.cycle, actor=hr)
    card = world.card("other_team_agent")
    assert card.team == world.teams["T1"]
    assert card.moves == [
        {"from": "2026-03-16", "team": "一组", "position": "客服专员", "reason": "调岗"}
    ]
    # The new team's supervisor now rates the card; the old team's people never see it.
    assert "supervisor" in [r for r in card.chain]
    from csperf.reviews.workflow import holds_role

    assert holds_role(scope_for(world.users["supervisor"]), card, "supervisor")


def test_move_after_period_end_does_not_change_the_card(world):
    hr = world.users["hr"]
    emp = world.employees["agent"]
    actions.move(
        hr, emp, team=world.teams["T2"], position=world.position, effective=dt.date(2026, 4, 2)
    )
    compute_cycle(world.cycle, actor=hr)
    card = world.card("agent")
    assert card.team == world.teams["T1"] and card.moves == []


def test_leaver_is_evaluated_where_they_were_when_leaving_and_prorated(world):
    hr = world.users["hr"]
    emp = world.employees["colleague"]
    actions.leave(hr, emp, left_on=dt.date(2026, 3, 10), reason="离职")
    compute_cycle(world.cycle, actor=hr)
    card = world.card("colleague")
    assert card.inputs["days_worked"] == 10 and card.inputs["period_days"] == 31
    assert card.team == world.teams["T1"]
    # pay is proportional and prorated: 1000 × total/100 × 10/31
    assert card.pay is not None and card.pay < card.total * 10


def test_new_hire_gets_a_card_and_eligibility_follows_the_template(world):
    hr = world.users["hr"]
    emp = actions.hire(
        hr,
        code="E100",
        name="新人",
        team=world.teams["T1"],
        position=world.position,
        hired_on=dt.date(2026, 3, 29),
    )
    InputValue.objects.create(cycle=world.cycle, employee=emp, name="calls_handled", value=5)
    compute_cycle(world.cycle, actor=hr)
    from csperf.reviews.models import Card

    card = Card.objects.get(cycle=world.cycle, employee=emp)
    assert card.inputs["days_worked"] == 3
    # A template requiring 10 days leaves the new hire out, reported in the missing-data report.
    text = world.template.source.replace("version: 1", "version: 2").replace(
        "x-positions: [客服专员]", "x-positions: [客服专员]\nx-eligibility: {min_days: 10}"
    )
    v2 = cycle_actions.add_template(hr, text, source="v2.yaml")
    cycle_actions.assign_template(hr, world.cycle, world.position, v2)
    card.delete()
    compute_cycle(world.cycle, actor=hr)
    world.cycle.refresh_from_db()
    assert not Card.objects.filter(cycle=world.cycle, employee=emp).exists()
    assert world.cycle.compute_report["not_eligible"] == [
        {"code": "E100", "name": "新人", "days": 3}
    ]


def test_org_changes_are_hr_only_and_checked(world):
    emp = world.employees["agent"]
    with pytest.raises(NotAllowed):
        actions.move(
            world.users["supervisor"],
            emp,
            team=world.teams["T2"],
            position=world.position,
            effective=dt.date(2026, 5, 1),
        )
    with pytest.raises(InvalidInput) as exc:
        actions.move(
            world.users["hr"],
            emp,
            team=world.teams["T2"],
            position=world.position,
            effective=dt.date(2024, 1, 1),
        )
    assert exc.value.field == "effective"
    with pytest.raises(InvalidInput) as exc:
        actions.hire(
            world.users["hr"],
            code="E001",
            name="重复",
            team=world.teams["T1"],
            position=world.position,
            hired_on=dt.date(2026, 1, 1),
        )
    assert exc.value.field == "code"
    with pytest.raises(InvalidInput) as exc:
        actions.grant_role(world.users["hr"], world.users["outsider"], "supervisor")
    assert exc.value.field == "team"


def test_employee_scope_per_persona(world):
    codes = {
        p: set(employees_for_user(world.users[p]).values_list("code", flat=True))
        for p in world.users
    }
    assert codes["agent"] == {"E001"}
    assert codes["supervisor"] == {"E001", "E002"}
    assert codes["reviewer"] == {"E001", "E002", "E003"}
    assert codes["hr"] == codes["auditor"] == {"E001", "E002", "E003", "E004"}
    assert codes["outsider"] == set()


@pytest.mark.django_db
def test_employee_page_words_the_reasons_the_code_wrote(world, client, settings):
    """An assignment the roster load wrote reads 花名册导入 (roster import in English), not the
    code's word; a reason a person wrote stays as written."""
    from csperf.org.models import Assignment
    from csperf.org.roster import ROSTER

    emp = world.employees["agent"]
    first = Assignment.objects.filter(employee=emp).order_by("start").first()
    first.reason = ROSTER
    first.save()
    Assignment.objects.create(
        employee=emp,
        team=first.team,
        position=first.position,
        start=first.start.replace(year=first.start.year + 1),
        reason="调岗：支援夜班",
    )
    client.force_login(world.users["hr"])
    page = client.get(f"/org/employees/{emp.pk}/").content.decode()
    assert "<td>花名册导入</td>" in page and "<td>调岗：支援夜班</td>" in page
    assert "<td>roster</td>" not in page
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "<td>roster import</td>" in client.get(f"/org/employees/{emp.pk}/").content.decode()
