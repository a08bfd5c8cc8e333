"""What the board adds to other apps' pages (csperf.core.pages; added in ``BoardConfig.ready``)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from csperf.board.access import mark_plans, plans_for_user


def card_plans(request: HttpRequest, card: Any) -> dict[str, Any]:
    """The card page: the improvement plans of a failing card, for whoever may see them (the
    employee once the result is released)."""
    plans = plans_for_user(request.user).filter(card=card).order_by("-id")
    return {"plans": mark_plans(request.user, plans)}
