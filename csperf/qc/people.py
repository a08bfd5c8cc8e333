"""Who can inspect for a department: its QC inspectors, and the experts from outside it (HR and
other departments' inspectors) who may recheck when the department has a single inspector."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q

from csperf.org.models import Membership, Role


def inspectors_of(department_id: int) -> list[Any]:
    """Logins holding the inspector role on the department."""
    User = get_user_model()
    ids = Membership.objects.filter(role=Role.INSPECTOR, department_id=department_id).values_list(
        "user_id", flat=True
    )
    return list(User.objects.filter(pk__in=ids, is_active=True).order_by("username"))


def outside_experts(department_id: int) -> list[Any]:
    """HR and other departments' inspectors: who else may recheck the department's inspections."""
    User = get_user_model()
    own = Membership.objects.filter(role=Role.INSPECTOR, department_id=department_id)
    ids = Membership.objects.filter(
        Q(role=Role.HR) | Q(role=Role.INSPECTOR, department__isnull=False)
    ).values_list("user_id", flat=True)
    return list(
        User.objects.filter(pk__in=ids, is_active=True)
        .exclude(pk__in=own.values_list("user_id", flat=True))
        .order_by("username")
    )
