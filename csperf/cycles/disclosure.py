"""结果公示: a cycle's released results shown to the members of each department.

Only when HR turned it on for the cycle (``Cycle.disclose_results``) and only between its two
dates. A member sees the released cards (published and later) of the departments they belong to
in the cycle: where their own card of the cycle is, the departments they manage or inspect and
those of the teams they supervise. Each row is the name, team, total, grade and rank: never pay,
never items or ratings. HR and the auditor may look at the page at any time (a preview).
This is the one place that reads cards for the disclosure page.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.http import Http404
from django.utils import timezone

from csperf.core import audit
from csperf.core.models import AuditEvent
from csperf.org.access import scope_for
from csperf.org.models import Team

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def member_departments(user: User, cycle: Any) -> set[int]:
    """The departments whose results the user sees as a member (HR and the auditor: all)."""
    from csperf.reviews.models import Card

    scope = scope_for(user)
    depts: set[int] = set(scope.department_ids)
    if scope.supervised_team_ids:
        depts |= set(
            Team.objects.filter(pk__in=scope.supervised_team_ids).values_list(
                "department_id", flat=True
            )
        )
    if scope.employee_id:
        depts |= set(
            Card.objects.filter(cycle=cycle, employee_id=scope.employee_id).values_list(
                "department_id", flat=True
            )
        )
    return depts


def disclosed_results(user: User, cycle: Any, day: dt.date | None = None) -> list[dict[str, Any]]:
    """The departments' released results this user may see, or Http404 when there are none for
    them (the page does not exist outside the dates, or for someone of no department)."""
    from csperf.reviews.models import RELEASED, Card

    scope = scope_for(user)
    day = day or timezone.localdate()
    if scope.user_id is None:
        raise Http404("no results")
    if scope.sees_everything:
        cards = Card.objects.filter(cycle=cycle)
    else:
        if not cycle.disclosed_on(day):
            raise Http404("no results")
        depts = member_departments(user, cycle)
        if not depts:
            raise Http404("no results")
        cards = Card.objects.filter(cycle=cycle, department_id__in=depts)
    cards = (
        cards.filter(status__in=RELEASED)
        .select_related("employee", "team", "department")
        .order_by("department__code", "rank", "-total", "employee__code")
    )
    out: list[dict[str, Any]] = []
    by_dept: dict[int, dict[str, Any]] = {}
    others = 0
    for card in cards:
        group = by_dept.get(card.department_id)
        if group is None:
            group = {"department": card.department, "rows": []}
            by_dept[card.department_id] = group
            out.append(group)
        group["rows"].append(
            {
                "name": card.employee.name,
                "team": card.team.name,
                "total": card.total,
                "grade": card.grade,
                "rank": card.rank,
                "mine": card.employee_id == scope.employee_id,
            }
        )
        others += card.employee_id != scope.employee_id
    if others:
        audit.record_access(
            user, AuditEvent.Kind.VIEW, cycle, detail=f"disclosed results ({others})"
        )
    return out
