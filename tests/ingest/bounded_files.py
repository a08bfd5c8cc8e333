"""Hostile and broken files for the bounded-import tests, built small and fast.

Nothing here allocates what the files declare: a zip bomb's member is written as one deflate
block repeated (a full flush makes each copy identical), so a 2.5 GB sheet costs 2.5 MB.
"""

from __future__ import annotations

import io
import os
import struct
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

NS = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
EMPLOYEES_HEADER = ["id", "name", "team", "department", "position", "supervisor", "hired_at"]


def workbook_parts(rows: list[list[object]] | None = None) -> dict[str, bytes]:
    """The members of a small valid .xlsx (openpyxl), by name."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    for r in rows or [EMPLOYEES_HEADER]:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    with zipfile.ZipFile(buf) as z:
        return {n: z.read(n) for n in z.namelist()}


def far_cell_xlsx(path: Path, *, honest_dimension: bool = True) -> Path:
    """A 5 KB workbook: a roster header and one cell at XFD1048576 (the last cell of a sheet).
    Read as a dense grid, that is 2^34 cells: 549 GB. With ``honest_dimension=False`` the sheet
    says its used range is A1:G2."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(EMPLOYEES_HEADER)
    ws.append(["E1", "甲", "T1", "D1", "agent", "", "2025-01-01"])
    ws["XFD1048576"] = "boom"
    wb.save(path)
    if not honest_dimension:
        with zipfile.ZipFile(path) as z:
            parts = {n: z.read(n) for n in z.namelist()}
        sheet = parts["xl/worksheets/sheet1.xml"]
        assert b'ref="A1:XFD1048576"' in sheet
        parts["xl/worksheets/sheet1.xml"] = sheet.replace(b'ref="A1:XFD1048576"', b'ref="A1:G2"')
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
            for n, data in parts.items():
                z.writestr(n, data)
    assert path.stat().st_size < 10_000
    return path


def _zip(path: Path, members: list[tuple[str, bytes, int, int]]) -> None:
    """Write a zip of (name, raw deflate data, crc32, declared unpacked size) members."""
    out = bytearray()
    central = bytearray()
    for name, data, crc, usize in members:
        n = name.encode()
        offset = len(out)
        out += struct.pack(
            "<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, len(data), usize, len(n), 0
        )
        out += n + data
        central += struct.pack(
            "<IHHHHHHIIIHHHHHII",
            0x02014B50,
            20,
            20,
            0,
            8,
            0,
            0x21,
            crc,
            len(data),
            usize,
            len(n),
            0,
            0,
            0,
            0,
            0,
            offset,
        )
        central += n
    end = struct.pack(
        "<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(central), len(out), 0
    )
    path.write_bytes(bytes(out + central + end))


def _deflate(data: bytes) -> bytes:
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


def zip_bomb_xlsx(path: Path, unpacked: int, *, declared: int | None = None) -> Path:
    """An .xlsx whose first sheet unpacks to about `unpacked` bytes of rows (`<row><c>…`), from a
    few MB. `declared`: the unpacked size its zip headers claim (default: the true one). The
    sheet's CRC is not computed (it would take seconds): a reader must refuse the file from its
    sizes before unpacking it; one that unpacks it fails on the CRC only at its very end."""
    parts = workbook_parts()
    head = b'<?xml version="1.0" encoding="UTF-8"?><worksheet ' + NS + b"><sheetData>"
    head += (
        b'<row r="1">'
        + b"".join(
            b'<c t="inlineStr"><is><t>' + h.encode() + b"</t></is></c>" for h in EMPLOYEES_HEADER
        )
        + b"</row>"
    )
    tail = b"</sheetData></worksheet>"
    cell = b'<row><c t="inlineStr"><is><t>E1</t></is></c><c><v>1</v></c></row>'
    block = cell * ((1 << 20) // len(cell))
    times = max(1, (unpacked - len(head) - len(tail)) // len(block))
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = c.compress(head) + c.flush(zlib.Z_FULL_FLUSH)
    one = c.compress(block) + c.flush(zlib.Z_FULL_FLUSH)
    again = c.compress(block) + c.flush(zlib.Z_FULL_FLUSH)
    assert one == again  # after a full flush each copy of the block deflates the same
    last = c.compress(tail) + c.flush()
    data = first + one * times + last
    size = len(head) + len(block) * times + len(tail)
    members = []
    for name, content in parts.items():
        if name == "xl/worksheets/sheet1.xml":
            members.append((name, data, 0, declared if declared is not None else size))
        else:
            members.append((name, _deflate(content), zlib.crc32(content), len(content)))
    _zip(path, members)
    return path


def ods(path: Path, rows_repeated: int, columns_repeated: int) -> Path:
    """An .ods of a roster header and one row, repeated, of a repeated cell with a value: a
    kilobyte that a reader expands to rows × columns cells."""
    content = f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet><table:table table:name="S">
<table:table-row>{"".join(f'<table:table-cell office:value-type="string"><text:p>{h}</text:p></table:table-cell>' for h in EMPLOYEES_HEADER)}</table:table-row>
<table:table-row table:number-rows-repeated="{rows_repeated}"><table:table-cell table:number-columns-repeated="{columns_repeated}" office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row>
</table:table></office:spreadsheet></office:body></office:document-content>"""
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED)
        z.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
        z.writestr(
            "META-INF/manifest.xml",
            '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:'
            'names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry'
            ' manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.'
            'spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-'
            'type="text/xml"/></manifest:manifest>',
        )
    return path


def run_cli_limited(*argv: str, memory: int = 2 << 30, timeout: float = 120, env=None):
    """`csperf ARGV` in a child process that may use at most `memory` bytes of address space, so
    a reader that tries to allocate what a hostile file declares fails there, not in the tests."""
    prog = (
        "import resource, sys\n"
        f"resource.setrlimit(resource.RLIMIT_AS, ({memory}, {memory}))\n"
        "resource.setrlimit(resource.RLIMIT_CORE, (0, 0))\n"
        "from csperf.cli.main import main\n"
        "sys.exit(main(sys.argv[1:]))\n"
    )
    env = {**os.environ, "RUST_BACKTRACE": "0", **(env or {})}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [sys.executable, "-c", prog, *argv],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )
