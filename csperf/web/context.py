"""Template context shared by every page: the user's roles for the navigation."""

from __future__ import annotations

from typing import Any

from csperf.org.access import scope_for
from csperf.org.readonly import is_read_only


def navigation(request: Any) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    scope = scope_for(user)
    return {
        "scope": scope,
        "is_hr": scope.hr,
        "is_staff_role": scope.is_staff_role,
        # an auditor with no working role: pages show them no action buttons
        "read_only": is_read_only(user),
    }
