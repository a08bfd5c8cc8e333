"""The API side of issue 13: coverage on cards, one cycle per period and scope, the gates of
opening (409 naming the cards), HR's decisions on held-back cards, delete and archive."""

from __future__ import annotations

import pytest

from csperf.cycles.models import Cycle
from csperf.reviews.models import Card, CardStatus
from tests.cycles.centre import centre_fixture  # noqa: F401  (the centre fixture)

pytestmark = pytest.mark.django_db


def _send(client, api_client, method: str, path: str, data=None):
    return getattr(client, method)(
        path, data or {}, content_type="application/json", **api_client._headers()
    )


def test_cards_carry_their_coverage_as_a_number(centre, api_client):
    api_client.login("hr")
    colleague = centre.card("colleague")
    body = api_client.get(f"/api/cards/{colleague.pk}").json()
    assert body["coverage"] == 0.3 and body["min_coverage"] == 0.8
    assert [u["name"] for u in body["uncovered"]][:2] == ["一次解决率", "平均处理时长"]
    assert body["uncovered"][0]["feed"] == "记录: fcr"
    listed = api_client.get(f"/api/cards?cycle={centre.cycle.pk}").json()
    assert {c["employee_code"]: c["coverage"] for c in listed} == {
        "E001": 1.0,
        "E002": 0.3,
        "Q001": 1.0,
    }
    # the employee reads their own coverage too (a fact about the data, not a score)
    api_client.login("colleague")
    assert api_client.get(f"/api/cards/{colleague.pk}").json()["coverage"] == 0.3


def test_a_second_cycle_of_the_period_is_409_naming_the_first(centre, api_client):
    api_client.login("hr")
    r = api_client.post("/api/cycles", {"period": "2026-03"})
    assert r.status_code == 409
    assert centre.cycle.name in r.json()["detail"]
    assert Cycle.objects.filter(period="2026-03").count() == 1


def test_scoped_cycles_by_code(centre, api_client):
    api_client.login("hr")
    r = api_client.post(
        "/api/cycles", {"period": "2026-04", "departments": ["DQ"], "min_coverage": 0.5}
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["scope"] == {"departments": ["DQ"], "teams": [], "positions": []}
    assert body["min_coverage"] == 0.5
    assert body["unrated_stages"][0]["unit"] == "质检组"
    assert api_client.post("/api/cycles", {"period": "2026-04", "teams": ["T1"]}).status_code == 201
    assert api_client.post("/api/cycles", {"period": "2026-04", "teams": ["T1"]}).status_code == 409
    r = api_client.post("/api/cycles", {"period": "2026-05", "teams": ["NOPE"]})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "teams", 0]
    bad = api_client.post("/api/cycles", {"period": "2026-05", "min_coverage": 1.5})
    assert bad.status_code == 422


def test_opening_answers_409_with_the_blocked_cards(centre, api_client):
    api_client.login("hr")
    r = api_client.post(f"/api/cycles/{centre.cycle.pk}/open")
    assert r.status_code == 409
    blocked = {(b["employee_code"], b["kind"]) for b in r.json()["blocked"]}
    assert blocked == {("E002", "coverage"), ("Q001", "raters")}
    assert "李四 (E002)" in r.json()["detail"]
    gate = api_client.get(f"/api/cycles/{centre.cycle.pk}/gate").json()
    assert {b["employee_code"] for b in gate["blocked"]} == {"E002", "Q001"}
    assert gate["unrated_stages"][0]["cards"][0]["code"] == "Q001"
    teams = {m["name"]: m for m in gate["coverage"]["teams"]}
    assert teams["客服一部 / 一组"]["below"] == 1 and teams["客服一部 / 一组"]["mean"] == 0.65
    r = api_client.post(
        f"/api/cycles/{centre.cycle.pk}/open",
        {
            "reason": "开评",
            "exclude": [{"card": centre.card("colleague").pk, "reason": "数据未到"}],
            "override": [{"card": centre.card("qc").pk, "reason": "主管下周到岗"}],
        },
    )
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "open"
    assert centre.card("colleague").status == CardStatus.EXCLUDED


