"""结果公示 through the API: ``GET /api/cycles/{id}/disclosure`` reads the setting and the results
it shows the caller, ``PUT`` changes it (HR only, with the cycle action the page uses, audited).
Forbidden personas get 403 when they see the cycle and 404 when they do not; a member outside the
dates gets 404, as on the page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from csperf.core.models import AuditEvent
from csperf.reviews import actions

pytestmark = pytest.mark.django_db


@pytest.fixture
def released(world, rate_through):
    cards = []
    for who in ("agent", "colleague"):
        card = rate_through(who)
        actions.publish(world.users["hr"], card)
        card.refresh_from_db()
        cards.append(card)
    return cards


def _body(days_before: int = 1, days_after: int = 5, **extra) -> dict:
    today = timezone.localdate()
    return {
        "disclose_results": True,
        "disclose_from": (today - dt.timedelta(days=days_before)).isoformat(),
        "disclose_until": (today + dt.timedelta(days=days_after)).isoformat(),
        **extra,
    }


def _url(world) -> str:
    return f"/api/cycles/{world.cycle.pk}/disclosure"


def test_hr_changes_disclosure_and_it_is_audited(world, released, api_client):
    api_client.login("hr")
    r = api_client.put(_url(world), _body(reason="公示一周"))
    assert r.status_code == 200, r.content
    assert r.json()["disclose_results"] is True and r.json()["open_now"] is True
    world.cycle.refresh_from_db()
    assert world.cycle.disclose_results
    event = AuditEvent.objects.get(cycle_id=world.cycle.pk, action="disclosure")
    assert event.actor == world.users["hr"] and event.reason == "公示一周"
    assert event.new["disclose_until"] == _body()["disclose_until"]
    body = api_client.get(_url(world)).json()
    names = {row["name"] for g in body["departments"] for row in g["rows"]}
    assert names == {"张三", "李四"}
    # Turned off again: one more audit row, and the dates are cleared.
    r = api_client.put(_url(world), {"disclose_results": False, "reason": "撤回"})
    assert r.status_code == 200 and r.json()["disclose_from"] is None
    assert AuditEvent.objects.filter(cycle_id=world.cycle.pk, action="disclosure").count() == 2


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("agent", 403),
        ("supervisor", 403),
        ("reviewer", 403),
        ("inspector", 403),
        ("auditor", 403),
        ("outsider", 404),
    ],
)
def test_others_may_not_change_it(world, api_client, persona, status):
    api_client.login(persona)
    r = api_client.put(_url(world), _body())
    assert r.status_code == status, (persona, r.content)
    world.cycle.refresh_from_db()
    assert not world.cycle.disclose_results
    assert not AuditEvent.objects.filter(action="disclosure").exists()


def test_unknown_cycle_is_404_for_everyone(world, api_client):
    for persona in ("hr", "agent", "outsider"):
        api_client.login(persona)
        assert api_client.get("/api/cycles/999999/disclosure").status_code == 404, persona
        assert api_client.put("/api/cycles/999999/disclosure", _body()).status_code == 404


def test_members_read_results_only_within_the_dates(world, released, api_client):
    _agent_card, colleague_card = released
    api_client.login("agent")
    # Not disclosed: as on the page, nothing exists for a member.
    assert api_client.get(_url(world)).status_code == 404
    api_client.login("hr")
    assert api_client.get(_url(world)).status_code == 200  # HR previews at any time
    assert api_client.put(_url(world), _body()).status_code == 200
    api_client.login("agent")
    r = api_client.get(_url(world))
    assert r.status_code == 200
    (dept,) = r.json()["departments"]
    assert dept["department_code"] == "D1"
    row = next(x for x in dept["rows"] if x["name"] == "李四")
    assert row["grade"] == colleague_card.grade and row["rank"] == colleague_card.rank
    assert "pay" not in row and "王五" not in str(r.json()) and "赵六" not in str(r.json())
    api_client.login("outsider")
    assert api_client.get(_url(world)).status_code == 404
    # Past the dates: gone again for members.
    api_client.login("hr")
    assert api_client.put(_url(world), _body(days_before=30, days_after=-25)).status_code == 200
    api_client.login("agent")
    assert api_client.get(_url(world)).status_code == 404


def test_bad_dates_name_the_field(world, api_client):
    api_client.login("hr")
    r = api_client.put(_url(world), _body(days_before=-5, days_after=-10))
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["body", "disclose_until"]
    r = api_client.put(_url(world), {"disclose_results": True, "disclose_until": "2026-04-01"})
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["body", "disclose_from"]
    world.cycle.refresh_from_db()
    assert not world.cycle.disclose_results


def test_documented_in_openapi(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    op = paths["/api/cycles/{cycle_id}/disclosure"]
    assert set(op) >= {"get", "put"}
    assert "结果公示" in op["get"]["description"] and "HR" in op["put"]["description"]
    assert "200" in op["put"]["responses"]
