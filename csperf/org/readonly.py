"""The auditor reads only: who that is and what they are told (the pages' middleware and the
API's token auth both ask here)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from csperf.core.errors import NotAllowed
from csperf.org.access import scope_for

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def is_read_only(user: User | AnonymousUser) -> bool:
    """An auditor who holds no working role (HR, supervisor, manager, inspector, or an employee
    with a card of their own): sees what HR sees and changes nothing."""
    scope = scope_for(user)
    if scope.user_id is None or not scope.auditor:
        return False
    working = scope.hr or scope.supervised_team_ids or scope.department_ids or scope.employee_id
    return not working


def read_only_refusal() -> str:
    return _("The auditor reads only: this step is not available to you.")


def may_act(user: User | AnonymousUser) -> bool:
    """Whether the login may take steps on cards at all: auditors read only (unless they also
    hold a working role)."""
    scope = scope_for(user)
    if scope.user_id is None:
        return False
    working = scope.hr or scope.supervised_team_ids or scope.department_ids or scope.employee_id
    return bool(working) or not scope.auditor


def require_may_act(user: User | AnonymousUser) -> None:
    if not may_act(user):
        raise NotAllowed(_("The auditor reads only and takes no step on cards."))
