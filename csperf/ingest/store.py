"""Where imported records live: an Ibis connection.

The embedded default is the records lake (:mod:`csperf.ingest.lake`): Delta tables under
``lake/`` in the data directory (``--data DIR``, else ``$CSPERF_DATA``, else ``./csperf-data``),
read by an in-memory DuckDB over each table's current files, so any number of processes read
while one imports. ``$CSPERF_RECORDS_URL`` (or ``records_url=``) names any other Ibis backend
instead, e.g. ``postgres://user@host:5432/db`` or ``duckdb:///path/records.duckdb`` (the older
single-file store, which one process at a time may open); the indicator definitions run on it
unchanged.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import threading
from datetime import datetime
from pathlib import Path

import ibis
import ibis.expr.datatypes as dt
import pyarrow as pa

from csperf.ingest import spark
from csperf.ingest.lake import IMPORTS_COLUMNS, LAKE_DIR, Lake, LakeError, columns_of
from csperf.ingest.rollups import MONTHLY, ROLLUP, month_columns
from csperf.ingest.rollups import columns as rollup_columns
from csperf.ingest.schema import RECORD_TYPES, RecordType

DEFAULT_DATA_DIR = "csperf-data"
DB_FILE = "records.duckdb"  # the older single-file store (`csperf records migrate` reads it)
IMPORTS_TABLE = "_imports"
IMPORTS_SCHEMA = ibis.schema(
    {
        "id": dt.Int64(),
        "type": dt.String(),
        "source": dt.String(),
        "rows": dt.Int64(),
        "replaced": dt.Int64(),
        "imported_at": dt.Timestamp(),
    }
)


class StoreError(Exception):
    """The records store cannot be opened or used."""


def fetch(expr: ibis.Expr) -> pa.Table:
    """``expr.to_pyarrow()`` as a table, for a result in no particular order. On DuckDB the
    columns are cast to the expression's schema in the query itself: Ibis's DuckDB result
    converter imports pandas, and casting Arrow columns imports pyarrow.compute, together half
    the start-up of a `csperf indicators` run."""
    table = expr.as_table()
    con = ibis.get_backend(table)
    if con.name != "duckdb":
        return table.to_pyarrow()
    from ibis.formats.pyarrow import PyArrowData, PyArrowSchema

    con._run_pre_execute_hooks(table)  # registers the in-memory tables it reads, if any
    res = con.con.sql(fetch_sql(table)).to_arrow_table()
    schema = table.schema()
    if res.schema != PyArrowSchema.from_ibis(schema):  # a type DuckDB gives Arrow otherwise
        return PyArrowData.convert_table(res, schema)
    return res


def fetch_sql(expr: ibis.Expr) -> str:
    """The DuckDB SQL :func:`fetch` runs for ``expr`` (csperf.metrics.sqlcache keeps it)."""
    from ibis.backends.sql.datatypes import DuckDBType

    table = expr.as_table()
    cols = ", ".join(
        f"CAST({_quote(name)} AS {DuckDBType.to_string(dtype)}) AS {_quote(name)}"
        for name, dtype in table.schema().items()
    )
    return f"SELECT {cols} FROM ({ibis.get_backend(table).compile(table)})"


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def fetch_rows(expr: ibis.Expr) -> list[dict]:
    """The rows of ``expr`` as dicts (:func:`fetch`)."""
    return fetch(expr).to_pylist()


def fetch_value(expr: ibis.Expr):
    """The value of scalar ``expr`` (:func:`fetch`)."""
    return fetch(expr).column(0)[0].as_py()


def resolve_data_dir(data_dir: str | Path | None = None) -> Path:
    if data_dir:
        return Path(data_dir)
    env = os.environ.get("CSPERF_DATA", "").strip()
    return Path(env) if env else Path(DEFAULT_DATA_DIR)


def resolve_records_url(records_url: str | None = None) -> str | None:
    url = records_url or os.environ.get("CSPERF_RECORDS_URL", "").strip()
    return url or None


def resolve_compute_url() -> str | None:
    """``$CSPERF_COMPUTE_URL``: where :meth:`Engine.open` computes indicators when that is not
    where imports write, e.g. ``spark://HOST:7077`` (csperf.ingest.spark, docs/spark.md)."""
    return os.environ.get("CSPERF_COMPUTE_URL", "").strip() or None


