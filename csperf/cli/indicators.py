"""`csperf indicators list|compute|intervals|explain`: indicators out of the records store.

A module of its own so that `csperf indicators compute` imports neither the record schemas nor
Ibis before it knows it needs them: a request computed before is answered from the compiled-SQL
cache (csperf.metrics.sqlcache) in a fraction of the start-up Ibis costs.
"""

from __future__ import annotations

import argparse
import csv
import functools
import io
import json
import sys
from collections.abc import Callable, Mapping
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from json.encoder import encode_basestring  # json's own (C) string encoder, ensure_ascii=False
from typing import Any

from csperf.cli.common import CliError, write_output
from csperf.kernel.decimals import jsonable


def register(sub: argparse._SubParsersAction) -> None:
    _register_indicators(sub)


def _register_indicators(sub: argparse._SubParsersAction) -> None:
    ind = sub.add_parser("indicators", help="list, compute and explain indicators")
    isub = ind.add_subparsers(dest="indicators_command", metavar="ACTION")
    isub.required = True

    p = isub.add_parser("list", help="the indicator library")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(handler=cmd_list)

    p = isub.add_parser("compute", help="indicators per employee, team, department or centre")
    p.add_argument("--period", required=True, help="2026-03, 2026-Q1, 2026-H2, 2026 or A..B")
    p.add_argument(
        "--level", choices=("employee", "team", "department", "center"), default="employee"
    )
    _common(p)
    p.add_argument(
        "--start-day",
        type=int,
        default=1,
        help="months start on this day (26: 2026-03 is 02-26..03-25)",
    )
    p.add_argument("--format", choices=("json", "csv", "xlsx"), default="json")
    p.add_argument("--output", "-o", metavar="FILE")
    p.set_defaults(handler=cmd_compute)

    p = isub.add_parser("intervals", help="call indicators per intraday interval")
    p.add_argument("--date", required=True, help="first day, YYYY-MM-DD")
    p.add_argument("--to", help="last day (default: --date)")
    p.add_argument("--minutes", type=int, required=True, help="interval length, e.g. 15, 30, 60")
    p.add_argument(
        "--level", choices=("employee", "team", "department", "center"), default="center"
    )
    _common(p)
    p.add_argument("--format", choices=("json", "csv"), default="json")
    p.add_argument("--output", "-o", metavar="FILE")
    p.set_defaults(handler=cmd_intervals)

    p = isub.add_parser("explain", help="the records behind one indicator value")
    p.add_argument("indicator")
    p.add_argument("--subject", required=True, help="employee id, team, department or `center`")
    p.add_argument("--period", required=True)
    p.add_argument("--level", choices=("employee", "team", "department", "center"))
    p.add_argument("--param", action="append", default=[], metavar="CODE.NAME=VALUE")
    p.add_argument("--start-day", type=int, default=1)
    p.add_argument("--limit", type=int, help="at most this many records per part")
    p.add_argument("--output", "-o", metavar="FILE")
    _data(p)
    p.set_defaults(handler=cmd_explain)


def _data(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--data", metavar="DIR", help="data directory (default: $CSPERF_DATA or ./csperf-data)"
    )


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--indicators", help="comma-separated codes (default: all)")
    p.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="CODE.NAME=VALUE",
        help="indicator parameter, e.g. service_level.threshold_s=30",
    )
    _data(p)


def to_json(data: Any) -> str:
    """``json.dumps(jsonable(data), ensure_ascii=False, indent=2)`` and a newline, byte for
    byte, without the pure-Python encoder json falls back to for indented output (for 10,000
    rows of 10 indicators it took longer than the query)."""
    return _dumps(data, "") + "\n"


