"""Published cards whose templates have no self stage, for the appeal tests.

``flat-card`` is rated by the supervisor and the reviewer only (most templates of a centre: 31 of
the demo's 32 published cards); ``auto-card`` has no rater at all (every item fed by the records).
Both are given to people of the shared ``world`` in a cycle of their own (2026-04).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

FLAT_TEMPLATE = """\
code: flat-card
version: 1
name: 无自评考核表
period: month
sections:
  - code: kpi
    name: 业绩
    items:
      - code: answer
        name: 接通率
        value: answer_rate
        x-unit: share
        points: 40
        rule: {type: linear, points: [[0, 0], [1, 40]]}
      - code: completion
        name: 计划完成率
        value: plan_completion_rate
        x-unit: ratio
        points: 20
        rule: {type: ratio, target: 1, cap: 1}
      - code: calls
        name: 接听量
        value: calls_handled
        points: 20
        rule: {type: linear, points: [[0, 0], [100, 20]]}
      - code: attitude
        name: 服务态度
        points: 20
        raters: {supervisor: 0.5, reviewer: 0.5}
        rule:
          type: levels
          levels:
            - {level: 1, score: 0}
            - {level: 2, score: 10}
            - {level: 3, score: 15}
            - {level: 4, score: 20}
grades:
  - {gte: 60, grade: 合格}
  - {grade: 不合格}
ranking: {group: all}
"""

AUTO_TEMPLATE = """\
code: auto-card
version: 1
name: 纯数据考核表
period: month
sections:
  - code: kpi
    name: 业绩
    items:
      - code: answer
        name: 接通率
        value: answer_rate
        x-unit: share
        points: 60
        rule: {type: linear, points: [[0, 0], [1, 60]]}
      - code: calls
        name: 接听量
        value: calls_handled
        points: 40
        rule: {type: linear, points: [[0, 0], [100, 40]]}
grades:
  - {gte: 60, grade: 合格}
  - {grade: 不合格}
ranking: {group: all}
"""

VALUES = {"answer_rate": 0.8, "plan_completion_rate": 0.9, "calls_handled": 70}


def published_cards(world: Any) -> dict[str, Any]:
    """agent: a published flat-card (supervisor 3, reviewer 2 on 服务态度); other_team_agent (a
    team without a supervisor): a published auto-card. Both in the 2026-04 cycle."""
    from csperf.cycles import actions as cycle_actions
    from csperf.cycles.compute import compute_cycle
    from csperf.cycles.models import InputValue
    from csperf.reviews import actions
    from csperf.reviews.models import Card

    hr = world.users["hr"]
    flat = cycle_actions.add_template(hr, FLAT_TEMPLATE, source="flat-card.yaml")
    auto = cycle_actions.add_template(hr, AUTO_TEMPLATE, source="auto-card.yaml")
    cycle = cycle_actions.create_cycle(hr, period="2026-04", rating_deadline=dt.date(2026, 5, 5))
    cards = {}
    for who, template in (("agent", flat), ("other_team_agent", auto)):
        emp = world.employees[who]
        cycle_actions.set_override(hr, cycle, emp, template, reason="测试")
        for name, value in VALUES.items():
            InputValue.objects.create(cycle=cycle, employee=emp, name=name, value=value)
    compute_cycle(cycle, actor=hr)
    for who in ("agent", "other_team_agent"):
        card = Card.objects.get(cycle=cycle, employee=world.employees[who])
        actions.start_rating(hr, card)
        for rater, level in (("supervisor", 3), ("reviewer", 2)):
            if rater in card.chain:
                actions.save_ratings(
                    world.users[rater], card, [{"item": "attitude", "value": level}]
                )
                actions.submit(world.users[rater], card)
        actions.publish(hr, card)
        card.refresh_from_db()
        cards[who] = card
    return cards
