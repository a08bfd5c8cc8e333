"""The one-pass import of a CSV into the lake: the typed, checked rows are written once as the
table's Parquet files, settled into their month, and committed; a failed import leaves no file."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pyarrow as pa
import pytest
from deltalake import DeltaTable

from csperf.ingest.importer import import_file
from csperf.ingest.lake import INCOMING, LAKE_DIR
from csperf.ingest.problems import ImportFailed
from csperf.ingest.store import open_store

pytestmark = pytest.mark.filterwarnings("ignore:fetch_arrow_table:DeprecationWarning")

ROSTER = """
id,name,team,department,position,supervisor,hired_at
E1,张三,T1,D1,agent,,2025-01-01
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


def calls_csv(path: Path, rows: list[tuple[str, str, str]]) -> Path:
    lines = ["call_id,agent_id,offered_at,wait_s,outcome"]
    lines += [f"{cid},{agent},{ts},5,answered" for cid, agent, ts in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def parquet_files(tmp_path: Path) -> set[str]:
    root = tmp_path / "data" / LAKE_DIR / "calls"
    return {str(p.relative_to(root)) for p in root.rglob("*.parquet")}


def add_actions(table: DeltaTable) -> list[dict]:
    return pa.table(table.get_add_actions(flatten=True)).to_pylist()


def test_a_one_month_file_is_written_once_into_its_month(store, tmp_path):
    f = calls_csv(
        tmp_path / "c.csv",
        [("C1", "E1", "2026-03-02 09:00:00"), ("C2", "E1", "2026-03-31 23:59:59")],
    )
    import_file("calls", f, store=store)
    files = parquet_files(tmp_path)
    assert [p.split("/")[0] for p in files] == ["_month=2026-03"]
    table = DeltaTable(str(tmp_path / "data" / LAKE_DIR / "calls"))
    assert {a["partition._month"] for a in add_actions(table)} == {"2026-03"}
    assert store.count("calls") == 2


def test_a_file_of_several_months_is_partitioned_by_month(store, tmp_path):
    rows = [("C1", "E1", "2026-03-02 09:00:00"), ("C2", "E1", "2026-04-01 00:00:00")]
    import_file("calls", calls_csv(tmp_path / "c.csv", rows), store=store)
    table = DeltaTable(str(tmp_path / "data" / LAKE_DIR / "calls"))
    got = {(a["partition._month"], a["num_records"]) for a in add_actions(table)}
    assert got == {("2026-03", 1), ("2026-04", 1)}
    assert not list((tmp_path / "data" / LAKE_DIR / "calls" / INCOMING).iterdir())


@pytest.mark.parametrize(
    "rows",
    [
        [("C1", "E1", "2026-03-02 09:00:00"), ("C1", "E1", "2026-03-02 10:00:00")],  # same key
        [("C1", "E1", "2026-03-02 09:00:00"), ("C2", "E9", "2026-03-02 10:00:00")],  # roster
        [("C1", "E1", "2026-03-02 09:00:00"), ("C2", "E1", "not a time")],  # a bad cell
    ],
    ids=["duplicate", "unknown-agent", "bad-cell"],
)
def test_a_failed_import_commits_nothing_and_leaves_no_file(store, tmp_path, rows):
    import_file(
        "calls", calls_csv(tmp_path / "ok.csv", [("C0", "E1", "2026-03-01 08:00:00")]), store=store
    )
    before = parquet_files(tmp_path)
    with pytest.raises(ImportFailed) as err:
        import_file("calls", calls_csv(tmp_path / "bad.csv", rows), store=store)
    assert all(p.row is not None for p in err.value.problems)
    assert parquet_files(tmp_path) == before
    assert store.count("calls") == 1


def test_times_are_cut_to_the_second_and_other_spellings_still_read(store, tmp_path):
    rows = [("C1", "E1", "2026-03-02 09:00:00.700"), ("C2", "E1", "2026/03/02 10:00:00")]
    import_file("calls", calls_csv(tmp_path / "c.csv", rows), store=store)
    got = dict(store.duckdb.execute("SELECT call_id, offered_at FROM calls ORDER BY 1").fetchall())
    assert got == {"C1": dt.datetime(2026, 3, 2, 9), "C2": dt.datetime(2026, 3, 2, 10)}
