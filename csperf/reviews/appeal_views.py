"""Appeal pages: answering and escalating an appeal, and the list of appeals with their deadlines."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from csperf.core.views import action_view
from csperf.org.access import scope_for
from csperf.reviews import actions
from csperf.reviews.access import appeals_for_user, appeals_owed_by, get_appeal_for_user, overdue
from csperf.reviews.models import WAITING
from csperf.reviews.presenters import appeal_view

# ?show= on the appeals page; anything else shows the default.
SHOWS = ("waiting", "overdue", "mine", "all")
PAGE_SIZE = 300


@action_view
def resolve(request: HttpRequest, appeal_id: int) -> HttpResponse:
    appeal = get_appeal_for_user(request.user, appeal_id)
    corrections = {
        key.split(":", 1)[1]: request.POST[key]
        for key in request.POST
        if key.startswith("correct:") and request.POST[key].strip()
    }
    actions.resolve_appeal(
        request.user,
        appeal,
        accept=request.POST.get("decision") == "accept",
        resolution=request.POST.get("resolution", ""),
        corrections=corrections,
    )
    messages.success(request, _("The appeal has been answered."))
    return redirect("reviews:card", appeal.card_id)


@action_view
def escalate(request: HttpRequest, appeal_id: int) -> HttpResponse:
    appeal = get_appeal_for_user(request.user, appeal_id)
    actions.escalate_appeal(request.user, appeal, request.POST.get("reason", ""))
    messages.success(request, _("Your appeal has gone to HR."))
    return redirect("reviews:card", appeal.card_id)


@login_required
def appeals_page(request: HttpRequest) -> HttpResponse:
    """Appeals in the user's scope: waiting ones by due date, the overdue ones, those the user
    owes, or all. HR sees every appeal, a manager their departments', a supervisor their teams'."""
    user = request.user
    show = request.GET.get("show", "")
    if show not in SHOWS:
        show = "overdue" if scope_for(user).hr and overdue(appeals_for_user(user)).exists() else ""
        show = show or "waiting"
    if show == "overdue":
        qs = overdue(appeals_for_user(user))
    elif show == "mine":
        qs = appeals_owed_by(user)
    elif show == "waiting":
        qs = appeals_for_user(user).filter(status__in=WAITING).order_by("due_at", "id")
    else:
        qs = appeals_for_user(user).order_by("-created_at", "-id")
    rows = [appeal_view(user, a) for a in qs[:PAGE_SIZE]]
    return render(
        request,
        "reviews/appeals.html",
        {
            "rows": rows,
            "show": show,
            "shows": SHOWS,
            "overdue_count": overdue(appeals_for_user(user)).count(),
            "owed_count": appeals_owed_by(user).count(),
        },
    )
