"""How much one imported file may hold: bounds that keep a hostile or broken file from taking
the server's memory, checked before (and while) the file is read. See docs/records.md, "Limits".

Each limit is an environment variable read with the project's settings helpers; the web server
reads them into its Django settings (so a deployment or a test may override them there), the
command line reads the same variables without Django. The defaults are the same in both.
"""

from __future__ import annotations

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


def env_value(name: str) -> int:
    """One limit from its environment variable (ImproperlyConfigured when it is not a number)."""
    from csperf.web.env import env_int  # Django-free: it only borrows Django's exception class

    default, minimum = SETTINGS[name]
    return env_int(name, default, minimum=minimum)


def from_env() -> Limits:
    return Limits.from_values({name: env_value(name) for name in SETTINGS})


def current() -> Limits:
    """The limits in force: Django's settings in the web server and its jobs, else the
    environment (the command line)."""
    try:
        from django.conf import settings
    except ImportError:  # pragma: no cover - Django is a dependency
        return from_env()
    if not settings.configured:
        return from_env()
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
