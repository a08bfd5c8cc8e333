"""The compiled-SQL cache of `csperf indicators compute` (csperf.metrics.sqlcache): a cached
run gives the very bytes a fresh Ibis run gives, imports no Ibis, and any change of the
definitions or of the records makes a new plan."""

from __future__ import annotations

import contextlib
import io
import json
import random
import shutil
import subprocess
import sys
from decimal import Decimal

import pytest

from csperf.cli.indicators import to_json
from csperf.cli.main import main
from csperf.ingest.demo import generate_demo
from csperf.ingest.store import open_store
from csperf.metrics import sqlcache
from csperf.metrics.engine import LEVELS, ROLLUPS
from csperf.metrics.indicators import LIB
from tests.metrics.conftest import ORDER, write_files

pytestmark = pytest.mark.filterwarnings("ignore:fetch_arrow_table:DeprecationWarning")

HEAVY = ("ibis", "sqlglot", "pandas", "pyarrow", "csperf.metrics.engine", "csperf.ingest.schema")
# a request is cached when every indicator combines as data (a ratio or a total): 118 of 129
AS_DATA = sorted(c for c, i in LIB.items() if i.available and hasattr(i.combine, "spec"))
CALLS = sorted(c for c in ROLLUPS if c in AS_DATA)
PARAMS = [
    [],
    ["service_level.threshold_s=30", "abandon_rate.short_abandon_s=5"],
    ["first_contact_resolution.source=calls", "csat_top2.source=calls"],
    ["service_level.threshold_s=17"],  # a threshold the rollup does not keep: the raw calls
]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    d = tmp_path_factory.mktemp("demo")
    store = open_store(d)
    try:
        generate_demo(store, agents=24, months=2, seed=7, until="2026-03", replace=True)
    finally:
        store.close()
    return d


def run(argv: list[str]) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(argv) == 0
    return out.getvalue()


def plans(data) -> list:
    d = data.joinpath(*sqlcache.CACHE_DIR)
    return sorted(d.glob("*.json")) if d.is_dir() else []


def test_cached_runs_give_the_bytes_of_fresh_runs(demo, monkeypatch):
    rng = random.Random(15)
    requests = [
        (period, level, codes, params)
        for period in ("2026-03", "2026-Q1", "2026-02-03..2026-03-10")
        for level in LEVELS
        for codes, params in [(CALLS, rng.choice(PARAMS)), (AS_DATA, [])]
    ]
    for period, level, codes, params in rng.sample(requests, 10):
        argv = ["indicators", "compute", "--period", period, "--level", level, "--data", str(demo)]
        argv += ["--indicators", ",".join(codes)]
        for p in params:
            argv += ["--param", p]
        monkeypatch.setenv("CSPERF_NO_SQL_CACHE", "1")
        fresh = run(argv)
        monkeypatch.delenv("CSPERF_NO_SQL_CACHE")
        first = run(argv)  # computed with Ibis, the plan stored
        req = sqlcache.Request(str(demo), period, level, codes, params)
        assert sqlcache.load(req) is not None, argv  # these indicators all combine as data
        cached = sqlcache.cached_compute(req)
        assert cached is not None
        again = run(argv)
        assert first == fresh and again == fresh, argv
        assert json.loads(fresh)["rows"], argv


def test_start_day_and_every_indicator(demo):
    argv = [
        "indicators",
        "compute",
        "--period",
        "2026-03",
        "--start-day",
        "26",
        "--data",
        str(demo),
    ]
    first, again = run(argv), run(argv)
    assert first == again
    req = sqlcache.Request(str(demo), "2026-03", "employee", None, [], 26)
    # some indicators combine with a function of their own: those requests are never cached
    assert sqlcache.load(req) is None


