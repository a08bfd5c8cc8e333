"""The JSON API (OpenAPI at /api/docs).

Authentication: ``POST /api/auth/token`` with username and password returns a token; send it as
``Authorization: Bearer <token>``. Every object is fetched through the same access helpers as the
pages, so out-of-scope ids answer 404. Bad input answers 422 with the field in ``detail[].loc``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.contrib.auth import authenticate
from django.db import OperationalError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, NinjaAPI, Path, Query, Schema, Status, UploadedFile
from ninja.security import HttpBearer
from pydantic import Field

from csperf.api import actions as token_actions
from csperf.api.models import ApiToken
from csperf.core.errors import ActionError, InvalidInput, NotAllowed
from csperf.core.models import AuditEvent
from csperf.core.schemas import ID_MAX, Code, DbId, Text
from csperf.cycles import actions as cycle_actions
from csperf.cycles import gates
from csperf.cycles.access import (
    cycles_for_user,
    get_cycle_for_user,
    get_template_for_user,
    templates_for_user,
)
from csperf.cycles.schemas import CycleOut
from csperf.ingest.schema import RECORD_TYPES
from csperf.kernel.periods import PERIOD_PATTERN
from csperf.org.access import (
    employees_for_user,
    get_employee_for_user,
    get_job_for_user,
    scope_for,
)
from csperf.org.readonly import UNSAFE_METHODS, is_read_only, read_only_refusal
from csperf.reviews import actions
from csperf.reviews.access import cards_for_user, get_card_for_user, history_for_user
from csperf.reviews.api import AppealOut, appeal_out
from csperf.reviews.card_json import card_full, card_summary
from csperf.reviews.transitions import StepName, run_step


class TokenAuth(HttpBearer):
    """Bearer token auth; a read-only auditor's POST/PUT/PATCH/DELETE answers 403 here, before
    any operation runs (``allow_read_only`` opens one operation to them: revoking their token)."""

    def __init__(self, *, allow_read_only: bool = False) -> None:
        super().__init__()
        self.allow_read_only = allow_read_only

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = ApiToken.user_for(token)
        if user is not None:
            request.user = user
            if request.method in UNSAFE_METHODS and not self.allow_read_only and is_read_only(user):
                raise NotAllowed(read_only_refusal())
        return user


api = NinjaAPI(
    title="csperf API",
    version="1",
    description="客服绩效考核系统 — cycles, scorecards, ratings, workflow and appeals.",
    auth=TokenAuth(),
    urls_namespace="api",
)


@api.exception_handler(ActionError)
def _action_error(request: HttpRequest, exc: ActionError):
    if isinstance(exc, InvalidInput):
        loc = [p for p in (exc.field or "").replace("[", ".").replace("]", "").split(".") if p]
        if not loc or loc[0] not in ("query", "path"):
            loc = ["body", *loc]
        detail = [
            {
                "loc": [int(p) if p.isdigit() else p for p in loc],
                "msg": exc.message,
                "type": "value_error",
            }
        ]
        return api.create_response(request, {"detail": detail}, status=422)
    return api.create_response(request, {"detail": exc.message}, status=exc.status)


@api.exception_handler(OperationalError)
def _busy_database(request: HttpRequest, exc: OperationalError):
    """Another writer holds the lock: 409, try again (csperf/core/busy.py); anything else is a
    fault and goes on to Django's error handling."""
    from csperf.core.busy import busy_message, is_busy

    if not is_busy(exc):
        raise exc
    return api.create_response(request, {"detail": busy_message()}, status=409)


# -- schemas ---------------------------------------------------------------------------------

# The record types an import takes (``records_ui.actions.start_import`` refuses any other).
RECORD_KINDS = tuple(RECORD_TYPES)
# ``?indicators=``: codes of the indicator library, separated by commas.
INDICATOR_LIST_PATTERN = r"^ *[A-Za-z][A-Za-z0-9_]*( *, *[A-Za-z][A-Za-z0-9_]*)* *$"


class TokenIn(Schema):
    username: str = Field(min_length=1)
    password: str = Field(min_length=1)


class TokenOut(Schema):
    token: str
    token_type: str = "Bearer"
    expires_at: dt.datetime


