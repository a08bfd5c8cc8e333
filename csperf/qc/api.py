"""QC endpoints of the JSON API (mounted at /api/qc). Objects come through qc.access; steps
go through qc.actions, exactly as the pages do."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.contrib.auth import get_user_model
from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import ConfigDict, Field

from csperf.core.errors import InvalidInput
from csperf.core.schemas import NONBLANK, Code, PeriodLabel
from csperf.org.access import departments_for_user
from csperf.qc import actions, reports
from csperf.qc.access import (
    get_dispute_for_user,
    get_plan_for_user,
    get_review_for_user,
    reviews_for_user,
)
from csperf.qc.models import QcForm, Review

router = Router(tags=["quality inspection"])


class ReviewOut(Schema):
    id: int
    kind: str
    period: str
    interaction_id: str
    agent_code: str
    agent_name: str
    inspector: str
    form: str
    form_version: int
    status: str
    answered: int = Field(description="items scored so far")
    required: int = Field(description="items to score; score and passed are null until all are")
    score: Decimal | None
    max_score: Decimal | None
    fatal_count: int
    passed: bool | None
    recheck_score: Decimal | None
    submitted_at: dt.datetime | None
    pick_reason: str
    recording_url: str = Field(
        description="link to the recording, empty when the records have none"
    )
    transcript_url: str = Field(description="link to the transcript, empty when none")


def _out(r: Review) -> dict[str, Any]:
    answered, required = r.progress
    return {
        "id": r.pk,
        "kind": r.kind,
        "period": r.period,
        "interaction_id": r.interaction_id,
        "agent_code": r.agent.code,
        "agent_name": r.agent.name,
        "inspector": r.inspector.username,
        "form": r.form.code,
        "form_version": r.form.version,
        "status": r.status,
        "answered": answered,
        "required": required,
        "score": r.score if r.has_result else None,
        "max_score": r.max_score,
        "fatal_count": r.fatal_count,
        "passed": r.passed if r.has_result else None,
        "recheck_score": r.recheck_score,
        "submitted_at": r.submitted_at,
        "pick_reason": r.pick_reason,
        "recording_url": r.recording_url,
        "transcript_url": r.transcript_url,
    }


class AnswersIn(Schema):
    answers: dict[str, Any] = Field(
        default_factory=dict, examples=[{"greeting": 5, "identity_check": "na"}]
    )
    comments: dict[str, str] = Field(default_factory=dict)
    summary: str | None = None


class DisputeItem(Schema):
    item: str
    reason: str


class DisputeIn(Schema):
    items: list[DisputeItem]


class DisputeResolveIn(Schema):
    accept: bool
    resolution: str
    new_value: Any = None


class RecheckIn(Schema):
    inspector: str = Field(description="username of the second inspector")


COUNT_MAX = 1_000_000  # interactions a plan may draw per agent


class SamplingRuleIn(Schema):
    match: dict[str, Any] = Field(
        min_length=1, max_length=20, description="conditions, e.g. {rated: false}"
    )
    share: float = Field(gt=0, le=1, description="the part of the sample kept for them")
    label: str = Field("", max_length=200)


class SamplingIn(Schema):
    """A sampling plan (``qc.sampling.plan_from_dict``): ``count`` interactions per agent, or a
    ``share`` of them with a ``minimum`` and an optional ``maximum`` (at least the minimum);
    the rules' shares add up to at most 1 (422 naming ``params.rules`` otherwise)."""

    model_config = ConfigDict(
        json_schema_extra={
            "anyOf": [
                {"properties": {"mode": {"const": "share"}}, "required": ["mode", "share"]},
                {"properties": {"mode": {"const": "count"}}, "required": ["count"]},
            ]
        }
    )

    mode: Literal["count", "share"] = "count"
    count: int | None = Field(None, ge=1, le=COUNT_MAX)
    share: float | None = Field(None, gt=0, le=1)
    minimum: int = Field(0, ge=0, le=COUNT_MAX)
    maximum: int | None = Field(None, ge=1, le=COUNT_MAX)
    stratify: str = Field(
        "", max_length=80, description="attribute the sample is spread over: queue, channel …"
    )
    rules: list[SamplingRuleIn] = Field(default_factory=list, max_length=50)
    seed: str = Field("0", max_length=80)


class SamplingPlanIn(Schema):
    name: str = Field(min_length=1, max_length=200, pattern=NONBLANK)
    period: PeriodLabel
    department: Code = Field(description="department code")
    form: Code = Field(description="QC form code (latest version)")
    source: Literal["calls", "tickets"] = "calls"
    params: SamplingIn = Field(
        examples=[
            {
                "mode": "count",
                "count": 25,
                "stratify": "queue",
                "rules": [{"match": {"rated": False}, "share": 0.3}],
            }
        ]
    )