def test_a_decision_without_a_reason_or_for_another_cycles_card_is_422(centre, api_client):
    api_client.login("hr")
    path = f"/api/cycles/{centre.cycle.pk}/open"
    r = api_client.post(path, {"exclude": [{"card": centre.card("colleague").pk, "reason": ""}]})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "exclude", 0, "reason"]
    r = api_client.post(path, {"exclude": [{"card": 999999, "reason": "x"}]})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "exclude", 0, "card"]


def test_card_gate_decisions_and_the_publish_gate(centre, api_client, client):
    api_client.login("hr")
    colleague, qc = centre.card("colleague"), centre.card("qc")
    r = api_client.post(
        f"/api/cards/{qc.pk}/gate", {"decision": "override", "reason": "主管到岗前"}
    )
    assert r.status_code == 200 and r.json()["gate_overrides"]["raters"]["reason"] == "主管到岗前"
    r = api_client.post(f"/api/cards/{colleague.pk}/gate", {"decision": "exclude", "reason": ""})
    assert r.status_code == 422
    r = api_client.post(
        f"/api/cards/{colleague.pk}/gate", {"decision": "override", "reason": "核对"}
    )
    assert r.status_code == 200
    assert api_client.post(f"/api/cycles/{centre.cycle.pk}/open").status_code == 200
    # rated and approved, then the data goes: publishing answers 409
    from csperf.reviews import actions as card_actions

    card = centre.card("agent")
    card_actions.save_ratings(centre.users["supervisor"], card, [{"item": "attitude", "value": 15}])
    card_actions.submit(centre.users["supervisor"], card)
    Card.objects.filter(pk=card.pk).update(coverage=0)
    r = api_client.post(f"/api/cards/{card.pk}/transitions", {"action": "publish"})
    assert r.status_code == 409 and "张三 (E001)" in r.json()["detail"]
    # other roles may not decide
    api_client.login("supervisor")
    r = api_client.post(f"/api/cards/{card.pk}/gate", {"decision": "override", "reason": "x"})
    assert r.status_code == 403


def test_delete_a_draft_cycle_archive_an_opened_one(centre, api_client, client):
    api_client.login("supervisor")
    path = f"/api/cycles/{centre.cycle.pk}"
    assert _send(client, api_client, "delete", f"{path}?reason=x").status_code == 403
    api_client.login("hr")
    assert _send(client, api_client, "delete", path).status_code == 422  # no reason
    r = _send(client, api_client, "patch", path, {"min_coverage": 0.3, "reason": "试运行"})
    assert r.status_code == 200 and r.json()["min_coverage"] == 0.3
    r = api_client.post(
        f"{path}/open", {"override": [{"card": centre.card("qc").pk, "reason": "主管下周到岗"}]}
    )
    assert r.status_code == 200, r.content
    assert _send(client, api_client, "delete", f"{path}?reason=建错").status_code == 409
    r = api_client.post(f"{path}/archive", {"reason": "与新周期重复"})
    assert r.status_code == 200 and r.json()["status"] == "archived"
    assert api_client.get("/api/cycles").json() == []
    assert [c["id"] for c in api_client.get("/api/cycles?archived=true").json()] == [
        centre.cycle.pk
    ]
    assert api_client.get(path).status_code == 200
    fresh = api_client.post("/api/cycles", {"period": "2026-03"}).json()
    r = _send(client, api_client, "delete", f"/api/cycles/{fresh['id']}?reason=建错")
    assert r.status_code == 204
    assert not Cycle.objects.filter(pk=fresh["id"]).exists()


def test_only_hr_and_the_auditor_see_who_waits_for_a_missing_rater(centre, api_client):
    path = f"/api/cycles/{centre.cycle.pk}"
    for persona, sees in [("hr", True), ("auditor", True), ("supervisor", False), ("agent", False)]:
        api_client.login(persona)
        stages = api_client.get(path).json()["unrated_stages"]
        assert bool(stages) is sees, persona
        listed = api_client.get("/api/cycles").json()
        assert all(bool(c["unrated_stages"]) is sees for c in listed), persona
