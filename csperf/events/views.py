"""The 奖惩/事件 page: the events in scope with filters and paging, the form to record one, voiding,
and per unit the declaration 本期事件已登记完毕 (close / reopen). Views validate and call
events.actions; they never change rows. A POST by someone who records for nobody (the auditor, a
plain employee) or a step the actions refuse as not allowed answers 403."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from csperf.core.errors import ActionError, InvalidInput, NotAllowed
from csperf.events import actions
from csperf.events.access import (
    employees_user_may_record_for,
    events_for_user,
    get_closing_for_user,
    get_event_for_user,
    may_record,
    units_user_may_close,
    units_user_may_see,
)
from csperf.events.models import CloseScope, EventsClosed
from csperf.ingest.events import event_kinds
from csperf.kernel.periods import PeriodError, parse_period
from csperf.org.access import scope_for, teams_for_user
from csperf.org.models import Employee

if TYPE_CHECKING:
    from django.contrib.auth.models import User

PAGE_SIZE = 50


def _may_see(user: User) -> bool:
    scope = scope_for(user)
    return bool(scope.employee_id or scope.is_staff_role)


def _groups() -> list[tuple[str, list[Any]]]:
    """The catalogue's kinds by group, in its order."""
    out: dict[str, list[Any]] = {}
    for k in event_kinds().values():
        out.setdefault(k.group, []).append(k)
    return list(out.items())


def _last_month() -> str:
    first = timezone.localdate().replace(day=1)
    return (first - dt.timedelta(days=1)).strftime("%Y-%m")


def _filtered(request: HttpRequest, qs):
    f = {k: (request.GET.get(k) or "").strip() for k in ("team", "employee", "group", "period")}
    if f["team"].isdigit():
        qs = qs.filter(team_id=int(f["team"]))
    if f["employee"]:
        qs = qs.filter(Q(employee__code=f["employee"]) | Q(employee__name__contains=f["employee"]))
    if f["group"]:
        qs = qs.filter(kind__in=[k.code for k in event_kinds().values() if k.group == f["group"]])
    if f["period"]:
        try:
            p = parse_period(f["period"], 1)
        except PeriodError:
            messages.error(
                request,
                _("Period: %(p)s is not a period (2026-03, 2026-Q1 …).") % {"p": f["period"]},
            )
        else:
            qs = qs.filter(occurred_on__gte=p.start, occurred_on__lt=p.end)
    return qs, f


def _closing_rows(user: User, period: str) -> list[dict[str, Any]]:
    units = units_user_may_see(user)
    closable = {u.key for u in units_user_may_close(user)}
    rows = list(
        EventsClosed.objects.filter(period=period)
        .select_related("team", "department", "closed_by", "reopened_by")
        .order_by("-id")
    )
    open_by_key = {c.unit_key: c for c in rows if not c.reopened}
    out = []
    for u in units:
        mine = [c for c in rows if c.unit_key == u.key]
        # a team is also covered by its department's closing, every unit by the centre's
        wider = [f"department:{u.team.department_id}"] if u.team is not None else []
        wider += ["center"] if u.scope != CloseScope.CENTER else []
        out.append(
            {
                "unit": u,
                "open": open_by_key.get(u.key),
                "covered_by": next((open_by_key[k] for k in wider if k in open_by_key), None),
                "history": [c for c in mine if c.reopened],
                "may_close": u.key in closable,
            }
        )
    return out