class _Reader:
    """An in-memory DuckDB reading one lake, with its views and the table version each view
    reads. Kept per process and thread, and lent to one open store at a time, so that a web
    worker's requests reuse it (and DuckDB's Parquet metadata cache) instead of starting one."""

    def __init__(self, con: ibis.BaseBackend) -> None:
        self.con = con
        self.versions: dict[str, int | None] = {}
        self.tables: dict[str, ibis.Table] = {}
        self.in_use = False


_readers = threading.local()
KEEP_READERS = 4  # lakes a thread keeps a reader for (tests open many)


def _reader(lake: Lake) -> tuple[_Reader, bool]:
    """A reader of ``lake`` for this thread: the kept one when it is free, else a new one.
    Returns (reader, kept)."""
    kept: dict[tuple[int, str], _Reader] = getattr(_readers, "by_lake", None) or {}
    _readers.by_lake = kept
    key = (os.getpid(), str(lake.root.resolve()))
    r = kept.get(key)
    if r is not None and not r.in_use:
        kept[key] = kept.pop(key)  # most recently used last
        return r, True
    r = _Reader(_connect())
    if key in kept:  # in use by a store still open in this thread: this one is its own
        return r, False
    kept[key] = r
    for old in [k for k in kept if kept[k] is not r][: max(0, len(kept) - KEEP_READERS)]:
        if not kept[old].in_use:
            with contextlib.suppress(Exception):
                kept.pop(old).con.disconnect()
    return r, True


def _connect() -> ibis.BaseBackend:
    con = ibis.duckdb.connect()
    # bounded memory: large imports and queries spill to disk instead of growing; each
    # process spills to a directory of its own
    mem = os.environ.get("CSPERF_DUCKDB_MEMORY", "3GB")
    spill = Path(tempfile.gettempdir()) / f"csperf-duckdb-{os.getpid()}"
    try:
        con.raw_sql(f"SET memory_limit = '{mem}'")
        con.raw_sql(f"SET temp_directory = '{spill}'")
        con.raw_sql("SET preserve_insertion_order = false")
        con.raw_sql("SET enable_progress_bar = false")
        con.raw_sql("SET parquet_metadata_cache = true")
    except Exception as exc:
        raise StoreError(f"CSPERF_DUCKDB_MEMORY={mem!r}: {exc}") from None
    return con


