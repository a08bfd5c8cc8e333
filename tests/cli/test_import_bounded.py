"""`csperf import` of hostile or broken files: problem lines and exit code 2, never a traceback;
a header-only file imports 0 rows with a warning."""

from __future__ import annotations

import random

import pytest

from csperf.cli.main import main
from tests.ingest.bounded_files import far_cell_xlsx, run_cli_limited, zip_bomb_xlsx

# Ibis 12 still calls DuckDB's deprecated fetch_arrow_table(); not ours to fix
pytestmark = pytest.mark.filterwarnings("ignore:fetch_arrow_table:DeprecationWarning")

ROSTER = "id,name,team,department,position\nE1,甲,T1,D1,agent\n"
CALLS = "call_id,agent_id,offered_at,wait_s,outcome"


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def data(tmp_path, capsys):
    d = tmp_path / "data"
    (tmp_path / "emp.csv").write_text(ROSTER)
    code, _, _ = run(capsys, "import", "employees", str(tmp_path / "emp.csv"), "--data", str(d))
    assert code == 0
    return d


def test_the_far_cell_workbook_in_a_memory_limited_process(tmp_path):
    """The old reader asked for 549 GB and the process died (SIGABRT) instead of answering."""
    path = far_cell_xlsx(tmp_path / "far.xlsx")
    r = run_cli_limited("import", "employees", str(path), "--data", str(tmp_path / "d"))
    assert r.returncode == 2, r.stderr[-2000:]
    assert r.stdout == "" and "Traceback" not in r.stderr
    first, last = r.stderr.splitlines()
    assert first.startswith(f"{path}: the first sheet's used range reaches cell XFD1048576")
    assert last == f"csperf: {path}: 1 problem(s); nothing was imported"


def test_a_zip_bomb_in_a_memory_limited_process(tmp_path):
    """The old reader unpacked it until the process ran out of memory."""
    path = zip_bomb_xlsx(tmp_path / "bomb.xlsx", 2_600_000_000)
    r = run_cli_limited("import", "employees", str(path), "--data", str(tmp_path / "d"))
    assert r.returncode == 2, r.stderr[-2000:]
    assert r.stderr.splitlines() == [
        f"{path}: unpacks to 2.4 GB, more than the 2 GB a workbook may hold unpacked",
        f"csperf: {path}: 1 problem(s); nothing was imported",
    ]


def test_bad_files_give_problem_lines_and_exit_2(tmp_path, capsys, data):
    rnd = random.Random(3)
    binary = tmp_path / "scan.csv"
    binary.write_bytes(bytes(rnd.randrange(256) for _ in range(4000)))
    ragged = tmp_path / "ragged.csv"
    ragged.write_text(f"{CALLS}\nC1,E1,2026-03-02 09:00:00,5,answered\nC2,E1,2026-03-02 09:00:00\n")
    big = tmp_path / "big.csv"
    big.write_text(f'{CALLS}\nC1,E1,2026-03-02 09:00:00,5,"{"x" * (3 << 20)}"\n')
    wide = tmp_path / "wide.csv"
    wide.write_text(",".join(f"c{i}" for i in range(1_000_000)) + "\n")
    future = tmp_path / "future.csv"
    future.write_text(f"{CALLS}\nC1,E1,2999-03-02 09:00:00,5,answered\n")
    for path, first in [
        (binary, f"{binary}: not a text table: binary data"),
        (ragged, f"{ragged}:3: expected 5 fields, found 3"),
        (big, f"{big}:2:outcome: a field longer than 1 MB"),
        (wide, f"{wide}:1: 1,000,000 columns: an import reads at most 200"),
        (future, f"{future}:2:offered_at: must not be after "),
    ]:
        code, out, err = run(capsys, "import", "calls", str(path), "--data", str(data))
        assert code == 2 and out == "", path
        assert "Traceback" not in err
        lines = err.splitlines()
        assert lines[0].startswith(first), (path, lines)
        assert lines[-1] == f"csperf: {path}: {len(lines) - 1} problem(s); nothing was imported"


def test_encodings_with_a_bom_import(tmp_path, capsys, data):
    text = f"{CALLS}\nC1,E1,2026-03-02 09:00:00,5,接通\n"
    for codec, bom in (("utf-16-le", b"\xff\xfe"), ("utf-8", b"\xef\xbb\xbf")):
        f = tmp_path / f"{codec}.csv"
        f.write_bytes(bom + text.encode(codec))
        code, out, err = run(capsys, "import", "calls", str(f), "--data", str(data))
        assert (code, err) == (0, ""), err
        assert out.startswith(f"imported 1 calls rows from {f}")


def test_a_header_only_file_is_a_warning(tmp_path, capsys, data):
    f = tmp_path / "h.csv"
    f.write_text(CALLS + "\n")
    code, out, err = run(capsys, "import", "calls", str(f), "--data", str(data))
    assert code == 0 and out.startswith(f"imported 0 calls rows from {f}")
    assert err == f"warning: {f}: the file has a header but no rows; 0 rows imported\n"


def test_an_unexpected_error_is_one_line(tmp_path, capsys, data, monkeypatch):
    import csperf.ingest.importer as importer

    def boom(*args, **kwargs):
        raise RuntimeError("disk on fire\nat /srv/secret/line 2")

    monkeypatch.setattr(importer, "import_file", boom)
    f = tmp_path / "c.csv"
    f.write_text(f"{CALLS}\n")
    code, out, err = run(capsys, "import", "calls", str(f), "--data", str(data))
    assert code == 2 and out == ""
    assert err == (
        f"csperf: {f}: cannot import (RuntimeError: disk on fire); nothing was imported\n"
    )


def test_limits_from_the_environment_and_a_bad_one(tmp_path):
    f = tmp_path / "c.csv"
    f.write_text(
        f"{CALLS}\n" + "".join(f"C{i},,2026-03-02 09:00:00,5,answered\n" for i in range(3))
    )
    d = str(tmp_path / "d")
    r = run_cli_limited("import", "calls", str(f), "--data", d, env={"CSPERF_IMPORT_MAX_ROWS": "2"})
    assert (r.returncode, r.stderr.splitlines()[0]) == (
        2,
        f"{f}: more than 2 rows: split the file (an import reads at most 2)",
    )
    r = run_cli_limited(
        "import", "calls", str(f), "--data", d, env={"CSPERF_IMPORT_MAX_ROWS": "lots"}
    )
    assert (r.returncode, r.stderr) == (
        2,
        "csperf: environment variable CSPERF_IMPORT_MAX_ROWS='lots': expected an integer\n",
    )
