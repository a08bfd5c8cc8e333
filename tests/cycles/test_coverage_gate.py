"""Issue 13.1: every card has its data coverage; rating opens and cards are published only when
it reaches the cycle's minimum, unless HR excludes the card or overrides the gate with a reason.

Today a 客户经理 card scores 良好 from 2 of its 10 indicators, and cards with no data get grades.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from csperf.core.errors import InvalidInput, InvalidTransition
from csperf.core.models import AuditEvent
from csperf.cycles import actions
from csperf.cycles.compute import compute_cycle
from csperf.cycles.models import Cycle, InputValue
from csperf.reviews import actions as card_actions
from csperf.reviews.models import Card, CardStatus
from tests.cycles.centre import centre_fixture  # noqa: F401  (the centre fixture)

pytestmark = pytest.mark.django_db


def _rate_and_approve(c, who: str) -> Card:
    card = c.card(who)
    card_actions.save_ratings(c.users["supervisor"], card, [{"item": "attitude", "value": 16}])
    card_actions.submit(c.users["supervisor"], card)
    card.refresh_from_db()
    assert card.status == CardStatus.APPROVED
    return card


def test_coverage_is_stored_on_the_card_when_it_is_scored(centre):
    assert centre.card("agent").coverage == Decimal("1")
    # 接通率 15 + 满意度 15 of the 100 points of the ten indicators; 服务态度 is rated.
    assert centre.card("colleague").coverage == Decimal("0.3")
    assert centre.cycle.min_coverage == Decimal("0.8")


def test_opening_refuses_naming_every_card_below_the_minimum(centre):
    hr = centre.users["hr"]
    with pytest.raises(InvalidTransition) as exc:
        actions.open_cycle(hr, centre.cycle)
    assert exc.value.status == 409
    message = exc.value.message
    assert "李四 (E002)" in message and "30%" in message and "80%" in message
    assert "张三" not in message  # fully covered, and its team has its raters
    blocked = {(b["employee_code"], b["kind"]) for b in exc.value.blocked}
    assert ("E002", "coverage") in blocked
    centre.cycle.refresh_from_db()
    assert centre.cycle.status == Cycle.Status.DRAFT
    assert not Card.objects.filter(cycle=centre.cycle).exclude(status=CardStatus.DRAFT).exists()


def test_excluding_or_overriding_each_card_with_a_reason_opens_rating(centre):
    hr = centre.users["hr"]
    n = actions.open_cycle(
        hr,
        centre.cycle,
        exclude=[(centre.card("colleague"), "话务数据未导入")],
        override=[(centre.card("qc"), "主管下周到岗")],
    )
    assert n == 2
    colleague, qc = centre.card("colleague"), centre.card("qc")
    assert colleague.status == CardStatus.EXCLUDED
    assert colleague.excluded_reason == "话务数据未导入"
    assert qc.status == CardStatus.SUPERVISOR_REVIEW
    assert qc.gate_overrides["raters"]["reason"] == "主管下周到岗"
    assert centre.card("agent").status == CardStatus.SUPERVISOR_REVIEW
    done = set(
        AuditEvent.objects.filter(action__in=["exclude_card", "override_gate"]).values_list(
            "action", "card_id", "reason"
        )
    )
    assert done == {
        ("exclude_card", colleague.pk, "话务数据未导入"),
        ("override_gate", qc.pk, "主管下周到岗"),
    }


def test_a_refused_opening_applies_none_of_the_decisions(centre):
    hr = centre.users["hr"]
    with pytest.raises(InvalidTransition) as exc:
        actions.open_cycle(hr, centre.cycle, exclude=[(centre.card("colleague"), "数据未到")])
    assert "孙七 (Q001)" in exc.value.message  # still waiting for a supervisor nobody is
    assert centre.card("colleague").status == CardStatus.DRAFT
    assert not AuditEvent.objects.filter(action="exclude_card").exists()


def test_every_decision_needs_a_reason(centre):
    with pytest.raises(InvalidInput) as exc:
        actions.open_cycle(
            centre.users["hr"], centre.cycle, override=[(centre.card("colleague"), " ")]
        )
    assert exc.value.field == "override[0].reason"


def test_an_override_of_a_card_that_is_not_held_is_refused(centre):
    with pytest.raises(InvalidInput):
        actions.override_gates(centre.users["hr"], centre.cycle, [(centre.card("agent"), "x")])


def test_a_card_with_no_data_at_all_is_below_the_minimum(centre):
    hr = centre.users["hr"]
    InputValue.objects.filter(cycle=centre.cycle, employee=centre.employees["colleague"]).delete()
    compute_cycle(centre.cycle, actor=hr)
    card = centre.card("colleague")
    assert card.coverage == 0
    with pytest.raises(InvalidTransition) as exc:
        actions.open_cycle(hr, centre.cycle, override=[(centre.card("qc"), "主管下周到岗")])
    assert "李四 (E002)" in exc.value.message and "0%" in exc.value.message


def test_a_card_never_scored_is_held_as_no_data(centre):
    Card.objects.filter(pk=centre.card("colleague").pk).update(result=None, coverage=None)
    with pytest.raises(InvalidTransition) as exc:
        actions.open_cycle(
            centre.users["hr"], centre.cycle, override=[(centre.card("qc"), "主管下周到岗")]
        )
    assert "李四 (E002)" in exc.value.message


def test_a_card_whose_inputs_have_errors_is_held(centre):
    hr = centre.users["hr"]
    InputValue.objects.filter(
        cycle=centre.cycle, employee=centre.employees["agent"], name="csat"
    ).update(value={"bad": "x"})
    compute_cycle(centre.cycle, actor=hr)
    assert centre.card("agent").score_error
    with pytest.raises(InvalidTransition) as exc:
        actions.open_cycle(
            hr,
            centre.cycle,
            exclude=[(centre.card("colleague"), "数据未到")],
            override=[(centre.card("qc"), "主管下周到岗")],
        )
    assert "张三 (E001)" in exc.value.message
    assert {b["kind"] for b in exc.value.blocked} == {"error"}


def _open(c) -> None:
    actions.open_cycle(
        c.users["hr"],
        c.cycle,
        exclude=[(c.card("colleague"), "数据未到")],
        override=[(c.card("qc"), "主管下周到岗")],
    )


def test_publishing_applies_the_same_gate(centre):
    hr = centre.users["hr"]
    _open(centre)
    # The agent's records are withdrawn after opening: the recompute leaves no data.
    InputValue.objects.filter(cycle=centre.cycle, employee=centre.employees["agent"]).delete()
    compute_cycle(centre.cycle, actor=hr)
    card = _rate_and_approve(centre, "agent")
    assert card.coverage == 0
    with pytest.raises(InvalidTransition) as exc:
        card_actions.publish(hr, card)
    assert exc.value.status == 409 and "张三 (E001)" in exc.value.message
    done, failed = card_actions.bulk(hr, card_actions.publish, Card.objects.filter(pk=card.pk))
    assert done == 0 and "张三 (E001)" in failed[0][1]
    card.refresh_from_db()
    assert card.status == CardStatus.APPROVED and card.grade  # held, not published
    actions.override_gates(hr, centre.cycle, [(card, "数据已核对，按手工记录发布")])
    card_actions.publish(hr, card)
    card.refresh_from_db()
    assert card.status == CardStatus.PUBLISHED
    assert card.gate_overrides["data"]["reason"] == "数据已核对，按手工记录发布"


def test_a_covered_card_publishes_as_before(centre):
    _open(centre)
    card = _rate_and_approve(centre, "agent")
    card_actions.publish(centre.users["hr"], card)
    card.refresh_from_db()
    assert card.status == CardStatus.PUBLISHED


def test_an_excluded_card_is_neither_rated_nor_ranked_and_can_come_back(centre):
    hr = centre.users["hr"]
    _open(centre)
    colleague = centre.card("colleague")
    with pytest.raises(InvalidTransition):
        card_actions.start_rating(hr, colleague)
    # its peers are ranked without it
    compute_cycle(centre.cycle, actor=hr)
    assert centre.card("agent").rank == 1 and centre.card("colleague").status == "excluded"
    actions.include_card(hr, colleague, "数据已补")
    colleague.refresh_from_db()
    assert colleague.status == CardStatus.DRAFT and colleague.excluded_reason == ""
    assert AuditEvent.objects.filter(action="include_card", card_id=colleague.pk).exists()


def test_a_cycle_closes_with_excluded_cards(centre):
    hr = centre.users["hr"]
    _open(centre)
    Card.objects.filter(cycle=centre.cycle).exclude(status=CardStatus.EXCLUDED).update(
        status=CardStatus.CLOSED
    )
    actions.close_cycle(hr, centre.cycle)
    assert centre.cycle.status == Cycle.Status.CLOSED


def test_min_coverage_is_set_on_create_and_changed_with_an_audit_row(centre):
    hr = centre.users["hr"]
    cycle = actions.create_cycle(
        hr, period="2026-04", rating_deadline=dt.date(2026, 5, 5), min_coverage="0.25"
    )
    assert cycle.min_coverage == Decimal("0.25")
    actions.set_min_coverage(hr, cycle, Decimal("0.5"), "试运行")
    cycle.refresh_from_db()
    assert cycle.min_coverage == Decimal("0.5")
    row = AuditEvent.objects.get(action="min_coverage", cycle_id=cycle.pk)
    assert (row.old, row.new, row.reason) == ("0.25", "0.5", "试运行")
    for bad in ("1.5", "-0.1", "abc"):
        with pytest.raises(InvalidInput) as exc:
            actions.set_min_coverage(hr, cycle, bad)
        assert exc.value.field == "min_coverage"


def test_a_lower_minimum_lets_the_card_through(centre):
    hr = centre.users["hr"]
    actions.set_min_coverage(hr, centre.cycle, Decimal("0.3"))
    n = actions.open_cycle(hr, centre.cycle, override=[(centre.card("qc"), "主管下周到岗")])
    assert n == 3
