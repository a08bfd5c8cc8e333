"""Parts the reports app adds to lower apps' pages (csperf.core.pages).

The card page (``reviews``) shows the card's history in the words of the audit log: the action
by its name, what changed in words (a status by its label, an item by its name, no braces),
the reason in the reader's language, as the audit log page (``/reports/audit/``) does.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from csperf.reports.audit_log import rows
from csperf.reviews.access import history_for_user

HISTORY_ROWS = 300  # the newest rows the card page shows


def card_history(request: HttpRequest, card: Any) -> dict[str, Any]:
    """The card page: its history rows, for whoever may see them (reviews.access)."""
    events = list(history_for_user(request.user, card)[:HISTORY_ROWS])
    return {"history_rows": rows(events)}


__all__ = ["card_history"]
