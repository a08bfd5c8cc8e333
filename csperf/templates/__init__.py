"""The built-in scorecard templates (考核表) of the schemes the product ships with.

Each ``<code>.yaml`` here has an example input ``examples/<code>.input.json`` whose expected
result is worked out by hand in ``tests/templates/``.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from csperf.scoring import Template, load_template

TEMPLATE_DIR = Path(__file__).resolve().parent
EXAMPLE_DIR = TEMPLATE_DIR / "examples"


def builtin_paths() -> list[Path]:
    """Every built-in template file, sorted by name."""
    return sorted(TEMPLATE_DIR.glob("*.yaml"))


def builtin_codes() -> list[str]:
    return [p.stem for p in builtin_paths()]


def builtin_path(code: str) -> Path:
    path = TEMPLATE_DIR / f"{code}.yaml"
    if not path.is_file():
        raise KeyError(code)
    return path


@cache
def load_builtin(code: str) -> Template:
    """Load a built-in template by its code (the file name without ``.yaml``)."""
    path = builtin_path(code)
    return load_template(path.read_text(encoding="utf-8"), source=str(path))


def example_input_path(code: str) -> Path:
    return EXAMPLE_DIR / f"{code}.input.json"
