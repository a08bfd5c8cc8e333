"""The layers of docs/architecture.md hold: the import-linter contracts in pyproject.toml.

Each contract is its own test, so a failure names the contract and every import that breaks it
(lazy imports inside functions count too). The same check runs as ``lint-imports``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from importlinter import api
from importlinter.application import output
from importlinter.application.use_cases import lint_imports

PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"
CONTRACTS = api.read_configuration(str(PYPROJECT))["contracts_options"]


@pytest.fixture(scope="module")
def graph_cache(tmp_path_factory) -> str:
    """One import graph for all the contracts, cached outside the tree."""
    return str(tmp_path_factory.mktemp("import_linter_cache"))


def _lint(config: Path, cache_dir: str, contract_id: str) -> tuple[bool, str]:
    with output.console.capture() as captured:
        kept = lint_imports(
            config_filename=str(config),
            limit_to_contracts=(contract_id,),
            cache_dir=cache_dir,
            no_logo=True,
        )
    return kept, captured.get()


def test_every_package_is_in_a_layer():
    """``exhaustive``: a new package under csperf/ fails until the layers name it."""
    layers = [c for c in CONTRACTS if c["type"] == "layers"]
    assert len(layers) == 1
    assert layers[0]["containers"] == ["csperf"]
    assert layers[0].get("exhaustive") in (True, "true", "True")


@pytest.mark.parametrize("contract_id", [c["id"] for c in CONTRACTS])
def test_contract_is_kept(graph_cache, contract_id):
    kept, report = _lint(PYPROJECT, graph_cache, contract_id)
    if not kept:
        pytest.fail(f"import-linter contract {contract_id!r} is broken:\n{report}", pytrace=False)


def test_a_broken_layer_is_reported(tmp_path, graph_cache):
    """The check itself can fail: a contract putting csperf.web below csperf.org is broken."""
    config = tmp_path / "pyproject.toml"
    config.write_text(
        '[tool.importlinter]\nroot_package = "csperf"\n\n'
        '[[tool.importlinter.contracts]]\nid = "upside-down"\nname = "upside down"\n'
        'type = "layers"\ncontainers = ["csperf"]\nlayers = ["org", "web"]\n',
        encoding="utf-8",
    )
    kept, report = _lint(config, graph_cache, "upside-down")
    assert not kept
    assert "csperf.web is not allowed to import csperf.org" in report
