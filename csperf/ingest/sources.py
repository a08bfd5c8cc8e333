"""What a reader gives the importer: a file's header and its batches of text cells, and the
error of a file that cannot be read (:mod:`csperf.ingest.readers`, :mod:`csperf.ingest.sheets`)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

from csperf.ingest.limits import Limits, size
from csperf.kernel.i18n import Message, gettext_noop

MAX_PROBLEMS = 100

PlaceProblem = tuple[int | None, str | None, str]  # (row, column, message)


class ReadError(Exception):
    """The file as a whole cannot be read (not found, not a table, no header) or breaks a limit.

    ``problems`` holds (row, column, message) of each problem found, the first 100; ``total``
    how many there are. ``str()`` is the first problem as ``file[:row[:column]]: message``."""

    def __init__(
        self, message: str, problems: list[PlaceProblem] | None = None, total: int | None = None
    ) -> None:
        super().__init__(message)
        self.problems = list(problems or [])
        self.total = max(total or 0, len(self.problems))


def _where(p: Path | str, row: int | None, column: str | None) -> str:
    w = str(p)
    if row is not None:
        w += f":{row}"
    if column:
        w += f":{column}"
    return w


def fail(p: Path | str, message: str, row: int | None = None, column: str | None = None):
    return ReadError(f"{_where(p, row, column)}: {message}", [(row, column, message)])


def fail_many(p: Path | str, problems: list[PlaceProblem], total: int) -> ReadError:
    row, column, message = problems[0]
    return ReadError(f"{_where(p, row, column)}: {message}", problems[:MAX_PROBLEMS], total)


@dataclass
class RawBatch:
    table: pa.Table  # columns c0..cN as strings, plus _row (int64)
    bytes_read: int  # progress, in bytes of the source (CSV) or rows (spreadsheets)


@dataclass
class Source:
    path: Path
    header: list[str]
    total: int  # for progress: file size in bytes (CSV) or number of data rows (sheets)
    unit: str  # "bytes" | "rows"
    invalid_rows: list[tuple[int | None, str]] = field(default_factory=list)
    invalid_total: int = 0  # how many invalid rows there are (invalid_rows holds the first 100)
    _batches: Iterator[RawBatch] | None = None
    # a UTF-8 CSV that DuckDB may read itself, in parallel: (path, delimiter)
    duckdb_csv: tuple[str, str] | None = None
    limits: Limits = field(default_factory=Limits)

    def batches(self) -> Iterator[RawBatch]:
        assert self._batches is not None
        return self._batches


def too_many_rows(limits: Limits) -> Message:
    return Message(
        gettext_noop("more than %(rows)s rows: split the file (an import reads at most %(rows)s)"),
        {"rows": f"{limits.rows:,}"},
    )


def field_too_long(limits: Limits) -> Message:
    return Message(gettext_noop("a field longer than %(size)s"), {"size": size(limits.field_bytes)})


def expected_fields(expected: int, found: int) -> Message:
    """A row of another width than the header."""
    return Message(
        gettext_noop("expected %(expected)s fields, found %(found)s"),
        {"expected": expected, "found": found},
    )


def not_a_workbook(suffix: str) -> Message:
    """A file named as a zipped workbook (.xlsx, .ods …) that is no zip archive: damaged, cut
    short, or another kind of file."""
    return Message(
        gettext_noop("not a %(suffix)s workbook (it is not a zip archive)"),
        {"suffix": suffix or "zip"},
    )


def library_error(error: object, *, suffix: str = "") -> Message:
    """What a library said about a file it could not read, in our words where we know them
    (a damaged zip, a password), else its own text after our prefix."""
    text = str(error).strip().splitlines()[0] if str(error).strip() else ""
    lowered = text.lower()
    if "eocd" in lowered or "zip" in lowered or "central directory" in lowered:
        return not_a_workbook(suffix)
    if "password" in lowered or "encrypt" in lowered:
        return Message(gettext_noop("the workbook is protected by a password: save it without one"))
    return Message(gettext_noop("cannot read the file: %(error)s"), {"error": text})
