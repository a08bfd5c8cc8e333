"""Read CSV and spreadsheet files as batches of text columns, with each record's row number.

Every cell is read as text; typing and checking happen afterwards in SQL (see
:mod:`csperf.ingest.importer`), so a bad cell becomes an error message with its row and column
instead of stopping the read. Row numbers count the header as row 1, as a spreadsheet shows them.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xlsb", ".xls", ".ods"}
BATCH_ROWS = 200_000


class ReadError(Exception):
    """The file as a whole cannot be read (not found, not a table, no header)."""


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
    _batches: Iterator[RawBatch] | None = None
    # a UTF-8 CSV that DuckDB may read itself, in parallel: (path, delimiter)
    duckdb_csv: tuple[str, str] | None = None

    def batches(self) -> Iterator[RawBatch]:
        assert self._batches is not None
        return self._batches


def open_table(path: str | Path, *, encoding: str | None = None) -> Source:
    p = Path(path)
    if not p.exists():
        raise ReadError(f"{p}: no such file")
    if p.is_dir():
        raise ReadError(f"{p}: is a directory, not a file")
    if p.suffix.lower() in SPREADSHEET_SUFFIXES:
        return _open_sheet(p)
    return _open_csv(p, encoding)


# ---------------------------------------------------------------------------------- CSV


def detect_encoding(head: bytes) -> str:
    """UTF-8 (BOM or not) when the start of the file decodes as UTF-8, else GB18030 (Excel, zh)."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        return "gb18030"


def _sniff_delimiter(line: str) -> str:
    counts = {d: line.count(d) for d in (",", "\t", ";", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _open_csv(p: Path, encoding: str | None) -> Source:
    size = p.stat().st_size
    with p.open("rb") as f:
        head = f.read(1 << 16)
    if not head.strip():
        raise ReadError(f"{p}: the file is empty")
    enc = encoding or detect_encoding(head)
    text = head.decode(enc, errors="ignore").lstrip("\ufeff")
    first_line = text.splitlines()[0] if text.splitlines() else ""
    delimiter = _sniff_delimiter(first_line)
    try:
        header = next(csv.reader(io.StringIO(text), delimiter=delimiter))
    except StopIteration:
        raise ReadError(f"{p}: the file has no header row") from None
    header = [h.strip() for h in header]
    if not any(header):
        raise ReadError(f"{p}:1: the header row is empty")
    src = Source(path=p, header=header, total=size, unit="bytes")
    if enc == "utf-8" and delimiter in (",", "\t", ";", "|"):
        src.duckdb_csv = (str(p), delimiter)
    src._batches = _csv_batches(p, src, enc, delimiter, len(header))
    return src


def _csv_batches(p: Path, src: Source, enc: str, delimiter: str, ncols: int) -> Iterator[RawBatch]:
    names = [f"c{i}" for i in range(ncols)]

    def on_invalid(row: pacsv.InvalidRow) -> str:
        src.invalid_rows.append(
            (
                None if row.number is None else row.number,
                f"expected {ncols} fields, found {row.actual_columns}",
            )
        )
        return "skip"

    try:
        reader = _open_reader(p, names, enc, delimiter, on_invalid)
    except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
        raise ReadError(_explain_arrow_error(p, enc, str(exc))) from None
    yield from _read_batches(reader, src, p, enc)


def _open_reader(p, names, enc, delimiter, on_invalid):
    return pacsv.open_csv(
        p,
        read_options=pacsv.ReadOptions(
            column_names=names,
            skip_rows=1,
            block_size=1 << 24,
            encoding="utf8" if enc.replace("-", "").lower() in ("utf8", "utf8sig") else enc,
            use_threads=True,
        ),
        parse_options=pacsv.ParseOptions(
            delimiter=delimiter, newlines_in_values=True, invalid_row_handler=on_invalid
        ),
        convert_options=pacsv.ConvertOptions(
            column_types=dict.fromkeys(names, pa.string()),
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )


def _explain_arrow_error(p: Path, enc: str, msg: str) -> str:
    """A readable message for a CSV pyarrow cannot read, with the line when it can be found."""
    if "UTF8" in msg or "UTF-8" in msg or "decod" in msg.lower() or "codec" in msg:
        with p.open("rb") as f:
            for n, line in enumerate(f, start=1):
                try:
                    line.decode(enc)
                except UnicodeDecodeError:
                    return (
                        f"{p}:{n}: not valid {enc} text (save the file as UTF-8 or GB18030, "
                        "or name its encoding with --encoding)"
                    )
    return f"{p}: cannot read the CSV: {msg}"


def _read_batches(reader, src: Source, p: Path, enc: str) -> Iterator[RawBatch]:
    row = 2
    pos = 0
    batches = iter(reader)
    while True:
        try:
            batch = next(batches)
        except StopIteration:
            break
        except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
            raise ReadError(_explain_arrow_error(p, enc, str(exc))) from None
        n = batch.num_rows
        if n == 0:
            continue
        rows = pa.array(np.arange(row, row + n, dtype=np.int64))
        row += n
        pos = min(src.total, pos + batch.nbytes)  # arrow text size: close to the bytes read
        yield RawBatch(pa.Table.from_batches([batch]).append_column("_row", rows), pos)


# ---------------------------------------------------------------------------- spreadsheets


def cell_text(v: object) -> str:
    """A spreadsheet cell as the text a CSV export would hold."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        if v.is_integer():
            return str(int(v))
        return repr(v)
    if isinstance(v, datetime):
        return v.isoformat(sep=" ")
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, time):
        return v.isoformat()
    if isinstance(v, timedelta):
        s = int(v.total_seconds())
        return f"{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}"
    return str(v).strip()


def _open_sheet(p: Path) -> Source:
    try:
        from python_calamine import CalamineWorkbook

        wb = CalamineWorkbook.from_path(os.fspath(p))
        sheet = wb.get_sheet_by_index(0)
        data = sheet.to_python(skip_empty_area=False)
    except Exception as exc:  # calamine raises several error types for broken files
        raise ReadError(f"{p}: cannot read the spreadsheet: {exc}") from None
    # the header is the first non-empty row; row numbers stay those of the sheet
    first = next((i for i, r in enumerate(data) if any(cell_text(c) for c in r)), None)
    if first is None:
        raise ReadError(f"{p}: the first sheet is empty")
    header = [cell_text(c) for c in data[first]]
    while header and not header[-1]:
        header.pop()
    ncols = len(header)
    body = data[first + 1 :]
    src = Source(path=p, header=header, total=len(body), unit="rows")

    def batches() -> Iterator[RawBatch]:
        for lo in range(0, len(body), BATCH_ROWS):
            chunk = body[lo : lo + BATCH_ROWS]
            cols: list[list[str]] = [[] for _ in range(ncols)]
            rows: list[int] = []
            for j, r in enumerate(chunk):
                texts = [cell_text(c) for c in r[:ncols]]
                if not any(texts) and not any(cell_text(c) for c in r[ncols:]):
                    continue  # blank rows between data are skipped, as in a CSV
                texts += [""] * (ncols - len(texts))
                for i, t in enumerate(texts):
                    cols[i].append(t)
                rows.append(first + 1 + lo + j + 1)
            tbl = pa.table(
                {
                    **{f"c{i}": pa.array(cols[i], pa.string()) for i in range(ncols)},
                    "_row": pa.array(rows, pa.int64()),
                }
            )
            yield RawBatch(tbl, min(len(body), lo + len(chunk)))

    src._batches = batches()
    return src
