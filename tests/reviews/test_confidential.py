"""A rater reads only the earlier columns of the chain until the card is released, and pay is
read only by HR, the auditor and the employee (own card, once published): on the API card detail,
the card's history and the card page."""

from __future__ import annotations

import pytest

from csperf.reviews import actions, workflow

pytestmark = pytest.mark.django_db

SECRET = "复核人的保密意见"


@pytest.fixture
def at_reviewer(world):
    """The agent's card rated by self and supervisor, and by the reviewer (not yet submitted)."""
    card = world.card("agent")
    actions.save_ratings(world.users["agent"], card, [{"item": "attitude", "value": 4}])
    actions.submit(world.users["agent"], card)
    actions.save_ratings(
        world.users["supervisor"],
        card,
        [{"item": "attitude", "value": 3}, {"item": "teamwork", "value": 8}],
    )
    actions.submit(world.users["supervisor"], card)
    actions.save_ratings(
        world.users["reviewer"], card, [{"item": "attitude", "value": 1, "comment": SECRET}]
    )
    card.refresh_from_db()
    return card


def _item(body: dict, code: str) -> dict:
    return next(it for sec in body["sections"] for it in sec["items"] if it["code"] == code)


def test_rule_in_one_place(world, at_reviewer):
    card = at_reviewer
    assert workflow.visible_columns(world.users["supervisor"], card) == ["self", "supervisor"]
    assert workflow.visible_columns(world.users["agent"], card) == ["self"]
    assert workflow.visible_columns(world.users["reviewer"], card) == card.chain
    assert workflow.visible_columns(world.users["hr"], card) == card.chain
    assert workflow.visible_columns(world.users["auditor"], card) == card.chain
    # An inspector of the department rates nothing on this card: no column before release.
    assert workflow.visible_columns(world.users["inspector"], card) == []
    assert workflow.hidden_columns(world.users["supervisor"], card) == ["reviewer"]
    for who in ("supervisor", "reviewer", "inspector", "agent"):
        assert not workflow.sees_pay(world.users[who], card), who
    assert workflow.sees_pay(world.users["hr"], card)
    assert workflow.sees_pay(world.users["auditor"], card)


def test_api_card_hides_later_columns_and_what_they_decide(world, at_reviewer, api_client):
    card = at_reviewer
    api_client.login("supervisor")
    body = api_client.get(f"/api/cards/{card.pk}").json()
    attitude = _item(body, "attitude")
    assert set(attitude["ratings"]) == {"self", "supervisor"}
    assert attitude["score"] is None and attitude["explain"] == ""
    assert attitude["contribution"] is None and attitude["value"] is None
    assert next(s for s in body["sections"] if s["code"] == "kpi")["score"] is None
    assert SECRET not in str(body)
    # The supervisor's own item (teamwork) is theirs to see.
    assert _item(body, "teamwork")["score"] is not None
    # The reviewer sees everything of the card but its pay.
    api_client.login("reviewer")
    body = api_client.get(f"/api/cards/{card.pk}").json()
    assert _item(body, "attitude")["ratings"]["reviewer"]["comment"] == SECRET
    assert _item(body, "attitude")["score"] is not None
    assert body["pay"] is None
    api_client.login("hr")
    assert api_client.get(f"/api/cards/{card.pk}").json()["pay"] is not None


def test_history_hides_later_ratings(world, at_reviewer, api_client):
    card = at_reviewer
    api_client.login("supervisor")
    events = api_client.get(f"/api/cards/{card.pk}/history").json()
    fields = {e["field"] for e in events}
    assert "attitude.supervisor" in fields and "attitude.self" in fields
    assert "attitude.reviewer" not in fields
    assert SECRET not in str(events)
    # Nor the rescore the reviewer's rating caused.
    assert not [e for e in events if e["action"] == "rescore" and e["who"] == "reviewer"]
    api_client.login("hr")
    events = api_client.get(f"/api/cards/{card.pk}/history").json()
    assert "attitude.reviewer" in {e["field"] for e in events}


def test_card_page_hides_later_columns_and_pay(world, at_reviewer, client):
    card = at_reviewer
    client.force_login(world.users["supervisor"])
    page = client.get(f"/cards/{card.pk}/").content.decode()
    assert SECRET not in page
    assert "attitude.reviewer" not in page
    assert "Performance pay" not in page and "绩效工资" not in page
    client.force_login(world.users["hr"])
    page = client.get(f"/cards/{card.pk}/").content.decode()
    assert SECRET in page and "绩效工资" in page


def test_released_card_shows_every_column_but_pay_stays_private(
    world, at_reviewer, api_client, client
):
    card = at_reviewer
    actions.submit(world.users["reviewer"], card)
    card.refresh_from_db()
    api_client.login("supervisor")
    assert (
        "reviewer"
        not in _item(api_client.get(f"/api/cards/{card.pk}").json(), "attitude")["ratings"]
    )
    actions.publish(world.users["hr"], card)
    body = api_client.get(f"/api/cards/{card.pk}").json()
    assert _item(body, "attitude")["ratings"]["reviewer"]["comment"] == SECRET
    assert _item(body, "attitude")["score"] is not None
    assert body["pay"] is None
    events = api_client.get(f"/api/cards/{card.pk}/history").json()
    assert "attitude.reviewer" in {e["field"] for e in events}
    for who in ("reviewer", "inspector"):
        api_client.login(who)
        assert api_client.get(f"/api/cards/{card.pk}").json()["pay"] is None, who
    # The employee reads their own pay once published.
    api_client.login("agent")
    assert api_client.get(f"/api/cards/{card.pk}").json()["pay"] is not None
    client.force_login(world.users["agent"])
    page = client.get(f"/cards/{card.pk}/").content.decode()
    assert "绩效工资" in page and SECRET in page
