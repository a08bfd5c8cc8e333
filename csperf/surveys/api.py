"""Survey endpoints of the JSON API (mounted at /api/surveys)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django.http import HttpRequest
from ninja import File, Router, Schema, Status
from ninja import Path as PathParam
from ninja.files import UploadedFile

from csperf.core.schemas import ID_MAX
from csperf.surveys import actions
from csperf.surveys.access import (
    followups_for_user,
    get_followup_for_user,
    get_survey_for_user,
    surveys_for_user,
)
from csperf.surveys.actions import SurveyImportFailed
from csperf.surveys.reports import survey_figures

router = Router(tags=["surveys"])


class CloseIn(Schema):
    outcome: str
    notes: str


@router.get("")
def list_surveys(request: HttpRequest) -> list[dict[str, Any]]:
    actions.ensure_builtin_surveys()
    return [
        {"id": s.pk, "code": s.code, "name": s.name, "kind": s.kind}
        for s in surveys_for_user(request.user)
    ]


@router.get("/{survey_id}/figures")
def figures(
    request: HttpRequest, survey_id: int, grain: str = "month", by: str = "employee"
) -> list[dict[str, Any]]:
    s = get_survey_for_user(request.user, survey_id)
    if grain not in ("month", "quarter", "year"):
        from csperf.core.errors import InvalidInput

        raise InvalidInput("grain must be month, quarter or year", field="query.grain")
    return survey_figures(request.user, s, grain=grain, by="team" if by == "team" else "employee")


@router.post("/{survey_id}/responses", response={201: dict, 422: dict})
def import_responses(
    request: HttpRequest,
    survey_id: int = PathParam(..., ge=1, le=ID_MAX),
    file: UploadedFile = File(  # noqa: B008 (ninja parameter declaration)
        ..., description="the survey's responses as .csv or .xlsx (422 lists each problem)"
    ),
):
    s = get_survey_for_user(request.user, survey_id)
    suffix = Path(file.name or "").suffix.lower() or ".csv"
    with tempfile.TemporaryDirectory(prefix="csperf-survey-") as tmp:
        path = Path(tmp) / f"upload{suffix}"
        path.write_bytes(file.read())
        try:
            imp = actions.import_responses(request.user, s, path, file_name=file.name)
        except SurveyImportFailed as exc:
            return Status(422, {"detail": exc.problems, "total": exc.total})
    return Status(201, {"rows": imp.rows, "replaced": imp.replaced})


@router.get("/followups")
def list_followups(request: HttpRequest, status: str | None = None) -> list[dict[str, Any]]:
    qs = followups_for_user(request.user)
    if status:
        qs = qs.filter(status=status)
    return [
        {
            "id": f.pk,
            "survey": f.response.survey.code,
            "response": f.response.response_id,
            "reason": f.reason,
            "owner": f.owner.username if f.owner else None,
            "due_on": f.due_on,
            "status": f.status,
            "overdue": f.overdue,
            "outcome": f.outcome,
            "closed_at": f.closed_at,
        }
        for f in qs[:5000]
    ]


@router.post("/followups/{followup_id}/close")
def close_followup(request: HttpRequest, followup_id: int, payload: CloseIn) -> dict[str, Any]:
    f = get_followup_for_user(request.user, followup_id)
    actions.close_followup(request.user, f, outcome=payload.outcome, notes=payload.notes)
    return {"id": f.pk, "status": f.status, "outcome": f.outcome}
