"""Indicators from the rollup kept at import equal those from the raw calls: every additive call
indicator, every level, months, quarters and custom month starts, on random calls across month
boundaries imported in several overlapping batches (hypothesis), and on the demo centre."""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from decimal import Decimal as D
from pathlib import Path

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from csperf.ingest.demo import generate_demo
from csperf.ingest.importer import write_typed
from csperf.ingest.rollups import MONTHLY, ROLLUP
from csperf.ingest.schema import CALLS, EMPLOYEES
from csperf.ingest.store import open_store
from csperf.kernel.periods import parse_period
from csperf.metrics import rollups
from csperf.metrics.engine import (
    LEVELS,
    ROLLUPS,
    Engine,
    plan_jobs,
    rollup_parts,
    split_params,
)
from csperf.metrics.indicators import LIB

pytestmark = pytest.mark.filterwarnings("ignore:fetch_arrow_table:DeprecationWarning")

CODES = sorted(ROLLUPS)
# parameter sets the rollup keeps (each must take the rollup path) …
KEPT = [
    {},
    {
        "service_level": {"threshold_s": 30, "denominator": "offered_less_short_abandons"},
        "abandon_rate": {"short_abandon_s": 5, "count_timeouts": True},
        "answer_rate": {"short_abandon_s": 3, "tiers": "vip"},
        "first_contact_resolution": {"source": "calls", "repeat_window_h": 24},
        "aht": {"include_hold": False, "direction": "all"},
        "calls_offered": {"direction": "all", "tiers": "VIP,normal"},
        "csat_mean": {"source": "calls"},
        "csat_top2": {"source": "calls"},
    },
    {
        "service_level": {
            "threshold_s": 10,
            "denominator": "offered_less_abandons_within_threshold",
        },
        "abandon_rate": {"denominator": "answered"},
        "first_contact_resolution": {"source": "calls"},
        "calls_handled_vs_mean": {"peers": "team"},
        "csat_top2": {"source": "calls", "scale": 4},
    },
]
# … and one it does not (the raw calls answer)
NOT_KEPT = {
    "service_level": {"threshold_s": 25},
    "abandon_rate": {"short_abandon_s": 4},
    "csat_top2": {"source": "calls", "scale": 7},
}

AGENTS = ["A1", "A2", "A3", "A4", None]
ROSTER = pa.table(
    {
        "id": ["A1", "A2", "A3", "A4"],
        "name": ["Alice", "Bob", "Cara", "Dan"],
        "team": ["T1", "T1", "T2", "T3"],
        "department": ["D1", "D1", "D1", "D2"],
        "position": ["agent"] * 4,
        "hired_at": [dt.date(2024, 1, 1)] * 4,
    }
)
START = dt.datetime(2026, 3, 28)  # calls from late March to early April, around midnight too


def _secs(draw, nullable=True):
    v = draw(st.one_of(st.none(), st.integers(0, 130)) if nullable else st.integers(0, 130))
    if v is None:
        return None
    return D(v) + draw(st.sampled_from([D(0), D("0.5"), D("0.999")]))


@st.composite
def call(draw) -> dict:
    inbound = draw(st.booleans())
    outcomes = (
        ["answered", "abandoned", "blocked", "timeout", "exited"]
        if inbound
        else ["connected", "no_answer", "busy"]
    )
    outcome = draw(st.sampled_from(outcomes))
    agent = draw(st.sampled_from(AGENTS)) if outcome in ("answered", "connected") else None
    hours = draw(st.integers(0, 24 * 9))
    return {
        "call_id": f"C{draw(st.integers(0, 60))}",
        "direction": "inbound" if inbound else "outbound",
        "queue": draw(st.sampled_from(["Q1", "Q2", None])),
        "agent_id": agent,
        "customer_id": draw(st.sampled_from(["K1", "K2", "K3", None])),
        "customer_tier": draw(st.sampled_from(["vip", "VIP", "normal", None])),
        "offered_at": START + dt.timedelta(hours=hours, seconds=draw(st.integers(0, 3599))),
        "wait_s": _secs(draw),
        "talk_s": _secs(draw),
        "hold_s": _secs(draw),
        "wrap_s": _secs(draw),
        "outcome": outcome,
        "transferred": draw(st.sampled_from([True, False, None])),
        "rating": draw(st.one_of(st.none(), st.integers(1, 5))),
    }


