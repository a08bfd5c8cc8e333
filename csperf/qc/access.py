"""The one place that decides which QC reviews, plans and sessions a login may see or work.

- HR and auditors see everything; HR manages plans and forms everywhere.
- Inspectors (role ``inspector`` on a department) see every review of their departments, work
  the ones assigned to them, manage the departments' plans, rechecks and calibrations.
- Supervisors see the submitted reviews of their teams' agents.
- An agent sees their own submitted inspections (never rechecks or calibration entries) and may
  dispute them.
Out-of-scope ids raise Http404, as for cards; looking at someone else's review is audited.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from csperf.core import audit
from csperf.core.models import AuditEvent
from csperf.org.access import scope_for
from csperf.qc.models import (
    DONE_REVIEW,
    CalibrationSession,
    Dispute,
    Review,
    ReviewKind,
    ReviewStatus,
    SamplingPlan,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def reviews_for_user(user: User) -> QuerySet[Review]:
    scope = scope_for(user)
    qs = Review.objects.select_related("agent", "team", "department", "inspector", "form", "plan")
    if scope.user_id is None:
        return qs.none()
    if scope.sees_everything:
        return qs
    cond = Q(inspector_id=scope.user_id)
    if scope.inspected_department_ids:
        cond |= Q(department_id__in=scope.inspected_department_ids)
    done = Q(status__in=DONE_REVIEW)
    if scope.supervised_team_ids or scope.managed_department_ids:
        cond |= done & (
            Q(team_id__in=scope.supervised_team_ids)
            | Q(department_id__in=scope.managed_department_ids)
        )
    if scope.employee_id:
        cond |= done & Q(agent_id=scope.employee_id, kind=ReviewKind.INSPECTION)
    # Calibration is blind: another inspector's entry stays hidden until the expert has
    # submitted (the session's expert sees every entry).
    expert_done = Exists(
        Review.objects.filter(
            session_id=OuterRef("session_id"),
            inspector_id=OuterRef("session__expert_id"),
            status=ReviewStatus.SUBMITTED,
        )
    )
    blind = (
        Q(session__isnull=False)
        & ~Q(inspector_id=scope.user_id)
        & ~Q(session__expert_id=scope.user_id)
        & ~Q(expert_done)
    )
    return qs.filter(cond).exclude(blind)


def get_review_for_user(user: User, review_id: Any, *, log: bool = True) -> Review:
    try:
        review = reviews_for_user(user).get(pk=int(review_id))
    except (Review.DoesNotExist, ValueError, TypeError):
        raise Http404("no such review") from None
    if (
        log
        and review.inspector_id != getattr(user, "pk", None)
        and review.agent.user_id != getattr(user, "pk", None)
    ):
        audit.record_access(user, AuditEvent.Kind.VIEW, review)
    return review


def get_dispute_for_user(user: User, dispute_id: Any) -> Dispute:
    """The dispute, or Http404 when it does not exist or its review is out of the user's scope;
    who may decide it is ``qc.actions.resolve_dispute``'s check."""
    try:
        return Dispute.objects.select_related("review").get(
            pk=int(dispute_id), review__in=reviews_for_user(user).values("pk")
        )
    except (Dispute.DoesNotExist, ValueError, TypeError):
        raise Http404("no such dispute") from None


def is_inspector_of(user: User, department_id: int) -> bool:
    scope = scope_for(user)
    return scope.hr or department_id in scope.inspected_department_ids


def can_inspect(user: User) -> bool:
    scope = scope_for(user)
    return scope.hr or bool(scope.inspected_department_ids)


def plans_for_user(user: User) -> QuerySet[SamplingPlan]:
    scope = scope_for(user)
    qs = SamplingPlan.objects.select_related("department", "form")
    if scope.sees_everything:
        return qs
    return qs.filter(department_id__in=scope.department_ids | scope.inspected_department_ids)


def get_plan_for_user(user: User, plan_id: Any) -> SamplingPlan:
    try:
        return plans_for_user(user).get(pk=int(plan_id))
    except (SamplingPlan.DoesNotExist, ValueError, TypeError):
        raise Http404("no such plan") from None


def sessions_for_user(user: User) -> QuerySet[CalibrationSession]:
    scope = scope_for(user)
    qs = CalibrationSession.objects.select_related("form", "expert", "agent", "department")
    if scope.sees_everything:
        return qs
    return qs.filter(
        Q(department_id__in=scope.inspected_department_ids | scope.managed_department_ids)
        | Q(reviews__inspector_id=scope.user_id)
        | Q(expert_id=scope.user_id)
    ).distinct()


def get_session_for_user(user: User, session_id: Any) -> CalibrationSession:
    try:
        return sessions_for_user(user).get(pk=int(session_id))
    except (CalibrationSession.DoesNotExist, ValueError, TypeError):
        raise Http404("no such calibration session") from None
