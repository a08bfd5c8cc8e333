"""View helpers every app's pages share (kept here, below the apps, so that no app imports the
site package ``csperf.web``)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from csperf.core.errors import ActionError


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
