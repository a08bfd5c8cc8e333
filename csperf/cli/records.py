"""`csperf import`, `csperf demo-data` and `csperf records migrate|vacuum|rollup`: records in
(`csperf indicators …`: csperf.cli.indicators)."""

from __future__ import annotations

import argparse
import csv
import io
import sys
from pathlib import Path

from csperf.cli.common import CliError, read_text
from csperf.cli.indicators import _data, _progress
from csperf.cli.indicators import to_csv as to_csv  # where tests and scripts import them from
from csperf.cli.indicators import to_xlsx as to_xlsx
from csperf.ingest.schema import IMPORT_TYPES  # the record types, and queue_log


def register(sub: argparse._SubParsersAction) -> None:
    _register_import(sub)
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


# ------------------------------------------------------------------------- helpers


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
