"""Benchmark: employee-level call indicators over one month of N call rows (default 30,000,000).

Ways to the same numbers over the same stored data, each in its own process so that its peak
memory (max RSS) is its own:

- cli:      the whole ``csperf indicators compute --period 2026-03 … --format json`` process
            (start-up, the roster, the rollup query, JSON out), timed from outside; a run before
            the timed ones compiles the request with Ibis and stores its SQL
            (csperf.metrics.sqlcache), so the timed runs replay it without Ibis
- cli-ibis: the same process with the SQL cache off (CSPERF_NO_SQL_CACHE=1): Ibis every time
- csperf:   csperf.metrics.Engine.compute(period, "employee", CALL_INDICATORS, params): a whole
            month of additive call indicators reads the rollup kept at import
- raw:      the same with ``Engine(store, use_rollups=False)``: the raw calls, one query
- sql:      one hand-written DuckDB query over the same calls (the lake's current Parquet files)
- polars:   a lazy Polars scan of the same Parquet files (when polars is installed)
- pandas:   the needed columns read into pandas (Arrow-backed), then groupby (``--pandas``)

The results of cli, csperf, raw and sql are compared value by value (they must be equal) before
timing is reported. Rerun (see docs/performance.md):

    python bench/metrics_calls.py --rows 30000000 --agents 10000 --dir /tmp/csperf-bench
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

CALL_INDICATORS = [
    "calls_offered",
    "calls_answered",
    "abandon_rate",
    "service_level",
    "asa",
    "aht",
    "transfer_rate",
    "first_contact_resolution",
    "csat_mean",
    "csat_top2",
]
PARAMS = [
    "first_contact_resolution.source=calls",
    "csat_mean.source=calls",
    "csat_top2.source=calls",
]
PERIOD = "2026-03"

HAND_SQL = """
WITH c AS (
  SELECT *,
    LEAD(offered_at) OVER (PARTITION BY customer_id, direction ORDER BY offered_at, call_id) AS next_at
  FROM calls
  WHERE offered_at >= TIMESTAMP '2026-03-01' AND offered_at < TIMESTAMP '2026-04-01' + INTERVAL 72 HOUR
), m AS (
  SELECT * FROM c WHERE offered_at < TIMESTAMP '2026-04-01'
)
SELECT agent_id,
  count(*) FILTER (WHERE direction = 'inbound') AS offered,
  count(*) FILTER (WHERE direction = 'inbound' AND outcome = 'answered') AS answered,
  count(*) FILTER (WHERE direction = 'inbound' AND outcome = 'abandoned') AS abandoned,
  count(*) FILTER (WHERE direction = 'inbound' AND outcome = 'answered' AND wait_s <= 20) AS within_20,
  sum(wait_s) FILTER (WHERE direction = 'inbound' AND outcome = 'answered') AS wait_sum,
  sum(talk_s + hold_s + wrap_s) FILTER (WHERE direction = 'inbound' AND outcome = 'answered') AS handle_sum,
  count(*) FILTER (WHERE direction = 'inbound' AND outcome = 'answered' AND transferred) AS transfers,
  count(*) FILTER (WHERE direction = 'inbound' AND outcome = 'answered' AND customer_id IS NOT NULL
                   AND NOT (next_at IS NOT NULL AND epoch(next_at) - epoch(offered_at) <= 72 * 3600)) AS fcr,
  count(*) FILTER (WHERE direction = 'inbound' AND outcome = 'answered' AND customer_id IS NOT NULL) AS fcr_den,
  sum(rating) FILTER (WHERE direction = 'inbound' AND outcome = 'answered' AND rating IS NOT NULL) AS rating_sum,
  count(*) FILTER (WHERE direction = 'inbound' AND outcome = 'answered' AND rating IS NOT NULL) AS rated,
  count(*) FILTER (WHERE direction = 'inbound' AND outcome = 'answered' AND rating >= 4) AS top2
