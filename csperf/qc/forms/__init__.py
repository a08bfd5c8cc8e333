"""The built-in QC forms (质检表): a hotline call and an e-commerce chat."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from csperf.qc.engine import Form, load_form

FORM_DIR = Path(__file__).resolve().parent


def builtin_paths() -> list[Path]:
    return sorted(FORM_DIR.glob("*.yaml"))


def builtin_codes() -> list[str]:
    return [p.stem for p in builtin_paths()]


def builtin_text(code: str) -> str:
    path = FORM_DIR / f"{code}.yaml"
    if not path.is_file():
        raise KeyError(code)
    return path.read_text(encoding="utf-8")


@cache
def load_builtin(code: str) -> Form:
    return load_form(builtin_text(code), source=str(FORM_DIR / f"{code}.yaml"))
