"""结果公示 in the API: a cycle's disclosure setting and the released results it shows the
caller (``GET``), and HR's change of it (``PUT``), mounted on the main API by ``csperf.api.api``.

The same functions as the cycle page: the cycle comes through ``cycles.access.get_cycle_for_user``
(404 outside the caller's cycles), the results through ``cycles.disclosure.disclosed_results``
(404 to a member outside the dates or of no department, as the page), and the change through
``cycles.actions.set_disclosure`` (HR only, otherwise 403; audited).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Path, Router, Schema

from csperf.core.schemas import ID_MAX, Text
from csperf.cycles import actions as cycle_actions
from csperf.cycles.access import get_cycle_for_user
from csperf.cycles.disclosure import disclosed_results

router = Router(tags=["cycles"])


class DisclosureIn(Schema):
    disclose_results: bool
    disclose_from: dt.date | None = None
    disclose_until: dt.date | None = None
    reason: Text = ""


class DisclosureSettingsOut(Schema):
    cycle_id: int
    disclose_results: bool
    disclose_from: dt.date | None
    disclose_until: dt.date | None
    # whether members see the results today
    open_now: bool


class DisclosedRowOut(Schema):
    name: str
    team: str
    total: Decimal | None
    grade: str
    rank: int | None
    mine: bool


class DisclosedDepartmentOut(Schema):
    department_code: str
    department: str
    rows: list[DisclosedRowOut]


class DisclosureOut(DisclosureSettingsOut):
    departments: list[DisclosedDepartmentOut]


def _settings(cycle: Any) -> dict[str, Any]:
    return {
        "cycle_id": cycle.pk,
        "disclose_results": cycle.disclose_results,
        "disclose_from": cycle.disclose_from,
        "disclose_until": cycle.disclose_until,
        "open_now": cycle.disclosed_on(timezone.localdate()),
    }


@router.get("/cycles/{cycle_id}/disclosure", response=DisclosureOut)
def get_disclosure(request: HttpRequest, cycle_id: int = Path(..., ge=1, le=ID_MAX)):
    """The cycle's 结果公示 setting and the released results it shows the caller: name, team,
    total, grade and rank of each released card of the caller's departments (never pay, items
    or ratings). HR and the auditor read it at any time; a member only between the dates (404
    otherwise, as for someone of no department)."""
    cycle = get_cycle_for_user(request.user, cycle_id)
    groups = disclosed_results(request.user, cycle)
    departments = [
        {
            "department_code": g["department"].code,
            "department": g["department"].name,
            "rows": g["rows"],
        }
        for g in groups
    ]
    return {**_settings(cycle), "departments": departments}


@router.put("/cycles/{cycle_id}/disclosure", response=DisclosureSettingsOut)
def put_disclosure(
    request: HttpRequest, payload: DisclosureIn, cycle_id: int = Path(..., ge=1, le=ID_MAX)
):
    """HR shows the cycle's released results to each department between two dates (both
    required when ``disclose_results`` is true), or stops doing so; audited with the reason.
    Anyone else who sees the cycle gets 403, anyone who does not 404."""
    cycle = get_cycle_for_user(request.user, cycle_id)
    cycle_actions.set_disclosure(
        request.user,
        cycle,
        payload.disclose_results,
        payload.disclose_from,
        payload.disclose_until,
        payload.reason,
    )
    return _settings(cycle)
