"""Every API endpoint for every persona: what each may see and do (out of scope: 404)."""

from __future__ import annotations

import pytest

from csperf.core import jobs
from csperf.reviews import actions

pytestmark = pytest.mark.django_db

P = (
    "agent",
    "colleague",
    "other_team_agent",
    "supervisor",
    "reviewer",
    "inspector",
    "hr",
    "auditor",
    "outsider",
)


def expect(default: int, **per: int) -> dict[str, int]:
    return {p: per.get(p, default) for p in P}


# Reading the agent's card (E001, team T1 of department D1).
SEES_AGENT_CARD = expect(
    404, agent=200, supervisor=200, reviewer=200, inspector=200, hr=200, auditor=200
)


def _matrix(world) -> list[tuple[str, str, object, dict[str, int]]]:
    card = world.card("agent")
    emp = world.employees["agent"]
    cyc = world.cycle.pk
    return [
        ("get", "/api/me", None, expect(200)),
        ("get", "/api/cycles", None, expect(200)),
        ("get", f"/api/cycles/{cyc}", None, expect(200, outsider=404)),
        ("get", "/api/cycles/999999", None, expect(404)),
        ("post", "/api/cycles", {"period": "2026-04"}, expect(403, hr=201)),
        ("post", f"/api/cycles/{cyc}/compute", None, expect(403, hr=202, outsider=404)),
        ("get", "/api/templates", None, expect(200)),
        ("get", f"/api/templates/{world.template.pk}", None, expect(200, outsider=404)),
        ("get", "/api/employees", None, expect(200)),
        ("get", f"/api/employees/{emp.pk}", None, SEES_AGENT_CARD),
        ("get", f"/api/cards?cycle={cyc}", None, expect(200, outsider=404)),
        ("get", f"/api/cards/{card.pk}", None, SEES_AGENT_CARD),
        ("get", "/api/cards/999999", None, expect(404)),
        ("get", f"/api/cards/{card.pk}/history", None, SEES_AGENT_CARD),
        ("get", f"/api/cards/{card.pk}/appeals", None, SEES_AGENT_CARD),
        (
            "put",
            f"/api/cards/{card.pk}/ratings",
            {"ratings": [{"item": "attitude", "value": 3}]},
            {**{k: (403 if v == 200 else v) for k, v in SEES_AGENT_CARD.items()}, "agent": 200},
        ),
        (
            "post",
            f"/api/cards/{card.pk}/transitions",
            {"action": "publish"},
            {**{k: (403 if v == 200 else v) for k, v in SEES_AGENT_CARD.items()}, "hr": 409},
        ),
        (
            "post",
            f"/api/cards/{card.pk}/appeals",
            {"items": [{"item": "attitude", "reason": "x"}]},
            {**{k: (403 if v == 200 else v) for k, v in SEES_AGENT_CARD.items()}, "agent": 409},
        ),
    ]


@pytest.mark.parametrize("persona", P)
def test_api_matrix(world, api_client, persona):
    api_client.login(persona)
    for method, path, body, expected in _matrix(world):
        r = (
            getattr(api_client, method)(path, body)
            if body is not None or method != "get"
            else api_client.get(path)
        )
        assert r.status_code == expected[persona], (
            persona,
            method,
            path,
            r.status_code,
            r.content[:300],
        )


def test_every_endpoint_needs_a_token(world, client):
    card = world.card()
    for method, path in [
        ("get", "/api/me"),
        ("get", "/api/cycles"),
        ("get", f"/api/cards/{card.pk}"),
        ("get", f"/api/cards?cycle={world.cycle.pk}"),
        ("put", f"/api/cards/{card.pk}/ratings"),
        ("post", f"/api/cards/{card.pk}/transitions"),
        ("post", "/api/cycles"),
    ]:
        r = getattr(client, method)(path, HTTP_AUTHORIZATION="Bearer nonsense")
        assert r.status_code == 401, (method, path)


def test_card_lists_are_scoped(world, api_client):
    expected = {
        "agent": {"E001"},
        "colleague": {"E002"},
        "other_team_agent": {"E003"},
        "supervisor": {"E001", "E002"},
        "reviewer": {"E001", "E002", "E003"},
        "inspector": {"E001", "E002", "E003"},
        "hr": {"E001", "E002", "E003", "E004"},
        "auditor": {"E001", "E002", "E003", "E004"},
    }
    for persona, codes in expected.items():
        api_client.login(persona)
        got = {
            c["employee_code"] for c in api_client.get(f"/api/cards?cycle={world.cycle.pk}").json()
        }
        assert got == codes, persona


def test_bad_login_is_401(world, client):
    r = client.post(
        "/api/auth/token",
        {"username": "agent", "password": "wrong"},
        content_type="application/json",
    )
    assert r.status_code == 401
    r = client.post("/api/auth/token", {"username": "agent"}, content_type="application/json")
    assert r.status_code == 422


