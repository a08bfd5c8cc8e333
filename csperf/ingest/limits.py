"""How much one imported file may hold: bounds that keep a hostile or broken file from taking
the server's memory, checked before (and while) the file is read. See docs/records.md, "Limits".

Each limit is an environment variable. The web server reads them into its Django settings (so a
deployment or a test may override them there) and passes them in (:func:`from_settings`); the
command line and an import given no limits read the same variables (:func:`from_env`). The
defaults are the same in both. (Ingest does not import Django nor the web package.)
"""

from __future__ import annotations

import os
from dataclasses import dataclass

MB = 1024 * 1024

# setting / environment variable -> (default, minimum)
SETTINGS: dict[str, tuple[int, int]] = {
    "CSPERF_IMPORT_MAX_UPLOAD_MB": (200, 1),  # an uploaded file (web page and API)
    "CSPERF_IMPORT_MAX_UNZIPPED_MB": (2048, 1),  # an .xlsx/.xlsm/.xlsb/.ods once unpacked
    "CSPERF_IMPORT_MAX_ROWS": (5_000_000, 1),  # data rows of one file
    "CSPERF_IMPORT_MAX_COLUMNS": (200, 1),  # columns of one file
    "CSPERF_IMPORT_MAX_FIELD_KB": (1024, 1),  # one cell's text, in UTF-8
    "CSPERF_IMPORT_MAX_SHEET_CELLS": (20_000_000, 1),  # rows × columns of a spreadsheet's sheet
    "CSPERF_IMPORT_FUTURE_DAYS": (366, 0),  # a date later than this many days after today
}


@dataclass(frozen=True)
class Limits:
    upload_bytes: int = 200 * MB
    unzipped_bytes: int = 2048 * MB
    rows: int = 5_000_000
    columns: int = 200
    field_bytes: int = 1024 * 1024
    sheet_cells: int = 20_000_000
    future_days: int = 366

    @classmethod
    def from_values(cls, v: dict[str, int]) -> Limits:
        return cls(
            upload_bytes=v["CSPERF_IMPORT_MAX_UPLOAD_MB"] * MB,
            unzipped_bytes=v["CSPERF_IMPORT_MAX_UNZIPPED_MB"] * MB,
            rows=v["CSPERF_IMPORT_MAX_ROWS"],
            columns=v["CSPERF_IMPORT_MAX_COLUMNS"],
            field_bytes=v["CSPERF_IMPORT_MAX_FIELD_KB"] * 1024,
            sheet_cells=v["CSPERF_IMPORT_MAX_SHEET_CELLS"],
            future_days=v["CSPERF_IMPORT_FUTURE_DAYS"],
        )


class LimitsError(ValueError):
    """A limit's environment variable is not a number, or below its minimum."""


def env_value(name: str) -> int:
    """One limit from its environment variable (its default when unset or empty); a value that
    is not a whole number at least its minimum is an error naming the variable."""
    default, minimum = SETTINGS[name]
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        number = int(raw)
    except ValueError:
        raise LimitsError(f"environment variable {name}={raw!r}: expected an integer") from None
    if number < minimum:
        raise LimitsError(f"environment variable {name}={number}: must be >= {minimum}")
    return number


def from_env() -> Limits:
    """The limits of the environment (the command line; the default of an import)."""
    return Limits.from_values({name: env_value(name) for name in SETTINGS})


def from_settings(settings: object) -> Limits:
    """The limits of a settings object (the web server passes Django's, which a deployment or a
    test may override); a limit it does not hold comes from the environment."""
    return Limits.from_values(
        {
            name: int(getattr(settings, name)) if hasattr(settings, name) else env_value(name)
            for name in SETTINGS
        }
    )


def size(n: int) -> str:
    """1048576 -> '1 MB', 2147483648 -> '2 GB', 1536 -> '1.5 KB'."""
    for unit, step in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if n >= step:
            v = n / step
            return f"{v:.0f} {unit}" if v >= 10 or v == int(v) else f"{v:.1f} {unit}"
    return f"{n} bytes"
