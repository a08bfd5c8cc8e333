"""Benchmark: the records lake as Delta Lake (deltalake) or Apache Iceberg (pyiceberg, SQL catalog
on SQLite), on the same work and the same replace-by-key procedure csperf runs:

- import:    a month of N calls into a table that already holds the month before
- reimport:  the same month again (every row replaces a stored one: the month is rewritten)
- query:     employee-level month figures (count, answered, wait and talk sums) by DuckDB over the
             table's current Parquet files

Both formats get their rows from the same DuckDB relation and are read by the same DuckDB query;
only the table format's write and file listing differ. Needs the `bench` extra
(`pip install -e '.[bench]'`). Rerun (figures in docs/architecture.md):

    python bench/lake_formats.py --rows 1000000 --dir /tmp/csperf-lake-bench
"""

from __future__ import annotations

import argparse
import json
import shutil
import time
from pathlib import Path

import duckdb
import pyarrow as pa

from csperf.ingest.lake import MONTH, Lake, columns_of, lit, month_sql, q
from csperf.ingest.schema import CALLS

QUERY = """
SELECT agent_id, count(*) AS offered, count(*) FILTER (WHERE outcome = 'answered') AS answered,
       sum(wait_s) AS wait_s, sum(talk_s) AS talk_s
FROM read_parquet({files}, union_by_name = true, hive_partitioning = false)
WHERE offered_at >= TIMESTAMP '{start}' AND offered_at < TIMESTAMP '{end}'
GROUP BY agent_id ORDER BY agent_id
"""


def month_rows(con: duckdb.DuckDBPyConnection, name: str, rows: int, month: int, imp: int) -> None:
    """Table `name`: `rows` calls of 2026-`month`, every stored column of the calls type."""
    secs = 28 * 86400
    gen = {
        "call_id": f"'C{month}-' || i",
        "direction": "'inbound'",
        "queue": "'Q' || (hash(i) % 5)",
        "agent_id": "'A' || lpad(CAST(hash(i * 7) % 1000 AS VARCHAR), 4, '0')",
        "offered_at": f"TIMESTAMP '2026-{month:02d}-01' + to_seconds(CAST(i * {secs} // {rows} AS BIGINT))",
        "wait_s": "CAST(hash(i) % 60 AS DECIMAL(14,3))",
        "talk_s": "CAST(60 + hash(i) % 300 AS DECIMAL(14,3))",
        "outcome": "CASE WHEN hash(i) % 100 < 6 THEN 'abandoned' ELSE 'answered' END",
        "_import": str(imp),
    }
    sel = ", ".join(f"CAST({gen.get(n, 'NULL')} AS {t}) AS {q(n)}" for n, t, _ in columns_of(CALLS))
    con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT {sel} FROM range({rows}) t(i)")


def query(con, files: list[str], month: int) -> tuple[float, int]:
    t0 = time.perf_counter()
    flist = "[" + ", ".join(lit(f) for f in files) + "]"
    n = len(
        con.execute(
            QUERY.format(files=flist, start=f"2026-{month:02d}-01", end=f"2026-{month + 1:02d}-01")
        ).fetchall()
    )
    return time.perf_counter() - t0, n


# ------------------------------------------------------------------------------ Delta