def _dumps(v: Any, pad: str) -> str:
    t = type(v)
    if t is str:
        return encode_basestring(v)
    if t is int:
        return int.__repr__(v)
    if t is Decimal and v.is_finite():  # as jsonable: a whole number, else a float
        return int.__repr__(int(v)) if v == v.to_integral_value() else float.__repr__(float(v))
    if v is None:
        return "null"
    if (
        t is dict
        and v
        and all(type(k) is str for k in v)
        and all(type(x) in FLAT for x in v.values())
    ):
        inner = pad + "  "  # a row: json's C encoder, the line breaks put in as separators
        return "{\n" + inner + _flat(inner)(v)[1:-1] + "\n" + pad + "}"
    if t is dict or isinstance(v, Mapping):
        if not v:
            return "{}"
        inner = pad + "  "
        items = [inner + _key(k) + _dumps(x, inner) for k, x in v.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(v, list | tuple | set | frozenset):
        if not v:
            return "[]"
        inner = pad + "  "
        return "[\n" + ",\n".join(inner + _dumps(x, inner) for x in v) + "\n" + pad + "]"
    if isinstance(v, bool | float | int):
        return json.dumps(v)
    w = jsonable(v)  # a date …
    return json.dumps(v) if w is v else _dumps(w, pad)  # json's error for what it cannot hold


FLAT = frozenset({str, int, float, bool, type(None), Decimal})  # jsonable: Decimal -> number


@functools.cache
def _flat(inner: str) -> Callable[[Any], str]:
    sep = (",\n" + inner, ": ")
    return json.JSONEncoder(ensure_ascii=False, separators=sep, default=jsonable).encode


@functools.cache
def _key(k: Any) -> str:
    return encode_basestring(str(k)) + ": "


def _cell(v: Any) -> Any:
    if v is None:
        return ""
    if isinstance(v, Decimal):
        return str(v)
    if isinstance(v, datetime):
        return v.isoformat(sep=" ")
    if isinstance(v, date):
        return v.isoformat()
    return v


def to_csv(rows: list[dict], columns: list[str]) -> str:
    from csperf.exports.cells import csv_row

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(csv_row(columns))
    for r in rows:
        w.writerow(csv_row([_cell(r.get(c)) for c in columns]))
    return buf.getvalue()


def to_xlsx(rows: list[dict], columns: list[str], headers: list[str], title: str) -> bytes:
    from csperf.exports.cells import workbook

    buf = io.BytesIO()
    wb = workbook(buf)  # text cells stay text: names never become formulas
    ws = wb.add_worksheet("indicators")
    bold = wb.add_format({"bold": True, "text_wrap": True, "valign": "top"})
    ws.write(0, 0, title, wb.add_format({"bold": True, "font_size": 13}))
    for j, h in enumerate(headers):
        ws.write(2, j, h, bold)
        ws.set_column(j, j, 14)
    for i, r in enumerate(rows, start=3):
        for j, c in enumerate(columns):
            v = r.get(c)
            if isinstance(v, Decimal):
                ws.write_number(i, j, float(v))
            elif v is None:
                ws.write_blank(i, j, None)
            else:
                ws.write(i, j, _cell(v))
    ws.freeze_panes(3, 1)
    wb.close()
    return buf.getvalue()


@contextmanager
def _engine(args):
    from csperf.ingest.store import StoreError
    from csperf.metrics import Engine

    try:
        eng = Engine.open(args.data)
    except StoreError as exc:
        raise CliError(str(exc)) from None
    try:
        yield eng
    finally:
        eng.close()


@contextmanager
def _errors():
    from csperf.ingest.store import StoreError
    from csperf.metrics import MetricsError, PeriodError

    try:
        yield
    except (MetricsError, PeriodError, StoreError) as exc:
        raise CliError(str(exc)) from None


def _progress(total_label: str):
    """A rich progress bar on a terminal (stderr); a no-op otherwise."""
    if not sys.stderr.isatty():
        return None, None
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TimeRemainingColumn

    prog = Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        TaskProgressColumn(),
        TimeRemainingColumn(),
        console=None,
        transient=True,
    )
    task = prog.add_task(total_label, total=None)

    def update(done: int, total: int) -> None:
        prog.update(task, completed=done, total=total)

    return prog, update


