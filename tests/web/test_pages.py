"""Server-rendered pages for every persona, the browser workflow, language switching."""

from __future__ import annotations

import pytest

from csperf.core.models import AuditEvent
from csperf.reviews.models import CardStatus, Rating

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
SEES_AGENT = {
    p: 200 if p in ("agent", "supervisor", "reviewer", "inspector", "hr", "auditor") else 404
    for p in P
}


def pages(world) -> list[tuple[str, dict[str, int]]]:
    card = world.card()
    cyc = world.cycle.pk
    all_ok = dict.fromkeys(P, 200)
    hr_only = {p: 200 if p == "hr" else 403 for p in P}
    return [
        ("/", all_ok),
        ("/cycles/", all_ok),
        (f"/cycles/{cyc}/", {**all_ok, "outsider": 404}),
        (f"/cycles/{cyc}/?status=self_review", {**all_ok, "outsider": 404}),
        ("/cycles/new/", hr_only),
        ("/cycles/templates/", all_ok),
        (f"/cycles/templates/{world.template.pk}/", {**all_ok, "outsider": 404}),
        ("/cycles/templates/new/", hr_only),
        (f"/cards/{card.pk}/", SEES_AGENT),
        (f"/cards/{card.pk}/export.xlsx", SEES_AGENT),
        ("/cards/999999/", dict.fromkeys(P, 404)),
        ("/org/", all_ok),
        (f"/org/employees/{world.employees['agent'].pk}/", SEES_AGENT),
    ]


@pytest.mark.parametrize("persona", P)
def test_page_matrix(world, client, persona):
    client.force_login(world.users[persona])
    for path, expected in pages(world):
        r = client.get(path)
        assert r.status_code == expected[persona], (persona, path, r.status_code)


def test_anonymous_is_sent_to_login(world, client):
    for path, _ in pages(world):
        r = client.get(path)
        assert r.status_code == 302 and r.url.startswith("/login/"), path


@pytest.mark.parametrize("persona", ["colleague", "other_team_agent", "outsider"])
def test_out_of_scope_posts_are_404_and_change_nothing(world, client, persona):
    card = world.card()
    client.force_login(world.users[persona])
    for path, data in [
        (f"/cards/{card.pk}/step/", {"step": "submit"}),
        (f"/cards/{card.pk}/ratings/", {"value:attitude": "4"}),
        (f"/cards/{card.pk}/appeal/", {"appeal:attitude": "x"}),
    ]:
        assert client.post(path, data).status_code == 404
    card.refresh_from_db()
    assert card.status == CardStatus.SELF_REVIEW and not Rating.objects.filter(card=card).exists()


def test_walk_the_workflow_in_the_browser(world, client):
    card = world.card()
    url = f"/cards/{card.pk}/"
    client.force_login(world.users["agent"])
    page = client.get(url).content.decode()
    assert 'name="value:attitude"' in page and 'name="value:teamwork"' not in page
    r = client.post(
        f"/cards/{card.pk}/ratings/",
        {"value:attitude": "4", "comment:attitude": "主动", "then": "submit"},
    )
    assert r.status_code == 302
    card.refresh_from_db()
    assert card.status == CardStatus.SUPERVISOR_REVIEW
    client.force_login(world.users["supervisor"])
    # a wrong value is refused with a message, nothing saved
    r = client.post(
        f"/cards/{card.pk}/ratings/", {"value:attitude": "3", "value:teamwork": "99"}, follow=True
    )
    assert "10" in r.content.decode()
    assert not Rating.objects.filter(card=card, role="supervisor").exists()
    client.post(
        f"/cards/{card.pk}/ratings/",
        {"value:attitude": "3", "value:teamwork": "9", "then": "submit"},
    )
    client.force_login(world.users["reviewer"])
    client.post(f"/cards/{card.pk}/ratings/", {"value:attitude": "3", "then": "submit"})
    card.refresh_from_db()
    assert card.status == CardStatus.APPROVED
    client.force_login(world.users["hr"])
    bulk = f"/cycles/{world.cycle.pk}/bulk/"
    page = client.post(bulk, {"step": "publish", "scope": "all"}).content.decode()
    card.refresh_from_db()
    assert card.status == CardStatus.APPROVED and 'name="confirm"' in page  # asks first
    client.post(
        bulk,
        {"step": "publish", "scope": "all", "confirm": "1", "card": [card.pk], "reason": "发布"},
    )
    card.refresh_from_db()
    assert card.status == CardStatus.PUBLISHED
    client.force_login(world.users["agent"])
    page = client.get(url).content.decode()
    assert str(card.total) in page and 'name="appeal:attitude"' in page
    client.post(f"/cards/{card.pk}/appeal/", {"appeal:attitude": "偏低"})
    card.refresh_from_db()
    assert card.status == CardStatus.APPEALED
    client.force_login(world.users["hr"])
    appeal = card.appeals.get()
    client.post(
        f"/cards/appeals/{appeal.pk}/resolve/",
        {"decision": "accept", "resolution": "同意", "correct:attitude": "4"},
    )
    card.refresh_from_db()
    assert card.status == CardStatus.APPEAL_RESOLVED
    page = client.get(url).content.decode()
    # the history shown on the card, each action by its name (申诉更正), not its code
    assert "同意" in page and "申诉更正" in page and "appeal_correction" not in page


def test_exports_and_views_of_others_are_logged(world, client):
    card = world.card()
    client.force_login(world.users["agent"])
    client.get(f"/cards/{card.pk}/export.xlsx")
    assert not AuditEvent.objects.filter(card_id=card.pk, kind__in=["view", "export"]).exists()
    client.force_login(world.users["auditor"])
    r = client.get(f"/cards/{card.pk}/export.xlsx")
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")
    assert AuditEvent.objects.filter(
        card_id=card.pk, kind="export", actor=world.users["auditor"]
    ).exists()
    client.get(f"/cycles/{world.cycle.pk}/")
    assert AuditEvent.objects.filter(
        cycle_id=world.cycle.pk, kind="view", actor=world.users["auditor"]
    ).exists()


def test_chinese_by_default_english_on_request(world, client):
    r = client.get("/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "登录" in r.content.decode()  # the browser's language does not switch it
    client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    r = client.get("/login/")
    assert "Log in" in r.content.decode()


def test_api_docs_and_schema(client):
    assert client.get("/api/docs").status_code == 200
    schema = client.get("/api/openapi.json").json()
    assert "/api/auth/token" in schema["paths"] and "/api/cards/{card_id}" in schema["paths"]


def test_job_progress_partial(world, client):
    from csperf.cycles.actions import request_compute

    job = request_compute(world.users["hr"], world.cycle)
    client.force_login(world.users["hr"])
    r = client.get(f"/jobs/{job.pk}/")
    assert r.status_code == 200 and "hx-get" in r.content.decode()
    client.force_login(world.users["agent"])
    assert client.get(f"/jobs/{job.pk}/").status_code == 404
