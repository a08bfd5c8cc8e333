"""Read CSV and spreadsheet files as batches of text columns, with each record's row number.

Every cell is read as text; typing and checking happen afterwards in SQL (see
:mod:`csperf.ingest.importer`), so a bad cell becomes an error message with its row and column
instead of stopping the read. Row numbers count the header as row 1, as a spreadsheet shows them.

Reading is bounded (:mod:`csperf.ingest.limits`): a file that is not a text table, a header
wider than the column limit, more rows than the row limit, a field longer than the field limit,
or a spreadsheet whose declared size or unpacked size is too large is refused with one
``file[:row[:column]]: problem`` line before it can take the server's memory.

Spreadsheets are read by calamine in a child process with a memory limit (calamine lays a
sheet out as a dense grid and aborts its process when memory runs out): the child streams the
sheet's rows to this process as Arrow batches. Before it starts, the sheet's declared used range
(``<dimension ref=…>``) and the zip's member sizes are checked from the file directly.
"""

from __future__ import annotations

import codecs
import csv
import inspect
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path, PurePosixPath
from xml.etree import ElementTree

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from csperf.ingest.limits import Limits, size
from csperf.ingest.limits import current as current_limits

SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xlsb", ".xls", ".ods"}
ZIPPED_SUFFIXES = {".xlsx", ".xlsm", ".xlsb", ".ods"}
BATCH_ROWS = 200_000
BLOCK_BYTES = 1 << 24  # pyarrow reads a CSV in blocks of this size; a row must fit in one
HEAD_BYTES = 1 << 20  # the header row is read from the first MB of a CSV
SNIFF_BYTES = 1 << 16  # its encoding is told from the first 64 KB
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


def _fail(p: Path | str, message: str, row: int | None = None, column: str | None = None):
    return ReadError(f"{_where(p, row, column)}: {message}", [(row, column, message)])


def _fail_many(p: Path | str, problems: list[PlaceProblem], total: int) -> ReadError:
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


def open_table(
    path: str | Path, *, encoding: str | None = None, limits: Limits | None = None
) -> Source:
    lim = limits or current_limits()
    p = Path(path)
    if not p.exists():
        raise ReadError(f"{p}: no such file")
    if p.is_dir():
        raise ReadError(f"{p}: is a directory, not a file")
    if p.suffix.lower() in SPREADSHEET_SUFFIXES:
        return _open_sheet(p, lim)
    return _open_csv(p, encoding, lim)


def too_many_rows(limits: Limits) -> str:
    return (
        f"more than {limits.rows:,} rows: split the file (an import reads at most {limits.rows:,})"
    )


def field_too_long(limits: Limits) -> str:
    return f"a field longer than {size(limits.field_bytes)}"


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


_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f]")


