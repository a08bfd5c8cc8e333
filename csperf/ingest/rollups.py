"""Rollups kept at import: decomposable sums of the calls per (day, agent, queue, direction,
outcome, customer tier), a lake table of their own (``lake/_rollup_calls/``, partitioned by
``_month``), and the same per calendar month (``lake/_rollup_calls_month/``).

Every additive call indicator is a sum over calls of a count or a value where a condition on the
call holds; the conditions read the direction, the outcome, the customer tier, the wait against a
threshold and the repeat-call flag, so a row here keeps, for one group of calls, the number of
calls, their value sums and the number under each materialised threshold (service-level
thresholds, short-abandon limits, top rating boxes, FCR repeat windows). Month, quarter and year figures at every
level are sums of these rows (csperf.metrics.rollups reads them); intervals, drill-down and other
parameter values read the raw calls.

An import of calls rewrites only the rollup rows of the days it touched (its rows' days and the
days of the rows it replaced), plus the days before them within the longest repeat window: a
call's repeat flag depends on the calls after it. Each rollup commit records the calls version it
was built from (``csperf.calls_version`` in the Delta commit info); a reader uses the rollup only
when it matches the calls it reads, so a reader never mixes an older rollup with newer calls.
"""

from __future__ import annotations

import json
import math
from datetime import date, timedelta

import pyarrow as pa

from csperf.ingest.lake import MONTH, Lake, LakeError, lit, q

ROLLUP = "_rollup_calls"
MONTHLY = "_rollup_calls_month"  # the same sums per calendar month (no _day): whole months
BUILT_FROM = "csperf.calls_version"
# materialised thresholds (whole seconds / hours); other values read the raw calls
SL_THRESHOLDS = (10, 15, 20, 30, 40, 60)  # answered within T s (wait_s <= T)
SHORT_ABANDONS = (3, 5, 10)  # abandons shorter than S s (wait_s < S)
REPEAT_WINDOWS = (24, 48, 72)  # the same customer calls again within H hours
RATING_LEVELS = (2, 3, 4, 5)  # rated at least R (top boxes)

DIMENSIONS = (
    ("_day", "DATE", pa.date32()),
    ("agent_id", "VARCHAR", pa.string()),
    ("queue", "VARCHAR", pa.string()),
    ("direction", "VARCHAR", pa.string()),
    ("outcome", "VARCHAR", pa.string()),
    ("customer_tier", "VARCHAR", pa.string()),
)
SUM = pa.decimal128(38, 3)


def wait_le(threshold: int) -> str:
    return f"n_wait_le_{threshold}"


def wait_lt(limit: int) -> str:
    return f"n_wait_lt_{limit}"


def repeat_in(hours: int) -> str:
    return f"n_repeat_{hours}h"


def rating_ge(level: int) -> str:
    return f"n_rating_ge_{level}"


def _measures() -> list[tuple[str, str]]:
    """(column, SQL over the calls of a group) of every measure but the repeat counts (those
    come from a window: :func:`_repeats_sql`)."""
    out = [
        ("n", "count(*)"),
        ("n_transferred", "count(*) FILTER (WHERE transferred)"),
        ("n_rated", "count(rating)"),
        ("rating_sum", "sum(rating)"),
        ("n_customer", "count(customer_id)"),
        ("wait_sum", "sum(wait_s)"),
        ("wrap_sum", "sum(wrap_s)"),
        ("handle_sum", "sum(talk_s + hold_s + wrap_s)"),
        ("talk_wrap_sum", "sum(talk_s + wrap_s)"),
    ]
    out += [(wait_le(t), f"count(*) FILTER (WHERE wait_s <= {t})") for t in SL_THRESHOLDS]
    out += [(wait_lt(s), f"count(*) FILTER (WHERE wait_s < {s})") for s in SHORT_ABANDONS]
    out += [(rating_ge(r), f"count(*) FILTER (WHERE rating >= {r})") for r in RATING_LEVELS]
    return out