class CycleIn(Schema):
    # checked by ``create_cycle`` (422 at ["body", "period"]); the pattern says what it takes
    period: str = Field(
        max_length=10, examples=["2026-03"], json_schema_extra={"pattern": PERIOD_PATTERN}
    )
    name: str = ""
    rating_deadline: dt.date | None = None
    appeal_days: int = Field(7, ge=0, le=90)
    min_coverage: float = Field(0.8, ge=0, le=1)
    # Who the cycle is for, by code; all empty: everyone.
    departments: list[str] = Field(default_factory=list)
    teams: list[str] = Field(default_factory=list)
    positions: list[str] = Field(default_factory=list)


class CyclePatch(Schema):
    min_coverage: float = Field(ge=0, le=1)
    reason: str = ""


class CardDecisionIn(Schema):
    card: DbId
    reason: str


class OpenIn(Schema):
    reason: str = ""
    exclude: list[CardDecisionIn] = Field(default_factory=list)
    override: list[CardDecisionIn] = Field(default_factory=list)


class JobOut(Schema):
    id: int
    kind: str
    status: str
    progress: int
    total: int
    percent: int
    message: str
    error: str
    result: Any = None


class CardSummary(Schema):
    id: int
    cycle_id: int
    period: str
    employee_code: str
    employee_name: str
    team: str
    department: str
    position: str
    template: str
    status: str
    total: Decimal | None
    grade: str | None
    rank: int | None
    coverage: float | None


RATING_MAX = 99_999_999  # what DECIMAL(12, 4) holds


class RatingIn(Schema):
    item: Code = Field(description="item code of the card's template")
    # kept as DECIMAL(12, 4) (rounded to 4 places); the item's rule or unit decides which
    # values it takes (422 naming ratings[i].value)
    value: Decimal | None = Field(
        None,
        ge=-RATING_MAX,
        le=RATING_MAX,
        allow_inf_nan=False,
        description="a level or a score in the item's range; null or absent: empty",
        json_schema_extra={
            "anyOf": [
                {"type": "number", "minimum": -RATING_MAX, "maximum": RATING_MAX},
                {"type": "null"},
            ]
        },
    )
    comment: Text = ""


class RatingsIn(Schema):
    ratings: list[RatingIn] = Field(min_length=1, max_length=500)


class TransitionIn(Schema):
    action: StepName
    reason: str = ""
    to_role: str | None = None


class AppealItemIn(Schema):
    item: str
    reason: str


class AppealIn(Schema):
    reason: str = ""
    items: list[AppealItemIn] = Field(min_length=1)


class EventOut(Schema):
    at: dt.datetime
    who: str | None
    kind: str
    action: str
    field: str
    old: Any = None
    new: Any = None
    reason: str


class TemplateOut(Schema):
    id: int
    code: str
    version: int
    name: str
    period: str
    positions: list[str]
    rater_roles: list[str]


class EmployeeOut(Schema):
    id: int
    code: str
    name: str
    hired_on: dt.date | None
    left_on: dt.date | None


def _form_enum(field: str, values: tuple[str, ...]) -> dict[str, Any]:
    schema = {"properties": {field: {"enum": list(values)}}}
    return {"requestBody": {"content": {"multipart/form-data": {"schema": schema}}}}


# -- helpers ---------------------------------------------------------------------------------


# -- auth ------------------------------------------------------------------------------------


@api.post("/auth/token", auth=None, response={200: TokenOut, 401: dict}, tags=["auth"])
def issue_token(request: HttpRequest, payload: TokenIn):
    """Exchange a username and password for a bearer token.

    Repeated failures for one username or from one address answer 429 with ``Retry-After``
    (django-axes sees this call: ``authenticate`` gets the request)."""
    user = authenticate(request, username=payload.username, password=payload.password)
    if user is None:
        return Status(401, {"detail": _("Wrong username or password.")})
    token, raw = ApiToken.issue(user)
    return Status(200, {"token": raw, "expires_at": token.expires_at})


@api.post("/auth/revoke", auth=TokenAuth(allow_read_only=True), response={204: None}, tags=["auth"])
def revoke_presented_token(request: HttpRequest):
    """End the bearer token this request was sent with; later calls with it answer 401."""
    token_actions.revoke_presented(
        request.user, request.headers.get("Authorization", "").partition(" ")[2].strip()
    )
    return Status(204, None)


@api.get("/me", tags=["auth"])
def me(request: HttpRequest) -> dict[str, Any]:
    scope = scope_for(request.user)
    return {"username": request.user.username, "roles": [str(r) for r in scope.roles()]}


