"""Cycle pages: list, create, setup (templates, overrides, values), compute with progress,
missing-data and overdue reports, bulk approve/publish, close; template library."""

from __future__ import annotations

import datetime as dt
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from csperf.core.errors import InvalidInput
from csperf.core.models import Job
from csperf.cycles import actions, feeds, reports
from csperf.cycles.access import (
    can_manage_cycles,
    cycles_for_user,
    get_cycle_for_user,
    get_template_for_user,
    templates_for_user,
)
from csperf.cycles.models import ScorecardTemplate
from csperf.events import feed as events_feed
from csperf.org.access import departments_for_user, get_employee_for_user, teams_for_user
from csperf.org.models import Position
from csperf.reviews import actions as card_actions
from csperf.reviews.access import cards_for_user, log_list_view, mark_visibility
from csperf.reviews.models import CardStatus
from csperf.web.views import action_view


def _parse_date(raw: str, field: str) -> dt.date | None:
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise InvalidInput(
            _("%(value)s is not a date (YYYY-MM-DD).") % {"value": raw}, field=field
        ) from None


@login_required
def cycle_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "cycles/list.html",
        {"cycles": cycles_for_user(request.user), "can_manage": can_manage_cycles(request.user)},
    )


@login_required
def cycle_create(request: HttpRequest) -> HttpResponse:
    if not can_manage_cycles(request.user):
        raise PermissionDenied(_("Only HR may manage templates and cycles."))
    error = None
    if request.method == "POST":
        try:
            try:
                appeal_days = int(request.POST.get("appeal_days") or 7)
            except ValueError:
                raise InvalidInput(
                    _("The appeal window must be 0 to 90 days."), field="appeal_days"
                ) from None
            cycle = actions.create_cycle(
                request.user,
                period=request.POST.get("period", ""),
                name=request.POST.get("name", ""),
                rating_deadline=_parse_date(
                    request.POST.get("rating_deadline", ""), "rating_deadline"
                ),
                appeal_days=appeal_days,
            )
            messages.success(request, _("Cycle created."))
            return redirect("cycles:detail", cycle.pk)
        except InvalidInput as exc:
            error = exc
    return render(request, "cycles/create.html", {"error": error, "post": request.POST})


