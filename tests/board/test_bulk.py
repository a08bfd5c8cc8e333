"""Bulk actions are explicit (issue 13.4): what will be done and what will be skipped is shown
first, by card and item names; nothing happens before it is confirmed with a reason; a card with
unrated items is never approved; publishing many cards says how many first. The API has the same
rules: a dry run returns the plan, the real call needs a reason (400 without one)."""

from __future__ import annotations

import pytest

from csperf.core.models import AuditEvent
from csperf.reviews import actions
from csperf.reviews.models import Card, CardStatus

pytestmark = pytest.mark.django_db


def _self_rate(w, who):
    card = w.card(who)
    actions.save_ratings(w.users[who], card, [{"item": "attitude", "value": 2}])
    actions.submit(w.users[who], card)
    return card


def _to_reviewer(w, who, *, reviewer_rates: bool):
    """The card at its last stage (the reviewer's); the reviewer has rated it or not."""
    card = _self_rate(w, who)
    sup = w.users["supervisor"]
    actions.save_ratings(
        sup, card, [{"item": "attitude", "value": 3}, {"item": "teamwork", "value": 8}]
    )
    actions.submit(sup, card)
    if reviewer_rates:
        actions.save_ratings(w.users["reviewer"], card, [{"item": "attitude", "value": 3}])
    card.refresh_from_db()
    assert card.status == CardStatus.REVIEWER_REVIEW
    return card


def _status(card) -> str:
    card.refresh_from_db()
    return card.status


def test_board_bulk_approve_shows_the_plan_then_needs_a_reason(board_world, client):
    w = board_world
    rated = _to_reviewer(w, "agent", reviewer_rates=True)
    unrated = _to_reviewer(w, "colleague", reviewer_rates=False)
    data = {"cycle": w.cycle.pk, "team": w.teams["T1"].pk, "step": "approve"}
    client.force_login(w.users["hr"])

    # First the plan: nothing changes yet.
    r = client.post("/board/bulk/", {**data, "card": [rated.pk, unrated.pk]})
    assert r.status_code == 200
    plan = r.context["plan"]
    assert [c.pk for c in plan.will] == [rated.pk]
    assert [(s.card.pk, s.unrated) for s in plan.skip] == [(unrated.pk, ["服务态度 (复核人)"])]
    page = r.content.decode()
    assert "李四" in page and "服务态度" in page and 'name="reason"' in page
    assert _status(rated) == _status(unrated) == CardStatus.REVIEWER_REVIEW
    assert not AuditEvent.objects.filter(action="approve").exists()

    # Confirmed without a reason: asked again, nothing approved.
    confirm = {**data, "card": [c.pk for c in plan.will], "confirm": "1"}
    r = client.post("/board/bulk/", {**confirm, "reason": "  "})
    assert r.status_code == 422 and "error-text" in r.content.decode()
    assert _status(rated) == CardStatus.REVIEWER_REVIEW

    # With a reason: the rated card is approved (the reason on its history); the unrated one
    # is left as it is, even if its id is sent along.
    r = client.post(
        "/board/bulk/", {**confirm, "card": [rated.pk, unrated.pk], "reason": "月底审核"}
    )
    assert r.status_code == 302
    assert _status(rated) == CardStatus.APPROVED
    assert _status(unrated) == CardStatus.REVIEWER_REVIEW
    ev = AuditEvent.objects.get(action="approve", card_id=rated.pk)
    assert ev.reason == "月底审核" and ev.actor == w.users["hr"]
    summary = AuditEvent.objects.get(action="bulk_approve")
    assert summary.reason == "月底审核" and summary.new["done"] == ["E001"]
    assert summary.new["skipped"][0]["card"] == "E002"


