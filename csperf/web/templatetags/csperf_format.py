"""Template filters for figures as people read them."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import get_language

from csperf.reviews.presenters import shown_value
from csperf.scoring import figures

register = template.Library()


@register.filter
def shown(value: Any) -> str:
    """``{{ value|shown }}``: at most 4 decimals, no all-zero fraction, — for nothing."""
    return shown_value(value)


@register.filter
def figure(value: Any, unit: str | None = None) -> str:
    """``{{ value|figure:unit }}``: ratios as 98.99%, seconds as 2:08, money as 1,591.60 …
    (csperf.scoring.figures), in the page's language."""
    return figures.figure(value, unit or None, lang=get_language())


@register.filter
def score(value: Any) -> str:
    """``{{ total|score }}``: a score rounded half-up to 2 decimals, — for nothing."""
    return figures.score(value)


@register.simple_tag
def table_figure(table: Any, column: int, value: Any) -> str:
    """``{% table_figure table forloop.counter0 v %}``: a figure of a report table in the unit
    of its column (csperf.reports.tables.Table.units), else to at most 4 decimals."""
    unit = (getattr(table, "units", None) or {}).get(column)
    if unit is None:
        return figures.figure(value, None, places=4)
    return figures.figure(value, unit, lang=get_language())
