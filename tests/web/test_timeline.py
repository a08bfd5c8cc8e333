"""The month timeline on the home page, per persona: HR follows the whole month, a supervisor
their ratings and appeals, an employee their self-rating, publication and appeal window."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from csperf.core.models import AuditEvent
from csperf.reviews import actions
from csperf.reviews.models import CardStatus
from csperf.web.timeline import timeline_for

pytestmark = pytest.mark.django_db

HR_STEPS = ["import", "compute", "missing", "open", "chase", "publish", "appeals", "pay"]
HR_WORDS = ["导入", "计算", "缺失数据", "开评", "催办", "发布", "申诉", "工资表"]


def _lane(user, key):
    tl = timeline_for(user)
    assert tl is not None
    lanes = {lane["key"]: lane for lane in tl["lanes"]}
    assert key in lanes, list(lanes)
    return {s.key: s for s in lanes[key]["steps"]}, [s.key for s in lanes[key]["steps"]]


def _deadline(world, days: int) -> dt.date:
    day = timezone.localdate() + dt.timedelta(days=days)
    world.cycle.rating_deadline = day
    world.cycle.save(update_fields=["rating_deadline"])
    return day


def test_hr_sees_every_step_of_the_month_with_the_cycles_dates(world, client):
    due = _deadline(world, 5)
    steps, order = _lane(world.users["hr"], "hr")
    assert order == HR_STEPS
    assert steps["compute"].state == "done"
    assert steps["compute"].date == timezone.localdate(world.cycle.computed_at)
    opened = AuditEvent.objects.get(cycle_id=world.cycle.pk, action="open_cycle").at
    assert steps["open"].state == "done" and steps["open"].date == timezone.localdate(opened)
    # the test cycle's cards wait for their raters: chasing is due by the rating deadline
    assert steps["chase"].state == "due" and steps["chase"].date == due
    assert steps["chase"].url == f"/board/?cycle={world.cycle.pk}"
    assert steps["publish"].state == "due"
    assert steps["appeals"].state == "upcoming" and steps["pay"].state == "upcoming"
    assert steps["pay"].url == f"/reports/cycles/{world.cycle.pk}/pay.xlsx"

    client.force_login(world.users["hr"])
    html = client.get("/").content.decode()
    assert 'id="timeline"' in html
    positions = [html.index(w, html.index('id="timeline"')) for w in HR_WORDS]
    assert positions == sorted(positions)  # 导入 → 计算 → … → 工资表, in this order

    _deadline(world, -1)
    steps, _ = _lane(world.users["hr"], "hr")
    assert steps["chase"].state == "overdue" and steps["publish"].state == "overdue"


def test_hr_missing_data_counts_cards_below_the_minimum(world):
    world.card("colleague").__class__.objects.filter(pk=world.card("colleague").pk).update(
        coverage=0.1
    )
    steps, _ = _lane(world.users["hr"], "hr")
    assert steps["missing"].state == "overdue"  # rating is open with a card short of data
    assert "1" in steps["missing"].detail


def test_hr_publish_appeals_and_pay_after_publication(world, rate_through, client):
    card = rate_through()
    actions.publish(world.users["hr"], card)
    steps, _ = _lane(world.users["hr"], "hr")
    assert steps["appeals"].state == "due"  # the window is open
    card.refresh_from_db()
    assert steps["appeals"].date == timezone.localdate(card.appeal_deadline)
    assert steps["pay"].state == "due"
    client.force_login(world.users["hr"])
    client.get(f"/reports/cycles/{world.cycle.pk}/pay.xlsx")
    steps, _ = _lane(world.users["hr"], "hr")
    # the pay sheet was downloaded, but other cards are still unpublished
    assert steps["pay"].date == timezone.localdate() and steps["pay"].state == "due"


def test_supervisor_sees_ratings_due_and_appeals_to_answer(world, client):
    due = _deadline(world, 3)
    steps, order = _lane(world.users["supervisor"], "rater")
    assert order == ["rate", "answer"]
    assert steps["rate"].state == "done"  # the cards are still with the employees
    card = world.card("agent")
    actions.save_ratings(world.users["agent"], card, [{"item": "attitude", "value": 4}])
    actions.submit(world.users["agent"], card)
    steps, _ = _lane(world.users["supervisor"], "rater")
    assert steps["rate"].state == "due" and steps["rate"].date == due
    assert "1" in steps["rate"].detail
    assert steps["answer"].state == "done"
    _deadline(world, -2)
    steps, _ = _lane(world.users["supervisor"], "rater")
    assert steps["rate"].state == "overdue"
    # a supervisor follows their team, not the HR month
    tl = timeline_for(world.users["supervisor"])
    assert "hr" not in [lane["key"] for lane in tl["lanes"]]
    client.force_login(world.users["supervisor"])
    html = client.get("/").content.decode()
    assert 'data-lane="rater"' in html and 'data-lane="hr"' not in html


def test_supervisor_sees_an_appeal_to_answer(world, rate_through):
    card = rate_through()
    actions.publish(world.users["hr"], card)
    actions.file_appeal(world.users["agent"], card, [{"item": "teamwork", "reason": "不同意"}])
    steps, _ = _lane(world.users["supervisor"], "rater")
    assert steps["answer"].state == "due" and "1" in steps["answer"].detail
    assert steps["answer"].url == "/cards/appeals/"


def test_agent_sees_self_rating_publication_and_appeal_window(world, rate_through, client):
    due = _deadline(world, 4)
    agent = world.users["agent"]
    steps, order = _lane(agent, "employee")
    assert order == ["self", "published", "appeal"]
    assert steps["self"].state == "due" and steps["self"].date == due
    assert steps["self"].url == f"/cards/{world.card().pk}/"
    assert steps["published"].state == "upcoming" and steps["appeal"].state == "upcoming"
    _deadline(world, -1)
    assert _lane(agent, "employee")[0]["self"].state == "overdue"

    card = rate_through()
    actions.publish(world.users["hr"], card)
    card.refresh_from_db()
    steps, _ = _lane(agent, "employee")
    assert steps["self"].state == "done"
    assert steps["published"].state == "done"
    assert steps["published"].date == timezone.localdate(card.published_at)
    assert steps["appeal"].state == "due"
    assert steps["appeal"].date == timezone.localdate(card.appeal_deadline)
    # once the window has passed it is closed
    type(card).objects.filter(pk=card.pk).update(
        appeal_deadline=timezone.now() - dt.timedelta(days=1)
    )
    assert _lane(agent, "employee")[0]["appeal"].state == "done"
    # an agent sees only their own lane, in Chinese
    tl = timeline_for(agent)
    assert [lane["key"] for lane in tl["lanes"]] == ["employee"]
    client.force_login(agent)
    html = client.get("/").content.decode()
    assert "自评" in html and "申诉期" in html and "工资表" not in html


def test_excluded_card_and_no_cycle(world, personas):
    assert timeline_for(world.users["outsider"]) is None
    card = world.card("agent")
    type(card).objects.filter(pk=card.pk).update(status=CardStatus.EXCLUDED)
    steps, _ = _lane(world.users["agent"], "employee")
    assert steps["self"].state == "upcoming"


def test_the_month_is_about_the_cycle_that_ends_last_the_month_before_its_quarter(world):
    """'2026-Q1' sorts after '2026-03' as text; the month's cycle is the one whose period ends
    last, and of a month and its quarter ending together, the month."""
    from csperf.cycles.models import Cycle
    from csperf.web.timeline import current_cycle

    hr = world.users["hr"]
    month = world.cycle  # 2026-03, open
    quarter_before = Cycle.objects.create(
        period="2025-Q4",
        name="2025-Q4",
        status=Cycle.Status.OPEN,
        rating_deadline=dt.date(2026, 1, 5),
    )
    assert current_cycle(hr) == month
    Cycle.objects.create(
        period="2026-Q1",
        name="2026-Q1",
        status=Cycle.Status.OPEN,
        rating_deadline=dt.date(2026, 4, 5),
    )
    assert current_cycle(hr) == month
    assert quarter_before != month
