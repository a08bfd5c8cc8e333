"""The compiled-SQL cache of ``csperf indicators compute``: a repeated request without Ibis.

Indicators are Ibis expressions (the same definitions run on DuckDB, PostgreSQL and Spark), and
importing Ibis with its SQL compilers, pyarrow and numpy costs a `csperf indicators compute`
process more than its query. So the first run of a request on the embedded lake computes with
Ibis as always and, on the way, records what it ran: the DuckDB SQL of the roster, of the
queues' teams and of each aggregate query (as :func:`csperf.ingest.store.fetch` runs it), the
views of the lake's tables those read, and per indicator what combining needs (its ratio or
total, its parts' keys). Later runs of the same request load that plan and run the SQL on a
plain DuckDB connection; rows become sums and sums values through :mod:`csperf.metrics.combine`,
the functions the engine itself uses, so both give the same rows.

A plan is stored under ``<data dir>/cache/sql/<key>.json``; the key hashes the request (period,
level, indicators, parameters, exactly as given: nothing of them is put into SQL text here, the
SQL is Ibis's), the csperf, Ibis and DuckDB versions, the source of the indicator definitions,
the engine, the record schemas and the rollups, and the current version of every lake table (so
any import, rollup rebuild or schema change makes a new plan; literals such as the period's
bounds are part of the request, never substituted). Indicators whose combine is a function of
their own module, stores other than the lake and any failure fall back to the Ibis path.

This module imports neither Ibis, pyarrow, pandas nor the indicator definitions on the cached
path (tests/metrics/test_sqlcache.py checks it).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import csperf
from csperf.kernel.periods import parse_period
from csperf.metrics.combine import (
    Sums,
    attribute_queues,
    cached_job,
    compute_level,
    job_spec,
    merge_sums,
    result_rows,
    subjects_of,
)

FORMAT = 1  # of a plan file: a new one makes every older plan unused
KEEP = 200  # plans kept in the cache directory, the newest
CACHE_DIR = ("cache", "sql")  # under the data directory
LAKE_DIR = "lake"  # csperf.ingest.lake.LAKE_DIR (that module imports Ibis)
DEFAULT_DATA_DIR = "csperf-data"  # csperf.ingest.store.DEFAULT_DATA_DIR
_PACKAGE = Path(csperf.__file__).parent
# the code a plan depends on: the definitions, the engine, the schemas, the lake and rollups
SOURCES: tuple[str, ...] = ("metrics", "ingest/schema.py", "ingest/events.py")
SOURCES += ("ingest/event_kinds.yaml", "ingest/rollups.py", "ingest/store.py", "ingest/lake.py")
SOURCES += ("ingest/roster.py", "kernel")
LIBRARIES = ("ibis-framework", "duckdb", "sqlglot")


@dataclass(frozen=True)
class Request:
    """One `indicators compute` request, as given."""

    data: str | None
    period: str
    level: str
    indicators: list[str] | None
    params: list[str]
    start_day: int = 1


# ------------------------------------------------------------------------- the key


def data_dir(data: str | None) -> Path:
    """csperf.ingest.store.resolve_data_dir."""
    if data:
        return Path(data)
    env = os.environ.get("CSPERF_DATA", "").strip()
    return Path(env) if env else Path(DEFAULT_DATA_DIR)


def applies() -> bool:
    """The cache serves the embedded lake only (not $CSPERF_RECORDS_URL / $CSPERF_COMPUTE_URL)."""
    names = ("CSPERF_RECORDS_URL", "CSPERF_COMPUTE_URL", "CSPERF_NO_SQL_CACHE")
    return not any(os.environ.get(n, "").strip() for n in names)


def table_versions(lake: Path) -> dict[str, int]:
    """Every lake table's newest commit (csperf.ingest.lake.Lake.version: a listing)."""
    out = {}
    with contextlib.suppress(OSError), os.scandir(lake) as it:
        for entry in it:
            with contextlib.suppress(OSError), os.scandir(Path(entry.path) / "_delta_log") as log:
                v = [
                    int(e.name[:-5])
                    for e in log
                    if e.name.endswith(".json") and e.name[:-5].isdigit()
                ]
                if v:
                    out[entry.name] = max(v)
    return out


def code_hash() -> str:
    """A hash of the source the plans depend on, and of the libraries' versions."""
    h = hashlib.sha256(f"{FORMAT} {csperf.__version__}".encode())
    files: list[Path] = []
    for s in SOURCES:
        p = _PACKAGE / s
        files += sorted(p.rglob("*.py")) + sorted(p.rglob("*.yaml")) if p.is_dir() else [p]
    for f in files:
        h.update(f.relative_to(_PACKAGE).as_posix().encode())
        h.update(f.read_bytes())
    from importlib.metadata import PackageNotFoundError, version

    for lib in LIBRARIES:
        with contextlib.suppress(PackageNotFoundError):
            h.update(f"{lib}=={version(lib)}".encode())
    return h.hexdigest()


def key_of(req: Request, lake: Path) -> str:
    doc = {
        "request": asdict(req) | {"data": None},
        "tables": table_versions(lake),
        "code": code_hash(),
    }
    return hashlib.sha256(json.dumps(doc, sort_keys=True).encode()).hexdigest()


def plan_path(req: Request) -> Path:
    d = data_dir(req.data)
    return d.joinpath(*CACHE_DIR, key_of(req, d / LAKE_DIR) + ".json")


