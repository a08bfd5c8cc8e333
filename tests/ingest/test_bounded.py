"""Imports are bounded: a hostile or broken file gives one clear `file[:row[:column]]: problem`
line, never a crash, a traceback or the server's memory (csperf.ingest.limits, docs/records.md
"Limits"). The dangerous files are refused before anything reads them (a tripwire proves it)
or read in a process with a memory limit."""

from __future__ import annotations

import codecs
import datetime as dt
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from csperf.ingest import limits as limits_module
from csperf.ingest.importer import ImportFailed, import_file
from csperf.ingest.limits import Limits
from csperf.ingest.store import open_store
from tests.ingest.bounded_files import (
    EMPLOYEES_HEADER,
    far_cell_xlsx,
    ods,
    run_cli_limited,
    zip_bomb_xlsx,
)

# Ibis 12 still calls DuckDB's deprecated fetch_arrow_table(); not ours to fix
pytestmark = pytest.mark.filterwarnings("ignore:fetch_arrow_table:DeprecationWarning")

ROSTER = """
id,name,team,department,position,supervisor,hired_at
E1,张三,T1,D1,agent,,2025-01-01
E2,李四,T1,D1,agent,E1,2025-02-01
"""
CALLS = "call_id,agent_id,offered_at,wait_s,outcome"


def call(i: int, when: str = "2026-03-02 09:00:00") -> str:
    return f"C{i},E1,{when},5,answered"


def write(p: Path, text: str, encoding: str = "utf-8") -> Path:
    p.write_text(textwrap.dedent(text).strip() + "\n", encoding=encoding)
    return p


@pytest.fixture
def store(tmp_path):
    s = open_store(tmp_path / "data")
    import_file("employees", write(tmp_path / "emp.csv", ROSTER), store=s)
    yield s
    s.close()


def lines(exc: pytest.ExceptionInfo) -> list[str]:
    return [str(p) for p in exc.value.problems]


def counts(store) -> tuple[int, ...]:
    return tuple(store.count(t) for t in ("calls", "tickets", "employees", "_imports"))


@pytest.fixture
def no_sheet_reader(monkeypatch):
    """Fails the test when anything starts reading a sheet: calamine in this process, or the
    process that reads sheets."""
    import python_calamine

    class Tripwire:
        @classmethod
        def from_path(cls, *args, **kwargs):
            raise AssertionError("the sheet was read")

        from_object = from_filelike = from_path

    def popen(*args, **kwargs):
        raise AssertionError("a sheet reader was started")

    monkeypatch.setattr(python_calamine, "CalamineWorkbook", Tripwire)
    monkeypatch.setattr(subprocess, "Popen", popen)


# ------------------------------------------------------------------ spreadsheets


def test_a_cell_at_XFD1048576_is_refused_from_the_declared_range_before_reading(
    store, tmp_path, no_sheet_reader
):
    path = far_cell_xlsx(tmp_path / "far.xlsx")  # 5 KB; read as a grid: 549 GB
    before = counts(store)
    t0 = time.perf_counter()
    with pytest.raises(ImportFailed) as ei:
        import_file("employees", path, store=store)
    assert time.perf_counter() - t0 < 1.0
    assert lines(ei) == [
        f"{path}: the first sheet's used range reaches cell XFD1048576 (1,048,576 rows × 16,384"
        " columns), more than an import reads (200 columns, 20,000,000 cells): remove what lies"
        " beyond the data, or save the sheet as CSV"
    ]
    assert counts(store) == before


def test_a_sheet_that_hides_its_far_cell_is_read_in_a_process_with_a_memory_limit(tmp_path):
    """The declared range says A1:G2; the cell at XFD1048576 is only found by reading. The reader
    runs in a child process that may not take more than its share: it fails there, and the import
    (itself limited to 2 GB here, as the old reader would have taken 549 GB) says so."""
    path = far_cell_xlsx(tmp_path / "far.xlsx", honest_dimension=False)
    t0 = time.perf_counter()
    r = run_cli_limited("import", "employees", str(path), "--data", str(tmp_path / "d"))
    assert r.returncode == 2, r.stderr[-2000:]
    assert "Traceback" not in r.stderr and r.stdout == ""
    assert r.stderr.splitlines() == [
        f"{path}: the sheet is too large to read within 3.4 GB of memory (an import reads at most"
        " 20,000,000 cells of a sheet): remove what lies beyond the data, or save the sheet as"
        " CSV",
        f"csperf: {path}: 1 problem(s); nothing was imported",
    ]
    assert time.perf_counter() - t0 < 30


