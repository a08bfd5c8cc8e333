"""QC API: the same steps and scoping as the pages, through bearer tokens."""

from __future__ import annotations

import pytest

from csperf.qc import actions
from tests.qc.conftest import FULL_HOTLINE
from tests.qc.test_workflow import population

pytestmark = pytest.mark.django_db


def test_inspector_scores_through_the_api(qc, api_client):
    plan = actions.create_plan(
        qc.users["inspector"],
        name="api",
        period="2026-03",
        department=qc.departments["D1"],
        form=qc.forms["hotline-call"],
        params={"mode": "count", "count": 1},
    )
    actions.draw(
        qc.users["inspector"], plan, interactions=population(), inspectors=[qc.users["inspector"]]
    )
    api_client.login("inspector")
    rows = api_client.get("/api/qc/reviews?mine=true&status=assigned").json()
    assert len(rows) == 3
    rid = rows[0]["id"]
    r = api_client.put(f"/api/qc/reviews/{rid}/answers", {"answers": {"greeting": 4}})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"][-1] == "greeting"
    r = api_client.put(f"/api/qc/reviews/{rid}/answers", {"answers": FULL_HOTLINE})
    assert r.status_code == 200 and r.json()["status"] == "in_progress"
    r = api_client.post(f"/api/qc/reviews/{rid}/submit")
    assert r.json()["score"] == "100.00" or float(r.json()["score"]) == 100
    assert api_client.post(f"/api/qc/reviews/{rid}/submit").status_code == 409
    r = api_client.post(f"/api/qc/reviews/{rid}/recheck", {"inspector": "inspector2"})
    assert r.status_code == 201 and r.json()["kind"] == "recheck"
    assert api_client.get("/api/qc/results?period=2026-03").json()[0]["count"] == 1
    api_client.login("outsider")
    assert api_client.get(f"/api/qc/reviews/{rid}").status_code == 404
    assert api_client.get("/api/qc/reviews").json() == []


def test_plan_through_the_api(qc, api_client):
    api_client.login("inspector")
    r = api_client.post(
        "/api/qc/plans",
        {
            "name": "p",
            "period": "2026-03",
            "department": "D1",
            "form": "hotline-call",
            "params": {"mode": "share", "share": 0.05, "minimum": 20},
        },
    )
    assert r.status_code == 201
    r = api_client.post(
        "/api/qc/plans",
        {
            "name": "p",
            "period": "2026-03",
            "department": "D2",
            "form": "hotline-call",
            "params": {"mode": "count", "count": 5},
        },
    )
    assert r.status_code == 422  # D2 is not the inspector's department
