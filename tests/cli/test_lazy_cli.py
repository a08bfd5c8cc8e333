"""`csperf` imports what its command needs and nothing else (csperf.cli.main.COMMAND_MODULES),
and csperf.ingest.store.fetch gives what Ibis's to_pyarrow gives."""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import subprocess
import sys
from datetime import date, datetime
from decimal import Decimal

import ibis
import pytest

from csperf.cli.main import COMMAND_MODULES, build_parser, command_of, main
from csperf.ingest.store import fetch, fetch_rows, fetch_value
from tests.metrics.conftest import ORDER, write_files

pytestmark = pytest.mark.filterwarnings("ignore:fetch_arrow_table:DeprecationWarning")

HEAVY = ("csperf.scoring", "csperf.ingest.importer", "pandas", "django", "pyarrow.compute")


def _commands(parser: argparse.ArgumentParser) -> set[str]:
    (sub,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return set(sub.choices)


def test_command_modules_match_what_the_modules_register():
    assert _commands(build_parser()) == set(COMMAND_MODULES)
    for command, module in COMMAND_MODULES.items():
        same_module = {c for c, m in COMMAND_MODULES.items() if m == module}
        assert _commands(build_parser(command)) == same_module, command


def test_command_of():
    assert command_of(["indicators", "compute", "--help"]) == "indicators"
    assert command_of(["--help"]) is None
    assert command_of(["no-such-command"]) is None
    assert command_of(["--", "score"]) is None


def test_unknown_command_lists_every_command(capsys):
    with pytest.raises(SystemExit):
        main(["no-such-command"])
    err = capsys.readouterr().err
    assert "invalid choice" in err and "indicators" in err and "score" in err


def _imported_modules(*argv: str) -> tuple[list[str], str]:
    """The heavy modules a fresh `csperf ARGV` process imported, and its standard output."""
    code = (
        "import contextlib, io, json, sys\n"
        "from csperf.cli.main import main\n"
        "out = io.StringIO()\n"
        "with contextlib.redirect_stdout(out), contextlib.suppress(SystemExit):\n"
        f"    main({list(argv)!r})\n"
        f"heavy = sorted(m for m in sys.modules if m.startswith({HEAVY!r}))\n"
        "print(json.dumps([heavy, out.getvalue()]))\n"
    )
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    heavy, out = json.loads(p.stdout.strip().splitlines()[-1])
    return heavy, out


def test_indicators_help_imports_no_scoring_importer_or_django():
    heavy, out = _imported_modules("indicators", "compute", "--help")
    assert heavy == [] and "--period" in out


def test_compute_process_imports_no_pandas(tmp_path):
    files = write_files(tmp_path / "files")
    data = tmp_path / "data"
    for kind, name in ORDER:
        with contextlib.redirect_stdout(io.StringIO()):
            assert main(["import", kind, str(files / name), "--data", str(data)]) == 0
    argv = ["indicators", "compute", "--period", "2026-03", "--data", str(data)]
    heavy, out = _imported_modules(*argv, "--indicators", "calls_answered,aht,asa")
    assert heavy == []
    rows = json.loads(out)["rows"]
    assert rows and any(r["calls_answered"] for r in rows)


@pytest.fixture
def table():
    con = ibis.duckdb.connect()
    con.raw_sql(
        "CREATE TABLE t AS SELECT range::BIGINT AS a, (range * 1.5)::DECIMAL(14, 3) AS d, "
        "(range % 3)::INTEGER AS g, DATE '2026-03-01' + range::INTEGER AS day, "
        "TIMESTAMP '2026-03-01 08:00:00' AS at, CASE WHEN range > 6 THEN NULL ELSE 'x' END AS s "
        "FROM range(10)"
    )
    yield con.table("t")
    con.disconnect()


def test_fetch_gives_what_to_pyarrow_gives(table):
    t = table
    expr = t.group_by("g", "s").aggregate(
        n=t.a.sum(),
        m=t.d.sum(),
        c=t.count(),
        k=t.a.sum().cast("int64"),
        first=t.day.min(),
        at=t.at.max(),
        none=t.d.sum(where=t.a > 100),
        yes=(t.a > 4).any(),
    )
    got, want = fetch(expr), expr.to_pyarrow()
    assert got.schema == want.schema
    key = lambda r: (r["g"], r["s"] or "")  # noqa: E731
    assert sorted(got.to_pylist(), key=key) == sorted(want.to_pylist(), key=key)
    rows = fetch_rows(t.filter(t.a == 3).select("day", "at", "d"))
    assert rows == [{"day": date(2026, 3, 4), "at": datetime(2026, 3, 1, 8), "d": Decimal("4.500")}]
    assert fetch_value(t.a.max()) == 9 and fetch_value(t.d.sum(where=t.a > 100)) is None
