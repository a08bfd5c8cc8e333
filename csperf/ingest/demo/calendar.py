"""The centre's own working calendar (工作日历调整) on top of the national 调休 calendar: a rest
day for the centre's anniversary and the Saturday worked to make up for it, in the month before
the last one (so the last month's complaint deadlines already feel it)."""

from __future__ import annotations

from datetime import date, timedelta

import pyarrow as pa

from csperf.ingest.demo.core import World
from csperf.kernel.workdays import Workdays


def centre_days(world: World) -> dict[date, tuple[bool, str]]:
    """{day: (workday, note)} of the centre's own calendar."""
    months = world.months
    month = months[-2] if len(months) > 1 else months[-1]
    national = Workdays()
    day = month.start + timedelta(days=7)
    while day.weekday() != 4 or not national.is_workday(day):  # a working Friday
        day += timedelta(days=1)
    saturday = day + timedelta(days=8)
    while national.is_workday(saturday):
        saturday += timedelta(days=7)
    out = {day: (False, "中心成立纪念日，全中心调休一天")}
    if saturday < world.end:
        out[saturday] = (True, "补中心纪念日调休，正常上班")
    return out


def write_calendar(world: World) -> None:
    days = centre_days(world)
    world.overrides = {d: work for d, (work, _) in days.items()}
    world.put(
        "calendar",
        pa.table(
            {
                "date": pa.array(sorted(days), pa.date32()),
                "workday": pa.array([days[d][0] for d in sorted(days)], pa.bool_()),
                "note": pa.array([days[d][1] for d in sorted(days)], pa.string()),
            }
        ),
    )
