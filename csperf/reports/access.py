"""What a login may see of the dashboards: which centre, departments and teams.

Indicator figures of a unit are evaluation data: HR and auditors see every unit and the centre,
department managers and QC inspectors their departments (and the teams in them), supervisors their
teams. Agents see no unit figures, only their own trend (their cards go through the card access
helper). Units are named by the codes the records use, which are the organisation's codes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.http import Http404
from django.utils.translation import gettext as _

from csperf.metrics import CENTER
from csperf.org.access import departments_for_user, scope_for, teams_for_user

if TYPE_CHECKING:
    from django.contrib.auth.models import User


@dataclass(frozen=True)
class Unit:
    level: str
    code: str
    name: str

    @property
    def label(self) -> str:
        # A team or department shows its code beside its name; the centre's code is internal.
        if self.name == self.code or self.level == CENTER:
            return self.name
        return f"{self.name} ({self.code})"


def units_for_user(user: User, level: str) -> list[Unit]:
    """The units of ``level`` (center, department, team) this login may see figures of."""
    scope = scope_for(user)
    if level == CENTER:
        return [Unit(CENTER, CENTER, _("Whole centre"))] if scope.sees_everything else []
    if level == "department":
        if not (scope.sees_everything or scope.department_ids):
            return []
        qs = departments_for_user(user)
        if not scope.sees_everything:
            qs = qs.filter(pk__in=scope.department_ids)
        return [Unit("department", d.code, d.name) for d in qs.order_by("code")]
    if level == "team":
        return [Unit("team", t.code, t.name) for t in teams_for_user(user).order_by("code")]
    return []


def levels_for_user(user: User) -> list[str]:
    return [lv for lv in (CENTER, "department", "team") if units_for_user(user, lv)]


def sees_dashboards(user: User) -> bool:
    return bool(levels_for_user(user))


def require_units(user: User, level: str, codes: list[str]) -> list[Unit]:
    """The requested units, each within the user's scope; an unknown or foreign one is a 404."""
    allowed = {u.code: u for u in units_for_user(user, level)}
    if not allowed:
        raise Http404("no such unit")
    if not codes:
        return list(allowed.values())[:8]
    out = []
    for code in codes:
        if code not in allowed:
            raise Http404("no such unit")
        out.append(allowed[code])
    return out
