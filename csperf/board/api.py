"""Team board endpoints of the JSON API (mounted at /api/board).

The same access helpers and actions as the pages: a team outside the login's scope, or any board
for an agent, answers 404; plan steps go through ``board.actions`` and card steps through
``reviews.actions``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import Field

try:  # django-ninja >= 1.5 names the status explicitly
    from ninja import Status
except ImportError:  # pragma: no cover

    def Status(code: int, body: Any) -> Any:
        return code, body


from csperf.board import actions as plan_actions
from csperf.board import insights
from csperf.board.access import (
    get_plan_for_user,
    get_team_for_user,
    plans_for_user,
    require_board,
)
from csperf.board.models import ImprovementPlan, PlanStatus
from csperf.board.teamboard import team_board
from csperf.core.errors import InvalidInput
from csperf.cycles.access import get_cycle_for_user
from csperf.reviews import actions as card_actions
from csperf.reviews.access import cards_for_user, get_card_for_user
from csperf.reviews.models import REVIEW_STATUSES

router = Router(tags=["team board"])


class EffectOut(Schema):
    state: str
    label: str
    card_id: int | None = None
    period: str = ""
    total: Decimal | None = None
    grade: str = ""
    delta: Decimal | None = None
    passed: bool | None = None


class PlanOut(Schema):
    id: int
    card_id: int
    cycle_id: int
    period: str
    employee_code: str
    employee_name: str
    team: str
    card_total: Decimal | None
    card_grade: str
    owner: str
    problem: str
    actions: list[str]
    target: str
    deadline: dt.date
    status: str
    overdue: bool
    outcome: str
    effect: EffectOut


class PlanIn(Schema):
    card_id: int
    owner: str = Field("", description="username; empty: the caller")
    problem: str = Field(min_length=1)
    actions: list[str] = Field(min_length=1)
    target: str = ""
    deadline: dt.date


class PlanPatch(Schema):
    owner: str | None = None
    problem: str | None = None
    actions: list[str] | None = None
    target: str | None = None
    deadline: dt.date | None = None


class PlanClose(Schema):
    status: Literal["completed", "cancelled"]
    outcome: str = Field(min_length=1)


class BulkIn(Schema):
    step: Literal["approve", "submit"]
    cards: list[int] = Field(min_length=1)


def _effect(user: Any, plan: ImprovementPlan) -> dict[str, Any]:
    e = insights.effect(user, plan)
    return {
        "state": e.state,
        "label": e.label,
        "card_id": e.card.pk if e.card else None,
        "period": e.period,
        "total": e.total,
        "grade": e.grade,
        "delta": e.delta,
        "passed": e.passed,
    }


def _plan_out(user: Any, plan: ImprovementPlan) -> dict[str, Any]:
    return {
        "id": plan.pk,
        "card_id": plan.card_id,
        "cycle_id": plan.card.cycle_id,
        "period": plan.card.cycle.period,
        "employee_code": plan.employee.code,
        "employee_name": plan.employee.name,
        "team": plan.card.team.code,
        "card_total": plan.card.total,
        "card_grade": plan.card.grade,
        "owner": plan.owner.username,
        "problem": plan.problem,
        "actions": plan.action_lines,
        "target": plan.target,
        "deadline": plan.deadline,
        "status": plan.status,
        "overdue": plan.overdue,
        "outcome": plan.outcome,
        "effect": _effect(user, plan),
    }


@router.get("")
def board(request: HttpRequest, cycle: int, team: int) -> dict[str, Any]:
    """One team's board for one cycle: ranking, grades, pending, alerts, plans."""
    require_board(request.user)
    t = get_team_for_user(request.user, team)
    c = get_cycle_for_user(request.user, cycle)
    b = team_board(request.user, c, t)
    return {
        "cycle": {"id": c.pk, "period": c.period, "name": c.name},
        "team": {"id": t.pk, "code": t.code, "name": t.name},
        "ranking": [
            {
                "card_id": card.pk,
                "team_place": card.team_place,
                "rank": card.rank,
                "employee_code": card.employee.code,
                "employee_name": card.employee.name,
                "total": card.total,
                "grade": card.grade,
                "rank_label": card.rank_label,
                "label": card.label_kind,
                "status": card.status,
            }
            for card in b["ranked"]
        ],
        "grades": b["grades"].as_dicts(),
        "pending": [
            {
                "card_id": p.card.pk,
                "employee_code": p.card.employee.code,
                "status": p.card.status,
                "waiting_for": p.role,
                "holders": p.holders,
                "missing": p.missing,
                "mine": p.mine,
            }
            for p in b["pending"]
        ],
        "alerts": [
            {
                "card_id": a.card.pk,
                "employee_code": a.card.employee.code,
                "message": a.message,
                "rule": a.rule,
                "consecutive": a.consecutive,
                "tone": a.tone,
                "next_step": a.next_step,
            }
            for a in b["alerts"]
        ],
        "failing_without_plan": [card.pk for card in b["failing_without_plan"]],
        "plans": [_plan_out(request.user, p) for p in b["plans"]],
    }


