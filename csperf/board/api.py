"""Team board endpoints of the JSON API (mounted at /api/board).

The same access helpers and actions as the pages: a team outside the login's scope, or any board
for an agent, answers 404; plan steps go through ``board.actions`` and card steps through
``reviews.actions``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import ConfigDict, Field

from csperf.board import actions as plan_actions
from csperf.board import insights
from csperf.board.access import (
    get_plan_for_user,
    get_team_for_user,
    mark_plans,
    plans_for_user,
    require_board,
)
from csperf.board.models import ImprovementPlan, PlanStatus
from csperf.board.teamboard import team_board
from csperf.core.errors import InvalidInput
from csperf.core.schemas import ID_MAX, NONBLANK, DbId, Text
from csperf.cycles.access import get_cycle_for_user
from csperf.org.readonly import require_may_act
from csperf.reviews import bulk as bulk_plan
from csperf.reviews.access import cards_for_user, get_card_for_user

if TYPE_CHECKING:
    from django.contrib.auth.models import User

router = Router(tags=["team board"])
BULK_MAX = 10_000  # cards one bulk request names


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
    """Without ``dry_run`` the reason must say something (400 otherwise): the schema says so
    with its ``anyOf``."""

    model_config = ConfigDict(
        json_schema_extra={
            "anyOf": [
                {"properties": {"dry_run": {"const": True}}, "required": ["dry_run"]},
                {"properties": {"reason": {"pattern": NONBLANK}}, "required": ["reason"]},
            ]
        }
    )

    step: Literal["approve", "submit", "publish"]
    cards: list[DbId] = Field(min_length=1, max_length=BULK_MAX, description="card ids")
    dry_run: bool = Field(False, description="only say what would be done and skipped")
    reason: Text = Field("", description="required unless dry_run: written to each card's history")


def _effect(user: User, plan: ImprovementPlan) -> dict[str, Any]:
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


def _shown(user: User, plan: ImprovementPlan) -> bool:
    shown = getattr(plan.card, "show_scores", None)
    return mark_plans(user, [plan])[0].card.show_scores if shown is None else shown


def _plan_out(user: User, plan: ImprovementPlan) -> dict[str, Any]:
    return {
        "id": plan.pk,
        "card_id": plan.card_id,
        "cycle_id": plan.card.cycle_id,
        "period": plan.card.cycle.period,
        "employee_code": plan.employee.code,
        "employee_name": plan.employee.name,
        "team": plan.card.team.code,
        # only where the reader sees the card's result (access.mark_plans)
        "card_total": plan.card.total if _shown(user, plan) else None,
        "card_grade": plan.card.grade if _shown(user, plan) else "",
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


def _coverage(card: Any) -> float | None:
    value = getattr(card, "coverage", None)  # Card.coverage (issue 13.1): a share, 0–1
    return None if value is None else float(value)


@router.get("")
def board(
    request: HttpRequest,
    cycle: int = Query(..., ge=1, le=ID_MAX),
    team: int = Query(..., ge=1, le=ID_MAX),
) -> dict[str, Any]:
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
                "coverage": _coverage(card),
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


def _card_ref(card: Any) -> dict[str, Any]:
    return {
        "card_id": card.pk,
        "employee_code": card.employee.code,
        "employee_name": card.employee.name,
        "status": card.status,
    }


def _skipped(skips: list[bulk_plan.Skip]) -> list[dict[str, Any]]:
    return [
        {
            **_card_ref(s.card),
            "reason": s.reason,
            "unrated": [{"item": u.item, "name": u.name, "role": u.role} for u in s.missing],
        }
        for s in skips
    ]


@router.post("/bulk")
def bulk(request: HttpRequest, payload: BulkIn) -> Any:
    """Approve, hand on or publish many cards.

    ``dry_run``: what would be done (``will``) and skipped, with the reason and the unrated items
    of each skipped card; nothing changes. Otherwise a reason is required (400 without one); each
    card is decided again and succeeds, is skipped or fails on its own.
    """
    require_board(request.user)
    require_may_act(request.user)
    cards = cards_for_user(request.user).filter(pk__in=payload.cards)
    found = {c.pk for c in cards}
    missing = [pk for pk in payload.cards if pk not in found]
    if missing:
        raise InvalidInput(f"no such card: {', '.join(str(pk) for pk in missing)}", field="cards")
    cards = cards.select_related("employee", "cycle", "template", "team", "department").order_by(
        "id"
    )
    out: dict[str, Any] = {"step": payload.step, "dry_run": payload.dry_run}
    if payload.dry_run:
        plan = bulk_plan.plan(request.user, payload.step, cards)
        return {
            **out,
            "will": [_card_ref(c) for c in plan.will],
            "skipped": _skipped(plan.skip),
            "done": 0,
            "done_cards": [],
            "failed": [],
        }
    result = bulk_plan.run_bulk(request.user, payload.step, cards, payload.reason)
    return {
        **out,
        "will": [],
        "skipped": _skipped(result.skipped),
        "done": len(result.done),
        "done_cards": [c.pk for c in result.done],
        "failed": [{"card_id": c.pk, "error": why} for c, why in result.failed],
    }


@router.get("/plans", response=list[PlanOut])
def list_plans(
    request: HttpRequest,
    status: str | None = None,
    cycle: int | None = Query(None, ge=1, le=ID_MAX),
    team: int | None = Query(None, ge=1, le=ID_MAX),
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
