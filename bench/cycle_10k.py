"""Benchmark: a cycle for 10,000 employees against its indicator step (issue 15, item 3).

Target: the whole cycle (indicators → scores → grades → ranks → pay → stored cards) within 2× the
indicator step. One run, interleaved, ``--repeat`` times:

- indicators: ``csperf.cycles.inputs.collect(cycle, template, codes)`` — the call compute_cycle
              makes for the template group (the metrics engine over the calls of the month)
- cycle:      ``compute_cycle(cycle)`` on a cycle without cards (they are deleted, untimed, first):
              plan, indicators, 10,000 cards created, scored, graded, ranked, paid, stored
- recompute:  ``compute_cycle(cycle)`` again over the existing cards (the cards are updated)

The calls and the roster are those of bench/metrics_calls.py (same generator, same store); the
Django database is a throw-away SQLite file (or ``--database-url``, e.g. a PostgreSQL database
that may be emptied). The template is the bench's own: six call indicators, grades, a ranking
and proportional pay. Rerun (see docs/performance.md, "Cycle"):

    python bench/cycle_10k.py --rows 2000000 --agents 10000 --dir /tmp/csperf-bench
    python bench/cycle_10k.py --rows 2000000 --profile /tmp/cycle.prof   # cProfile of one cycle
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import os
import pstats
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

PERIOD = "2026-03"
TEMPLATE = """\
code: bench-call-agent
version: 1
name: 话务员考核表 (bench)
period: month
sections:
  - code: kpi
    name: 话务指标
    items:
      - {code: answered, name: 接听量, value: calls_answered, points: 20,
         rule: {type: linear, points: [[0, 0], [300, 20]]}}
      - {code: abandon, name: 放弃率, value: abandon_rate, points: 15,
         rule: {type: step, target: 0.05, better: lower, step: 0.01, per_step: 3, rounding: exact}}
      - {code: service_level, name: 服务水平, value: service_level, points: 20,
         rule: {type: ratio, target: 0.8, better: higher, cap: 1}}
      - {code: asa, name: 平均应答速度, value: asa, points: 15,
         rule: {type: step, target: 20, better: lower, step: 5, per_step: 3, rounding: exact}}
      - {code: aht, name: 平均处理时长, value: aht, points: 15,
         rule: {type: step, target: 240, better: lower, step: 10, per_step: 1, rounding: exact}}
      - {code: transfer, name: 转接率, value: transfer_rate, points: 15,
         rule: {type: step, target: 0.05, better: lower, step: 0.01, per_step: 1, rounding: exact}}
ranking: {group: all}
grades:
  - {gte: 90, grade: 优秀}
  - {gte: 80, grade: 良好}
  - {gte: 60, grade: 合格}
  - {grade: 不合格}
pay:
  base: 1000
  mode: proportional