@router.post("/bulk")
def bulk(request: HttpRequest, payload: BulkIn) -> dict[str, Any]:
    """Approve (or hand on) many cards; each succeeds or fails on its own."""
    require_board(request.user)
    func = card_actions.approve if payload.step == "approve" else card_actions.submit
    cards = cards_for_user(request.user).filter(pk__in=payload.cards)
    found = {c.pk for c in cards}
    missing = [pk for pk in payload.cards if pk not in found]
    if missing:
        raise InvalidInput(f"no such card: {', '.join(str(pk) for pk in missing)}", field="cards")
    done, failed = card_actions.bulk(
        request.user, func, cards.filter(status__in=REVIEW_STATUSES).order_by("id")
    )
    not_in_review = len(found) - done - len(failed)
    return {
        "done": done,
        "failed": [{"card_id": c.pk, "error": why} for c, why in failed],
        "not_in_review": not_in_review,
    }


@router.get("/plans", response=list[PlanOut])
def list_plans(
    request: HttpRequest,
    status: str | None = None,
    cycle: int | None = None,
    team: int | None = None,
):
    qs = plans_for_user(request.user)
    if status:
        if status not in PlanStatus.values:
            raise InvalidInput(f"unknown status {status}", field="query.status")
        qs = qs.filter(status=status)
    if cycle is not None:
        qs = qs.filter(card__cycle_id=cycle)
    if team is not None:
        qs = qs.filter(card__team_id=team)
    return [_plan_out(request.user, p) for p in qs.order_by("-card__cycle__period", "-id")[:1000]]


@router.post("/plans", response={201: PlanOut})
def create_plan(request: HttpRequest, payload: PlanIn):
    require_board(request.user)
    card = get_card_for_user(request.user, payload.card_id, log=False)
    data = payload.dict()
    data["actions"] = "\n".join(payload.actions)
    plan = plan_actions.create_plan(request.user, card, data)
    return Status(201, _plan_out(request.user, get_plan_for_user(request.user, plan.pk)))


@router.get("/plans/{plan_id}", response=PlanOut)
def get_plan(request: HttpRequest, plan_id: int):
    return _plan_out(request.user, get_plan_for_user(request.user, plan_id))


@router.put("/plans/{plan_id}", response=PlanOut)
def update_plan(request: HttpRequest, plan_id: int, payload: PlanPatch):
    plan = get_plan_for_user(request.user, plan_id)
    data = payload.dict()
    if payload.actions is not None:
        data["actions"] = "\n".join(payload.actions)
    plan_actions.update_plan(request.user, plan, data)
    return _plan_out(request.user, get_plan_for_user(request.user, plan.pk))


@router.post("/plans/{plan_id}/close", response=PlanOut)
def close_plan(request: HttpRequest, plan_id: int, payload: PlanClose):
    plan = get_plan_for_user(request.user, plan_id)
    plan_actions.close_plan(request.user, plan, payload.status, payload.outcome)
    return _plan_out(request.user, get_plan_for_user(request.user, plan.pk))
