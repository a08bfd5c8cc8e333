"""A table of figures that every chart is also shown as, and its CSV / XLSX download."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.http import HttpResponse

from csperf.exports.cells import csv_row, workbook, write_cell

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class Table:
    title: str
    columns: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    # Columns holding numbers (right-aligned in HTML, numeric cells in XLSX).
    numeric: set[int] = field(default_factory=set)
    # The unit of a numeric column (csperf.scoring.figures: ratio -> 98.99% on the page).
    units: dict[int, str] = field(default_factory=dict)

    def as_dicts(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, r, strict=False)) for r in self.rows]


def plain(v: Any) -> Any:
    """A cell as a JSON / spreadsheet friendly value."""
    if isinstance(v, Decimal):
        return float(v)
    if isinstance(v, dt.datetime):
        return v.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(v, dt.date):
        return v.isoformat()
    return v


def display(v: Any) -> str:
    """A cell as shown on a page: ratios and means rounded to 4 places, empty for None."""
    if v is None:
        return ""
    if isinstance(v, Decimal):
        q = v.quantize(Decimal("0.0001")) if v == v and abs(v) < 10**12 else v
        s = format(q.normalize(), "f")
        return s
    if isinstance(v, float):
        return f"{v:.4f}".rstrip("0").rstrip(".")
    return str(plain(v))


def safe_filename(name: str) -> str:
    # ASCII only: a non-ASCII name in Content-Disposition needs RFC 5987 and is mangled by some
    # browsers; the codes and periods the names are made of are ASCII anyway.
    return re.sub(r"[^A-Za-z0-9.\-]+", "_", name).strip("_") or "table"


def csv_response(table: Table, filename: str) -> HttpResponse:
    buf = io.StringIO()
    buf.write("\ufeff")  # Excel opens UTF-8 CSV with Chinese text correctly only with a BOM
    w = csv.writer(buf)
    w.writerow(csv_row(table.columns))
    for row in table.rows:
        w.writerow(csv_row([plain(v) for v in row]))
    resp = HttpResponse(buf.getvalue(), content_type="text/csv; charset=utf-8")
    resp["Content-Disposition"] = f'attachment; filename="{safe_filename(filename)}.csv"'
    return resp


def xlsx_bytes(tables: list[Table]) -> bytes:
    buf = io.BytesIO()
    wb = workbook(buf)
    bold = wb.add_format({"bold": True, "bg_color": "#EEF2F7", "border": 1})
    title_fmt = wb.add_format({"bold": True, "font_size": 13})
    used: set[str] = set()
    for table in tables:
        name = re.sub(r"[\[\]:*?/\\]", "_", table.title)[:28] or "Sheet"
        base, n = name, 2
        while name in used:
            name = f"{base[:25]}_{n}"
            n += 1
        used.add(name)
        ws = wb.add_worksheet(name)
        write_cell(ws, 0, 0, table.title, title_fmt)
        for c, h in enumerate(table.columns):
            write_cell(ws, 2, c, h, bold)
        for r, row in enumerate(table.rows, start=3):
            for c, v in enumerate(row):
                v = plain(v)
                if v is None:
                    continue
                if isinstance(v, bool):
                    ws.write_boolean(r, c, v)
                elif isinstance(v, int | float):
                    ws.write_number(r, c, v)
                elif isinstance(v, dict | list):
                    ws.write_string(r, c, str(v))
                else:
                    ws.write_string(r, c, str(v))
        ws.set_column(0, max(len(table.columns) - 1, 0), 14)
        ws.freeze_panes(3, 1)
    wb.close()
    return buf.getvalue()


def xlsx_response(tables: list[Table] | Table, filename: str) -> HttpResponse:
    if isinstance(tables, Table):
        tables = [tables]
    resp = HttpResponse(xlsx_bytes(tables), content_type=XLSX_TYPE)
    resp["Content-Disposition"] = f'attachment; filename="{safe_filename(filename)}.xlsx"'
    return resp


def download(request: Any, table: Table, filename: str) -> HttpResponse | None:
    """The download the request asks for (``?format=csv|xlsx``), else None (show the page)."""
    fmt = request.GET.get("format", "")
    if fmt == "csv":
        return csv_response(table, filename)
    if fmt == "xlsx":
        return xlsx_response(table, filename)
    return None
