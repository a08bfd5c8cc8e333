"""Where an import's rows go and how they are stored atomically: the target table (the
DuckDB store's own, or a staging table), the checks over the stored rows (duplicate keys,
roster references) and the replace-by-key commit of each kind of store."""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from pathlib import Path

import duckdb
import pyarrow as pa

from csperf.ingest.plan import q
from csperf.ingest.schema import SQL_TYPES, RecordType
from csperf.ingest.store import IMPORTS_TABLE, Store, now


def create_table_sql(
    name: str, rt: RecordType, *, temp: bool = False, with_row: bool = False
) -> str:
    cols = [f"{q(c.name)} {SQL_TYPES[c.kind]}" for c in rt.stored_columns]
    cols.append(f"{q('_row' if with_row else '_import')} BIGINT")
    return f"CREATE {'TEMP ' if temp else ''}TABLE {q(name)} ({', '.join(cols)})"


def key_eq(rt: RecordType, a: str, b: str) -> str:
    return " AND ".join(f"{a}.{q(k)} = {b}.{q(k)}" for k in rt.key)


def keys_sql(rt: RecordType) -> str:
    return ", ".join(q(k) for k in rt.key)


class Target:
    """Where the fast pass writes: the store's own table (DuckDB) or a local staging table."""

    def __init__(self, store: Store, rt: RecordType) -> None:
        self.store = store
        self.rt = rt
        self.native = store.kind == "duckdb"
        if self.native:
            self.con = store.duckdb
            self.table = rt.name
            self.roster = "SELECT id FROM employees"
        elif store.kind == "lake":
            # the lake's own in-memory DuckDB stages the import (csperf.ingest.lake)
            self.con = store.duckdb
            self.table = "stage"
            self.con.execute("DROP TABLE IF EXISTS stage")
            self.con.execute(create_table_sql("stage", rt, temp=True))
            self.roster = "SELECT id FROM employees" + (
                " UNION ALL SELECT id FROM stage" if rt.name == "employees" else ""
            )
            store.table("employees")  # defines the roster's view
        else:
            self._open_staging(store, rt)
        define_macros(self.con)

    def _open_staging(self, store: Store, rt: RecordType) -> None:
        """A DuckDB of its own in a fresh spill directory, removed by :meth:`close` (or here
        when opening fails): one is made per import, so a kept one piles up."""
        self.stage_dir = tempfile.mkdtemp(prefix="csperf-stage-")
        self.con = None
        try:
            self.con = duckdb.connect(
                config={"temp_directory": self.stage_dir, "memory_limit": "2GB"}
            )
            self.table = "stage"
            self.con.execute(create_table_sql("stage", rt))
            ids = store.table("employees").select("id").to_pyarrow()
            self.con.register("_roster_arrow", ids)
            self.con.execute("CREATE TABLE roster_ids AS SELECT id FROM _roster_arrow")
            self.con.unregister("_roster_arrow")
            self.roster = "SELECT id FROM roster_ids" + (
                " UNION ALL SELECT id FROM stage" if rt.name == "employees" else ""
            )
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        if self.native:
            return
        if self.store.kind == "lake":
            with contextlib.suppress(duckdb.Error):
                self.con.execute("DROP TABLE IF EXISTS stage")
            self.store.end_write()
            return
        try:
            if self.con is not None:
                self.con.close()
        finally:
            shutil.rmtree(self.stage_dir, ignore_errors=True)


def define_macros(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        "CREATE OR REPLACE TEMP MACRO quote_cell(x) AS "
        "'''' || CASE WHEN length(x) > 40 THEN left(x, 40) || '…' ELSE x END || ''''"
    )


def next_import_id(store: Store, con, native: bool) -> int:
    if store.kind == "lake":  # takes the lake's writer lock until the import ends
        return store.begin_write()
    if native:
        return int(
            con.execute(f"SELECT COALESCE(max(id), 0) + 1 FROM {IMPORTS_TABLE}").fetchone()[0]
        )
    t = store.table(IMPORTS_TABLE)
    v = t.id.max().to_pyarrow().as_py()
    return int(v or 0) + 1


def has_duplicates(con, target: Target, import_id: int) -> bool:
    """Duplicate keys among the rows of this import. A 64-bit hash of the key finds candidates
    quickly; only when there are some is the exact (slower) check run."""
    keys = keys_sql(target.rt)
    t = q(target.table)
    cand = con.execute(
        f"SELECT 1 FROM {t} WHERE _import = {import_id} GROUP BY hash({keys})"
        " HAVING count(*) > 1 LIMIT 1"
    ).fetchall()
    if not cand:
        return False
    r = con.execute(
        f"SELECT 1 FROM {t} WHERE _import = {import_id} GROUP BY {keys} HAVING count(*) > 1 LIMIT 1"
    ).fetchall()
    return bool(r)