def sniff_text(p: Path, head: bytes, encoding: str | None) -> str:
    """The text encoding of a CSV's first bytes: a BOM (UTF-8, UTF-16, UTF-32), UTF-16 without
    one, UTF-8, else GB18030. Raises ReadError when the bytes are not text at all."""
    if head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return encoding or "utf-32"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return encoding or "utf-16"
    sample = head[:4096]
    if encoding:
        return encoding
    if b"\x00" in sample:
        half = max(1, len(sample) // 2)
        even, odd = sample[0::2].count(0), sample[1::2].count(0)
        if odd > 0.3 * half and even < 0.02 * half:
            return "utf-16-le"
        if even > 0.3 * half and odd < 0.02 * half:
            return "utf-16-be"
        raise _not_text(p, head)
    enc = detect_encoding(head[:SNIFF_BYTES])
    text = head[:SNIFF_BYTES].decode(enc, errors="replace")
    controls = len(_CONTROL.findall(text))
    if controls > 8 and controls * 100 > len(text):
        raise _not_text(p, head)
    return enc


def _not_text(p: Path, head: bytes) -> ReadError:
    hint = ""
    if head.startswith(b"PK\x03\x04"):
        hint = " (it looks like a zipped file, such as an .xlsx or .ods workbook: name it so)"
    elif head.startswith(b"\xd0\xcf\x11\xe0"):
        hint = " (it looks like an old Excel .xls workbook: name it so)"
    return _fail(p, f"not a text table: binary data{hint}")


def _sniff_delimiter(line: str) -> str:
    counts = {d: line.count(d) for d in (",", "\t", ";", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _arrow_encoding(enc: str) -> str:
    return "utf8" if enc.replace("-", "").replace("_", "").lower() in ("utf8", "utf8sig") else enc


def _open_csv(p: Path, encoding: str | None, lim: Limits) -> Source:
    size_ = p.stat().st_size
    with p.open("rb") as f:
        head = f.read(HEAD_BYTES)
    enc = sniff_text(p, head, encoding)
    try:
        text = codecs.getincrementaldecoder(enc)(errors="ignore").decode(head, final=False)
    except LookupError:
        raise _fail(p, f"unknown text encoding {enc!r}") from None
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise ReadError(f"{p}: the file is empty")
    whole = len(head) == size_
    first_line = text.splitlines()[0] if text.splitlines() else ""
    delimiter = _sniff_delimiter(first_line)
    buf = io.StringIO(text, newline="")
    try:
        header = next(csv.reader(buf, delimiter=delimiter))
    except StopIteration:
        raise ReadError(f"{p}: the file has no header row") from None
    except csv.Error as exc:
        raise _fail(p, f"the header row cannot be read: {exc}", row=1) from None
    if not whole and buf.tell() >= len(text) and not text.endswith(("\n", "\r")):
        # the header row does not end within the first MB: count its columns on (bounded)
        n, ended = _count_header_fields(p, enc, delimiter)
        if n > lim.columns:
            more = "" if ended else "more than "
            raise _fail(p, _too_many_columns(f"{more}{n:,}", lim), row=1)
        raise _fail(p, f"the header row is longer than {size(HEAD_BYTES)}", row=1)
    header = [h.strip() for h in header]
    if len(header) > lim.columns:
        raise _fail(p, _too_many_columns(f"{len(header):,}", lim), row=1)
    if not any(header):
        raise ReadError(f"{p}:1: the header row is empty", [(1, None, "the header row is empty")])
    src = Source(path=p, header=header, total=size_, unit="bytes", limits=lim)
    if enc.lower().replace("-", "") in ("utf8", "utf8sig") and delimiter in (",", "\t", ";", "|"):
        src.duckdb_csv = (str(p), delimiter)
    src._batches = _csv_batches(p, src, enc, delimiter, len(header))
    return src


def _count_header_fields(p: Path, enc: str, delimiter: str, most: int = 64 << 20):
    """(fields, whether the row ended) of a first row too long to read whole: its delimiters
    counted over at most `most` bytes (quotes are not looked at: it is for a message)."""
    decoder = codecs.getincrementaldecoder(enc)(errors="replace")
    n = 1
    with p.open("rb") as f:
        read = 0
        while read < most:
            raw = f.read(1 << 20)
            if not raw:
                return n, True
            read += len(raw)
            text = decoder.decode(raw)
            end = min((i for i in (text.find("\n"), text.find("\r")) if i >= 0), default=-1)
            if end >= 0:
                return n + text.count(delimiter, 0, end), True
            n += text.count(delimiter)
    return n, False


def _too_many_columns(n: str, lim: Limits) -> str:
    return f"{n} columns: an import reads at most {lim.columns}"


def _csv_batches(p: Path, src: Source, enc: str, delimiter: str, ncols: int) -> Iterator[RawBatch]:
    names = [f"c{i}" for i in range(ncols)]
    ragged: list[int] = []

    def on_invalid(row: pacsv.InvalidRow) -> str:
        ragged.append(row.actual_columns)
        return "skip"

    def structure(*, ragged_ok: bool) -> ReadError | None:
        """Walk the file to name the rows (and columns) of its structural problems. Rows of
        another width alone are kept as the source's invalid rows when `ragged_ok`."""
        problems, total = scan_csv(p, enc, delimiter, src.header, src.limits)
        if not problems:
            return None
        if ragged_ok and all(m.startswith("expected ") for _, _, m in problems):
            src.invalid_rows = [(r, m) for r, _, m in problems]
            src.invalid_total = total
            return None
        return _fail_many(p, problems, total)

    try:
        reader = _open_reader(p, names, enc, delimiter, on_invalid)
    except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
        raise ReadError(_explain_arrow_error(p, enc, str(exc))) from None
    row = 2
    pos = 0
    batches = iter(reader)
    while True:
        try:
            batch = next(batches)
        except StopIteration:
            break
        except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
            if "straddl" in str(exc) or "block" in str(exc):  # a row longer than a block
                err = structure(ragged_ok=False)
                if err is not None:
                    raise err from None
            raise ReadError(_explain_arrow_error(p, enc, str(exc))) from None
        n = batch.num_rows
        if n == 0:
            continue
        if row - 2 + n > src.limits.rows:
            raise _fail(p, too_many_rows(src.limits))
        for col in batch.columns:
            longest = pc.max(pc.binary_length(col)).as_py() or 0
            if longest > src.limits.field_bytes:
                err = structure(ragged_ok=False)
                if err is None:  # the walk agrees on no place: name the first such cell
                    i = batch.columns.index(col)
                    at = pc.index(pc.greater(pc.binary_length(col), src.limits.field_bytes), True)
                    err = _fail(p, field_too_long(src.limits), row + at.as_py(), src.header[i])
                raise err
        rows = pa.array(np.arange(row, row + n, dtype=np.int64))
        row += n
        pos = min(src.total, pos + batch.nbytes)  # arrow text size: close to the bytes read
        yield RawBatch(pa.Table.from_batches([batch]).append_column("_row", rows), pos)
    if ragged:
        err = structure(ragged_ok=True)
        if err is not None:
            raise err
        if not src.invalid_rows:  # the walk found nothing: say what the reader saw
            src.invalid_rows = [(None, f"expected {ncols} fields, found {n}") for n in ragged]


def _open_reader(p, names, enc, delimiter, on_invalid):
    return pacsv.open_csv(
        p,
        read_options=pacsv.ReadOptions(
            column_names=names,
            skip_rows=1,
            block_size=BLOCK_BYTES,
            encoding=_arrow_encoding(enc),
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
        if enc.lower().startswith(("utf-16", "utf-32", "utf16", "utf32")):
            return f"{p}: not valid {enc} text"
        with p.open("rb") as f:
            for n, line in enumerate(f, start=1):
                try:
                    line.decode(enc)
                except UnicodeDecodeError:
                    return (
                        f"{p}:{n}: not valid {enc} text (save the file as UTF-8 or GB18030, "
                        "or name its encoding with --encoding)"
                    )
    return f"{p}: cannot read the CSV: {msg.splitlines()[0] if msg else msg}"


def scan_csv(
    p: Path, enc: str, delimiter: str, header: list[str], lim: Limits
) -> tuple[list[PlaceProblem], int]:
    """Walk a CSV's records as a CSV reader does (quotes, doubled quotes, CR/LF, blank lines not
    counted) without keeping them, and list its structural problems: rows with another number
    of fields than the header, fields longer than the field limit, more rows than the row limit.

    Used when the fast readers reject a file, to name the rows; memory stays bounded whatever the
    file holds. Returns the first 100 problems (row, column, message) and how many there are."""
    ncols = len(header)
    quote = '"'
    special = re.compile("[" + re.escape(delimiter) + '"\r\n]')
    problems: list[PlaceProblem] = []
    total = 0
    limit = lim.field_bytes

    def add(row: int | None, col: str | None, msg: str) -> None:
        nonlocal total
        total += 1
        if len(problems) < MAX_PROBLEMS:
            problems.append((row, col, msg))

    def label(i: int) -> str:
        return header[i] if i < ncols and header[i] else f"column {i + 1}"

    row = 1  # the record being read; the header is row 1
    col = 0  # its field
    flen = 0  # the field's length so far, in UTF-8 bytes
    fstart = True  # nothing of the field read yet
    empty = True  # nothing of the record read yet (a blank line)
    in_quotes = False
    quote_seen = False  # a quote inside quotes, at a chunk's end: "" or the closing quote?
    cr_seen = False  # a CR at a chunk's end: a following LF belongs to it
    long_reported = False

    def seg(s: str, i: int, j: int) -> int:
        return (j - i) if ascii_chunk else len(s[i:j].encode("utf-8", "surrogatepass"))

    def end_field() -> None:
        nonlocal flen, fstart, long_reported
        if flen > limit and not long_reported and row >= 1:
            add(row, label(col), field_too_long(lim))
            long_reported = True
        flen = 0
        fstart = True

    def end_record() -> bool:
        """False when the walk must stop."""
        nonlocal row, col, empty, long_reported
        if empty and col == 0 and fstart:
            return True  # a blank line is not a record
        end_field()
        if row >= 2 and col + 1 != ncols:
            add(row, None, f"expected {ncols} fields, found {col + 1}")
        row += 1
        col = 0
        empty = True
        long_reported = False
        if row - 2 > lim.rows:
            add(None, None, too_many_rows(lim))
            return False
        return True

    decoder = codecs.getincrementaldecoder(enc)(errors="replace")
    going = True
    with p.open("rb") as f:
        while going:
            raw = f.read(1 << 22)
            s = decoder.decode(raw, final=not raw)
            if row == 1 and col == 0 and fstart and s.startswith("\ufeff"):
                s = s[1:]
            ascii_chunk = s.isascii()
            i, n = 0, len(s)
            if cr_seen and n and s[0] == "\n":
                i = 1
            cr_seen = False
            if quote_seen and n:
                quote_seen = False
                if s[0] == quote:  # a doubled quote: a literal one
                    flen += 1
                    i = max(i, 1)
                else:
                    in_quotes = False
            while i < n and going:
                if in_quotes:
                    j = s.find(quote, i)
                    if j < 0:
                        flen += seg(s, i, n)
                        i = n
                        break
                    flen += seg(s, i, j)
                    if j + 1 >= n:
                        quote_seen = True
                        i = n
                        break
                    if s[j + 1] == quote:
                        flen += 1
                        i = j + 2
                    else:
                        in_quotes = False
                        i = j + 1
                    continue
                m = special.search(s, i)
                j = m.start() if m else n
                if j > i:
                    flen += seg(s, i, j)
                    fstart = False
                    empty = False
                if m is None:
                    i = n
                    break
                c = s[j]
                if c == quote:
                    if fstart:
                        in_quotes = True
                    else:
                        flen += 1
                    fstart = False
                    empty = False
                elif c == delimiter:
                    end_field()
                    col += 1
                    empty = False
                else:  # CR or LF ends the record
                    going = end_record()
                    if c == "\r":
                        if j + 1 < n and s[j + 1] == "\n":
                            j += 1
                        elif j + 1 >= n:
                            cr_seen = True
                i = j + 1
            if not raw:
                break
    if going:
        if in_quotes and not quote_seen:
            add(row, label(col), "a quoted field is not closed")
        elif not (empty and col == 0 and fstart):
            end_record()
    return problems, total


# ---------------------------------------------------------------------------- spreadsheets


def cell_text(v: object) -> str:
    """A spreadsheet cell as the text a CSV export would hold. (The process that reads a sheet
    runs this function's source, with the datetime names imported.)"""
    t = type(v)
    if t is str:
        return v.strip()  # type: ignore[union-attr]
    if t is float:
        return str(int(v)) if v.is_integer() else repr(v)  # type: ignore[union-attr]
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


def sheet_memory(lim: Limits) -> int:
    """The memory the process reading a spreadsheet may use: room for calamine's dense grid of
    the largest sheet allowed (32 bytes a cell), the cells as read, their text and Python."""
    return (1 << 30) + 128 * lim.sheet_cells


def _open_sheet(p: Path, lim: Limits) -> Source:
    if p.suffix.lower() in ZIPPED_SUFFIXES:
        check_zipped_sheet(p, lim)
    return _read_sheet_in_child(p, lim)


# -- checks from the file itself, before anything reads the sheet


_DIMENSION = re.compile(
    rb"<(?:\w+:)?dimension\s+ref=\"\$?([A-Z]{1,3})\$?([0-9]{1,9})(?::\$?([A-Z]{1,3})\$?([0-9]{1,9}))?\""
)


def column_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def column_letters(n: int) -> str:
    s = ""
    while n > 0:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def check_extent(p: Path, rows: int, cols: int, lim: Limits, what: str) -> None:
    """Refuse a sheet of `rows` rows (the header included) and `cols` columns over the limits."""
    over = []
    if rows - 1 > lim.rows:
        over.append(f"{lim.rows:,} rows")
    if cols > lim.columns:
        over.append(f"{lim.columns} columns")
    if rows * cols > lim.sheet_cells:
        over.append(f"{lim.sheet_cells:,} cells")
    if over:
        raise _fail(
            p,
            f"{what} reaches cell {column_letters(cols)}{rows} ({rows:,} rows × {cols:,} columns),"
            f" more than an import reads ({', '.join(over)}): remove what lies beyond the data,"
            " or save the sheet as CSV",
        )


def check_zipped_sheet(p: Path, lim: Limits) -> None:
    """The checks of an .xlsx/.xlsm/.xlsb/.ods made from the zip itself: its unpacked size from
    the member sizes, the first sheet's declared used range, and that the members the reader
    opens unpack to no more than they declare."""
    try:
        zf = zipfile.ZipFile(p)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        raise _fail(p, f"not a {p.suffix.lower()} workbook (it is not a zip archive)") from None
    with zf:
        try:
            infos = zf.infolist()
            total = sum(i.file_size for i in infos)
            if total > lim.unzipped_bytes:
                raise _fail(
                    p,
                    f"unpacks to {size(total)}, more than the {size(lim.unzipped_bytes)} a"
                    " workbook may hold unpacked",
                )
            suffix = p.suffix.lower()
            skip: set[str] = set()
            if suffix in (".xlsx", ".xlsm"):
                sheets = _xlsx_first_sheet(zf)
                for name in sheets:
                    _check_dimension(p, zf, name, lim)
                skip = {
                    i.filename
                    for i in infos
                    if i.filename.startswith("xl/worksheets/") and i.filename not in sheets
                }
            for info in infos:  # the parts the reader may open: XML, binary records, relations
                if info.filename.endswith((".xml", ".bin", ".rels")) and info.filename not in skip:
                    _verify_member(p, zf, info)
        except ReadError:
            raise
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as exc:
            raise _fail(p, f"a damaged or unsupported workbook: {exc}") from None
        except (NotImplementedError, RuntimeError) as exc:  # encrypted, unknown compression
            raise _fail(p, f"cannot read the workbook: {exc}") from None


def _verify_member(p: Path, zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """Unpack a member without keeping it: Python's zip reader stops at the size the member
    declares and checks its CRC, so a member that unpacks to more than it says is refused."""
    with zf.open(info) as f:
        while f.read(1 << 22):
            pass


def _small_member(zf: zipfile.ZipFile, name: str, limit: int = 16 << 20) -> bytes | None:
    try:
        info = zf.getinfo(name)
    except KeyError:
        return None
    if info.file_size > limit:
        return None
    with zf.open(info) as f:
        return f.read(limit)


def _rels(zf: zipfile.ZipFile, name: str) -> dict[str, tuple[str, str]]:
    """{Id: (Type, Target)} of a .rels part."""
    data = _small_member(zf, name)
    out: dict[str, tuple[str, str]] = {}
    if not data:
        return out
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError:
        return out
    for el in root.iter():
        if el.tag.endswith("Relationship"):
            out[el.get("Id", "")] = (el.get("Type", ""), el.get("Target", ""))
    return out


def _resolve(base: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    parts: list[str] = []
    for part in (PurePosixPath(base).parent / target).parts:
        if part == "..":
            if parts:
                parts.pop()
        elif part != ".":
            parts.append(part)
    return "/".join(parts)


def _xlsx_first_sheet(zf: zipfile.ZipFile) -> list[str]:
    """The member of the workbook's first sheet (every worksheet when it cannot be told)."""
    names = set(zf.namelist())
    workbook = "xl/workbook.xml"
    for typ, target in _rels(zf, "_rels/.rels").values():
        if typ.endswith("/officeDocument"):
            workbook = _resolve("", target)
    data = _small_member(zf, workbook)
    first = None
    if data:
        try:
            root = ElementTree.fromstring(data)
            for el in root.iter():
                if el.tag.endswith("}sheet") or el.tag == "sheet":
                    first = next((v for k, v in el.attrib.items() if k.endswith("}id")), None)
                    break
        except ElementTree.ParseError:
            pass
    if first is not None:
        folder, base = workbook.rsplit("/", 1) if "/" in workbook else ("", workbook)
        rels = _rels(zf, f"{folder}/_rels/{base}.rels" if folder else f"_rels/{base}.rels")
        if first in rels:
            member = _resolve(workbook, rels[first][1])
            if member in names:
                return [member]
    return sorted(n for n in names if n.startswith("xl/worksheets/") and n.endswith(".xml"))


def _check_dimension(p: Path, zf: zipfile.ZipFile, member: str, lim: Limits) -> None:
    """The sheet's declared used range (`<dimension ref="A1:XFD1048576"/>`, before its cells)."""
    with zf.open(member) as f:
        head = f.read(1 << 16)
    m = _DIMENSION.search(head)
    if not m:
        return
    letters, digits = (m.group(3), m.group(4)) if m.group(3) else (m.group(1), m.group(2))
    check_extent(
        p, int(digits), column_number(letters.decode()), lim, "the first sheet's used range"
    )


# -- the child process that reads a sheet


def _sheet_child(path: str, opts: dict) -> int:
    """Runs in a child process: read the first sheet with calamine under a memory limit and
    write its rows to stdout as an Arrow stream (c0..cN as text, _row), the header in the
    schema's metadata. A problem is written to stderr as one JSON line; exit code 3."""
    import contextlib
    import json
    import resource
    import sys

    for limit, value in (("RLIMIT_AS", opts["memory"]), ("RLIMIT_CORE", 0)):
        # (not above a limit this process inherited, nor where the platform has none)
        with contextlib.suppress(ValueError, OSError, AttributeError):
            resource.setrlimit(getattr(resource, limit), (value, value))

    def fail(message, row=None, column=None):
        sys.stderr.write("\n" + json.dumps({"row": row, "column": column, "message": message}))
        sys.stderr.write("\n")
        sys.stderr.flush()
        return 3

    try:
        import pyarrow as pa
        from python_calamine import CalamineWorkbook

        wb = CalamineWorkbook.from_path(path)
        sheet = wb.get_sheet_by_index(0)
    except MemoryError:
        return fail("MEMORY")
    except Exception as exc:  # calamine raises several error types for broken files
        if "limit" in str(exc).lower():
            return fail("MEMORY")
        return fail(f"cannot read the spreadsheet: {exc}")
    end = sheet.end
    if end is None:
        return fail("the first sheet is empty")
    rows_, cols_ = end[0] + 1, end[1] + 1
    over = []
    if rows_ - 1 > opts["rows"]:
        over.append(f"{opts['rows']:,} rows")
    if cols_ > opts["columns"]:
        over.append(f"{opts['columns']} columns")
    if sheet.height * sheet.width > opts["cells"]:
        over.append(f"{opts['cells']:,} cells")
    if over:
        return fail(
            f"the first sheet holds {rows_:,} rows × {cols_:,} columns, more than an import"
            f" reads ({', '.join(over)}): remove what lies beyond the data, or save the sheet as"
            " CSV"
        )
    rows = sheet.iter_rows()
    header = None
    first = 0
    for i, r in enumerate(rows):
        texts = [cell_text(c) for c in r]
        if any(texts):
            header, first = texts, i
            break
    if header is None:
        return fail("the first sheet is empty")
    while header and not header[-1]:
        header.pop()
    ncols = len(header)
    fb = opts["field"]
    for i, h in enumerate(header):
        if len(h) > fb // 4 and len(h.encode("utf-8", "surrogatepass")) > fb:
            return fail(opts["field_message"], first + 1, f"column {i + 1}")
    schema = pa.schema(
        [pa.field(f"c{i}", pa.string()) for i in range(ncols)] + [pa.field("_row", pa.int64())],
        metadata={"header": json.dumps(header), "total": str(max(rows_ - first - 1, 0))},
    )
    out = pa.ipc.new_stream(sys.stdout.buffer, schema)
    cols = [[] for _ in range(ncols)]
    nums = []

    def flush():
        out.write_batch(
            pa.record_batch(
                [pa.array(c, pa.string()) for c in cols] + [pa.array(nums, pa.int64())],
                schema=schema,
            )
        )
        for c in cols:
            c.clear()
        nums.clear()

    for i, r in enumerate(rows, start=first + 2):
        texts = [cell_text(c) for c in r]
        if not any(texts):
            continue  # blank rows between data are skipped, as in a CSV
        texts = texts[:ncols]
        for j, t in enumerate(texts):
            if len(t) > fb // 4 and len(t.encode("utf-8", "surrogatepass")) > fb:
                out.close()
                return fail(opts["field_message"], i, header[j] or f"column {j + 1}")
            cols[j].append(t)
        for j in range(len(texts), ncols):
            cols[j].append("")
        nums.append(i)
        if len(nums) >= opts["batch"]:
            flush()
    if nums:
        flush()
    out.close()
    sys.stdout.flush()
    return 0


def _child_program() -> str:
    return "\n".join(
        [
            "import json, sys",
            "from datetime import date, datetime, time, timedelta",
            inspect.getsource(cell_text),
            inspect.getsource(_sheet_child),
            "sys.exit(_sheet_child(sys.argv[1], json.loads(sys.argv[2])))",
        ]
    )


def _read_sheet_in_child(p: Path, lim: Limits) -> Source:
    memory = sheet_memory(lim)
    opts = {
        "memory": memory,
        "rows": lim.rows,
        "columns": lim.columns,
        "cells": lim.sheet_cells,
        "field": lim.field_bytes,
        "field_message": field_too_long(lim),
        "batch": BATCH_ROWS,
    }
    env = {
        **os.environ,
        "ARROW_DEFAULT_MEMORY_POOL": "system",  # no large reservations under the memory limit
        "MALLOC_ARENA_MAX": "2",
        "RUST_BACKTRACE": "0",
        "OMP_NUM_THREADS": "1",
    }
    err = tempfile.TemporaryFile()  # noqa: SIM115 - the batches close it with the process
    proc = subprocess.Popen(
        [sys.executable, "-c", _child_program(), os.fspath(p), json.dumps(opts)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=err,
        env=env,
    )
    try:
        reader = pa.ipc.open_stream(proc.stdout)
    except (pa.ArrowInvalid, OSError, EOFError):
        proc.wait()
        exc = _child_error(p, proc, err, lim)
        _close_child(proc, err)
        raise exc from None
    except BaseException:
        _close_child(proc, err)
        raise
    meta = reader.schema.metadata or {}
    header = json.loads(meta.get(b"header", b"[]"))
    total = int(meta.get(b"total", b"0"))
    src = Source(path=p, header=header, total=total, unit="rows", limits=lim)
    src._batches = _child_batches(p, proc, err, reader, lim)
    return src


def _child_batches(p: Path, proc, err, reader, lim: Limits) -> Iterator[RawBatch]:
    done = 0
    try:
        while True:
            try:
                batch = reader.read_next_batch()
            except StopIteration:
                break
            except (pa.ArrowInvalid, OSError, EOFError):
                proc.wait()
                raise _child_error(p, proc, err, lim) from None
            done += batch.num_rows
            yield RawBatch(pa.Table.from_batches([batch]), done)
        if proc.wait() != 0:
            raise _child_error(p, proc, err, lim)
    finally:
        _close_child(proc, err)


def _close_child(proc, err) -> None:
    if proc.poll() is None:
        proc.kill()
        proc.wait()
    if proc.stdout is not None:
        proc.stdout.close()
    err.close()


def _child_error(p: Path, proc, err, lim: Limits) -> ReadError:
    """The child's problem line, or what its end says about it."""
    err.seek(0)
    text = err.read()[-65536:].decode("utf-8", errors="replace")
    for line in reversed(text.splitlines()):
        line = line.strip()
        if line.startswith("{") and line.endswith("}"):
            try:
                d = json.loads(line)
            except ValueError:
                continue
            if d.get("message") != "MEMORY":
                return _fail(p, d["message"], d.get("row"), d.get("column"))
            return _too_large(p, lim)
    if (proc.returncode is not None and proc.returncode < 0) or "memory" in text.lower():
        return _too_large(p, lim)  # calamine aborts its process when memory runs out
    last = next((ln.strip() for ln in reversed(text.splitlines()) if ln.strip()), "")
    return _fail(p, f"cannot read the spreadsheet: {last or f'exit code {proc.returncode}'}")


def _too_large(p: Path, lim: Limits) -> ReadError:
    return _fail(
        p,
        f"the sheet is too large to read within {size(sheet_memory(lim))} of memory"
        f" (an import reads at most {lim.sheet_cells:,} cells of a sheet): remove what lies"
        " beyond the data, or save the sheet as CSV",
    )