# ------------------------------------------------------------------------- recording


@dataclass
class Recording:
    """What one Ibis run of a request executed, in order (see :func:`note`)."""

    steps: list[dict[str, Any]]
    jobs: list[dict[str, Any]] | None = None
    complete: bool = True  # False: something the plan cannot hold (a combine of its own)


_recording: ContextVar[Recording | None] = ContextVar("csperf_sql_recording", default=None)


def note(kind: str, expr: Any, **info: Any) -> None:
    """Record query ``expr`` (an Ibis expression, run with ``fetch``) as a step of ``kind``
    ("roster", "queues", "sums") while a request is recorded; nothing otherwise."""
    rec = _recording.get()
    if rec is None:
        return
    from csperf.ingest.store import fetch_sql

    rec.steps.append({"kind": kind, "sql": fetch_sql(expr), **info})


def note_jobs(jobs: list[Any]) -> None:
    rec = _recording.get()
    if rec is None:
        return
    specs = [job_spec(j) for j in jobs]
    rec.complete = rec.complete and all(s is not None for s in specs)
    rec.jobs = [s for s in specs if s is not None]


@contextlib.contextmanager
def recording() -> Iterator[Recording]:
    rec = Recording(steps=[])
    token = _recording.set(rec)
    try:
        yield rec
    finally:
        _recording.reset(token)


def save(req: Request, rec: Recording, store: Any, label: str, codes: list[str]) -> None:
    """Store the plan of ``rec`` (run on ``store``'s DuckDB) for ``req``; quietly nothing when
    it is incomplete or the directory cannot be written (the next run compiles again)."""
    if not rec.complete or rec.jobs is None or store.kind != "lake" or not applies():
        return
    views = store.duckdb.execute(
        "SELECT sql FROM duckdb_views() WHERE NOT internal AND NOT temporary ORDER BY view_name"
    ).fetchall()
    plan = {"format": FORMAT, "views": [v[0] for v in views], "steps": rec.steps}
    plan |= {"jobs": rec.jobs, "label": label, "codes": codes}
    path = plan_path(req)
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(plan, f)
        os.chmod(tmp, 0o644)  # as a file the process writes plainly: others may read it
        os.replace(tmp, path)  # whole or not at all: readers never see half a plan
        _prune(path.parent)


def _prune(d: Path) -> None:
    """Keep the newest :data:`KEEP` plans (each import makes the older ones unused)."""
    found = sorted(d.glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in found[KEEP:]:
        with contextlib.suppress(OSError):
            old.unlink()


# ------------------------------------------------------------------------- replaying


def load(req: Request) -> dict[str, Any] | None:
    """The plan stored for ``req`` as the store and the code are now, or None."""
    if not applies():
        return None
    try:
        plan = json.loads(plan_path(req).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return plan if isinstance(plan, dict) and plan.get("format") == FORMAT else None


def _connect():
    """A DuckDB connection set as csperf.ingest.store._connect and Ibis set theirs."""
    import duckdb

    con = duckdb.connect()
    spill = Path(tempfile.gettempdir()) / f"csperf-duckdb-{os.getpid()}"
    mem = os.environ.get("CSPERF_DUCKDB_MEMORY", "3GB")
    con.execute("SET TimeZone = 'UTC'")
    con.execute("SET python_enable_replacements = false")
    # settings are not bound parameters in DuckDB (and binding a list imports pandas)
    con.execute(f"SET memory_limit = {_literal(mem)}")
    con.execute(f"SET temp_directory = {_literal(str(spill))}")
    con.execute("SET preserve_insertion_order = false")
    con.execute("SET enable_progress_bar = false")
    return con


def _literal(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def _rows(con, sql: str) -> list[dict[str, Any]]:
    cur = con.execute(sql)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def replay(plan: dict[str, Any], level: str, period: str, start_day: int) -> list[dict]:
    """The rows of Engine.compute, from ``plan``'s SQL (raises duckdb.Error when it fails)."""
    from csperf.ingest.roster import roster_of

    per = parse_period(period, start_day)
    con = _connect()
    try:
        for v in plan["views"]:
            con.execute(v)
        roster: dict = {}
        queues: dict = {}
        sums: Sums = {}
        for step in plan["steps"]:
            rows = _rows(con, step["sql"])
            if step["kind"] == "roster":
                roster = roster_of(rows)
            elif step["kind"] == "queues":
                queues = attribute_queues(rows, roster)
            else:
                merge_sums(sums, rows, step["keys"], queues, step.get("extra", ()))
    finally:
        con.close()
    jobs = [cached_job(j) for j in plan["jobs"]]
    subs = subjects_of(level, per.start, per.end, roster, sums)
    values = compute_level(jobs, sums, level, roster, subs)
    return result_rows(jobs, level, roster, subs, values)


def cached_compute(req: Request) -> tuple[list[dict], str, list[str]] | None:
    """(rows, period label, indicator codes) of ``req`` from its stored plan, or None (no plan,
    or it could not run: the caller computes with Ibis)."""
    plan = load(req)
    if plan is None:
        return None
    import duckdb

    try:
        rows = replay(plan, req.level, req.period, req.start_day)
    except (duckdb.Error, KeyError, TypeError, ValueError):
        return None  # a plan this csperf cannot use: compiled again
    return rows, plan["label"], plan["codes"]
