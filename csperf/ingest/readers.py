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
import io
import re
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from csperf.ingest.csv_scan import scan_csv
from csperf.ingest.limits import Limits, from_env, size
from csperf.ingest.sheets import open_sheet
from csperf.ingest.sources import (
    MAX_PROBLEMS,
    PlaceProblem,
    RawBatch,
    ReadError,
    Source,
    expected_fields,
    fail,
    fail_many,
    field_too_long,
    too_many_rows,
)
from csperf.kernel.i18n import Message, gettext_noop

SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xlsb", ".xls", ".ods"}
BLOCK_BYTES = 1 << 24  # pyarrow reads a CSV in blocks of this size; a row must fit in one
HEAD_BYTES = 1 << 20  # the header row is read from the first MB of a CSV
SNIFF_BYTES = 1 << 16  # its encoding is told from the first 64 KB


def open_table(
    path: str | Path, *, encoding: str | None = None, limits: Limits | None = None
) -> Source:
    """The header and batches of a CSV or spreadsheet file (limits: the environment's when
    none are given)."""
    lim = limits or from_env()
    p = Path(path)
    if not p.exists():
        raise fail(p, Message(gettext_noop("no such file")))
    if p.is_dir():
        raise fail(p, Message(gettext_noop("is a directory, not a file")))
    if p.suffix.lower() in SPREADSHEET_SUFFIXES:
        return open_sheet(p, lim)
    return _open_csv(p, encoding, lim)


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
    if head.startswith(b"PK\x03\x04"):
        msgid = gettext_noop(
            "not a text table: binary data (it looks like a zipped file, such as an .xlsx or"
            " .ods workbook: name it so)"
        )
    elif head.startswith(b"\xd0\xcf\x11\xe0"):
        msgid = gettext_noop(
            "not a text table: binary data (it looks like an old Excel .xls workbook: name it so)"
        )
    else:
        msgid = gettext_noop("not a text table: binary data")
    return fail(p, Message(msgid))


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
        raise fail(
            p, Message(gettext_noop("unknown text encoding '%(encoding)s'"), {"encoding": enc})
        ) from None
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise fail(p, Message(gettext_noop("the file is empty")))
    whole = len(head) == size_
    first_line = text.splitlines()[0] if text.splitlines() else ""
    delimiter = _sniff_delimiter(first_line)
    buf = io.StringIO(text, newline="")
    try:
        header = next(csv.reader(buf, delimiter=delimiter))
    except StopIteration:
        raise fail(p, Message(gettext_noop("the file has no header row"))) from None
    except csv.Error as exc:
        why = Message(gettext_noop("the header row cannot be read: %(error)s"), {"error": str(exc)})
        raise fail(p, why, row=1) from None
    if not whole and buf.tell() >= len(text) and not text.endswith(("\n", "\r")):
        # the header row does not end within the first MB: count its columns on (bounded)
        n, ended = _count_header_fields(p, enc, delimiter)
        if n > lim.columns:
            more = "" if ended else "more than "
            raise fail(p, _too_many_columns(f"{more}{n:,}", lim), row=1)
        longer = gettext_noop("the header row is longer than %(size)s")
        raise fail(p, Message(longer, {"size": size(HEAD_BYTES)}), row=1)
    header = [h.strip() for h in header]
    if len(header) > lim.columns:
        raise fail(p, _too_many_columns(f"{len(header):,}", lim), row=1)
    if not any(header):
        raise fail(p, Message(gettext_noop("the header row is empty")), row=1)
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
    return Message(
        gettext_noop("%(count)s columns: an import reads at most %(most)s"),
        {"count": n, "most": lim.columns},
    )


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
        return fail_many(p, problems, total)

    try:
        reader = _open_reader(p, names, enc, delimiter, on_invalid)
    except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
        raise _explain_arrow_error(p, enc, str(exc)) from None
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
            raise _explain_arrow_error(p, enc, str(exc)) from None
        n = batch.num_rows
        if n == 0:
            continue
        if row - 2 + n > src.limits.rows:
            raise fail(p, too_many_rows(src.limits))
        for col in batch.columns:
            longest = pc.max(pc.binary_length(col)).as_py() or 0
            if longest > src.limits.field_bytes:
                err = structure(ragged_ok=False)
                if err is None:  # the walk agrees on no place: name the first such cell
                    i = batch.columns.index(col)
                    at = pc.index(pc.greater(pc.binary_length(col), src.limits.field_bytes), True)
                    err = fail(p, field_too_long(src.limits), row + at.as_py(), src.header[i])
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
            src.invalid_rows = [(None, expected_fields(ncols, n)) for n in ragged]


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


def _explain_arrow_error(p: Path, enc: str, msg: str) -> ReadError:
    """A readable problem for a CSV pyarrow cannot read, with the line when it can be found."""
    if "UTF8" in msg or "UTF-8" in msg or "decod" in msg.lower() or "codec" in msg:
        if enc.lower().startswith(("utf-16", "utf-32", "utf16", "utf32")):
            return fail(p, Message(gettext_noop("not valid %(encoding)s text"), {"encoding": enc}))
        with p.open("rb") as f:
            for n, line in enumerate(f, start=1):
                try:
                    line.decode(enc)
                except UnicodeDecodeError:
                    why = gettext_noop(
                        "not valid %(encoding)s text (save the file as UTF-8 or GB18030,"
                        " or name its encoding with --encoding)"
                    )
                    return fail(p, Message(why, {"encoding": enc}), row=n)
    first = msg.splitlines()[0] if msg else msg
    return fail(p, Message(gettext_noop("cannot read the CSV: %(error)s"), {"error": first}))


__all__ = [
    "MAX_PROBLEMS",
    "PlaceProblem",
    "RawBatch",
    "ReadError",
    "Source",
    "field_too_long",
    "open_table",
    "scan_csv",
    "too_many_rows",
]
