"""Events fixtures on top of the shared personas (tests/conftest.py ``world``): a records store
of its own per test, a fixed "today" (10 April 2026, so March 2026 is recent and closed-able), and
helpers to record events and read the store."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

TODAY = dt.date(2026, 4, 10)


@pytest.fixture
def store_dir(settings, tmp_path) -> Any:
    settings.DATA_DIR = tmp_path
    return tmp_path


@pytest.fixture
def today(monkeypatch) -> dt.date:
    monkeypatch.setattr("csperf.events.actions._today", lambda: TODAY)
    return TODAY


@pytest.fixture
def ev(world, store_dir, today) -> Any:
    """The world, with its store and today fixed."""
    return world


def record(world, who: str = "hr", emp: str = "agent", **kw) -> Any:
    from csperf.events import actions

    args = {
        "kind": "appearance_violation",
        "occurred_on": dt.date(2026, 3, 10),
        "evidence": "巡检记录 XJ-0310",
    }
    args.update(kw)
    return actions.record_event(world.users[who], employee=world.employees[emp], **args)


def store_rows(store_dir, table: str, **where) -> list[dict]:
    from csperf.ingest.store import open_store

    with open_store(store_dir) as store:
        rows = store.table(table).to_pyarrow().to_pylist()
    return [r for r in rows if all(r.get(k) == v for k, v in where.items())]


def write_roster(store_dir, rows: list[tuple[str, str, str, str]]) -> None:
    """The imported roster: (id, name, team, department) rows."""
    import pyarrow as pa

    from csperf.ingest.importer import write_typed
    from csperf.ingest.schema import EMPLOYEES
    from csperf.ingest.store import open_store

    table = {
        "id": [r[0] for r in rows],
        "name": [r[1] for r in rows],
        "team": [r[2] for r in rows],
        "department": [r[3] for r in rows],
        "position": ["客服专员"] * len(rows),
    }
    with open_store(store_dir) as store:
        write_typed(store, EMPLOYEES, [pa.table(table)], source="roster")
