"""Appeals through the API (issue 13.5): the card's actions for its employee whatever the rating
stages, the rater's answer with corrections checked against the item's domain, escalation to HR,
deadlines and the overdue list, and who sees which appeals."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from csperf.reviews.models import Appeal
from tests.reviews.appeal_cards import published_cards

pytestmark = pytest.mark.django_db


@pytest.fixture
def cards(world):
    return published_cards(world)


def _file(api_client, card, who, *codes):
    api_client.login(who)
    r = api_client.post(
        f"/api/cards/{card.pk}/appeals",
        {"items": [{"item": c, "reason": f"{c} 有误"} for c in codes]},
    )
    assert r.status_code == 201, r.content
    return r.json()


def test_the_card_lists_acknowledge_and_appeal_for_its_employee(world, cards, api_client):
    card = cards["agent"]  # rated by the supervisor and the reviewer only
    api_client.login("agent")
    body = api_client.get(f"/api/cards/{card.pk}").json()
    assert "self" not in body["chain"]
    assert {"acknowledge", "appeal"} <= set(body["actions"])
    for who in ("supervisor", "hr", "auditor"):
        api_client.login(who)
        assert "acknowledge" not in api_client.get(f"/api/cards/{card.pk}").json()["actions"]
    api_client.login("agent")
    r = api_client.post(f"/api/cards/{card.pk}/transitions", {"action": "acknowledge"})
    assert r.status_code == 200 and r.json()["status"] == "acknowledged"


def test_filing_routes_items_and_answers_carry_deadlines(world, cards, api_client):
    card = cards["agent"]
    first = _file(api_client, card, "agent", "answer", "attitude")
    assert first["responder_role"] == "supervisor" and first["waiting_for"]
    assert first["stage"] == "rater" and first["due_at"] and first["overdue"] is False
    [other_id] = first["filed_with"]
    other = api_client.get(f"/api/appeals/{other_id}").json()
    assert other["responder_role"] == "reviewer"
    assert [i["item"] for i in other["items"]] == ["attitude"]
    body = api_client.get(f"/api/cards/{card.pk}").json()
    assert body["status"] == "appealed" and "appeal" not in body["actions"]


def test_the_rater_answers_and_a_correction_outside_the_domain_is_422(world, cards, api_client):
    card = cards["agent"]
    appeal = _file(api_client, card, "agent", "answer")
    api_client.login("supervisor")
    assert "resolve" in api_client.get(f"/api/appeals/{appeal['id']}").json()["actions"]
    r = api_client.post(
        f"/api/appeals/{appeal['id']}/resolve",
        {"accept": True, "resolution": "核实", "corrections": {"answer": 999}},
    )
    assert r.status_code == 422
    [detail] = r.json()["detail"]
    assert detail["loc"] == ["body", "corrections", "answer"] and "接通率" in detail["msg"]
    r = api_client.post(
        f"/api/appeals/{appeal['id']}/resolve",
        {"accept": True, "resolution": "核实", "corrections": {"answer": 0.9}},
    )
    assert r.status_code == 200, r.content
    out = r.json()
    assert out["status"] == "accepted" and out["items"][0]["corrected"] is not None
    assert out["new_total"] != out["old_total"] and out["waiting_for"] is None


def test_reject_escalate_and_hr_decides(world, cards, api_client):
    card = cards["agent"]
    appeal = _file(api_client, card, "agent", "attitude")  # the reviewer's
    api_client.login("supervisor")
    r = api_client.post(
        f"/api/appeals/{appeal['id']}/resolve", {"accept": False, "resolution": "x"}
    )
    assert r.status_code == 403
    api_client.login("reviewer")
    r = api_client.post(
        f"/api/appeals/{appeal['id']}/resolve", {"accept": False, "resolution": "评分有据"}
    )
    assert r.status_code == 200 and r.json()["escalate_by"]
    for who, code in (("auditor", 403), ("supervisor", 403), ("colleague", 404), ("agent", 422)):
        api_client.login(who)
        r = api_client.post(f"/api/appeals/{appeal['id']}/escalate", {"reason": ""})
        assert r.status_code == code, (who, r.content)
    api_client.login("agent")
    assert "escalate" in api_client.get(f"/api/appeals/{appeal['id']}").json()["actions"]
    r = api_client.post(f"/api/appeals/{appeal['id']}/escalate", {"reason": "请人事复核"})
    assert r.status_code == 200
    assert (r.json()["status"], r.json()["stage"]) == ("escalated", "hr")
    assert (
        api_client.post(f"/api/appeals/{appeal['id']}/escalate", {"reason": "again"}).status_code
        == 409
    )
    api_client.login("hr")
    owed = api_client.get("/api/appeals?owed=true").json()
    assert [a["id"] for a in owed] == [appeal["id"]]
    r = api_client.post(
        f"/api/appeals/{appeal['id']}/resolve",
        {"accept": True, "resolution": "调整", "corrections": {"attitude": 3}},
    )
    assert r.status_code == 200
    out = r.json()
    assert (out["status"], out["rater_resolution"], out["resolution"]) == (
        "accepted",
        "评分有据",
        "调整",
    )
    history = api_client.get(f"/api/cards/{card.pk}/history").json()
    assert {"appeal", "answer_appeal", "escalate_appeal", "resolve_appeal"} <= {
        e["action"] for e in history
    }


def test_overdue_appeals_are_listed_for_hr(world, cards, api_client):
    mine = _file(api_client, cards["agent"], "agent", "answer")
    _file(api_client, cards["other_team_agent"], "other_team_agent", "answer")
    Appeal.objects.filter(pk=mine["id"]).update(due_at=timezone.now() - timedelta(days=1))
    api_client.login("hr")
    late = api_client.get("/api/appeals?overdue=true").json()
    assert [a["id"] for a in late] == [mine["id"]] and late[0]["overdue"] is True
    assert len(api_client.get("/api/appeals?status=waiting").json()) == 2
    assert api_client.get("/api/appeals?status=accepted").json() == []
    r = api_client.get("/api/appeals?status=nonsense")
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["query", "status"]
    assert api_client.get("/api/appeals?overdue=perhaps").status_code in (400, 422)
    api_client.login("supervisor")
    owed = api_client.get("/api/appeals?owed=true&overdue=true").json()
    assert [a["id"] for a in owed] == [mine["id"]]


def test_who_sees_which_appeals(world, cards, api_client):
    mine = _file(api_client, cards["agent"], "agent", "answer")["id"]
    theirs = _file(api_client, cards["other_team_agent"], "other_team_agent", "answer")["id"]
    expected = {
        "agent": {mine},
        "other_team_agent": {theirs},
        "colleague": set(),
        "supervisor": {mine},
        "reviewer": {mine, theirs},
        "inspector": {mine, theirs},
        "hr": {mine, theirs},
        "auditor": {mine, theirs},
        "outsider": set(),
    }
    for who, want in expected.items():
        api_client.login(who)
        assert {a["id"] for a in api_client.get("/api/appeals").json()} == want, who
        r = api_client.get(f"/api/appeals/{mine}")
        assert r.status_code == (200 if mine in want else 404), who
