"""The records lake: one Delta Lake table per record type under ``<data dir>/lake/``.

Layout::

    lake/.writer.lock            one writer at a time (fcntl.flock), readers never lock
    lake/<record type>/          a Delta table, partitioned by ``_month`` (YYYY-MM of the row's
                                 date; the label itself for period-labelled records; record
                                 types without a time, such as employees, are not partitioned)
    lake/_imports/               the import log, a Delta table too

Readers take the table's current file list (``DeltaTable(path).file_uris()``) and query the
Parquet files with an in-memory DuckDB; they hold no lock, so any number of processes read while
one writes. An import commits as one Delta ``overwrite`` of the months it touches (a predicate on
``_month``): the rows of those months not replaced by the import plus the import's rows. A Delta
commit is atomic, so a reader sees the table before or after an import, never part of one; files
an import replaces stay on disk (a reader holding the older file list can still read them) until
someone vacuums the table.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import duckdb
import pyarrow as pa

from csperf.ingest.schema import SQL_TYPES, RecordType

LAKE_DIR = "lake"
LOCK_FILE = ".writer.lock"
MONTH = "_month"
NO_MONTH = "none"  # the partition of rows whose time cell is empty
IMPORTS = "_imports"
IMPORT_META = "csperf.import"  # an import's log row, in the commit info of its data commit
INCOMING = "incoming"  # an import's file until it is settled into its month (vacuum clears)
CALLS_NAME = "calls"  # the record type whose imports also rewrite its rollup
# commits that change no row (compaction, vacuum): a reader's version checks look past them
NO_DATA_OPERATIONS = frozenset({"OPTIMIZE", "VACUUM START", "VACUUM END"})

ARROW_TYPES = {
    "str": pa.string(),
    "enum": pa.string(),
    "period": pa.string(),
    "int": pa.int64(),
    "duration": pa.decimal128(14, 3),
    "decimal": pa.decimal128(18, 3),
    "money": pa.decimal128(18, 2),
    "bool": pa.bool_(),
    "timestamp": pa.timestamp("us"),
    "date": pa.date32(),
}

IMPORTS_COLUMNS = (
    ("id", "BIGINT", pa.int64()),
    ("type", "VARCHAR", pa.string()),
    ("source", "VARCHAR", pa.string()),
    ("rows", "BIGINT", pa.int64()),
    ("replaced", "BIGINT", pa.int64()),
    ("imported_at", "TIMESTAMP", pa.timestamp("us")),
)


class LakeError(Exception):
    """The lake cannot be read or written."""


def q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def lit(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def columns_of(rt: RecordType) -> list[tuple[str, str, pa.DataType]]:
    """(name, DuckDB type, Arrow type) of every stored column, ``_import`` last."""
    cols = [(c.name, SQL_TYPES[c.kind], ARROW_TYPES[c.kind]) for c in rt.stored_columns]
    cols.append(("_import", "BIGINT", pa.int64()))
    return cols


def month_sql(rt: RecordType) -> str | None:
    """The SQL giving a row's ``_month`` partition, or None for a record type without a time."""
    if not rt.time:
        return None
    col = rt.column(rt.time)
    # a date or time gives its month; a period label (2026-03, 2026-Q1, 2026) is kept as is
    dated = col.kind in ("date", "timestamp")
    expr = f"strftime({q(col.name)}, '%Y-%m')" if dated else q(col.name)
    return f"coalesce({expr}, {lit(NO_MONTH)})"


def table_schema(rt: RecordType) -> pa.Schema:
    """The Arrow schema of the stored rows of ``rt``, ``_month`` last when partitioned."""
    schema = pa.schema([(n, a) for n, _, a in columns_of(rt)])
    return schema.append(pa.field(MONTH, pa.string())) if month_sql(rt) else schema