def test_a_zip_bomb_is_refused_from_its_member_sizes(store, tmp_path, no_sheet_reader):
    path = zip_bomb_xlsx(tmp_path / "bomb.xlsx", 2_600_000_000)  # a few MB, unpacks to 2.6 GB
    assert path.stat().st_size < 12_000_000
    t0 = time.perf_counter()
    with pytest.raises(ImportFailed) as ei:
        import_file("employees", path, store=store)
    assert time.perf_counter() - t0 < 1.0
    assert lines(ei) == [
        f"{path}: unpacks to 2.4 GB, more than the 2 GB a workbook may hold unpacked"
    ]


def test_a_zip_bomb_that_understates_its_size_is_refused_after_that_size(
    store, tmp_path, no_sheet_reader
):
    path = zip_bomb_xlsx(tmp_path / "bomb.xlsx", 2_600_000_000, declared=5000)
    t0 = time.perf_counter()
    with pytest.raises(ImportFailed) as ei:
        import_file("employees", path, store=store)
    assert time.perf_counter() - t0 < 1.0
    assert lines(ei) == [
        f"{path}: a damaged or unsupported workbook: Bad CRC-32 for file 'xl/worksheets/sheet1.xml'"
    ]


def test_the_unpacked_limit_is_a_setting(store, tmp_path, no_sheet_reader):
    path = zip_bomb_xlsx(tmp_path / "b.xlsx", 3_000_000)
    with pytest.raises(ImportFailed) as ei:
        import_file("employees", path, store=store, limits=Limits(unzipped_bytes=1 << 20))
    assert lines(ei) == [
        f"{path}: unpacks to 2.0 MB, more than the 1 MB a workbook may hold unpacked"
    ]


def test_an_ods_of_repeated_cells_is_refused(store, tmp_path):
    path = ods(tmp_path / "rep.ods", 1_048_575, 16_384)  # one kilobyte: 17 billion cells
    before = counts(store)
    t0 = time.perf_counter()
    with pytest.raises(ImportFailed) as ei:
        import_file("employees", path, store=store)
    assert time.perf_counter() - t0 < 5
    assert lines(ei) == [
        f"{path}: the sheet is too large to read within 3.4 GB of memory (an import reads at most"
        " 20,000,000 cells of a sheet): remove what lies beyond the data, or save the sheet as CSV"
    ]
    small = ods(tmp_path / "small.ods", 100, 20)
    with pytest.raises(ImportFailed) as ei:
        import_file("employees", small, store=store, limits=Limits(sheet_cells=1000))
    assert lines(ei) == [
        f"{small}: the first sheet holds 101 rows × 20 columns, more than an import reads (1,000"
        " cells): remove what lies beyond the data, or save the sheet as CSV"
    ]
    assert counts(store) == before


