"""Template filters that show workflow codes in words, the same words on every page.

``{{ t.rater_roles|rater_chain }}`` → "自评 → 主管 → 复核人" (the workflow's ROLE_LABELS);
``{{ t.period|period_kind }}`` → "月度" for the template period kinds month/quarter/half/year.
An unknown code is shown as it is.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.utils.translation import gettext_lazy as _

from csperf.reviews.workflow import ROLE_LABELS

register = template.Library()

PERIOD_KINDS = {
    "month": _("Monthly"),
    "quarter": _("Quarterly"),
    "half": _("Half-yearly"),
    "year": _("Yearly"),
}


@register.filter
def role_label(role: Any) -> str:
    return str(ROLE_LABELS.get(str(role), role))


@register.filter
def rater_chain(roles: Iterable[Any] | None) -> str:
    return " → ".join(role_label(r) for r in roles or [])


@register.filter
def period_kind(kind: Any) -> str:
    return str(PERIOD_KINDS.get(str(kind), kind))
