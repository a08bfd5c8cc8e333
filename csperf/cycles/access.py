"""Which cycles and templates a login may see or manage."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.http import Http404

from csperf.cycles.models import Cycle, ScorecardTemplate
from csperf.org.access import scope_for

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def cycles_for_user(user: User, *, archived: bool | None = False) -> QuerySet[Cycle]:
    """Staff roles see every cycle (their cards are scoped separately); agents see the cycles
    they have a card in. Archived cycles drop out of the lists (``archived=False``); True gives
    only them, None every cycle."""
    scope = scope_for(user)
    if scope.user_id is None:
        return Cycle.objects.none()
    if scope.is_staff_role:
        found = Cycle.objects.all()
    elif scope.employee_id:
        found = Cycle.objects.filter(cards__employee_id=scope.employee_id).distinct()
    else:
        return Cycle.objects.none()
    if archived is None:
        return found
    if archived:
        return found.filter(status=Cycle.Status.ARCHIVED)
    return found.exclude(status=Cycle.Status.ARCHIVED)


def get_cycle_for_user(user: User, cycle_id: Any) -> Cycle:
    """Any cycle the user may see, archived ones too (links to them keep working)."""
    try:
        return cycles_for_user(user, archived=None).get(pk=int(cycle_id))
    except (Cycle.DoesNotExist, ValueError, TypeError):
        raise Http404("no such cycle") from None


def can_manage_cycles(user: User) -> bool:
    return scope_for(user).hr


def templates_for_user(user: User) -> QuerySet[ScorecardTemplate]:
    """Templates are the rules everyone is scored by: any logged-in staff or agent may read them."""
    scope = scope_for(user)
    if not (scope.is_staff_role or scope.employee_id):
        return ScorecardTemplate.objects.none()
    return ScorecardTemplate.objects.all()


def get_template_for_user(user: User, template_id: Any) -> ScorecardTemplate:
    try:
        return templates_for_user(user).get(pk=int(template_id))
    except (ScorecardTemplate.DoesNotExist, ValueError, TypeError):
        raise Http404("no such template") from None
