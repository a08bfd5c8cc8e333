"""Who sees which board, plan page and endpoint (out of scope: 404, never a hint it exists)."""

from __future__ import annotations

import pytest

from csperf.board import actions as plan_actions
from csperf.board.models import ImprovementPlan
from csperf.reviews import actions
from tests.board.conftest import future

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


STAFF_T1 = expect(404, supervisor=200, reviewer=200, inspector=200, hr=200, auditor=200)
STAFF_T2 = expect(404, reviewer=200, inspector=200, hr=200, auditor=200)
ALL_SEEING = expect(404, hr=200, auditor=200)


def _plan(w) -> ImprovementPlan:
    return plan_actions.create_plan(
        w.users["supervisor"],
        w.card("agent"),
        {"problem": "不合格", "actions": "每周复盘录音", "deadline": future()},
    )


def test_pages_per_persona(board_world, client):
    w = board_world
    plan = _plan(w)
    t1, t2, t3 = (w.teams[k].pk for k in ("T1", "T2", "T3"))
    cyc = w.cycle.pk
    pages = [
        ("/board/", STAFF_T1),
        (f"/board/?cycle={cyc}&team={t1}", STAFF_T1),
        (f"/board/?cycle={cyc}&team={t2}", STAFF_T2),
        (f"/board/?cycle={cyc}&team={t3}", ALL_SEEING),
        (f"/board/?cycle={cyc}&team=999999", expect(404)),
        (f"/board/?cycle=999999&team={t1}", expect(404)),
        (f"/board/?cycle={cyc}&team={t1}&table=ranking&format=csv", STAFF_T1),
        ("/board/plans/", STAFF_T1),
        (f"/board/plans/{plan.pk}/", STAFF_T1),  # the agent's own: not before publishing
        (
            f"/board/plans/new/{w.card('agent').pk}/",
            expect(404, supervisor=200, reviewer=200, hr=200, inspector=403, auditor=403),
        ),
    ]
    for url, want in pages:
        for who in P:
            client.force_login(w.users[who])
            got = client.get(url).status_code
            assert got == want[who], (url, who, got)


def test_agent_sees_own_plan_once_the_card_is_published(board_world, client, rate_through):
    w = board_world
    card = rate_through("agent", {"self": 1, "supervisor": 1, "reviewer": 1})
    assert card.grade == "不合格"
    plan = _plan(w)
    link = f'href="/board/plans/{plan.pk}/"'
    client.force_login(w.users["agent"])
    assert client.get(f"/board/plans/{plan.pk}/").status_code == 404
    assert link not in client.get(f"/cards/{card.pk}/").content.decode()
    assert link not in client.get("/").content.decode()
    actions.publish(w.users["hr"], card)
    r = client.get(f"/board/plans/{plan.pk}/")
    assert r.status_code == 200
    page = r.content.decode()
    assert "每周复盘录音" in page and f"/board/plans/{plan.pk}/close/" not in page
    assert client.get("/board/").status_code == 404  # still no board
    # The plan is on the card and on the home page ("My work").
    assert link in client.get(f"/cards/{card.pk}/").content.decode()
    assert link in client.get("/").content.decode()
    client.force_login(w.users["colleague"])
    assert client.get(f"/board/plans/{plan.pk}/").status_code == 404


def test_api_per_persona(board_world, api_client):
    w = board_world
    plan = _plan(w)
    t1, t3 = w.teams["T1"].pk, w.teams["T3"].pk
    cyc = w.cycle.pk
    calls = [
        ("get", f"/api/board?cycle={cyc}&team={t1}", None, STAFF_T1),
        ("get", f"/api/board?cycle={cyc}&team={t3}", None, ALL_SEEING),
        ("get", f"/api/board/plans/{plan.pk}", None, STAFF_T1),
        (
            "put",
            f"/api/board/plans/{plan.pk}",
            {"target": "下月合格"},
            expect(404, supervisor=200, reviewer=200, hr=200, inspector=403, auditor=403),
        ),
    ]
    for method, url, body, want in calls:
        for who in P:
            api_client.login(who)
            r = getattr(api_client, method)(url, body) if body else api_client.get(url)
            assert r.status_code == want[who], (method, url, who, r.status_code, r.content)
    # Listing never fails; it shows only what the login may see.
    for who in P:
        api_client.login(who)
        ids = [p["id"] for p in api_client.get("/api/board/plans").json()]
        assert ids == ([plan.pk] if STAFF_T1[who] == 200 else []), who


def test_creating_plans_per_persona(board_world, api_client):
    w = board_world
    card = w.card("agent")
    want = expect(404, supervisor=201, reviewer=201, hr=201, inspector=403, auditor=403)
    for who in P:
        api_client.login(who)
        r = api_client.post(
            "/api/board/plans",
            {"card_id": card.pk, "problem": "x", "actions": ["a"], "deadline": future()},
        )
        assert r.status_code == want[who], (who, r.content)
        ImprovementPlan.objects.all().delete()
