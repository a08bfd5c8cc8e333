"""Indicator endpoints: the library for everyone with a role, values only within scope."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_indicator_library(world, api_client):
    api_client.login("agent")
    codes = {i["code"] for i in api_client.get("/api/indicators").json()}
    assert len(codes) > 10
    api_client.login("outsider")
    assert api_client.get("/api/indicators").json() == []


def test_indicator_values_are_scoped(world, api_client, monkeypatch):
    seen = {}

    def fake_compute(period, level, codes, *, subjects, data_dir):
        seen["subjects"] = subjects
        return [{"subject": s, "x": 1} for s in (subjects or ["center"])]

    monkeypatch.setattr("csperf.metrics.compute", fake_compute)
    api_client.login("agent")
    assert api_client.get("/api/indicators/values?period=2026-03").json() == [
        {"subject": "E001", "x": 1}
    ]
    assert api_client.get("/api/indicators/values?period=2026-03&level=center").status_code == 403
    api_client.login("supervisor")
    api_client.get("/api/indicators/values?period=2026-03&level=team")
    assert seen["subjects"] == ["一组"]
    api_client.login("outsider")
    assert api_client.get("/api/indicators/values?period=2026-03").json() == []


def test_bad_period_is_422_with_the_field(world, api_client):
    api_client.login("hr")
    r = api_client.get("/api/indicators/values?period=March")
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["query", "period"]
    r = api_client.get("/api/indicators/values?period=2026-03&indicators=no_such_thing")
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["query", "indicators"]
