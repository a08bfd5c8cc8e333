"""Template filters for figures as people read them."""

from __future__ import annotations

from typing import Any

from django import template

from csperf.reviews.presenters import shown_value

register = template.Library()


@register.filter
def shown(value: Any) -> str:
    """``{{ value|shown }}``: at most 4 decimals, no all-zero fraction, — for nothing."""
    return shown_value(value)
