"""Appeal pages (issue 13.5): the rater answers on the card, the employee escalates, HR lists the
overdue appeals, and the rater who owes an answer finds it on their home page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from csperf.reviews import actions
from csperf.reviews.models import Appeal, AppealStage, CardStatus
from tests.reviews.appeal_cards import published_cards

pytestmark = pytest.mark.django_db


@pytest.fixture
def flat(world):
    return published_cards(world)["agent"]


def _appeal(world, card, code="answer"):
    return actions.file_appeal(world.users["agent"], card, [{"item": code, "reason": "有误"}])


def test_the_appeal_form_says_who_answers_each_item(world, flat, client):
    client.force_login(world.users["agent"])
    page = client.get(f"/cards/{flat.pk}/").content.decode()
    assert 'name="appeal:answer"' in page and 'name="appeal:attitude"' in page
    assert "复核人" in page and "主管" in page  # 服务态度 -> reviewer, 接通率 -> supervisor
    client.post(f"/cards/{flat.pk}/appeal/", {"appeal:answer": "系统漏统计"})
    flat.refresh_from_db()
    assert flat.status == CardStatus.APPEALED
    assert flat.appeals.get().responder_role == "supervisor"


def test_the_rater_answers_on_the_card_and_the_employee_escalates(world, flat, client):
    appeal = _appeal(world, flat)
    client.force_login(world.users["reviewer"])  # not theirs to answer: no form
    assert f'action="/cards/appeals/{appeal.pk}/resolve/"' not in (
        client.get(f"/cards/{flat.pk}/").content.decode()
    )
    client.force_login(world.users["supervisor"])
    page = client.get(f"/cards/{flat.pk}/").content.decode()
    assert f'action="/cards/appeals/{appeal.pk}/resolve/"' in page
    assert "0–1" in page  # the domain of 接通率 next to its field
    r = client.post(
        f"/cards/appeals/{appeal.pk}/resolve/",
        {"decision": "accept", "resolution": "核实", "correct:answer": "999"},
        follow=True,
    )
    assert "999" in r.content.decode()  # refused with a message naming the value
    appeal.refresh_from_db()
    assert appeal.status == Appeal.Status.OPEN
    client.post(
        f"/cards/appeals/{appeal.pk}/resolve/", {"decision": "reject", "resolution": "报表无误"}
    )
    appeal.refresh_from_db()
    assert appeal.status == Appeal.Status.REJECTED
    client.force_login(world.users["agent"])
    page = client.get(f"/cards/{flat.pk}/").content.decode()
    assert "报表无误" in page and f'action="/cards/appeals/{appeal.pk}/escalate/"' in page
    client.post(f"/cards/appeals/{appeal.pk}/escalate/", {"reason": "请人事复核"})
    appeal.refresh_from_db()
    assert (appeal.status, appeal.stage) == (Appeal.Status.ESCALATED, AppealStage.HR)


def test_out_of_scope_appeal_posts_are_404(world, flat, client):
    appeal = _appeal(world, flat)
    client.force_login(world.users["colleague"])
    assert client.post(f"/cards/appeals/{appeal.pk}/resolve/", {}).status_code == 404
    assert client.post(f"/cards/appeals/{appeal.pk}/escalate/", {}).status_code == 404


def test_hr_lists_the_overdue_appeals(world, flat, client):
    late = _appeal(world, flat)
    Appeal.objects.filter(pk=late.pk).update(due_at=timezone.now() - timedelta(days=2))
    client.force_login(world.users["hr"])
    page = client.get("/cards/appeals/").content.decode()  # overdue first when there are any
    assert f"#{late.pk}" in page and "badge failed" in page
    for show in ("overdue", "waiting", "mine", "all", "nonsense", ""):
        assert client.get(f"/cards/appeals/?show={show}").status_code == 200
    home = client.get("/").content.decode()
    assert "/cards/appeals/?show=overdue" in home
    client.force_login(world.users["other_team_agent"])
    assert f"#{late.pk}" not in client.get("/cards/appeals/?show=all").content.decode()


def test_the_rater_who_owes_an_answer_finds_it_at_home(world, flat, client):
    late = _appeal(world, flat)
    Appeal.objects.filter(pk=late.pk).update(due_at=timezone.now() - timedelta(days=2))
    client.force_login(world.users["supervisor"])
    home = client.get("/").content.decode()
    assert 'id="appeals-owed"' in home and f"#appeal-{late.pk}" in home
    assert "badge failed" in home
    client.force_login(world.users["reviewer"])
    assert f"#appeal-{late.pk}" not in client.get("/").content.decode()
    client.force_login(world.users["agent"])
    assert 'id="appeals-mine"' in client.get("/").content.decode()
