"""Parts of a page that a higher app adds to a lower app's page.

The employee page (``org``) lists the person's cards (``reviews``); the card page (``reviews``)
lists the card's improvement plans (``board``) and its history in words (``reports``). A lower app never imports a higher one
(docs/architecture.md, checked by import-linter), so the higher app adds its part when Django
starts (its ``AppConfig.ready``) and the page asks for the parts here. Each page names the
context keys it needs, so a part that was never added stops the page instead of leaving a hole.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest

Part = Callable[[HttpRequest, Any], dict[str, Any]]

# page -> the context keys its template shows from other apps
PAGES: dict[str, tuple[str, ...]] = {
    "org.employee": ("cards",),
    "reviews.card": ("plans", "history_rows"),
}
_PARTS: dict[str, list[Part]] = {}


def add_part(page: str, part: Part) -> None:
    """Adds ``part`` (request, subject) -> context to ``page``; adding it again changes nothing."""
    if page not in PAGES:
        raise ImproperlyConfigured(f"no page {page!r} takes parts (known: {', '.join(PAGES)})")
    parts = _PARTS.setdefault(page, [])
    if part not in parts:
        parts.append(part)


def parts_for(page: str, request: HttpRequest, subject: Any) -> dict[str, Any]:
    """The context the parts added to ``page`` give for ``subject``."""
    context: dict[str, Any] = {}
    for part in _PARTS.get(page, ()):
        context.update(part(request, subject))
    missing = [key for key in PAGES[page] if key not in context]
    if missing:
        raise ImproperlyConfigured(
            f"page {page!r}: no part gives {', '.join(missing)} (is its app in INSTALLED_APPS?)"
        )
    return context