def _table(rows: list[dict]) -> pa.Table:
    by_id = {r["call_id"]: r for r in rows}  # one row per key within a batch
    out = {c.name: [r.get(c.name) for r in by_id.values()] for c in CALLS.stored_columns}
    types = {"duration": pa.decimal128(14, 3), "timestamp": pa.timestamp("us")}
    return pa.table(
        {
            c.name: pa.array(out[c.name], types.get(c.kind, _arrow(c.kind)))
            for c in CALLS.stored_columns
        }
    )


def _arrow(kind: str) -> pa.DataType:
    return {"int": pa.int64(), "bool": pa.bool_()}.get(kind, pa.string())


def both(store, period, level, params) -> tuple[list, list]:
    fast, slow = Engine(store), Engine(store, use_rollups=False)
    return (
        fast.compute(period, level, CODES, params),
        slow.compute(period, level, CODES, params),
    )


def assert_rollup_used(store, params) -> None:
    assert rollups.usable(store) and rollups.usable(store, MONTHLY)

    jobs = plan_jobs([LIB[c] for c in CODES], split_params(params), parse_period("2026-03"))
    for j in jobs:  # every job on calls alone (FCR from tickets is not)
        calls = all(a.source == "calls" for lst in j.aggs.values() for _, a in lst)
        assert (rollup_parts(j) is not None) == calls, j.ind.code


@pytest.fixture(scope="module")
def lake_root():
    d = Path(tempfile.mkdtemp(prefix="csperf-rollups-"))
    yield d
    shutil.rmtree(d, ignore_errors=True)


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(batches=st.lists(st.lists(call(), min_size=1, max_size=40), min_size=1, max_size=3))
def test_random_calls_rollup_equals_raw(lake_root, batches):
    data = Path(tempfile.mkdtemp(dir=lake_root))
    store = open_store(data)
    try:
        write_typed(store, EMPLOYEES, [ROSTER], source="roster")
        for i, b in enumerate(batches):  # later batches replace calls by id (re-imports)
            write_typed(store, CALLS, [_table(b)], source=f"batch{i}")
        for params in KEPT:
            assert_rollup_used(store, params)
            # a calendar month, and months starting on the 2nd (2026-04: 03-02 … 04-01)
            for period in ("2026-03", parse_period("2026-04", 2)):
                for level in LEVELS:
                    fast, slow = both(store, period, level, params)
                    assert fast == slow, (period, level, params)
        fast, slow = both(store, "2026-04", "team", NOT_KEPT)
        assert fast == slow
    finally:
        store.close()
        shutil.rmtree(data, ignore_errors=True)


def test_demo_centre_rollup_equals_raw(tmp_path):
    store = open_store(tmp_path / "demo")
    try:
        generate_demo(store, agents=24, months=2, seed=7, until="2026-03", replace=True)
        for params in KEPT:
            assert_rollup_used(store, params)
            for period in ("2026-03", "2026-Q1", parse_period("2026-03", 26)):
                for level in LEVELS:
                    fast, slow = both(store, period, level, params)
                    assert fast == slow, (period, level, params)
                    assert any(v not in (None, 0) for r in fast for v in r.values())
    finally:
        store.close()


def test_a_lake_without_rollup_reads_the_raw_calls(tmp_path):
    store = open_store(tmp_path / "d")
    try:
        write_typed(store, EMPLOYEES, [ROSTER], source="roster")
        rows = [
            {
                "call_id": "C1",
                "direction": "inbound",
                "agent_id": "A1",
                "offered_at": dt.datetime(2026, 3, 2, 9),
                "wait_s": D(12),
                "outcome": "answered",
            }
        ]
        write_typed(store, CALLS, [_table(rows)], source="c")
        codes = ["service_level", "calls_answered"]
        want = Engine(store).compute("2026-03", "employee", codes)
        for table in (ROLLUP, MONTHLY):  # a lake an older csperf wrote
            shutil.rmtree(store.lake.path(table))
        store.refresh()
        assert not rollups.usable(store)
        assert Engine(store).compute("2026-03", "employee", codes) == want
        assert want[0]["calls_answered"] == 1 and want[0]["service_level"] == 1
    finally:
        store.close()