@login_required
def cycle_detail(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = get_cycle_for_user(request.user, cycle_id)
    cards = cards_for_user(request.user, cycle_id=cycle.pk)
    team = request.GET.get("team")
    status = request.GET.get("status")
    shown = cards
    if team:
        shown = shown.filter(team_id=team)
    if status:
        shown = shown.filter(status=status)
    shown = mark_visibility(request.user, shown.order_by("team__code", "employee__code"))
    others = sum(1 for c in shown if c.employee.user_id != request.user.pk)
    log_list_view(request.user, cycle, others)
    manage = can_manage_cycles(request.user)
    context = {
        "cycle": cycle,
        "cards": shown,
        "counts": reports.status_counts(cards),
        "teams": teams_for_user(request.user),
        "departments": departments_for_user(request.user),
        "statuses": CardStatus.choices,
        "filter_team": team,
        "filter_status": status,
        "can_manage": manage,
        "overdue": reports.overdue(cycle, cards),
    }
    if manage or (request.user.is_authenticated and context["teams"].exists()):
        context["missing"] = reports.missing_data(cycle, cards)
    if manage:
        # QC and survey rows that missed the records store (the cards' indicators lack them).
        pending = feeds.pending()
        context["feeds_pending"] = pending
        context["feeds_error"] = feeds.last_error() if any(pending.values()) else ""
        context["feeds_events_note"] = events_feed.pending_message(pending)
        context.update(
            {
                "assignments": cycle.templates.select_related("position", "template"),
                "overrides": cycle.overrides.select_related("employee", "template"),
                "positions": Position.objects.all(),
                "templates": ScorecardTemplate.objects.filter(period=cycle.period_obj.kind),
                "job": Job.objects.filter(cycle_id=cycle.pk, kind="cycle.compute").first(),
                "values": cycle.input_values.select_related("employee")[:200],
            }
        )
    return render(request, "cycles/detail.html", context)


@action_view
def compute(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = get_cycle_for_user(request.user, cycle_id)
    actions.request_compute(request.user, cycle)
    messages.success(request, _("Computing in the background; progress is shown below."))
    return redirect("cycles:detail", cycle.pk)


@action_view
def resync_feeds(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = get_cycle_for_user(request.user, cycle_id)
    done = actions.resync_feeds(request.user, cycle)
    messages.success(
        request,
        _("Written to the records store: %(r)s QC reviews, %(s)s survey responses, %(p)s plans.")
        % {"r": done["qc_reviews"], "s": done["survey_responses"], "p": done["callback_plans"]},
    )
    if done.get("events") or done.get("events_closed"):
        messages.success(request, events_feed.written_message(done))
    return redirect("cycles:detail", cycle.pk)


@action_view
def open_rating(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = get_cycle_for_user(request.user, cycle_id)
    n = actions.open_cycle(request.user, cycle)
    messages.success(request, _("%(n)s cards opened for rating.") % {"n": n})
    return redirect("cycles:detail", cycle.pk)


@action_view
def close(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = get_cycle_for_user(request.user, cycle_id)
    actions.close_cycle(request.user, cycle, request.POST.get("reason", ""))
    messages.success(request, _("Cycle closed."))
    return redirect("cycles:detail", cycle.pk)


def _template_or_none(request: HttpRequest) -> ScorecardTemplate | None:
    raw = request.POST.get("template", "")
    return get_template_for_user(request.user, raw) if raw else None


@action_view
def assign(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = get_cycle_for_user(request.user, cycle_id)
    position = Position.objects.filter(pk=request.POST.get("position") or 0).first()
    if position is None:
        raise InvalidInput(_("Choose a position."), field="position")
    actions.assign_template(request.user, cycle, position, _template_or_none(request))
    messages.success(request, _("Template assignment saved."))
    return redirect("cycles:detail", cycle.pk)


def _employee_by_code(request: HttpRequest):
    from csperf.org.models import Employee

    employee = Employee.objects.filter(code=request.POST.get("employee", "").strip()).first()
    if employee is None:
        raise InvalidInput(_("No employee with this ID."), field="employee")
    return get_employee_for_user(request.user, employee.pk)


@action_view
def override(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = get_cycle_for_user(request.user, cycle_id)
    employee = _employee_by_code(request)
    actions.set_override(
        request.user, cycle, employee, _template_or_none(request), request.POST.get("reason", "")
    )
    messages.success(request, _("Override saved."))
    return redirect("cycles:detail", cycle.pk)


@action_view
def input_value(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = get_cycle_for_user(request.user, cycle_id)
    employee = _employee_by_code(request)
    raw = request.POST.get("value", "").strip()
    try:
        value = json.loads(raw) if raw else None
    except json.JSONDecodeError:
        raise InvalidInput(
            _("The value must be a number, a map of counts, or empty."), field="value"
        ) from None
    actions.set_input_value(
        request.user,
        cycle,
        employee,
        request.POST.get("name", ""),
        value,
        request.POST.get("note", ""),
    )
    messages.success(request, _("Value saved; recompute the cycle to apply it."))
    return redirect("cycles:detail", cycle.pk)


@action_view
def bulk(request: HttpRequest, cycle_id: int) -> HttpResponse:
    """Approve or publish every eligible card of a team, a department or the whole cycle."""
    cycle = get_cycle_for_user(request.user, cycle_id)
    step = request.POST.get("step")
    cards = cards_for_user(request.user, cycle_id=cycle.pk)
    scope_kind, _sep, scope_id = request.POST.get("scope", "").partition(":")
    if scope_kind == "team":
        cards = cards.filter(team_id=scope_id or 0)
    elif scope_kind == "department":
        cards = cards.filter(department_id=scope_id or 0)
    elif scope_kind != "all":
        raise InvalidInput(_("Choose a team or a department."), field="scope")
    if step == "approve":
        from csperf.reviews.models import REVIEW_STATUSES

        done, failed = card_actions.bulk(
            request.user, card_actions.approve, cards.filter(status__in=REVIEW_STATUSES)
        )
    elif step == "publish":
        done, failed = card_actions.bulk(
            request.user, card_actions.publish, cards.filter(status=CardStatus.APPROVED)
        )
    elif step == "close":
        done, failed = card_actions.bulk(
            request.user,
            card_actions.close,
            cards.filter(
                status__in=[
                    CardStatus.PUBLISHED,
                    CardStatus.ACKNOWLEDGED,
                    CardStatus.APPEAL_RESOLVED,
                ]
            ),
        )
    else:
        raise InvalidInput(_("Unknown step %(step)s.") % {"step": step}, field="step")
    messages.success(request, _("%(n)s cards done.") % {"n": done})
    for card, why in failed[:10]:
        messages.warning(request, f"{card.employee.name}: {why}")
    if len(failed) > 10:
        messages.warning(request, _("…and %(n)s more not done.") % {"n": len(failed) - 10})
    return redirect("cycles:detail", cycle.pk)


@login_required
def template_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "cycles/templates.html",
        {
            "templates": templates_for_user(request.user),
            "can_manage": can_manage_cycles(request.user),
        },
    )


@login_required
def template_detail(request: HttpRequest, template_id: int) -> HttpResponse:
    tpl = get_template_for_user(request.user, template_id)
    return render(request, "cycles/template.html", {"tpl": tpl, "parsed": tpl.parsed})


@login_required
def template_upload(request: HttpRequest) -> HttpResponse:
    if not can_manage_cycles(request.user):
        raise PermissionDenied(_("Only HR may manage templates and cycles."))
    error = None
    text = ""
    if request.method == "POST":
        upload = request.FILES.get("file")
        source = "<form>"
        if upload is not None:
            source = upload.name
            try:
                text = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                error = _("%(file)s: not UTF-8 text.") % {"file": upload.name}
        else:
            text = request.POST.get("source", "")
        if error is None:
            try:
                tpl = actions.add_template(request.user, text, source=source)
                messages.success(request, _("Template saved."))
                return redirect("cycles:template", tpl.pk)
            except InvalidInput as exc:
                error = exc.message
    return render(request, "cycles/template_upload.html", {"error": error, "text": text})