class Lake:
    """The Delta tables of one data directory."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._lock_fd: int | None = None

    # -- reading -----------------------------------------------------------------------
    def path(self, name: str) -> Path:
        return self.root / name

    def exists(self, name: str) -> bool:
        return (self.path(name) / "_delta_log").is_dir()

    def has_records(self) -> bool:
        return self.root.is_dir() and any(
            (p / "_delta_log").is_dir() for p in self.root.iterdir() if p.name != IMPORTS
        )

    def version(self, name: str) -> int | None:
        """The table's current version (its newest commit in ``_delta_log``), None without one;
        a directory listing, much cheaper than loading the table."""
        try:
            names = [e.name for e in os.scandir(self.path(name) / "_delta_log")]
        except OSError:
            return None
        v = [int(n[:-5]) for n in names if n.endswith(".json") and n[:-5].isdigit()]
        return max(v) if v else None

    def snapshot(
        self, name: str, version: int | None = None
    ) -> tuple[list[str], set[str], int | None]:
        """The current Parquet files of table ``name`` (or those of ``version``), the columns
        its schema has and the version they are of."""
        if not self.exists(name):
            return [], set(), None
        from deltalake import DeltaTable

        try:
            table = DeltaTable(str(self.path(name)), version=version)
            files = table.file_uris()
            have = {f.name for f in table.schema().fields}
            version = table.version()
        except Exception as exc:
            raise LakeError(f"{self.path(name)}: cannot read the Delta table: {exc}") from None
        return files, have, version

    def view_sql(self, name: str, cols: list[tuple[str, str, pa.DataType]]) -> str:
        """A SELECT over the table's current files with exactly ``cols`` (a column the files lack
        reads as NULL: written by an older csperf)."""
        return self.view(name, cols)[0]

    def view(
        self, name: str, cols: list[tuple[str, str, pa.DataType]], version: int | None = None
    ) -> tuple[str, int | None]:
        """:meth:`view_sql` (of ``version``, default the newest) and the version it reads."""
        files, have, version = self.snapshot(name, version)
        if not files:
            sel = ", ".join(f"CAST(NULL AS {t}) AS {q(n)}" for n, t, _ in cols)
            return f"SELECT {sel} WHERE false", version
        sel = ", ".join(
            f"CAST({q(n)} AS {t}) AS {q(n)}" if n in have else f"CAST(NULL AS {t}) AS {q(n)}"
            for n, t, _ in cols
        )
        flist = "[" + ", ".join(lit(f) for f in files) + "]"
        sql = (
            f"SELECT {sel} FROM read_parquet({flist}, union_by_name = true,"
            " hive_partitioning = false)"
        )
        return sql, version

    # -- writing -----------------------------------------------------------------------
    @contextlib.contextmanager
    def writer(self) -> Iterator[None]:
        self.acquire()
        try:
            yield
        finally:
            self.release()

    def acquire(self) -> None:
        """Take the writer lock (waits while another process writes)."""
        if self._lock_fd is not None:
            return
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.root / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise LakeError(f"{self.root}: cannot create the writer lock: {exc.strerror}") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
        except BaseException:
            os.close(fd)
            raise
        self._lock_fd = fd

    def release(self) -> None:
        if self._lock_fd is not None:
            fd, self._lock_fd = self._lock_fd, None
            with contextlib.suppress(OSError):
                fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    def _need_lock(self) -> None:
        if self._lock_fd is None:
            raise LakeError("writing to the lake needs the writer lock")

    def next_import_id(self, con) -> int:
        """The next import id, read from the current log once the imports of a crashed writer
        are logged (call it holding the writer lock)."""
        self._need_lock()
        self.recover_log(con)
        sql = self.view_sql(IMPORTS, _imports_cols())
        return int(con.execute(f"SELECT COALESCE(max(id), 0) + 1 FROM ({sql})").fetchone()[0])

    def replace(
        self,
        con,
        rt: RecordType,
        new: str,
        log: dict | None = None,
        written: list[str] | None = None,
    ) -> int:
        """Replace by key: the rows of relation ``new`` (in DuckDB connection ``con``, holding
        every stored column and ``_import``) replace the stored rows with the same key, in one
        Delta commit. ``written``: the rows of ``new`` are already these Parquet files under
        the table's directory (:meth:`incoming`), committed as they are instead of written
        again. ``log``, the import's log row, goes into that commit's info and then into the
        import log (see :meth:`recover_log`). Calls also rewrite their rollup for the days
        touched. Returns the number of stored rows replaced."""
        self._need_lock()
        calls = rt.name == CALLS_NAME
        if calls:  # the days of the new rows, and below those of the rows they replace
            con.execute(
                "CREATE OR REPLACE TEMP TABLE _lake_days AS SELECT DISTINCT"
                f" CAST({q(rt.time)} AS DATE) AS d FROM {new} WHERE {q(rt.time)} IS NOT NULL"
            )
        replaced, kept, months = self._replacement(con, rt, new, calls)
        row = dict(log, replaced=replaced) if log is not None else None
        if months != []:  # [] : no rows at all, nothing to commit
            meta = {IMPORT_META: json.dumps(row, default=str)} if row else None
            schema = table_schema(rt)
            if written is None:
                names = ", ".join(q(n) for n, _, _ in columns_of(rt))
                month = f", {month_sql(rt)} AS {MONTH}" if month_sql(rt) else ""
                fresh = f"SELECT {names}{month} FROM {new}"
                self.commit_rows(
                    con, rt.name, " UNION ALL ".join([*kept, fresh]), schema, months, meta
                )
            else:
                try:
                    if kept:
                        written = written + self.write_rows(
                            con, rt.name, " UNION ALL ".join(kept), schema
                        )
                    self.commit_files(con, rt.name, written, schema, months, meta)
                except BaseException:  # not committed: no file of the import stays
                    for f in written:
                        Path(f).unlink(missing_ok=True)
                    raise
        if row is not None:
            self.log_imports([row])
        if calls:
            from csperf.ingest.rollups import rebuild

            try:
                rebuild(self, con, "_lake_days")
            except LakeError as exc:
                # the calls and their log row are in; only the shortcut is stale
                raise LakeError(
                    f"the calls are imported, but their rollup was not updated ({exc}); "
                    "indicators read the calls themselves until `csperf records rollup` runs"
                ) from None
            con.execute("DROP TABLE _lake_days")
        return replaced

    # -- an import's own files, written before its commit --------------------------------
    def incoming(self, rt: RecordType, tag: str) -> Path:
        """Where an import tagged ``tag`` writes its rows as one Parquet file (no partitions:
        :meth:`settle` moves it into its month) before the commit that adds it; a reader
        never sees a file no commit names."""
        sub = self.path(rt.name) / INCOMING if month_sql(rt) else self.path(rt.name)
        try:
            sub.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise LakeError(f"{sub}: cannot write the records: {exc}") from None
        return sub / f"{tag}-{uuid.uuid4()}.parquet"

    def settle(self, con, rt: RecordType, files: list[str], tag: str) -> list[str]:
        """Put the incoming ``files`` of an import into the table's layout: a file whose rows
        are all of one month is moved into that month's directory (the usual monthly import:
        written once); rows of several months are written again partitioned by month."""
        if not month_sql(rt):
            return files
        out, mixed = [], []
        for f in files:
            months = self._months_in(con, rt, f)
            if len(months) != 1:
                mixed.append(f)
                continue
            dest = self.path(rt.name) / f"{MONTH}={months[0]}" / Path(f).name
            try:
                dest.parent.mkdir(exist_ok=True)
                os.replace(f, dest)
            except OSError as exc:
                raise LakeError(f"{dest}: cannot write the records: {exc}") from None
            out.append(str(dest))
        if mixed:
            names = ", ".join(q(n) for n, _, _ in columns_of(rt))
            flist = "[" + ", ".join(lit(f) for f in mixed) + "]"
            sql = f"SELECT {names}, {month_sql(rt)} AS {MONTH} FROM read_parquet({flist})"
            out += self.write_rows(con, rt.name, sql, table_schema(rt), tag + "-{uuid}")
            for f in mixed:
                Path(f).unlink(missing_ok=True)
        return out

    def _months_in(self, con, rt: RecordType, file: str) -> list[str]:
        """The months of the rows of Parquet ``file``, from its first and last times only
        (one when both fall in the same month and no time is empty; two or more otherwise)."""
        t = q(rt.time or "")
        f = f"read_parquet({lit(file)})"
        ends = (
            f"SELECT min({t}) AS {t} FROM {f} UNION ALL SELECT max({t}) FROM {f}"
            f" UNION ALL (SELECT {t} FROM {f} WHERE {t} IS NULL LIMIT 1)"
        )
        return [
            r[0] for r in con.execute(f"SELECT DISTINCT {month_sql(rt)} FROM ({ends})").fetchall()
        ]

    def discard(self, rt: RecordType, tag: str) -> None:
        """Remove every file an import tagged ``tag`` wrote (it failed: nothing committed)."""
        root = self.path(rt.name)
        for pattern in (f"{tag}-*.parquet", f"*/{tag}-*.parquet"):
            for p in root.glob(pattern):
                p.unlink(missing_ok=True)

    def _replacement(
        self, con, rt: RecordType, new: str, calls: bool
    ) -> tuple[int, list[str], list[str] | None]:
        """(rows replaced, the SELECTs of the stored rows kept, the months the commit replaces:
        None for the whole table, [] when there is nothing to commit)."""
        cols = columns_of(rt)
        month = month_sql(rt)
        names = ", ".join(q(n) for n, _, _ in cols)
        keys = " AND ".join(f"o.{q(k)} = n.{q(k)}" for k in rt.key)
        with_month = f", {month} AS {MONTH}" if month else ""
        if not self.exists(rt.name):
            return 0, [], None
        current = self.view_sql(rt.name, cols)
        o_day = f", CAST(o.{q(rt.time)} AS DATE) AS d" if calls else ""
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE _lake_old AS SELECT 1 AS x{with_month}{o_day} FROM"
            f" ({current}) o SEMI JOIN {new} n ON {keys}"
        )
        replaced = int(con.execute("SELECT count(*) FROM _lake_old").fetchone()[0])
        if calls:
            con.execute("INSERT INTO _lake_days SELECT DISTINCT d FROM _lake_old")
        if not month:
            # not partitioned: the whole table is rewritten
            con.execute("DROP TABLE _lake_old")
            return (
                replaced,
                [f"SELECT {names} FROM ({current}) o ANTI JOIN {new} n ON {keys}"],
                None,
            )
        months = [
            r[0]
            for r in con.execute(
                f"SELECT DISTINCT {MONTH} FROM _lake_old UNION SELECT DISTINCT {month} FROM {new}"
            ).fetchall()
        ]
        gone = dict(con.execute(f"SELECT {MONTH}, count(*) FROM _lake_old GROUP BY 1").fetchall())
        con.execute("DROP TABLE _lake_old")
        if not months:  # no rows at all: nothing to commit
            return 0, [], []
        # only the files of the touched months are read again
        touched = sorted(set(months))
        kept = []
        for kind, files in self._kept_files(con, rt.name, touched, gone).items():
            old = self.files_sql(rt.name, cols, files)
            anti = f" ANTI JOIN {new} n ON {keys}" if kind == "partial" else ""
            kept.append(f"SELECT o.*, {month} AS {MONTH} FROM ({old}) o{anti}")
        return replaced, kept, touched

    def _kept_files(
        self, con, name: str, months: list[str], gone: dict[str, int]
    ) -> dict[str, list[str]]:
        """The current files of ``months`` whose rows an import keeps, as "whole" (no row of
        their month replaced: kept without a join) and "partial" (some replaced: anti-joined
        with the import); a month whose every row is replaced is not read at all (a re-import
        of a month rewrites it without reading the old rows)."""
        from deltalake import DeltaTable

        table = DeltaTable(str(self.path(name)))
        out: dict[str, list[str]] = {"whole": [], "partial": []}
        for m in months:
            files = table.file_uris(file_pruning_predicate=[(MONTH, "=", m)])
            if not files:
                continue
            if not gone.get(m):
                out["whole"] += files
            elif gone[m] < _rows_in(con, files):
                out["partial"] += files
        return {k: v for k, v in out.items() if v}

    def month_files_sql(
        self, name: str, cols: list[tuple[str, str, pa.DataType]], months: list[str]
    ) -> str | None:
        """A SELECT with exactly ``cols`` over the current files of ``months`` of table
        ``name``, None when they have none."""
        from deltalake import DeltaTable

        table = DeltaTable(str(self.path(name)))
        files = table.file_uris(file_pruning_predicate=[(MONTH, "in", months)])
        if not files:
            return None
        return self.files_sql(name, cols, files, table)

    def files_sql(
        self, name: str, cols: list[tuple[str, str, pa.DataType]], files: list[str], table=None
    ) -> str:
        """A SELECT with exactly ``cols`` over ``files`` of table ``name`` (a column its schema
        lacks reads as NULL)."""
        from deltalake import DeltaTable

        table = table or DeltaTable(str(self.path(name)))
        have = {f.name for f in table.schema().fields}
        sel = ", ".join(
            f"CAST({q(n)} AS {t}) AS {q(n)}" if n in have else f"CAST(NULL AS {t}) AS {q(n)}"
            for n, t, _ in cols
        )
        flist = "[" + ", ".join(lit(f) for f in files) + "]"
        return (
            f"SELECT {sel} FROM read_parquet({flist}, union_by_name = true,"
            " hive_partitioning = false)"
        )

    def commit_rows(
        self,
        con,
        name: str,
        sql: str,
        schema: pa.Schema,
        months: list[str] | None,
        meta: dict[str, str] | None = None,
    ) -> None:
        """Write the rows of ``sql`` as new Parquet files of table ``name`` (DuckDB writes them,
        in parallel) and commit them in one Delta transaction that replaces the files of
        ``months`` (None: of the whole table); ``meta`` goes into the commit's info."""
        self._need_lock()
        written = self.write_rows(con, name, sql, schema)
        self.commit_files(con, name, written, schema, months, meta)

    def copy_sql(self, name: str, sql: str, schema: pa.Schema, pattern: str = "part-{uuid}") -> str:
        """The COPY writing the rows of ``sql`` (the columns of ``schema``) as Parquet files of
        table ``name``, partitioned by ``_month`` when the schema has it (files named by
        ``pattern``); it returns the files written. Creates the table's directory."""
        root = self.path(name)
        names = ", ".join(q(f.name) for f in schema)
        opts = f"FORMAT parquet, COMPRESSION zstd, FILENAME_PATTERN {lit(pattern)}, RETURN_FILES"
        if MONTH in schema.names:
            opts += f", PARTITION_BY ({MONTH}), OVERWRITE_OR_IGNORE"
            target = root
        else:
            target = root / (pattern.replace("{uuid}", str(uuid.uuid4())) + ".parquet")
        try:
            root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise LakeError(f"{root}: cannot write the records: {exc}") from None
        return f"COPY (SELECT {names} FROM ({sql})) TO {lit(str(target))} ({opts})"

    def write_rows(
        self, con, name: str, sql: str, schema: pa.Schema, pattern: str = "part-{uuid}"
    ) -> list[str]:
        """Write the rows of ``sql`` as Parquet files of table ``name`` (:meth:`copy_sql`),
        committing nothing; returns the files."""
        try:
            res = con.execute(self.copy_sql(name, sql, schema, pattern)).fetchall()
        except (OSError, duckdb.Error) as exc:
            raise LakeError(f"{self.path(name)}: cannot write the records: {exc}") from None
        return [f for row in res for f in (row[1] or [])]

    def commit_files(
        self,
        con,
        name: str,
        written: list[str],
        schema: pa.Schema,
        months: list[str] | None,
        meta: dict[str, str] | None = None,
    ) -> None:
        """Commit Parquet files ``written`` under table ``name``'s directory (in ``_month=M``
        directories when partitioned) in one Delta transaction that replaces the files of
        ``months`` (None: of the whole table); ``meta`` goes into the commit's info."""
        from deltalake import CommitProperties, DeltaTable
        from deltalake.transaction import create_table_with_add_actions

        self._need_lock()
        root = self.path(name)
        partitioned = MONTH in schema.names
        actions = _add_actions(con, root, written, partitioned)
        part = [MONTH] if partitioned else None
        dschema = _delta_schema(schema)
        props = CommitProperties(custom_metadata=meta) if meta else None
        try:
            if not self.exists(name):
                create_table_with_add_actions(
                    str(root),
                    dschema,
                    actions,
                    mode="overwrite",
                    partition_by=part,
                    commit_properties=props,
                )
            else:
                DeltaTable(str(root)).create_write_transaction(
                    actions,
                    mode="overwrite",
                    schema=dschema,
                    partition_by=part,
                    partition_filters=None if months is None else [(MONTH, "in", months)],
                    commit_properties=props,
                )
        except Exception as exc:
            raise LakeError(f"{root}: cannot commit to the Delta table: {exc}") from None

    def log_imports(self, rows: list[dict]) -> None:
        """Append rows to the import log."""
        from deltalake import write_deltalake

        self._need_lock()
        if not rows:
            return
        cols = _imports_cols()
        tbl = pa.table({n: pa.array([r[n] for r in rows], a) for n, _, a in cols})
        _write(write_deltalake, str(self.path(IMPORTS)), tbl, mode="append", partition_by=None)

    def clear(self, name: str, rt: RecordType | None = None) -> None:
        """Remove every row of table ``name`` (one commit; the files stay until a vacuum)."""
        from deltalake import write_deltalake

        self._need_lock()
        if not self.exists(name):
            return
        if rt is not None:
            schema = pa.schema([(n, a) for n, _, a in columns_of(rt)])
            if month_sql(rt):
                schema = schema.append(pa.field(MONTH, pa.string()))
            part = [MONTH] if month_sql(rt) else None
        else:
            schema = pa.schema([(n, a) for n, _, a in _imports_cols()])
            part = None
        _write(
            write_deltalake,
            str(self.path(name)),
            schema.empty_table(),
            mode="overwrite",
            partition_by=part,
        )
        if name == CALLS_NAME:
            from csperf.ingest.rollups import rebuild, scratch_connection

            con = scratch_connection()
            try:
                rebuild(self, con)
            finally:
                con.close()

    # -- commit info: the import log in the data commit, the rollup's calls version -------
    def commit_info(self, name: str, version: int, *, skip_compaction: bool = False) -> dict:
        """The commit info of version ``version`` of table ``name`` ({} when its log file is
        gone); with ``skip_compaction`` that of the newest commit at or before it that changed
        data."""
        while version >= 0:
            info = self._read_commit_info(name, version)
            if not skip_compaction or info.get("operation") not in NO_DATA_OPERATIONS:
                return info
            version -= 1
        return {}

    def data_version(self, name: str, version: int | None) -> int | None:
        """The newest version at or before ``version`` whose commit changed data."""
        while version is not None and version > 0:
            if self._read_commit_info(name, version).get("operation") not in NO_DATA_OPERATIONS:
                return version
            version -= 1
        return version

    def _read_commit_info(self, name: str, version: int) -> dict:
        path = self.path(name) / "_delta_log" / f"{version:020d}.json"
        try:
            with path.open(encoding="utf-8") as fh:
                for line in fh:
                    if line.startswith('{"commitInfo"'):
                        return json.loads(line)["commitInfo"]
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            raise LakeError(f"{path}: cannot read the Delta commit: {exc}") from None
        return {}

    def unlogged_imports(
        self, name: str, logged: int, version: int | None = None
    ) -> list[tuple[int, dict]]:
        """(version, log row) of the commits of table ``name`` (up to ``version``, default the
        newest) of imports with an id above ``logged``, oldest first: imports whose data
        commit is in but whose log row is not (yet)."""
        v = self.version(name) if version is None else version
        out: list[tuple[int, dict]] = []
        while v is not None and v >= 0:
            info = self._read_commit_info(name, v)
            raw = info.get(IMPORT_META)
            if raw is not None:
                row = json.loads(raw)
                if int(row["id"]) <= logged:
                    break
                out.append((v, row))
            elif info.get("operation") not in NO_DATA_OPERATIONS:
                break  # a commit of no import (a clear, a migration): nothing older is pending
            v -= 1
        return out[::-1]

    def recover_log(self, con) -> int:
        """Log the imports a crashed writer committed without their log row (call it holding
        the writer lock); returns how many. Their rows are then visible to readers."""
        self._need_lock()
        sql = self.view_sql(IMPORTS, _imports_cols())
        logged = int(con.execute(f"SELECT COALESCE(max(id), 0) FROM ({sql})").fetchone()[0])
        rows = [
            r
            for p in (sorted(self.root.iterdir()) if self.root.is_dir() else [])
            if p.name != IMPORTS and self.exists(p.name)
            for _, r in self.unlogged_imports(p.name, logged)
        ]
        rows.sort(key=lambda r: int(r["id"]))
        for r in rows:
            r["imported_at"] = datetime.fromisoformat(str(r["imported_at"]))
        self.log_imports(rows)
        return len(rows)

    def vacuum(self, keep_hours: int) -> dict[str, tuple[int, int]]:
        """Compact each table's small files, then delete the files no current version reads
        (replaced by imports, or left by an import that failed) once older than
        ``keep_hours``. Returns (files compacted, files deleted) per table."""
        from deltalake import DeltaTable

        out: dict[str, tuple[int, int]] = {}
        with self.writer():
            for p in sorted(self.root.iterdir()) if self.root.is_dir() else []:
                if not self.exists(p.name):
                    continue
                try:
                    table = DeltaTable(str(p))
                    compacted = int(table.optimize.compact().get("numFilesRemoved", 0))
                    deleted = table.vacuum(
                        retention_hours=keep_hours,
                        dry_run=False,
                        enforce_retention_duration=False,
                        full=True,
                    )
                except Exception as exc:
                    raise LakeError(f"{p}: cannot vacuum the Delta table: {exc}") from None
                out[p.name] = (compacted, len(deleted))
        return out


