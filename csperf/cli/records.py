"""`csperf import`, `csperf indicators …`, `csperf demo-data` and `csperf records migrate|vacuum|rollup`:
records in, indicators out."""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from csperf.cli.common import CliError, read_text, write_output
from csperf.ingest.schema import IMPORT_TYPES  # the record types, and queue_log
from csperf.kernel.decimals import jsonable


def register(sub: argparse._SubParsersAction) -> None:
    _register_import(sub)
    _register_indicators(sub)
    _register_demo(sub)
    _register_records(sub)


def _register_import(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("import", help="import a record file (CSV or XLSX) into the records store")
    p.add_argument("type", choices=IMPORT_TYPES, metavar="TYPE", help=", ".join(IMPORT_TYPES))
    p.add_argument("file", metavar="FILE")
    p.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="SRC=DST",
        help="read file column SRC as field DST (queue_log: agent name -> employee id)",
    )
    p.add_argument(
        "--map-file", metavar="FILE", help="a JSON/YAML object or 2-column CSV of SRC -> DST"
    )
    p.add_argument("--encoding", help="CSV text encoding (default: UTF-8, else GB18030)")
    _data(p)
    p.set_defaults(handler=cmd_import)


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


def _register_demo(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "demo-data",
        help="write a realistic demo centre into the records store",
        description="A centre whose people hold every position of the built-in templates, with "
        "the records every card input is fed from (csperf/ingest/demo/).",
    )
    p.add_argument("--agents", type=int, default=200, help="size of the front-line pools")
    p.add_argument("--months", type=int, default=12)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--until", metavar="YYYY-MM", help="last month (default: last full month)")
    p.add_argument("--replace", action="store_true", help="overwrite records already in the store")
    _data(p)
    p.set_defaults(handler=cmd_demo)


def _register_records(sub: argparse._SubParsersAction) -> None:
    rec = sub.add_parser("records", help="the records store itself")
    rsub = rec.add_subparsers(dest="records_command", metavar="ACTION")
    rsub.required = True
    p = rsub.add_parser(
        "migrate",
        help="convert an older records.duckdb into the records lake",
        description="Copy every record and the import log of a records.duckdb file (the store of "
        "older csperf versions) into the Delta lake of the data directory, in one command.",
    )
    p.add_argument("--from", dest="source", metavar="FILE", help="the records.duckdb to read")
    p.add_argument("--replace", action="store_true", help="overwrite records already in the lake")
    _data(p)
    p.set_defaults(handler=cmd_migrate)
    p = rsub.add_parser(
        "vacuum",
        help="compact the lake's small files and delete the files no version reads any more",
        description="Files an import replaced stay on disk so that a query that started before "
        "it still reads them; this deletes those older than --keep-hours.",
    )
    p.add_argument(
        "--keep-hours",
        type=int,
        default=168,
        metavar="N",
        help="keep replaced files this many hours (default 168: a week)",
    )
    _data(p)
    p.set_defaults(handler=cmd_vacuum)
    p = rsub.add_parser(
        "rollup",
        help="build the calls rollups again from the stored calls",
        description="Imports keep the rollups up to date; a lake an older csperf wrote has none "
        "until its next calls import or this command (indicators read the raw calls meanwhile).",
    )
    _data(p)
    p.set_defaults(handler=cmd_rollup)


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


# ------------------------------------------------------------------------- helpers


def to_json(data: Any) -> str:
    return json.dumps(jsonable(data), ensure_ascii=False, indent=2) + "\n"


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


# ------------------------------------------------------------------------- commands


def _read_mapping(args) -> dict[str, str]:
    mapping: dict[str, str] = {}
    if args.map_file:
        text = read_text(args.map_file)
        p = Path(args.map_file)
        if p.suffix.lower() == ".csv":
            for i, row in enumerate(csv.reader(io.StringIO(text)), start=1):
                if not row or not row[0].strip():
                    continue
                if len(row) < 2:
                    raise CliError(f"{p}:{i}: write SRC,DST")
                mapping[row[0].strip()] = row[1].strip()
        else:
            from ruamel.yaml import YAML, YAMLError

            try:
                data = YAML(typ="safe").load(text)
            except YAMLError as exc:
                raise CliError(f"{p}: not YAML or JSON: {str(exc).splitlines()[0]}") from None
            if not isinstance(data, dict):
                raise CliError(f"{p}: must be an object of SRC: DST")
            mapping.update({str(k): str(v) for k, v in data.items()})
    for m in args.map:
        if "=" not in m:
            raise CliError(f"--map {m!r}: write SRC=DST")
        src, dst = m.split("=", 1)
        mapping[src.strip()] = dst.strip()
    return mapping