# -- cycles ----------------------------------------------------------------------------------


@api.get("/cycles", response=list[CycleOut], tags=["cycles"])
def list_cycles(request: HttpRequest, archived: bool = False):
    """The cycles the caller may see; archived ones only with ``?archived=true``."""
    return list(cycles_for_user(request.user, archived=archived))


@api.get("/cycles/{cycle_id}", response=CycleOut, tags=["cycles"])
def get_cycle(request: HttpRequest, cycle_id: int):
    return get_cycle_for_user(request.user, cycle_id)


def _by_codes(model: Any, codes: list[str], field: str) -> list[Any]:
    found = {o.code: o for o in model.objects.filter(code__in=codes)}
    for i, code in enumerate(codes):
        if code not in found:
            raise InvalidInput(_("Unknown code %(code)s.") % {"code": code}, field=f"{field}[{i}]")
    return [found[c] for c in dict.fromkeys(codes)]


@api.post("/cycles", response={201: CycleOut}, tags=["cycles"])
def create_cycle(request: HttpRequest, payload: CycleIn):
    """A cycle for a period and a scope; 409 when a cycle of the period covers any of it."""
    from csperf.org.models import Department, Position, Team

    cycle = cycle_actions.create_cycle(
        request.user,
        period=payload.period,
        name=payload.name,
        rating_deadline=payload.rating_deadline,
        appeal_days=payload.appeal_days,
        min_coverage=Decimal(str(payload.min_coverage)),
        departments=_by_codes(Department, payload.departments, "departments"),
        teams=_by_codes(Team, payload.teams, "teams"),
        positions=_by_codes(Position, payload.positions, "positions"),
    )
    return Status(201, cycle)


@api.patch("/cycles/{cycle_id}", response=CycleOut, tags=["cycles"])
def update_cycle(request: HttpRequest, cycle_id: int, payload: CyclePatch):
    """Change the minimum data coverage (audited)."""
    cycle = get_cycle_for_user(request.user, cycle_id)
    cycle_actions.set_min_coverage(
        request.user, cycle, Decimal(str(payload.min_coverage)), payload.reason
    )
    return cycle


@api.delete("/cycles/{cycle_id}", response={204: None}, tags=["cycles"])
def delete_cycle(request: HttpRequest, cycle_id: int, reason: str = ""):
    """Delete a cycle still being set up, with its cards (``?reason=`` required, audited)."""
    cycle = get_cycle_for_user(request.user, cycle_id)
    cycle_actions.delete_cycle(request.user, cycle, reason)
    return Status(204, None)


@api.post("/cycles/{cycle_id}/compute", response={202: JobOut}, tags=["cycles"])
def compute_cycle(request: HttpRequest, cycle_id: int):
    """Queue the background job that computes the indicators and scores the cards."""
    cycle = get_cycle_for_user(request.user, cycle_id)
    return Status(202, cycle_actions.request_compute(request.user, cycle))


def _decisions(request: HttpRequest, cycle: Any, rows: list[CardDecisionIn], field: str):
    cards = cards_for_user(request.user, cycle_id=cycle.pk).in_bulk([r.card for r in rows])
    out = []
    for i, r in enumerate(rows):
        if r.card not in cards:
            raise InvalidInput(
                _("Card %(card)s is not in this cycle.") % {"card": r.card},
                field=f"{field}[{i}].card",
            )
        out.append((cards[r.card], r.reason))
    return out


@api.post("/cycles/{cycle_id}/open", response={200: CycleOut, 409: dict}, tags=["cycles"])
def open_cycle(request: HttpRequest, cycle_id: int, payload: OpenIn | None = None):
    """Open rating. 409 names every card held back (coverage below the minimum, input errors,
    a stage nobody can rate) in ``blocked``; ``exclude`` and ``override`` decide on such cards
    (each with a reason) in the same request."""
    payload = payload or OpenIn()
    cycle = get_cycle_for_user(request.user, cycle_id)
    try:
        cycle_actions.open_cycle(
            request.user,
            cycle,
            payload.reason,
            exclude=_decisions(request, cycle, payload.exclude, "exclude"),
            override=_decisions(request, cycle, payload.override, "override"),
        )
    except gates.GateRefused as exc:
        return Status(409, {"detail": exc.message, "blocked": exc.blocked})
    return cycle


