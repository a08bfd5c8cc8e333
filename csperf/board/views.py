"""Team board pages: the board, rating in place (htmx), bulk steps and improvement plans.

Views validate the request, fetch objects through the access helpers and call the actions of
``reviews.actions`` (ratings, submit, approve) or ``board.actions`` (plans); nothing else.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from csperf.board import actions as plan_actions
from csperf.board import insights
from csperf.board.access import (
    board_teams_for_user,
    can_manage_plans,
    get_plan_for_user,
    get_team_for_user,
    mark_plans,
    owner_choices,
    plans_for_user,
    require_board,
)
from csperf.board.models import PlanStatus
from csperf.board.teamboard import decorate, opening_cycle, team_board
from csperf.core.errors import ActionError, InvalidInput
from csperf.core.models import AuditEvent
from csperf.core.views import action_view
from csperf.cycles.access import cycles_for_user, get_cycle_for_user
from csperf.reports.tables import download
from csperf.reviews import rating_form, workflow
from csperf.reviews.access import cards_for_user, get_card_for_user
from csperf.reviews.bulk_pages import confirm_or_run
from csperf.reviews.models import Card
from csperf.reviews.transitions import run_step


def _board_url(cycle_id: Any, team_id: Any) -> str:
    return f"{reverse('board:index')}?{urlencode({'cycle': cycle_id, 'team': team_id})}"


def _choose(request: HttpRequest) -> tuple[Any, Any, list[Any], list[Any]]:
    """The cycle and team asked for, or the cycle open for rating and the first team with cards."""
    user = request.user
    teams = list(board_teams_for_user(user))
    cycles = list(cycles_for_user(user)[:36])
    team_ids = [t.pk for t in teams]
    if request.GET.get("cycle"):
        cycle = get_cycle_for_user(user, request.GET["cycle"])
    else:
        cycle = opening_cycle(user, team_ids) or (cycles[0] if cycles else None)
    if request.GET.get("team"):
        team = get_team_for_user(user, request.GET["team"])
    else:
        used = set()
        if cycle is not None:
            used = set(
                cards_for_user(user, cycle_id=cycle.pk)
                .filter(team_id__in=team_ids)
                .values_list("team_id", flat=True)
            )
        team = next((t for t in teams if t.pk in used), teams[0])
    return cycle, team, cycles, teams


@login_required
def index(request: HttpRequest) -> HttpResponse:
    require_board(request.user)
    cycle, team, cycles, teams = _choose(request)
    context: dict[str, Any] = {"cycle": cycle, "team": team, "cycles": cycles, "teams": teams}
    if cycle is not None:
        which = request.GET.get("table", "")
        board = team_board(request.user, cycle, team, log=not request.GET.get("format"))
        if which in ("grades", "ranking"):
            got = download(request, board[which], f"{which}-{team.code}-{cycle.period}")
            if got is not None:
                return got
        context.update(board)
        context["query"] = urlencode({"cycle": cycle.pk, "team": team.pk})
    return render(request, "board/board.html", context)


@login_required
@require_POST
def rate(request: HttpRequest, card_id: int) -> HttpResponse:
    """Save (and optionally hand on) one card's ratings from its board row.

    With htmx the row is answered in place, the new total and grade included; without it the
    browser goes back to the board with a message. Only what the rater changed is saved.
    """
    require_board(request.user)
    card = get_card_for_user(request.user, card_id, log=False)
    error = ""
    note = ""
    try:
        changed = plan_actions.rate_in_place(request.user, card, request.POST)
        note = _("Ratings saved.") if changed else _("Nothing changed.")
        if request.POST.get("then") == "submit":
            run_step(request.user, card, "submit", reason=request.POST.get("reason", ""))
            note = _("Submitted: now %(status)s.") % {"status": card.get_status_display()}
    except ActionError as exc:
        error = exc.message
    if not request.headers.get("HX-Request"):
        if error:
            messages.error(request, f"{card.employee.name}: {error}")
        else:
            messages.success(request, f"{card.employee.name}: {note}")
        return redirect(_board_url(card.cycle_id, card.team_id))
    card = decorate(request.user, get_card_for_user(request.user, card.pk, log=False))
    if error:
        rating_form.show_typed(request.POST, card.rate_items)
    return render(request, "board/_rate_row.html", {"c": card, "error": error, "note": note})


BOARD_STEPS = ("approve", "submit", "publish")


@action_view
def bulk(request: HttpRequest) -> HttpResponse:
    """Approve, hand on or publish the selected cards: first what will be done and skipped,
    then, once confirmed with a reason, the workflow actions (``reviews.bulk_pages``)."""
    require_board(request.user)
    team = get_team_for_user(request.user, request.POST.get("team"))
    cycle = get_cycle_for_user(request.user, request.POST.get("cycle"))
    step = request.POST.get("step", "")
    if step not in BOARD_STEPS:
        raise InvalidInput(_("Unknown step %(step)s.") % {"step": step}, field="step")
    ids = [int(x) for x in request.POST.getlist("card") if str(x).isdigit()]
    if not ids:
        raise InvalidInput(_("Select at least one card."), field="card")
    cards = cards_for_user(request.user, cycle_id=cycle.pk).filter(team=team, pk__in=ids)
    return confirm_or_run(
        request,
        step=step,
        cards=cards,
        hidden=[("cycle", cycle.pk), ("team", team.pk), ("step", step)],
        action_url=reverse("board:bulk"),
        back_url=_board_url(cycle.pk, team.pk),
    )


# -- improvement plans -----------------------------------------------------------------------


def _plan_form_data(request: HttpRequest) -> dict[str, Any]:
    return {k: request.POST.get(k, "") for k in plan_actions.FIELDS}


def _problem_of(card: Card) -> str:
    """The plan's first line, offered to its author: the result only where the author sees it
    (``card.show_scores``); the author decides what the plan's readers read."""
    if not card.show_scores:
        return _("Card of %(period)s.") % {"period": card.cycle.period}
    return _("Grade %(grade)s (total %(total)s) in %(period)s.") % {
        "grade": card.grade,
        "total": card.total,
        "period": card.cycle.period,
    }