def _context(request: HttpRequest, form: dict[str, Any] | None = None) -> dict[str, Any]:
    user = request.user
    scope = scope_for(user)
    staff = scope.is_staff_role
    qs, filters = _filtered(request, events_for_user(user))
    page = Paginator(qs.order_by("-occurred_on", "-id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    recordable = employees_user_may_record_for(user) if may_record(user) else None
    close_period = (request.GET.get("close_period") or "").strip() or _last_month()
    try:
        close_period = parse_period(close_period, 1).label
    except PeriodError:
        close_period = _last_month()
    closings = _closing_rows(user, close_period) if staff else []
    voidable: set[int] = set()
    if recordable is not None:
        ids = {e.employee_id for e in page.object_list}
        voidable = set(recordable.filter(pk__in=ids).values_list("pk", flat=True))
    for e in page.object_list:
        e.may_void = not e.is_void and e.employee_id in voidable
    form = form or {}
    return {
        "page": page,
        "events": page.object_list,
        "filters": filters,
        "staff": staff,
        "own_only": not staff,
        "teams": teams_for_user(user) if staff else [],
        "groups": _groups(),
        "kinds": event_kinds(),
        "recordable": list(recordable.order_by("code")) if recordable is not None else [],
        "form": form,
        "form_kind": event_kinds().get(form.get("kind", "")),
        "today": timezone.localdate().isoformat(),
        "close_period": close_period,
        "closings": closings,
        "may_close_any": any(c["may_close"] for c in closings),
    }


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    if not _may_see(request.user):
        raise Http404("no events to show")
    return render(request, "events/index.html", _context(request))


@login_required
@require_GET
def measure_fields(request: HttpRequest) -> HttpResponse:
    """The points or amount field the chosen kind needs (htmx swaps it into the form)."""
    if not may_record(request.user):
        raise Http404("no events to record")
    kind = event_kinds().get(request.GET.get("kind", ""))
    return render(request, "events/_measure.html", {"form_kind": kind, "form": {}})


def event_action(func: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A POST-only step: 403 for someone who records for nobody (the auditor, an employee) and
    for a step the actions refuse as not allowed; other refusals become a message."""

    @login_required
    @require_POST
    @wraps(func)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not may_record(request.user):
            raise PermissionDenied("the auditor and employees record nothing")
        try:
            return func(request, *args, **kwargs)
        except NotAllowed as exc:
            raise PermissionDenied(exc.message) from None
        except ActionError as exc:
            messages.error(request, exc.message)
            return redirect(request.META.get("HTTP_REFERER") or "events:index")

    return wrapper


@event_action
def record(request: HttpRequest) -> HttpResponse:
    p = request.POST
    form = {
        k: p.get(k, "")
        for k in (
            "employee",
            "kind",
            "occurred_on",
            "count",
            "points",
            "amount",
            "evidence",
            "note",
        )
    }
    try:
        try:
            employee = employees_user_may_record_for(request.user).get(pk=int(form["employee"]))
        except (ValueError, TypeError):
            raise InvalidInput(_("Employee: choose the person."), field="employee") from None
        except Employee.DoesNotExist:  # not someone this login records for
            raise NotAllowed(_("You may not record events of this person.")) from None
        ev = actions.record_event(
            request.user,
            employee=employee,
            kind=form["kind"],
            occurred_on=form["occurred_on"],
            count=form["count"] or 1,
            points=form["points"],
            amount=form["amount"],
            evidence=form["evidence"],
            note=form["note"],
        )
    except NotAllowed:
        raise
    except ActionError as exc:  # show the form again with what was typed
        messages.error(request, exc.message)
        return render(request, "events/index.html", _context(request, form))
    messages.success(
        request,
        _("Recorded: %(kind)s of %(emp)s on %(day)s.")
        % {"kind": ev.kind_name, "emp": ev.employee.name, "day": ev.occurred_on},
    )
    return redirect("events:index")


@event_action
def void(request: HttpRequest, event_id: int) -> HttpResponse:
    event = get_event_for_user(request.user, event_id)
    actions.void_event(request.user, event, reason=request.POST.get("reason", ""))
    messages.success(request, _("The event has been voided."))
    return redirect(request.META.get("HTTP_REFERER") or "events:index")


@event_action
def close(request: HttpRequest) -> HttpResponse:
    key = request.POST.get("unit", "")
    unit = next((u for u in units_user_may_close(request.user) if u.key == key), None)
    if unit is None:
        raise NotAllowed(_("You may not close the events of this unit."))
    c = actions.close_period(
        request.user, scope=unit.scope, unit=unit.obj, period=request.POST.get("period", "")
    )
    messages.success(
        request,
        _("The events of %(unit)s for %(p)s are declared complete.")
        % {"unit": unit.label, "p": c.period},
    )
    return redirect(f"{reverse('events:index')}?close_period={c.period}")


@event_action
def reopen(request: HttpRequest, closing_id: int) -> HttpResponse:
    c = get_closing_for_user(request.user, closing_id)
    actions.reopen_period(request.user, c, reason=request.POST.get("reason", ""))
    messages.success(
        request,
        _("The events of %(unit)s for %(p)s are open again.")
        % {"unit": c.unit_label, "p": c.period},
    )
    return redirect(f"{reverse('events:index')}?close_period={c.period}")