@api.get("/jobs/{job_id}", response=JobOut, tags=["cycles"])
def get_job(request: HttpRequest, job_id: int):
    """A job; an import's ``result.problems`` each keep ``msgid`` and ``params`` (stable, for
    programs) and add ``text`` in the caller's language (Accept-Language)."""
    from csperf.records_ui.actions import KIND
    from csperf.records_ui.problems import rendered_problems

    job = get_job_for_user(request.user, job_id)
    problems = (job.result or {}).get("problems") if job.kind == KIND else None
    if problems:  # shown, not saved
        kind = (job.params or {}).get("kind", "")
        job.result = {**job.result, "problems": rendered_problems(problems, kind=kind)}
    return job


@api.post(
    "/imports",
    response={202: JobOut},
    tags=["imports"],
    # start_import checks the kind (422 at ["body", "kind"]); the schema lists what it takes
    openapi_extra=_form_enum("kind", RECORD_KINDS),
)
def start_import(
    request: HttpRequest,
    kind: str = Form(..., description="the record type of the file"),
    file: UploadedFile = File(
        ..., description="a .csv, .txt, .xlsx, .xlsm, .xls or .ods file within the upload limit"
    ),
    encoding: str = Form(
        "",
        max_length=40,
        pattern=r"^[A-Za-z0-9_.:-]*$",
        description="a CSV's text encoding (utf-8, gb18030 …); empty: detected",
    ),
):
    """Import a record file (csv, xlsx, xls, ods) as a background job; follow it at /jobs/{id}.

    A file with problems is rejected whole: the job fails and its ``result.problems`` lists
    each one as file, row, column and message (English), with its ``msgid`` and ``params`` (stable,
    for programs); ``GET /jobs/{id}`` adds ``text``, the message in the caller's language.
    """
    from csperf.records_ui.actions import start_import as start

    return Status(202, start(request.user, kind, file, encoding=encoding))


# -- templates and organisation --------------------------------------------------------------


@api.get("/templates", response=list[TemplateOut], tags=["templates"])
def list_templates(request: HttpRequest):
    return list(templates_for_user(request.user))


@api.get("/templates/{template_id}", tags=["templates"])
def get_template(request: HttpRequest, template_id: int) -> dict[str, Any]:
    tpl = get_template_for_user(request.user, template_id)
    return {**TemplateOut.from_orm(tpl).dict(), "source": tpl.source}


@api.get("/employees", response=list[EmployeeOut], tags=["organisation"])
def list_employees(request: HttpRequest):
    return list(employees_for_user(request.user))


@api.get("/employees/{employee_id}", response=EmployeeOut, tags=["organisation"])
def get_employee(request: HttpRequest, employee_id: int):
    return get_employee_for_user(request.user, employee_id)


# -- cards -----------------------------------------------------------------------------------


@api.get("/cards", response=list[CardSummary], tags=["cards"])
def list_cards(request: HttpRequest, cycle: int | None = Query(None, ge=1, le=ID_MAX)):
    """The cards the caller may see, optionally of one cycle."""
    if cycle is not None:
        get_cycle_for_user(request.user, cycle)
    cards = cards_for_user(request.user, cycle_id=cycle).order_by(
        "cycle_id", "team__code", "employee__code"
    )
    return [card_summary(c, request.user) for c in cards]


@api.get("/cards/{card_id}", tags=["cards"])
def get_card(request: HttpRequest, card_id: int) -> dict[str, Any]:
    """The card with items, scores, total, grade, rank, pay and status (as far as visible)."""
    return card_full(get_card_for_user(request.user, card_id), request.user)


@api.put("/cards/{card_id}/ratings", tags=["cards"])
def put_ratings(
    request: HttpRequest, payload: RatingsIn, card_id: int = Path(..., ge=1, le=ID_MAX)
) -> dict[str, Any]:
    """Fill the caller's rating column (levels or scores, with comments)."""
    card = get_card_for_user(request.user, card_id, log=False)
    actions.save_ratings(
        request.user,
        card,
        [{"item": r.item, "value": r.value, "comment": r.comment} for r in payload.ratings],
    )
    return card_full(card, request.user)


@api.post("/cards/{card_id}/transitions", tags=["cards"])
def transition(request: HttpRequest, card_id: int, payload: TransitionIn) -> dict[str, Any]:
    card = get_card_for_user(request.user, card_id, log=False)
    run_step(request.user, card, payload.action, reason=payload.reason, to_role=payload.to_role)
    return card_full(card, request.user)


