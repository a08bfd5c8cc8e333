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

Into the records lake a CSV that DuckDB reads goes in one pass (:func:`_one_pass`): typed,
checked and written once as the table's Parquet file, its keys and roster references checked on
that file, then committed (or the file removed).

With the embedded DuckDB store everything runs in its own transaction. With another Ibis backend
(PostgreSQL ...) the file is typed and checked in a local DuckDB first and the rows are then moved
in one transaction of that backend.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import duckdb
import pyarrow as pa

from csperf.ingest.detailed import detailed_problems
from csperf.ingest.header import resolve_header
from csperf.ingest.hooks import HOOKS, apply_hooks, parse_answers
from csperf.ingest.lake import month_sql
from csperf.ingest.limits import Limits, from_env
from csperf.ingest.plan import BAD_ROW, NOT_CANONICAL, STRICT, Plan, lit, q, strict_sql
from csperf.ingest.problems import ImportFailed, ImportResult, Problem
from csperf.ingest.readers import ReadError, Source, open_table, too_many_rows
from csperf.ingest.schema import RECORD_TYPES, SQL_TYPES, RecordType
from csperf.ingest.sources import library_error
from csperf.ingest.store import Store, StoreError
from csperf.ingest.target import (
    Target,
    has_bad_refs,
    has_duplicates,
    next_import_id,
    ref_columns,
    replace_and_log,
    transfer,
)
from csperf.kernel.i18n import Message, gettext_noop

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
                    message=Message(gettext_noop("unknown record type '%(type)s'"), {"type": kind}),
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
    except (duckdb.ConversionException, duckdb.OutOfRangeException) as exc:
        # a value the checks let through that DuckDB cannot store (a whole number beyond 64 bits)
        raise ImportFailed([_value_problem(fname, exc)]) from None
    except duckdb.InvalidInputException as exc:  # DuckDB's CSV reader refused the file
        problem = Problem(path="", file=fname, message=library_error(exc))
        raise ImportFailed([problem]) from None
    if res.rows == 0:
        res.warnings.append(f"{fname}: the file has a header but no rows; 0 rows imported")
    return res


