"""Acknowledge and appeal for everyone (issue 13.5).

Every employee with a published card acknowledges it and appeals items whatever the template's
rating stages; an appeal goes first to whoever decided the item (the last rater who rated it; the
team's supervisor for a record-fed item; HR when there is none), who accepts with a correction
checked against the item's domain or rejects with a reason; the employee may escalate a rejection
to HR, who decides last. Every stage has a deadline; overdue appeals are listed.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from django.utils import timezone

from csperf.core.errors import InvalidInput, InvalidTransition, NotAllowed
from csperf.core.models import AuditEvent
from csperf.reviews import actions, appeal_rules
from csperf.reviews.access import appeals_for_user, appeals_owed_by, overdue
from csperf.reviews.models import Appeal, AppealStage, CardStatus, Rating
from csperf.reviews.presenters import available_actions
from tests.reviews.appeal_cards import published_cards

pytestmark = pytest.mark.django_db


@pytest.fixture
def cards(world):
    return published_cards(world)


@pytest.fixture
def flat(cards):
    return cards["agent"]


def _file(world, card, *codes: str) -> dict[str, Appeal]:
    """File one appeal form naming ``codes``; the appeals it made, by item code."""
    first = actions.file_appeal(
        world.users["agent" if card.employee.code == "E001" else "other_team_agent"],
        card,
        [{"item": code, "reason": f"{code} 有误"} for code in codes],
    )
    out = {}
    for appeal in card.appeals.filter(filing=first.filing):
        for item in appeal.items.all():
            out[item.item_code] = appeal
    return out


# -- 1. acknowledge and appeal whatever the stages -------------------------------------------


def test_a_card_without_a_self_stage_offers_acknowledge_and_appeal(world, flat):
    assert "self" not in flat.chain
    assert {"acknowledge", "appeal"} <= set(available_actions(world.users["agent"], flat))
    for other in ("supervisor", "reviewer", "hr", "colleague"):
        assert "acknowledge" not in available_actions(world.users[other], flat), other
    # After the window the employee may still acknowledge, no longer appeal.
    flat.appeal_deadline = timezone.now() - timedelta(minutes=1)
    flat.save()
    steps = available_actions(world.users["agent"], flat)
    assert "acknowledge" in steps and "appeal" not in steps
    actions.acknowledge(world.users["agent"], flat)
    assert flat.status == CardStatus.ACKNOWLEDGED


def test_a_card_with_no_rater_at_all_offers_them_too(world, cards):
    auto = cards["other_team_agent"]
    assert auto.chain == []
    steps = available_actions(world.users["other_team_agent"], auto)
    assert {"acknowledge", "appeal"} <= set(steps)


def test_the_card_page_shows_the_buttons_to_the_employee(world, flat, client):
    client.force_login(world.users["agent"])
    page = client.get(f"/cards/{flat.pk}/").content.decode()
    assert 'value="acknowledge"' in page and 'name="appeal:attitude"' in page
    client.post(f"/cards/{flat.pk}/step/", {"step": "acknowledge"})
    flat.refresh_from_db()
    assert flat.status == CardStatus.ACKNOWLEDGED


# -- 2. routing ------------------------------------------------------------------------------


def test_each_item_goes_first_to_whoever_decided_it(world, flat):
    before = timezone.now()
    by_item = _file(world, flat, "answer", "attitude", "calls")
    # 服务态度: the reviewer rated last; 接通率 and 接听量 come from the records: the supervisor.
    assert by_item["attitude"].responder_role == "reviewer"
    assert by_item["answer"].responder_role == by_item["calls"].responder_role == "supervisor"
    assert by_item["answer"] == by_item["calls"] != by_item["attitude"]
    for appeal in {a.pk: a for a in by_item.values()}.values():
        assert appeal.stage == AppealStage.RATER and appeal.status == Appeal.Status.OPEN
        days = (appeal.due_at - before).total_seconds() / 86400
        assert 5 <= days < 5.01  # the rater stage's default
    flat.refresh_from_db()
    assert flat.status == CardStatus.APPEALED
    routed = AuditEvent.objects.filter(card_id=flat.pk, action="appeal", object_type="appeal")
    assert sorted(e.new["to"] for e in routed) == ["reviewer", "supervisor"]


def test_the_last_rater_who_rated_decides_even_when_a_later_one_did_not(world, flat):
    Rating.objects.filter(card=flat, role="reviewer").update(value=None)
    assert _file(world, flat, "attitude")["attitude"].responder_role == "supervisor"


def test_without_a_supervisor_a_record_fed_item_goes_to_hr(world, cards):
    auto = cards["other_team_agent"]  # team 二组 has no supervisor
    appeal = _file(world, auto, "answer")["answer"]
    assert (appeal.responder_role, appeal.stage) == ("hr", AppealStage.HR)
    assert 6.99 < (appeal.due_at - timezone.now()).total_seconds() / 86400 <= 7
    assert list(appeals_owed_by(world.users["hr"])) == [appeal]
    assert not appeals_owed_by(world.users["reviewer"]).exists()


# -- 2. answers and corrections ----------------------------------------------------------------


def test_the_rater_accepts_with_corrections_inside_each_items_domain(world, flat):
    by_item = _file(world, flat, "answer", "completion", "attitude")
    sup, rev = world.users["supervisor"], world.users["reviewer"]
    mine = by_item["answer"]
    for code, bad in (("answer", "999"), ("answer", "95"), ("completion", "999"), ("answer", "x")):
        with pytest.raises(InvalidInput) as exc:
            actions.resolve_appeal(
                sup, mine, accept=True, resolution="核实", corrections={code: bad}
            )
        assert exc.value.field == f"corrections.{code}"
        assert bad in exc.value.message
    with pytest.raises(InvalidInput) as exc:  # a level the item does not have
        actions.resolve_appeal(
            rev, by_item["attitude"], accept=True, resolution="x", corrections={"attitude": 9}
        )
    assert exc.value.field == "corrections.attitude"
    flat.refresh_from_db()
    old_total = flat.total
    mine = actions.resolve_appeal(
        sup,
        mine,
        accept=True,
        resolution="系统漏统计",
        corrections={"answer": "0.95", "completion": "1.05"},
    )
    flat.refresh_from_db()
    # 接通率 0.8 -> 0.95: +6 points of 40; 完成率 0.9 -> 1.05 (capped at 1): +2 of 20
    assert flat.total == old_total + Decimal("8")
    assert mine.status == Appeal.Status.ACCEPTED and mine.rater_resolved_by == sup
    assert (mine.old_total, mine.new_total) == (old_total, flat.total)
    assert flat.status == CardStatus.APPEALED  # the reviewer still owes an answer
    actions.resolve_appeal(
        rev, by_item["attitude"], accept=True, resolution="同意", corrections={"attitude": 4}
    )
    flat.refresh_from_db()
    assert flat.status == CardStatus.APPEAL_RESOLVED
    assert Rating.objects.get(card=flat, item_code="attitude", role="reviewer").value == 4
    assert Rating.objects.get(card=flat, item_code="attitude", role="supervisor").value == 3
    answered = AuditEvent.objects.filter(card_id=flat.pk, action="answer_appeal")
    assert {(e.actor, e.new) for e in answered} == {(sup, "accepted"), (rev, "accepted")}
    corrected = AuditEvent.objects.filter(card_id=flat.pk, action="appeal_correction")
    assert {e.field for e in corrected} == {
        "values.answer_rate",
        "values.plan_completion_rate",
        "attitude.reviewer",
    }


def test_only_the_deciding_rater_or_hr_answers(world, flat):
    by_item = _file(world, flat, "answer", "attitude")
    for who in ("reviewer", "inspector", "colleague", "agent", "auditor"):
        with pytest.raises(NotAllowed):
            actions.resolve_appeal(
                world.users[who], by_item["answer"], accept=False, resolution="x"
            )
    for who in ("supervisor", "inspector", "agent"):
        with pytest.raises(NotAllowed):
            actions.resolve_appeal(
                world.users[who], by_item["attitude"], accept=False, resolution="x"
            )
    with pytest.raises(InvalidInput) as exc:
        actions.resolve_appeal(
            world.users["supervisor"], by_item["answer"], accept=False, resolution=" "
        )
    assert exc.value.field == "resolution"


def test_a_rejection_may_be_escalated_to_hr_who_decides_last(world, flat):
    agent, sup, hr = world.users["agent"], world.users["supervisor"], world.users["hr"]
    appeal = _file(world, flat, "answer")["answer"]
    appeal = actions.resolve_appeal(sup, appeal, accept=False, resolution="报表无误")
    flat.refresh_from_db()
    assert appeal.status == Appeal.Status.REJECTED and appeal.escalatable
    assert appeal.escalate_by >= flat.appeal_deadline
    assert flat.status == CardStatus.APPEAL_RESOLVED
    assert "escalate_appeal" in available_actions(agent, flat)
    with pytest.raises(InvalidTransition):
        actions.resolve_appeal(sup, appeal, accept=True, resolution="again")
    with pytest.raises(InvalidTransition):  # HR closes only once escalating is no longer possible
        actions.close(hr, flat)
    for who in ("colleague", "supervisor", "hr", "auditor"):
        with pytest.raises(NotAllowed):
            actions.escalate_appeal(world.users[who], appeal, "x")
    with pytest.raises(InvalidInput):
        actions.escalate_appeal(agent, appeal, "")
    appeal = actions.escalate_appeal(agent, appeal, "主管未核对录音")
    flat.refresh_from_db()
    assert (appeal.status, appeal.stage) == (Appeal.Status.ESCALATED, AppealStage.HR)
    assert 6.99 < (appeal.due_at - timezone.now()).total_seconds() / 86400 <= 7
    assert flat.status == CardStatus.APPEALED
    assert list(appeals_owed_by(hr)) == [appeal] and not appeals_owed_by(sup).exists()
    with pytest.raises(NotAllowed):  # the rater had their turn
        actions.resolve_appeal(sup, appeal, accept=True, resolution="x")
    with pytest.raises(InvalidTransition):
        actions.escalate_appeal(agent, appeal, "again")
    appeal = actions.resolve_appeal(
        hr, appeal, accept=True, resolution="录音核实", corrections={"answer": 0.9}
    )
    flat.refresh_from_db()
    assert (appeal.status, appeal.stage, appeal.rater_resolution) == (
        Appeal.Status.ACCEPTED,
        AppealStage.HR,
        "报表无误",
    )
    assert flat.status == CardStatus.APPEAL_RESOLVED and not appeal.escalatable
    steps = list(
        AuditEvent.objects.filter(object_type="appeal", object_id=str(appeal.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert steps == ["appeal", "answer_appeal", "escalate_appeal", "resolve_appeal"]
    actions.close(hr, flat)
    assert flat.status == CardStatus.CLOSED


def test_escalating_ends_with_its_time(world, flat):
    appeal = _file(world, flat, "answer")["answer"]
    appeal = actions.resolve_appeal(
        world.users["supervisor"], appeal, accept=False, resolution="无误"
    )
    Appeal.objects.filter(pk=appeal.pk).update(escalate_by=timezone.now() - timedelta(seconds=1))
    appeal.refresh_from_db()
    with pytest.raises(InvalidTransition):
        actions.escalate_appeal(world.users["agent"], appeal, "晚了")
    flat.appeal_deadline = timezone.now() - timedelta(seconds=1)
    flat.save()
    actions.close(world.users["hr"], flat)


def test_an_accepted_appeal_cannot_be_escalated(world, flat):
    appeal = _file(world, flat, "answer")["answer"]
    appeal = actions.resolve_appeal(
        world.users["supervisor"], appeal, accept=True, resolution="同意"
    )
    with pytest.raises(InvalidTransition):
        actions.escalate_appeal(world.users["agent"], appeal, "x")


def test_hr_may_step_in_and_its_answer_is_final(world, flat):
    appeal = _file(world, flat, "answer")["answer"]
    appeal = actions.resolve_appeal(world.users["hr"], appeal, accept=False, resolution="维持")
    assert (appeal.status, appeal.stage) == (Appeal.Status.REJECTED, AppealStage.HR)
    assert not appeal.escalatable
    with pytest.raises(InvalidTransition):
        actions.escalate_appeal(world.users["agent"], appeal, "x")


# -- 3. deadlines ----------------------------------------------------------------------------


def test_stage_days_come_from_settings(world, flat):
    with override_settings(CSPERF_APPEAL_STAGE_DAYS={"rater": 2}):
        assert appeal_rules.stage_days() == {"rater": 2, "escalate": 5, "hr": 7}
        appeal = _file(world, flat, "answer")["answer"]
    assert 1.99 < (appeal.due_at - timezone.now()).total_seconds() / 86400 <= 2


@pytest.mark.parametrize(
    "bad", [{"rater": 0}, {"rater": "5"}, {"rater": True}, {"hr": 91}, {"nope": 3}, [5], 5]
)
def test_a_bad_stage_days_setting_fails_loudly(bad):
    with override_settings(CSPERF_APPEAL_STAGE_DAYS=bad), pytest.raises(ImproperlyConfigured):
        appeal_rules.stage_days()


def test_overdue_appeals_are_listed_for_hr_and_for_who_owes_them(world, flat):
    by_item = _file(world, flat, "answer", "attitude")
    late = by_item["answer"]
    Appeal.objects.filter(pk=late.pk).update(due_at=timezone.now() - timedelta(hours=1))
    late.refresh_from_db()
    assert late.overdue and not by_item["attitude"].overdue
    assert list(overdue(appeals_for_user(world.users["hr"]))) == [late]
    assert list(appeals_owed_by(world.users["supervisor"])) == [late]
    assert list(appeals_owed_by(world.users["reviewer"])) == [by_item["attitude"]]
    # HR sees appeals owed by raters, but does not owe them.
    assert not appeals_owed_by(world.users["hr"]).exists()


# -- 3. who sees which appeals -----------------------------------------------------------------


def test_appeals_are_seen_through_the_card_scope(world, cards):
    mine = _file(world, cards["agent"], "answer")["answer"]
    theirs = _file(world, cards["other_team_agent"], "answer")["answer"]
    expected = {
        "agent": {mine},
        "other_team_agent": {theirs},
        "colleague": set(),
        "supervisor": {mine},  # team 一组 only
        "reviewer": {mine, theirs},  # manager of 客服一部
        "hr": {mine, theirs},
        "auditor": {mine, theirs},
        "outsider": set(),
    }
    for who, want in expected.items():
        assert set(appeals_for_user(world.users[who])) == want, who
