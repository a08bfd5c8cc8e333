"""Appeals in the JSON API (mounted at /api/appeals; a card's own appeals are under /api/cards).

Every appeal is fetched through ``reviews.access`` (out of scope: 404) and every step is a
``reviews.actions`` function; errors map to 403/409/422 as elsewhere in the API.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from csperf.core.errors import InvalidInput
from csperf.core.schemas import ID_MAX
from csperf.reviews import actions
from csperf.reviews.access import appeals_for_user, appeals_owed_by, get_appeal_for_user, overdue
from csperf.reviews.models import WAITING, Appeal
from csperf.reviews.presenters import appeal_json

if TYPE_CHECKING:
    from django.contrib.auth.models import User

router = Router(tags=["appeals"])
FILTERS = ("open", "escalated", "accepted", "rejected", "waiting")


class ResolveIn(Schema):
    """The answer of the deciding rater (or of HR, whose answer is final)."""

    accept: bool
    resolution: str
    corrections: dict[str, Decimal] = Field(default_factory=dict)


class EscalateIn(Schema):
    reason: str


class AppealOut(Schema):
    id: int
    card_id: int
    employee_code: str
    employee_name: str
    period: str
    filing: int
    filed_with: list[int]
    status: Literal["open", "escalated", "accepted", "rejected"]
    status_label: str
    stage: Literal["rater", "hr"]
    responder_role: str
    waiting_for: str | None
    reason: str
    items: list[dict[str, Any]]
    created_at: dt.datetime
    due_at: dt.datetime | None
    overdue: bool
    rater_resolution: str
    rater_resolved_at: dt.datetime | None
    escalate_by: dt.datetime | None
    escalated_at: dt.datetime | None
    escalation_reason: str
    resolution: str
    resolved_at: dt.datetime | None
    old_total: Decimal | None
    new_total: Decimal | None
    actions: list[str]


def appeal_out(appeal: Appeal, user: User) -> dict[str, Any]:
    return appeal_json(user, appeal)


@router.get("", response=list[AppealOut])
def list_appeals(
    request: HttpRequest,
    status: str | None = None,
    overdue: bool = False,
    owed: bool = False,
    cycle: int | None = Query(None, ge=1, le=ID_MAX),
):
    """Appeals in the caller's scope (HR all, a manager their departments', a supervisor their
    teams', the employee their own): ``status`` (or ``waiting``), ``overdue=true`` past their
    answer's due date, ``owed=true`` those the caller must answer; soonest due first."""
    if status is not None and status not in FILTERS:
        raise InvalidInput(
            _("The status is one of %(choices)s.") % {"choices": ", ".join(FILTERS)},
            field="query.status",
        )
    qs = appeals_owed_by(request.user) if owed else appeals_for_user(request.user)
    if overdue:
        qs = _overdue(qs)
    if status == "waiting":
        qs = qs.filter(status__in=WAITING)
    elif status is not None:
        qs = qs.filter(status=status)
    if cycle is not None:
        qs = qs.filter(card__cycle_id=cycle)
    return [appeal_out(a, request.user) for a in qs.order_by("due_at", "id")]


_overdue = overdue  # the query parameter shadows the helper's name inside list_appeals


@router.get("/{appeal_id}", response=AppealOut)
def get_appeal(request: HttpRequest, appeal_id: int):
    return appeal_out(get_appeal_for_user(request.user, appeal_id), request.user)


@router.post("/{appeal_id}/resolve", response=AppealOut)
def resolve_appeal(request: HttpRequest, appeal_id: int, payload: ResolveIn):
    """Answer an appeal: the rater who decided its items first, HR after an escalation (or in the
    rater's stead). Corrections are checked against each item's domain (422 naming the item)."""
    appeal = actions.resolve_appeal(
        request.user,
        get_appeal_for_user(request.user, appeal_id),
        accept=payload.accept,
        resolution=payload.resolution,
        corrections=dict(payload.corrections),
    )
    return appeal_out(appeal, request.user)


@router.post("/{appeal_id}/escalate", response=AppealOut)
def escalate_appeal(request: HttpRequest, appeal_id: int, payload: EscalateIn):
    """The employee takes a rejected appeal to HR, with a reason, before its ``escalate_by``."""
    appeal = actions.escalate_appeal(
        request.user, get_appeal_for_user(request.user, appeal_id), payload.reason
    )
    return appeal_out(appeal, request.user)
