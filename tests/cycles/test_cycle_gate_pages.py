"""The cycle pages of issue 13: coverage meters per team and template, the cards held back,
stages nobody can rate with their fix, HR's decisions, scope on create, delete and archive."""

from __future__ import annotations

import pytest

from csperf.cycles.models import Cycle
from csperf.reviews.models import CardStatus
from tests.cycles.centre import centre_fixture  # noqa: F401  (the centre fixture)

pytestmark = pytest.mark.django_db


def _page(client, centre) -> str:
    r = client.get(f"/cycles/{centre.cycle.pk}/")
    assert r.status_code == 200
    return r.content.decode()


def _section(html: str, anchor: str) -> str:
    start = html.index(f'id="{anchor}"')
    return html[start : html.index('<div class="card-box"', start + 1)]


def test_hr_sees_meters_held_cards_and_stages_nobody_can_rate(centre, client):
    client.force_login(centre.users["hr"])
    html = _page(client, centre)
    meters = _section(html, "coverage")
    assert "客服一部 / 一组" in meters and "65%" in meters  # (100% + 30%) / 2
    assert "质检部 / 质检组" in meters and "客户经理考核表 (cm-card)" in meters
    held = _section(html, "held")
    assert "李四" in held and "30%" in held and "张三" not in held
    gaps = _section(html, "unrated-stages")
    assert "质检组" in gaps and "孙七" in gaps and 'href="/org/access/"' in gaps


def test_a_supervisor_sees_the_meters_of_their_team_but_no_gate_forms(centre, client):
    client.force_login(centre.users["supervisor"])
    html = _page(client, centre)
    assert "客服一部 / 一组" in _section(html, "coverage")
    assert 'id="held"' not in html and 'id="unrated-stages"' not in html


def test_opening_from_the_page_is_refused_naming_the_cards(centre, client):
    client.force_login(centre.users["hr"])
    r = client.post(f"/cycles/{centre.cycle.pk}/open/", follow=True)
    text = r.content.decode()
    assert "李四 (E002)" in text and "孙七 (Q001)" in text
    centre.cycle.refresh_from_db()
    assert centre.cycle.status == Cycle.Status.DRAFT


def test_hr_excludes_and_overrides_on_the_page_then_opens(centre, client):
    client.force_login(centre.users["hr"])
    url = f"/cycles/{centre.cycle.pk}/gate/"
    colleague, qc = centre.card("colleague"), centre.card("qc")
    client.post(url, {"decision": "exclude", "card": [colleague.pk], "reason": "数据未到"})
    client.post(url, {"decision": "override", "card": [qc.pk], "reason": "主管下周到岗"})
    assert centre.card("colleague").status == CardStatus.EXCLUDED
    html = _page(client, centre)
    assert "数据未到" in _section(html, "excluded")
    client.post(f"/cycles/{centre.cycle.pk}/open/", {"reason": "开评"})
    centre.cycle.refresh_from_db()
    assert centre.cycle.status == Cycle.Status.OPEN
    # taken back in: a draft again, started by opening again
    client.post(url, {"decision": "include", "card": [colleague.pk], "reason": "数据已补"})
    assert centre.card("colleague").status == CardStatus.DRAFT


def test_a_decision_without_a_reason_changes_nothing(centre, client):
    client.force_login(centre.users["hr"])
    card = centre.card("colleague")
    client.post(f"/cycles/{centre.cycle.pk}/gate/", {"decision": "exclude", "card": [card.pk]})
    assert centre.card("colleague").status == CardStatus.DRAFT


def test_create_with_a_scope_and_the_overlap_message(centre, client):
    client.force_login(centre.users["hr"])
    r = client.post("/cycles/new/", {"period": "2026-03"})
    assert r.status_code == 409 and centre.cycle.name in r.content.decode()
    r = client.post(
        "/cycles/new/",
        {
            "period": "2026-04",
            "departments": [centre.departments["DQ"].pk],
            "min_coverage": "60",
        },
    )
    assert r.status_code == 302
    cycle = Cycle.objects.get(period="2026-04")
    assert list(cycle.departments.all()) == [centre.departments["DQ"]]
    assert str(cycle.min_coverage) == "0.600"
    r = client.post("/cycles/new/", {"period": "2026-05", "teams": ["999999"]})
    assert r.status_code == 422


def test_settings_delete_and_archive_from_the_page(centre, client):
    client.force_login(centre.users["hr"])
    base = f"/cycles/{centre.cycle.pk}"
    client.post(f"{base}/settings/", {"min_coverage": "30"})
    centre.cycle.refresh_from_db()
    assert str(centre.cycle.min_coverage) == "0.300"
    client.post(
        f"{base}/gate/", {"decision": "override", "card": [centre.card("qc").pk], "reason": "x"}
    )
    client.post(f"{base}/open/")
    client.post(f"{base}/archive/", {"reason": "作废"})
    centre.cycle.refresh_from_db()
    assert centre.cycle.status == Cycle.Status.ARCHIVED
    listed = client.get("/cycles/").content.decode()
    assert f'href="/cycles/{centre.cycle.pk}/"' not in listed
    assert (
        f'href="/cycles/{centre.cycle.pk}/"' in client.get("/cycles/?archived=1").content.decode()
    )
    assert client.get(f"{base}/").status_code == 200
    fresh = Cycle.objects.create(name="新", period="2026-03", rating_deadline="2026-04-05")
    client.post(f"/cycles/{fresh.pk}/delete/", {"reason": "建错"})
    assert not Cycle.objects.filter(pk=fresh.pk).exists()
