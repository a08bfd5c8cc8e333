"""The board opens on the cycle open for rating, shows no draft score to supervisors, and judges
an improvement plan only from the released card of the next cycle (issue 13.8); each card's data
coverage is on the board."""

from __future__ import annotations

from decimal import Decimal

import pytest

from csperf.board import actions as plan_actions
from csperf.board import insights
from csperf.reviews import actions
from csperf.reviews.models import Card, CardStatus
from tests.board.conftest import future, release

pytestmark = pytest.mark.django_db


def _plan(w):
    return plan_actions.create_plan(
        w.users["supervisor"],
        w.card("agent"),
        {"problem": "本月不合格", "actions": "每周听5通录音", "deadline": future()},
    )


def test_the_board_opens_on_the_cycle_open_for_rating(board_world, next_cycle, client):
    w = board_world
    draft = next_cycle(agent_calls=100)  # 2026-04: computed, still being set up
    assert draft.status == "draft" and w.cycle.status == "open"
    for who in ("supervisor", "reviewer", "hr"):
        client.force_login(w.users[who])
        r = client.get("/board/")
        assert r.context["cycle"] == w.cycle, who
    # With no cycle open, the latest one that is not a draft.
    w.cycle.status = "closed"
    w.cycle.save(update_fields=["status"])
    client.force_login(w.users["supervisor"])
    assert client.get("/board/").context["cycle"] == w.cycle


def test_supervisors_never_see_draft_scores(board_world, next_cycle, client, api_client):
    w = board_world
    draft = next_cycle(agent_calls=100)
    drafts = Card.objects.filter(cycle=draft, team=w.teams["T1"])
    assert drafts.count() == 2 and all(c.total is not None for c in drafts)
    query = {"cycle": draft.pk, "team": w.teams["T1"].pk}
    for who in ("supervisor", "reviewer", "inspector"):
        client.force_login(w.users[who])
        r = client.get("/board/", query)
        ctx = r.context
        assert ctx["ranked"] == [] and ctx["hidden_scores"] == 2, who
        assert ctx["alerts"] == [] and ctx["failing"] == [], who
        page = r.content.decode()
        for c in drafts:
            assert str(c.total) not in page, (who, c.total)
        api_client.login(who)
        body = api_client.get(f"/api/board?cycle={draft.pk}&team={w.teams['T1'].pk}").json()
        assert body["ranking"] == [] and body["alerts"] == [], who
        csv = client.get("/board/", {**query, "table": "ranking", "format": "csv"})
        assert len(csv.content.decode("utf-8-sig").strip().splitlines()) == 1, who
    # HR checks the drafts before opening the cycle.
    client.force_login(w.users["hr"])
    assert len(client.get("/board/", query).context["ranked"]) == 2
    # Once HR opens the cards for rating, the department manager sees the scores; the
    # supervisor, an earlier rater, only once they are published (workflow.sees_scores).
    for card in drafts:
        actions.start_rating(w.users["hr"], card)
    client.force_login(w.users["reviewer"])
    assert len(client.get("/board/", query).context["ranked"]) == 2
    client.force_login(w.users["supervisor"])
    assert client.get("/board/", query).context["ranked"] == []


def test_a_plan_on_a_draft_card_is_refused(board_world, next_cycle):
    from csperf.core.errors import InvalidTransition

    w = board_world
    draft = next_cycle(agent_calls=10)
    card = Card.objects.get(cycle=draft, employee=w.employees["agent"])
    assert card.grade == "不合格" and card.status == CardStatus.DRAFT
    with pytest.raises(InvalidTransition):
        plan_actions.create_plan(
            w.users["supervisor"],
            card,
            {"problem": "x", "actions": "y", "deadline": future()},
        )


def test_the_effect_is_judged_only_from_the_released_next_card(
    board_world, next_cycle, api_client, client
):
    w = board_world
    sup = w.users["supervisor"]
    plan = _plan(w)
    nxt = next_cycle(agent_calls=100)
    later = Card.objects.get(cycle=nxt, employee=w.employees["agent"])
    assert later.total is not None and later.grade != "不合格"  # a passing draft
    for who in ("supervisor", "hr"):
        e = insights.effect(w.users[who], plan)
        assert e.state == "pending" and e.period == "2026-04", who
        assert e.total is None and e.grade == "" and e.delta is None and e.passed is None, who
        assert e.card is None, who
    assert "2026-04" in str(e.label)
    # Opened for rating, rated, even approved: still not known.
    later = release(w, later, publish=False)
    assert later.status == CardStatus.APPROVED
    assert insights.effect(sup, plan).state == "pending"
    api_client.login("supervisor")
    body = api_client.get(f"/api/board/plans/{plan.pk}").json()
    assert body["effect"]["state"] == "pending" and body["effect"]["total"] is None
    assert body["effect"]["delta"] is None and body["effect"]["passed"] is None
    client.force_login(sup)
    page = client.get(f"/board/plans/{plan.pk}/").content.decode()
    assert str(later.total) not in page and "+" + str(later.total - w.card().total) not in page
    # Released: the effect is final, from the published card.
    actions.publish(w.users["hr"], later)
    later.refresh_from_db()
    e = insights.effect(sup, plan)
    assert e.state == "final" and e.card == later and e.total == later.total
    assert e.delta == later.total - w.card("agent").total and e.passed is True


def test_closing_a_plan_before_the_release_records_no_figures(board_world, next_cycle):
    from csperf.core.models import AuditEvent

    w = board_world
    plan = _plan(w)
    next_cycle(agent_calls=100)
    plan_actions.close_plan(w.users["supervisor"], plan, "completed", "已改进")
    effect = AuditEvent.objects.get(action="close_plan").new["effect"]
    assert effect["state"] == "pending" and effect["total"] is None and effect["delta"] is None


def test_each_card_shows_its_data_coverage(board_world, client, api_client):
    w = board_world
    if not hasattr(Card, "coverage"):
        pytest.skip("Card.coverage is not there yet (issue 13.1)")
    Card.objects.filter(pk=w.card("agent").pk).update(coverage=Decimal("0.7996"))
    Card.objects.filter(pk=w.card("colleague").pk).update(coverage=None)
    client.force_login(w.users["reviewer"])
    r = client.get("/board/", {"cycle": w.cycle.pk, "team": w.teams["T1"].pk})
    page = r.content.decode()
    # Never rounded up across a gate: 79.96% shows as 79.9%.
    assert "79.9%" in page and "80%" not in page
    rows = {c.employee.code: c.coverage_text for c in r.context["ranked"]}
    assert rows == {"E001": "79.9%", "E002": "—"}
    csv = client.get(
        "/board/",
        {"cycle": w.cycle.pk, "team": w.teams["T1"].pk, "table": "ranking", "format": "csv"},
    )
    lines = csv.content.decode("utf-8-sig").strip().splitlines()
    assert lines[1].split(",")[-1] == "—" and lines[2].split(",")[-1] == "79.9%"
    api_client.login("reviewer")
    body = api_client.get(f"/api/board?cycle={w.cycle.pk}&team={w.teams['T1'].pk}").json()
    got = {row["employee_code"]: row["coverage"] for row in body["ranking"]}
    assert got == {"E001": 0.7996, "E002": None}
