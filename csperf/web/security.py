"""Logins and responses: throttled failures (django-axes), no caching of what a login sees.

- :class:`LoginThrottleBackend` is django-axes' backend: every ``authenticate(request=…)`` — the
  login page and ``POST /api/auth/token`` — first asks whether the username or the address is
  locked out. Calls without a request (tests, the shell) are not throttled: there is no client.
- :func:`lockout_response` is the answer while locked out: 429 with ``Retry-After``, a JSON error
  under ``/api/``, the zh-Hans (or English) page elsewhere.
- :class:`NoStoreMiddleware` marks every response to a logged-in person, and every API response,
  ``Cache-Control: no-store``: scores and pay never stay in a browser's or a proxy's cache.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from axes.backends import AxesStandaloneBackend
from axes.helpers import get_cool_off
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import ngettext


class LoginThrottleBackend(AxesStandaloneBackend):
    """Refuses any login while its username or address is locked out; never logs anyone in."""

    def authenticate(self, request: HttpRequest | None, *args: Any, **kwargs: Any) -> None:
        if request is None:
            return None
        return super().authenticate(request, *args, **kwargs)


def _api_prefix() -> str:
    return reverse("api:api-root")


def retry_after_seconds(request: HttpRequest | None = None) -> int:
    """How long a lockout lasts from the failure that caused (or renewed) it."""
    cool_off = get_cool_off(request)
    return max(1, math.ceil(cool_off.total_seconds())) if cool_off else 3600


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """429 with Retry-After: JSON for the API, a page for people."""
    seconds = retry_after_seconds(request)
    minutes = max(1, math.ceil(seconds / 60))
    message = ngettext(
        "Too many failed logins for this username or from this address. "
        "Try again in %(minutes)d minute.",
        "Too many failed logins for this username or from this address. "
        "Try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}
    if request.path.startswith(_api_prefix()):
        response: HttpResponse = JsonResponse(
            {"detail": message, "retry_after": seconds}, status=429
        )
    else:
        response = render(
            request, "web/lockout.html", {"message": message, "minutes": minutes}, status=429
        )
    response["Retry-After"] = str(seconds)
    return response


class NoStoreMiddleware:
    """``Cache-Control: no-store`` on every response to a login and on every API response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        # API views set request.user from the bearer token while they run, so this is read after.
        if getattr(user, "is_authenticated", False) or request.path.startswith(_api_prefix()):
            add_never_cache_headers(response)
        return response