def _supervisor_only_cycle(w):
    """A 2026-04 cycle whose card is rated by the supervisor alone: the supervisor's stage is its
    last, so an approval there accepts whatever is (not) rated — the demo's 12 cards."""
    import datetime as dt

    from csperf.cycles import actions as cycle_actions
    from csperf.cycles.compute import compute_cycle
    from csperf.cycles.models import InputValue
    from tests.conftest import TEST_TEMPLATE

    hr = w.users["hr"]
    text = TEST_TEMPLATE.replace("version: 1", "version: 3").replace(
        "raters: {self: 0.2, supervisor: 0.3, reviewer: 0.5}", "raters: {supervisor: 1}"
    )
    template = cycle_actions.add_template(hr, text, source="supervisor-only.yaml")
    cycle = cycle_actions.create_cycle(hr, period="2026-04", rating_deadline=dt.date(2026, 5, 5))
    cycle_actions.assign_template(hr, cycle, w.position, template)
    for emp in w.employees.values():
        InputValue.objects.create(cycle=cycle, employee=emp, name="calls_handled", value=80)
    compute_cycle(cycle, actor=hr)
    cards = {}
    for who in ("agent", "colleague"):
        card = Card.objects.get(cycle=cycle, employee=w.employees[who])
        actions.start_rating(hr, card)
        card.refresh_from_db()
        assert card.chain == ["supervisor"] and card.status == CardStatus.SUPERVISOR_REVIEW
        cards[who] = card
    return cycle, cards


def test_cards_waiting_for_their_rater_are_never_approved(board_world, client):
    """Today's defect: HR's bulk approve turned cards waiting for the supervisor into 已审核,
    their unrated items dropped and the rest rescaled."""
    w = board_world
    cycle, cards = _supervisor_only_cycle(w)
    unrated, half = cards["agent"], cards["colleague"]
    actions.save_ratings(w.users["supervisor"], half, [{"item": "attitude", "value": 4}])
    client.force_login(w.users["hr"])
    url = f"/cycles/{cycle.pk}/bulk/"
    r = client.post(url, {"step": "approve", "scope": f"team:{w.teams['T1'].pk}"})
    plan = r.context["plan"]
    assert plan.will == []
    missing = {s.card.pk: s.unrated for s in plan.skip}
    assert missing == {
        unrated.pk: ["服务态度 (主管)", "团队协作 (主管)"],
        half.pk: ["团队协作 (主管)"],
    }
    # Even sent along with a reason, they stay with the supervisor.
    client.post(
        url,
        {
            "step": "approve",
            "scope": "all",
            "confirm": "1",
            "reason": "月底",
            "card": [unrated.pk, half.pk],
        },
    )
    assert _status(unrated) == _status(half) == CardStatus.SUPERVISOR_REVIEW
    # A card waiting for an earlier rater is skipped with the stage named.
    waiting = w.card("agent")  # the 2026-03 card, waiting for the self-rating
    data = {"cycle": w.cycle.pk, "team": w.teams["T1"].pk, "step": "approve"}
    r = client.post("/board/bulk/", {**data, "card": [waiting.pk]})
    [skip] = r.context["plan"].skip
    assert "自评" in skip.reason and not skip.missing


def test_cycle_page_approve_and_publish_ask_first(board_world, client):
    w = board_world
    rated = _to_reviewer(w, "agent", reviewer_rates=True)
    unrated = _to_reviewer(w, "colleague", reviewer_rates=False)
    url = f"/cycles/{w.cycle.pk}/bulk/"
    client.force_login(w.users["hr"])
    r = client.post(url, {"step": "approve", "scope": "all"})
    assert r.status_code == 200
    plan = r.context["plan"]
    assert [c.pk for c in plan.will] == [rated.pk]
    skipped = {s.card.pk: s for s in plan.skip}
    assert skipped[unrated.pk].unrated == ["服务态度 (复核人)"]
    assert _status(rated) == CardStatus.REVIEWER_REVIEW
    client.post(url, {"step": "approve", "scope": "all", "confirm": "1", "card": [rated.pk]})
    assert _status(rated) == CardStatus.REVIEWER_REVIEW  # no reason, no approval
    client.post(
        url,
        {"step": "approve", "scope": "all", "confirm": "1", "card": [rated.pk], "reason": "审"},
    )
    assert _status(rated) == CardStatus.APPROVED and _status(unrated) != CardStatus.APPROVED

    # Publishing says how many first.
    r = client.post(url, {"step": "publish", "scope": "all"})
    assert r.status_code == 200 and len(r.context["plan"].will) == 1
    page = r.content.decode()
    assert "发布 1 张" in page, page
    assert _status(rated) == CardStatus.APPROVED
    client.post(
        url, {"step": "publish", "scope": "all", "confirm": "1", "card": [rated.pk], "reason": "发"}
    )
    assert _status(rated) == CardStatus.PUBLISHED


