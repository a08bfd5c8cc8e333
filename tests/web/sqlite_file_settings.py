"""Test settings on an SQLite *file* with the embedded options (csperf.web.env.SQLITE_OPTIONS),
as `csperf demo` and `csperf serve` without DATABASE_URL run: several connections write one
file. Used by tests/web/test_concurrent_writes.py (``pytest --ds=tests.web.sqlite_file_settings``).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

os.environ["CSPERF_TEST_DB"] = "sqlite"

from csperf.web.env import SQLITE_OPTIONS
from csperf.web.test_settings import *  # noqa: F403

_PATH = Path(tempfile.mkdtemp(prefix="csperf-test-sqlite-")) / "test.sqlite3"
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(_PATH),
        "OPTIONS": dict(SQLITE_OPTIONS),
        "TEST": {"NAME": str(_PATH)},
    }
}
CSPERF_TEST_DB_ENGINE = "sqlite-file"