def columns() -> list[tuple[str, str, pa.DataType]]:
    """(name, DuckDB type, Arrow type) of every rollup column."""
    cols = list(DIMENSIONS)
    for name in [n for n, _ in _measures()] + [repeat_in(h) for h in REPEAT_WINDOWS]:
        if name == "rating_sum":
            cols.append((name, "BIGINT", pa.int64()))
        elif name.endswith("_sum"):
            cols.append((name, "DECIMAL(38,3)", SUM))
        else:
            cols.append((name, "BIGINT", pa.int64()))
    return cols


def month_columns() -> list[tuple[str, str, pa.DataType]]:
    """The columns of the monthly rollup: the daily one's with the month's first day
    (``_first``) instead of ``_day``."""
    return [("_first", "DATE", pa.date32())] + [c for c in columns() if c[0] != "_day"]


def _schema(cols: list[tuple[str, str, pa.DataType]] | None = None) -> pa.Schema:
    return pa.schema([(n, a) for n, _, a in cols or columns()] + [(MONTH, pa.string())])


def _months_sql(daily: str) -> str:
    """The monthly rows of the daily rollup rows of relation ``daily``."""
    dims = ", ".join(q(n) for n, _, _ in DIMENSIONS if n != "_day")
    meas = ", ".join(
        f"CAST(sum({q(n)}) AS {t}) AS {q(n)}" for n, t, _ in columns()[len(DIMENSIONS) :]
    )
    first = "CAST(date_trunc('month', _day) AS DATE)"
    return (
        f"SELECT {first} AS _first, {dims}, {meas}, strftime(_day, '%Y-%m') AS {MONTH}"
        f" FROM ({daily}) d GROUP BY {first}, {dims}, strftime(_day, '%Y-%m')"
    )


def _rebuild_months(lake: Lake, con, months: list[str] | None, meta: dict[str, str]) -> None:
    """Rewrite the monthly rollup of ``months`` (None: all) from the daily rollup."""
    if months is None or not lake.exists(MONTHLY):
        daily, months = lake.view_sql(ROLLUP, columns()), None
    else:
        daily = lake.month_files_sql(ROLLUP, columns(), months)
        if daily is None:  # the months have no calls any more
            cols = ", ".join(f"CAST(NULL AS {t}) AS {q(n)}" for n, t, _ in columns())
            daily = f"SELECT {cols} WHERE false"
    sql = _months_sql(daily)
    lake.commit_rows(con, MONTHLY, sql, _schema(month_columns()), months, meta)


def _back_days() -> int:
    """Days before a touched day whose calls' repeat flags the touched day can change."""
    return math.ceil(max(REPEAT_WINDOWS) / 24)


def _rows_sql(calls: str, days: str | None, lo: str | None, hi: str | None) -> str:
    """The rollup rows of the calls of relation ``calls`` on the days of relation ``days``
    (column ``d``; None: every day); ``lo``/``hi`` bound the calls read (first day, day after
    the last) so that the repeat flags see the calls up to the longest window after ``hi``.

    Two aggregates joined by group: every measure but the repeat counts straight from the
    calls (no window), and the repeat counts from a narrow window over the calls that can
    repeat. Sorting only the columns the repeat counts need, not every measure's, is what
    makes the rollup of an import cheap (issue 15)."""
    bound = ""
    if lo is not None and hi is not None:
        bound = (
            f"offered_at >= CAST({lit(lo)} AS TIMESTAMP) AND offered_at <"
            f" CAST({lit(hi)} AS TIMESTAMP) + INTERVAL {max(REPEAT_WINDOWS)} HOUR"
        )
    pick = f"CAST(offered_at AS DATE) IN (SELECT d FROM {days})" if days else ""
    dims = [n for n, _, _ in DIMENSIONS]
    reps = [repeat_in(h) for h in REPEAT_WINDOWS]
    out = [f"a.{q(n)}" for n in dims]
    # no repeat in a group: no row of b, a count of 0
    out += [
        f"CAST(coalesce(b.{q(n)}, 0) AS BIGINT) AS {q(n)}" if n in reps else f"a.{q(n)}"
        for n, _, _ in columns()[len(DIMENSIONS) :]
    ]
    on = " AND ".join(f"a.{q(n)} IS NOT DISTINCT FROM b.{q(n)}" for n in dims)
    return (
        f"SELECT {', '.join(out)}, strftime(a._day, '%Y-%m') AS {MONTH}"
        f" FROM ({_plain_sql(calls, bound, pick)}) a"
        f" LEFT JOIN ({_repeats_sql(calls, bound, pick)}) b ON {on}"
    )


