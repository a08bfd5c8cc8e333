"""An improvement plan is read by more people than its card's result: while the reviewer still
rates, the supervisor reads the department manager's plan on the team's card, but not the card's
total or grade — not on the plan page, the plan list, the card page, nor in the API."""

from __future__ import annotations

import datetime as dt

import pytest

from csperf.board import actions as plan_actions
from csperf.reviews import actions

pytestmark = pytest.mark.django_db


@pytest.fixture
def planned(world):
    """The agent's card with the supervisor's ratings submitted, the reviewer (department
    manager) rating it and writing a plan; not published."""
    card = world.card("agent")
    actions.save_ratings(world.users["agent"], card, [{"item": "attitude", "value": 4}])
    actions.submit(world.users["agent"], card)
    sup = world.users["supervisor"]
    actions.save_ratings(
        sup, card, [{"item": "attitude", "value": 3}, {"item": "teamwork", "value": 8}]
    )
    actions.submit(sup, card)
    rev = world.users["reviewer"]
    actions.save_ratings(rev, card, [{"item": "attitude", "value": 1}])
    card.refresh_from_db()
    assert card.grade and card.total is not None
    data = {
        "owner": rev.pk,
        "problem": "沟通需要加强",
        "actions": "每周陪听两次",
        "target": "下月服务态度达到良好",
        "deadline": (dt.date.today() + dt.timedelta(days=30)).isoformat(),
    }
    plan = plan_actions.create_plan(rev, card, data)
    return card, plan


def _grade_shown(html: str, card) -> bool:
    return f"· {card.grade}" in html or f"{card.total} {card.grade}" in html


def test_the_supervisor_reads_the_plan_without_the_result(world, planned, client, api_client):
    card, plan = planned
    client.force_login(world.users["supervisor"])
    for url in (f"/board/plans/{plan.pk}/", "/board/plans/"):
        r = client.get(url)
        assert r.status_code == 200, url
        html = r.content.decode()
        assert "沟通需要加强" in html or url.endswith("plans/")
        assert not _grade_shown(html, card), url
    api_client.login("supervisor")
    body = api_client.get(f"/api/board/plans/{plan.pk}").json()
    assert body["card_total"] is None and body["card_grade"] == ""
    listed = api_client.get("/api/board/plans").json()
    row = next(p for p in listed if p["id"] == plan.pk)
    assert row["card_total"] is None and row["card_grade"] == ""


def test_the_reviewer_and_hr_read_the_result(world, planned, client, api_client):
    card, plan = planned
    for who in ("reviewer", "hr"):
        client.force_login(world.users[who])
        html = client.get(f"/board/plans/{plan.pk}/").content.decode()
        assert _grade_shown(html, card), who
        api_client.login(who)
        body = api_client.get(f"/api/board/plans/{plan.pk}").json()
        assert body["card_grade"] == card.grade and body["card_total"] is not None, who


def test_a_new_plan_on_an_unpublished_card_does_not_write_the_result(world, planned, client):
    card, _ = planned
    client.force_login(world.users["supervisor"])
    html = client.get(f"/board/plans/new/{card.pk}/").content.decode()
    assert card.grade not in html.split("<textarea", 1)[-1].split("</textarea>", 1)[0]
