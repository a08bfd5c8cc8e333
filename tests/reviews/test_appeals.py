"""Appeals (申诉): window, reasons per item, HR accepts with a recorded change or rejects."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from csperf.core.errors import InvalidInput, InvalidTransition, NotAllowed
from csperf.core.models import AuditEvent
from csperf.reviews import actions
from csperf.reviews.models import Appeal, Card, CardStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(world, rate_through):
    card = rate_through("agent")
    actions.publish(world.users["hr"], card)
    return card


def test_employee_appeals_with_a_reason_per_item(world, published):
    agent = world.users["agent"]
    with pytest.raises(InvalidInput) as exc:
        actions.file_appeal(agent, published, [])
    assert exc.value.field == "items"
    with pytest.raises(InvalidInput) as exc:
        actions.file_appeal(agent, published, [{"item": "attitude", "reason": " "}])
    assert exc.value.field == "items[0].reason"
    with pytest.raises(InvalidInput) as exc:
        actions.file_appeal(agent, published, [{"item": "nope", "reason": "x"}])
    assert exc.value.field == "items[0].item"
    appeal = actions.file_appeal(
        agent, published, [{"item": "attitude", "reason": "客户表扬信未计入"}], "请复核"
    )
    assert published.status == CardStatus.APPEALED
    assert [(i.item_code, i.reason) for i in appeal.items.all()] == [
        ("attitude", "客户表扬信未计入")
    ]


def test_only_the_employee_may_appeal(world, published):
    for who in ("colleague", "supervisor", "hr"):
        with pytest.raises(NotAllowed):
            actions.file_appeal(world.users[who], published, [{"item": "attitude", "reason": "x"}])


def test_no_appeal_after_the_window(world, published):
    published.appeal_deadline = timezone.now() - timedelta(minutes=1)
    published.save()
    with pytest.raises(InvalidTransition):
        actions.file_appeal(world.users["agent"], published, [{"item": "attitude", "reason": "x"}])
    # After the window HR may close it.
    actions.close(world.users["hr"], published)
    assert published.status == CardStatus.CLOSED


def test_accepted_appeal_changes_the_score_and_records_it(world, published):
    hr = world.users["hr"]
    appeal = actions.file_appeal(
        world.users["agent"],
        published,
        [{"item": "attitude", "reason": "复评偏低"}, {"item": "calls", "reason": "漏算了夜班话务"}],
    )
    # 服务态度 goes to the reviewer who rated it last, 接听量 (from the records) to the supervisor:
    # two appeals, each answered by its own rater or by HR.
    calls_appeal = published.appeals.exclude(pk=appeal.pk).get()
    with pytest.raises(NotAllowed):
        actions.resolve_appeal(world.users["supervisor"], appeal, accept=True, resolution="x")
    with pytest.raises(InvalidInput) as exc:
        actions.resolve_appeal(hr, appeal, accept=True, resolution="")
    assert exc.value.field == "resolution"
    with pytest.raises(InvalidInput) as exc:
        actions.resolve_appeal(
            hr, appeal, accept=True, resolution="ok", corrections={"teamwork": 10}
        )
    assert exc.value.field == "corrections.teamwork"
    old_total = published.total
    appeal = actions.resolve_appeal(
        hr, appeal, accept=True, resolution="核实后调整", corrections={"attitude": 4}
    )
    calls_appeal = actions.resolve_appeal(
        hr, calls_appeal, accept=True, resolution="核实后调整", corrections={"calls": 80}
    )
    published.refresh_from_db()
    assert appeal.status == calls_appeal.status == Appeal.Status.ACCEPTED
    # attitude reviewer 3 -> 4: 0.2*30 + 0.3*20 + 0.5*30 = 27 (+5); calls 50 -> 80: 30 -> 48 (+18)
    assert published.total == old_total + Decimal("23")
    assert (appeal.old_total, calls_appeal.new_total) == (old_total, published.total)
    assert appeal.new_total == calls_appeal.old_total == old_total + Decimal("5")
    assert published.status == CardStatus.APPEAL_RESOLVED
    corrections = AuditEvent.objects.filter(card_id=published.pk, action="appeal_correction")
    assert {e.field for e in corrections} == {"attitude.reviewer", "values.calls_handled"}
    assert all(e.actor == hr and e.reason == "核实后调整" for e in corrections)
    rescored = AuditEvent.objects.filter(card_id=published.pk, action="rescore").latest("id")
    assert (Decimal(rescored.old), Decimal(rescored.new)) == (old_total + 5, published.total)
    with pytest.raises(InvalidTransition):
        actions.resolve_appeal(hr, appeal, accept=False, resolution="again")


def test_rejected_appeal_keeps_the_score(world, published):
    hr = world.users["hr"]
    appeal = actions.file_appeal(
        world.users["agent"], published, [{"item": "attitude", "reason": "偏低"}]
    )
    with pytest.raises(InvalidInput):
        actions.resolve_appeal(
            hr, appeal, accept=False, resolution="x", corrections={"attitude": 4}
        )
    total = published.total
    appeal = actions.resolve_appeal(hr, appeal, accept=False, resolution="评分有录音佐证")
    published.refresh_from_db()
    assert appeal.status == Appeal.Status.REJECTED and published.total == total
    assert published.status == CardStatus.APPEAL_RESOLVED


def test_employee_sees_the_outcome_through_the_api(world, published, api_client):
    appeal = actions.file_appeal(
        world.users["agent"], published, [{"item": "attitude", "reason": "偏低"}]
    )
    actions.resolve_appeal(world.users["hr"], appeal, accept=False, resolution="维持原评分")
    api_client.login("agent")
    r = api_client.get(f"/api/cards/{published.pk}/appeals")
    assert r.status_code == 200
    [out] = r.json()
    assert out["status"] == "rejected" and out["resolution"] == "维持原评分"
    assert api_client.get(f"/api/cards/{published.pk}").json()["status"] == "appeal_resolved"


def test_an_accepted_appeal_moves_the_cohorts_ranks_on_the_record(world, rate_through):
    """Ranks belong to the cohort: the colleague it overtakes drops a place, and their history
    says why; the colleague's own score does not change."""
    hr = world.users["hr"]
    mine = rate_through("agent")
    theirs = rate_through("colleague")
    for card in (mine, theirs):
        actions.publish(hr, card)
    assert mine.total < theirs.total  # calls 50 vs 60, same ratings
    before = (theirs.total, theirs.rank, theirs.pay)
    appeal = actions.file_appeal(world.users["agent"], mine, [{"item": "calls", "reason": "漏算"}])
    actions.resolve_appeal(hr, appeal, accept=True, resolution="核实", corrections={"calls": 100})
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.total > theirs.total
    assert (theirs.total, theirs.pay) == before[::2]
    totals = list(Card.objects.filter(cycle=mine.cycle).values_list("total", flat=True))
    assert mine.rank == 1 + sum(t > mine.total for t in totals)
    assert theirs.rank == before[1] + 1 == 1 + sum(t > theirs.total for t in totals)
    assert theirs.result["rank"] == theirs.rank
    assert theirs.status == CardStatus.PUBLISHED
    event = AuditEvent.objects.get(card_id=theirs.pk, action="rerank", field="rank")
    assert (event.old, event.new, event.actor) == (before[1], theirs.rank, hr)
    assert "E001" in event.reason
    # A rejected or correction-free appeal moves nobody.
    assert not AuditEvent.objects.filter(card_id=mine.pk, action="rerank").exists()
