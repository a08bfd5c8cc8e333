"""`csperf import`, `csperf indicators …`, `csperf demo-data` through the real entry point."""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import json
import shutil
from pathlib import Path

import pytest

from csperf.cli.main import main
from tests.metrics.conftest import ORDER, write_files

# Ibis 12 still calls DuckDB's deprecated fetch_arrow_table(); not ours to fix
pytestmark = pytest.mark.filterwarnings("ignore:fetch_arrow_table:DeprecationWarning")


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    return write_files(tmp_path_factory.mktemp("files"))


@pytest.fixture(scope="module")
def imported(tmp_path_factory, files):
    """The sample files imported once per module through the CLI (11 imports)."""
    d = tmp_path_factory.mktemp("imported") / "data"
    for kind, name in ORDER:
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            code = main(["import", kind, str(files / name), "--data", str(d)])
        assert code == 0 and out.getvalue().startswith("imported "), out.getvalue()
    return d


@pytest.fixture
def data(tmp_path, imported):
    """A copy of the imported data directory per test: a test may import more into it."""
    return Path(shutil.copytree(imported, tmp_path / "data"))


def test_import_reports_and_rejects(tmp_path, capsys, files, data):
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "call_id,agent_id,offered_at,wait_s,outcome\nX1,NOBODY,2026-03-02 09:00:00,x,answered\n"
    )
    code, out, err = run(capsys, "import", "calls", str(bad), "--data", str(data))
    assert code == 2 and out == ""
    lines = err.strip().splitlines()
    assert (
        lines[0]
        == f"{bad}:2:agent_id: 'NOBODY' is not an employee id of the roster (import employees first)"
    )
    assert lines[1] == f"{bad}:2:wait_s: not a duration (seconds or HH:MM:SS): 'x'"
    assert lines[-1] == f"csperf: {bad}: 2 problem(s); nothing was imported"
    assert "Traceback" not in err
    code, out, _ = run(capsys, "import", "calls", str(files / "calls.csv"), "--data", str(data))
    assert code == 0 and "16 earlier rows with the same keys replaced" in out


def test_import_with_map_options(tmp_path, capsys, data):
    f = tmp_path / "cdr.csv"
    f.write_text("id,who,start,res\nZ1,A1,2026-03-09 10:00:00,abandoned\n")
    mf = tmp_path / "map.yaml"
    mf.write_text("start: offered_at\nres: outcome\n")
    code, _out, err = run(
        capsys,
        "import",
        "calls",
        str(f),
        "--map",
        "id=call_id",
        "--map",
        "who=agent_id",
        "--map-file",
        str(mf),
        "--data",
        str(data),
    )
    assert code == 0, err
    code, _, err = run(capsys, "import", "calls", str(f), "--map", "id", "--data", str(data))
    assert code == 2 and "write SRC=DST" in err


def test_compute_json_shape(capsys, data):
    code, out, _ = run(
        capsys,
        "indicators",
        "compute",
        "--period",
        "2026-03",
        "--level",
        "team",
        "--indicators",
        "answer_rate,asa",
        "--data",
        str(data),
    )
    assert code == 0
    doc = json.loads(out)
    assert doc["period"] == "2026-03" and doc["level"] == "team"
    t1 = next(r for r in doc["rows"] if r["subject"] == "T1")
    assert t1 == {"subject": "T1", "answer_rate": 1, "asa": 14.6}


def test_compute_params_csv_and_xlsx(tmp_path, capsys, data):
    code, out, _ = run(
        capsys,
        "indicators",
        "compute",
        "--period",
        "2026-03",
        "--level",
        "center",
        "--indicators",
        "service_level",
        "--param",
        "service_level.threshold_s=30",
        "--format",
        "csv",
        "--data",
        str(data),
    )
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows[0]["subject"] == "center" and rows[0]["service_level"].startswith("0.636363")
    xl = tmp_path / "out.xlsx"
    code, _, _ = run(
        capsys,
        "indicators",
        "compute",
        "--period",
        "2026-Q1",
        "--level",
        "employee",
        "--format",
        "xlsx",
        "--output",
        str(xl),
        "--data",
        str(data),
    )
    assert code == 0
    from python_calamine import CalamineWorkbook

    sheet = CalamineWorkbook.from_path(str(xl)).get_sheet_by_index(0).to_python()
    assert sheet[2][0] == "subject" and "接通率\nanswer_rate" in sheet[2]
    assert [r[0] for r in sheet[3:]] == ["A1", "A2", "A3", "A4", "A5", "Q1", "S1"]  # A5 left in Feb


