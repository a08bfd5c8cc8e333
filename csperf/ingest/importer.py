"""Import record files: read, type, check, and store atomically.

How an import runs:

1. The header is matched to the record type's columns: exact names, the Chinese headers of
   :mod:`csperf.ingest.schema`, or ``--map SRC=DST`` (:mod:`csperf.ingest.header`). Unknown
   columns are ignored (and reported).
2. Fast pass. Cells are typed in SQL (DuckDB, :mod:`csperf.ingest.plan`) and inserted inside
   one transaction; the first bad cell aborts the statement. Duplicate keys within the file and
   unknown employee ids are checked on the inserted rows; then rows of earlier imports with the
   same keys are replaced (re-importing replaces, never duplicates) and the transaction commits
   (:mod:`csperf.ingest.target`).
3. Only when the fast pass fails, a second, detailed pass re-reads the file and lists every
   problem as ``file:row:column: message`` (the first 100, with the total; see
   :mod:`csperf.ingest.detailed`); nothing is stored.

With the embedded DuckDB store everything runs in its own transaction. With another Ibis backend
(PostgreSQL ...) the file is typed and checked in a local DuckDB first and the rows are then moved
in one transaction of that backend.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import duckdb
import pyarrow as pa

from csperf.ingest.detailed import detailed_problems
from csperf.ingest.header import resolve_header
from csperf.ingest.hooks import HOOKS, apply_hooks, parse_answers
from csperf.ingest.limits import Limits, from_env
from csperf.ingest.plan import BAD_ROW, NOT_CANONICAL, STRICT, Plan, lit, q
from csperf.ingest.problems import ImportFailed, ImportResult, Problem
from csperf.ingest.readers import ReadError, Source, open_table, too_many_rows
from csperf.ingest.schema import RECORD_TYPES, SQL_TYPES, RecordType
from csperf.ingest.store import Store, StoreError
from csperf.ingest.target import (
    Target,
    has_bad_refs,
    has_duplicates,
    next_import_id,
    replace_and_log,
    transfer,
)

PLANNING_TYPES = ("plans", "values", "calendar")


def import_file(
    kind: str,
    path: str | Path,
    *,
    store: Store,
    mapping: dict[str, str] | None = None,
    encoding: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    limits: Limits | None = None,
) -> ImportResult:
    """Import one CSV or spreadsheet file of record type `kind` into `store`.

    `limits` bound what one file may hold (default: the environment's,
    :func:`csperf.ingest.limits.from_env`; the web server passes its settings')."""
    if kind == "queue_log":
        from csperf.ingest.queue_log import import_queue_log

        return import_queue_log(path, store=store, agent_map=mapping, progress=progress)
    if kind not in RECORD_TYPES:
        raise ImportFailed(
            [
                Problem(
                    path="",
                    file=str(path),
                    row=None,
                    column=None,
                    message=f"unknown record type {kind!r}",
                )
            ]
        )
    rt = RECORD_TYPES[kind]
    fname = str(path)
    lim = limits or from_env()
    try:
        src = open_table(path, encoding=encoding, limits=lim)
    except ReadError as exc:
        raise ImportFailed(*_read_problems(fname, exc)) from None
    colmap, ignored = resolve_header(rt, src.header, mapping, fname)
    plan = Plan(rt, colmap, src.header, not_after=latest_date(rt, lim))
    try:
        res = run_import(
            plan,
            src,
            store=store,
            source_name=fname,
            progress=progress,
            ignored=ignored,
            reopen=lambda: open_table(path, encoding=encoding, limits=lim),
        )
    except ReadError as exc:
        raise ImportFailed(*_read_problems(fname, exc)) from None
    if res.rows == 0:
        res.warnings.append(f"{fname}: the file has a header but no rows; 0 rows imported")
    return res


def _read_problems(fname: str, exc: ReadError) -> tuple[list[Problem], int]:
    """The problems of a ReadError, each placed at its row and column where it has one."""
    if exc.problems:
        return [
            Problem(path="", file=fname, row=r, column=c, message=m) for r, c, m in exc.problems
        ], exc.total
    return [_read_problem(fname, str(exc))], 1


def _read_problem(fname: str, msg: str) -> Problem:
    """`path:line: message` from a ReadError as a Problem."""
    rest = msg[len(fname) :] if msg.startswith(fname) else ": " + msg
    if rest.startswith(":") and rest[1:].split(":", 1)[0].isdigit():
        line, text = rest[1:].split(":", 1)
        return Problem(path="", file=fname, row=int(line), column=None, message=text.strip())
    return Problem(path="", file=fname, row=None, column=None, message=rest.lstrip(": ").strip())


def latest_date(rt: RecordType, limits: Limits, today: dt.date | None = None) -> dt.date:
    """The last plausible date of a record: `limits.future_days` after today; planning records
    (plans, values, the calendar) may also run to the end of next year."""
    today = today or dt.date.today()
    last = today + dt.timedelta(days=limits.future_days)
    if rt.name in PLANNING_TYPES:
        last = max(last, dt.date(today.year + 1, 12, 31))
    return last


def run_import(
    plan: Plan,
    src: Source,
    *,
    store: Store,
    source_name: str,
    progress: Callable[[int, int], None] | None,
    ignored: list[str],
    reopen: Callable[[], Source],
) -> ImportResult:
    """The fast pass in one transaction of the store; the detailed pass when it fails."""
    t0 = time.perf_counter()
    rt = plan.rt
    target = Target(store, rt)
    con = target.con
    replaced = 0
    con.execute("BEGIN TRANSACTION")
    try:
        import_id = next_import_id(store, con, target.native)
        failed, rows, reason = _insert_rows(plan, src, target, import_id, source_name, progress)
        if not failed:
            failed = has_duplicates(con, target, import_id) or has_bad_refs(con, target, import_id)
        if failed:
            con.execute("ROLLBACK")
        else:
            replaced = replace_and_log(con, target, import_id, source_name, rows)
            con.execute("COMMIT")
            if not target.native:
                replaced = transfer(store, target, import_id, source_name, rows)
    except BaseException:
        with contextlib.suppress(duckdb.Error):
            con.execute("ROLLBACK")
        raise
    finally:
        target.close()
    if failed:
        problems, total = detailed_problems(
            plan, reopen(), store=store, source_name=source_name, reason=reason
        )
        raise ImportFailed(problems, total)
    return ImportResult(
        type=rt.name,
        source=source_name,
        rows=rows,
        replaced=replaced,
        import_id=import_id,
        ignored_columns=ignored,
        seconds=time.perf_counter() - t0,
    )


def _insert_sql(plan: Plan, target: Target, import_id: int, typed_sql: str) -> str:
    """INSERT of the typed rows of `_b` into the target; a bad row raises :data:`BAD_ROW`."""
    cols = ", ".join(q(n) for n in plan.stored_names())
    return (
        f"INSERT INTO {q(target.table)} ({cols}, _import) SELECT {cols}, {import_id} FROM"
        f" ({plan.final_select(typed_sql)}) WHERE CASE WHEN {plan.bad_condition()}"
        f" THEN error('{BAD_ROW} ' || _row) ELSE TRUE END"
    )


def _insert_rows(
    plan: Plan, src: Source, target: Target, import_id: int, source_name: str, progress
) -> tuple[bool, int, str]:
    """Type, check and insert every row: (failed, rows inserted, DuckDB's reason)."""
    con = target.con
    strict = plan.strict_select()
    if src.duckdb_csv and plan.rt.name not in HOOKS and strict is not None:
        # DuckDB reads, types and checks the whole file in one parallel statement; row numbers
        # are only needed when it fails, and then the detailed pass finds them. First with the
        # canonical typing; a file with other spellings (Chinese words, HH:MM:SS, 2026/03/02 …)
        # is read again with the flexible typing.
        failed, rows, reason = _insert_csv(
            con, _insert_sql(plan, target, import_id, strict), src, progress
        )
        if failed and reason == NOT_CANONICAL:
            _restart(con)
            flexible = _insert_sql(plan, target, import_id, plan.typed_select()[0])
            failed, rows, reason = _insert_csv(con, flexible, src, progress)
        if not (failed and reason):
            if not failed and rows > src.limits.rows:
                msg = too_many_rows(src.limits)
                raise ReadError(f"{source_name}: {msg}", [(None, None, msg)])
            return failed or bool(src.invalid_rows), rows, reason
        # DuckDB could not read it as a strict CSV (a row of another width, a line longer
        # than a field may be, a stray quote): the batch reader reads it again and names the
        # rows of such problems (or imports a file it can read).
        _restart(con)
    failed, rows = _insert_batches(plan, src, target, import_id, progress)
    return failed or bool(src.invalid_rows), rows, ""


def _restart(con) -> None:
    con.execute("ROLLBACK")
    con.execute("BEGIN TRANSACTION")


def _insert_batches(
    plan: Plan, src: Source, target: Target, import_id: int, progress
) -> tuple[bool, int]:
    """Insert batch by batch (any file, hooks applied): (failed, rows inserted)."""
    con = target.con
    insert = _insert_sql(plan, target, import_id, plan.typed_select()[0])
    rows = 0
    for batch in src.batches():
        tbl = apply_hooks(plan.rt, batch.table, plan.colmap)
        con.register("_b", tbl)
        try:
            con.execute(insert)
        except duckdb.Error as exc:
            if BAD_ROW in str(exc):
                return True, rows
            raise
        finally:
            con.unregister("_b")
        rows += tbl.num_rows
        if progress:
            progress(batch.bytes_read, src.total)
    return False, rows


def _insert_csv(con, insert: str, src: Source, progress) -> tuple[bool, int, str]:
    """INSERT … FROM read_csv(all text); returns (failed, rows, DuckDB's reason)."""
    path, delim = src.duckdb_csv
    ncols = len(src.header)
    cols = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(ncols)) + "}"
    reader = (
        f"(SELECT *, CAST(0 AS BIGINT) AS _row FROM read_csv({lit(path)}, columns = {cols},"
        f" header = true, auto_detect = false, delim = {lit(delim)}, quote = '\"', escape = '\"',"
        f" strict_mode = true, null_padding = false,"
        f" max_line_size = {src.limits.field_bytes}))"
    )
    sql = insert.replace(" FROM _b", f" FROM {reader}")
    done = threading.Event()

    def watch() -> None:  # DuckDB reports its own progress; relay it to the bar
        while not done.wait(0.5):
            try:
                pct = con.query_progress()
            except Exception:
                return
            if progress and pct and pct > 0:
                progress(int(src.total * min(pct, 100) / 100), src.total)

    t = threading.Thread(target=watch, daemon=True)
    t.start()
    try:
        res = con.execute(sql).fetchall()
    except duckdb.Error as exc:
        msg = str(exc)
        if STRICT in msg or "Conversion Error" in msg or "Could not convert" in msg:
            return True, 0, NOT_CANONICAL
        if BAD_ROW in msg or "CSV" in msg or "csv" in msg:
            return True, 0, "" if BAD_ROW in msg else msg.splitlines()[0]
        raise
    finally:
        done.set()
        t.join()
    if progress:
        progress(src.total, src.total)
    return False, (int(res[0][0]) if res else 0), ""


