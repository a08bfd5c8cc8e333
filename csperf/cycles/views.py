"""Cycle pages: list, create, setup (templates, overrides, values), compute with progress,
missing-data and overdue reports, bulk approve/publish, close; template library."""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from csperf.core.errors import ActionError, InvalidInput, optional_date
from csperf.core.models import Job
from csperf.core.params import query_choice, query_int
from csperf.core.views import action_view
from csperf.cycles import actions, feeds, gates, reports
from csperf.cycles.access import (
    can_manage_cycles,
    cycles_for_user,
    get_cycle_for_user,
    get_template_for_user,
    templates_for_user,
)
from csperf.cycles.models import Cycle, ScorecardTemplate
from csperf.cycles.scope import CycleScope
from csperf.events import feed as events_feed
from csperf.org.access import departments_for_user, get_employee_for_user, scope_for, teams_for_user
from csperf.org.models import Position
from csperf.reviews import coverage as card_gate
from csperf.reviews.access import cards_for_user, log_list_view, mark_visibility
from csperf.reviews.bulk import CANDIDATES
from csperf.reviews.bulk_pages import confirm_or_run
from csperf.reviews.models import EDITABLE, Card, CardStatus


@login_required
def cycle_list(request: HttpRequest) -> HttpResponse:
    archived = request.GET.get("archived") == "1"
    return render(
        request,
        "cycles/list.html",
        {
            "cycles": cycles_for_user(request.user, archived=archived),
            "archived": archived,
            "can_manage": can_manage_cycles(request.user),
        },
    )


def _share_from_percent(raw: str) -> Decimal:
    """The page asks for a percentage (80); the cycle stores a share (0.8)."""
    try:
        return Decimal((raw or "80").strip()) / 100
    except (InvalidOperation, ValueError):
        raise InvalidInput(
            _("%(value)s is not a percentage.") % {"value": raw}, field="min_coverage"
        ) from None


def _picked(request: HttpRequest, name: str, choices) -> list:
    """The objects picked in a multi-select; an unknown id is an error, never ignored."""
    ids = [v for v in request.POST.getlist(name) if v]
    found = list(choices.filter(pk__in=[i for i in ids if i.isdigit()]))
    if len(found) != len(set(ids)):
        raise InvalidInput(_("Choose from the list."), field=name)
    return found


def _create_from_post(request: HttpRequest) -> Cycle:
    try:
        appeal_days = int(request.POST.get("appeal_days") or 7)
    except ValueError:
        raise InvalidInput(
            _("The appeal window must be 0 to 90 days."), field="appeal_days"
        ) from None
    return actions.create_cycle(
        request.user,
        period=request.POST.get("period", ""),
        name=request.POST.get("name", ""),
        rating_deadline=optional_date(request.POST.get("rating_deadline", ""), "rating_deadline"),
        appeal_days=appeal_days,
        min_coverage=_share_from_percent(request.POST.get("min_coverage", "")),
        departments=_picked(request, "departments", departments_for_user(request.user)),
        teams=_picked(request, "teams", teams_for_user(request.user)),
        positions=_picked(request, "positions", Position.objects.all()),
    )


@login_required
def cycle_create(request: HttpRequest) -> HttpResponse:
    if not can_manage_cycles(request.user):
        raise PermissionDenied(_("Only HR may manage templates and cycles."))
    error = None
    status = 200
    if request.method == "POST":
        try:
            cycle = _create_from_post(request)
            messages.success(request, _("Cycle created."))
            stuck = sum(len(g["cards"]) for g in cycle.compute_report.get("unrated_stages", []))
            if stuck:
                messages.warning(
                    request,
                    _(
                        "%(n)s people would wait for a rater nobody is; see “Stages nobody can "
                        "rate” below."
                    )
                    % {"n": stuck},
                )
            return redirect("cycles:detail", cycle.pk)
        except ActionError as exc:
            error, status = exc, exc.status
    context = {
        "error": error,
        "post": request.POST,
        "picked": {k: request.POST.getlist(k) for k in ("departments", "teams", "positions")},
        "departments": departments_for_user(request.user),
        "teams": teams_for_user(request.user).select_related("department"),
        "positions": Position.objects.all(),
    }
    return render(request, "cycles/create.html", context, status=status)


