"""Survey pages: surveys and their figures, response import, callback plans, follow-up tasks."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from csperf.core.errors import InvalidInput
from csperf.core.views import action_view
from csperf.org.access import employees_for_user, get_employee_for_user
from csperf.surveys import actions
from csperf.surveys.access import (
    can_manage_survey,
    can_work_followup,
    followups_for_user,
    get_followup_for_user,
    get_survey_for_user,
    responses_for_user,
    surveys_for_user,
)
from csperf.surveys.actions import SurveyImportFailed
from csperf.surveys.labels import kind_label
from csperf.surveys.models import FollowUp, FollowUpStatus
from csperf.surveys.reports import survey_figures


def _with_kind_labels(surveys: Any) -> list[Any]:
    out = list(surveys)
    for s in out:
        s.kind_label = kind_label(s.kind)
    return out


@login_required
def index(request: HttpRequest) -> HttpResponse:
    actions.ensure_builtin_surveys()
    tasks = followups_for_user(request.user)
    return render(
        request,
        "surveys/index.html",
        {
            "surveys": _with_kind_labels(surveys_for_user(request.user)),
            "open_tasks": tasks.exclude(status=FollowUpStatus.CLOSED).count(),
            "mine": tasks.filter(owner=request.user).exclude(status=FollowUpStatus.CLOSED).count(),
        },
    )


def _role_names(sdef: Any) -> dict[str, str]:
    """A survey role by name, not code: the import column that names its people (销售顾问),
    or 坐席 for the agent of a survey without roles."""
    names = {r.code: r.column for r in sdef.roles}
    names.setdefault("agent", _("Agent"))
    return names


@login_required
def survey_page(request: HttpRequest, survey_id: int) -> HttpResponse:
    survey = get_survey_for_user(request.user, survey_id)
    grain = (
        request.GET.get("grain")
        if request.GET.get("grain") in ("month", "quarter", "year")
        else "month"
    )
    by = "team" if request.GET.get("by") == "team" else "employee"
    names = _role_names(survey.parsed)
    rows = survey_figures(request.user, survey, grain=grain, by=by)
    for row in rows:
        row["role_name"] = names.get(row["role"], row["role"])
    responses = list(
        responses_for_user(request.user)
        .filter(survey=survey)
        .prefetch_related("credits__employee", "credits__team")[:200]
    )
    for resp in responses:
        for credit in resp.credits.all():
            credit.role_name = names.get(credit.role, credit.role)
    return render(
        request,
        "surveys/survey.html",
        {
            "survey": survey,
            "sdef": survey.parsed,
            "questions": [
                {
                    "code": q.code,
                    "text": q.text,
                    "role": names.get(q.role, q.role),
                    "weight": q.weight,
                }
                for q in survey.parsed.questions
            ],
            "grain": grain,
            "by": by,
            "rows": rows,
            "responses": responses,
            "imports": survey.imports.all()[:10] if can_manage_survey(request.user, survey) else [],
            "can_manage": can_manage_survey(request.user, survey),
            "employees": employees_for_user(request.user)[:500],
        },
    )


@action_view
def import_file(request: HttpRequest, survey_id: int) -> HttpResponse:
    survey = get_survey_for_user(request.user, survey_id)
    upload = request.FILES.get("file")
    if upload is None:
        raise InvalidInput(_("Choose a file."), field="file")
    suffix = Path(upload.name).suffix.lower() or ".csv"
    with tempfile.TemporaryDirectory(prefix="csperf-survey-") as tmp:
        path = Path(tmp) / f"upload{suffix}"
        with path.open("wb") as f:
            for chunk in upload.chunks():
                f.write(chunk)
        try:
            imp = actions.import_responses(request.user, survey, path, file_name=upload.name)
        except SurveyImportFailed as exc:
            for p in exc.problems[:20]:
                messages.error(request, p)
            if exc.total > 20:
                messages.error(
                    request,
                    _("… %(n)s more problems; nothing was imported.") % {"n": exc.total - 20},
                )
            return redirect("surveys:survey", survey.pk)
    messages.success(
        request, _("%(n)s rows imported (%(r)s replaced).") % {"n": imp.rows, "r": imp.replaced}
    )
    return redirect("surveys:survey", survey.pk)


@action_view
def plan_callbacks(request: HttpRequest, survey_id: int) -> HttpResponse:
    survey = get_survey_for_user(request.user, survey_id)
    try:
        emp = get_employee_for_user(request.user, int(request.POST.get("employee") or 0))
        planned = int(request.POST.get("planned") or "")
    except (Http404, ValueError):
        raise InvalidInput(
            _("Choose the employee and the planned count."), field="planned"
        ) from None
    actions.set_callback_plan(
        request.user, survey, period=request.POST.get("period", ""), employee=emp, planned=planned
    )
    messages.success(request, _("Callback plan saved."))
    return redirect("surveys:survey", survey.pk)


@login_required
def followups(request: HttpRequest) -> HttpResponse:
    qs = followups_for_user(request.user)
    state = request.GET.get("status", "open")
    if state == "open":
        qs = qs.exclude(status=FollowUpStatus.CLOSED)
    elif state == "closed":
        qs = qs.filter(status=FollowUpStatus.CLOSED)
    return render(request, "surveys/followups.html", {"tasks": qs[:500], "state": state})


@login_required
def followup_page(request: HttpRequest, followup_id: int) -> HttpResponse:
    f = get_followup_for_user(request.user, followup_id)
    return render(
        request,
        "surveys/followup.html",
        {
            "f": f,
            "can_work": can_work_followup(request.user, f),
            "outcomes": FollowUp.Outcome.choices,
            "users": get_user_model().objects.filter(is_active=True).order_by("username")[:300],
        },
    )


@action_view
def followup_step(request: HttpRequest, followup_id: int) -> HttpResponse:
    f = get_followup_for_user(request.user, followup_id)
    if request.POST.get("step") == "close":
        actions.close_followup(
            request.user,
            f,
            outcome=request.POST.get("outcome", ""),
            notes=request.POST.get("notes", ""),
        )
        messages.success(request, _("Task closed."))
    else:
        owner = None
        if request.POST.get("owner"):
            owner = (
                get_user_model().objects.filter(pk=request.POST["owner"], is_active=True).first()
            )
            if owner is None:
                raise InvalidInput(_("No such user."), field="owner")
        due = None
        if request.POST.get("due_on"):
            try:
                due = dt.date.fromisoformat(request.POST["due_on"])
            except ValueError:
                raise InvalidInput(_("The due date is not a date."), field="due_on") from None
        actions.work_followup(
            request.user, f, notes=request.POST.get("notes", ""), owner=owner, due_on=due
        )
        messages.success(request, _("Saved."))
    return redirect("surveys:followup", f.pk)
