"""Both databases in one `pytest`: when the main run is on PostgreSQL, rerun the workflow,
role-matrix and appeal suites on SQLite (the embedded default) in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
SUITES = ["tests/reviews", "tests/api", "tests/cycles", "tests/org", "tests/web/test_pages.py"]
# The API fuzzer's examples are the same on both databases and take minutes: once is enough.
SKIP = ["--ignore=tests/api/test_schemathesis.py"]


@pytest.mark.skipif(
    getattr(settings, "CSPERF_TEST_DB_ENGINE", "sqlite") != "postgres",
    reason="the main run is already on SQLite (no PostgreSQL reachable)",
)
def test_web_suites_pass_on_sqlite_too():
    environment = {**os.environ, "CSPERF_TEST_DB": "sqlite"}
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-x", *SUITES, *SKIP],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    assert " passed" in proc.stdout
