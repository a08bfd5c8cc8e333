"""Who may see which part of the organisation.

:func:`scope_for` turns a login's memberships into a :class:`Scope`; the access helpers of every
resource (employees here, cycles and cards in their apps) filter through it, so one place decides.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from csperf.core.models import Job
from csperf.org.models import Assignment, Department, Employee, Membership, Role, Team

if TYPE_CHECKING:
    from django.contrib.auth.models import User


@dataclass(frozen=True)
class Scope:
    user_id: int | None
    employee_id: int | None = None
    hr: bool = False
    auditor: bool = False
    supervised_team_ids: frozenset[int] = field(default_factory=frozenset)
    managed_department_ids: frozenset[int] = field(default_factory=frozenset)
    inspected_department_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def sees_everything(self) -> bool:
        return self.hr or self.auditor

    @property
    def department_ids(self) -> frozenset[int]:
        return self.managed_department_ids | self.inspected_department_ids

    @property
    def is_staff_role(self) -> bool:
        """Holds any role beyond being an agent."""
        return bool(
            self.hr
            or self.auditor
            or self.supervised_team_ids
            or self.managed_department_ids
            or self.inspected_department_ids
        )

    def roles(self) -> list[str]:
        out = []
        if self.employee_id:
            out.append(Role.AGENT)
        if self.supervised_team_ids:
            out.append(Role.SUPERVISOR)
        if self.inspected_department_ids:
            out.append(Role.INSPECTOR)
        if self.managed_department_ids:
            out.append(Role.MANAGER)
        if self.hr:
            out.append(Role.HR)
        if self.auditor:
            out.append(Role.AUDITOR)
        return out


NO_SCOPE = Scope(user_id=None)


def scope_for(user: User) -> Scope:
    """The user's scope, computed once per request (cached on the user object)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return NO_SCOPE
    cached = getattr(user, "_csperf_scope", None)
    if cached is not None:
        return cached
    teams: set[int] = set()
    managed: set[int] = set()
    inspected: set[int] = set()
    hr = auditor = False
    for role, team_id, dept_id in Membership.objects.filter(user=user).values_list(
        "role", "team_id", "department_id"
    ):
        if role == Role.HR:
            hr = True
        elif role == Role.AUDITOR:
            auditor = True
        elif role == Role.SUPERVISOR and team_id:
            teams.add(team_id)
        elif role == Role.MANAGER and dept_id:
            managed.add(dept_id)
        elif role == Role.INSPECTOR and dept_id:
            inspected.add(dept_id)
    employee_id = Employee.objects.filter(user=user).values_list("id", flat=True).first()
    scope = Scope(
        user_id=user.pk,
        employee_id=employee_id,
        hr=hr or user.is_superuser,
        auditor=auditor,
        supervised_team_ids=frozenset(teams),
        managed_department_ids=frozenset(managed),
        inspected_department_ids=frozenset(inspected),
    )
    user._csperf_scope = scope
    return scope


def with_placement(qs: QuerySet[Employee], day: dt.date | None = None) -> QuerySet[Employee]:
    """Annotate each employee with the team and department of their placement on ``day``."""
    day = day or timezone.localdate()
    latest = Assignment.objects.filter(employee=OuterRef("pk"), start__lte=day).order_by(
        "-start", "-id"
    )
    return qs.annotate(
        current_team_id=Subquery(latest.values("team_id")[:1]),
        current_department_id=Subquery(latest.values("team__department_id")[:1]),
        current_position_id=Subquery(latest.values("position_id")[:1]),
    )


def employees_for_user(user: User, day: dt.date | None = None) -> QuerySet[Employee]:
    scope = scope_for(user)
    qs = with_placement(Employee.objects.all(), day)
    if scope.sees_everything:
        return qs
    cond = Q(pk=scope.employee_id) if scope.employee_id else Q(pk__in=[])
    if scope.supervised_team_ids:
        cond |= Q(current_team_id__in=scope.supervised_team_ids)
    if scope.department_ids:
        cond |= Q(current_department_id__in=scope.department_ids)
    return qs.filter(cond)


def get_employee_for_user(user: User, pk: int) -> Employee:
    try:
        return employees_for_user(user).get(pk=pk)
    except (Employee.DoesNotExist, ValueError, TypeError):
        raise Http404("no such employee") from None


def teams_for_user(user: User) -> QuerySet[Team]:
    scope = scope_for(user)
    qs = Team.objects.select_related("department")
    if scope.sees_everything:
        return qs
    return qs.filter(
        Q(pk__in=scope.supervised_team_ids) | Q(department_id__in=scope.department_ids)
    )


def departments_for_user(user: User) -> QuerySet[Department]:
    scope = scope_for(user)
    if scope.sees_everything:
        return Department.objects.all()
    return Department.objects.filter(
        Q(pk__in=scope.department_ids) | Q(teams__in=scope.supervised_team_ids)
    ).distinct()


def can_manage_org(user: User) -> bool:
    return scope_for(user).hr


def logins_for_user(user: User) -> QuerySet[Any]:
    """Logins and their roles: HR manages them, the auditor reads them, nobody else sees them."""
    from django.contrib.auth import get_user_model

    if not scope_for(user).sees_everything:
        raise Http404("logins are for HR and the auditor")
    return get_user_model().objects.order_by("username")


def get_login_for_user(user: User, login_id: int) -> Any:
    try:
        return logins_for_user(user).get(pk=login_id)
    except ObjectDoesNotExist:
        raise Http404("no such login") from None


def jobs_for_user(user: User) -> QuerySet[Job]:
    """Background jobs (imports, computes): HR and the auditor see all, anyone else their own."""
    scope = scope_for(user)
    if scope.user_id is None:
        return Job.objects.none()
    if scope.sees_everything:
        return Job.objects.all()
    return Job.objects.filter(created_by_id=scope.user_id)


def get_job_for_user(user: User, job_id: Any, *, kind: str | None = None) -> Job:
    """The job (of ``kind`` when given), or Http404 when it does not exist or is not the user's."""
    qs = jobs_for_user(user)
    if kind is not None:
        qs = qs.filter(kind=kind)
    try:
        return qs.get(pk=int(job_id))
    except (Job.DoesNotExist, ValueError, TypeError):
        raise Http404("no such job") from None


def get_membership_for_user(user: User, membership_id: int) -> Membership:
    logins_for_user(user)
    try:
        return Membership.objects.select_related("user").get(pk=membership_id)
    except Membership.DoesNotExist:
        raise Http404("no such role") from None
