"""``generate_demo``: the demo centre, concern by concern, into a records store."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from csperf.ingest.demo.attendance import plan_rota, write_attendance
from csperf.ingest.demo.calendar import write_calendar
from csperf.ingest.demo.calls import write_calls
from csperf.ingest.demo.core import World, add_months
from csperf.ingest.demo.customers import write_customers
from csperf.ingest.demo.events import write_events
from csperf.ingest.demo.organisation import write_roster
from csperf.ingest.demo.plans import write_plans
from csperf.ingest.demo.qc import write_qc
from csperf.ingest.demo.sales import write_sales
from csperf.ingest.demo.surveys import write_surveys
from csperf.ingest.demo.tickets import write_tickets
from csperf.ingest.demo.values import write_values
from csperf.ingest.schema import RECORD_TYPES
from csperf.ingest.store import Store
from csperf.kernel.periods import parse_period


@dataclass
class DemoResult:
    employees: int
    months: int
    first_day: date
    last_day: date
    rows: dict[str, int]
    seconds: float


def last_full_month(today: date | None = None) -> str:
    today = today or date.today()
    first = today.replace(day=1) - timedelta(days=1)
    return f"{first.year:04d}-{first.month:02d}"


def _clear(store: Store, replace: bool) -> None:
    existing = sum(store.count(t) for t in RECORD_TYPES)
    if existing and not replace:
        raise FileExistsError(
            f"{store.where} already holds {existing} records; pass --replace to overwrite them"
        )
    if existing:
        for t in RECORD_TYPES:
            store.clear(t)
        store.clear("_imports")


STEPS = (
    write_calendar,
    write_roster,
    lambda w: setattr(w, "rota", plan_rota(w)),
    write_customers,
    write_calls,
    write_tickets,
    write_surveys,
    write_qc,
    write_attendance,
    write_events,
    write_sales,
    write_plans,
    write_values,
)


def generate_demo(
    store: Store,
    *,
    agents: int = 200,
    months: int = 12,
    seed: int = 1,
    until: str | None = None,
    replace: bool = False,
    progress: Callable[[str], None] | None = None,
) -> DemoResult:
    """Write a demo centre sized by ``agents`` over ``months`` months ending with month ``until``
    (default: the last full month). The same arguments give the same records, byte for byte."""
    t0 = time.perf_counter()
    if agents < 12:
        raise ValueError("--agents must be at least 12 (one team)")
    if not 1 <= months <= 60:
        raise ValueError("--months must be between 1 and 60")
    last = parse_period(until or last_full_month())
    first = add_months(last.start, -(months - 1))
    _clear(store, replace)
    world = World(store, seed, agents, first, last.end, progress or (lambda s: None))
    for step in STEPS:
        step(world)
    world.flush()
    return DemoResult(
        len(world.roster),
        months,
        first,
        last.end - timedelta(days=1),
        world.rows,
        time.perf_counter() - t0,
    )
