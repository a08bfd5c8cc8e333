"""The child process that reads a spreadsheet (see :mod:`csperf.ingest.sheets`).

It reads the first sheet with calamine under a memory limit and writes its rows to stdout as an
Arrow stream (c0..cN as text, _row), the header in the schema's metadata. A problem is written to
stderr as one JSON line, and the exit code is 3. This module is run as the child's program from
its source (``python -c``): it imports nothing of csperf, so the child starts small.
"""

from __future__ import annotations

import contextlib
import json
import sys
from datetime import date, datetime, time, timedelta

PROBLEM_EXIT = 3


def cell_text(v: object) -> str:
    """A spreadsheet cell as the text a CSV export would hold."""
    if isinstance(v, str):
        return v.strip()
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


def gettext_noop(message: str) -> str:
    """Marks a msgid (csperf.kernel.i18n's marker; this module imports nothing of csperf)."""
    return message


class SheetProblem(Exception):
    """What the child reports on stderr: a msgid and its params, with its row and column where
    known; ``library``: a library's own text instead (the parent words it)."""

    def __init__(
        self,
        message: str,
        row: int | None = None,
        column: str | None = None,
        *,
        params: dict | None = None,
        library: str | None = None,
    ) -> None:
        super().__init__(message)
        self.row = row
        self.column = column
        self.params = params or {}
        self.library = library


def _limit_memory(memory: int) -> None:
    import resource

    for limit, value in (("RLIMIT_AS", memory), ("RLIMIT_CORE", 0)):
        # (not above a limit this process inherited, nor where the platform has none)
        with contextlib.suppress(ValueError, OSError, AttributeError):
            resource.setrlimit(getattr(resource, limit), (value, value))


def _first_sheet(path: str):
    try:
        from python_calamine import CalamineWorkbook

        return CalamineWorkbook.from_path(path).get_sheet_by_index(0)
    except MemoryError:
        raise SheetProblem("MEMORY") from None
    except Exception as exc:  # calamine raises several error types for broken files
        if "limit" in str(exc).lower():
            raise SheetProblem("MEMORY") from None
        raise SheetProblem("", library=str(exc)) from None


def _check_extent(sheet, opts: dict) -> int:
    """The sheet's number of rows (header included), or a SheetProblem when it is too large."""
    end = sheet.end
    if end is None:
        raise SheetProblem(gettext_noop("the first sheet is empty"))
    rows, cols = end[0] + 1, end[1] + 1
    over = limits_over(
        rows=opts["rows"] if rows - 1 > opts["rows"] else None,
        columns=opts["columns"] if cols > opts["columns"] else None,
        cells=opts["cells"] if sheet.height * sheet.width > opts["cells"] else None,
    )
    if over:
        raise SheetProblem(
            gettext_noop(
                "the first sheet holds %(rows)s rows × %(columns)s columns, more than an import"
                " reads (%(over)s): remove what lies beyond the data, or save the sheet as CSV"
            ),
            params={"rows": f"{rows:,}", "columns": f"{cols:,}", "over": over},
        )
    return rows


def limits_over(*, rows: int | None, columns: int | None, cells: int | None) -> dict | None:
    """The limits a sheet breaks (those not None) as one message, ``200 columns, 20,000,000
    cells``: each limit and each ", " a msgid of its own, so a reader reads them in their
    language; a {msgid, params} dict, as the child reports it (the parent uses it too)."""
    out: dict | None = None
    for count, msgid in (
        (rows, gettext_noop("%(count)s rows")),
        (columns, gettext_noop("%(count)s columns")),
        (cells, gettext_noop("%(count)s cells")),
    ):
        if count is not None:
            item = {"msgid": msgid, "params": {"count": f"{count:,}"}}
            pair = gettext_noop("%(list)s, %(item)s")
            out = item if out is None else {"msgid": pair, "params": {"list": out, "item": item}}
    return out


def _too_long(text: str, most: int) -> bool:
    return len(text) > most // 4 and len(text.encode("utf-8", "surrogatepass")) > most


def _header(rows, opts: dict) -> tuple[list[str], int]:
    """The first non-blank row (trailing empty cells dropped) and its index."""
    for i, r in enumerate(rows):
        texts = [cell_text(c) for c in r]
        if any(texts):
            while texts and not texts[-1]:
                texts.pop()
            for j, h in enumerate(texts):
                if _too_long(h, opts["field"]):
                    raise SheetProblem(
                        opts["field_message"], i + 1, f"column {j + 1}", params=opts["field_params"]
                    )
            return texts, i
    raise SheetProblem(gettext_noop("the first sheet is empty"))


def _stream(rows, header: list[str], first: int, total: int, opts: dict) -> None:
    """Write the data rows after the header as Arrow batches of text to stdout."""
    import pyarrow as pa

    ncols = len(header)
    schema = pa.schema(
        [pa.field(f"c{i}", pa.string()) for i in range(ncols)] + [pa.field("_row", pa.int64())],
        metadata={"header": json.dumps(header), "total": str(max(total - first - 1, 0))},
    )
    out = pa.ipc.new_stream(sys.stdout.buffer, schema)
    cols: list[list[str]] = [[] for _ in range(ncols)]
    nums: list[int] = []

    def flush() -> None:
        arrays = [pa.array(c, pa.string()) for c in cols] + [pa.array(nums, pa.int64())]
        out.write_batch(pa.record_batch(arrays, schema=schema))
        for c in cols:
            c.clear()
        nums.clear()

    try:
        for i, r in enumerate(rows, start=first + 2):
            texts = [cell_text(c) for c in r]
            if not any(texts):
                continue  # blank rows between data are skipped, as in a CSV
            texts = texts[:ncols]
            for j, t in enumerate(texts):
                if _too_long(t, opts["field"]):
                    raise SheetProblem(
                        opts["field_message"],
                        i,
                        header[j] or f"column {j + 1}",
                        params=opts["field_params"],
                    )
                cols[j].append(t)
            for j in range(len(texts), ncols):
                cols[j].append("")
            nums.append(i)
            if len(nums) >= opts["batch"]:
                flush()
        if nums:
            flush()
    finally:
        out.close()
    sys.stdout.flush()


def main(path: str, opts: dict) -> int:
    _limit_memory(opts["memory"])
    try:
        sheet = _first_sheet(path)
        total = _check_extent(sheet, opts)
        rows = sheet.iter_rows()
        header, first = _header(rows, opts)
        _stream(rows, header, first, total, opts)
    except SheetProblem as p:
        line = json.dumps(
            {
                "row": p.row,
                "column": p.column,
                "message": str(p),
                "params": p.params,
                "library": p.library,
            }
        )
        sys.stderr.write("\n" + line + "\n")
        sys.stderr.flush()
        return PROBLEM_EXIT
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], json.loads(sys.argv[2])))
