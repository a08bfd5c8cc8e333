"""Query parameters (``?team=…&from=…``) read one way on every page.

A value a page cannot use raises :class:`BadQuery` (an ``InvalidInput`` naming the parameter);
:class:`BadQueryMiddleware` turns any ``InvalidInput`` a page raises while answering a GET into a
400 page that says which parameter was wrong, never a server error.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from csperf.core.errors import InvalidInput

# Ids are 64-bit: anything larger is no id (and would overflow the database driver).
MAX_ID = 2**63 - 1
MAX_TEXT = 200


class BadQuery(InvalidInput):
    """A query parameter the page cannot use (HTTP 400)."""

    status = 400


def query_text(request: HttpRequest, name: str, default: str = "") -> str:
    """The stripped text of a parameter (the last one when repeated); NUL bytes are refused."""
    raw = request.GET.get(name)
    if raw is None:
        return default
    raw = raw.strip()
    if "\x00" in raw:
        raise BadQuery(
            _("The parameter %(name)s holds a character that is not allowed.") % {"name": name},
            field=name,
        )
    if len(raw) > MAX_TEXT:
        raise BadQuery(
            _("The parameter %(name)s is longer than %(n)s characters.")
            % {"name": name, "n": MAX_TEXT},
            field=name,
        )
    return raw or default


def query_int(request: HttpRequest, name: str, *, minimum: int = 1) -> int | None:
    """A whole number (an id: 1 and up by default), or None when the parameter is absent or empty."""
    raw = query_text(request, name)
    if not raw:
        return None
    try:
        value = int(raw)
    except ValueError:
        value = None
    if value is None or not minimum <= value <= MAX_ID:
        raise BadQuery(
            _("The parameter %(name)s must be a whole number of at least %(min)s, not %(value)s.")
            % {"name": name, "min": minimum, "value": raw[:40]},
            field=name,
        )
    return value


def query_date(request: HttpRequest, name: str) -> dt.date | None:
    """A day as YYYY-MM-DD, or None when the parameter is absent or empty."""
    raw = query_text(request, name)
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise BadQuery(
            _("The parameter %(name)s must be a date (YYYY-MM-DD), not %(value)s.")
            % {"name": name, "value": raw[:40]},
            field=name,
        ) from None


def query_period(request: HttpRequest, name: str) -> str | None:
    """A period as the cycles name it (2026-03, 2026-Q1, 2026), or None when absent or empty."""
    from csperf.scoring import Period

    raw = query_text(request, name)
    if not raw:
        return None
    try:
        return str(Period.parse(raw))
    except (ValueError, TypeError):
        raise BadQuery(
            _("The parameter %(name)s must be a period such as 2026-03, not %(value)s.")
            % {"name": name, "value": raw[:40]},
            field=name,
        ) from None


def query_choice(request: HttpRequest, name: str, choices: Iterable[str], default: str = "") -> str:
    """One of ``choices``; anything else (or nothing) gives ``default``."""
    raw = request.GET.get(name, "")
    return raw if raw in set(choices) else default


class BadQueryMiddleware:
    """A page that raises ``InvalidInput`` while answering a GET answers 400 with the message.

    (Forms posting to ``action_view`` pages show their errors as messages; the API maps errors
    itself.)
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # A NUL byte is never a value a person meant, and PostgreSQL refuses it in any query:
        # answer 400 naming the parameter before a view passes it to the database.
        for name, values in request.GET.lists():
            if "\x00" in name or any("\x00" in v for v in values):
                bad = BadQuery(
                    _("%(name)s: contains a NUL byte.") % {"name": name.strip("\x00")}, field=name
                )
                if request.path.startswith("/api/"):
                    return JsonResponse({"detail": bad.message, "field": bad.field}, status=400)
                return bad_query_page(request, bad)
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if not isinstance(exc, InvalidInput) or request.method not in ("GET", "HEAD"):
            return None
        match = getattr(request, "resolver_match", None)
        if match is not None and "api" in match.namespaces:
            return None
        return bad_query_page(request, exc)


def bad_query_page(request: HttpRequest, exc: InvalidInput) -> HttpResponse:
    context: dict[str, Any] = {"message": exc.message, "field": exc.field}
    return render(request, "web/400.html", context, status=400)
