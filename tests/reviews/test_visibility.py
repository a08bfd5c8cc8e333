"""An employee sees their own totals, grade, rank and history only once the card is published,
on every page and endpoint that lists the card (the card page itself is tested in the workflow)."""

from __future__ import annotations

import pytest

from csperf.reviews import actions

pytestmark = pytest.mark.django_db


def _total_cell(card) -> str:
    return f'<td class="num">{card.total}</td>'


def test_home_page_hides_own_scores_until_published(world, rate_through, client):
    card = world.card("agent")
    assert card.total is not None
    client.force_login(world.users["agent"])
    page = client.get("/").content.decode()
    assert f"/cards/{card.pk}/" in page and _total_cell(card) not in page
    card = rate_through("agent")
    actions.publish(world.users["hr"], card)
    assert _total_cell(card) in client.get("/").content.decode()
    # A card still being rated: its total is the department manager's (the last rater) to read,
    # not the supervisor's, an earlier rater (csperf.reviews.workflow.sees_scores).
    colleague = world.card("colleague")
    for who, shown in (("reviewer", True), ("supervisor", False)):
        client.force_login(world.users[who])
        cards = client.get(f"/cycles/{card.cycle_id}/").context["cards"]
        assert next(c for c in cards if c.pk == colleague.pk).show_scores is shown, who


def test_api_history_hides_own_totals_until_published(world, rate_through, api_client):
    card = rate_through("agent")
    api_client.login("agent")
    assert api_client.get(f"/api/cards/{card.pk}/history").json() == []
    actions.publish(world.users["hr"], card)
    events = api_client.get(f"/api/cards/{card.pk}/history").json()
    assert any(e["action"] == "publish" for e in events)
    api_client.login("supervisor")
    assert api_client.get(f"/api/cards/{world.card('colleague').pk}/history").json() != []