@router.get("/reviews", response=list[ReviewOut])
def list_reviews(
    request: HttpRequest, period: str | None = None, status: str | None = None, mine: bool = False
):
    qs = reviews_for_user(request.user)
    if period:
        qs = qs.filter(period=period)
    if status:
        qs = qs.filter(status=status)
    if mine:
        qs = qs.filter(inspector=request.user)
    return [_out(r) for r in qs.order_by("period", "id")[:5000]]


@router.get("/reviews/{review_id}")
def get_review(request: HttpRequest, review_id: int) -> dict[str, Any]:
    r = get_review_for_user(request.user, review_id)
    return {
        **_out(r),
        "answers": r.answers,
        "comments": r.comments,
        "summary": r.summary,
        "disputes": [
            {
                "id": d.pk,
                "item": d.item_code,
                "reason": d.reason,
                "status": d.status,
                "resolution": d.resolution,
            }
            for d in r.disputes.all()
        ],
    }


@router.put("/reviews/{review_id}/answers", response=ReviewOut)
def put_answers(request: HttpRequest, review_id: int, payload: AnswersIn):
    r = get_review_for_user(request.user, review_id, log=False)
    actions.save(request.user, r, payload.answers, payload.comments, payload.summary)
    return _out(r)


@router.post("/reviews/{review_id}/submit", response=ReviewOut)
def submit(request: HttpRequest, review_id: int):
    r = get_review_for_user(request.user, review_id, log=False)
    actions.submit(request.user, r)
    return _out(r)


@router.post("/reviews/{review_id}/disputes", response={201: list[dict]})
def dispute(request: HttpRequest, review_id: int, payload: DisputeIn):
    r = get_review_for_user(request.user, review_id, log=False)
    made = actions.file_dispute(request.user, r, [i.dict() for i in payload.items])
    return Status(201, [{"id": d.pk, "item": d.item_code, "status": d.status} for d in made])


@router.post("/disputes/{dispute_id}/resolve")
def resolve(request: HttpRequest, dispute_id: int, payload: DisputeResolveIn) -> dict[str, Any]:
    d = get_dispute_for_user(request.user, dispute_id)
    actions.resolve_dispute(
        request.user,
        d,
        accept=payload.accept,
        resolution=payload.resolution,
        new_value=payload.new_value,
    )
    return {"id": d.pk, "status": d.status, "review": _out(Review.objects.get(pk=d.review_id))}


def _inspector(username: str):
    u = get_user_model().objects.filter(username=username, is_active=True).first()
    if u is None:
        raise InvalidInput(f"no user {username}", field="inspector")
    return u


@router.post("/reviews/{review_id}/recheck", response={201: ReviewOut})
def recheck(request: HttpRequest, review_id: int, payload: RecheckIn):
    r = get_review_for_user(request.user, review_id, log=False)
    return Status(
        201, _out(actions.request_recheck(request.user, r, _inspector(payload.inspector)))
    )


@router.get("/consistency")
def consistency(request: HttpRequest, period: str) -> list[dict[str, Any]]:
    return reports.consistency_rows(request.user, period)


@router.get("/results")
def results(request: HttpRequest, period: str, by: str = "agent") -> list[dict[str, Any]]:
    return reports.summary_rows(request.user, period, "team" if by == "team" else "agent")


@router.post("/plans", response={201: dict})
def create_plan(request: HttpRequest, payload: SamplingPlanIn):
    dept = departments_for_user(request.user).filter(code=payload.department).first()
    if dept is None:
        raise InvalidInput(f"no department {payload.department}", field="department")
    actions.ensure_builtin_forms()
    form = QcForm.objects.filter(code=payload.form).order_by("-version").first()
    if form is None:
        raise InvalidInput(f"no QC form {payload.form}", field="form")
    plan = actions.create_plan(
        request.user,
        name=payload.name,
        period=payload.period,
        department=dept,
        form=form,
        params=payload.params.dict(exclude_unset=True),
        source=payload.source,
    )
    return Status(201, {"id": plan.pk, "status": plan.status})


@router.post("/plans/{plan_id}/draw")
def draw(request: HttpRequest, plan_id: int) -> dict[str, Any]:
    plan = get_plan_for_user(request.user, plan_id)
    made = actions.draw(request.user, plan)
    return {
        "id": plan.pk,
        "status": plan.status,
        "drawn": len(made),
        "workload": reports.workload_rows(plan),
    }
