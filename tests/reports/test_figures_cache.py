"""Dashboard figures are kept per process under the records lake's table versions
(csperf/reports/cache.py): an import makes a new version and the next request computes again."""

from __future__ import annotations

from pathlib import Path

import pytest

from csperf.reports import cache


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.forget()
    yield
    cache.forget()


def _commit(data_dir: Path, table: str, version: int) -> None:
    log = data_dir / "lake" / table / "_delta_log"
    log.mkdir(parents=True, exist_ok=True)
    (log / f"{version:020d}.json").write_text("{}", encoding="utf-8")


def test_the_state_follows_every_table_version(tmp_path, monkeypatch):
    monkeypatch.delenv("CSPERF_RECORDS_URL", raising=False)
    _commit(tmp_path, "calls", 0)
    before = cache.records_state(tmp_path)
    assert before == cache.records_state(tmp_path)
    _commit(tmp_path, "calls", 1)
    after_import = cache.records_state(tmp_path)
    assert after_import != before
    _commit(tmp_path, "tickets", 0)
    assert cache.records_state(tmp_path) != after_import


def test_a_table_cleared_and_imported_again_is_a_new_state(tmp_path, monkeypatch):
    import shutil

    monkeypatch.delenv("CSPERF_RECORDS_URL", raising=False)
    _commit(tmp_path, "calls", 0)
    before = cache.records_state(tmp_path)
    shutil.rmtree(tmp_path / "lake" / "calls")
    _commit(tmp_path, "calls", 0)  # version 0 again, of other records
    assert cache.records_state(tmp_path) != before


def test_no_state_without_the_embedded_lake(tmp_path, monkeypatch):
    monkeypatch.setenv("CSPERF_RECORDS_URL", "postgres://somewhere/records")
    _commit(tmp_path, "calls", 0)
    assert cache.records_state(tmp_path) is None
    monkeypatch.delenv("CSPERF_RECORDS_URL")
    assert cache.records_state(tmp_path / "missing") is None


def test_figures_are_computed_once_per_state():
    calls = []

    def compute() -> list[int]:
        calls.append(1)
        return [len(calls)]

    assert cache.cached(("v1",), ("trend", "team"), compute) == [1]
    assert cache.cached(("v1",), ("trend", "team"), compute) == [1]
    assert cache.cached(("v1",), ("trend", "department"), compute) == [2]
    assert cache.cached(("v2",), ("trend", "team"), compute) == [3]
    assert cache.cached(None, ("trend", "team"), compute) == [4]
    assert cache.cached(None, ("trend", "team"), compute) == [5]


def test_the_cache_keeps_a_bounded_number_of_figures(monkeypatch):
    monkeypatch.setattr(cache, "KEEP", 3)
    for i in range(10):
        cache.cached(("v1",), (i,), lambda i=i: i)
    assert len(cache._kept) == 3
