"""Survey fixtures on top of the shared personas: built-in surveys owned by the manager of D1,
and a records store of its own per test."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def store_dir(settings, tmp_path) -> Any:
    settings.DATA_DIR = tmp_path
    return tmp_path


@pytest.fixture
def sv(world, store_dir) -> Any:
    from csperf.surveys.actions import ensure_builtin_surveys

    surveys = {s.code: s for s in ensure_builtin_surveys()}
    for s in surveys.values():
        s.owner = world.users["reviewer"]  # the manager of D1 owns the callbacks
        s.department = world.departments["D1"]
        s.save()
    world.surveys = surveys
    return world


def write_csv(path, header, rows) -> Any:
    import csv

    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    return path