def _where(*conds: str) -> str:
    return " WHERE " + " AND ".join(c for c in conds if c) if any(conds) else ""


def _plain_sql(calls: str, bound: str, pick: str) -> str:
    """Per group of the picked calls, every measure but the repeat counts."""
    dims = ", ".join(q(n) for n, _, _ in DIMENSIONS)
    types = {n: t for n, t, _ in columns()}
    meas = ", ".join(f"CAST({sql} AS {types[n]}) AS {q(n)}" for n, sql in _measures())
    # ``bound`` holds every picked call; it lets the Parquet reader skip other row groups
    return (
        f"SELECT {dims}, {meas} FROM (SELECT *, CAST(offered_at AS DATE) AS _day"
        f" FROM ({calls}) c0{_where(bound, pick)}) c1 GROUP BY ALL"
    )


def _repeats_sql(calls: str, bound: str, pick: str) -> str:
    """Per group of the picked calls, the repeat counts (groups without a repeat left out).

    Only an inbound call with a customer can be a repeat: the window sorts those alone, with
    only the columns of their group, and a call is a repeat when its customer's next call (in
    (offered_at, call_id) order) comes within H hours."""
    cand = "direction = 'inbound' AND customer_id IS NOT NULL"
    gap = "EPOCH(_next) - EPOCH(offered_at)"
    dims = [n for n, _, _ in DIMENSIONS if n not in ("_day", "direction")]
    counts = ", ".join(
        f"count(*) FILTER (WHERE {gap} <= {h * 3600}) AS {q(repeat_in(h))}" for h in REPEAT_WINDOWS
    )
    window = (
        f"SELECT offered_at, {', '.join(q(n) for n in dims)}, lead(offered_at) OVER"
        f" (PARTITION BY customer_id ORDER BY offered_at, call_id) AS _next"
        f" FROM ({calls}) c0{_where(cand, bound)}"
    )
    within = f"_next IS NOT NULL AND {gap} <= {max(REPEAT_WINDOWS) * 3600}"
    return (
        f"SELECT CAST(offered_at AS DATE) AS _day, {', '.join(q(n) for n in dims)},"
        f" 'inbound' AS direction, {counts} FROM ({window}) w{_where(pick, within)}"
        f" GROUP BY CAST(offered_at AS DATE), {', '.join(q(n) for n in dims)}"
    )


def rebuild(lake: Lake, con, touched: str | None = None) -> None:
    """Rewrite the rollup rows of the days of relation ``touched`` (column ``d`` of DATE, in
    DuckDB connection ``con``) and the days before them within the repeat window; None: the
    whole rollup. Call it holding the writer lock, after the calls commit."""
    from csperf.ingest.lake import columns_of
    from csperf.ingest.schema import CALLS

    calls, version = lake.view(CALLS.name, columns_of(CALLS))
    meta = {BUILT_FROM: json.dumps(version)}
    if touched is None or not lake.exists(ROLLUP):
        _rebuild_all(lake, con, calls, meta)
        return
    back = _back_days()
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _rollup_days AS SELECT DISTINCT"
        f" CAST(t.d - CAST(r.k AS INTEGER) AS DATE) AS d FROM {touched} t, range(0, {back + 1}) r(k)"
    )
    lo, hi = con.execute("SELECT min(d), max(d) + 1 FROM _rollup_days").fetchone()
    if lo is None:
        return
    months = [
        r[0]
        for r in con.execute(
            "SELECT DISTINCT strftime(d, '%Y-%m') FROM _rollup_days ORDER BY 1"
        ).fetchall()
    ]
    # the window reads only the files of the months of the touched days and the repeat
    # window after them, not the whole history of calls
    near = _months_between(lo, hi + timedelta(days=back))
    calls = lake.month_files_sql(CALLS.name, columns_of(CALLS), near) or calls
    fresh = _rows_sql(calls, "_rollup_days", lo.isoformat(), hi.isoformat())
    # a month whose every day is rewritten keeps none of its old rows: they are not read
    partial = _partial_months(con, months)
    old = lake.month_files_sql(ROLLUP, columns(), partial) if partial else None
    sql = fresh
    if old:
        keep = f"SELECT o.*, strftime(o._day, '%Y-%m') AS {MONTH} FROM ({old}) o"
        keep += " WHERE o._day NOT IN (SELECT d FROM _rollup_days)"
        sql = f"{keep} UNION ALL SELECT * FROM ({fresh})"
    lake.commit_rows(con, ROLLUP, sql, _schema(), months, meta)
    con.execute("DROP TABLE _rollup_days")
    _rebuild_months(lake, con, months, meta)


