"""Every figure a person reads, formatted by its unit — one place for pages, print, xlsx and charts.

A unit is a template's ``x-unit`` / ``x-inputs`` unit (share, ratio, signed_ratio, count, mean,
score, flag, amount, seconds, minutes, hours, days, number) or an indicator's unit
(ratio, count, seconds, points, score, amount, …):

- ratios (share, ratio, signed_ratio) as percentages with 2 decimals: 0.98989 -> 98.99%;
- seconds as 秒 under a minute (45 秒) and 分:秒 above (2:08, 1:02:08);
- amounts as money: 1,591.60;
- counts and flags as whole numbers (a mean count keeps 2 decimals);
- scores, points, means and everything else rounded half-up to 2 decimals, as results are.

:func:`figure` gives the text, :func:`xlsx_format` the spreadsheet number format of the same unit
(the cell holds the number, never the text) and :func:`axis` the bounds of a chart's value axis.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from csperf.scoring.explain import ZH, language, money, number
from csperf.scoring.extensions import PERCENT_UNITS

PERCENT = frozenset(PERCENT_UNITS | {"percent"})
SECONDS = "seconds"
MONEY = frozenset({"amount", "money"})
WHOLE = frozenset({"count", "flag"})
SCORE_PLACES = 2  # results are rounded once to 2 decimals (csperf.scoring.numbers.round2)
NONE = "—"


def places_for(unit: str | None) -> int:
    """Decimals shown for ``unit``: of the percentage for ratios, 0 for counts, else 2."""
    if unit in WHOLE or unit == SECONDS:
        return 0
    return SCORE_PLACES


def is_percent(unit: str | None) -> bool:
    return unit in PERCENT


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        d = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return d if d.is_finite() else None


def duration(seconds: Decimal, lang: str | None = ZH) -> str:
    """Seconds as the UI reads them: 45 秒 (45 s) under a minute, else 分:秒 (2:08, 1:02:08)."""
    whole = int(seconds.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    sign, whole = ("-" if whole < 0 else ""), abs(whole)
    if whole < 60:
        return f"{sign}{whole} 秒" if language(lang) == ZH else f"{sign}{whole} s"
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{sign}{hours}:{minutes:02d}:{secs:02d}"
    return f"{sign}{minutes}:{secs:02d}"


def figure(
    value: Any, unit: str | None = None, *, places: int | None = None, lang: str | None = ZH
) -> str:
    """``value`` as people read it in ``unit``; ``places`` overrides the unit's decimals.

    Nothing is "—"; counts by kind (a dict) are listed; text that is not a number is shown as is.
    """
    if isinstance(value, dict):
        return (
            "、".join(f"{k} {figure(v, unit, places=places, lang=lang)}" for k, v in value.items())
            or "0"
        )
    d = _decimal(value)
    if d is None:
        return NONE if value is None or value == "" else str(value)
    if is_percent(unit):
        return f"{number(d * 100, SCORE_PLACES if places is None else places)}%"
    if unit == SECONDS and places is None:
        return duration(d, lang)
    if unit in MONEY:
        return money(d)
    return number(d, places_for(unit) if places is None else places)


def score(value: Any) -> str:
    """A score, subtotal or total: 2 decimals half-up, as stored and printed (61 -> 61.00,
    82.675 -> 82.68); — for nothing."""
    d = _decimal(value)
    if d is None:
        return NONE
    return f"{d.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):f}"


def xlsx_format(unit: str | None, *, places: int | None = None) -> str:
    """The spreadsheet number format of ``unit``: 0.00%, #,##0.00, 0, 0.00."""
    n = places_for(unit) if places is None else places
    fraction = "." + "0" * n if n else ""
    if is_percent(unit):
        return f"0{fraction}%"
    if unit in MONEY:
        return "#,##0.00"
    if unit == SECONDS:
        return "0"
    return f"0{fraction}"


def cell_number(value: Any, unit: str | None, *, places: int | None = None) -> float | None:
    """The number a spreadsheet cell of ``unit`` holds: rounded as shown (a ratio keeps the
    digits of its percentage: 0.98989 -> 0.9899), None when there is none."""
    d = _decimal(value)
    if d is None:
        return None
    n = places_for(unit) if places is None else places
    if is_percent(unit):
        n += 2
    elif unit in MONEY:
        n = 2
    return float(d.quantize(Decimal(1).scaleb(-n), rounding=ROUND_HALF_UP))


def _nice_step(span: float) -> float:
    """A round step (1, 2 or 5 × 10ⁿ) that cuts ``span`` into about five parts."""
    raw = span / 5
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= raw)


def axis(values: Iterable[Any], unit: str | None = None) -> dict[str, float]:
    """The value axis of a chart of ``values``: ``{"min", "max"}`` fitted to the data.

    Percentages run 0–100 % (the data are ratios: 0–1, wider only when a value lies outside);
    other figures start at 0 when they are all positive and end a round step above the largest,
    so a single point sits inside its axis, never on a 40–160 default.
    """
    data = [float(d) for d in (_decimal(v) for v in values) if d is not None]
    if is_percent(unit):
        low = min([0.0, *data])
        high = max([1.0, *data])
        return {"min": math.floor(low * 10) / 10, "max": math.ceil(high * 10) / 10}
    if not data:
        return {"min": 0.0, "max": 1.0}
    low, high = min(0.0, *data), max(0.0, *data)
    if low == high:
        return {"min": 0.0, "max": 1.0}
    step = _nice_step(high - low)
    return {
        "min": round(math.floor(low / step) * step, 10),
        "max": round(math.ceil(high / step) * step, 10),
    }


def item_unit(
    item: Any,
    specs: dict[str, Any] | None = None,
    *,
    indicator_units: Callable[[str], str | None] | None = None,
) -> str | None:
    """The unit of a template item's value: its ``x-unit``, else the template's ``x-inputs``
    (``specs``: ``template.input_specs()``), else the unit of the indicator it reads
    (``indicator_units``: the records layer's lookup, e.g. ``csperf.metrics.indicators.unit_of``;
    the engine itself knows no indicators)."""
    spec = item.unit
    if spec is None and specs and item.value:
        spec = specs.get(item.value)
    if spec is not None:
        return spec.unit
    if indicator_units is None or not item.value:
        return None
    return indicator_units(item.value)
