"""Chinese first: the interface is zh-Hans unless the user picked another language.

Django's LocaleMiddleware follows the browser's Accept-Language, which would show English to
every Chinese user with an English browser; here only the language cookie (set by the switcher
in the header) changes the language.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class ChineseFirstLocaleMiddleware(LocaleMiddleware):
    def process_request(self, request: Any) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if chosen not in dict(settings.LANGUAGES):
            chosen = settings.LANGUAGE_CODE
        translation.activate(chosen)
        request.LANGUAGE_CODE = translation.get_language()