FROM m GROUP BY agent_id
"""

# The strictest reference: the same month's sums per agent without the first-contact window
# (no repeat-call lookup, one pass, no sort): the least any hand-written query over the raw
# calls can cost. Timed only (it has no FCR column to compare).
PLAIN_SQL = """
SELECT agent_id,
  count(*) FILTER (WHERE direction = 'inbound') AS offered,
  count(*) FILTER (WHERE direction = 'inbound' AND outcome = 'answered') AS answered,
  count(*) FILTER (WHERE direction = 'inbound' AND outcome = 'abandoned') AS abandoned,
  count(*) FILTER (WHERE direction = 'inbound' AND outcome = 'answered' AND wait_s <= 20) AS within_20,
  sum(wait_s) FILTER (WHERE direction = 'inbound' AND outcome = 'answered') AS wait_sum,
  sum(talk_s + hold_s + wrap_s) FILTER (WHERE direction = 'inbound' AND outcome = 'answered') AS handle_sum,
  count(*) FILTER (WHERE direction = 'inbound' AND outcome = 'answered' AND transferred) AS transfers,
  sum(rating) FILTER (WHERE direction = 'inbound' AND outcome = 'answered' AND rating IS NOT NULL) AS rating_sum,
  count(*) FILTER (WHERE direction = 'inbound' AND outcome = 'answered' AND rating IS NOT NULL) AS rated,
  count(*) FILTER (WHERE direction = 'inbound' AND outcome = 'answered' AND rating >= 4) AS top2