def test_board_publish_asks_for_confirmation(board_world, client, rate_through):
    w = board_world
    a, b = rate_through("agent"), rate_through("colleague")
    assert a.status == b.status == CardStatus.APPROVED
    data = {"cycle": w.cycle.pk, "team": w.teams["T1"].pk, "step": "publish"}
    client.force_login(w.users["hr"])
    board = client.get("/board/", {"cycle": w.cycle.pk, "team": w.teams["T1"].pk})
    assert 'value="publish"' in board.content.decode()
    r = client.post("/board/bulk/", {**data, "card": [a.pk, b.pk]})
    assert r.status_code == 200 and "发布 2 张" in r.content.decode()
    assert _status(a) == CardStatus.APPROVED
    client.post("/board/bulk/", {**data, "card": [a.pk, b.pk], "confirm": "1", "reason": "发布"})
    assert _status(a) == _status(b) == CardStatus.PUBLISHED
    # A supervisor may not publish: every card is skipped, with the reason.
    client.force_login(w.users["supervisor"])
    r = client.post("/board/bulk/", {**data, "card": [a.pk]})
    assert r.context["plan"].will == []


def test_api_bulk_dry_run_reason_and_auditor(board_world, api_client):
    w = board_world
    rated = _to_reviewer(w, "agent", reviewer_rates=True)
    unrated = _to_reviewer(w, "colleague", reviewer_rates=False)
    api_client.login("reviewer")
    body = {"step": "approve", "cards": [rated.pk, unrated.pk]}
    r = api_client.post("/api/board/bulk", {**body, "dry_run": True})
    assert r.status_code == 200, r.content
    plan = r.json()
    assert plan["dry_run"] is True and plan["done"] == 0
    assert [c["card_id"] for c in plan["will"]] == [rated.pk]
    [skip] = plan["skipped"]
    assert skip["card_id"] == unrated.pk and skip["employee_name"] == "李四"
    assert skip["unrated"] == [{"item": "attitude", "name": "服务态度", "role": "reviewer"}]
    assert _status(rated) == CardStatus.REVIEWER_REVIEW

    # The real call needs a reason.
    r = api_client.post("/api/board/bulk", body)
    assert r.status_code == 400, r.content
    assert _status(rated) == CardStatus.REVIEWER_REVIEW
    r = api_client.post("/api/board/bulk", {**body, "reason": "  "})
    assert r.status_code == 400
    r = api_client.post("/api/board/bulk", {**body, "reason": "月底审核"})
    assert r.status_code == 200, r.content
    got = r.json()
    assert got["done"] == 1 and got["done_cards"] == [rated.pk]
    assert [s["card_id"] for s in got["skipped"]] == [unrated.pk]
    assert _status(rated) == CardStatus.APPROVED and _status(unrated) != CardStatus.APPROVED

    # The auditor reads only.
    api_client.login("auditor")
    r = api_client.post("/api/board/bulk", {**body, "reason": "x"})
    assert r.status_code == 403


def test_api_bulk_submit_hands_rated_cards_on(board_world, api_client):
    w = board_world
    card = _self_rate(w, "agent")
    other = _self_rate(w, "colleague")
    actions.save_ratings(
        w.users["supervisor"],
        card,
        [{"item": "attitude", "value": 3}, {"item": "teamwork", "value": 8}],
    )
    api_client.login("supervisor")
    r = api_client.post(
        "/api/board/bulk", {"step": "submit", "cards": [card.pk, other.pk], "reason": "交"}
    )
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["done"] == 1 and [s["card_id"] for s in body["skipped"]] == [other.pk]
    assert {u["item"] for u in body["skipped"][0]["unrated"]} == {"attitude", "teamwork"}
    assert Card.objects.get(pk=card.pk).status == CardStatus.REVIEWER_REVIEW
    foreign = w.card("other_team_agent")
    r = api_client.post(
        "/api/board/bulk", {"step": "approve", "cards": [foreign.pk], "reason": "x"}
    )
    assert r.status_code == 422
    api_client.login("agent")
    r = api_client.post("/api/board/bulk", {"step": "submit", "cards": [card.pk], "reason": "x"})
    assert r.status_code == 404
