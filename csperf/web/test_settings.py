"""Settings for the test suite.

The database is PostgreSQL when one answers at 127.0.0.1:5432 (user postgres, trust auth — as in
CI), SQLite otherwise. CSPERF_TEST_DB=sqlite|postgres forces one; CSPERF_TEST_DATABASE_URL names
another server. tests/web/test_sqlite_rerun.py reruns the workflow suites on SQLite when the main
run is on PostgreSQL, so both engines are exercised by one `pytest`.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

os.environ.setdefault("SECRET_KEY", "csperf-tests-only-not-secret")
os.environ.setdefault("CSPERF_JOBS_EMBEDDED", "0")

from csperf.web.settings import *  # noqa: F403

DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/postgres"


def _postgres_answers(url: str) -> bool:
    try:
        import psycopg

        with psycopg.connect(url.replace("postgres://", "postgresql://", 1), connect_timeout=2):
            return True
    except Exception:
        return False


def _choose_database() -> tuple[str, dict]:
    import dj_database_url

    wanted = os.environ.get("CSPERF_TEST_DB", "auto").strip().lower()
    if wanted not in ("auto", "sqlite", "postgres"):
        raise RuntimeError(f"CSPERF_TEST_DB={wanted!r}: expected auto, sqlite or postgres")
    url = os.environ.get("CSPERF_TEST_DATABASE_URL", DEFAULT_PG_URL)
    if wanted == "postgres" or (wanted == "auto" and _postgres_answers(url)):
        config = dj_database_url.parse(url)
        # One test database per run, so parallel runs on one server never collide.
        config["TEST"] = {"NAME": f"test_csperf_{os.getpid()}"}
        return "postgres", config
    return "sqlite", {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}


CSPERF_TEST_DB_ENGINE, _db = _choose_database()
DATABASES = {"default": _db}
# Files written by tests go to a throw-away directory (the environment is left alone: other
# parts of the suite read CSPERF_DATA themselves).
DATA_DIR = Path(tempfile.mkdtemp(prefix="csperf-test-data-"))
atexit.register(shutil.rmtree, DATA_DIR, ignore_errors=True)  # one per test process
MEDIA_ROOT = DATA_DIR / "media"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns when it is missing
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast logins in tests
CSPERF_INPUT_PROVIDER = "csperf.cycles.inputs.manual_provider"
LANGUAGE_CODE = "zh-hans"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
