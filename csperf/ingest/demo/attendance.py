"""Attendance (考勤): who is scheduled when, and what happened on each employee-day.

The rota is planned first (calls, tickets and sales only go to people at work that day) and the
rows are written last, with the handling time the calls left. Desk staff work a rotating 5-in-7
rota (the hotline round the clock: 早班, 中班, 夜班, 大夜班); offices work the working days of the
national calendar and the centre's own. Lateness (some of exactly 5 minutes, the band edge of
the telecom sheet), early leaving, absences (some on consecutive days), leave, shift swaps, missed
clock-ins, emergency overtime and 示忙 time (now and then over the shift's limit).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from csperf.ingest.demo.core import World, bools, days32, dec, duration, ints, pick
from csperf.ingest.demo.organisation import OFFICE_HOURS

SHIFTS = np.array(["early", "middle", "night", "late_night", "office"])
ROUND_THE_CLOCK = ("话务员",)  # the hotline desk works four shifts
BUSY_LIMIT_S = np.array([900, 1800, 900, 1800, 1200])  # by shift, as the 示忙 rule sets them


@dataclass
class Rota:
    active: np.ndarray  # [employee × day] on the roster
    scheduled: np.ndarray
    shift: np.ndarray  # index into SHIFTS
    absent: np.ndarray
    leave: np.ndarray  # leave days 0 / 0.5 / 1
    late: np.ndarray  # minutes
    early: np.ndarray
    present: np.ndarray  # at work (scheduled, not absent, not on a full day of leave)
    handle: np.ndarray  # seconds of calls handled (filled by the calls)


def plan_rota(world: World) -> Rota:
    r, rng = world.roster, world.rng("rota")
    n, nd = len(r), world.n_days
    day = np.arange(nd)
    e = np.arange(n)[:, None]
    active = (r.hired[:, None] <= world.days[None, :]) & (r.left[:, None] >= world.days[None, :])
    office = np.isin(r.position, list(OFFICE_HOURS))[:, None]
    rota_on = ((day[None, :] + e % 7) % 7) < 5
    scheduled = active & np.where(office, world.workday[None, :], rota_on)
    clock = np.isin(r.position, ROUND_THE_CLOCK)[:, None]
    week = day[None, :] // 7
    shift = np.where(office, 4, np.where(clock, (week + e) % 4, ((week + e) % 2)))
    absent = scheduled & (rng.random((n, nd)) < 0.003)
    for i, j in zip(*np.nonzero(absent & (rng.random((n, nd)) < 0.35)), strict=True):
        nxt = np.nonzero(scheduled[i, j + 1 :])[0][: int(rng.integers(1, 3))]
        absent[i, j + 1 + nxt] = True  # 连续旷工
    leave = np.where(
        scheduled & ~absent & (rng.random((n, nd)) < 0.012),
        rng.choice([0.5, 1.0], size=(n, nd), p=[0.3, 0.7]),
        0.0,
    )
    on = scheduled & ~absent & (leave < 1)
    is_late = on & (rng.random((n, nd)) < 0.014)
    late = np.where(rng.random((n, nd)) < 0.2, 5, rng.geometric(0.2, size=(n, nd)))
    late = np.where(is_late, late, 0)
    early = np.where(on & (rng.random((n, nd)) < 0.005), rng.geometric(0.25, size=(n, nd)), 0)
    return Rota(
        active=active,
        scheduled=scheduled,
        shift=shift,
        absent=absent,
        leave=leave,
        late=late,
        early=early,
        present=on,
        handle=np.zeros((n, nd)),
    )


def write_attendance(world: World) -> None:
    r, rota, rng = world.roster, world.rota, world.rng("attendance")
    e, d = np.nonzero(rota.active)
    m = len(e)
    sched, on = rota.scheduled[e, d], rota.present[e, d]
    late, early, leave = rota.late[e, d], rota.early[e, d], rota.leave[e, d]
    shift = rota.shift[e, d]
    desk = ~np.isin(r.position[e], list(OFFICE_HOURS)) | (rota.handle[e, d] > 0)
    logged = np.where(
        on,
        8 * 3600 - (late + early) * 60 - leave * 4 * 3600 - rng.integers(0, 1800, size=m),
        0,
    ).clip(0)
    calls = rota.handle[e, d]
    other = logged * rng.uniform(0.3, 0.55, size=m)  # tickets, chats, follow-ups
    handling = np.minimum(calls + np.where(calls > 0, other, logged * 0.6), logged * 0.95)
    limit = BUSY_LIMIT_S[shift]
    busy = np.where(
        rng.random(m) < 0.05,
        limit * rng.uniform(1.05, 1.8, size=m),
        limit * rng.uniform(0.1, 0.9, size=m),
    )
    overtime = np.where(
        on & (rng.random(m) < np.where(desk, 0.03, 0.01)), rng.choice([1, 2, 3, 4], size=m), 0
    )
    no_log = ~on | ~desk
    world.put(
        "attendance",
        pa.table(
            {
                "employee_id": pick(r.ids, e),
                "date": days32(world.days[d]),
                "scheduled": bools(sched),
                "late_minutes": dec(late),
                "early_minutes": dec(early),
                "absent": bools(rota.absent[e, d]),
                "leave_days": dec(leave),
                "shift_swaps": ints(sched & (rng.random(m) < 0.02)),
                "logged_in_s": duration(logged, mask=no_log),
                "busy_s": duration(np.round(busy), mask=no_log),
                "handling_s": duration(np.round(handling), mask=no_log),
                "shift": pick(SHIFTS, shift, mask=~sched),
                "missed_clock": ints(on & (rng.random(m) < 0.006)),
                "overtime_h": dec(overtime),
            }
        ),
    )
