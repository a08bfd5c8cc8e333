"""Answering additive call indicators from the rollup kept at import (csperf.ingest.rollups).

A domain module maps an indicator to rollup sums with ``ROLLUPS = {code: spec}``: ``spec(ctx)``
gives, per role, a :class:`Part` (a condition on the rollup's dimensions and the measure to add
up), or None when the parameters need a threshold the rollup does not keep. The engine asks
:func:`usable` whether the rollup matches the calls it reads, then :func:`run_rollup` returns
the same sums by group that the raw query would (a count is 0, never missing, for a group with
calls; a value sum is missing when no call had a value), so every level and every combine works
unchanged on them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import ibis
import ibis.expr.types as ir

from csperf.ingest.rollups import (
    MONTHLY,
    RATING_LEVELS,
    REPEAT_WINDOWS,
    ROLLUP,
    SHORT_ABANDONS,
    SL_THRESHOLDS,
    built_from,
    rating_ge,
    repeat_in,
    wait_le,
    wait_lt,
)
from csperf.ingest.store import Store, fetch_rows
from csperf.metrics import sqlcache
from csperf.metrics.combine import merge_sums

if TYPE_CHECKING:  # the indicator modules import this one
    from csperf.metrics.indicators.model import Ctx

Measure = Callable[[ir.Table], ir.Value]


@dataclass(frozen=True)
class Part:
    """Σ ``measure`` over the rollup rows where ``where`` holds; ``count``: a count of calls
    (0 for a group without a match), else a value sum (missing without a value)."""

    where: Callable[[ir.Table, Ctx], ir.Value]
    measure: Measure
    count: bool = True


Spec = Callable[["Ctx"], dict[str, Part] | None]


def n(r: ir.Table) -> ir.Value:
    return r.n


def column(name: str) -> Measure:
    return lambda r: r[name]


def _whole(v: Any, kept: tuple[int, ...]) -> int | None:
    """``v`` as one of the whole numbers ``kept`` (None: not kept)."""
    try:
        d = Decimal(str(v))
    except ArithmeticError:
        return None
    if d != d.to_integral_value() or int(d) not in kept:
        return None
    return int(d)


def sl_column(threshold: Any) -> str | None:
    t = _whole(threshold, SL_THRESHOLDS)
    return wait_le(t) if t is not None else None


def short_column(limit: Any) -> str | None:
    """The count of calls with wait_s under ``limit``; "" for a limit of 0 or less (none)."""
    try:
        if Decimal(str(limit)) <= 0:
            return ""
    except ArithmeticError:
        return None
    s = _whole(limit, SHORT_ABANDONS)
    return wait_lt(s) if s is not None else None


def less_short(limit_col: str) -> Measure:
    """Calls less the abandons shorter than the limit (``limit_col``; "": none)."""
    if not limit_col:
        return n
    return lambda r: r.n - ibis.ifelse(r.outcome == "abandoned", r[limit_col], 0)


def rating_column(level: Any) -> str | None:
    """The count of calls rated at least ``level`` (every rated call for 1 or less)."""
    try:
        if Decimal(str(level)) <= 1:
            return "n_rated"
    except ArithmeticError:
        return None
    r = _whole(level, RATING_LEVELS)
    return rating_ge(r) if r is not None else None


def repeat_column(hours: Any) -> str | None:
    h = _whole(hours, REPEAT_WINDOWS)
    return repeat_in(h) if h is not None else None


def usable(store: Store, table: str = ROLLUP) -> bool:
    """Whether the store has rollup ``table`` built from the very calls its ``calls`` view
    reads."""
    lake = store.lake
    if lake is None or not lake.exists(table):
        return False
    store.table("calls")
    store.table(table)
    versions = store._reader.versions if store._reader is not None else {}
    calls_v = lake.data_version("calls", versions.get("calls"))
    return calls_v is not None and built_from(lake, versions.get(table), table) == calls_v


def rollup_for(store: Store, start: date, end: date) -> str | None:
    """The rollup answering the days [start, end): the monthly one for whole calendar months,
    else the daily one; None when neither matches the calls the store reads."""
    if start.day == 1 and end.day == 1 and usable(store, MONTHLY):
        return MONTHLY
    return ROLLUP if usable(store, ROLLUP) else None


def _rows(store: Store, table: str, start: date, end: date) -> ir.Table:
    r = store.table(table)
    if table == MONTHLY:
        return r.filter(r._first >= start, r._first < end)
    return r.filter(r._day >= start, r._day < end)


def run_rollup(
    store: Store,
    table: str,
    specs: list[tuple[str, Part, Ctx]],
    start: date,
    end: date,
    queues: dict[str, Any] | None,
) -> dict[str, dict[Any, Any]]:
    """Sums by group (agent, or the queue's :class:`Unowned` for calls without one) of
    ``specs`` (agg key, part, ctx) over the days [start, end) from rollup ``table``."""
    r = _rows(store, table, start, end)
    metrics = {}
    for i, (_, part, ctx) in enumerate(specs):
        v = part.measure(r).sum(where=part.where(r, ctx))
        metrics[f"m{i}"] = v.fill_null(0).cast("int64") if part.count else v
    keys = {
        "_subject": r.agent_id,
        "_queue": ibis.ifelse(r.agent_id.isnull(), r.queue, ibis.null("string")),
    }
    query = r.group_by(**keys).aggregate(**metrics)
    agg_keys = [key for key, _, _ in specs]
    sqlcache.note("sums", query, keys=agg_keys)
    sums: dict[str, dict[Any, Any]] = {}
    merge_sums(sums, fetch_rows(query), agg_keys, queues)
    return sums


def answered_by_queue(store: Store, table: str, start: date, end: date) -> ir.Table:
    """The query of inbound calls answered per (queue, agent) over the days [start, end)."""
    r = _rows(store, table, start, end)
    r = r.filter(
        r.direction == "inbound",
        r.outcome == "answered",
        r.agent_id.notnull(),
        r.queue.notnull(),
    )
    return r.group_by("queue", "agent_id").aggregate(n=r.n.sum())