def _rows_in(con, files: list[str]) -> int:
    """The number of rows of Parquet ``files`` (their footers only)."""
    flist = "[" + ", ".join(lit(f) for f in files) + "]"
    n = con.execute(f"SELECT sum(num_rows) FROM parquet_file_metadata({flist})").fetchone()[0]
    return int(n or 0)


def _add_actions(con, root: Path, written: list[str], partitioned: bool) -> list:
    """The Delta add actions of Parquet files ``written`` under ``root`` (row counts from
    their footers, the month from their ``_month=M`` directory)."""
    from deltalake.transaction import AddAction

    counts = {}
    if written:
        flist = "[" + ", ".join(lit(f) for f in written) + "]"
        counts = dict(
            con.execute(
                f"SELECT file_name, num_rows FROM parquet_file_metadata({flist})"
            ).fetchall()
        )
    actions = []
    for f in written:
        p = Path(f)
        st = p.stat()
        parts = {MONTH: p.parent.name.split("=", 1)[1]} if partitioned else {}
        actions.append(
            AddAction(
                path=p.relative_to(root).as_posix(),
                size=st.st_size,
                partition_values=parts,
                modification_time=int(st.st_mtime * 1000),
                data_change=True,
                stats=json.dumps({"numRecords": int(counts.get(f, 0))}),
            )
        )
    return actions