def _codes(s: str | None) -> list[str] | None:
    if not s:
        return None
    return [c.strip() for c in s.split(",") if c.strip()]


def cmd_list(args) -> int:
    from csperf.metrics import list_indicators

    items = list_indicators()
    if args.format == "json":
        write_output(to_json(items), None)
        return 0
    from rich.console import Console
    from rich.table import Table

    t = Table(show_lines=False)
    for h in ("code", "名称", "name", "unit", "better", "record", "parameters"):
        t.add_column(h)
    for i in items:
        params = ", ".join(f"{p['name']}={p['default']}" for p in i["params"])
        t.add_row(
            i["code"],
            i["name_zh"],
            i["name_en"],
            i["unit"],
            i["direction"],
            i["record"],
            params + ("" if i["available"] else " (web app)"),
        )
    Console(width=200).print(t)
    return 0


def _rows_out(
    rows: list[dict],
    fmt: str,
    output: str | None,
    first_cols: list[str],
    codes: list[str],
    title: str,
    doc: dict,
) -> None:
    cols = [c for c in first_cols if any(c in r for r in rows) or c == first_cols[0]] + codes
    if fmt == "json":
        write_output(to_json(doc), output)
    elif fmt == "csv":
        write_output(to_csv(rows, cols), output)
    else:
        from csperf.metrics.indicators import LIB

        headers = [c if c not in LIB else f"{LIB[c].name_zh}\n{c}" for c in cols]
        write_output(to_xlsx(rows, cols, headers, title), output)


def cmd_compute(args) -> int:
    from csperf.metrics import sqlcache

    codes = _codes(args.indicators)
    req = sqlcache.Request(args.data, args.period, args.level, codes, args.param, args.start_day)
    cached = sqlcache.cached_compute(req)
    if cached is not None:
        rows, label, codes = cached
    else:
        rows, label, codes = _compute(args, req, codes)
    doc = {"period": label, "level": args.level, "rows": rows}
    title = f"{label} {args.level}"
    _rows_out(rows, args.format, args.output, ["subject", "name"], codes, title, doc)
    return 0


def _compute(args, req, codes: list[str] | None) -> tuple[list[dict], str, list[str]]:
    """Compute with the engine (Ibis), recording the SQL it runs for the next time."""
    from csperf.metrics import sqlcache

    with _errors(), _engine(args) as eng, sqlcache.recording() as rec:
        prog, update = _progress("computing")
        if prog:
            prog.start()
        try:
            rows = eng.compute(
                args.period,
                args.level,
                codes,
                args.param,
                period_start_day=args.start_day,
                progress=update,
            )
        finally:
            if prog:
                prog.stop()
        from csperf.kernel.periods import parse_period
        from csperf.metrics.engine import get_indicators

        label = parse_period(args.period, args.start_day).label
        codes = [i.code for i in get_indicators(codes)]
        sqlcache.save(req, rec, eng.store, label, codes)
    return rows, label, codes


def cmd_intervals(args) -> int:
    with _errors(), _engine(args) as eng:
        codes = _codes(args.indicators)
        rows = eng.intervals(args.date, args.to, args.minutes, codes, args.param, level=args.level)
        used = [c for c in (rows[0] if rows else {}) if c not in ("interval_start", "subject")]
        doc = {
            "date": args.date,
            "to": args.to or args.date,
            "minutes": args.minutes,
            "level": args.level,
            "rows": rows,
        }
        _rows_out(rows, args.format, args.output, ["interval_start", "subject"], used, "", doc)
    return 0


def cmd_explain(args) -> int:
    with _errors(), _engine(args) as eng:
        out = eng.explain(
            args.indicator,
            args.subject,
            args.period,
            level=args.level,
            params=args.param,
            period_start_day=args.start_day,
            limit=args.limit,
        )
        write_output(to_json(out), args.output)
    return 0
