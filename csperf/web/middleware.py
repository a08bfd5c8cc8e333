"""Chinese first: the interface is zh-Hans unless the user picked another language.

Django's LocaleMiddleware follows the browser's Accept-Language, which would show English to
every Chinese user with an English browser; here only the language cookie (set by the switcher
in the header) changes the language.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import render
from django.utils import translation

from csperf.org.readonly import UNSAFE_METHODS, is_read_only, read_only_refusal


class ChineseFirstLocaleMiddleware(LocaleMiddleware):
    def process_request(self, request: Any) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        # API clients say their language with Accept-Language (explanations, messages)
        if (
            chosen not in dict(settings.LANGUAGES)
            and request.path.startswith("/api/")
            and request.META.get("HTTP_ACCEPT_LANGUAGE")
        ):
            chosen = translation.get_language_from_request(request)
        if chosen not in dict(settings.LANGUAGES):
            chosen = settings.LANGUAGE_CODE
        translation.activate(chosen)
        request.LANGUAGE_CODE = translation.get_language()


# -- the auditor reads only ----------------------------------------------------------------------

# What a read-only login may still post: its own session, password and language.
READ_ONLY_ALLOWED_URL_NAMES = frozenset({"login", "logout", "password-change", "set_language"})


class ReadOnlyAuditorMiddleware:
    """Every POST/PUT/PATCH/DELETE to a page by a read-only auditor answers 403, before any view
    runs (so no view can forget it). Logging in and out, changing one's password and switching
    language stay open. The JSON API is guarded by its token auth (csperf.api.api.TokenAuth)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        if request.method not in UNSAFE_METHODS:
            return None
        match = request.resolver_match
        if match is not None and (
            match.url_name in READ_ONLY_ALLOWED_URL_NAMES or "api" in match.namespaces
        ):
            return None
        if not is_read_only(getattr(request, "user", None)):
            return None
        return render(request, "web/403.html", {"message": read_only_refusal()}, status=403)
