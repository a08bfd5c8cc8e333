"""`csperf manage` and the settings check of `csperf serve`."""

from __future__ import annotations

import os
import subprocess
import sys


def _run(args, cwd, **env):
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "SECRET_KEY", "DJANGO_SETTINGS_MODULE")
    }
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-m", "csperf.cli.main", *args],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_manage_uses_the_embedded_database(tmp_path):
    r = _run(["manage", "migrate", "-v", "0"], tmp_path, CSPERF_DATA=str(tmp_path / "data"))
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "data" / "csperf.sqlite3").exists() and (
        tmp_path / "data" / "secret_key"
    ).exists()
    r = _run(["manage", "run_jobs", "--once"], tmp_path, CSPERF_DATA=str(tmp_path / "data"))
    assert r.returncode == 0 and "0 jobs run" in r.stdout


def test_serve_refuses_bad_settings(tmp_path):
    r = _run(["serve"], tmp_path)
    assert r.returncode == 2 and "SECRET_KEY is required" in r.stderr
    r = _run(["serve"], tmp_path, SECRET_KEY="k", ALLOWED_HOSTS="a,,b")
    assert r.returncode == 2 and "ALLOWED_HOSTS" in r.stderr and "Traceback" not in r.stderr
