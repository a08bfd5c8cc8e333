"""The same records in DuckDB and in PostgreSQL give identical results for the whole library.

Runs whenever a PostgreSQL answers at 127.0.0.1:5432 (user postgres, trust auth), in a throwaway
database that is dropped afterwards; skipped otherwise.
"""

from __future__ import annotations

import os
import uuid

import pytest

from csperf.ingest.demo import generate_demo
from csperf.ingest.store import open_store
from csperf.metrics import LEVELS, Engine
from csperf.metrics.indicators import LIB
from tests.metrics.conftest import load_into, write_files

# Ibis 12 still calls DuckDB's deprecated fetch_arrow_table(); not ours to fix
pytestmark = pytest.mark.filterwarnings("ignore:fetch_arrow_table:DeprecationWarning")

PG = dict(host=os.environ.get("CSPERF_TEST_PGHOST", "127.0.0.1"), port=5432, user="postgres")


def _admin():
    psycopg = pytest.importorskip("psycopg")
    try:
        con = psycopg.connect(**PG, dbname="postgres", connect_timeout=3, autocommit=True)
    except psycopg.OperationalError as exc:
        pytest.skip(f"no PostgreSQL at {PG['host']}:5432: {str(exc).splitlines()[0]}")
    return con


@pytest.fixture(scope="module")
def pg_url():
    admin = _admin()
    name = f"csperf_test_{uuid.uuid4().hex[:10]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgres://{PG['user']}@{PG['host']}:{PG['port']}/{name}"
    finally:
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,)
        )
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.close()


def _all_codes():
    return [c for c, i in LIB.items() if i.available]


PARAM_VARIANTS = [
    None,
    [
        "first_contact_resolution.source=calls",
        "csat_mean.source=calls",
        "csat_top2.source=calls",
        "service_level.threshold_s=30",
        "service_level.denominator=offered_less_short_abandons",
        "abandon_rate.count_timeouts=true",
        "qc_score_mean.use_recheck=false",
        "calls_handled_vs_mean.peers=team",
        "answer_rate.tiers=vip",
    ],
]


def _compare(duck: Engine, pg: Engine, periods):
    codes = _all_codes()
    for period, start_day in periods:
        for level in LEVELS:
            for params in PARAM_VARIANTS:
                a = duck.compute(period, level, codes, params, period_start_day=start_day)
                b = pg.compute(period, level, codes, params, period_start_day=start_day)
                assert a == b, (period, level, params)


def test_hand_written_records_compute_identically(pg_url, tmp_path):
    files = write_files(tmp_path / "files")
    duck_store = open_store(tmp_path / "duck")
    pg_store = open_store(records_url=pg_url)
    assert pg_store.kind == "postgres"
    load_into(duck_store, files)
    load_into(pg_store, files)
    load_into(pg_store, files)  # re-import into PostgreSQL: replaced, not duplicated
    duck, pg = Engine(duck_store), Engine(pg_store)
    try:
        assert pg_store.count("calls") == duck_store.count("calls") == 16
        _compare(duck, pg, [("2026-03", 1), ("2026-Q1", 1), ("2026-03", 26), ("2026", 1)])
        assert duck.intervals("2026-03-02", "2026-03-03", 15) == pg.intervals(
            "2026-03-02", "2026-03-03", 15
        )
        for code, subject in [
            ("asa", "A1"),
            ("nps", "center"),
            ("plan_completion_rate", "T1"),
            ("first_contact_resolution", "D1"),
        ]:
            assert duck.explain(code, subject, "2026-03") == pg.explain(code, subject, "2026-03")
    finally:
        duck.close()
        pg.close()


def test_demo_centre_computes_identically(pg_url, tmp_path):
    duck_store = open_store(tmp_path / "duck")
    pg_store = open_store(records_url=pg_url)
    for s in (duck_store, pg_store):
        generate_demo(s, agents=24, months=1, seed=7, until="2026-03", replace=True)
    duck, pg = Engine(duck_store), Engine(pg_store)
    try:
        for t in ("calls", "tickets", "surveys", "attendance", "plans"):
            assert duck_store.count(t) == pg_store.count(t)
        _compare(duck, pg, [("2026-03", 1), ("2026-03", 26)])
        assert duck.intervals("2026-03-04", minutes=30) == pg.intervals("2026-03-04", minutes=30)
    finally:
        duck.close()
        pg.close()