def delta_run(root: Path, con, rows: int) -> dict:
    from deltalake import DeltaTable

    lake = Lake(root / "delta")
    out = {}
    with lake.writer():
        month_rows(con, "m3", rows, 3, 1)
        lake.replace(con, CALLS, "m3")
        month_rows(con, "m4", rows, 4, 2)
        t0 = time.perf_counter()
        lake.replace(con, CALLS, "m4")
        out["import_s"] = time.perf_counter() - t0
        con.execute("UPDATE m4 SET wait_s = wait_s + 1, _import = 3")
        t0 = time.perf_counter()
        lake.replace(con, CALLS, "m4")
        out["reimport_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    files = DeltaTable(str(lake.path("calls"))).file_uris()
    list_s = time.perf_counter() - t0
    qs, n = query(con, files, 4)
    out["query_s"] = list_s + qs
    out["agents"] = n
    out["files"] = len(files)
    out["bytes"] = sum(p.stat().st_size for p in lake.path("calls").rglob("*.parquet"))
    return out


# ------------------------------------------------------------------------------ Iceberg


def iceberg_replace(table, con, new: str) -> None:
    """csperf's replace-by-key on an Iceberg table: the months the import touches are
    overwritten with their rows not replaced plus the import's rows (one snapshot)."""
    from pyiceberg.expressions import In

    month = month_sql(CALLS)
    keys = " AND ".join(f"o.{q(k)} = n.{q(k)}" for k in CALLS.key)
    names = ", ".join(q(n) for n, _, _ in columns_of(CALLS))
    files = _iceberg_files(table)
    touched = {r[0] for r in con.execute(f"SELECT DISTINCT {month} FROM {new}").fetchall()}
    if files:
        flist = "[" + ", ".join(lit(f) for f in files) + "]"
        cur = f"read_parquet({flist}, union_by_name = true, hive_partitioning = false)"
        touched |= {
            r[0]
            for r in con.execute(
                f"SELECT DISTINCT {month} FROM {cur} o SEMI JOIN {new} n ON {keys}"
            ).fetchall()
        }
        mfiles = _iceberg_files(table, sorted(touched))
        fresh = f"SELECT {names}, {month} AS {MONTH} FROM {new}"
        if mfiles:
            mlist = "[" + ", ".join(lit(f) for f in mfiles) + "]"
            old = f"read_parquet({mlist}, union_by_name = true, hive_partitioning = false)"
            fresh = (
                f"SELECT {names}, {month} AS {MONTH} FROM {old} o ANTI JOIN {new} n ON {keys}"
                f" UNION ALL {fresh}"
            )
    else:
        fresh = f"SELECT {names}, {month} AS {MONTH} FROM {new}"
    data = con.execute(fresh).to_arrow_table()
    table.overwrite(data, overwrite_filter=In(MONTH, sorted(touched)))


def _iceberg_files(table, months: list[str] | None = None) -> list[str]:
    from pyiceberg.expressions import AlwaysTrue, In

    flt = In(MONTH, months) if months else AlwaysTrue()
    return [
        t.file.file_path.removeprefix("file://") for t in table.scan(row_filter=flt).plan_files()
    ]


def iceberg_run(root: Path, con, rows: int) -> dict:
    from pyiceberg.catalog.sql import SqlCatalog
    from pyiceberg.partitioning import PartitionField, PartitionSpec
    from pyiceberg.transforms import IdentityTransform

    wh = root / "iceberg"
    wh.mkdir(parents=True)
    cat = SqlCatalog("csperf", uri=f"sqlite:///{wh}/catalog.db", warehouse=f"file://{wh}")
    cat.create_namespace("records")
    schema = pa.schema([(n, a) for n, _, a in columns_of(CALLS)] + [(MONTH, pa.string())])
    table = cat.create_table("records.calls", schema=schema)
    field = table.schema().find_field(MONTH)
    with table.update_spec() as spec:
        spec.add_field(MONTH, IdentityTransform(), MONTH)
    del PartitionField, PartitionSpec, field
    out = {}
    month_rows(con, "m3", rows, 3, 1)
    iceberg_replace(table, con, "m3")
    month_rows(con, "m4", rows, 4, 2)
    t0 = time.perf_counter()
    iceberg_replace(cat.load_table("records.calls"), con, "m4")
    out["import_s"] = time.perf_counter() - t0
    con.execute("UPDATE m4 SET wait_s = wait_s + 1, _import = 3")
    t0 = time.perf_counter()
    iceberg_replace(cat.load_table("records.calls"), con, "m4")
    out["reimport_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    files = _iceberg_files(cat.load_table("records.calls"))
    list_s = time.perf_counter() - t0
    qs, n = query(con, files, 4)
    out["query_s"] = list_s + qs
    out["agents"] = n
    out["files"] = len(files)
    out["bytes"] = sum(p.stat().st_size for p in wh.rglob("*.parquet"))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000, help="calls per month")
    ap.add_argument("--dir", type=Path, default=Path("/tmp/csperf-lake-bench"))
    args = ap.parse_args()
    res = {}
    for name, run in (("delta", delta_run), ("iceberg", iceberg_run)):
        root = args.dir / name
        shutil.rmtree(root, ignore_errors=True)
        root.mkdir(parents=True)
        con = duckdb.connect(config={"memory_limit": "3GB"})
        res[name] = {
            k: round(v, 3) if isinstance(v, float) else v
            for k, v in run(root, con, args.rows).items()
        }
        con.close()
    print(json.dumps({"rows_per_month": args.rows, **res}, indent=2))


if __name__ == "__main__":
    main()