def _imports_cols() -> list[tuple[str, str, pa.DataType]]:
    return list(IMPORTS_COLUMNS)


def _delta_schema(schema: pa.Schema):
    from deltalake import Schema

    return Schema.from_arrow(schema)


def _write(write_deltalake, path: str, data, **kw) -> None:
    try:
        write_deltalake(path, data, schema_mode="merge", **kw)
    except Exception as exc:
        raise LakeError(f"{path}: cannot write the Delta table: {exc}") from None


def migrate_duckdb(old: Path, lake: Lake, *, replace: bool = False) -> dict[str, int]:
    """Copy every records table and the import log of an older single-file DuckDB store into
    ``lake`` (rows keep their import ids). Returns the rows copied per table."""
    import duckdb

    from csperf.ingest.schema import RECORD_TYPES

    if not old.is_file():
        raise LakeError(f"{old}: no such file")
    if lake.has_records() and not replace:
        raise LakeError(
            f"{lake.root} already holds records; pass --replace to overwrite them with {old}"
        )
    con = duckdb.connect()
    try:
        try:
            con.execute(f"ATTACH {lit(str(old))} AS old (READ_ONLY)")
        except duckdb.Error as exc:
            first = str(exc).strip().splitlines()[0]
            raise LakeError(f"{old}: cannot open the DuckDB records file: {first}") from None
        tables = {
            r[0]
            for r in con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE database_name = 'old'"
            ).fetchall()
        }
        if IMPORTS not in tables:
            raise LakeError(f"{old}: not a csperf records store (it has no {IMPORTS} table)")
        copied: dict[str, int] = {}
        with lake.writer():
            for name, rt in RECORD_TYPES.items():
                if replace:
                    lake.clear(name, rt)
                if name not in tables:
                    continue
                have = {
                    r[0]
                    for r in con.execute(
                        "SELECT column_name FROM duckdb_columns() WHERE database_name = 'old'"
                        f" AND table_name = {lit(name)}"
                    ).fetchall()
                }
                sel = ", ".join(
                    f"CAST({q(n)} AS {t}) AS {q(n)}"
                    if n in have
                    else f"CAST(NULL AS {t}) AS {q(n)}"
                    for n, t, _ in columns_of(rt)
                )
                con.execute(f"CREATE OR REPLACE TEMP VIEW _mig AS SELECT {sel} FROM old.{q(name)}")
                n = int(con.execute("SELECT count(*) FROM _mig").fetchone()[0])
                if n or lake.exists(name):
                    lake.replace(con, rt, "_mig")
                copied[name] = n
            if replace:
                lake.clear(IMPORTS)
            rows = con.execute(
                f"SELECT {', '.join(q(n) for n, _, _ in IMPORTS_COLUMNS)} FROM old.{IMPORTS}"
                " ORDER BY id"
            ).fetchall()
            lake.log_imports(
                [dict(zip([c[0] for c in IMPORTS_COLUMNS], r, strict=True)) for r in rows]
            )
            copied[IMPORTS] = len(rows)
    finally:
        con.close()
    return copied