def cmd_import(args) -> int:
    from csperf.ingest.importer import ImportFailed, import_file
    from csperf.ingest.limits import LimitsError, from_env
    from csperf.ingest.store import StoreError, open_store

    mapping = _read_mapping(args)
    try:
        limits = from_env()
    except LimitsError as exc:
        raise CliError(str(exc)) from None
    try:
        store = open_store(args.data)
    except StoreError as exc:
        raise CliError(str(exc)) from None
    prog, update = _progress(f"import {args.type}")
    try:
        if prog:
            prog.start()
        res = import_file(
            args.type,
            args.file,
            store=store,
            mapping=mapping,
            encoding=args.encoding,
            progress=update,
            limits=limits,
        )
    except ImportFailed as exc:
        if prog:
            prog.stop()
        for p in exc.problems:
            print(p, file=sys.stderr)
        if exc.total > len(exc.problems):
            print(f"... and {exc.total - len(exc.problems)} more", file=sys.stderr)
        raise CliError(f"{args.file}: {exc.total} problem(s); nothing was imported") from None
    except (StoreError, LookupError) as exc:
        raise CliError(f"{args.file}: {exc}") from None
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # never a traceback: one line, and nothing was imported
        first = (str(exc).strip().splitlines() or [""])[0][:300]
        raise CliError(
            f"{args.file}: cannot import ({type(exc).__name__}{': ' + first if first else ''});"
            " nothing was imported"
        ) from None
    finally:
        if prog:
            prog.stop()
        store.close()
    msg = f"imported {res.rows} {res.type} rows from {args.file}"
    if res.replaced:
        msg += f" ({res.replaced} earlier rows with the same keys replaced)"
    msg += f" in {res.seconds:.1f}s"
    print(msg)
    if res.ignored_columns:
        print(f"ignored columns: {', '.join(res.ignored_columns)}", file=sys.stderr)
    for note in res.notes:
        print(f"note: {note}", file=sys.stderr)
    for warning in getattr(res, "warnings", []):
        print(f"warning: {warning}", file=sys.stderr)
    return 0


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
    with _errors(), _engine(args) as eng:
        codes = _codes(args.indicators)
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
        doc = {"period": label, "level": args.level, "rows": rows}
        _rows_out(
            rows, args.format, args.output, ["subject", "name"], codes, f"{label} {args.level}", doc
        )
    return 0


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


def cmd_demo(args) -> int:
    from csperf.ingest.demo import generate_demo
    from csperf.ingest.store import StoreError, open_store

    try:
        store = open_store(args.data)
    except StoreError as exc:
        raise CliError(str(exc)) from None
    say = (lambda s: print(f"  {s}", file=sys.stderr)) if sys.stderr.isatty() else None
    try:
        res = generate_demo(
            store,
            agents=args.agents,
            months=args.months,
            seed=args.seed,
            until=args.until,
            replace=args.replace,
            progress=say,
        )
    except (ValueError, FileExistsError) as exc:
        raise CliError(str(exc)) from None
    finally:
        store.close()
    total = sum(res.rows.values())
    print(
        f"demo centre written to {store.where}: {res.employees} employees, {res.months} months "
        f"({res.first_day} .. {res.last_day}), {total} records in {res.seconds:.1f}s"
    )
    for k, v in res.rows.items():
        print(f"  {k}: {v}")
    return 0


def cmd_migrate(args) -> int:
    from csperf.ingest.lake import LAKE_DIR, Lake, LakeError, migrate_duckdb
    from csperf.ingest.store import DB_FILE, resolve_data_dir

    d = resolve_data_dir(args.data)
    old = Path(args.source) if args.source else d / DB_FILE
    try:
        copied = migrate_duckdb(old, Lake(d / LAKE_DIR), replace=args.replace)
    except LakeError as exc:
        raise CliError(str(exc)) from None
    records = sum(n for t, n in copied.items() if t != "_imports")
    print(
        f"migrated {records} records and {copied.get('_imports', 0)} import log entries"
        f" from {old} to {d / LAKE_DIR}"
    )
    for t, n in copied.items():
        if t != "_imports" and n:
            print(f"  {t}: {n}")
    if old.resolve().parent == d.resolve():
        print(f"{old} is no longer read; remove it (or keep it as a backup elsewhere)")
    return 0


def cmd_rollup(args) -> int:
    from csperf.ingest.lake import LAKE_DIR, Lake, LakeError
    from csperf.ingest.rollups import rebuild, scratch_connection
    from csperf.ingest.store import resolve_data_dir

    lake = Lake(resolve_data_dir(args.data) / LAKE_DIR)
    if not lake.exists("calls"):
        raise CliError(f"{lake.root}: no calls in this records lake")
    con = scratch_connection()
    try:
        with lake.writer():
            rebuild(lake, con)
    except LakeError as exc:
        raise CliError(str(exc)) from None
    finally:
        con.close()
    print(f"rebuilt the calls rollups of {lake.root}")
    return 0


def cmd_vacuum(args) -> int:
    from csperf.ingest.lake import LAKE_DIR, Lake, LakeError
    from csperf.ingest.store import resolve_data_dir

    if args.keep_hours < 0:
        raise CliError("--keep-hours must be 0 or more")
    lake = Lake(resolve_data_dir(args.data) / LAKE_DIR)
    if not lake.has_records():
        raise CliError(f"{lake.root}: no records lake here")
    try:
        done = lake.vacuum(args.keep_hours)
    except LakeError as exc:
        raise CliError(str(exc)) from None
    for name, (compacted, deleted) in done.items():
        if compacted or deleted:
            print(f"{name}: {compacted} small files compacted, {deleted} unused files deleted")
    print(f"vacuumed {lake.root}: {sum(d for _, d in done.values())} files deleted")
    return 0
