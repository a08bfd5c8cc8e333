"""What the cards add to other apps' pages (csperf.core.pages; added in ``ReviewsConfig.ready``)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from csperf.reviews.access import cards_for_user, mark_visibility


def employee_cards(request: HttpRequest, employee: Any) -> dict[str, Any]:
    """The employee page: the person's cards the viewer may see, newest period first."""
    cards = cards_for_user(request.user).filter(employee=employee).order_by("-cycle__period")
    return {"cards": mark_visibility(request.user, cards)}
