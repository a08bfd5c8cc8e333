"""Organisation pages: departments, teams and people in the user's scope; HR records moves."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from csperf.core.errors import InvalidInput
from csperf.core.pages import parts_for
from csperf.core.views import action_view
from csperf.org import actions
from csperf.org.access import (
    can_manage_org,
    employees_for_user,
    get_employee_for_user,
    get_login_for_user,
    get_membership_for_user,
    logins_for_user,
    teams_for_user,
)
from csperf.org.models import Department, Employee, Membership, Position, Role, Team
from csperf.org.roster import ROSTER


def _date(request: HttpRequest, name: str) -> dt.date:
    raw = request.POST.get(name, "")
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise InvalidInput(
            _("%(value)s is not a date (YYYY-MM-DD).") % {"value": raw}, field=name
        ) from None


def _team_position(request: HttpRequest) -> tuple[Team, Position]:
    team = Team.objects.filter(pk=request.POST.get("team") or 0).first()
    position = Position.objects.filter(pk=request.POST.get("position") or 0).first()
    if team is None:
        raise InvalidInput(_("Choose a team."), field="team")
    if position is None:
        raise InvalidInput(_("Choose a position."), field="position")
    return team, position


@login_required
def index(request: HttpRequest) -> HttpResponse:
    teams = list(teams_for_user(request.user))
    employees = employees_for_user(request.user).order_by("code")
    by_team: dict[int | None, list] = {}
    for e in employees:
        by_team.setdefault(e.current_team_id, []).append(e)
    supervisors: dict[int, list[str]] = {}
    for m in Membership.objects.filter(role="supervisor", team__in=teams).select_related("user"):
        supervisors.setdefault(m.team_id, []).append(m.user.get_full_name() or m.user.username)
    rows = [
        {"team": t, "employees": by_team.get(t.pk, []), "supervisors": supervisors.get(t.pk, [])}
        for t in teams
    ]
    return render(
        request,
        "org/index.html",
        {
            "rows": rows,
            "can_manage": can_manage_org(request.user),
            "positions": Position.objects.all(),
            "all_teams": teams,
            "today": dt.date.today().isoformat(),
        },
    )


# The reasons the code writes on an assignment (the roster load, a hire without a reason).
CODE_REASONS = {ROSTER: gettext_lazy("roster import"), "hire": gettext_lazy("Hire")}


@login_required
def employee(request: HttpRequest, employee_id: int) -> HttpResponse:
    emp = get_employee_for_user(request.user, employee_id)
    assignments = list(
        emp.assignments.select_related("team__department", "position").order_by("-start")
    )
    for a in assignments:  # a reason the code wrote, in words; a person's as written
        a.reason_text = str(CODE_REASONS.get(a.reason, a.reason))
    return render(
        request,
        "org/employee.html",
        {
            **parts_for("org.employee", request, emp),  # the cards: csperf.reviews.parts
            "emp": emp,
            "assignments": assignments,
            "can_manage": can_manage_org(request.user),
            "teams": Team.objects.select_related("department"),
            "positions": Position.objects.all(),
        },
    )


@action_view
def hire(request: HttpRequest) -> HttpResponse:
    team, position = _team_position(request)
    raw_pay = request.POST.get("pay_base", "").strip()
    try:
        pay = Decimal(raw_pay) if raw_pay else None
    except InvalidOperation:
        raise InvalidInput(
            _("%(value)s is not a number.") % {"value": raw_pay}, field="pay_base"
        ) from None
    emp = actions.hire(
        request.user,
        code=request.POST.get("code", ""),
        name=request.POST.get("name", ""),
        team=team,
        position=position,
        hired_on=_date(request, "hired_on"),
        pay_base=pay,
    )
    messages.success(request, _("Employee added."))
    return redirect("org:employee", emp.pk)


@action_view
def move(request: HttpRequest, employee_id: int) -> HttpResponse:
    emp = get_employee_for_user(request.user, employee_id)
    team, position = _team_position(request)
    actions.move(
        request.user,
        emp,
        team=team,
        position=position,
        effective=_date(request, "effective"),
        reason=request.POST.get("reason", ""),
    )
    messages.success(request, _("Move recorded."))
    return redirect("org:employee", emp.pk)


@action_view
def leave(request: HttpRequest, employee_id: int) -> HttpResponse:
    emp = get_employee_for_user(request.user, employee_id)
    actions.leave(
        request.user, emp, left_on=_date(request, "left_on"), reason=request.POST.get("reason", "")
    )
    messages.success(request, _("Leaving date recorded."))
    return redirect("org:employee", emp.pk)


# -- logins and roles (HR manages, the auditor reads) -----------------------------------------


@login_required
def access(request: HttpRequest) -> HttpResponse:
    logins = list(
        logins_for_user(request.user).prefetch_related(
            "memberships__team__department", "memberships__department", "api_tokens"
        )
    )
    employees = {e.user_id: e for e in Employee.objects.filter(user__in=logins)}
    rows = [
        {
            "login": u,
            "employee": employees.get(u.pk),
            "memberships": list(u.memberships.all()),
            "tokens": sorted(u.api_tokens.all(), key=lambda t: t.created_at, reverse=True),
        }
        for u in logins
    ]
    return render(
        request,
        "org/access.html",
        {
            "rows": rows,
            "can_manage": can_manage_org(request.user),
            "roles": [(v, label) for v, label in Role.choices if v != Role.AGENT],
            "teams": Team.objects.select_related("department").order_by("department__code", "code"),
            "departments": Department.objects.order_by("code"),
            "without_login": Employee.objects.filter(
                user__isnull=True, left_on__isnull=True
            ).order_by("code"),
        },
    )


def _login_by_name(request: HttpRequest) -> object:
    name = request.POST.get("username", "").strip()
    found = logins_for_user(request.user).filter(username=name).first()
    if found is None:
        raise InvalidInput(_("No login is called %(name)s.") % {"name": name}, field="username")
    return found


@action_view
def create_login(request: HttpRequest) -> HttpResponse:
    code = request.POST.get("employee", "").strip()
    emp = None
    if code:
        emp = employees_for_user(request.user).filter(code=code).first()
        if emp is None:
            raise InvalidInput(
                _("No employee has the ID %(code)s.") % {"code": code}, field="employee"
            )
    login = actions.create_login(
        request.user,
        username=request.POST.get("username", ""),
        password=request.POST.get("password", ""),
        employee=emp,
        full_name=request.POST.get("full_name", ""),
    )
    messages.success(request, _("Login %(name)s created.") % {"name": login.username})
    return redirect("org:access")


@action_view
def grant_role(request: HttpRequest) -> HttpResponse:
    login = _login_by_name(request)
    team = Team.objects.filter(pk=request.POST.get("team") or 0).first()
    department = Department.objects.filter(pk=request.POST.get("department") or 0).first()
    actions.grant_role(
        request.user, login, request.POST.get("role", ""), team=team, department=department
    )
    messages.success(request, _("Role granted."))
    return redirect("org:access")


@action_view
def revoke_role(request: HttpRequest, membership_id: int) -> HttpResponse:
    m = get_membership_for_user(request.user, membership_id)
    actions.revoke_role(request.user, m, reason=request.POST.get("reason", ""))
    messages.success(request, _("Role removed."))
    return redirect("org:access")


@action_view
def reset_password(request: HttpRequest, login_id: int) -> HttpResponse:
    login = get_login_for_user(request.user, login_id)
    actions.reset_password(
        request.user,
        login,
        password=request.POST.get("password", ""),
        reason=request.POST.get("reason", ""),
    )
    messages.success(request, _("Password set for %(name)s.") % {"name": login.username})
    return redirect("org:access")


@action_view
def set_active(request: HttpRequest, login_id: int) -> HttpResponse:
    login = get_login_for_user(request.user, login_id)
    active = request.POST.get("active") == "1"
    actions.set_login_active(
        request.user, login, active=active, reason=request.POST.get("reason", "")
    )
    messages.success(request, _("Login enabled.") if active else _("Login disabled."))
    return redirect("org:access")
