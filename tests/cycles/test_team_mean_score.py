"""员工管理 (team_mean_score): a manager's card reads the mean total of the unit's released cards."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from csperf.cycles import actions as cycle_actions
from csperf.cycles.compute import compute_cycle
from csperf.org.models import Assignment, Employee, Position
from csperf.reviews import actions
from csperf.reviews.models import Card

pytestmark = pytest.mark.django_db

LEAD_TEMPLATE = """\
code: lead-card
version: 1
name: 班长考核表
period: month
sections:
  - code: mgmt
    items:
      - code: team_mean
        name: 员工管理
        value: team_mean_score
        points: 100
        rule: {type: linear, points: [[0, 0], [100, 100]]}
"""


def test_team_mean_score_comes_from_the_units_published_cards(world, rate_through):
    hr = world.users["hr"]
    lead_position = Position.objects.create(
        code="lead", name="班长", default_template_code="lead-card"
    )
    template = cycle_actions.add_template(hr, LEAD_TEMPLATE, source="lead-card.yaml")
    cycle_actions.assign_template(hr, world.cycle, lead_position, template)
    # the supervisor of T1 is an employee too, with the lead card
    lead = Employee.objects.create(
        code="L001", name="组长", user=world.users["supervisor"], hired_on=dt.date(2025, 1, 1)
    )
    Assignment.objects.create(
        employee=lead, team=world.teams["T1"], position=lead_position, start=dt.date(2025, 1, 1)
    )

    # nothing of T1 released yet: no value, the item is missing
    compute_cycle(world.cycle, actor=hr)
    card = Card.objects.get(cycle=world.cycle, employee=lead)
    assert "team_mean_score" not in card.inputs["values"]

    published = []
    for who in ("agent", "colleague"):
        c = rate_through(who)
        actions.publish(hr, c)
        c.refresh_from_db()
        published.append(c.total)
    compute_cycle(world.cycle, actor=hr)
    card = Card.objects.get(cycle=world.cycle, employee=lead)
    expected = sum(published, Decimal(0)) / 2
    assert Decimal(str(card.inputs["values"]["team_mean_score"])) == expected
