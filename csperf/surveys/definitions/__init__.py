"""Built-in survey definitions: dealer sales CS, dealer after-sales CS, hotline CSAT."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from csperf.surveys.scoring import SurveyDef, load_survey

DEF_DIR = Path(__file__).resolve().parent


def builtin_codes() -> list[str]:
    return sorted(p.stem for p in DEF_DIR.glob("*.yaml"))


def builtin_text(code: str) -> str:
    path = DEF_DIR / f"{code}.yaml"
    if not path.is_file():
        raise KeyError(code)
    return path.read_text(encoding="utf-8")


@cache
def load_builtin(code: str) -> SurveyDef:
    return load_survey(builtin_text(code), source=str(DEF_DIR / f"{code}.yaml"))
