"""A fuzzed import: random bytes, CSVs of every dialect and encoding, small sheets (openpyxl).

Every import ends in success or in a clean problem report (ImportFailed whose every line names
the file), never another exception; a failed import leaves the store as it was, and a successful
one adds its rows and replaces the keys it names."""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from csperf.ingest.importer import ImportFailed, import_file
from csperf.ingest.limits import Limits
from csperf.ingest.store import open_store

pytestmark = pytest.mark.filterwarnings("ignore:fetch_arrow_table:DeprecationWarning")

FIELDS = [
    "call_id",
    "agent_id",
    "offered_at",
    "wait_s",
    "outcome",
    "talk_s",
    "transferred",
    "hold_s",
    "坐席工号",
    "备注",
]
OPTIONAL = ["agent_id", "wait_s", "talk_s", "transferred", "hold_s", "备注"]
WORDS = [
    "C1",
    "C2",
    "E1",
    "E9",
    "2026-03-02 09:00:00",
    "2026/3/2 9:00",
    "2999-01-01 00:00:00",
    "5",
    "-1",
    "1e9",
    "00:00:30",
    "answered",
    "接通",
    "abandoned",
    "是",
    "",
    " ",
    '"',
    ",",
    ";",
    "\t",
    "\n",
    "\r\n",
    'x"y',
    "\ufeff",
]
VALID = {
    "call_id": st.sampled_from([f"V{i}" for i in range(8)]),
    "agent_id": st.sampled_from(["E1", "E2", ""]),
    "坐席工号": st.sampled_from(["E1", "E2"]),
    "offered_at": st.sampled_from(["2026-03-02 09:00:00", "2026/3/2 9:05", "2026-03-03T10:00"]),
    "wait_s": st.sampled_from(["5", "12.5", "00:00:30", ""]),
    "talk_s": st.sampled_from(["60", "", "0"]),
    "outcome": st.sampled_from(["answered", "接通", "abandoned"]),
    "transferred": st.sampled_from(["是", "0", "", "true"]),
}
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=10)
CELL = st.one_of(st.sampled_from(WORDS), TEXT)
SMALL = Limits(rows=4, columns=7, field_bytes=24, sheet_cells=60, unzipped_bytes=1 << 20)
LIMITS = st.sampled_from([Limits(), SMALL])

TABLES = ("calls", "employees", "_imports")
ROSTER = "id,name,team,department,position\nE1,甲,T1,D1,agent\nE2,乙,T1,D1,agent\n"
counter = itertools.count()


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    root = tmp_path_factory.mktemp("fuzz")
    store = open_store(root / "data")
    (root / "emp.csv").write_text(ROSTER)
    import_file("employees", root / "emp.csv", store=store)
    yield store, root
    store.close()


def counts(store) -> dict[str, int]:
    return {t: store.count(t) for t in TABLES}


def check(store, path, limits: Limits) -> None:
    before = counts(store)
    try:
        res = import_file("calls", path, store=store, limits=limits)
    except ImportFailed as exc:
        assert exc.problems and exc.total >= len(exc.problems)
        for p in exc.problems:
            line = str(p)
            assert line.startswith(f"{path}") and "Traceback" not in line, line
            assert p.message.strip(), line
        assert counts(store) == before  # nothing half-written
        return
    after = counts(store)
    assert after["_imports"] == before["_imports"] + 1
    assert after["calls"] == before["calls"] + res.rows - res.replaced
    assert after["employees"] == before["employees"]
    assert (res.rows == 0) == bool(res.warnings)


FUZZ = settings(
    max_examples=60,
    derandomize=True,  # the same examples on every run: CI never flakes on a new one
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@FUZZ
@given(
    data=st.binary(max_size=3000),
    suffix=st.sampled_from([".csv", ".txt", ".xlsx", ".ods", ".xls", ".xlsb"]),
    limits=LIMITS,
)
def test_random_bytes(world, data, suffix, limits):
    store, root = world
    path = root / f"bytes{next(counter)}{suffix}"
    path.write_bytes(data)
    check(store, path, limits)


@st.composite
def csv_files(draw):
    if draw(st.integers(0, 3)):  # mostly a header the import can use, in any order
        extra = draw(st.lists(st.sampled_from(OPTIONAL), max_size=4, unique=True))
        header = draw(st.permutations(["call_id", "offered_at", "outcome", *extra]))
    else:
        header = draw(st.lists(st.sampled_from(FIELDS), min_size=1, max_size=8, unique=True))
    width = len(header)
    rows = draw(
        st.lists(
            st.one_of(
                st.lists(CELL, min_size=max(0, width - 1), max_size=width + 1),
                st.tuples(*(VALID.get(h, CELL) for h in header)).map(list),  # mostly good rows
            ),
            max_size=6,
        )
    )
    delimiter = draw(st.sampled_from([",", ";", "\t", "|"]))
    quoting = draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONE]))
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    buf = io.StringIO()
    w = csv.writer(
        buf, delimiter=delimiter, quoting=quoting, lineterminator=newline, escapechar="\\"
    )
    w.writerow(header)
    for r in rows:
        if quoting == csv.QUOTE_NONE and len(r) == 1 and r[0] == "":
            continue  # the csv module cannot write a lone empty field unquoted
        w.writerow(r)
    if draw(st.booleans()):
        buf.write(newline * draw(st.integers(0, 2)))
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16", "utf-16-le"]))
    return buf.getvalue().encode(encoding, errors="replace")


@FUZZ
@given(data=csv_files(), limits=LIMITS)
def test_csv_dialects(world, data, limits):
    store, root = world
    path = root / f"table{next(counter)}.csv"
    path.write_bytes(data)
    check(store, path, limits)


SHEET_TEXT = st.text(
    st.characters(blacklist_categories=("Cs", "Cc")), max_size=30
)  # (openpyxl refuses control characters)
SHEET_CELL = st.one_of(
    st.none(),
    st.sampled_from([w for w in WORDS if w.isprintable()]),
    SHEET_TEXT,
    st.integers(-10, 10**6),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.booleans(),
    st.datetimes(min_value=dt.datetime(1990, 1, 1), max_value=dt.datetime(3000, 1, 1)),
)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    header=st.lists(st.sampled_from(FIELDS), max_size=7, unique=True),
    rows=st.lists(st.lists(SHEET_CELL, max_size=8), max_size=6),
    offset=st.tuples(st.integers(1, 4), st.integers(1, 3)),
    limits=LIMITS,
)
def test_small_sheets(world, header, rows, offset, limits):
    import openpyxl

    store, root = world
    wb = openpyxl.Workbook()
    ws = wb.active
    r0, c0 = offset
    for j, h in enumerate(header):
        ws.cell(r0, c0 + j, h)
    for i, row in enumerate(rows, start=1):
        for j, v in enumerate(row):
            ws.cell(r0 + i, c0 + j, v)
    path = root / f"sheet{next(counter)}.xlsx"
    wb.save(path)
    check(store, path, limits)
