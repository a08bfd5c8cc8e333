"""The one place that decides which events and closings a login may see, record or close.

- HR and the auditor see every event; HR records for everyone and closes every unit and the
  whole centre. The auditor records, voids and closes nothing.
- A department manager sees and records the events of their departments and closes the
  departments and their teams.
- A supervisor sees and records the events of their teams and closes those teams.
- A QC inspector sees and records the events of everyone they may inspect (the employees of the
  departments they inspect, as in ``qc.access``); closing is left to the units' managers and HR.
- Everyone sees their own events (and the ones they recorded); nobody records for themself.
Out-of-scope ids raise Http404.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet
from django.http import Http404

from csperf.events.models import CloseScope, Event, EventsClosed
from csperf.org.access import scope_for, with_placement
from csperf.org.models import Department, Employee, Team

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def events_for_user(user: User) -> QuerySet[Event]:
    scope = scope_for(user)
    qs = Event.objects.select_related("employee", "team", "department", "recorded_by", "voided_by")
    if scope.user_id is None:
        return qs.none()
    if scope.sees_everything:
        return qs
    cond = Q(recorded_by_id=scope.user_id)
    if scope.employee_id:
        cond |= Q(employee_id=scope.employee_id)
    if scope.supervised_team_ids:
        cond |= Q(team_id__in=scope.supervised_team_ids)
    if scope.department_ids:  # managed and inspected departments
        cond |= Q(department_id__in=scope.department_ids)
    return qs.filter(cond)


def get_event_for_user(user: User, pk: Any) -> Event:
    try:
        return events_for_user(user).get(pk=int(pk))
    except (Event.DoesNotExist, ValueError, TypeError):
        raise Http404("no such event") from None


def employees_user_may_record_for(user: User) -> QuerySet[Employee]:
    """The people this login may record (and void) events for, by their current placement."""
    scope = scope_for(user)
    qs = with_placement(Employee.objects.all())
    if scope.user_id is None:
        return qs.none()
    if not scope.hr:
        cond = Q(pk__in=[])
        if scope.supervised_team_ids:
            cond |= Q(current_team_id__in=scope.supervised_team_ids)
        if scope.department_ids:  # managed and inspected departments
            cond |= Q(current_department_id__in=scope.department_ids)
        qs = qs.filter(cond)
    if scope.employee_id:
        qs = qs.exclude(pk=scope.employee_id)
    return qs


def may_record(user: User) -> bool:
    """Holds a role that records events for someone (the auditor and plain employees do not)."""
    scope = scope_for(user)
    return bool(
        scope.hr
        or scope.supervised_team_ids
        or scope.managed_department_ids
        or scope.inspected_department_ids
    )


def may_record_for(user: User, employee: Employee) -> bool:
    return employees_user_may_record_for(user).filter(pk=employee.pk).exists()


@dataclass(frozen=True)
class Unit:
    """A team, a department or the whole centre, whose events of a period can be closed."""

    scope: str
    team: Team | None = None
    department: Department | None = None

    @property
    def key(self) -> str:
        if self.scope == CloseScope.TEAM:
            return f"team:{self.team.pk}"
        if self.scope == CloseScope.DEPARTMENT:
            return f"department:{self.department.pk}"
        return "center"

    @property
    def obj(self) -> Team | Department | None:
        return self.team if self.scope == CloseScope.TEAM else self.department

    @property
    def label(self) -> str:
        if self.scope == CloseScope.TEAM:
            return f"{self.team.department.name} / {self.team.name}"
        if self.scope == CloseScope.DEPARTMENT:
            return self.department.name
        return str(CloseScope.CENTER.label)

    @classmethod
    def of(cls, scope: str, obj: Any) -> Unit:
        if scope == CloseScope.TEAM:
            return cls(scope, team=obj)
        if scope == CloseScope.DEPARTMENT:
            return cls(scope, department=obj)
        return cls(CloseScope.CENTER)


def unit_key(scope: str, obj: Any) -> str:
    return Unit.of(scope, obj).key


def _units(center: bool, departments: QuerySet[Department], teams: QuerySet[Team]) -> list[Unit]:
    out = [Unit(CloseScope.CENTER)] if center else []
    out += [Unit(CloseScope.DEPARTMENT, department=d) for d in departments.order_by("code")]
    out += [
        Unit(CloseScope.TEAM, team=t)
        for t in teams.select_related("department").order_by("department__code", "code")
    ]
    return out


def units_user_may_close(user: User) -> list[Unit]:
    """HR: the centre, every department and team; a manager: their departments and the
    departments' teams; a supervisor: their teams; nobody else."""
    scope = scope_for(user)
    if scope.hr:
        return _units(True, Department.objects.all(), Team.objects.all())
    managed = scope.managed_department_ids
    return _units(
        False,
        Department.objects.filter(pk__in=managed),
        Team.objects.filter(Q(pk__in=scope.supervised_team_ids) | Q(department_id__in=managed)),
    )


def units_user_may_see(user: User) -> list[Unit]:
    """The units whose closing this login sees on the page: every unit for HR and the auditor,
    else the ones they may close."""
    if scope_for(user).sees_everything:
        return _units(True, Department.objects.all(), Team.objects.all())
    return units_user_may_close(user)


def closings_for_user(user: User) -> QuerySet[EventsClosed]:
    qs = EventsClosed.objects.select_related(
        "team__department", "department", "closed_by", "reopened_by"
    )
    scope = scope_for(user)
    if scope.sees_everything:
        return qs
    keys = [u.key for u in units_user_may_close(user)]
    return qs.filter(unit_key__in=keys)


def get_closing_for_user(user: User, pk: Any) -> EventsClosed:
    try:
        return closings_for_user(user).get(pk=int(pk))
    except (EventsClosed.DoesNotExist, ValueError, TypeError):
        raise Http404("no such closing") from None