def test_sheet_cells_longer_than_the_field_limit_and_header_only_sheets(store, tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(EMPLOYEES_HEADER)
    ws.append(["E5", "x" * 300, "T1", "D1", "agent", "", "2025-01-01"])
    wb.save(tmp_path / "long.xlsx")
    with pytest.raises(ImportFailed) as ei:
        import_file(
            "employees", tmp_path / "long.xlsx", store=store, limits=Limits(field_bytes=200)
        )
    assert lines(ei) == [f"{tmp_path / 'long.xlsx'}:2:name: a field longer than 200 bytes"]

    wb = openpyxl.Workbook()
    wb.active.append(EMPLOYEES_HEADER)
    wb.save(tmp_path / "header.xlsx")
    res = import_file("employees", tmp_path / "header.xlsx", store=store)
    assert res.rows == 0
    assert res.warnings == [
        f"{tmp_path / 'header.xlsx'}: the file has a header but no rows; 0 rows imported"
    ]


def test_a_sheet_over_the_row_limit(store, tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(EMPLOYEES_HEADER)
    for i in range(5):
        ws.append([f"E{10 + i}", "x", "T1", "D1", "agent", "", "2025-01-01"])
    wb.save(tmp_path / "rows.xlsx")
    with pytest.raises(ImportFailed) as ei:
        import_file("employees", tmp_path / "rows.xlsx", store=store, limits=Limits(rows=3))
    assert lines(ei) == [
        f"{tmp_path / 'rows.xlsx'}: the first sheet's used range reaches cell G6 (6 rows × 7"
        " columns), more than an import reads (3 rows): remove what lies beyond the data, or save"
        " the sheet as CSV"
    ]


# ------------------------------------------------------------------ CSV


def test_a_binary_file_saved_as_csv(store, tmp_path):
    import random

    rnd = random.Random(1)
    noise = tmp_path / "noise.csv"
    noise.write_bytes(bytes(rnd.randrange(256) for _ in range(5000)))
    no_nul = tmp_path / "nonul.csv"
    no_nul.write_bytes(bytes(rnd.randrange(1, 256) for _ in range(5000)))
    zipped = tmp_path / "book.csv"
    far_cell_xlsx(tmp_path / "x.xlsx").rename(zipped)
    before = counts(store)
    for path, line in [
        (noise, f"{noise}: not a text table: binary data"),
        (no_nul, f"{no_nul}: not a text table: binary data"),
        (
            zipped,
            f"{zipped}: not a text table: binary data (it looks like a zipped file, such as an"
            " .xlsx or .ods workbook: name it so)",
        ),
    ]:
        t0 = time.perf_counter()
        with pytest.raises(ImportFailed) as ei:
            import_file("calls", path, store=store)
        assert time.perf_counter() - t0 < 1.0
        assert lines(ei) == [line]
    assert counts(store) == before


RAGGED = f"""
{CALLS}
{call(1)}

C2,E1,2026-03-02 09:01:00,5
"C3
still C3",E1,2026-03-02 09:02:00,5,answered
{call(4)},extra
{call(5)}
"""


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])  # DuckDB's reader, then pyarrow's
def test_ragged_rows_are_named_by_their_row_numbers(store, tmp_path, encoding):
    f = tmp_path / "ragged.csv"
    f.write_bytes(textwrap.dedent(RAGGED).strip().replace("C2", "工单2").encode(encoding) + b"\n")
    before = counts(store)
    with pytest.raises(ImportFailed) as ei:
        import_file("calls", f, store=store)
    # the header is row 1; the blank line is not a row; a quoted line break stays in its row
    assert lines(ei) == [
        f"{f}:3: expected 5 fields, found 4",
        f"{f}:5: expected 5 fields, found 6",
    ]
    assert counts(store) == before


@pytest.mark.parametrize(
    "codec, bom",
    [
        ("utf-16-le", codecs.BOM_UTF16_LE),
        ("utf-16-be", codecs.BOM_UTF16_BE),
        ("utf-16-le", b""),  # Excel's "Unicode text" has a BOM; some exports have none
        ("utf-8", codecs.BOM_UTF8),
    ],
)
@pytest.mark.parametrize("sep", [",", "\t"])
def test_utf16_and_utf8_with_a_bom_are_read(store, tmp_path, codec, bom, sep):
    text = "\n".join(
        [
            sep.join(["工单号", "工单类型", "处理人工号", "创建时间", "渠道"]),
            sep.join(["T1", "投诉", "E1", "2026-03-02 09:00:00", "电话"]),
            sep.join(["T2", "咨询", "E2", "2026-03-02 10:00:00", "微信"]),
        ]
    )
    f = tmp_path / "u.csv"
    f.write_bytes(bom + text.encode(codec))
    res = import_file("tickets", f, store=store)
    assert res.rows == 2
    rows = store.table("tickets").order_by("ticket_id").to_pyarrow().to_pylist()
    assert [(r["ticket_id"], r["type"], r["channel"]) for r in rows] == [
        ("T1", "complaint", "电话"),
        ("T2", "inquiry", "微信"),
    ]