FROM calls
WHERE offered_at >= TIMESTAMP '2026-03-01' AND offered_at < TIMESTAMP '2026-04-01'
GROUP BY agent_id
"""


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def generate(data_dir: Path, rows: int, agents: int) -> None:
    """Write `rows` calls of March 2026 and a roster of `agents` straight into a csperf store
    (the records lake: generated in DuckDB, committed as the importer commits)."""
    import duckdb

    from csperf.ingest.lake import LAKE_DIR, Lake, columns_of
    from csperf.ingest.schema import CALLS, EMPLOYEES
    from csperf.ingest.store import open_store

    store = open_store(data_dir)
    if store.count("calls") == rows:
        store.close()
        return
    store.close()
    t0 = time.perf_counter()
    con = duckdb.connect(config={"memory_limit": os.environ.get("CSPERF_DUCKDB_MEMORY", "3GB")})
    # spill to a directory of this process's own, not ./.tmp (shared by every process there)
    con.execute(f"SET temp_directory = '{data_dir.parent / f'spill-{os.getpid()}'}'")
    for rt in (EMPLOYEES, CALLS):
        cols = ", ".join(f'"{n}" {t}' for n, t, _ in columns_of(rt))
        con.execute(f"CREATE TABLE {rt.name} ({cols})")
    con.execute(f"""
        INSERT INTO employees (id, name, team, department, position, supervisor, hired_at,
          left_at, _import)
        SELECT 'A' || lpad(CAST(i AS VARCHAR), 5, '0'), 'agent ' || i,
          'T' || (i // 15), 'D' || (i % 3), '话务员', NULL, DATE '2024-01-01', NULL, 1
        FROM range({agents}) t(i)""")
    secs = 31 * 86400
    con.execute(f"""
        INSERT INTO calls (call_id, direction, queue, agent_id, customer_id, customer_tier,
          offered_at, answered_at, ended_at, wait_s, talk_s, hold_s, wrap_s, outcome, transferred,
          rating, ring_no_answer, _import)
        WITH r AS (
          SELECT i, hash(i) AS h, hash(i * 31 + 7) AS h2 FROM range({rows}) t(i)
        ), f AS (
          SELECT i, h, h2,
            CASE WHEN h % 1000 < 60 THEN 'abandoned' WHEN h % 1000 < 63 THEN 'blocked'
                 ELSE 'answered' END AS outcome,
            CAST(h2 % 60 AS DECIMAL(14,3)) + CAST(h % 1000 AS DECIMAL(14,3)) / 1000 AS wait
          FROM r
        )
        SELECT 'C' || i, CASE WHEN h2 % 50 = 0 THEN 'outbound' ELSE 'inbound' END,
          'Q' || (h % 5),
          CASE WHEN outcome = 'answered' OR h2 % 50 = 0 THEN 'A' || lpad(CAST(h2 % {agents} AS VARCHAR), 5, '0') END,
          'K' || CAST(hash(i // 3) % {max(rows // 4, 1)} AS VARCHAR),
          CASE WHEN h % 10 = 0 THEN 'vip' ELSE 'normal' END,
          TIMESTAMP '2026-03-01' + to_seconds(CAST(i * {secs} // {rows} AS BIGINT)),
          CASE WHEN outcome = 'answered' THEN TIMESTAMP '2026-03-01' + to_seconds(CAST(i * {secs} // {rows} AS BIGINT) + CAST(wait AS BIGINT)) END,
          TIMESTAMP '2026-03-01' + to_seconds(CAST(i * {secs} // {rows} AS BIGINT) + 200),
          wait,
          CASE WHEN outcome = 'answered' THEN CAST(60 + h % 300 AS DECIMAL(14,3)) ELSE 0 END,
          CASE WHEN outcome = 'answered' AND h % 7 = 0 THEN CAST(20 AS DECIMAL(14,3)) ELSE 0 END,
          CASE WHEN outcome = 'answered' THEN CAST(5 + h2 % 25 AS DECIMAL(14,3)) ELSE 0 END,
          CASE WHEN h2 % 50 = 0 THEN (CASE WHEN h % 3 = 0 THEN 'no_answer' ELSE 'connected' END) ELSE outcome END,
          outcome = 'answered' AND h % 17 = 0,
          CASE WHEN outcome = 'answered' AND h2 % 5 < 2 THEN CAST(1 + (h % 5) AS BIGINT) END,
          0, 1
        FROM f""")
    lake = Lake(data_dir / LAKE_DIR)
    with lake.writer():
        for rt in (EMPLOYEES, CALLS):
            lake.clear(rt.name, rt)
            lake.replace(con, rt, rt.name)
    con.close()
    print(
        f"generated {rows} calls, {agents} agents in {time.perf_counter() - t0:.1f}s",
        file=sys.stderr,
    )


def lake_calls(con, data_dir: Path) -> None:
    """View `calls` over the current Parquet files of the lake's calls table."""
    from deltalake import DeltaTable

    files = DeltaTable(str(data_dir / "lake" / "calls")).file_uris()
    con.execute(f"CREATE VIEW calls AS SELECT * FROM read_parquet({files})")


def run_csperf(data_dir: Path, *, use_rollups: bool = True) -> dict:
    from csperf.metrics import Engine

    eng = Engine.open(data_dir)
    eng.use_rollups = use_rollups
    t0 = time.perf_counter()
    rows = eng.compute(PERIOD, "employee", CALL_INDICATORS, PARAMS)
    dt = time.perf_counter() - t0
    eng.close()
    return {"seconds": dt, "peak_mib": peak_mib(), "rows": len(rows), "result": _norm(rows)}


def run_raw(data_dir: Path) -> dict:
    return run_csperf(data_dir, use_rollups=False)


def run_cli(data_dir: Path, *, cache: bool = True) -> dict:
    """The whole CLI process, from exec to its JSON on stdout (run from the parent)."""
    cmd = [str(Path(sys.executable).with_name("csperf")), "indicators", "compute"]
    cmd += ["--period", PERIOD, "--level", "employee", "--format", "json", "--data", str(data_dir)]
    cmd += ["--indicators", ",".join(CALL_INDICATORS)]
    for p in PARAMS:
        cmd += ["--param", p]
    env = dict(os.environ, CSPERF_NO_SQL_CACHE="" if cache else "1")
    t0 = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True, check=True, env=env)
    dt = time.perf_counter() - t0
    rows = json.loads(p.stdout)["rows"]
    return {"seconds": dt, "peak_mib": float("nan"), "rows": len(rows), "result": _norm(rows)}


def run_polars(data_dir: Path) -> dict:
    """A lazy Polars scan of the raw Parquet files: the same sums per agent."""
    import polars as pl
    from deltalake import DeltaTable

    files = DeltaTable(str(data_dir / "lake" / "calls")).file_uris()
    t0 = time.perf_counter()
    lo, hi = dt_(2026, 3, 1), dt_(2026, 4, 1)
    c = pl.scan_parquet(files).filter(
        (pl.col("offered_at") >= lo) & (pl.col("offered_at") < hi + timedelta(hours=72))
    )
    c = c.sort("offered_at", "call_id").with_columns(
        pl.col("offered_at").shift(-1).over("customer_id", "direction").alias("next_at")
    )
    c = c.filter(pl.col("offered_at") < hi)
    inb = pl.col("direction") == "inbound"
    ans = inb & (pl.col("outcome") == "answered")
    rep = pl.col("next_at").is_not_null() & (
        (pl.col("next_at") - pl.col("offered_at")).dt.total_seconds() <= 72 * 3600
    )
    cust = pl.col("customer_id").is_not_null()
    out = (
        c.group_by("agent_id")
        .agg(
            inb.sum().alias("offered"),
            ans.sum().alias("answered"),
            (inb & (pl.col("outcome") == "abandoned")).sum().alias("abandoned"),
            (ans & (pl.col("wait_s") <= 20)).sum().alias("within_20"),
            pl.col("wait_s").filter(ans).sum().alias("wait_sum"),
            (pl.col("talk_s") + pl.col("hold_s") + pl.col("wrap_s")).filter(ans).sum(),
            (ans & pl.col("transferred")).sum().alias("transfers"),
            (ans & cust & ~rep).sum().alias("fcr"),
            (ans & cust).sum().alias("fcr_den"),
            pl.col("rating").filter(ans).sum().alias("rating_sum"),
            (ans & pl.col("rating").is_not_null()).sum().alias("rated"),
            (ans & (pl.col("rating") >= 4)).sum().alias("top2"),
        )
        .collect()
    )
    dt = time.perf_counter() - t0
    return {"seconds": dt, "peak_mib": peak_mib(), "rows": out.height}


def dt_(y: int, m: int, d: int):
    from datetime import datetime

    return datetime(y, m, d)


def _hand_query(data_dir: Path, sql: str) -> tuple[float, list[tuple], list[str]]:
    """A hand-written query over the raw Parquet files: seconds, rows, column names."""
    import duckdb

    con = duckdb.connect()
    lake_calls(con, data_dir)
    con.execute(f"SET memory_limit = '{os.environ.get('CSPERF_DUCKDB_MEMORY', '3GB')}'")
    t0 = time.perf_counter()
    res = con.execute(sql).fetchall()
    dt = time.perf_counter() - t0
    cols = [d[0] for d in con.description]
    con.close()
    return dt, res, cols


def run_sql(data_dir: Path) -> dict:
    dt, res, cols = _hand_query(data_dir, HAND_SQL)
    out = {}
    for r in res:
        d = dict(zip(cols, r, strict=True))
        if d["agent_id"] is None or not d["offered"]:
            continue
        out[d["agent_id"]] = _derive(d)
    return {"seconds": dt, "peak_mib": peak_mib(), "rows": len(out), "result": out}


def run_sql_plain(data_dir: Path) -> dict:
    dt, res, _ = _hand_query(data_dir, PLAIN_SQL)
    return {"seconds": dt, "peak_mib": peak_mib(), "rows": len(res)}


def run_pandas(data_dir: Path) -> dict:
    import duckdb
    import numpy as np

    con = duckdb.connect()
    lake_calls(con, data_dir)
    t0 = time.perf_counter()
    df = con.execute(
        "SELECT call_id, agent_id, customer_id, direction, outcome, offered_at, CAST(wait_s AS DOUBLE) AS wait_s, "
        "CAST(talk_s + hold_s + wrap_s AS DOUBLE) AS handle, transferred, rating FROM calls "
        "WHERE offered_at >= TIMESTAMP '2026-03-01' AND offered_at < TIMESTAMP '2026-04-01' + INTERVAL 72 HOUR"
    ).df()
    con.close()
    load = time.perf_counter() - t0
    df = df.sort_values(["customer_id", "direction", "offered_at", "call_id"], kind="stable")
    same = (df["customer_id"].values[1:] == df["customer_id"].values[:-1]) & (
        df["direction"].values[1:] == df["direction"].values[:-1]
    )
    nxt = np.append(
        np.where(same, df["offered_at"].values[1:], np.datetime64("NaT")), np.datetime64("NaT")
    )
    gap = (nxt - df["offered_at"].values) / np.timedelta64(1, "s")
    repeat = ~np.isnan(gap) & (gap <= 72 * 3600)
    df = df.assign(repeat=repeat)
    df = df[df["offered_at"] < np.datetime64("2026-04-01")]
    inb = df[df["direction"] == "inbound"]
    ans = inb[inb["outcome"] == "answered"]
    g = inb.groupby("agent_id", dropna=True)
    ga = ans.groupby("agent_id", dropna=True)
    res = {
        "offered": g.size(),
        "answered": ga.size(),
        "abandoned": inb[inb["outcome"] == "abandoned"].groupby("agent_id").size(),
        "within_20": ans[ans["wait_s"] <= 20].groupby("agent_id").size(),
        "wait_sum": ga["wait_s"].sum(),
        "handle_sum": ga["handle"].sum(),
        "transfers": ans[ans["transferred"]].groupby("agent_id").size(),
        "fcr": ans[ans["customer_id"].notna() & ~ans["repeat"]].groupby("agent_id").size(),
        "fcr_den": ans[ans["customer_id"].notna()].groupby("agent_id").size(),
        "rating_sum": ga["rating"].sum(),
        "rated": ans[ans["rating"].notna()].groupby("agent_id").size(),
        "top2": ans[ans["rating"] >= 4].groupby("agent_id").size(),
    }
    import pandas as pd

    table = pd.DataFrame(res).fillna(0)
    dt = time.perf_counter() - t0
    return {"seconds": dt, "load_seconds": load, "peak_mib": peak_mib(), "rows": len(table)}


def _derive(d: dict) -> dict:
    from decimal import Decimal

    def r(a, b):
        return None if not b else Decimal(a or 0) / Decimal(b)

    return {
        "calls_offered": d["offered"],
        "calls_answered": d["answered"],
        "abandon_rate": r(d["abandoned"], d["offered"]),
        "service_level": r(d["within_20"], d["offered"]),
        "asa": r(d["wait_sum"], d["answered"]),
        "aht": r(d["handle_sum"], d["answered"]),
        "transfer_rate": r(d["transfers"], d["answered"]),
        "first_contact_resolution": r(d["fcr"], d["fcr_den"]),
        "csat_mean": r(d["rating_sum"], d["rated"]),
        "csat_top2": r(d["top2"], d["rated"]),
    }


def _norm(rows: list[dict]) -> dict:
    return {r["subject"]: {k: r[k] for k in CALL_INDICATORS} for r in rows if r["calls_offered"]}


def child(variant: str, data_dir: Path) -> None:
    fn = {
        "cli": run_cli,
        "csperf": run_csperf,
        "raw": run_raw,
        "sql": run_sql,
        "sql-plain": run_sql_plain,
        "polars": run_polars,
        "pandas": run_pandas,
    }[variant]
    out = fn(data_dir)
    if "result" in out:
        out["result"] = {
            k: {c: (str(v) if v is not None else None) for c, v in vals.items()}
            for k, vals in out["result"].items()
        }
    print(json.dumps(out))


def _variants(args) -> list[str]:
    out = ["cli", "cli-ibis", "csperf", "raw", "sql", "sql-plain"]
    try:
        import polars  # noqa: F401

        out.append("polars")
    except ImportError:
        print("polars is not installed: no polars figure", file=sys.stderr)
    return out + (["pandas"] if args.pandas else [])


def _child_run(v: str, args) -> dict:
    cmd = [sys.executable, __file__, "--child", v, "--dir", args.dir, "--rows", str(args.rows)]
    p = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return json.loads(p.stdout.strip().splitlines()[-1])


def _check(results: dict[str, list[dict]]) -> None:
    """Every variant with a result gives the hand-written SQL's values."""
    b = results["sql"][0]["result"]
    for v in ("cli", "cli-ibis", "csperf", "raw"):
        a = results[v][0]["result"]
        assert a.keys() == b.keys(), f"{v}: different agents"
        for k in a:
            for c in CALL_INDICATORS:
                x, y = a[k][c], b[k][c]
                assert (x is None and y is None) or abs(float(x) - float(y)) < 1e-9, (v, k, c)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=30_000_000)
    ap.add_argument("--agents", type=int, default=10_000)
    ap.add_argument("--dir", default="/tmp/csperf-bench")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--pandas", action="store_true", help="also pandas (slow, 15 GiB at 30 M)")
    ap.add_argument("--child")
    args = ap.parse_args()
    data_dir = Path(args.dir) / f"metrics-{args.rows}"
    if args.child:
        child(args.child, data_dir)
        return
    generate(data_dir, args.rows, args.agents)
    if args.repeat < 1:  # --repeat 0: only write the data
        return
    results: dict[str, list[dict]] = {}
    variants = _variants(args)
    shutil.rmtree(data_dir / "cache", ignore_errors=True)  # the first run below compiles
    first = run_cli(data_dir)["seconds"]
    print(f"cli first run (compiles with Ibis, stores the SQL): {first:.2f}s", file=sys.stderr)
    for _ in range(args.repeat):  # interleaved: a busy moment of the machine hits every one
        for v in variants:
            if v == "pandas" and results.get("pandas"):
                continue  # once is enough: it is far slower
            if v in ("cli", "cli-ibis"):
                r = run_cli(data_dir, cache=v == "cli")
                r["result"] = {
                    k: {c: (str(x) if x is not None else None) for c, x in vals.items()}
                    for k, vals in r["result"].items()
                }
            else:
                r = _child_run(v, args)
            results.setdefault(v, []).append(r)
    _check(results)
    print(f"rows={args.rows} agents={args.agents} (cli, csperf, raw and hand-written SQL agree)")
    # the figures move with the machine's load: a busy machine slows the start-up most
    print("load average (1, 5, 15 min): " + ", ".join(f"{x:.2f}" for x in os.getloadavg()))
    best = {}
    for v, runs in results.items():
        secs = sorted(r["seconds"] for r in runs)
        best[v] = secs[0]
        peak = max(r["peak_mib"] for r in runs)
        extra = f" (of which load {runs[0]['load_seconds']:.1f}s)" if v == "pandas" else ""
        print(
            f"{v:8s} best {secs[0]:.2f}s  median {secs[len(secs) // 2]:.2f}s{extra}"
            f"  peak RSS {peak:.0f} MiB"
        )
    print(f"cli process / hand-written SQL = {best['cli'] / best['sql']:.2f}x (target <= 0.7)")
    print(
        f"cli process without the SQL cache / hand-written SQL = {best['cli-ibis'] / best['sql']:.2f}x"
    )
    print(
        f"cli process / hand-written SQL without the FCR window = "
        f"{best['cli'] / best['sql-plain']:.2f}x (the strictest reading of the target)"
    )
    print(f"csperf (rollup) / hand-written SQL = {best['csperf'] / best['sql']:.2f}x")
    print(f"csperf raw path / hand-written SQL = {best['raw'] / best['sql']:.2f}x")
    if "polars" in best:
        print(f"polars / csperf (rollup) = {best['polars'] / best['csperf']:.1f}x (target >= 5)")


if __name__ == "__main__":
    main()
