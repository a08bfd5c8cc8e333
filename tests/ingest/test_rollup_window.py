"""Issue 15: the rollup's repeat-call window sorts only the calls that can repeat (inbound, with
a customer) and counts the same repeats as the window over every call; a re-import of a whole
month rewrites it without reading its old rows, and a partly replaced month keeps its others."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal as D

import duckdb
import pyarrow as pa
import pytest

from csperf.ingest.importer import write_typed
from csperf.ingest.lake import columns_of
from csperf.ingest.rollups import REPEAT_WINDOWS, _rows_sql, columns, repeat_in
from csperf.ingest.schema import CALLS
from csperf.ingest.store import open_store

pytestmark = pytest.mark.filterwarnings("ignore:fetch_arrow_table:DeprecationWarning")


def random_calls(n: int, seed: int, *, prefix: str = "C", month: int = 3) -> pa.Table:
    """``n`` calls over a few days of ``month`` 2026 with few customers (many repeats), some
    without a customer, some outbound, some without a direction."""
    rnd = random.Random(seed)
    start = dt.datetime(2026, month, 1)
    cols = {c.name: [None] * n for c in CALLS.stored_columns}
    cols["call_id"] = [f"{prefix}{i}" for i in range(n)]
    cols["offered_at"] = [
        start + dt.timedelta(minutes=rnd.randrange(6 * 24 * 60)) for _ in range(n)
    ]
    cols["customer_id"] = [rnd.choice([None, None, "K1", "K2", "K3", "K4"]) for _ in range(n)]
    cols["direction"] = [rnd.choice(["inbound", "inbound", "outbound", None]) for _ in range(n)]
    cols["outcome"] = [rnd.choice(["answered", "abandoned"]) for _ in range(n)]
    cols["agent_id"] = [rnd.choice(["A1", "A2"]) for _ in range(n)]
    cols["wait_s"] = [D(rnd.randrange(60)) for _ in range(n)]
    types = {"duration": pa.decimal128(14, 3), "timestamp": pa.timestamp("us")}
    kinds = {"int": pa.int64(), "bool": pa.bool_()}
    return pa.table(
        {
            c.name: pa.array(cols[c.name], types.get(c.kind, kinds.get(c.kind, pa.string())))
            for c in CALLS.stored_columns
        }
    )


def reference_repeats(con) -> dict[tuple, tuple]:
    """Repeat counts per (day, agent, direction, customer present) by the definition: an inbound
    call with a customer whose customer calls in again (inbound) within H hours, the next call
    in (offered_at, call_id) order."""
    cols = ", ".join(
        f"count(*) FILTER (WHERE direction = 'inbound' AND customer_id IS NOT NULL"
        f" AND nxt IS NOT NULL AND EPOCH(nxt) - EPOCH(offered_at) <= {h * 3600})"
        for h in REPEAT_WINDOWS
    )
    sql = (
        f"SELECT CAST(offered_at AS DATE), agent_id, direction, customer_id IS NULL, {cols}"
        " FROM (SELECT *, lead(offered_at) OVER (PARTITION BY customer_id, direction"
        " ORDER BY offered_at, call_id) AS nxt FROM t) GROUP BY ALL"
    )
    return {r[:4]: r[4:] for r in con.execute(sql).fetchall()}


def test_repeat_flags_are_unchanged_by_leaving_non_candidates_out_of_the_window():
    con = duckdb.connect()
    con.register("t", random_calls(3000, seed=15))
    names = [n for n, _, _ in columns()]
    rep = [names.index(repeat_in(h)) for h in REPEAT_WINDOWS]
    got: dict[tuple, list[int]] = {}
    sql = _rows_sql("SELECT * FROM t", None, None, None)
    rows = con.execute(sql).fetchall()
    assert sum(r[names.index("n")] for r in rows) == 3000
    # the rollup has no "customer present" dimension: sum the reference over it
    for r in rows:
        key = (r[0], r[1], r[3])
        got[key] = [a + r[i] for a, i in zip(got.get(key, [0, 0, 0]), rep, strict=True)]
    want: dict[tuple, list[int]] = {}
    for (day, agent, direction, _), counts in reference_repeats(con).items():
        key = (day, agent, direction)
        want[key] = [a + b for a, b in zip(want.get(key, [0, 0, 0]), counts, strict=True)]
    assert got == want
    assert sum(sum(v) for v in got.values()) > 0  # the data has repeats to count


def test_the_window_reads_only_inbound_calls_with_a_customer():
    con = duckdb.connect()
    con.register("t", random_calls(50, seed=1))
    sql = _rows_sql("SELECT * FROM t", None, None, None)
    plan = "\n".join(r[1] for r in con.execute(f"EXPLAIN {sql}").fetchall())
    assert "WINDOW" in plan
    # the non-candidates bypass the window: it is not over the whole of t
    assert "PARTITION BY customer_id ORDER BY" in sql
    assert "WHERE direction = 'inbound' AND customer_id IS NOT NULL" in sql


@pytest.fixture
def store(tmp_path):
    s = open_store(tmp_path / "data")
    yield s
    s.close()


def _stored(store) -> dict[str, tuple]:
    con = duckdb.connect()
    sql = store.lake.view_sql("calls", columns_of(CALLS))
    return {
        r[0]: r[1:]
        for r in con.execute(f"SELECT call_id, offered_at, wait_s FROM ({sql})").fetchall()
    }


def test_reimporting_a_whole_month_does_not_read_its_old_files(store, monkeypatch):
    march = random_calls(200, seed=2)
    write_typed(store, CALLS, [march], source="a")
    write_typed(store, CALLS, [random_calls(100, seed=3, prefix="F", month=2)], source="b")
    lake = store.lake
    kept: list[dict] = []
    kept_files = type(lake)._kept_files

    def spy(self, *args):
        kept.append(kept_files(self, *args))
        return kept[-1]

    monkeypatch.setattr(type(lake), "_kept_files", spy)
    res = write_typed(store, CALLS, [random_calls(200, seed=4)], source="c")  # same ids
    assert res.replaced == 200
    assert kept == [{}]  # every March row replaced: no old file is read
    got = _stored(store)
    assert len(got) == 300
    again = random_calls(200, seed=4).to_pylist()
    assert all(got[r["call_id"]] == (r["offered_at"], r["wait_s"]) for r in again)


def test_a_partly_replaced_month_keeps_its_other_rows(store, monkeypatch):
    write_typed(store, CALLS, [random_calls(100, seed=5)], source="a")
    write_typed(store, CALLS, [random_calls(40, seed=6, prefix="F", month=2)], source="b")
    half = random_calls(100, seed=7).slice(0, 50)  # C0..C49 change, C50..C99 stay
    appended = random_calls(10, seed=8, prefix="N")  # new March rows, none replaced
    lake = store.lake
    kept: list[dict] = []
    kept_files = type(lake)._kept_files

    def spy(self, *args):
        kept.append(kept_files(self, *args))
        return kept[-1]

    monkeypatch.setattr(type(lake), "_kept_files", spy)
    res = write_typed(store, CALLS, [half, appended], source="c")
    assert res.replaced == 50
    assert [sorted(k) for k in kept] == [["partial"]]  # February is not touched
    got = _stored(store)
    assert len(got) == 150
    old = random_calls(100, seed=5).to_pylist()
    new = {r["call_id"]: r for r in half.to_pylist()}
    for r in old:
        want = new.get(r["call_id"], r)
        assert got[r["call_id"]] == (want["offered_at"], want["wait_s"])
    assert {k for k in got if k.startswith("N")} == {f"N{i}" for i in range(10)}


def test_a_rollup_month_whose_every_day_is_rewritten_is_not_read(store, monkeypatch):
    def every_day(seed: int) -> pa.Table:
        t = random_calls(310, seed=seed)
        days = [dt.datetime(2026, 3, 1 + i % 31, 9 + i % 7) for i in range(310)]
        return t.set_column(t.schema.get_field_index("offered_at"), "offered_at", [days])

    write_typed(store, CALLS, [every_day(9)], source="a")
    lake = store.lake
    steps: list[tuple] = []
    files_sql, commit_rows = type(lake).month_files_sql, type(lake).commit_rows

    def read(self, name, cols, months):
        steps.append(("read", name, list(months)))
        return files_sql(self, name, cols, months)

    def commit(self, con, name, *args, **kw):
        steps.append(("commit", name))
        return commit_rows(self, con, name, *args, **kw)

    monkeypatch.setattr(type(lake), "month_files_sql", read)
    monkeypatch.setattr(type(lake), "commit_rows", commit)
    write_typed(store, CALLS, [every_day(10)], source="b")  # the same ids: March rewritten
    before = steps[: steps.index(("commit", "_rollup_calls"))]
    assert [s for s in before if s[1] == "_rollup_calls"] == [
        ("read", "_rollup_calls", ["2026-02"])  # the repeat window's days before March only
    ]
    con = duckdb.connect()
    sql = store.lake.view_sql("_rollup_calls", columns())
    n, days = con.execute(f"SELECT sum(n), count(DISTINCT _day) FROM ({sql})").fetchone()
    assert (n, days) == (310, 31)