def test_bad_input_answers_422_with_the_field(world, api_client):
    card = world.card()
    api_client.login("agent")
    r = api_client.put(
        f"/api/cards/{card.pk}/ratings", {"ratings": [{"item": "attitude", "value": 9}]}
    )
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["body", "ratings", 0, "value"]
    r = api_client.put(
        f"/api/cards/{card.pk}/ratings", {"ratings": [{"item": "attitude", "value": "x"}]}
    )
    assert r.status_code == 422 and "ratings" in r.json()["detail"][0]["loc"]
    r = api_client.post(f"/api/cards/{card.pk}/transitions", {"action": "fly"})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"][-1] == "action"
    r = api_client.post(f"/api/cards/{card.pk}/transitions", {"action": "submit"})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "ratings"]
    api_client.login("hr")
    r = api_client.post("/api/cycles", {"period": "2026-13"})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "period"]


def test_agent_sees_own_scores_only_after_publishing(world, api_client, rate_through):
    api_client.login("agent")
    card = world.card()
    body = api_client.get(f"/api/cards/{card.pk}").json()
    assert body["total"] is None and body["sections"][0]["items"][0]["score"] is None
    assert set(body["sections"][0]["items"][1]["ratings"]) == {"self"}
    card = rate_through("agent")
    actions.publish(world.users["hr"], card)
    body = api_client.get(f"/api/cards/{card.pk}").json()
    assert body["total"] == "60.00" or float(body["total"]) == 60
    assert set(body["sections"][0]["items"][1]["ratings"]) == {"self", "supervisor", "reviewer"}


def test_workflow_through_the_api(world, api_client):
    card = world.card()
    steps = [
        ("agent", {"ratings": [{"item": "attitude", "value": 4, "comment": "主动服务"}]}),
        (
            "supervisor",
            {"ratings": [{"item": "attitude", "value": 3}, {"item": "teamwork", "value": 9}]},
        ),
        ("reviewer", {"ratings": [{"item": "attitude", "value": 3}]}),
    ]
    for who, ratings in steps:
        api_client.login(who)
        assert api_client.put(f"/api/cards/{card.pk}/ratings", ratings).status_code == 200
        r = api_client.post(f"/api/cards/{card.pk}/transitions", {"action": "submit"})
        assert r.status_code == 200, r.content
    assert r.json()["status"] == "approved"
    api_client.login("hr")
    assert (
        api_client.post(f"/api/cards/{card.pk}/transitions", {"action": "publish"}).json()["status"]
        == "published"
    )
    api_client.login("agent")
    r = api_client.post(
        f"/api/cards/{card.pk}/appeals", {"items": [{"item": "attitude", "reason": "偏低"}]}
    )
    assert r.status_code == 201
    appeal_id = r.json()["id"]
    api_client.login("supervisor")
    assert (
        api_client.post(
            f"/api/appeals/{appeal_id}/resolve", {"accept": False, "resolution": "x"}
        ).status_code
        == 403
    )
    api_client.login("colleague")
    assert (
        api_client.post(
            f"/api/appeals/{appeal_id}/resolve", {"accept": False, "resolution": "x"}
        ).status_code
        == 404
    )
    api_client.login("hr")
    r = api_client.post(
        f"/api/appeals/{appeal_id}/resolve",
        {"accept": True, "resolution": "同意", "corrections": {"attitude": 4}},
    )
    assert r.status_code == 200 and r.json()["status"] == "accepted"
    history = api_client.get(f"/api/cards/{card.pk}/history").json()
    assert {
        "rate",
        "submit",
        "approve",
        "publish",
        "appeal",
        "appeal_correction",
        "resolve_appeal",
    } <= {e["action"] for e in history}


def test_compute_job_via_the_api(world, api_client):
    api_client.login("hr")
    r = api_client.post(f"/api/cycles/{world.cycle.pk}/compute")
    assert r.status_code == 202 and r.json()["status"] == "queued"
    assert jobs.run_pending() == 1
    job = api_client.get(f"/api/jobs/{r.json()['id']}").json()
    assert job["status"] == "done" and job["percent"] == 100 and job["result"]["cards"] == 4
    api_client.login("agent")
    assert api_client.get(f"/api/jobs/{job['id']}").status_code == 404


def test_views_of_other_peoples_cards_are_logged(world, api_client):
    from csperf.core.models import AuditEvent

    card = world.card()
    api_client.login("agent")
    api_client.get(f"/api/cards/{card.pk}")
    assert not AuditEvent.objects.filter(card_id=card.pk, kind="view").exists()
    api_client.login("supervisor")
    api_client.get(f"/api/cards/{card.pk}")
    ev = AuditEvent.objects.get(card_id=card.pk, kind="view")
    assert ev.actor == world.users["supervisor"]
