"""Benchmark: `csperf import calls` of an N-row CSV (default 30,000,000), 10,000 agents.

Writes the CSV once (DuckDB COPY of generated rows, every column of the calls record type as
a CDR export would carry them), imports the roster, then times the import of the CSV into a fresh
store in a child process and reports rows/s and the child's peak memory (max RSS). Beside it, in
its own child process and the same run, the reference: DuckDB's own copy of the same CSV to one
Parquet file (types sniffed, no checks, zstd as the lake writes). The machine is shared, so the
ratio of the two is the figure to compare between runs. Rerun (see docs/performance.md):

    python bench/import_calls.py --rows 30000000 --agents 10000 --dir /tmp/csperf-bench
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from metrics_calls import generate

COLUMNS = [
    "call_id",
    "direction",
    "queue",
    "agent_id",
    "customer_id",
    "customer_tier",
    "offered_at",
    "answered_at",
    "ended_at",
    "wait_s",
    "talk_s",
    "hold_s",
    "wrap_s",
    "outcome",
    "transferred",
    "rating",
]


def make_csv(root: Path, rows: int, agents: int) -> tuple[Path, Path]:
    import duckdb
    from deltalake import DeltaTable

    src = root / f"metrics-{rows}"
    csv_path = root / f"calls-{rows}.csv"
    emp_path = root / f"employees-{agents}.csv"
    if csv_path.exists() and emp_path.exists():
        return csv_path, emp_path
    generate(src, rows, agents)
    from metrics_calls import lake_calls

    con = duckdb.connect()
    lake_calls(con, src)
    emp = f"read_parquet({DeltaTable(str(src / 'lake' / 'employees')).file_uris()})"
    t0 = time.perf_counter()
    con.execute(
        f"COPY (SELECT {', '.join(COLUMNS)} FROM calls) TO '{csv_path}' (HEADER, DELIMITER ',')"
    )
    con.execute(
        f"COPY (SELECT id, name, team, department, position FROM {emp}) TO '{emp_path}' (HEADER)"
    )
    con.close()
    print(
        f"wrote {csv_path} ({csv_path.stat().st_size / 2**30:.2f} GiB) in {time.perf_counter() - t0:.1f}s",
        file=sys.stderr,
    )
    return csv_path, emp_path


def reference(out_dir: Path, csv_path: Path) -> None:
    """DuckDB's own CSV -> Parquet copy of the file, under the store's memory limit."""
    import duckdb

    out_dir.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(config={"memory_limit": "3GB", "preserve_insertion_order": False})
    t0, c0 = time.perf_counter(), _cpu()
    con.execute(
        f"COPY (SELECT * FROM read_csv('{csv_path}')) TO '{out_dir / 'copy.parquet'}'"
        " (FORMAT parquet, COMPRESSION zstd)"
    )
    dt, cpu = time.perf_counter() - t0, _cpu() - c0
    rows = con.execute(f"SELECT count(*) FROM '{out_dir / 'copy.parquet'}'").fetchone()[0]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"rows": rows, "seconds": dt, "cpu": cpu, "peak_mib": peak}))


def child(data_dir: Path, csv_path: Path, emp_path: Path, reimport: bool = False) -> None:
    from csperf.ingest.importer import import_file
    from csperf.ingest.limits import Limits
    from csperf.ingest.store import open_store

    store = open_store(data_dir)
    import_file("employees", emp_path, store=store)
    spent = _time_rollups()
    # the default row limit (5 M, CSPERF_IMPORT_MAX_ROWS) is lifted for the benchmark's file
    limits = Limits(rows=max(Limits().rows, 100_000_000))
    t0, c0 = time.perf_counter(), _cpu()
    res = import_file("calls", csv_path, store=store, limits=limits)
    dt = time.perf_counter() - t0
    out = {"rows": res.rows, "seconds": dt, "cpu": _cpu() - c0}
    out["rollup_seconds"], out["rollup_cpu"] = spent()
    if reimport:  # the same file again: every row replaces a stored one
        t0 = time.perf_counter()
        again = import_file("calls", csv_path, store=store, limits=limits)
        out.update(reimport_seconds=time.perf_counter() - t0, replaced=again.replaced)
        out["reimport_rollup_seconds"] = spent()[0]
    out["stored"] = store.count("calls")
    store.close()
    out["peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(out))


def _cpu() -> float:
    """CPU seconds (user + system) of this process: less disturbed by other processes on a
    shared machine than wall time."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _time_rollups():
    """Time the rollup rebuilds of the imports (part of their commit); returns a function
    giving the (wall, CPU) seconds they took since its last call."""
    from csperf.ingest import rollups

    spent = [0.0, 0.0]
    rebuild = rollups.rebuild

    def timed(*args, **kwargs):
        t0, c0 = time.perf_counter(), _cpu()
        try:
            return rebuild(*args, **kwargs)
        finally:
            spent[0] += time.perf_counter() - t0
            spent[1] += _cpu() - c0

    def take() -> tuple[float, float]:
        v = (spent[0], spent[1])
        spent[:] = [0.0, 0.0]
        return v

    rollups.rebuild = timed
    return take


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=30_000_000)
    ap.add_argument("--agents", type=int, default=10_000)
    ap.add_argument("--dir", default="/tmp/csperf-bench")
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--reimport", action="store_true", help="also time importing the file again")
    ap.add_argument("--child", nargs=4)
    ap.add_argument("--reference", nargs=2)
    args = ap.parse_args()
    if args.child:
        child(*(Path(p) for p in args.child[:3]), reimport=args.child[3] == "1")
        return
    if args.reference:
        reference(*(Path(p) for p in args.reference))
        return
    root = Path(args.dir)
    root.mkdir(parents=True, exist_ok=True)
    csv_path, emp_path = make_csv(root, args.rows, args.agents)
    for _ in range(args.repeat):
        data_dir = root / f"import-{args.rows}"
        ref_dir = root / f"reference-{args.rows}"
        shutil.rmtree(ref_dir, ignore_errors=True)
        ref = _run_child(["--reference", str(ref_dir), str(csv_path)])
        shutil.rmtree(ref_dir, ignore_errors=True)
        print(
            f"reference: DuckDB copied the CSV to Parquet in {ref['seconds']:.1f}s = "
            f"{ref['rows'] / ref['seconds']:,.0f} rows/s, peak RSS {ref['peak_mib']:.0f} MiB"
        )
        shutil.rmtree(data_dir, ignore_errors=True)
        r = _run_child(
            [
                "--child",
                str(data_dir),
                str(csv_path),
                str(emp_path),
                "1" if args.reimport else "0",
            ]
        )
        assert r["stored"] == args.rows, r
        print(
            f"imported {r['rows']} rows in {r['seconds']:.1f}s = {r['rows'] / r['seconds']:,.0f} rows/s, "
            f"peak RSS {r['peak_mib']:.0f} MiB ({csv_path.stat().st_size / 2**30:.2f} GiB CSV); "
            f"{ref['seconds'] / r['seconds']:.0%} of the reference's speed"
        )
        bare, bare_cpu = r["seconds"] - r["rollup_seconds"], r["cpu"] - r["rollup_cpu"]
        print(
            f"  of which the rollups {r['rollup_seconds']:.1f}s; without them {bare:.1f}s ="
            f" {r['rows'] / bare:,.0f} rows/s = {ref['seconds'] / bare:.0%} of the reference's"
            f" speed. CPU seconds: reference {ref['cpu']:.1f}, import {r['cpu']:.1f}"
            f" ({ref['cpu'] / r['cpu']:.0%}), without the rollups {bare_cpu:.1f}"
            f" ({ref['cpu'] / bare_cpu:.0%})"
        )
        if "reimport_seconds" in r:
            print(
                f"re-imported it (replacing {r['replaced']} rows) in {r['reimport_seconds']:.1f}s = "
                f"{r['rows'] / r['reimport_seconds']:,.0f} rows/s"
                f" (the rollups {r['reimport_rollup_seconds']:.1f}s of it)"
            )
        shutil.rmtree(data_dir, ignore_errors=True)


def _run_child(argv: list[str]) -> dict:
    p = subprocess.run(
        [sys.executable, __file__, *argv], capture_output=True, text=True, check=False
    )
    if p.returncode != 0:
        raise SystemExit(f"{' '.join(argv[:2])}: failed\n{p.stderr[-4000:]}")
    return json.loads(p.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    main()