def write_typed(
    store: Store,
    rt: RecordType,
    batches: Iterable[pa.Table],
    *,
    source: str,
) -> ImportResult:
    """Store already-typed rows (demo data, converters) with the same replace semantics."""
    t0 = time.perf_counter()
    target = Target(store, rt)
    con = target.con
    names = [c.name for c in rt.stored_columns]
    cols = ", ".join(q(n) for n in names)
    rows = 0
    con.execute("BEGIN TRANSACTION")
    try:
        import_id = next_import_id(store, con, target.native)
        for tbl in batches:
            con.register("_t", tbl)
            sel = ", ".join(
                q(n) if n in tbl.column_names else f"CAST(NULL AS {SQL_TYPES[rt.column(n).kind]})"
                for n in names
            )
            con.execute(
                f"INSERT INTO {q(target.table)} ({cols}, _import) SELECT {sel}, {import_id} FROM _t"
            )
            con.unregister("_t")
            rows += tbl.num_rows
        replaced = replace_and_log(con, target, import_id, source, rows)
        con.execute("COMMIT")
        if not target.native:
            replaced = transfer(store, target, import_id, source, rows)
    except BaseException:
        with contextlib.suppress(duckdb.Error):
            con.execute("ROLLBACK")
        raise
    finally:
        target.close()
    return ImportResult(
        rt.name, source, rows, replaced, import_id, seconds=time.perf_counter() - t0
    )


def iter_batches(tbl: pa.Table, size: int = 500_000) -> Iterator[pa.Table]:
    for lo in range(0, tbl.num_rows, size):
        yield tbl.slice(lo, size)


__all__ = [
    "ImportFailed",
    "ImportResult",
    "Plan",
    "Problem",
    "StoreError",
    "import_file",
    "parse_answers",
    "resolve_header",
    "run_import",
    "write_typed",
]
