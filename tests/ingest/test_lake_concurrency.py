"""Many processes read the records lake while another one imports: no reader fails, and every
reader sees the records before or after an import, never part of one."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from csperf.ingest.importer import import_file
from csperf.ingest.store import open_store

pytestmark = pytest.mark.filterwarnings("ignore:fetch_arrow_table:DeprecationWarning")

CLI = [sys.executable, "-m", "csperf.cli.main"]
N = 400  # calls per month; two months, so each import rewrites two partitions

READER = textwrap.dedent(
    """
    import json, sys, warnings
    from pathlib import Path
    warnings.simplefilter("ignore")
    from csperf.ingest.store import open_store

    data, stop, ready = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
    seen, errors, n, last = set(), [], 0, False
    while not last:
        last = stop.exists()  # one more query after the importer is done: the final state
        try:
            with open_store(data) as s:  # a fresh snapshot each time, as a web request does
                t = s.table("calls")
                row = t.aggregate(
                    n=t.count(), waits=t.wait_s.sum(), imports=t._import.nunique()
                ).to_pyarrow().to_pylist()[0]
                seen.add((row["n"], int(row["waits"]), row["imports"]))
        except Exception as exc:
            errors.append(f"{type(exc).__name__}: {exc}")
        n += 1
        ready.touch()
    print(json.dumps({"seen": sorted(seen), "errors": errors[:5], "queries": n}))
    """
)


def calls_csv(path: Path, wait: int, count: int) -> Path:
    lines = ["call_id,agent_id,offered_at,wait_s,outcome"]
    for i in range(count):
        month = 3 if i % 2 else 4
        lines.append(f"C{i},E1,2026-0{month}-{1 + i % 28:02d} 09:00:00,{wait},answered")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_three_readers_and_one_importer(tmp_path):
    data = tmp_path / "data"
    roster = tmp_path / "emp.csv"
    roster.write_text("id,name,team,department,position\nE1,张三,T1,D1,agent\n", encoding="utf-8")
    with open_store(data) as s:
        import_file("employees", roster, store=s)
        import_file("calls", calls_csv(tmp_path / "c0.csv", 1, N), store=s)
    # every import replaces all the calls: the 2 N rows of one import, with one wait each
    files = [calls_csv(tmp_path / f"c{w}.csv", w, 2 * N) for w in (2, 3, 4)]
    script = tmp_path / "reader.py"
    script.write_text(READER, encoding="utf-8")
    stop = tmp_path / "stop"
    ready = [tmp_path / f"ready{i}" for i in range(3)]
    readers = [
        subprocess.Popen(
            [sys.executable, str(script), str(data), str(stop), str(r)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for r in ready
    ]
    try:
        # every reader has seen the records before the first import …
        deadline = time.monotonic() + 300
        while not all(r.exists() for r in ready) and time.monotonic() < deadline:
            assert all(p.poll() is None for p in readers), "a reader stopped early"
            time.sleep(0.2)
        # … while a fourth process imports, again and again
        for f in files:
            r = subprocess.run(
                [*CLI, "import", "calls", str(f), "--data", str(data)],
                capture_output=True,
                text=True,
                timeout=300,
            )
            assert r.returncode == 0, r.stderr
    finally:
        stop.touch()
        outs = [p.communicate(timeout=300) for p in readers]
    before, after = (N, N, 1), (2 * N, 2 * N * 4, 1)
    allowed = {before, after} | {(2 * N, 2 * N * w, 1) for w in (2, 3)}
    for out, err in outs:
        assert out, err
        got = json.loads(out.strip().splitlines()[-1])
        assert got["errors"] == []
        seen = {tuple(x) for x in got["seen"]}
        assert seen <= allowed, seen  # never a mix of two imports
        assert {before, after} <= seen  # each reader read before the imports and after them
    with open_store(data) as s:
        assert s.count("calls") == 2 * N
        assert [i["rows"] for i in s.imports()] == [1, N, *(2 * N for _ in files)]