"""


def _django(data_dir: Path, database_url: str | None, work: Path) -> None:
    """Django on the bench's store and a database of its own (never the environment's)."""
    os.environ["CSPERF_DATA"] = str(data_dir)
    os.environ["DATABASE_URL"] = database_url or f"sqlite:///{work / 'cycle.sqlite3'}"
    os.environ.setdefault("SECRET_KEY", "csperf-bench-only-not-secret")
    os.environ["CSPERF_JOBS_EMBEDDED"] = "0"
    os.environ["DJANGO_SETTINGS_MODULE"] = "csperf.web.settings"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)


def _organisation(agents: int):
    """10 departments, teams of 15, one position; employees A00000… as in the lake's roster."""
    from csperf.cycles.models import Cycle, CycleTemplate, ScorecardTemplate
    from csperf.org.models import Assignment, Company, Department, Employee, Position, Team

    if Cycle.objects.filter(name="bench").exists():
        raise SystemExit("the database already holds a bench cycle: give an empty database")
    company = Company.objects.create(code="BENCH", name="bench")
    depts = Department.objects.bulk_create(
        Department(company=company, code=f"D{i}", name=f"部门{i}") for i in range(10)
    )
    teams = Team.objects.bulk_create(
        Team(department=depts[i % 10], code=f"T{i}", name=f"组{i}")
        for i in range((agents + 14) // 15)
    )
    position = Position.objects.create(code="agent", name="话务员")
    emps = Employee.objects.bulk_create(
        Employee(
            code=f"A{i:05d}",
            name=f"agent {i}",
            hired_on=dt.date(2024, 1, 1),
            pay_base=Decimal(1000),
        )
        for i in range(agents)
    )
    Assignment.objects.bulk_create(
        Assignment(employee=e, team=teams[i // 15], position=position, start=dt.date(2024, 1, 1))
        for i, e in enumerate(emps)
    )
    template = ScorecardTemplate.objects.create(
        code="bench-call-agent", version=1, name="话务员考核表", period="month", source=TEMPLATE
    )
    cycle = Cycle.objects.create(name="bench", period=PERIOD, rating_deadline=dt.date(2026, 4, 10))
    CycleTemplate.objects.create(cycle=cycle, position=position, template=template)
    return cycle, template, [e.code for e in emps]


def run_indicators(cycle, template, codes: list[str]) -> dict:
    from csperf.cycles import inputs

    t0 = time.perf_counter()
    got = inputs.collect(cycle, template, codes)
    return {"seconds": time.perf_counter() - t0, "rows": len(got)}


def _cycle(cycle, *, fresh: bool, profile: cProfile.Profile | None = None) -> dict:
    from csperf.cycles.compute import compute_cycle
    from csperf.cycles.models import Cycle
    from csperf.reviews.models import Card

    if fresh:
        Card.objects.filter(cycle=cycle).delete()
    cycle = Cycle.objects.get(pk=cycle.pk)
    t0 = time.perf_counter()
    if profile:
        profile.enable()
    summary = compute_cycle(cycle)
    if profile:
        profile.disable()
    dt_ = time.perf_counter() - t0
    scored = Card.objects.filter(cycle=cycle, total__isnull=False, score_error="").count()
    return {"seconds": dt_, "rows": scored, "summary": summary}


def _fingerprint(cycle) -> list[tuple]:
    """What the cycle stored: total, grade, rank, pay of every card (to compare runs)."""
    from csperf.reviews.models import Card

    return list(
        Card.objects.filter(cycle=cycle)
        .order_by("employee__code")
        .values_list("employee__code", "total", "grade", "rank", "pay", "coverage")
    )


def _dump(cycle, path: Path) -> None:
    """Every card's stored scores, result and inputs, to diff two versions of the code."""
    from csperf.kernel.decimals import dumps
    from csperf.reviews.models import Card

    fields = ["employee__code", "total", "grade", "rank", "rank_from_bottom", "rank_label"]
    fields += ["pay", "coverage", "score_error", "status", "result", "inputs", "moves", "chain"]
    rows = Card.objects.filter(cycle=cycle).order_by("employee__code").values(*fields)
    path.write_text(dumps(list(rows), indent=1), encoding="utf-8")
    print(f"wrote {path}")


def _report(results: dict[str, list[dict]]) -> None:
    best = {k: min(r["seconds"] for r in v) for k, v in results.items()}
    for k, v in results.items():
        runs = ", ".join(f"{r['seconds']:.2f}" for r in v)
        print(f"{k:11s} best {best[k]:7.2f} s   runs: {runs}   rows: {v[0]['rows']}")
    for k in ("cycle", "recompute"):
        ratios = [
            c["seconds"] / i["seconds"]
            for c, i in zip(results[k], results["indicators"], strict=True)
        ]
        print(
            f"{k} / indicators: best/best {best[k] / best['indicators']:.2f}×, "
            f"per round {', '.join(f'{r:.2f}' for r in ratios)}"
        )
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=2_000_000)
    ap.add_argument("--agents", type=int, default=10_000)
    ap.add_argument("--dir", default="/tmp/csperf-bench")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--database-url", help="a database the bench may fill (default: SQLite)")
    ap.add_argument("--profile", help="write a cProfile of one fresh cycle here and print it")
    ap.add_argument("--dump", help="write every card's stored scores and result here (JSON)")
    args = ap.parse_args()
    sys.path.insert(0, str(Path(__file__).parent))
    from metrics_calls import generate

    data_dir = Path(args.dir) / f"metrics-{args.rows}"
    generate(data_dir, args.rows, args.agents)
    work = Path(tempfile.mkdtemp(prefix="csperf-cycle-bench-"))
    _django(data_dir, args.database_url, work)
    t0 = time.perf_counter()
    cycle, template, codes = _organisation(args.agents)
    print(f"organisation of {len(codes)} employees: {time.perf_counter() - t0:.1f} s")
    results: dict[str, list[dict]] = {"indicators": [], "cycle": [], "recompute": []}
    prints = []
    for _ in range(args.repeat):  # interleaved: a busy moment of the machine hits each one
        results["indicators"].append(run_indicators(cycle, template, codes))
        results["cycle"].append(_cycle(cycle, fresh=True))
        prints.append(_fingerprint(cycle))
        results["recompute"].append(_cycle(cycle, fresh=False))
        prints.append(_fingerprint(cycle))
    assert all(p == prints[0] for p in prints), "the runs stored different cards"
    assert results["cycle"][0]["rows"] == args.agents, results["cycle"][0]["summary"]
    _report(results)
    if args.dump:
        _dump(cycle, Path(args.dump))
    if args.profile:
        prof = cProfile.Profile()
        _cycle(cycle, fresh=True, profile=prof)
        prof.dump_stats(args.profile)
        pstats.Stats(args.profile).sort_stats("cumulative").print_stats(35)


if __name__ == "__main__":
    main()
