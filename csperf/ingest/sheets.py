"""Spreadsheets (.xlsx, .xlsm, .xlsb, .xls, .ods): checked from the file itself, then read by
calamine in a child process with a memory limit (:mod:`csperf.ingest.sheet_child`), which
streams the first sheet's rows to this process as Arrow batches of text cells."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from xml.etree import ElementTree

import pyarrow as pa

from csperf.ingest import sheet_child
from csperf.ingest.limits import Limits, size
from csperf.ingest.sources import (
    RawBatch,
    ReadError,
    Source,
    fail,
    field_too_long,
    library_error,
    not_a_workbook,
)
from csperf.kernel.i18n import Message, gettext_noop

ZIPPED_SUFFIXES = {".xlsx", ".xlsm", ".xlsb", ".ods"}
BATCH_ROWS = 200_000


def sheet_memory(lim: Limits) -> int:
    """The memory the process reading a spreadsheet may use: room for calamine's dense grid of
    the largest sheet allowed (32 bytes a cell), the cells as read, their text and Python."""
    return (1 << 30) + 128 * lim.sheet_cells


def open_sheet(p: Path, lim: Limits) -> Source:
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


def as_message(d: dict) -> Message:
    """A {msgid, params} dict (nested ones in its params too) as a Message."""
    params = {
        k: as_message(v) if isinstance(v, dict) and "msgid" in v else v
        for k, v in (d.get("params") or {}).items()
    }
    return Message(str(d["msgid"]), params)


def check_extent(p: Path, rows: int, cols: int, lim: Limits, what: str) -> None:
    """Refuse a sheet of `rows` rows (the header included) and `cols` columns over the limits."""
    over = sheet_child.limits_over(
        rows=lim.rows if rows - 1 > lim.rows else None,
        columns=lim.columns if cols > lim.columns else None,
        cells=lim.sheet_cells if rows * cols > lim.sheet_cells else None,
    )
    if over:
        raise fail(
            p,
            Message(
                gettext_noop(
                    "%(what)s reaches cell %(cell)s (%(rows)s rows × %(columns)s columns), more"
                    " than an import reads (%(over)s): remove what lies beyond the data, or save"
                    " the sheet as CSV"
                ),
                {
                    "what": what,
                    "cell": f"{column_letters(cols)}{rows}",
                    "rows": f"{rows:,}",
                    "columns": f"{cols:,}",
                    "over": as_message(over),
                },
            ),
        )


def check_zipped_sheet(p: Path, lim: Limits) -> None:
    """The checks of an .xlsx/.xlsm/.xlsb/.ods made from the zip itself: its unpacked size from
    the member sizes, the first sheet's declared used range, and that the members the reader
    opens unpack to no more than they declare."""
    try:
        zf = zipfile.ZipFile(p)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        raise fail(p, not_a_workbook(p.suffix.lower())) from None
    with zf:
        try:
            infos = zf.infolist()
            total = sum(i.file_size for i in infos)
            if total > lim.unzipped_bytes:
                most = gettext_noop(
                    "unpacks to %(size)s, more than the %(most)s a workbook may hold unpacked"
                )
                raise fail(
                    p, Message(most, {"size": size(total), "most": size(lim.unzipped_bytes)})
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
            damaged = gettext_noop("a damaged or unsupported workbook: %(error)s")
            raise fail(p, Message(damaged, {"error": str(exc)})) from None
        except (NotImplementedError, RuntimeError) as exc:  # encrypted, unknown compression
            raise fail(p, library_error(exc, suffix=p.suffix.lower())) from None


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
    what = Message(gettext_noop("the first sheet's used range"))
    check_extent(p, int(digits), column_number(letters.decode()), lim, what)


# -- the child process that reads a sheet


def _child_program() -> str:
    """The child's program: the source of :mod:`csperf.ingest.sheet_child` (run with ``-c`` so
    that the child imports nothing of csperf)."""
    return Path(sheet_child.__file__).read_text(encoding="utf-8")


def _read_sheet_in_child(p: Path, lim: Limits) -> Source:
    memory = sheet_memory(lim)
    opts = {
        "memory": memory,
        "rows": lim.rows,
        "columns": lim.columns,
        "cells": lim.sheet_cells,
        "field": lim.field_bytes,
        "field_message": field_too_long(lim).msgid,
        "field_params": field_too_long(lim).params,
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
            if d.get("message") == "MEMORY":
                return _too_large(p, lim)
            return fail(p, _child_message(p, d), d.get("row"), d.get("column"))
    if (proc.returncode is not None and proc.returncode < 0) or "memory" in text.lower():
        return _too_large(p, lim)  # calamine aborts its process when memory runs out
    last = next((ln.strip() for ln in reversed(text.splitlines()) if ln.strip()), "")
    return fail(p, library_error(last or f"exit code {proc.returncode}", suffix=p.suffix.lower()))


def _child_message(p: Path, line: dict) -> str:
    """The child's problem (sheet_child.main): its msgid and params, or a library's text."""
    if line.get("library") is not None:
        return library_error(line["library"], suffix=p.suffix.lower())
    return as_message({"msgid": line["message"], "params": line.get("params")})


def _too_large(p: Path, lim: Limits) -> ReadError:
    too_large = gettext_noop(
        "the sheet is too large to read within %(memory)s of memory (an import reads at most"
        " %(cells)s cells of a sheet): remove what lies beyond the data, or save the sheet as CSV"
    )
    return fail(
        p, Message(too_large, {"memory": size(sheet_memory(lim)), "cells": f"{lim.sheet_cells:,}"})
    )
