"""Where imported records live: an Ibis connection.

The embedded default is a DuckDB file ``records.duckdb`` in the data directory (``--data DIR``,
else ``$CSPERF_DATA``, else ``./csperf-data``). ``$CSPERF_RECORDS_URL`` (or ``records_url=``)
names any other Ibis backend instead, e.g. ``postgres://user@host:5432/db``; the indicator
definitions run on it unchanged.
"""

from __future__ import annotations

import contextlib
import os
from datetime import datetime
from pathlib import Path

import ibis
import ibis.expr.datatypes as dt

from csperf.ingest.schema import RECORD_TYPES, RecordType

DEFAULT_DATA_DIR = "csperf-data"
DB_FILE = "records.duckdb"
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


def resolve_data_dir(data_dir: str | Path | None = None) -> Path:
    if data_dir:
        return Path(data_dir)
    env = os.environ.get("CSPERF_DATA", "").strip()
    return Path(env) if env else Path(DEFAULT_DATA_DIR)


def resolve_records_url(records_url: str | None = None) -> str | None:
    url = records_url or os.environ.get("CSPERF_RECORDS_URL", "").strip()
    return url or None


class Store:
    """An open records store. ``con`` is the Ibis backend; ``kind`` its name."""

    def __init__(self, con: ibis.BaseBackend, *, where: str) -> None:
        self.con = con
        self.kind = con.name
        self.where = where
        self._tables: dict[str, ibis.Table] = {}

    # -- tables ------------------------------------------------------------------------
    def ensure_tables(self) -> None:
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
            self._tables[name] = self.con.table(name)
        return self._tables[name]

    def count(self, name: str) -> int:
        return int(self.table(name).count().to_pyarrow().as_py())

    def imports(self) -> list[dict]:
        t = self.table(IMPORTS_TABLE)
        return t.order_by(t.id).to_pyarrow().to_pylist()

    @property
    def duckdb(self):  # the raw duckdb connection of the embedded store
        if self.kind != "duckdb":
            raise StoreError("not a DuckDB store")
        return self.con.con

    def close(self) -> None:
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
    if url:
        try:
            con = ibis.connect(url)
        except Exception as exc:
            raise StoreError(
                f"cannot connect to CSPERF_RECORDS_URL {_redact(url)}: {exc}"
            ) from None
        store = Store(con, where=_redact(url))
    else:
        d = resolve_data_dir(data_dir)
        path = d / DB_FILE
        if not path.exists() and not create:
            raise StoreError(f"{d}: no records yet (import some, or run `csperf demo-data`)")
        try:
            d.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"{d}: cannot create the data directory: {exc.strerror}") from None
        try:
            con = ibis.duckdb.connect(str(path))
        except Exception as exc:
            raise StoreError(f"{path}: cannot open the records database: {exc}") from None
        # bounded memory: large imports and queries spill to disk instead of growing
        mem = os.environ.get("CSPERF_DUCKDB_MEMORY", "3GB")
        try:
            con.raw_sql(f"SET memory_limit = '{mem}'")
            con.raw_sql("SET preserve_insertion_order = false")
            con.raw_sql("SET enable_progress_bar = false")
        except Exception as exc:
            raise StoreError(f"CSPERF_DUCKDB_MEMORY={mem!r}: {exc}") from None
        store = Store(con, where=str(path))
    store.ensure_tables()
    return store


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