def ref_columns(rt: RecordType) -> list[str]:
    return [c.name for c in rt.columns if c.ref == "employees"]


def has_bad_refs(con, target: Target, import_id: int) -> bool:
    for col in ref_columns(target.rt):
        r = con.execute(
            f"SELECT 1 FROM {q(target.table)} c WHERE c._import = {import_id} AND c.{q(col)} IS NOT NULL"
            f" AND c.{q(col)} NOT IN ({target.roster}) LIMIT 1"
        ).fetchall()
        if r:
            return True
    return False


def replace_and_log(con, target: Target, import_id: int, source: str, rows: int) -> int:
    rt = target.rt
    replaced = 0
    if target.native:
        keys = keys_sql(rt)
        older = con.execute(
            f"SELECT 1 FROM {q(rt.name)} WHERE _import <> {import_id} LIMIT 1"
        ).fetchall()
        r = (
            []
            if not older
            else con.execute(
                f"DELETE FROM {q(rt.name)} o USING (SELECT {keys} FROM {q(rt.name)}"
                f" WHERE _import = {import_id}) n WHERE o._import <> {import_id} AND {key_eq(rt, 'o', 'n')}"
            ).fetchall()
        )
        replaced = int(r[0][0]) if r else 0
        con.execute(
            f"INSERT INTO {IMPORTS_TABLE} VALUES (?, ?, ?, ?, ?, ?)",
            [import_id, rt.name, source, rows, replaced, now()],
        )
    return replaced


def transfer(store: Store, target: Target, import_id: int, source: str, rows: int) -> int:
    """Move the checked rows of a local staging table into a non-DuckDB store, atomically."""
    rt = target.rt
    names = [*(c.name for c in rt.stored_columns), "_import"]
    if store.kind == "lake":  # one Delta commit per table (csperf.ingest.lake)
        return store.commit_import(rt, target.con, "stage", import_id, source, rows)
    if store.kind == "postgres":
        return _transfer_postgres(store, target, names, import_id, source, rows)
    # other Ibis backends: insert through Ibis (atomic only where the backend has transactions)
    arrow = target.con.execute(f"SELECT {', '.join(map(q, names))} FROM stage").fetch_arrow_table()
    stage = f"_csperf_stage_{import_id}"
    store.con.create_table(stage, arrow, overwrite=True)
    try:
        cond = " AND ".join(f"s.{q(k)} = t.{q(k)}" for k in rt.key)
        store.con.raw_sql(
            f"DELETE FROM {q(rt.name)} t WHERE EXISTS (SELECT 1 FROM {q(stage)} s WHERE {cond})"
        )
        store.con.insert(rt.name, store.con.table(stage))
        store.con.insert(
            IMPORTS_TABLE,
            pa.table(
                {
                    "id": [import_id],
                    "type": [rt.name],
                    "source": [source],
                    "rows": [rows],
                    "replaced": [0],
                    "imported_at": [now()],
                }
            ),
        )
    finally:
        store.con.drop_table(stage, force=True)
    return 0


def _transfer_postgres(
    store: Store, target: Target, names: list[str], import_id: int, source: str, rows: int
) -> int:
    pg = store.con.con  # the psycopg connection under Ibis
    qcols = ", ".join(q(n) for n in names)
    with tempfile.TemporaryDirectory(prefix="csperf-copy-") as tmp:
        csv_path = Path(tmp) / "stage.csv"
        target.con.execute(
            f"COPY (SELECT {qcols} FROM stage) TO '{csv_path}' (FORMAT csv, HEADER false)"
        )
        rt = target.rt
        with pg.transaction(), pg.cursor() as cur:
            cur.execute(f"CREATE TEMP TABLE _csperf_stage (LIKE {q(rt.name)}) ON COMMIT DROP")
            with (
                cur.copy(f"COPY _csperf_stage ({qcols}) FROM STDIN WITH (FORMAT csv)") as cp,
                csv_path.open("rb") as f,
            ):
                while chunk := f.read(1 << 20):
                    cp.write(chunk)
            cur.execute(
                f"DELETE FROM {q(rt.name)} o USING _csperf_stage n WHERE {key_eq(rt, 'o', 'n')}"
            )
            replaced = cur.rowcount
            cur.execute(f"INSERT INTO {q(rt.name)} ({qcols}) SELECT {qcols} FROM _csperf_stage")
            cur.execute(
                f"INSERT INTO {IMPORTS_TABLE} (id, type, source, rows, replaced, imported_at)"
                " VALUES (%s, %s, %s, %s, %s, %s)",
                (import_id, rt.name, source, rows, max(replaced, 0), now()),
            )
    return max(replaced, 0)
