"""The built-in indicator library.

Every indicator is a combination of *aggregates*: sums (or counts) of a row-level Ibis expression
over the rows of one record type that fall in the period, per employee. Ratios are formed from
the period's sums (a quarter's rate comes from the quarter's rows, never from monthly rates), and
team, department and centre figures add up the employees' sums, so every level is consistent
and every value can be traced to the rows of its aggregates (see :func:`csperf.metrics.explain`).

The expressions use only portable Ibis operations (comparisons, CASE, sums with FILTER, LEAD,
epoch seconds) so they compile unchanged for DuckDB, PostgreSQL, Spark, Trino and ClickHouse.

Layout, in the order the indicators appear in :data:`LIB`:

- ``model``: :class:`Indicator`, :class:`Param`, :class:`Agg`, :class:`Ctx`, the combinators
  (``ratio``, ``total``), the expression helpers and parameters several domains share;
- ``calls``: calls (occupancy, from attendance rows, too);
- ``tickets``: tickets, complaints and the workload ratio;
- ``surveys``: satisfaction from surveys (CSAT, NPS, callbacks, the dealer CS family), and the
  key customers called back;
- ``customers``: satisfaction from the customer register (key customers lost, churn, retention,
  bundles, second contacts);
- ``qc``: QC reviews and test calls;
- ``attendance``: the daily attendance rows;
- ``conduct``: the incident register (praise, complaints, errors, violations); a module of its
  own because it reads another record type than attendance;
- ``sales``: the daily sales rows;
- ``management``: plan rows (plans, budget, goals), cost per agent and the staff's mean score.
"""

from __future__ import annotations

from types import ModuleType

from csperf.metrics.indicators import (
    attendance,
    calls,
    conduct,
    customers,
    management,
    qc,
    sales,
    surveys,
    tickets,
)
from csperf.metrics.indicators.model import SOURCE_SUBJECT, Agg, Ctx, Indicator, Param, secs

DOMAINS: tuple[ModuleType, ...] = (
    calls,
    tickets,
    surveys,
    customers,
    qc,
    attendance,
    conduct,
    sales,
    management,
)


def _build(domains: tuple[ModuleType, ...]) -> dict[str, Indicator]:
    lib: dict[str, Indicator] = {}
    for module in domains:
        for ind in module.INDICATORS:
            if ind.code in lib:
                raise ValueError(f"indicator code {ind.code!r} defined twice ({module.__name__})")
            lib[ind.code] = ind
    return lib


LIB: dict[str, Indicator] = _build(DOMAINS)


def unit_of(code: str | None) -> str | None:
    """The unit of an indicator (ratio, seconds, count …), None for a name that is not one."""
    indicator = LIB.get(code) if code else None
    return indicator.unit if indicator is not None else None


__all__ = ["LIB", "SOURCE_SUBJECT", "Agg", "Ctx", "Indicator", "Param", "secs"]
