"""Home page, job progress, and helpers shared by the apps' views."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from csperf.board.access import plans_for_user
from csperf.board.models import PlanStatus
from csperf.core import audit
from csperf.core.errors import ActionError
from csperf.core.models import Job
from csperf.cycles.access import cycles_for_user
from csperf.org.access import scope_for
from csperf.reviews import workflow
from csperf.reviews.access import cards_for_user, mark_visibility
from csperf.reviews.models import REVIEW_STATUSES
from csperf.reviews.presenters import home_appeals
from csperf.web.timeline import timeline_for


def action_view(func: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A POST-only, login-only view whose ActionErrors become a message and a redirect back."""

    @login_required
    @require_POST
    @wraps(func)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return func(request, *args, **kwargs)
        except ActionError as exc:
            messages.error(request, exc.message)
            return redirect(request.META.get("HTTP_REFERER") or "home")

    return wrapper


def my_tasks(user: Any) -> list[Any]:
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
    scope = scope_for(request.user)
    job = Job.objects.filter(pk=job_id).first()
    if job is None or not (scope.sees_everything or job.created_by_id == request.user.pk):
        raise Http404("no such job")
    return render(request, "web/_job.html", {"job": job})


class PasswordChange(auth_views.PasswordChangeView):
    """Everyone changes their own password (Django's form checks the old one and the validators)."""

    template_name = "web/password_change.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        audit.record(self.request.user, "change_password", self.request.user, field="password")
        messages.success(self.request, _("Your password has been changed."))
        return response
