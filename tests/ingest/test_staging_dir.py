"""The staging DuckDB of an import into an Ibis store (not the lake) lives in a spill directory
of its own: it is removed after the import, whether it succeeded or failed (issue 15).

The imports run into PostgreSQL (127.0.0.1:5432, user postgres, trust auth) in a throwaway
database dropped afterwards; skipped without one."""

from __future__ import annotations

import os
import tempfile
import textwrap
import uuid

import pytest

from csperf.ingest.importer import ImportFailed, import_file
from csperf.ingest.store import open_store
from csperf.ingest.target import Target

pytestmark = pytest.mark.filterwarnings("ignore:fetch_arrow_table:DeprecationWarning")

ROSTER = """
id,name,team,department,position,supervisor,hired_at
E1,张三,T1,D1,agent,,2025-01-01
"""
BAD_CALLS = """
call_id,agent_id,offered_at,outcome
C1,NOBODY,2026-03-02 09:00:00,answered
"""


@pytest.fixture
def spill(tmp_path, monkeypatch):
    """tempfile's directory for this test alone, so the stage directories are countable."""
    d = tmp_path / "tmp"
    d.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(d))
    return d


PG = dict(host=os.environ.get("CSPERF_TEST_PGHOST", "127.0.0.1"), port=5432, user="postgres")


@pytest.fixture(scope="module")
def pg_url():
    psycopg = pytest.importorskip("psycopg")
    try:
        admin = psycopg.connect(**PG, dbname="postgres", connect_timeout=3, autocommit=True)
    except psycopg.OperationalError as exc:
        pytest.skip(f"no PostgreSQL at {PG['host']}:5432: {str(exc).splitlines()[0]}")
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


@pytest.fixture
def store(pg_url):
    s = open_store(records_url=pg_url)
    assert s.kind == "postgres"  # stages in a DuckDB of its own
    yield s
    s.close()


def _write(path, text):
    path.write_text(textwrap.dedent(text).strip() + "\n", encoding="utf-8")
    return path


def _stages(spill):
    return sorted(p.name for p in spill.glob("csperf-stage-*"))


def test_an_import_leaves_no_stage_directory(store, spill, tmp_path):
    res = import_file("employees", _write(tmp_path / "emp.csv", ROSTER), store=store)
    assert res.rows == 1
    assert store.count("employees") == 1
    assert _stages(spill) == []


def test_a_failed_import_leaves_no_stage_directory(store, spill, tmp_path):
    import_file("employees", _write(tmp_path / "emp.csv", ROSTER), store=store)
    with pytest.raises(ImportFailed):  # an agent not on the roster
        import_file("calls", _write(tmp_path / "calls.csv", BAD_CALLS), store=store)
    assert _stages(spill) == []


def test_the_stage_directory_goes_when_opening_the_stage_fails(store, spill, monkeypatch):
    from csperf.ingest.schema import RECORD_TYPES

    def broken(name):
        raise RuntimeError("the store went away")

    monkeypatch.setattr(store, "table", broken)
    with pytest.raises(RuntimeError, match="went away"):
        Target(store, RECORD_TYPES["calls"])
    assert _stages(spill) == []


def test_the_stage_directory_exists_while_the_import_runs(store, spill):
    from csperf.ingest.schema import RECORD_TYPES

    target = Target(store, RECORD_TYPES["employees"])
    try:
        assert _stages(spill) == [target.stage_dir.rsplit("/", 1)[1]]
    finally:
        target.close()
    assert _stages(spill) == []