class Store:
    """An open records store. ``con`` is the Ibis backend; ``kind`` its name ("lake" for the
    embedded Delta lake, whose ``con`` is an in-memory DuckDB with one view per table)."""

    def __init__(
        self,
        con: ibis.BaseBackend,
        *,
        where: str,
        lake: Lake | None = None,
        reader: _Reader | None = None,
        kept: bool = False,
    ) -> None:
        self.con = con
        self.lake = lake
        self.kind = "lake" if lake is not None else con.name
        self.where = where
        self._tables: dict[str, ibis.Table] = {}
        self._reader = reader
        self._kept = kept
        if reader is not None:
            reader.in_use = True

    # -- tables ------------------------------------------------------------------------
    def ensure_tables(self) -> None:
        if self.lake is not None:  # views are defined when a table is first asked for
            return
        existing = set(self.con.list_tables())
        for rt in RECORD_TYPES.values():
            if rt.name not in existing:
                self.con.create_table(rt.name, schema=rt.ibis_schema())
            else:
                self._check_columns(rt)
        if IMPORTS_TABLE not in existing:
            self.con.create_table(IMPORTS_TABLE, schema=IMPORTS_SCHEMA)

    def _check_columns(self, rt: RecordType) -> None:
        """Add the columns a newer csperf defines to a table an older one created (they are
        all optional: older rows read as empty)."""
        have = set(self.con.table(rt.name).columns)
        missing = [c for c in rt.stored_columns if c.name not in have]
        if "_import" not in have:
            raise StoreError(f"{self.where}: table {rt.name} is not a csperf records table")
        for col in missing:
            try:
                self.con.raw_sql(f'ALTER TABLE "{rt.name}" ADD COLUMN "{col.name}" {col.sql_type}')
            except Exception as exc:  # a read-only store, a backend without ALTER
                raise StoreError(
                    f"{self.where}: table {rt.name} lacks column {col.name} and it cannot be "
                    f"added ({exc})"
                ) from None
        if missing:
            self._tables.pop(rt.name, None)

    def table(self, name: str) -> ibis.Table:
        if name not in self._tables:
            if self.lake is None:
                self._tables[name] = self.con.table(name)
            else:
                self._tables[name] = self._lake_table(name)
        return self._tables[name]

    def _lake_table(self, name: str) -> ibis.Table:
        """The view of lake table ``name`` over its current files, (re)defined unless the
        reader's view already reads the current version: a snapshot taken at the store's first
        use of the table, which a later import does not change until :meth:`refresh`."""
        r = self._reader
        assert r is not None and self.lake is not None
        if name not in r.tables or r.versions.get(name) != self.lake.version(name):
            self._define_view(name)
            r.tables[name] = self.con.table(name)
        return r.tables[name]

    def _define_view(self, name: str) -> None:
        assert self.lake is not None and self._reader is not None
        pin = None
        if name == IMPORTS_TABLE:
            cols = list(IMPORTS_COLUMNS)
        elif name == ROLLUP:
            cols = rollup_columns()
        elif name == MONTHLY:
            cols = month_columns()
        elif name in RECORD_TYPES:
            cols = columns_of(RECORD_TYPES[name])
            pin = self._logged_version(name)
        else:
            raise StoreError(f"{self.where}: no records table {name!r}")
        try:
            sql, version = self.lake.view(name, cols, pin)
        except LakeError as exc:
            raise StoreError(str(exc)) from None
        self.con.raw_sql(f'CREATE OR REPLACE VIEW "{name}" AS {sql}')
        self._reader.versions[name] = version

    def _logged_version(self, name: str) -> int | None:
        """The version of table ``name`` to read: the newest, unless imports committed to it
        are not in this store's import log yet (a writer between its data commit and its log
        row), then the one before the first of them. A reader so never sees an import's rows
        without its log row, nor (the log row following the data) the row without the rows."""
        assert self.lake is not None
        logged = fetch_value(self.table(IMPORTS_TABLE).id.max()) or 0
        try:
            pending = self.lake.unlogged_imports(name, int(logged))
        except LakeError as exc:
            raise StoreError(str(exc)) from None
        return pending[0][0] - 1 if pending else None

    def refresh(self, *names: str) -> None:
        """Read the current version of lake tables ``names`` (default: every one asked for)."""
        if self.lake is None:
            return
        wanted = names or tuple(self._tables)
        # the import log first: the other tables are read up to the imports it holds
        for name in sorted(wanted, key=lambda n: n != IMPORTS_TABLE):
            self._tables[name] = self._lake_table(name)

    # -- writing to the lake (the importer calls these) ----------------------------------
    def begin_write(self) -> int:
        """Take the lake's writer lock (waits while another process imports) and return the
        next import id. Held until :meth:`end_write`."""
        assert self.lake is not None
        try:
            self.lake.acquire()
            return self.lake.next_import_id(self.duckdb)
        except LakeError as exc:
            self.lake.release()
            raise StoreError(str(exc)) from None

    def end_write(self) -> None:
        if self.lake is not None:
            self.lake.release()

    def commit_import(
        self,
        rt: RecordType,
        con,
        relation: str,
        import_id: int,
        source: str,
        rows: int,
        written: list[str] | None = None,
    ) -> int:
        """Replace by key the stored rows of ``rt`` with relation ``relation`` of DuckDB
        connection ``con`` (one Delta commit carrying the log row), log the import; returns the
        rows replaced. ``written``: the relation's rows are already these Parquet files of the
        table (csperf.ingest.lake, ``Lake.replace``)."""
        assert self.lake is not None
        log = {"id": import_id, "type": rt.name, "source": source, "rows": rows}
        log["imported_at"] = now()
        try:
            replaced = self.lake.replace(con, rt, relation, log=log, written=written)
        except LakeError as exc:
            raise StoreError(str(exc)) from None
        self.refresh(IMPORTS_TABLE, rt.name)  # the writer sees its own import, log first
        return replaced

    def clear(self, name: str) -> None:
        """Remove every row of table ``name`` (records of one type, or the import log)."""
        if self.lake is None:
            self.con.raw_sql(f'DELETE FROM "{name}"')
            return
        try:
            with self.lake.writer():
                self.lake.clear(name, RECORD_TYPES.get(name))
        except LakeError as exc:
            raise StoreError(str(exc)) from None
        if name in self._tables:
            self.refresh(name)

    def count(self, name: str) -> int:
        return int(self.table(name).count().to_pyarrow().as_py())

    def imports(self) -> list[dict]:
        t = self.table(IMPORTS_TABLE)
        return t.order_by(t.id).to_pyarrow().to_pylist()

    @property
    def duckdb(self):  # the raw duckdb connection of the embedded store (the lake's reader)
        if self.kind not in ("duckdb", "lake"):
            raise StoreError("not a DuckDB store")
        return self.con.con

    def close(self) -> None:
        if self.lake is not None:
            self.lake.release()
        if self._reader is not None and self._kept:
            self._reader.in_use = False  # kept for the thread's next store
            return
        # closing twice or a dropped server is harmless here
        with contextlib.suppress(Exception):
            self.con.disconnect()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def open_store(
    data_dir: str | Path | None = None,
    records_url: str | None = None,
    *,
    create: bool = True,
) -> Store:
    """Open (and by default create) the records store."""
    url = resolve_records_url(records_url)
    if spark.is_spark_url(url):  # the lake read by a SparkSession (csperf.ingest.spark)
        try:
            con = spark.connect(url, resolve_data_dir(data_dir))
        except spark.SparkError as exc:
            raise StoreError(str(exc)) from None
        store = Store(con, where=url)
    elif url:
        try:
            con = ibis.connect(url)
        except Exception as exc:
            raise StoreError(
                f"cannot connect to CSPERF_RECORDS_URL {_redact(url)}: {exc}"
            ) from None
        store = Store(con, where=_redact(url))
    else:
        d = resolve_data_dir(data_dir)
        lake = Lake(d / LAKE_DIR)
        old = d / DB_FILE
        if not lake.root.is_dir() and old.exists():
            raise StoreError(
                f"{old}: the records are in the older single-file store; convert them once with"
                f" `csperf records migrate --from {old} --data {d}`"
            )
        if not create and not lake.has_records():
            raise StoreError(f"{d}: no records yet (import some, or run `csperf demo-data`)")
        try:
            lake.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"{d}: cannot create the data directory: {exc.strerror}") from None
        reader, kept = _reader(lake)
        store = Store(reader.con, where=str(lake.root), lake=lake, reader=reader, kept=kept)
    store.ensure_tables()
    return store


def records_exist(data_dir: str | Path | None = None) -> bool:
    """Whether the data directory holds records (the lake, or the older single file)."""
    d = resolve_data_dir(data_dir)
    return Lake(d / LAKE_DIR).has_records() or (d / DB_FILE).exists()


def _redact(url: str) -> str:
    """Hide a password in a connection URL."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        cred, host = rest.rsplit("@", 1)
        if ":" in cred:
            cred = cred.split(":", 1)[0] + ":***"
        return f"{scheme}://{cred}@{host}"
    return url


def now() -> datetime:
    return datetime.now().replace(microsecond=0)
