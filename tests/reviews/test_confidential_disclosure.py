"""结果公示: HR may show a cycle's released results (name, total, grade, rank; never pay) to each
department's members between two dates, as an explicit, audited cycle setting."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from csperf.core.errors import InvalidInput, NotAllowed
from csperf.core.models import AuditEvent
from csperf.cycles import actions as cycle_actions
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


def _window(days_before: int = 1, days_after: int = 5) -> tuple[dt.date, dt.date]:
    today = timezone.localdate()
    return today - dt.timedelta(days=days_before), today + dt.timedelta(days=days_after)


def test_only_hr_sets_disclosure_with_sound_dates_and_it_is_audited(world):
    first, last = _window()
    with pytest.raises(NotAllowed):
        cycle_actions.set_disclosure(world.users["supervisor"], world.cycle, True, first, last)
    with pytest.raises(InvalidInput) as err:
        cycle_actions.set_disclosure(world.users["hr"], world.cycle, True, last, first)
    assert err.value.field == "disclose_until"
    with pytest.raises(InvalidInput) as err:
        cycle_actions.set_disclosure(world.users["hr"], world.cycle, True, None, last)
    assert err.value.field == "disclose_from"
    cycle_actions.set_disclosure(world.users["hr"], world.cycle, True, first, last, "公示一周")
    world.cycle.refresh_from_db()
    assert world.cycle.disclose_results and world.cycle.disclose_until == last
    event = AuditEvent.objects.get(cycle_id=world.cycle.pk, action="disclosure")
    assert event.new["disclose_from"] == first.isoformat() and event.reason == "公示一周"


def test_members_see_released_results_of_their_department_within_the_dates(world, released, client):
    _agent, colleague_card = released
    url = f"/cycles/{world.cycle.pk}/disclosure/"
    client.force_login(world.users["agent"])
    # Not published to the department: the page does not exist for a member.
    assert client.get(url).status_code == 404
    first, last = _window()
    client.force_login(world.users["hr"])
    r = client.post(
        f"/cycles/{world.cycle.pk}/disclosure/settings/",
        {"disclose_results": "1", "disclose_from": first, "disclose_until": last},
    )
    assert r.status_code == 302
    world.cycle.refresh_from_db()
    assert world.cycle.disclosed_on(timezone.localdate())
    client.force_login(world.users["agent"])
    r = client.get(url)
    assert r.status_code == 200
    page = r.content.decode()
    assert "李四" in page and str(colleague_card.total) in page and colleague_card.grade in page
    # Never pay, and nothing of another department or of an unreleased card.
    assert "绩效工资</th>" not in page and str(colleague_card.pay) not in page
    assert "赵六" not in page and "王五" not in page
    # Another department's member sees nothing of D1; an outsider has no department.
    client.force_login(world.users["outsider"])
    assert client.get(url).status_code == 404
    # Outside the dates the page is gone again for members, HR still previews it.
    past = timezone.localdate() - dt.timedelta(days=30)
    cycle_actions.set_disclosure(
        world.users["hr"], world.cycle, True, past, past + dt.timedelta(days=3)
    )
    client.force_login(world.users["agent"])
    assert client.get(url).status_code == 404
    client.force_login(world.users["hr"])
    assert client.get(url).status_code == 200


def test_bad_dates_on_the_settings_form_name_the_field(world, client):
    client.force_login(world.users["hr"])
    r = client.post(
        f"/cycles/{world.cycle.pk}/disclosure/settings/",
        {"disclose_results": "1", "disclose_from": "2026-13-01", "disclose_until": ""},
        follow=True,
    )
    assert "2026-13-01" in r.content.decode()
    world.cycle.refresh_from_db()
    assert not world.cycle.disclose_results