def _value_problem(fname: str, exc: Exception) -> Problem:
    """DuckDB's conversion error as a problem: in our words when we know it (a number too large
    for its column), else its text after ours."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    cast = re.search(r"cast (?:\w+ )?value (\S+) to type (\w+)", text, re.IGNORECASE)
    if cast:
        too_large = gettext_noop("the number %(value)s is too large to store")
        return Problem(path="", file=fname, message=Message(too_large, {"value": cast[1]}))
    why = gettext_noop("a value cannot be stored (too large or of the wrong kind): %(error)s")
    return Problem(path="", file=fname, message=Message(why, {"error": text}))


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
        one = _one_pass(plan, src, target, import_id, source_name, progress)
        written = one[3] if one else None
        if one:
            failed, rows, reason = one[:3]
        elif _lake_csv(plan, src, target):  # DuckDB cannot read the CSV strictly
            _restart(con)
            failed, rows = _insert_batches(plan, src, target, import_id, progress)
            failed, reason = failed or bool(src.invalid_rows), ""
        else:
            failed, rows, reason = _insert_rows(plan, src, target, import_id, source_name, progress)
        if not failed and written is None:
            failed = has_duplicates(con, target, import_id) or has_bad_refs(con, target, import_id)
        if failed:
            con.execute("ROLLBACK")
        else:
            replaced = replace_and_log(con, target, import_id, source_name, rows)
            con.execute("COMMIT")
            if written is not None:
                replaced = store.commit_import(
                    rt, con, "_lake_new", import_id, source_name, rows, written=written
                )
            elif not target.native:
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


def _lake_csv(plan: Plan, src: Source, target: Target) -> bool:
    """Whether the rows go from the CSV straight into the lake's files (:func:`_one_pass`):
    a CSV DuckDB reads, typed without hooks, of a record type partitioned by month."""
    return (
        target.store.kind == "lake"
        and bool(src.duckdb_csv)
        and plan.rt.name not in HOOKS
        and month_sql(plan.rt) is not None
        and plan.strict_select() is not None
    )


def _one_pass(
    plan: Plan, src: Source, target: Target, import_id: int, source_name: str, progress
) -> tuple[bool, int, str, list[str]] | None:
    """Type, check and write the rows of a CSV as the lake table's Parquet files in one pass
    (nothing committed yet), then check the written files' keys and roster references:
    (failed, rows, DuckDB's reason, the files). On a problem the files are removed. None when
    it does not apply or DuckDB cannot read the file as a strict CSV (the batch reader then
    reads it)."""
    if not _lake_csv(plan, src, target):
        return None
    lake = target.store.lake
    rt, con = plan.rt, target.con
    tag = f"import-{import_id}-{uuid.uuid4().hex[:8]}"
    try:
        failed, rows, reason, file = _copy_csv(plan, src, target, import_id, tag, progress)
        if failed and reason:
            lake.discard(rt, tag)
            return None
        if not failed and rows > src.limits.rows:
            msg = too_many_rows(src.limits)
            raise ReadError(f"{source_name}: {msg}", [(None, None, msg)])
        files = [] if failed or not rows else lake.settle(con, rt, [file], tag)
        failed = failed or bool(src.invalid_rows) or _files_bad(con, target, files)
        if failed or not rows:
            lake.discard(rt, tag)
            files = []
        if not failed:  # a failed statement aborted the transaction
            _new_view(con, rt, files)
        return failed, rows, reason, files
    except BaseException:
        lake.discard(rt, tag)
        raise


def _copy_csv(
    plan: Plan, src: Source, target: Target, import_id: int, tag: str, progress
) -> tuple[bool, int, str, str]:
    """COPY the typed, checked rows of the CSV into one Parquet file: (failed, rows, DuckDB's
    reason, the file). First with the canonical typing, then (other spellings) the flexible."""
    lake, rt = target.store.lake, plan.rt
    native, types = _native_select(plan)
    for typed, read_as in ((native, types), (plan.typed_select()[0], None)):
        file = lake.incoming(rt, tag)
        cols = ", ".join(
            f"CAST({q(c.name)} AS {SQL_TYPES[c.kind]}) AS {q(c.name)}" for c in rt.stored_columns
        )
        select = (
            f"SELECT {cols}, CAST({import_id} AS BIGINT) AS _import FROM"
            f" ({plan.final_select(typed)}) WHERE CASE WHEN {plan.bad_condition()}"
            f" THEN error('{BAD_ROW} ' || _row) ELSE TRUE END"
        )
        copy = f"COPY ({select}) TO {lit(str(file))} (FORMAT parquet, COMPRESSION zstd)"
        failed, rows, reason = _insert_csv(target.con, copy, src, progress, read_as)
        if reason != NOT_CANONICAL:
            return failed, rows, reason, str(file)
        lake.discard(rt, tag)
        _restart(target.con)
    return failed, rows, reason, str(file)


# kinds DuckDB's CSV reader types exactly as the canonical typing's TRY_CAST (a cell it
# cannot read fails the statement: the file is then read with the flexible typing); whole
# numbers are not among them (it rounds 3.5 to 4, the canonical typing rejects it)
NATIVE_KINDS = ("timestamp", "date", "duration", "decimal", "money")


def _native_select(plan: Plan) -> tuple[str, dict[int, str]]:
    """:meth:`Plan.strict_select` with the file's numbers, dates and times typed by the CSV
    reader itself (cheaper than reading text and casting), and the types it reads them as by
    field index. Times are cut to the second, as the flexible typing does."""
    used = [plan.colmap[c.name] for c in plan.rt.stored_columns if c.name in plan.colmap]
    types: dict[int, str] = {}
    parts = ["_row"]
    for c in plan.rt.stored_columns:
        name = q(c.name)
        i = plan.colmap.get(c.name)
        if i is None:
            parts.append(f"CAST(NULL AS {SQL_TYPES[c.kind]}) AS {name}")
        elif c.kind in NATIVE_KINDS and used.count(i) == 1:
            types[i] = SQL_TYPES[c.kind]
            raw = q(f"c{i}")
            parts.append(f"date_trunc('second', {raw})" if c.kind == "timestamp" else raw)
            parts[-1] += f" AS {name}"
        else:
            parts.append(f"{strict_sql(c, q(f'c{i}'), plan.rt.name)} AS {name}")
    parts.append("FALSE AS _tbad")
    return "SELECT " + ", ".join(parts) + " FROM _b", types


def _files_bad(con, target: Target, files: list[str]) -> bool:
    """Duplicate keys among, or unknown employee ids in, the rows of Parquet ``files``: the
    key columns by a hash aggregate (the exact keys only when hashes collide), the distinct
    ids anti-joined with the roster."""
    if not files:
        return False
    rt = target.rt
    rows = "read_parquet([" + ", ".join(lit(f) for f in files) + "], hive_partitioning = false)"
    keys = ", ".join(q(k) for k in rt.key)
    dup = f"SELECT 1 FROM {rows} GROUP BY {{}} HAVING count(*) > 1 LIMIT 1"
    if (
        con.execute(dup.format(f"hash({keys})")).fetchall()
        and con.execute(dup.format(keys)).fetchall()
    ):
        return True
    for col in ref_columns(rt):
        c = q(col)
        if con.execute(
            f"SELECT 1 FROM (SELECT DISTINCT {c} AS v FROM {rows} WHERE {c} IS NOT NULL) n"
            f" ANTI JOIN ({target.roster}) r ON n.v = r.id LIMIT 1"
        ).fetchall():
            return True
    return False


def _new_view(con, rt: RecordType, files: list[str]) -> None:
    """``_lake_new``: the rows of the import's ``files`` (no rows without files)."""
    if files:
        sql = (
            "SELECT * FROM read_parquet(["
            + ", ".join(lit(f) for f in files)
            + "], hive_partitioning = false)"
        )
    else:
        names = [(c.name, SQL_TYPES[c.kind]) for c in rt.stored_columns] + [("_import", "BIGINT")]
        sql = (
            "SELECT " + ", ".join(f"CAST(NULL AS {t}) AS {q(n)}" for n, t in names) + " WHERE false"
        )
    con.execute(f"CREATE OR REPLACE TEMP VIEW _lake_new AS {sql}")


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


def _insert_csv(
    con, insert: str, src: Source, progress, types: dict[int, str] | None = None
) -> tuple[bool, int, str]:
    """INSERT … FROM read_csv(all text, or field i read as ``types[i]``); returns (failed,
    rows, DuckDB's reason)."""
    path, delim = src.duckdb_csv
    ncols = len(src.header)
    types = types or {}
    cols = "{" + ", ".join(f"'c{i}': '{types.get(i, 'VARCHAR')}'" for i in range(ncols)) + "}"
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
