"""The cycle as the API answers it (``CycleOut``), shared by the main API and the cycles' router."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema
from pydantic import Field

from csperf.cycles import gates
from csperf.cycles.scope import CycleScope
from csperf.org.access import scope_for


class CycleScopeOut(Schema):
    departments: list[str]
    teams: list[str]
    positions: list[str]


class CycleOut(Schema):
    id: int
    name: str
    period: str
    status: str
    rating_deadline: dt.date
    appeal_days: int
    computed_at: dt.datetime | None
    min_coverage: float
    scope: CycleScopeOut
    archived_at: dt.datetime | None = None
    archived_reason: str = ""
    unrated_stages: list[dict[str, Any]] = Field(default_factory=list)

    @staticmethod
    def resolve_min_coverage(obj: Any) -> float:
        return float(obj.min_coverage)

    @staticmethod
    def resolve_scope(obj: Any) -> dict[str, list[str]]:
        return CycleScope.of(obj).as_codes()

    @staticmethod
    def resolve_unrated_stages(obj: Any, context: Any) -> list[dict[str, Any]]:
        # names people across the centre: HR and the auditor only
        request = (context or {}).get("request")
        if request is None or not scope_for(request.user).sees_everything:
            return []
        return gates.relabel((obj.compute_report or {}).get("unrated_stages") or [])