def test_cached_process_imports_no_ibis(tmp_path):
    files = write_files(tmp_path / "files")
    data = tmp_path / "data"
    for kind, name in ORDER:
        run(["import", kind, str(files / name), "--data", str(data)])
    argv = ["indicators", "compute", "--period", "2026-03", "--level", "team", "--data", str(data)]
    argv += ["--indicators", "calls_answered,aht,asa,abandon_rate"]
    code = (
        "import contextlib, io, json, sys\n"
        "from csperf.cli.main import main\n"
        "out = io.StringIO()\n"
        "with contextlib.redirect_stdout(out):\n"
        f"    main({argv!r})\n"
        f"heavy = sorted(m for m in sys.modules if m.startswith({HEAVY!r}))\n"
        "print(json.dumps([heavy, out.getvalue()]))\n"
    )

    def child() -> tuple[list[str], str]:
        p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        return json.loads(p.stdout.strip().splitlines()[-1])

    heavy, first = child()
    assert "ibis" in heavy  # the first run compiles
    heavy, again = child()
    assert heavy == [] and again == first


def test_a_changed_definition_or_import_makes_a_new_plan(tmp_path, monkeypatch):
    files = write_files(tmp_path / "files")
    data = tmp_path / "data"
    for kind, name in ORDER:
        run(["import", kind, str(files / name), "--data", str(data)])
    argv = ["indicators", "compute", "--period", "2026-03", "--data", str(data)]
    argv += ["--indicators", "calls_answered,aht"]
    req = sqlcache.Request(str(data), "2026-03", "employee", ["calls_answered", "aht"], [])
    before = run(argv)
    assert sqlcache.load(req) is not None and len(plans(data)) == 1

    # the definitions: a copy of the package whose call indicators differ by one character
    pkg = tmp_path / "pkg"
    shutil.copytree(sqlcache._PACKAGE, pkg, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(sqlcache, "_PACKAGE", pkg)
    assert sqlcache.load(req) is not None  # the same source: the same plan
    calls = pkg / "metrics" / "indicators" / "calls.py"
    calls.write_text(calls.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    assert sqlcache.load(req) is None
    assert run(argv) == before and len(plans(data)) == 2
    monkeypatch.setattr(sqlcache, "_PACKAGE", sqlcache.Path(sqlcache.csperf.__file__).parent)

    # the records: a new import of calls (one more answered call for A1)
    assert sqlcache.load(req) is not None
    extra = tmp_path / "more.csv"
    extra.write_text(
        "call_id,direction,agent_id,customer_id,offered_at,wait_s,talk_s,hold_s,wrap_s,outcome\n"
        "C99,inbound,A1,K99,2026-03-09 10:00:00,5,100,0,0,answered\n",
        encoding="utf-8",
    )
    run(["import", "calls", str(extra), "--data", str(data)])
    assert sqlcache.load(req) is None
    after = json.loads(run(argv))["rows"]
    a1 = {r["subject"]: r for r in json.loads(before)["rows"]}["A1"]
    assert {r["subject"]: r for r in after}["A1"]["calls_answered"] == a1["calls_answered"] + 1


def test_a_plan_that_cannot_run_falls_back_to_ibis(demo, tmp_path):
    argv = ["indicators", "compute", "--period", "2026-03", "--data", str(demo)]
    argv += ["--indicators", "aht"]
    first = run(argv)
    req = sqlcache.Request(str(demo), "2026-03", "employee", ["aht"], [])
    path = sqlcache.plan_path(req)
    plan = json.loads(path.read_text(encoding="utf-8"))
    plan["steps"][0]["sql"] = "SELECT * FROM no_such_table"
    path.write_text(json.dumps(plan), encoding="utf-8")
    assert sqlcache.cached_compute(req) is None
    assert run(argv) == first


def test_to_json_is_json_dumps_indented():
    from datetime import date, datetime

    doc = {
        "period": "2026-03",
        "rows": [
            {"subject": "A1", "name": '张三 "q" \\ \n\t\x01', "v": Decimal("0.125"), "n": 3},
            {"subject": "A2", "name": None, "v": Decimal("2.000"), "f": 1.5, "b": True},
        ],
        "empty": {},
        "nothing": [],
        "nested": {"day": date(2026, 3, 1), "at": datetime(2026, 3, 1, 8), "t": (1, 2)},
        "floats": [float("nan"), float("inf"), -0.0, 1e-7],
        3: False,
    }
    from csperf.kernel.decimals import jsonable

    assert to_json(doc) == json.dumps(jsonable(doc), ensure_ascii=False, indent=2) + "\n"
    with pytest.raises(ValueError):
        to_json({"x": Decimal("NaN")})
    with pytest.raises(TypeError):
        to_json({"x": object()})