@login_required
def plan_new(request: HttpRequest, card_id: int) -> HttpResponse:
    require_board(request.user)
    card = get_card_for_user(request.user, card_id, log=False)
    if not can_manage_plans(request.user, card):
        raise PermissionDenied(
            _("Only the team's supervisor, the department manager or HR may plan improvements.")
        )
    try:
        plan_actions.check_plannable(card)
    except ActionError as exc:
        messages.error(request, exc.message)
        return redirect(_board_url(card.cycle_id, card.team_id))
    card.show_scores = workflow.sees_scores(request.user, card)
    data: dict[str, Any] = {
        "owner": request.user.pk,
        "problem": _problem_of(card),
        "actions": "",
        "target": "",
        "deadline": "",
    }
    alerts = insights.alerts([card]) if card.show_scores else []
    if alerts:
        data["problem"] += "\n" + "\n".join(a.message for a in alerts)
    error = None
    if request.method == "POST":
        data = _plan_form_data(request)
        try:
            plan = plan_actions.create_plan(request.user, card, data)
        except ActionError as exc:
            error = exc
        else:
            messages.success(request, _("Improvement plan created."))
            return redirect("board:plan", plan.pk)
    return render(
        request,
        "board/plan_form.html",
        {
            "card": card,
            "data": data,
            "error": error,
            "owners": owner_choices(card, request.user),
            "alerts": alerts,
            "today": timezone.localdate(),
        },
        status=422 if error else 200,
    )


@login_required
def plan_detail(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, plan_id)
    plan.effect = insights.effect(request.user, plan)
    may_change = plan.status == PlanStatus.OPEN and can_manage_plans(request.user, plan.card)
    history = AuditEvent.objects.filter(
        object_type="improvementplan", object_id=str(plan.pk)
    ).select_related("actor")
    return render(
        request,
        "board/plan.html",
        {
            "plan": plan,
            "may_change": may_change,
            "owners": owner_choices(plan.card, request.user) if may_change else [],
            "history": history.order_by("-at", "-id"),
            "statuses": [(s, label) for s, label in PlanStatus.choices if s != PlanStatus.OPEN],
        },
    )


@action_view
def plan_update(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, plan_id)
    plan_actions.update_plan(request.user, plan, _plan_form_data(request))
    messages.success(request, _("Improvement plan saved."))
    return redirect("board:plan", plan.pk)


@action_view
def plan_close(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, plan_id)
    plan_actions.close_plan(
        request.user, plan, request.POST.get("status", ""), request.POST.get("outcome", "")
    )
    messages.success(request, _("Improvement plan closed."))
    return redirect("board:plan", plan.pk)


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    require_board(request.user)
    status = request.GET.get("status", "")
    plans = plans_for_user(request.user).order_by("-card__cycle__period", "-id")
    if status in PlanStatus.values:
        plans = plans.filter(status=status)
    else:
        status = ""
    plans = mark_plans(request.user, plans[:300])
    for p in plans:
        p.effect = insights.effect(request.user, p)
    return render(
        request,
        "board/plans.html",
        {"plans": plans, "status": status, "statuses": PlanStatus.choices},
    )
