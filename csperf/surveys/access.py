"""The one place that decides which surveys, responses, figures and follow-ups a login may see.

- HR and auditors see everything; HR manages every survey.
- A survey's owner and the managers of its department manage it (import, plans).
- Managers see their departments' credits, supervisors their teams', an employee their own.
- A follow-up task is seen by its owner, the team's supervisor, the department's manager and HR.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet
from django.http import Http404

from csperf.org.access import scope_for
from csperf.surveys.models import Credit, FollowUp, Response, Survey

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def surveys_for_user(user: User) -> QuerySet[Survey]:
    scope = scope_for(user)
    if scope.user_id is None:
        return Survey.objects.none()
    if scope.sees_everything:
        return Survey.objects.all()
    if not (scope.is_staff_role or scope.employee_id):
        return Survey.objects.none()
    # everyone in the centre may read what is asked; the figures are scoped separately
    return Survey.objects.all()


def get_survey_for_user(user: User, survey_id: Any) -> Survey:
    try:
        return surveys_for_user(user).get(pk=int(survey_id))
    except (Survey.DoesNotExist, ValueError, TypeError):
        raise Http404("no such survey") from None


def can_manage_survey(user: User, survey: Survey | None = None) -> bool:
    scope = scope_for(user)
    if scope.hr:
        return True
    if survey is None:
        return bool(scope.managed_department_ids)
    if survey.owner_id and survey.owner_id == scope.user_id:
        return True
    return survey.department_id is not None and survey.department_id in scope.managed_department_ids


def credits_for_user(user: User) -> QuerySet[Credit]:
    scope = scope_for(user)
    qs = Credit.objects.select_related("response__survey", "employee", "team", "department")
    if scope.user_id is None:
        return qs.none()
    if scope.sees_everything:
        return qs
    cond = Q(employee_id=scope.employee_id) if scope.employee_id else Q(pk__in=[])
    if scope.supervised_team_ids:
        cond |= Q(team_id__in=scope.supervised_team_ids)
    if scope.managed_department_ids:
        cond |= Q(department_id__in=scope.managed_department_ids)
    return qs.filter(cond)


def responses_for_user(user: User) -> QuerySet[Response]:
    scope = scope_for(user)
    qs = Response.objects.select_related("survey")
    if scope.sees_everything:
        return qs
    managed = Q(survey__owner_id=scope.user_id) | Q(
        survey__department_id__in=scope.managed_department_ids
    )
    ids = credits_for_user(user).values("response_id")
    return qs.filter(managed | Q(pk__in=ids)).distinct()


def get_response_for_user(user: User, response_id: Any) -> Response:
    try:
        return responses_for_user(user).get(pk=int(response_id))
    except (Response.DoesNotExist, ValueError, TypeError):
        raise Http404("no such response") from None


def followups_for_user(user: User) -> QuerySet[FollowUp]:
    scope = scope_for(user)
    qs = FollowUp.objects.select_related("response__survey", "owner", "team", "department")
    if scope.user_id is None:
        return qs.none()
    if scope.sees_everything:
        return qs
    cond = Q(owner_id=scope.user_id) | Q(response__survey__owner_id=scope.user_id)
    if scope.supervised_team_ids:
        cond |= Q(team_id__in=scope.supervised_team_ids)
    if scope.managed_department_ids:
        cond |= Q(department_id__in=scope.managed_department_ids)
    return qs.filter(cond)


def get_followup_for_user(user: User, followup_id: Any) -> FollowUp:
    try:
        return followups_for_user(user).get(pk=int(followup_id))
    except (FollowUp.DoesNotExist, ValueError, TypeError):
        raise Http404("no such follow-up task") from None


def can_work_followup(user: User, f: FollowUp) -> bool:
    scope = scope_for(user)
    return (
        scope.hr
        or f.owner_id == scope.user_id
        or (f.team_id is not None and f.team_id in scope.supervised_team_ids)
        or (f.department_id is not None and f.department_id in scope.managed_department_ids)
    )
