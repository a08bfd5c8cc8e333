"""Home page, job progress, and helpers shared by the apps' views."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _

from csperf.board.access import plans_for_user
from csperf.board.models import PlanStatus
from csperf.cycles.access import cycles_for_user
from csperf.org import actions as org_actions
from csperf.org.access import get_job_for_user, scope_for
from csperf.reviews import workflow
from csperf.reviews.access import cards_for_user, mark_visibility
from csperf.reviews.models import REVIEW_STATUSES
from csperf.reviews.presenters import home_appeals
from csperf.web.timeline import timeline_for

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def my_tasks(user: User) -> list[Any]:
    """Cards waiting for this user's rating (or approval)."""
    out = []
    for card in cards_for_user(user).filter(status__in=REVIEW_STATUSES):
        role = workflow.current_role(card)
        if role and role in workflow.rater_roles_of(user, card):
            out.append(card)
    return out


@login_required
def home(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    own = []
    if scope.employee_id:
        own = list(
            cards_for_user(request.user)
            .filter(employee_id=scope.employee_id)
            .order_by("-cycle__period")
        )
    context = {
        "own_cards": mark_visibility(request.user, own),
        "own_plans": list(
            plans_for_user(request.user)
            .filter(employee_id=scope.employee_id, status=PlanStatus.OPEN)
            .order_by("deadline")
        )
        if scope.employee_id
        else [],
        "tasks": mark_visibility(request.user, my_tasks(request.user)),
        "cycles": list(cycles_for_user(request.user)[:12]),
        "timeline": timeline_for(request.user),
        **home_appeals(request.user),
    }
    return render(request, "web/home.html", context)


@login_required
def job_status(request: HttpRequest, job_id: int) -> HttpResponse:
    """The progress bar of a job (polled by htmx until the job ends)."""
    job = get_job_for_user(request.user, job_id)
    return render(request, "web/_job.html", {"job": job})


class PasswordChange(auth_views.PasswordChangeView):
    """Everyone changes their own password (Django's form checks the old one and the validators)."""

    template_name = "web/password_change.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        org_actions.password_changed(self.request.user)
        messages.success(self.request, _("Your password has been changed."))
        return response