@api.get("/cards/{card_id}/history", response=list[EventOut], tags=["cards"])
def card_history(request: HttpRequest, card_id: int):
    card = get_card_for_user(request.user, card_id)
    events = history_for_user(request.user, card).filter(kind=AuditEvent.Kind.CHANGE)
    return [
        {
            "at": e.at,
            "who": e.actor.username if e.actor else None,
            "kind": e.kind,
            "action": e.action,
            "field": e.field,
            "old": e.old,
            "new": e.new,
            "reason": e.reason,
        }
        for e in events
    ]


@api.get("/cards/{card_id}/appeals", response=list[AppealOut], tags=["appeals"])
def list_appeals(request: HttpRequest, card_id: int):
    card = get_card_for_user(request.user, card_id)
    return [appeal_out(a, request.user) for a in card.appeals.prefetch_related("items")]


@api.post("/cards/{card_id}/appeals", response={201: AppealOut}, tags=["appeals"])
def file_appeal(request: HttpRequest, card_id: int, payload: AppealIn):
    """Appeal items of one's own published card; the items are split by who answers them first
    (``filed_with`` names the other appeals the same form made)."""
    card = get_card_for_user(request.user, card_id, log=False)
    appeal = actions.file_appeal(
        request.user,
        card,
        [{"item": i.item, "reason": i.reason} for i in payload.items],
        payload.reason,
    )
    return Status(201, appeal_out(appeal, request.user))


# -- indicators ------------------------------------------------------------------------------


@api.get("/indicators", tags=["indicators"])
def list_indicator_definitions(request: HttpRequest) -> list[dict[str, Any]]:
    """The indicator library (codes, names, formulas, parameters)."""
    from csperf.metrics import list_indicators

    scope = scope_for(request.user)
    if not (scope.is_staff_role or scope.employee_id):
        return []
    return list_indicators()


@api.get("/indicators/values", tags=["indicators"])
def indicator_values(
    request: HttpRequest,
    period: str = Query(..., pattern=PERIOD_PATTERN, examples=["2026-03"]),
    indicators: str | None = Query(
        None,
        max_length=4000,
        pattern=INDICATOR_LIST_PATTERN,
        description="indicator codes separated by commas (GET /api/indicators); absent: all",
    ),
    level: Literal["employee", "team", "department", "center"] = "employee",
) -> list[dict[str, Any]]:
    """Indicator values for a period, for the employees / teams / departments in the caller's scope."""
    from django.conf import settings

    from csperf.kernel.decimals import jsonable
    from csperf.kernel.periods import Period
    from csperf.metrics import MetricsError, PeriodError, compute
    from csperf.org.access import departments_for_user, teams_for_user

    try:
        Period.parse(period)
    except ValueError as exc:
        raise InvalidInput(str(exc), field="query.period") from None
    scope = scope_for(request.user)
    if level == "employee":
        subjects = list(employees_for_user(request.user).values_list("code", flat=True))
    elif level == "team":
        subjects = list(teams_for_user(request.user).values_list("name", flat=True))
    elif level == "department":
        subjects = list(departments_for_user(request.user).values_list("name", flat=True))
    else:
        if not scope.sees_everything:
            raise NotAllowed("only HR and auditors see centre-wide figures")
        subjects = None
    if subjects is not None and not subjects:
        return []
    codes = [c.strip() for c in indicators.split(",") if c.strip()] if indicators else None
    try:
        rows = compute(period, level, codes, subjects=subjects, data_dir=settings.DATA_DIR)
    except PeriodError as exc:
        raise InvalidInput(str(exc), field="query.period") from None
    except MetricsError as exc:
        raise InvalidInput(str(exc), field="query.indicators") from None
    return jsonable(rows)


api.add_router("/qc", "csperf.qc.api.router")
api.add_router("/surveys", "csperf.surveys.api.router")
api.add_router("/board", "csperf.board.api.router")
api.add_router("/appeals", "csperf.reviews.api.router")
# Archive, the gates of a cycle and HR's decisions on held-back cards (issue 13).
api.add_router("", "csperf.cycles.api.router")
# 结果公示: a cycle's disclosure setting and the results it shows the caller.
api.add_router("", "csperf.api.disclosure.router")