def test_compute_start_day_and_errors(capsys, data):
    code, out, _ = run(
        capsys,
        "indicators",
        "compute",
        "--period",
        "2026-03",
        "--start-day",
        "26",
        "--level",
        "center",
        "--indicators",
        "calls_offered",
        "--data",
        str(data),
    )
    assert json.loads(out)["rows"][0]["calls_offered"] == 11
    for argv, msg in [
        (["--period", "2026-13"], "month must be 01–12"),
        (["--period", "2026-03", "--indicators", "nope"], "unknown indicator 'nope'"),
        (["--period", "2026-03", "--param", "asa=1"], "write indicator.parameter"),
        (["--period", "2026-03", "--start-day", "30"], "between 1 and 28"),
    ]:
        code, _, err = run(capsys, "indicators", "compute", *argv, "--data", str(data))
        assert code == 2 and msg in err and "Traceback" not in err, err


def test_intervals_and_explain(capsys, data):
    code, out, _ = run(
        capsys,
        "indicators",
        "intervals",
        "--date",
        "2026-03-02",
        "--minutes",
        "15",
        "--indicators",
        "calls_offered",
        "--data",
        str(data),
    )
    doc = json.loads(out)
    nine = [r for r in doc["rows"] if r["interval_start"] == "2026-03-02T09:15:00"]
    assert nine == [
        {"interval_start": "2026-03-02T09:15:00", "subject": "center", "calls_offered": 1}
    ]
    code, out, _ = run(
        capsys,
        "indicators",
        "intervals",
        "--date",
        "2026-03-02",
        "--to",
        "2026-03-03",
        "--minutes",
        "30",
        "--format",
        "csv",
        "--data",
        str(data),
    )
    assert code == 0 and len(out.strip().splitlines()) == 1 + 96
    code, out, _ = run(
        capsys,
        "indicators",
        "explain",
        "transfer_rate",
        "--subject",
        "A1",
        "--period",
        "2026-03",
        "--data",
        str(data),
    )
    doc = json.loads(out)
    assert doc["value"] == pytest.approx(1 / 3)
    assert [r["call_id"] for r in doc["parts"][0]["records"]] == ["C2"]


def test_list(capsys):
    code, out, _ = run(capsys, "indicators", "list", "--format", "json")
    codes = {d["code"] for d in json.loads(out)}
    assert {"answer_rate", "service_level", "qc_consistency", "budget_saving_rate"} <= codes
    code, out, _ = run(capsys, "indicators", "list")
    assert code == 0 and "服务水平" in out


def _digest(d):
    from csperf.ingest.store import open_store

    s = open_store(d)
    h = hashlib.sha256()
    for t in (
        "calls",
        "tickets",
        "attendance",
        "surveys",
        "qc_reviews",
        "sales",
        "plans",
        "customers",
        "employees",
        "incidents",
    ):
        tbl = s.table(t).drop("_import")
        tbl = tbl.order_by(list(tbl.columns))
        h.update(str(tbl.to_pyarrow().to_pylist()).encode())
    s.close()
    return h.hexdigest()


def test_demo_data_is_deterministic(tmp_path, capsys, monkeypatch):
    a, b = tmp_path / "a", tmp_path / "b"
    args = ["demo-data", "--agents", "24", "--months", "2", "--seed", "5", "--until", "2026-03"]
    code, out, _ = run(capsys, *args, "--data", str(a))
    assert code == 0 and "demo centre written" in out
    monkeypatch.setenv("CSPERF_DATA", str(b))
    assert run(capsys, *args)[0] == 0
    assert _digest(a) == _digest(b)
    code, _, err = run(capsys, *args, "--data", str(a))
    assert code == 2 and "--replace" in err
    assert run(capsys, *args, "--seed", "6", "--replace", "--data", str(a))[0] == 0
    assert _digest(a) != _digest(b)


def test_demo_data_is_realistic(tmp_path, capsys):
    d = tmp_path / "demo"
    assert (
        run(
            capsys,
            "demo-data",
            "--agents",
            "40",
            "--months",
            "1",
            "--until",
            "2026-03",
            "--data",
            str(d),
        )[0]
        == 0
    )
    _code, out, _ = run(
        capsys,
        "indicators",
        "compute",
        "--period",
        "2026-03",
        "--level",
        "center",
        "--indicators",
        "answer_rate,service_level,aht,abandon_rate,csat_mean,"
        "complaint_rate,qc_score_mean,full_attendance,callback_rate",
        "--data",
        str(d),
    )
    c = json.loads(out)["rows"][0]
    assert 0.6 < c["answer_rate"] < 0.98 and 0.4 < c["service_level"] < 0.95
    assert 120 < c["aht"] < 300 and 0.01 < c["abandon_rate"] < 0.4
    assert 3.5 < c["csat_mean"] < 4.8 and 0.01 < c["complaint_rate"] < 0.2
    assert 70 < c["qc_score_mean"] < 95 and 0.2 < c["full_attendance"] < 0.9
    assert 0.6 < c["callback_rate"] < 0.9
    teams = json.loads(
        run(
            capsys,
            "indicators",
            "compute",
            "--period",
            "2026-03",
            "--level",
            "team",
            "--indicators",
            "calls_offered",
            "--data",
            str(d),
        )[1]
    )["rows"]
    assert len(teams) >= 3
