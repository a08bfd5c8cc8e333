"""The type checker passes on the kernel, the scoring engine and the metrics ([tool.mypy])."""

from __future__ import annotations

import tempfile
from pathlib import Path

from mypy import api as mypy_api

ROOT = Path(__file__).resolve().parents[1]
# Kept between runs (incremental: a second run takes about a second, a cold one ~10 s).
CACHE = Path(tempfile.gettempdir()) / "csperf-mypy-cache"


def test_mypy_finds_no_error(monkeypatch):
    monkeypatch.chdir(ROOT)  # the config's `files` are relative to the checkout
    out, err, status = mypy_api.run(
        ["--config-file", str(ROOT / "pyproject.toml"), "--cache-dir", str(CACHE)]
    )
    assert status == 0, f"mypy found errors:\n{out}{err}"
    assert "Success" in out