def test_utf8_bom_on_the_batch_reader(store, tmp_path):
    """`plans` is typed batch by batch (its period is parsed in Python): the BOM must go there too."""
    f = tmp_path / "plans.csv"
    f.write_bytes(codecs.BOM_UTF8 + b"org_unit,period,plan_code,planned\nD1,2026-03,P1,10\n")
    assert import_file("plans", f, store=store).rows == 1


TICKETS = "ticket_id,type,agent_id,created_at,exclusion_reason"


@pytest.mark.parametrize("megabytes", [60, 1.5])
def test_a_field_longer_than_the_limit(store, tmp_path, megabytes):
    f = tmp_path / "big.csv"
    with f.open("w") as out:
        out.write(f"{TICKETS}\nT1,complaint,E1,2026-03-02 09:00:00,ok\n")
        out.write(f'T2,complaint,E1,2026-03-02 09:00:00,"{"x" * int(megabytes * (1 << 20))}"\n')
        out.write("T3,complaint,E1,2026-03-02 09:00:00,ok\n")
    before = counts(store)
    with pytest.raises(ImportFailed) as ei:
        import_file("tickets", f, store=store)
    assert lines(ei) == [f"{f}:3:exclusion_reason: a field longer than 1 MB"]
    assert counts(store) == before


def test_a_long_line_of_short_fields_is_imported(store, tmp_path):
    """DuckDB reads no line longer than the field limit; such a line goes to the batch reader,
    which checks each field."""
    f = tmp_path / "wide.csv"
    note = "n" * 600_000
    f.write_text(f"{TICKETS},category\nT1,complaint,E1,2026-03-02 09:00:00,{note},{note}\n")
    assert import_file("tickets", f, store=store).rows == 1


def test_a_million_columns(store, tmp_path):
    header = tmp_path / "header.csv"
    header.write_text(",".join(f"c{i}" for i in range(1_000_000)) + "\n1,2\n")
    t0 = time.perf_counter()
    with pytest.raises(ImportFailed) as ei:
        import_file("calls", header, store=store)
    assert time.perf_counter() - t0 < 1.0
    assert lines(ei) == [f"{header}:1: 1,000,000 columns: an import reads at most 200"]

    short = tmp_path / "short.csv"
    short.write_text(",".join(f"c{i}" for i in range(300)) + "\n" + "1," * 299 + "1\n")
    with pytest.raises(ImportFailed) as ei:
        import_file("calls", short, store=store)
    assert lines(ei) == [f"{short}:1: 300 columns: an import reads at most 200"]

    row = tmp_path / "row.csv"
    row.write_text(f"{CALLS}\n{call(1)}\n" + ",".join("1" for _ in range(1_000_000)) + "\n")
    with pytest.raises(ImportFailed) as ei:
        import_file("calls", row, store=store)
    assert lines(ei) == [f"{row}:3: expected 5 fields, found 1000000"]


def test_dates_implausibly_far_in_the_future_are_row_problems(store, tmp_path):
    today = dt.date.today()
    ok = today + dt.timedelta(days=366)
    late = today + dt.timedelta(days=367)
    last = ok.isoformat()
    f = write(
        tmp_path / "future.csv",
        f"""
        {CALLS}
        {call(1, f"{ok} 09:00:00")}
        {call(2, "2999-03-02 09:00:00")}
        {call(3, f"{late.year}/{late.month}/{late.day} 08:00")}
        """,
    )
    before = counts(store)
    with pytest.raises(ImportFailed) as ei:
        import_file("calls", f, store=store)
    assert lines(ei) == [
        f"{f}:3:offered_at: must not be after {last} (implausibly far in the future), not"
        " 2999-03-02 09:00:00",
        f"{f}:4:offered_at: must not be after {last} (implausibly far in the future), not"
        f" {late} 08:00:00",
    ]
    assert counts(store) == before
    # plans may run to the end of next year; a plan for the year after that may not
    plans = write(
        tmp_path / "plans.csv",
        f"""
        org_unit,period,plan_code,planned
        D1,{today.year + 1},P1,10
        D1,{today.year + 3}-02,P2,10
        """,
    )
    with pytest.raises(ImportFailed) as ei:
        import_file("plans", plans, store=store)
    end = max(dt.date(today.year + 1, 12, 31), ok)
    assert lines(ei) == [
        f"{plans}:3:period: must not be after {end} (implausibly far in the future), not"
        f" {today.year + 3}-02-01"
    ]
    # the bound is a setting
    f2 = write(
        tmp_path / "soon.csv", f"{CALLS}\n{call(9, f'{today + dt.timedelta(days=3)} 09:00:00')}"
    )
    with pytest.raises(ImportFailed):
        import_file("calls", f2, store=store, limits=Limits(future_days=1))
    assert import_file("calls", f2, store=store).rows == 1


