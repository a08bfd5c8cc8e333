"""A demo centre (records + organisation + a computed cycle) for the dashboard and drill-down tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(scope="session")
def records_dir(tmp_path_factory) -> Path:
    """Demo records (12 agents, 2 months up to last month), generated once per test session."""
    from csperf.cli.main import main as cli_main

    d = tmp_path_factory.mktemp("records")
    assert cli_main(["demo-data", "--agents", "12", "--months", "2", "--data", str(d)]) == 0
    return d


@pytest.fixture
def demo(db, records_dir, settings) -> dict[str, Any]:
    """The `csperf demo` centre on the test database, indicators from the records."""
    from csperf.web.demo import setup_demo

    settings.DATA_DIR = records_dir
    settings.CSPERF_INPUT_PROVIDER = "csperf.cycles.inputs.metrics_provider"
    return setup_demo(records_dir, say=lambda m: None)