def _gate_context(cycle: Cycle, cards, manage: bool) -> dict:
    """Coverage meters; for HR also the cards the data gate holds, stuck stages and excluded
    cards."""
    rows = list(
        cards.select_related("employee__user", "team", "department", "template", "cycle").order_by(
            "team__code", "employee__code"
        )
    )
    base = {
        "meters": gates.coverage_meters(rows, cycle.min_coverage),
        "min_coverage_percent": int(cycle.min_coverage * 100),
        "scope_label": CycleScope.of(cycle).label(),
    }
    if not manage:
        return base
    held = []
    for card in rows:
        if card.status not in EDITABLE:
            continue  # excluded, or released before (a reopen brings it back here)
        problem = card_gate.data_problem(
            card, cycle.min_coverage, opening=cycle.status == Cycle.Status.DRAFT
        )
        if problem is not None:
            held.append(
                {
                    "card": card,
                    "kind": problem[0],
                    "why": problem[1],
                    "coverage": card_gate.percent(card_gate.card_coverage(card)),
                    "override": (card.gate_overrides or {}).get(card_gate.DATA),
                }
            )
    if rows:
        gaps = gates.rater_gaps(cycle, [c for c in rows if c.status in gates.WAITING])
        planned = False
    else:  # no card yet: the stages found when the cycle was created
        gaps = gates.relabel((cycle.compute_report or {}).get("unrated_stages", []))
        planned = True
    return {
        **base,
        "held": held,
        "gaps": gaps,
        "gaps_planned": planned,
        "excluded": [c for c in rows if c.status == CardStatus.EXCLUDED],
        "drafts": sum(1 for c in rows if c.status == CardStatus.DRAFT),
    }