def test_a_header_only_file_imports_nothing_with_a_warning(store, tmp_path):
    f = write(tmp_path / "h.csv", CALLS)
    before = counts(store)
    res = import_file("calls", f, store=store)
    assert (res.rows, res.warnings) == (
        0,
        [f"{f}: the file has a header but no rows; 0 rows imported"],
    )
    assert counts(store)[0] == before[0]


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_the_row_limit(store, tmp_path, encoding):
    f = tmp_path / "rows.csv"
    f.write_bytes(("\n".join([CALLS, *(call(i) for i in range(5))]) + "\n").encode(encoding))
    before = counts(store)
    with pytest.raises(ImportFailed) as ei:
        import_file("calls", f, store=store, limits=Limits(rows=3))
    assert lines(ei) == [f"{f}: more than 3 rows: split the file (an import reads at most 3)"]
    assert counts(store) == before
    assert import_file("calls", f, store=store, limits=Limits(rows=5)).rows == 5


def test_empty_and_headerless_files_still_say_so(store, tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    blank = tmp_path / "blank.csv"
    blank.write_bytes(codecs.BOM_UTF16_LE + "\n\n".encode("utf-16-le"))
    for f in (empty, blank):
        with pytest.raises(ImportFailed) as ei:
            import_file("calls", f, store=store)
        assert lines(ei) == [f"{f}: the file is empty"]


# ------------------------------------------------------------------ the settings


def test_limits_come_from_the_environment_without_django(monkeypatch):
    monkeypatch.setenv("CSPERF_IMPORT_MAX_ROWS", "10")
    monkeypatch.setenv("CSPERF_IMPORT_MAX_FIELD_KB", "2")
    lim = limits_module.from_env()
    assert (lim.rows, lim.field_bytes, lim.columns) == (10, 2048, 200)
    monkeypatch.setenv("CSPERF_IMPORT_MAX_COLUMNS", "many")
    with pytest.raises(limits_module.LimitsError, match="CSPERF_IMPORT_MAX_COLUMNS='many'"):
        limits_module.from_env()
    monkeypatch.setenv("CSPERF_IMPORT_MAX_COLUMNS", "0")
    with pytest.raises(
        limits_module.LimitsError, match="CSPERF_IMPORT_MAX_COLUMNS=0: must be >= 1"
    ):
        limits_module.from_env()


def test_ingest_imports_neither_django_nor_the_web_package_nor_metrics():
    """ingest stands alone: the limits are passed in (issue 17)."""
    code = (
        "import sys, csperf.ingest, csperf.ingest.importer, csperf.ingest.queue_log;"
        " bad = sorted(m for m in sys.modules if m == 'django' or m.startswith(('django.',"
        " 'csperf.web', 'csperf.metrics')));"
        " print(bad); sys.exit(1 if bad else 0)"
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert r.returncode == 0, r.stdout + r.stderr


def test_django_settings_hold_the_same_defaults_and_win(settings, monkeypatch):
    for name in limits_module.SETTINGS:
        monkeypatch.delenv(name, raising=False)
    assert limits_module.from_env() == Limits()
    for name, (default, _) in limits_module.SETTINGS.items():
        assert getattr(settings, name) == default, name
    assert limits_module.from_settings(settings) == Limits()
    settings.CSPERF_IMPORT_MAX_ROWS = 7
    assert limits_module.from_settings(settings).rows == 7
