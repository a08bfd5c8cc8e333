"""The rating workflow: chain order, who may act, guarded transitions, audit, immutability."""

from __future__ import annotations

from decimal import Decimal

import pytest

from csperf.core.errors import InvalidInput, InvalidTransition, NotAllowed
from csperf.core.models import AuditEvent
from csperf.reviews import actions
from csperf.reviews.models import Card, CardStatus, Rating

pytestmark = pytest.mark.django_db


def test_cycle_open_puts_cards_at_the_first_rater(world):
    card = world.card()
    assert card.chain == ["self", "supervisor", "reviewer"]
    assert card.status == CardStatus.SELF_REVIEW
    assert card.total is not None
    assert any("attitude" in f for f in card.flags)  # not rated yet: missing, flagged


def test_full_chain_to_published_and_acknowledged(world, rate_through):
    card = rate_through("agent")
    assert card.status == CardStatus.APPROVED
    # calls 50 -> 30 of 60; attitude 0.2*30 + 0.3*20 + 0.5*20 = 22; teamwork 8 -> 60
    assert card.total == Decimal("60.00")
    assert card.grade == "合格"
    hr = world.users["hr"]
    actions.publish(hr, card)
    assert card.status == CardStatus.PUBLISHED and card.appeal_deadline is not None
    actions.acknowledge(world.users["agent"], card)
    assert card.status == CardStatus.ACKNOWLEDGED
    statuses = list(
        AuditEvent.objects.filter(card_id=card.pk, field="status")
        .order_by("id")
        .values_list("old", "new", "actor__username")
    )
    assert statuses == [
        ("draft", "self_review", "hr"),
        ("self_review", "supervisor_review", "agent"),
        ("supervisor_review", "reviewer_review", "supervisor"),
        ("reviewer_review", "approved", "reviewer"),
        ("approved", "published", "hr"),
        ("published", "acknowledged", "agent"),
    ]


def test_only_the_current_rater_may_rate(world):
    card = world.card()
    for who in ("supervisor", "colleague", "reviewer", "hr"):
        with pytest.raises(NotAllowed):
            actions.save_ratings(world.users[who], card, [{"item": "attitude", "value": 3}])
    with pytest.raises(NotAllowed):
        actions.submit(world.users["hr"], card)
    assert not Rating.objects.filter(card=card).exists()


def test_rater_fills_only_their_items(world):
    card = world.card()
    with pytest.raises(InvalidInput) as exc:
        actions.save_ratings(world.users["agent"], card, [{"item": "teamwork", "value": 5}])
    assert exc.value.field == "ratings[0].item"


def test_rating_values_are_checked(world):
    card = world.card()
    with pytest.raises(InvalidInput) as exc:
        actions.save_ratings(world.users["agent"], card, [{"item": "attitude", "value": 7}])
    assert exc.value.field == "ratings[0].value"
    with pytest.raises(InvalidInput):
        actions.save_ratings(world.users["agent"], card, [{"item": "attitude", "value": "abc"}])
    actions.save_ratings(world.users["agent"], card, [{"item": "attitude", "value": 4}])
    actions.submit(world.users["agent"], card)
    with pytest.raises(InvalidInput) as exc:
        actions.save_ratings(world.users["supervisor"], card, [{"item": "teamwork", "value": 11}])
    assert "10" in exc.value.message


def test_submit_requires_every_item_of_the_column(world):
    card = world.card()
    with pytest.raises(InvalidInput) as exc:
        actions.submit(world.users["agent"], card)
    assert "attitude" in exc.value.message
    assert card.status == CardStatus.SELF_REVIEW


def test_rating_change_is_audited_with_old_and_new(world):
    card = world.card()
    actions.save_ratings(
        world.users["agent"], card, [{"item": "attitude", "value": 2, "comment": "一般"}]
    )
    actions.save_ratings(
        world.users["agent"], card, [{"item": "attitude", "value": 3, "comment": "改"}]
    )
    ev = AuditEvent.objects.filter(card_id=card.pk, action="rate").order_by("-id").first()
    assert ev.actor == world.users["agent"]
    assert ev.old == {"value": "2", "comment": "一般"}
    assert ev.new == {"value": "3", "comment": "改"}


