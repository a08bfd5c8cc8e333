"""The board's world: the shared ``world`` with its test template upgraded to version 2, which
ranks within the team (top label 标兵, bottom label 末位) and has consecutive-period alerts.

Team T1 then holds 张三 (agent, total 50, 不合格, last in the team: 末位) and 李四 (colleague,
total 60, 合格, first: 标兵).
"""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import TEST_TEMPLATE

BOARD_TEMPLATE = (
    TEST_TEMPLATE.replace("version: 1", "version: 2")
    .replace(
        "ranking: {group: all}",
        "ranking: {group: team, top: {count: 1, label: 标兵}, bottom: {count: 1, label: 末位}}",
    )
    .rstrip("\n")
    + """
alerts:
  - {when: {grade: 不合格}, consecutive: 1, message: 本月考核不合格}
  - {when: {grade: 不合格}, consecutive: 3, message: 连续三个月不合格，考虑调整岗位}
  - {when: {rank: 1}, consecutive: 1, message: 本月组内第一}
"""
)


@pytest.fixture
def board_world(world):
    from csperf.cycles import actions as cycle_actions
    from csperf.cycles.compute import compute_cycle

    hr = world.users["hr"]
    v2 = cycle_actions.add_template(hr, BOARD_TEMPLATE, source="test-card-v2.yaml")
    cycle_actions.assign_template(hr, world.cycle, world.position, v2)
    compute_cycle(world.cycle, actor=hr)
    world.template = v2
    return world


@pytest.fixture
def next_cycle(board_world):
    """Compute the 2026-04 cycle with the given calls for the agent (others stay at 50)."""
    from csperf.cycles import actions as cycle_actions
    from csperf.cycles.compute import compute_cycle
    from csperf.cycles.models import InputValue

    def make(agent_calls: int = 100):
        hr = board_world.users["hr"]
        cycle = cycle_actions.create_cycle(
            hr, period="2026-04", rating_deadline=dt.date(2026, 5, 5)
        )
        for key, emp in board_world.employees.items():
            InputValue.objects.create(
                cycle=cycle,
                employee=emp,
                name="calls_handled",
                value=agent_calls if key == "agent" else 50,
            )
        compute_cycle(cycle, actor=hr)
        return cycle

    return make


def future(days: int = 30) -> str:
    from django.utils import timezone

    return (timezone.localdate() + dt.timedelta(days=days)).isoformat()


def release(w, card, level: int = 4, *, publish: bool = True):
    """Walk a card (draft or under review) through its chain and publish it (or stop at
    approved)."""
    from csperf.reviews import actions
    from csperf.reviews.models import CardStatus

    hr = w.users["hr"]
    if card.status == CardStatus.DRAFT:
        actions.start_rating(hr, card)
    raters = {"self": "agent", "supervisor": "supervisor", "reviewer": "reviewer"}
    for role in card.chain:
        who = w.users[raters[role]] if role != "self" else card.employee.user
        entries = [{"item": "attitude", "value": level}]
        if role == "supervisor":
            entries.append({"item": "teamwork", "value": 10 if level >= 3 else 0})
        actions.save_ratings(who, card, entries)
        actions.submit(who, card)
    if publish:
        actions.publish(hr, card)
    card.refresh_from_db()
    return card