def _partial_months(con, months: list[str]) -> list[str]:
    """The months of ``months`` with a day not in ``_rollup_days``."""
    have = dict(
        con.execute(
            "SELECT strftime(d, '%Y-%m'), count(DISTINCT d) FROM _rollup_days GROUP BY 1"
        ).fetchall()
    )
    out = []
    for m in months:
        first = date.fromisoformat(f"{m}-01")
        after = (first + timedelta(days=31)).replace(day=1)
        if have.get(m, 0) < (after - first).days:
            out.append(m)
    return out


def _months_between(first: date, last: date) -> list[str]:
    """The YYYY-MM labels of the months from ``first``'s to ``last``'s."""
    out, m = [], first.replace(day=1)
    while m <= last:
        out.append(m.strftime("%Y-%m"))
        m = (m + timedelta(days=31)).replace(day=1)
    return out


def _rebuild_all(lake: Lake, con, calls: str, meta: dict[str, str]) -> None:
    """The whole rollup, a month at a time (bounded memory: one month's window at once); only
    the last commit names the calls version, so a reader uses none of the months before."""
    months = [
        r[0]
        for r in con.execute(
            f"SELECT DISTINCT strftime(offered_at, '%Y-%m') FROM ({calls}) c"
            " WHERE offered_at IS NOT NULL ORDER BY 1"
        ).fetchall()
    ]
    if not months:
        lake.commit_rows(con, ROLLUP, _rows_sql(calls, None, None, None), _schema(), None, meta)
    for i, m in enumerate(months):
        first = date.fromisoformat(f"{m}-01")
        after = (first + timedelta(days=31)).replace(day=1)
        con.execute(
            "CREATE OR REPLACE TEMP TABLE _rollup_days AS SELECT CAST(d AS DATE) AS d FROM"
            f" range(DATE '{first}', DATE '{after}', INTERVAL 1 DAY) t(d)"
        )
        sql = _rows_sql(calls, "_rollup_days", first.isoformat(), after.isoformat())
        last = i == len(months) - 1
        # the first commit replaces the whole table, the others add their month
        lake.commit_rows(
            con, ROLLUP, sql, _schema(), None if i == 0 else [m], meta if last else None
        )
    con.execute("DROP TABLE IF EXISTS _rollup_days")
    _rebuild_months(lake, con, None, meta)


def scratch_connection():
    """A DuckDB connection for building rollups outside an import: bounded memory, spilling to
    a directory of this process's own (never the working directory)."""
    import os
    import tempfile

    import duckdb

    con = duckdb.connect()
    con.execute(f"SET memory_limit = {lit(os.environ.get('CSPERF_DUCKDB_MEMORY', '3GB'))}")
    spill = os.path.join(tempfile.gettempdir(), f"csperf-duckdb-{os.getpid()}")
    con.execute(f"SET temp_directory = {lit(spill)}")
    con.execute("SET preserve_insertion_order = false")
    return con


def built_from(lake: Lake, version: int | None, table: str = ROLLUP) -> int | None:
    """The calls version rollup ``table`` at ``version`` was built from (None: unknown)."""
    if version is None:
        return None
    info = lake.commit_info(table, version, skip_compaction=True)
    raw = info.get(BUILT_FROM) if info else None
    try:
        return json.loads(raw) if raw is not None else None
    except (TypeError, ValueError):
        raise LakeError(f"{lake.path(ROLLUP)}: commit {version} has a bad {BUILT_FROM}") from None
