"""A write that meets a busy database answers 409 "try again", never 500.

On SQLite a transaction takes the write lock when it begins and waits for it (csperf.web.env,
SQLITE_OPTIONS); a writer that still finds the database locked after the wait gets
``OperationalError: database is locked``. That is a conflict with another writer, not a fault:
pages and the API answer 409 with a message to try again (nothing was saved). On PostgreSQL the
same goes for a deadlock or a lock that could not be obtained.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.html import escape
from django.utils.translation import gettext as _

log = logging.getLogger("csperf.web")

_BUSY_TEXT = ("database is locked", "database table is locked", "deadlock detected")


def is_busy(exc: BaseException) -> bool:
    """An OperationalError that means another writer holds the lock."""
    if not isinstance(exc, OperationalError):
        return False
    text = str(exc).lower()
    if any(t in text for t in _BUSY_TEXT):
        return True
    cause = exc.__cause__
    return getattr(cause, "sqlstate", None) in ("40P01", "55P03")  # deadlock, lock not available


def busy_message() -> str:
    return _(
        "The database is busy with another change right now; nothing was saved. Try again in a"
        " moment."
    )


def busy_response(request: HttpRequest) -> HttpResponse:
    message = busy_message()
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=409)
    title = _("Try again")
    body = (
        f'<!doctype html><html lang="{escape(getattr(request, "LANGUAGE_CODE", "zh-hans"))}">'
        f"<head><meta charset='utf-8'><title>{escape(title)}</title></head>"
        f"<body><h1>{escape(title)}</h1><p>{escape(message)}</p></body></html>"
    )
    return HttpResponse(body, status=409)


class DatabaseBusyMiddleware:
    """Turns a "database is locked" that escapes a view into the 409 answer."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exc: Exception) -> Any:
        if is_busy(exc):
            log.warning("busy database on %s %s: %s", request.method, request.path, exc)
            return busy_response(request)
        return None