@login_required
def cycle_detail(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = get_cycle_for_user(request.user, cycle_id)
    cards = cards_for_user(request.user, cycle_id=cycle.pk)
    team = query_int(request, "team")
    status = query_choice(request, "status", CardStatus.values)
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
        "filter_team": str(team) if team else "",
        "filter_status": status,
        "can_manage": manage,
        "overdue": reports.overdue(cycle, cards),
        # 结果公示: the link shows while the department results page is open (HR: always).
        "disclosure_open": manage
        or scope_for(request.user).auditor
        or cycle.disclosed_on(timezone.localdate()),
        **_gate_context(cycle, cards, manage),
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
    n = actions.open_cycle(request.user, cycle, request.POST.get("reason", ""))
    messages.success(request, _("%(n)s cards opened for rating.") % {"n": n})
    return redirect("cycles:detail", cycle.pk)


def _cards_picked(request: HttpRequest, cycle: Cycle) -> list[Card]:
    ids = [v for v in request.POST.getlist("card") if v.isdigit()]
    if not ids:
        raise InvalidInput(_("Tick the cards first."), field="card")
    return list(cards_for_user(request.user, cycle_id=cycle.pk).filter(pk__in=ids))


@action_view
def gate(request: HttpRequest, cycle_id: int) -> HttpResponse:
    """HR's decision on held-back cards: exclude them, or let them go ahead (override)."""
    cycle = get_cycle_for_user(request.user, cycle_id)
    decision = request.POST.get("decision")
    reason = request.POST.get("reason", "")
    picked = [(card, reason) for card in _cards_picked(request, cycle)]
    if decision == "exclude":
        n = actions.exclude_cards(request.user, cycle, picked)
        messages.success(request, _("%(n)s cards excluded from the cycle.") % {"n": n})
    elif decision == "override":
        n = actions.override_gates(request.user, cycle, picked)
        messages.success(request, _("%(n)s cards may go ahead (overridden).") % {"n": n})
    elif decision == "include":
        for card, _why in picked:
            actions.include_card(request.user, card, reason)
        messages.success(request, _("%(n)s cards back in the cycle.") % {"n": len(picked)})
    else:
        raise InvalidInput(_("Unknown step %(step)s.") % {"step": decision}, field="decision")
    return redirect("cycles:detail", cycle.pk)


@action_view
def settings(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = get_cycle_for_user(request.user, cycle_id)
    share = _share_from_percent(request.POST.get("min_coverage", ""))
    actions.set_min_coverage(request.user, cycle, share, request.POST.get("reason", ""))
    messages.success(request, _("Minimum data coverage saved."))
    return redirect("cycles:detail", cycle.pk)


@action_view
def disclosure_settings(request: HttpRequest, cycle_id: int) -> HttpResponse:
    """HR turns the department results page (结果公示) on with its dates, or off."""
    cycle = get_cycle_for_user(request.user, cycle_id)
    enabled = request.POST.get("disclose_results") == "1"
    first = optional_date(request.POST.get("disclose_from", "").strip(), "disclose_from")
    last = optional_date(request.POST.get("disclose_until", "").strip(), "disclose_until")
    actions.set_disclosure(
        request.user, cycle, enabled, first, last, request.POST.get("reason", "")
    )
    if enabled:
        messages.success(
            request,
            _("Results are shown to each department from %(first)s to %(last)s.")
            % {"first": first, "last": last},
        )
    else:
        messages.success(request, _("Results are not shown to the departments."))
    return redirect("cycles:detail", cycle.pk)


@login_required
def disclosure_page(request: HttpRequest, cycle_id: int) -> HttpResponse:
    """The released results of the viewer's departments (name, total, grade, rank; no pay)."""
    from csperf.cycles.disclosure import disclosed_results

    cycle = get_cycle_for_user(request.user, cycle_id)
    groups = disclosed_results(request.user, cycle)
    return render(
        request,
        "cycles/disclosure.html",
        {"cycle": cycle, "groups": groups, "open_now": cycle.disclosed_on(timezone.localdate())},
    )


@action_view
def delete(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = get_cycle_for_user(request.user, cycle_id)
    n = actions.delete_cycle(request.user, cycle, request.POST.get("reason", ""))
    messages.success(request, _("Cycle deleted with its %(n)s cards.") % {"n": n})
    return redirect("cycles:list")


@action_view
def archive(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = get_cycle_for_user(request.user, cycle_id)
    actions.archive_cycle(request.user, cycle, request.POST.get("reason", ""))
    messages.success(request, _("Cycle archived."))
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
    """Approve, publish or close the eligible cards of a team, a department or the whole cycle.

    First what will be done and what skipped (by card and item names), then — confirmed with a
    reason — the step on the cards that page listed: the bulk steps the board uses too.
    """
    from django.urls import reverse

    cycle = get_cycle_for_user(request.user, cycle_id)
    step = request.POST.get("step", "")
    cards = cards_for_user(request.user, cycle_id=cycle.pk)
    scope = request.POST.get("scope", "")
    scope_kind, _sep, scope_id = scope.partition(":")
    if scope_kind == "team":
        cards = cards.filter(team_id=scope_id if scope_id.isdigit() else 0)
    elif scope_kind == "department":
        cards = cards.filter(department_id=scope_id if scope_id.isdigit() else 0)
    elif scope_kind != "all":
        raise InvalidInput(_("Choose a team or a department."), field="scope")
    if step not in ("approve", "publish", "close"):
        raise InvalidInput(_("Unknown step %(step)s.") % {"step": step}, field="step")
    return confirm_or_run(
        request,
        step=step,
        cards=cards.filter(status__in=CANDIDATES[step]),
        hidden=[("scope", scope), ("step", step)],
        action_url=reverse("cycles:bulk", args=[cycle.pk]),
        back_url=reverse("cycles:detail", args=[cycle.pk]),
    )


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
