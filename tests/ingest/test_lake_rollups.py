"""The calls rollup kept at import and the import log in the data commit: an import rewrites the
rollup of the days it touched only (and equals a rollup built from scratch), a reader never sees
an import's rows without its log row, and a crashed writer's import is logged by the next."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from decimal import Decimal as D

import duckdb
import pyarrow as pa
import pytest

from csperf.cli.main import main as cli_main
from csperf.ingest.importer import write_typed
from csperf.ingest.lake import IMPORT_META, Lake, LakeError
from csperf.ingest.rollups import (
    BUILT_FROM,
    MONTHLY,
    ROLLUP,
    built_from,
    columns,
    month_columns,
    rebuild,
)
from csperf.ingest.schema import CALLS
from csperf.ingest.store import StoreError, open_store

pytestmark = pytest.mark.filterwarnings("ignore:fetch_arrow_table:DeprecationWarning")


def calls(rows: list[tuple[str, str, str | None, int]]) -> pa.Table:
    """(call id, offered at, customer, wait) rows of answered inbound calls of agent A1."""
    cols = {c.name: [None] * len(rows) for c in CALLS.stored_columns}
    cols["call_id"] = [r[0] for r in rows]
    cols["offered_at"] = [dt.datetime.fromisoformat(r[1]) for r in rows]
    cols["customer_id"] = [r[2] for r in rows]
    cols["wait_s"] = [D(r[3]) for r in rows]
    cols["direction"] = ["inbound"] * len(rows)
    cols["outcome"] = ["answered"] * len(rows)
    cols["agent_id"] = ["A1"] * len(rows)
    cols["queue"] = ["Q1"] * len(rows)
    types = {"duration": pa.decimal128(14, 3), "timestamp": pa.timestamp("us")}
    kinds = {"int": pa.int64(), "bool": pa.bool_()}
    return pa.table(
        {
            c.name: pa.array(cols[c.name], types.get(c.kind, kinds.get(c.kind, pa.string())))
            for c in CALLS.stored_columns
        }
    )


def rollup_rows(lake: Lake, table: str = ROLLUP) -> list[tuple]:
    con = duckdb.connect()
    cols = columns() if table == ROLLUP else month_columns()
    names = ", ".join(n for n, _, _ in cols)
    sql = lake.view_sql(table, cols)
    return con.execute(f"SELECT {names} FROM ({sql}) ORDER BY ALL").fetchall()


def from_scratch(lake: Lake) -> tuple[list[tuple], list[tuple]]:
    con = duckdb.connect()
    with lake.writer():
        rebuild(lake, con)
    return rollup_rows(lake), rollup_rows(lake, MONTHLY)


@pytest.fixture
def store(tmp_path):
    s = open_store(tmp_path / "data")
    yield s
    s.close()


def test_an_import_rewrites_the_rollup_of_its_days_only(store):
    lake = store.lake
    write_typed(
        store,
        CALLS,
        [
            calls(
                [
                    ("C1", "2026-02-27 10:00:00", "K1", 5),
                    ("C2", "2026-03-01 09:00:00", "K1", 30),  # C1's repeat within 48 h
                    ("C3", "2026-03-20 09:00:00", "K2", 10),
                    ("C4", "2026-04-02 09:00:00", "K3", 10),
                ]
            )
        ],
        source="a",
    )
    april = sorted((lake.path(ROLLUP) / "_month=2026-04").iterdir())
    # C2 moves to mid March: C1 on 02-27 is no longer repeated, February's rollup changes
    write_typed(store, CALLS, [calls([("C2", "2026-03-15 09:00:00", "K1", 30)])], source="b")
    assert sorted((lake.path(ROLLUP) / "_month=2026-04").iterdir()) == april  # untouched
    rows = rollup_rows(lake)
    by_day = {r[0]: r for r in rows}
    assert set(by_day) == {
        dt.date(2026, 2, 27),
        dt.date(2026, 3, 15),
        dt.date(2026, 3, 20),
        dt.date(2026, 4, 2),
    }
    names = [n for n, _, _ in columns()]
    feb = dict(zip(names, by_day[dt.date(2026, 2, 27)], strict=True))
    assert feb["n"] == 1 and feb["n_repeat_72h"] == 0 and feb["n_wait_le_10"] == 1
    monthly = rollup_rows(lake, MONTHLY)
    assert sum(r[names.index("n")] for r in monthly) == 4  # _first in place of _day
    assert {r[0] for r in monthly} == {
        dt.date(2026, 2, 1),
        dt.date(2026, 3, 1),
        dt.date(2026, 4, 1),
    }
    assert (rows, monthly) == from_scratch(lake)


def test_the_rollup_records_the_calls_version_it_was_built_from(store):
    write_typed(store, CALLS, [calls([("C1", "2026-03-02 09:00:00", "K1", 5)])], source="a")
    lake = store.lake
    for table in (ROLLUP, MONTHLY):
        assert built_from(lake, lake.version(table), table) == lake.version("calls")
        assert BUILT_FROM in lake.commit_info(table, lake.version(table))
    store.clear("calls")
    assert rollup_rows(lake) == [] and rollup_rows(lake, MONTHLY) == []
    assert built_from(lake, lake.version(MONTHLY), MONTHLY) == lake.version("calls")


def test_the_import_log_row_is_in_the_data_commit(store):
    res = write_typed(store, CALLS, [calls([("C1", "2026-03-02 09:00:00", "K1", 5)])], source="x")
    info = store.lake.commit_info("calls", store.lake.version("calls"))
    row = json.loads(info[IMPORT_META])
    assert (row["id"], row["type"], row["source"], row["rows"]) == (res.import_id, "calls", "x", 1)
    assert [r["id"] for r in store.imports()] == [res.import_id]


def test_a_reader_never_sees_rows_without_their_log_row(store, tmp_path, monkeypatch):
    write_typed(store, CALLS, [calls([("C1", "2026-03-02 09:00:00", "K1", 5)])], source="a")

    def crash(self, rows):
        if rows:
            raise LakeError("the writer died before logging")

    with monkeypatch.context() as m:
        m.setattr(Lake, "log_imports", crash)
        with pytest.raises(StoreError):
            write_typed(store, CALLS, [calls([("C2", "2026-03-03 09:00:00", "K1", 5)])], source="b")
    with open_store(tmp_path / "data") as reader:
        assert reader.count("calls") == 1  # the data commit is in, its log row is not
        assert [r["source"] for r in reader.imports()] == ["a"]
    # the next writer logs the crashed import first: its rows and its row appear together
    write_typed(store, CALLS, [calls([("C3", "2026-03-04 09:00:00", "K2", 5)])], source="c")
    with open_store(tmp_path / "data") as reader:
        assert reader.count("calls") == 3
        assert [r["source"] for r in reader.imports()] == ["a", "b", "c"]


def test_records_rollup_builds_the_rollups_of_an_older_lake(store, tmp_path, capsys):
    write_typed(store, CALLS, [calls([("C1", "2026-03-02 09:00:00", "K1", 5)])], source="a")
    lake = store.lake
    want = rollup_rows(lake), rollup_rows(lake, MONTHLY)
    for table in (ROLLUP, MONTHLY):  # as an older csperf left it
        shutil.rmtree(lake.path(table))
    assert cli_main(["records", "rollup", "--data", str(tmp_path / "data")]) == 0
    assert "rebuilt" in capsys.readouterr().out
    assert (rollup_rows(lake), rollup_rows(lake, MONTHLY)) == want
    assert built_from(lake, lake.version(ROLLUP)) == lake.version("calls")
