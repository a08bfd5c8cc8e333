"""Imports: typing, checks with file:row:column messages, atomicity, idempotency, XLSX, mapping."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from csperf.ingest.importer import ImportFailed, import_file, parse_answers
from csperf.ingest.store import open_store

# Ibis 12 still calls DuckDB's deprecated fetch_arrow_table(); not ours to fix
pytestmark = pytest.mark.filterwarnings("ignore:fetch_arrow_table:DeprecationWarning")

ROSTER = """
id,name,team,department,position,supervisor,hired_at
E1,张三,T1,D1,agent,,2025-01-01
E2,李四,T1,D1,agent,E1,2025-02-01
"""


def write(p: Path, text: str, encoding: str = "utf-8") -> Path:
    p.write_text(textwrap.dedent(text).strip() + "\n", encoding=encoding)
    return p


@pytest.fixture
def store(tmp_path):
    s = open_store(tmp_path / "data")
    import_file("employees", write(tmp_path / "emp.csv", ROSTER), store=s)
    yield s
    s.close()


def calls_rows(store):
    t = store.table("calls")
    return t.order_by("call_id").to_pyarrow().to_pylist()


def test_import_types_defaults_and_derivations(store, tmp_path):
    f = write(
        tmp_path / "c.csv",
        """
        call_id,agent_id,offered_at,answered_at,ended_at,wait_s,outcome,transferred,hold_s
        C1,E1,2026/03/02 09:00:00,2026-03-02 09:00:12,2026-03-02 09:03:12,,接通,是,00:00:30
        C2,,2026-03-02 09:01:00,,2026-03-02 09:01:40,,abandoned,,
    """,
    )
    res = import_file("calls", f, store=store)
    assert (res.rows, res.replaced) == (2, 0)
    c1, c2 = calls_rows(store)
    assert (
        c1["direction"] == "inbound" and c1["outcome"] == "answered" and c1["transferred"] is True
    )
    assert c1["wait_s"] == 12 and c1["talk_s"] == 180 and c1["hold_s"] == 30  # derived / HH:MM:SS
    assert c2["wait_s"] == 40 and c2["talk_s"] == 0 and c2["agent_id"] is None


def test_reimport_replaces_rows_with_the_same_keys(store, tmp_path):
    a = write(
        tmp_path / "a.csv",
        """
        call_id,agent_id,offered_at,wait_s,outcome
        C1,E1,2026-03-02 09:00:00,5,answered
        C2,E1,2026-03-02 09:05:00,5,answered
    """,
    )
    b = write(
        tmp_path / "b.csv",
        """
        call_id,agent_id,offered_at,wait_s,outcome
        C2,E2,2026-03-02 09:05:00,9,answered
        C3,E2,2026-03-02 09:10:00,5,answered
    """,
    )
    import_file("calls", a, store=store)
    import_file("calls", a, store=store)  # the same file again changes nothing
    assert store.count("calls") == 2
    res = import_file("calls", b, store=store)
    assert res.replaced == 1
    rows = {r["call_id"]: r for r in calls_rows(store)}
    assert sorted(rows) == ["C1", "C2", "C3"]
    assert rows["C2"]["agent_id"] == "E2" and rows["C2"]["wait_s"] == 9
    assert [i["type"] for i in store.imports()] == ["employees", "calls", "calls", "calls"]


def test_bad_file_lists_every_problem_and_stores_nothing(store, tmp_path):
    good = write(
        tmp_path / "g.csv",
        "call_id,agent_id,offered_at,wait_s,outcome\nC0,E1,2026-03-01 08:00:00,1,answered",
    )
    import_file("calls", good, store=store)
    f = write(
        tmp_path / "bad.csv",
        """
        call_id,agent_id,offered_at,wait_s,outcome,rating,direction
        C1,E9,2026-03-02 09:00:00,10,answered,7,inbound
        C2,,2026-03-02 25:01:00,abc,放弃,,sideways
        C1,E1,2026-03-02 09:00:00,,answered,,
        C4,E1,,5,connected,,inbound
    """,
    )
    with pytest.raises(ImportFailed) as ei:
        import_file("calls", f, store=store)
    got = [str(p) for p in ei.value.problems]
    name = str(f)
    assert got == [
        f"{name}:2:agent_id: 'E9' is not an employee id of the roster (import employees first)",
        f"{name}:2:rating: must be at most 5, not 7",
        f"{name}:3:offered_at: not a date and time (YYYY-MM-DD HH:MM:SS): '2026-03-02 25:01:00'",
        f"{name}:3:wait_s: not a duration (seconds or HH:MM:SS): 'abc'",
        f"{name}:3:direction: 'sideways' is not one of inbound, outbound",
        f"{name}:4:call_id: duplicate key call_id=C1 (already in row 2)",
        f"{name}:4:wait_s: an answered call needs wait_s or answered_at",
        f"{name}:5:offered_at: required value missing",
        f"{name}:5:outcome: is an outbound outcome on an inbound call",
    ]
    assert ei.value.total == 9
    assert [r["call_id"] for r in calls_rows(store)] == ["C0"]  # nothing stored, nothing lost


def test_only_the_first_100_problems_are_listed(store, tmp_path):
    lines = ["call_id,agent_id,offered_at,wait_s,outcome"] + [
        f"C{i},E1,2026-03-02 09:00:00,x,answered" for i in range(150)
    ]
    f = tmp_path / "many.csv"
    f.write_text("\n".join(lines) + "\n")
    with pytest.raises(ImportFailed) as ei:
        import_file("calls", f, store=store)
    assert len(ei.value.problems) == 100 and ei.value.total == 150
    assert str(ei.value.problems[0]).startswith(f"{f}:2:wait_s:")
    assert "149 more" in ei.value.summary()


def test_header_problems(store, tmp_path):
    f = write(tmp_path / "h.csv", "call_id,agent_id,wait_s\nC1,E1,3")
    with pytest.raises(ImportFailed) as ei:
        import_file("calls", f, store=store)
    assert [str(p) for p in ei.value.problems] == [
        f"{f}:1:offered_at: required column missing",
        f"{f}:1:outcome: required column missing",
    ]
    g = write(
        tmp_path / "dup.csv",
        "call_id,呼叫编号,offered_at,outcome\nC1,C1,2026-03-01 08:00:00,abandoned",
    )
    with pytest.raises(ImportFailed, match="given twice"):
        import_file("calls", g, store=store)


def test_column_mapping_and_ignored_columns(store, tmp_path):
    f = write(
        tmp_path / "cdr.csv",
        """
        uniqueid,src,start,agent,hold_time,disposition,memo
        X1,1380000,2026-03-02 09:00:00,E1,4,answered,hello
    """,
    )
    mapping = {
        "uniqueid": "call_id",
        "src": "customer_id",
        "start": "offered_at",
        "agent": "agent_id",
        "hold_time": "wait_s",
        "disposition": "outcome",
    }
    res = import_file("calls", f, store=store, mapping=mapping)
    assert res.ignored_columns == ["memo"]
    (row,) = calls_rows(store)
    assert (row["call_id"], row["customer_id"], row["wait_s"]) == ("X1", "1380000", 4)
    with pytest.raises(ImportFailed, match="'callid' is not a column of calls"):
        import_file("calls", f, store=store, mapping={"uniqueid": "callid"})


def test_gb18030_csv_with_chinese_headers(store, tmp_path):
    f = write(
        tmp_path / "att.csv",
        """
        工号,日期,迟到分钟,旷工
        E1,2026-03-02,5,否
        E2,2026-03-02,0,是
    """,
        encoding="gb18030",
    )
    import_file("attendance", f, store=store)
    rows = store.table("attendance").order_by("employee_id").to_pyarrow().to_pylist()
    assert [(r["employee_id"], r["late_minutes"], r["absent"], r["scheduled"]) for r in rows] == [
        ("E1", 5, False, True),
        ("E2", 0, True, True),
    ]


def test_xlsx_import_with_row_numbers(store, tmp_path):
    import datetime as dt

    import xlsxwriter

    path = tmp_path / "sales.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet()
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    for j, h in enumerate(["工号", "日期", "询单人数", "付款订单数", "销售额"]):
        ws.write(0, j, h)
    ws.write(1, 0, "E1")
    ws.write_datetime(1, 1, dt.datetime(2026, 3, 2), date_fmt)
    ws.write_number(1, 2, 10)
    ws.write_number(1, 3, 3)
    ws.write_number(1, 4, 299.5)
    ws.write(2, 0, "E2")
    ws.write(2, 1, "not a date")
    ws.write_number(2, 2, -1)
    wb.close()
    with pytest.raises(ImportFailed) as ei:
        import_file("sales", path, store=store)
    assert [str(p) for p in ei.value.problems] == [
        f"{path}:3:日期: not a date (YYYY-MM-DD): 'not a date'",
        f"{path}:3:询单人数: must be at least 0, not -1",
    ]
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet()
    for j, h in enumerate(["工号", "日期", "询单人数", "付款订单数", "销售额"]):
        ws.write(0, j, h)
    ws.write_row(1, 0, ["E1", "2026-03-02", 10, 3, 299.5])
    wb.close()
    import_file("sales", path, store=store)
    (row,) = store.table("sales").to_pyarrow().to_pylist()
    assert row["amount"] == 299.5 and row["paid_orders"] == 3 and row["orders"] is None


def test_references_to_the_roster_include_the_file_itself(tmp_path):
    s = open_store(tmp_path / "d")
    f = write(
        tmp_path / "emp.csv",
        """
        id,name,team,department,position,supervisor
        B1,甲,T,D,agent,B2
        B2,乙,T,D,lead,
        B3,丙,T,D,agent,NOPE
    """,
    )
    with pytest.raises(ImportFailed) as ei:
        import_file("employees", f, store=s)
    assert [str(p) for p in ei.value.problems] == [
        f"{f}:4:supervisor: 'NOPE' is not an employee id of the roster (import employees first)"
    ]
    assert s.count("employees") == 0
    s.close()


def test_every_record_type_imports_its_documented_columns(tmp_path):
    from tests.metrics.conftest import ORDER, load_into, write_files

    files = write_files(tmp_path / "files")
    s = open_store(tmp_path / "d")
    load_into(s, files)
    counts = {kind: s.count(kind) for kind, _ in ORDER}
    assert counts == {
        "employees": 7,
        "calls": 16,
        "attendance": 10,
        "tickets": 7,
        "surveys": 11,
        "qc_reviews": 7,
        "incidents": 13,
        "sales": 3,
        "plans": 17,
        "customers": 5,
        "values": 5,
    }
    inc = s.table("incidents").to_pyarrow().to_pylist()
    assert "A1|2026-03-03 10:00:00|praise_letter" in {r["incident_id"] for r in inc}  # derived
    plans = {r["period"]: r for r in s.table("plans").to_pyarrow().to_pylist()}
    assert str(plans["2026-Q1"]["period_start"]) == "2026-01-01"
    s.close()


def test_survey_answers_and_plan_periods_are_checked(store, tmp_path):
    f = write(
        tmp_path / "s.csv",
        """
        survey_id,kind,surveyed_at,status,answers
        V1,callback,2026-03-02 10:00:00,completed,q1=很好;q2=棒
    """,
    )
    with pytest.raises(ImportFailed, match=r"s.csv:2:answers: answer q2='棒' is neither"):
        import_file("surveys", f, store=store)
    p = write(tmp_path / "p.csv", "org_unit,period,plan_code,planned\ncenter,2026-13,x,1")
    with pytest.raises(ImportFailed, match=r"p.csv:2:period: '2026-13': month must be 01–12"):
        import_file("plans", p, store=store)


def test_parse_answers():
    scores, cs = parse_answers("q1=很好;q2=一般;q3=75；q4=不满意")
    assert cs == 68.75 and scores["q3"] == 75
    assert parse_answers('{"a": "投诉", "b": 100}')[1] == 25


def test_file_errors(store, tmp_path):
    with pytest.raises(ImportFailed, match="no such file"):
        import_file("calls", tmp_path / "missing.csv", store=store)
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(ImportFailed, match="empty"):
        import_file("calls", empty, store=store)
    ragged = write(
        tmp_path / "r.csv", "call_id,offered_at,outcome\nC1,2026-03-01 08:00:00,abandoned,extra"
    )
    with pytest.raises(ImportFailed, match="expected 3 fields"):
        import_file("calls", ragged, store=store)


def test_undecodable_text_names_the_line(store, tmp_path):
    rows = ["call_id,agent_id,offered_at,wait_s,outcome"]
    rows += [f"C{i},E1,2026-03-02 09:00:00,1,answered" for i in range(5000)]
    f = tmp_path / "late.csv"
    f.write_bytes(("\n".join(rows) + "\n").encode() + b"C9,E1,2026-03-02 09:00:00,1,an\xff\xfe\n")
    with pytest.raises(ImportFailed) as ei:
        import_file("calls", f, store=store)
    assert [str(p) for p in ei.value.problems] == [
        f"{f}:5002: not valid utf-8 text (save the file as UTF-8 or GB18030, or name its encoding"
        " with --encoding)"
    ]
    g = tmp_path / "early.csv"
    g.write_bytes(b"call_id,offered_at,outcome\nC1,2026-03-02 09:00:00,a\xff\xfe\n")
    with pytest.raises(ImportFailed, match=r"early.csv:2: not valid gb18030 text"):
        import_file("calls", g, store=store)
    assert store.count("calls") == 0
