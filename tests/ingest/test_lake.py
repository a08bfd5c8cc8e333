"""The records lake: Delta tables partitioned by month, replace-by-key per month, one writer,
readers that never lock, and the migration of an older records.duckdb."""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import textwrap
from decimal import Decimal as D
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest
from deltalake import DeltaTable

from csperf.cli.main import main as cli_main
from csperf.ingest.importer import import_file, write_typed
from csperf.ingest.lake import LAKE_DIR, LOCK_FILE, Lake
from csperf.ingest.schema import CALLS, EMPLOYEES
from csperf.ingest.store import StoreError, open_store

pytestmark = pytest.mark.filterwarnings("ignore:fetch_arrow_table:DeprecationWarning")

ROSTER = """
id,name,team,department,position,supervisor,hired_at
E1,张三,T1,D1,agent,,2025-01-01
E2,李四,T1,D1,agent,E1,2025-02-01
"""


def write(p: Path, text: str) -> Path:
    p.write_text(textwrap.dedent(text).strip() + "\n", encoding="utf-8")
    return p


@pytest.fixture
def store(tmp_path):
    s = open_store(tmp_path / "data")
    import_file("employees", write(tmp_path / "emp.csv", ROSTER), store=s)
    yield s
    s.close()


def calls_csv(path: Path, rows: list[tuple[str, str, int]]) -> Path:
    lines = ["call_id,agent_id,offered_at,wait_s,outcome"]
    lines += [f"{cid},E1,{ts},{wait},answered" for cid, ts, wait in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def month_dirs(lake: Path, name: str) -> list[str]:
    return sorted(p.name for p in (lake / name).iterdir() if p.name.startswith("_month="))


def test_records_are_delta_tables_partitioned_by_month(store, tmp_path):
    f = calls_csv(
        tmp_path / "c.csv",
        [("C1", "2026-03-02 09:00:00", 5), ("C2", "2026-04-01 10:00:00", 7)],
    )
    import_file("calls", f, store=store)
    lake = tmp_path / "data" / LAKE_DIR
    assert (lake / "calls" / "_delta_log").is_dir()
    assert month_dirs(lake, "calls") == ["_month=2026-03", "_month=2026-04"]
    # the roster has no time: one unpartitioned table
    assert not month_dirs(lake, "employees")
    # any Delta reader sees the same rows; without one, the current file list does
    assert DeltaTable(str(lake / "calls")).to_pyarrow_table().num_rows == 2
    files = DeltaTable(str(lake / "calls")).file_uris()
    got = duckdb.sql(f"SELECT call_id FROM read_parquet({files}) ORDER BY 1").fetchall()
    assert got == [("C1",), ("C2",)]
    assert [i["type"] for i in store.imports()] == ["employees", "calls"]


def test_reimport_of_a_month_rewrites_only_that_month(store, tmp_path):
    march = [(f"M{i}", "2026-03-02 09:00:00", 5) for i in range(3)]
    april = [(f"A{i}", "2026-04-02 09:00:00", 5) for i in range(3)]
    import_file("calls", calls_csv(tmp_path / "a.csv", march + april), store=store)
    lake = tmp_path / "data" / LAKE_DIR / "calls"
    april_files = [f for f in DeltaTable(str(lake)).file_uris() if "_month=2026-04" in f]
    again = [(cid, ts, 9) for cid, ts, _ in march]
    res = import_file("calls", calls_csv(tmp_path / "b.csv", again), store=store)
    assert (res.rows, res.replaced) == (3, 3)
    now_files = DeltaTable(str(lake)).file_uris()
    assert [f for f in now_files if "_month=2026-04" in f] == april_files
    t = store.table("calls")
    waits = {r["call_id"]: int(r["wait_s"]) for r in t.to_pyarrow().to_pylist()}
    assert waits == {
        **{f"M{i}": 9 for i in range(3)},
        **{f"A{i}": 5 for i in range(3)},
    }
    # importing the same file again changes nothing
    import_file("calls", calls_csv(tmp_path / "b.csv", again), store=store)
    assert store.count("calls") == 6


def test_a_record_moved_to_another_month_is_kept_once(store, tmp_path):
    import_file(
        "calls", calls_csv(tmp_path / "a.csv", [("C1", "2026-03-31 23:59:00", 5)]), store=store
    )
    res = import_file(
        "calls", calls_csv(tmp_path / "b.csv", [("C1", "2026-04-01 00:01:00", 6)]), store=store
    )
    assert res.replaced == 1
    rows = store.table("calls").to_pyarrow().to_pylist()
    assert [(r["call_id"], r["offered_at"].month) for r in rows] == [("C1", 4)]
    lake = tmp_path / "data" / LAKE_DIR / "calls"
    assert DeltaTable(str(lake)).to_pyarrow_table().num_rows == 1


def test_a_store_opened_earlier_sees_its_snapshot_until_refresh(store, tmp_path):
    import_file(
        "calls", calls_csv(tmp_path / "a.csv", [("C1", "2026-03-02 09:00:00", 5)]), store=store
    )
    other = open_store(tmp_path / "data")
    try:
        assert other.count("calls") == 1
        import_file(
            "calls", calls_csv(tmp_path / "b.csv", [("C2", "2026-03-03 09:00:00", 5)]), store=store
        )
        assert store.count("calls") == 2  # the writer's own store is refreshed
        assert other.count("calls") == 1  # a reader keeps the version it started with
        other.refresh()
        assert other.count("calls") == 2
    finally:
        other.close()


def test_an_import_holds_the_writer_lock_only_while_it_runs(store, tmp_path):
    lock = tmp_path / "data" / LAKE_DIR / LOCK_FILE
    store.begin_write()
    fd = os.open(lock, os.O_RDWR)
    try:
        with pytest.raises(BlockingIOError):
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        store.end_write()
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # free again
        fcntl.flock(fd, fcntl.LOCK_UN)
        import_file(
            "calls", calls_csv(tmp_path / "a.csv", [("C1", "2026-03-02 09:00:00", 5)]), store=store
        )
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # released after the import
    finally:
        os.close(fd)


def test_demo_clear_empties_the_tables(store, tmp_path):
    import_file(
        "calls", calls_csv(tmp_path / "a.csv", [("C1", "2026-03-02 09:00:00", 5)]), store=store
    )
    store.clear("calls")
    store.clear("_imports")
    assert store.count("calls") == 0 and store.imports() == []
    assert store.count("employees") == 2


def _old_store(path: Path) -> None:
    """A records.duckdb as older csperf versions kept it."""
    s = open_store(records_url=f"duckdb://{path}")
    try:
        assert s.kind == "duckdb"
        emp = pa.table(
            {
                "id": ["E1"],
                "name": ["张三"],
                "team": ["T1"],
                "department": ["D1"],
                "position": ["agent"],
            }
        )
        write_typed(s, EMPLOYEES, [emp], source="old roster")
        calls = pa.table(
            {
                "call_id": ["C1", "C2"],
                "agent_id": ["E1", "E1"],
                "queue": ["q", "q"],
                "direction": ["inbound", "inbound"],
                "offered_at": [dt.datetime(2026, 3, 2, 9), dt.datetime(2026, 4, 2, 9)],
                "wait_s": [D(3), D(4)],
                "outcome": ["answered", "answered"],
            }
        )
        write_typed(s, CALLS, [calls], source="old calls")
    finally:
        s.close()


def test_migrate_converts_an_older_duckdb_store_in_one_command(tmp_path, capsys):
    data = tmp_path / "data"
    data.mkdir()
    _old_store(data / "records.duckdb")
    with pytest.raises(StoreError, match="csperf records migrate"):
        open_store(data)
    assert cli_main(["records", "migrate", "--data", str(data)]) == 0
    assert "migrated 3 records and 2 import log entries" in capsys.readouterr().out
    with open_store(data) as s:
        assert s.count("employees") == 1 and s.count("calls") == 2
        assert [(i["id"], i["source"]) for i in s.imports()] == [
            (1, "old roster"),
            (2, "old calls"),
        ]
        assert sorted(s.table("calls")._import.to_pyarrow().to_pylist()) == [2, 2]
        # the next import continues the numbering
        f = calls_csv(tmp_path / "c.csv", [("C3", "2026-04-03 09:00:00", 5)])
        assert import_file("calls", f, store=s).import_id == 3
    assert month_dirs(data / LAKE_DIR, "calls") == ["_month=2026-03", "_month=2026-04"]
    # a second run refuses to overwrite, and says how
    assert cli_main(["records", "migrate", "--data", str(data)]) != 0
    err = capsys.readouterr().err
    assert "already holds records; pass --replace" in err


def test_migrate_names_a_missing_or_foreign_file(tmp_path, capsys):
    assert cli_main(["records", "migrate", "--from", str(tmp_path / "nope.duckdb")]) != 0
    assert "nope.duckdb: no such file" in capsys.readouterr().err
    other = tmp_path / "other.duckdb"
    duckdb.connect(str(other)).close()
    assert cli_main(["records", "migrate", "--from", str(other), "--data", str(tmp_path)]) != 0
    assert "not a csperf records store" in capsys.readouterr().err


def test_lake_lists_what_it_holds(tmp_path):
    lake = Lake(tmp_path / LAKE_DIR)
    assert not lake.has_records() and lake.snapshot("calls") == ([], set(), None)
    assert lake.version("calls") is None


def test_a_thread_reuses_its_reader_and_sees_later_imports(tmp_path):
    data = tmp_path / "data"
    s1 = open_store(data)
    import_file("employees", write(tmp_path / "emp.csv", ROSTER), store=s1)
    con = s1.con
    s1.close()
    s2 = open_store(data)
    assert s2.con is con  # the thread's reader is lent again, with its views
    assert s2.count("calls") == 0
    w = open_store(data)  # s2 is still open: this store gets a reader of its own
    assert w.con is not con
    import_file("calls", calls_csv(tmp_path / "a.csv", [("C1", "2026-03-02 09:00:00", 5)]), store=w)
    w.close()
    assert s2.count("calls") == 0  # s2 keeps its snapshot
    s2.close()
    with open_store(data) as s3:
        assert s3.con is con
        assert s3.count("calls") == 1  # the view is defined again: the table has a new version
        assert [i["type"] for i in s3.imports()] == ["employees", "calls"]


def test_vacuum_deletes_replaced_files_and_keeps_the_records(store, tmp_path, capsys):
    lake = tmp_path / "data" / LAKE_DIR
    rows = [("C1", "2026-03-02 09:00:00", 5), ("C2", "2026-04-02 09:00:00", 5)]
    for _ in range(3):  # each import replaces both months' files
        import_file("calls", calls_csv(tmp_path / "a.csv", rows), store=store)
    on_disk = lambda: sorted(map(str, (lake / "calls").rglob("*.parquet")))  # noqa: E731
    assert len(on_disk()) == 6
    data = str(tmp_path / "data")
    assert cli_main(["records", "vacuum", "--data", data]) == 0  # a week's grace: nothing goes
    assert len(on_disk()) == 6
    assert cli_main(["records", "vacuum", "--keep-hours", "0", "--data", data]) == 0
    assert "calls: 0 small files compacted, 4 unused files deleted" in capsys.readouterr().out
    assert on_disk() == sorted(DeltaTable(str(lake / "calls")).file_uris())
    with open_store(tmp_path / "data") as s:
        assert s.count("calls") == 2 and len(s.imports()) == 4