def test_return_needs_a_reason_and_goes_back_one_stage(world):
    card = world.card()
    actions.save_ratings(world.users["agent"], card, [{"item": "attitude", "value": 4}])
    actions.submit(world.users["agent"], card)
    with pytest.raises(InvalidInput):
        actions.return_card(world.users["supervisor"], card, "  ")
    actions.return_card(world.users["supervisor"], card, "自评过高,请说明")
    assert card.status == CardStatus.SELF_REVIEW
    assert AuditEvent.objects.filter(
        card_id=card.pk, action="return", reason="自评过高,请说明"
    ).exists()


def test_transitions_are_guarded(world, rate_through):
    card = world.card()
    hr = world.users["hr"]
    with pytest.raises(InvalidTransition):
        actions.publish(hr, card)
    with pytest.raises(InvalidTransition):
        actions.acknowledge(world.users["agent"], card)
    card = rate_through("agent")
    with pytest.raises(NotAllowed):
        actions.publish(world.users["reviewer"], card)
    actions.publish(hr, card)
    with pytest.raises(InvalidTransition):
        actions.publish(hr, card)
    with pytest.raises(InvalidTransition):
        actions.close(hr, card)  # the appeal window is still open


def test_published_card_is_immutable_until_reopened(world, rate_through):
    from csperf.cycles.compute import compute_cycle

    card = rate_through("agent")
    hr = world.users["hr"]
    actions.publish(hr, card)
    total = card.total
    with pytest.raises(InvalidTransition):
        actions.save_ratings(world.users["reviewer"], card, [{"item": "attitude", "value": 1}])
    # Colleagues' ratings and a recompute change the group, never the published card.
    colleague = world.card("colleague")
    actions.save_ratings(world.users["colleague"], colleague, [{"item": "attitude", "value": 4}])
    compute_cycle(world.cycle, actor=hr)
    card.refresh_from_db()
    assert card.total == total and card.status == CardStatus.PUBLISHED
    with pytest.raises(InvalidInput):
        actions.reopen(hr, card, "")
    with pytest.raises(NotAllowed):
        actions.reopen(world.users["reviewer"], card, "纠错")
    actions.reopen(hr, card, "复核分录入错误", to_role="reviewer")
    assert card.status == CardStatus.REVIEWER_REVIEW and card.published_at is None
    actions.save_ratings(world.users["reviewer"], card, [{"item": "attitude", "value": 4}])
    card.refresh_from_db()
    assert card.total > total
    assert AuditEvent.objects.filter(
        card_id=card.pk, action="reopen", reason="复核分录入错误"
    ).exists()
    assert AuditEvent.objects.filter(card_id=card.pk, action="rescore").exists()


def test_bulk_approve_reports_each_card(world):
    cards = Card.objects.filter(cycle=world.cycle, department=world.departments["D1"])
    done, failed = actions.bulk(world.users["reviewer"], actions.approve, cards)
    assert done == 0 and len(failed) == cards.count()  # nobody reached the last stage yet
    card = world.card()
    for role, user in (("self", "agent"), ("supervisor", "supervisor")):
        entries = [{"item": "attitude", "value": 3}]
        if role == "supervisor":
            entries.append({"item": "teamwork", "value": 5})
        actions.save_ratings(world.users[user], card, entries)
        actions.submit(world.users[user], card)
    done, failed = actions.bulk(world.users["reviewer"], actions.approve, cards)
    assert done == 1
    card.refresh_from_db()
    assert card.status == CardStatus.APPROVED


def test_other_departments_manager_cannot_approve(world, django_user_model):
    from csperf.org.models import Membership, Role

    other = django_user_model.objects.create_user("manager2", password="pw")
    Membership.objects.create(user=other, role=Role.MANAGER, department=world.departments["D2"])
    card = world.card()
    card.status = CardStatus.REVIEWER_REVIEW
    card.save()
    with pytest.raises(NotAllowed):
        actions.approve(other, card)


def test_a_third_rater_after_the_reviewer_has_its_own_stage():
    # 物业客服员: 直接上级 -> 间接上级 -> 物业经理
    from csperf.reviews import workflow
    from csperf.templates import load_builtin

    roles = load_builtin("property-cs-staff").rater_roles()
    assert workflow.chain_for(roles) == ["supervisor", "reviewer", "property_manager"]
    stages = [workflow.ROLE_STAGE[r] for r in roles]
    assert stages == [
        CardStatus.SUPERVISOR_REVIEW,
        CardStatus.REVIEWER_REVIEW,
        CardStatus.MANAGER_REVIEW,
    ]
