"""csperf.metrics — the indicator engine (Ibis over DuckDB by default, any Ibis backend).

The small API the web app and scripts use (see ``docs/indicators.md``)::

    from csperf import metrics

    metrics.list_indicators()                      # definitions: code, names, unit, direction …
    metrics.compute("2026-03", "team", ["answer_rate", "aht"],
                    {"service_level": {"threshold_s": 30}})     # -> [{"subject": ..., code: value}]
    metrics.compute_intervals("2026-03-04", minutes=15)         # -> [{"interval_start": ..., ...}]
    metrics.explain("asa", "E001", "2026-03")                   # -> the records behind the value

Every function takes ``data_dir=`` / ``records_url=`` (or an open ``engine=``) to choose the store.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from csperf.kernel.lazy import lazy_getattr
from csperf.kernel.periods import Period, PeriodError, parse_period

if TYPE_CHECKING:
    from csperf.metrics.engine import CENTER, LEVELS, Engine, MetricsError
    from csperf.metrics.indicators import LIB, Indicator

# Loaded on first use: the compiled-SQL cache (csperf.metrics.sqlcache) answers a repeated
# `csperf indicators compute` without the engine, the definitions or Ibis.
_LAZY = {
    "CENTER": "engine",
    "LEVELS": "engine",
    "Engine": "engine",
    "MetricsError": "engine",
    "LIB": "indicators",
    "Indicator": "indicators",
}

__getattr__ = lazy_getattr(__name__, _LAZY)


def list_indicators(*, include_unavailable: bool = True) -> list[dict[str, Any]]:
    """Every indicator definition of the library, as plain data."""
    from csperf.metrics.indicators import LIB

    out = []
    for ind in LIB.values():
        if not ind.available and not include_unavailable:
            continue
        out.append(describe(ind))
    return out


def describe(ind: Indicator | str) -> dict[str, Any]:
    from csperf.metrics.engine import MetricsError
    from csperf.metrics.indicators import LIB

    if isinstance(ind, str):
        if ind not in LIB:
            raise MetricsError(f"unknown indicator {ind!r}")
        ind = LIB[ind]
    return {
        "code": ind.code,
        "name_zh": ind.name_zh,
        "name_en": ind.name_en,
        "unit": ind.unit,
        "direction": ind.direction,
        "record": ind.record,
        "category": ind.category,
        "formula_zh": ind.formula_zh,
        "formula_en": ind.formula_en,
        "default_period": ind.default_period,
        "params": [
            {
                "name": p.name,
                "default": p.default,
                "kind": p.kind,
                "doc": p.doc,
                "choices": list(p.choices) if p.choices else None,
            }
            for p in ind.params
        ],
        "available": ind.available,
        "notes": ind.notes,
    }


def _engine(engine: Engine | None, data_dir, records_url) -> tuple[Engine, bool]:
    if engine is not None:
        return engine, False
    from csperf.metrics.engine import Engine

    return Engine.open(data_dir, records_url), True


def compute(
    period: str | Period,
    level: str = "employee",
    indicators: Iterable[str] | None = None,
    params: dict | Iterable[str] | None = None,
    *,
    period_start_day: int = 1,
    subjects: Iterable[str] | None = None,
    data_dir: str | Path | None = None,
    records_url: str | None = None,
    engine: Engine | None = None,
) -> list[dict[str, Any]]:
    """One row per subject of `level`: ``{"subject", ["name",] <code>: value, ...}``.

    Values are ``int`` or ``decimal.Decimal`` (ratios as fractions), ``None`` where undefined.
    """
    eng, own = _engine(engine, data_dir, records_url)
    try:
        return eng.compute(
            period, level, indicators, params, period_start_day=period_start_day, subjects=subjects
        )
    finally:
        if own:
            eng.close()


def compute_intervals(
    day: str | date,
    to: str | date | None = None,
    minutes: int = 15,
    indicators: Iterable[str] | None = None,
    params: dict | Iterable[str] | None = None,
    *,
    level: str = "center",
    data_dir: str | Path | None = None,
    records_url: str | None = None,
    engine: Engine | None = None,
) -> list[dict[str, Any]]:
    """Call indicators per interval [start, start + minutes) from `day` to `to` (inclusive)."""
    eng, own = _engine(engine, data_dir, records_url)
    try:
        return eng.intervals(day, to, minutes, indicators, params, level=level)
    finally:
        if own:
            eng.close()


def explain(
    indicator: str,
    subject: str,
    period: str | Period,
    *,
    level: str | None = None,
    params: dict | Iterable[str] | None = None,
    period_start_day: int = 1,
    limit: int | None = None,
    data_dir: str | Path | None = None,
    records_url: str | None = None,
    engine: Engine | None = None,
) -> dict[str, Any]:
    """The value and, per part (numerator, denominator …), the records that make it up."""
    eng, own = _engine(engine, data_dir, records_url)
    try:
        return eng.explain(
            indicator,
            subject,
            period,
            level=level,
            params=params,
            period_start_day=period_start_day,
            limit=limit,
        )
    finally:
        if own:
            eng.close()


__all__ = [
    "CENTER",
    "LEVELS",
    "LIB",
    "Engine",
    "Indicator",
    "MetricsError",
    "Period",
    "PeriodError",
    "compute",
    "compute_intervals",
    "describe",
    "explain",
    "list_indicators",
    "parse_period",
]
