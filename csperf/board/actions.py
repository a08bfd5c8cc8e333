"""The board's steps, each written once: check, lock, save, audit.

Improvement plans; saving a rate-in-place row (what the rater changed, through
``reviews.actions.save_ratings``). Bulk steps on many cards are ``reviews.bulk`` (the cycle page
uses them too). Pages and API endpoints fetch the card or plan through ``board.access`` and call
these.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from csperf.board import insights
from csperf.board.access import can_manage_plans, may_own
from csperf.board.models import ImprovementPlan, PlanStatus
from csperf.core import audit
from csperf.core.errors import InvalidInput, InvalidTransition, NotAllowed
from csperf.core.locking import lock
from csperf.reviews import actions as card_actions
from csperf.reviews import workflow
from csperf.reviews.models import Card, CardStatus, Rating
from csperf.reviews.rating_form import read_rating_form

if TYPE_CHECKING:
    from django.contrib.auth.models import User

FIELDS = ("owner", "problem", "actions", "target", "deadline")


def _text(data: dict[str, Any], name: str, *, required: bool, limit: int | None = None) -> str:
    value = (data.get(name) or "").strip()
    if required and not value:
        raise InvalidInput(_("This field is required."), field=name)
    if limit is not None and len(value) > limit:
        raise InvalidInput(
            _("At most %(n)s characters.") % {"n": limit},
            field=name,
        )
    return value


def _deadline(raw: Any) -> dt.date:
    if isinstance(raw, dt.date):
        day = raw
    else:
        try:
            day = dt.date.fromisoformat(str(raw or "").strip())
        except ValueError:
            raise InvalidInput(
                _("Give the deadline as a date (YYYY-MM-DD)."), field="deadline"
            ) from None
    if day < timezone.localdate():
        raise InvalidInput(_("The deadline is in the past."), field="deadline")
    return day


def _owner(raw: Any, card: Card, actor: User) -> Any:
    if raw in (None, ""):
        return actor
    if hasattr(raw, "pk"):
        user = raw
    else:
        user = get_user_model().objects.filter(pk=int(raw) if str(raw).isdigit() else None).first()
        if user is None:
            user = get_user_model().objects.filter(username=str(raw)).first()
    if user is None or not may_own(user, card):
        raise InvalidInput(
            _("The owner must be the team's supervisor, the department manager or HR."),
            field="owner",
        )
    return user


def _clean_field(actor: User, card: Card, name: str, data: dict[str, Any]) -> Any:
    if name == "owner":
        return _owner(data.get("owner"), card, actor)
    if name == "deadline":
        return _deadline(data.get("deadline"))
    if name == "actions":
        text = _text(data, "actions", required=True, limit=4000)
        return "\n".join(line.strip() for line in text.splitlines() if line.strip())
    if name == "problem":
        return _text(data, "problem", required=True, limit=4000)
    return _text(data, "target", required=False, limit=300)


def _snapshot(plan: ImprovementPlan) -> dict[str, Any]:
    return {
        "owner": plan.owner.username,
        "problem": plan.problem,
        "actions": plan.actions,
        "target": plan.target,
        "deadline": plan.deadline,
        "status": plan.status,
    }


def check_plannable(card: Card) -> None:
    """A plan follows from a card whose figures the raters see: not from a draft."""
    if card.status == CardStatus.DRAFT:
        raise InvalidTransition(
            _("The card is not open for rating yet; its figures are a draft to be checked.")
        )


def create_plan(actor: User, card: Card, data: dict[str, Any]) -> ImprovementPlan:
    """A plan for a failing card, by its supervisor, department manager or HR."""
    if not can_manage_plans(actor, card):
        raise NotAllowed(
            _("Only the team's supervisor, the department manager or HR may plan improvements.")
        )
    with transaction.atomic():
        locked = (
            Card.objects.select_for_update(of=("self",))
            .select_related("employee", "cycle", "template", "team", "department")
            .get(pk=card.pk)
        )
        check_plannable(locked)
        if not insights.needs_plan(locked):
            raise InvalidTransition(
                _(
                    "An improvement plan follows from a failing card; this card's grade is %(grade)s."
                )
                % {"grade": locked.grade or _("(none)")}
            )
        if locked.improvement_plans.exclude(status=PlanStatus.CANCELLED).exists():
            raise InvalidTransition(_("This card already has an improvement plan."))
        fields = {name: _clean_field(actor, locked, name, data) for name in FIELDS}
        try:
            with transaction.atomic():
                plan = ImprovementPlan.objects.create(
                    card=locked, employee=locked.employee, created_by=actor, **fields
                )
        except IntegrityError:  # a concurrent create won the race
            raise InvalidTransition(_("This card already has an improvement plan.")) from None
        audit.record(actor, "create_plan", plan, new=_snapshot(plan))
    return plan


def _locked_plan(plan: ImprovementPlan) -> ImprovementPlan:
    return lock(plan, related=("card__cycle", "card__employee", "owner", "employee"))


def update_plan(actor: User, plan: ImprovementPlan, data: dict[str, Any]) -> ImprovementPlan:
    """Change an open plan; only the fields given change, each change audited."""
    if not can_manage_plans(actor, plan.card):
        raise NotAllowed(
            _("Only the team's supervisor, the department manager or HR may plan improvements.")
        )
    with transaction.atomic():
        p = _locked_plan(plan)
        if p.status != PlanStatus.OPEN:
            raise InvalidTransition(
                _("The plan is %(status)s; it can no longer change.")
                % {"status": p.get_status_display()}
            )
        # Only the fields sent change; an overdue plan's unchanged deadline stays as it is.
        given = [name for name in FIELDS if data.get(name) is not None]
        fields = {name: _clean_field(actor, p.card, name, data) for name in given}
        old = _snapshot(p)
        changed = []
        for name, value in fields.items():
            if getattr(p, name) != value:
                setattr(p, name, value)
                changed.append(name)
        if changed:
            p.save(update_fields=[*changed, "updated_at"])
            new = _snapshot(p)
            for name in changed:
                audit.record(actor, "update_plan", p, field=name, old=old[name], new=new[name])
    plan.refresh_from_db()
    return plan


def close_plan(
    actor: User, plan: ImprovementPlan, status: str, outcome: str, *, viewer: Any = None
) -> ImprovementPlan:
    """Complete or cancel an open plan, with the outcome in words; the effect seen at the next
    cycle (if any) is written to the audit row, so the decision can be traced to the figures."""
    if not can_manage_plans(actor, plan.card):
        raise NotAllowed(
            _("Only the team's supervisor, the department manager or HR may plan improvements.")
        )
    if status not in (PlanStatus.COMPLETED, PlanStatus.CANCELLED):
        raise InvalidInput(_("Close a plan as completed or cancelled."), field="status")
    outcome = (outcome or "").strip()
    if not outcome:
        raise InvalidInput(_("Say what came of the plan."), field="outcome")
    with transaction.atomic():
        p = _locked_plan(plan)
        if p.status != PlanStatus.OPEN:
            raise InvalidTransition(
                _("The plan is %(status)s; it can no longer change.")
                % {"status": p.get_status_display()}
            )
        seen = insights.effect(viewer or actor, p)
        old = p.status
        p.status = status
        p.outcome = outcome
        p.closed_at = timezone.now()
        p.save(update_fields=["status", "outcome", "closed_at", "updated_at"])
        audit.record(
            actor,
            "close_plan",
            p,
            field="status",
            old=old,
            new={
                "status": status,
                "effect": {
                    "period": seen.period,
                    "total": seen.total,
                    "grade": seen.grade,
                    "delta": seen.delta,
                    "state": seen.state,
                },
            },
            reason=outcome,
        )
    plan.refresh_from_db()
    return plan


# -- rating in place -------------------------------------------------------------------------


def rate_in_place(actor: User, card: Card, post: Any) -> bool:
    """Save what the rater changed on a board row; True when something changed.

    The form is read against the ratings stored now, under the card's lock, so a field left as
    shown keeps its value even if it was saved elsewhere meanwhile. ``save_ratings`` checks the
    turn and the values, saves, audits each change and rescores; a value the rater cleared on
    purpose is written to the audit trail as a clear as well.
    """
    with transaction.atomic():
        locked = lock(card)
        role = workflow.current_role(locked)
        stored = {r.item_code: r for r in Rating.objects.filter(card=locked, role=role)}
        form = read_rating_form(post, stored)
        # Called even with nothing changed: it refuses a card that is not the actor's to rate.
        card_actions.save_ratings(actor, card, form.entries)
        for code, old in form.cleared.items():
            rating = Rating.objects.get(card=locked, item_code=code, role=role)
            rating.card = locked
            audit.record(
                actor,
                "clear_rating",
                rating,
                field=f"{code}.{role}",
                old=old,
                new=None,
                reason=_("Cleared by the rater on the team board."),
            )
    return bool(form.entries)
