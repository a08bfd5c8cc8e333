"""Quality inspection (质检): reviews of recorded calls with rechecks, and test calls (拨测).

The 质检组 reviews about 25 recordings a day each (some 500 a month), a sample of the answered
calls of the desks it inspects, one to four days after the call; an eighth of the reviews are
rechecked by a second inspector; a few find a fatal error. Customer relations' group leaders
listen to their members' recordings (录音监听, about a dozen a member a month). The inspectors
make their own test calls (内部拨测, some 200 a month each); a third party and the group head
office test the hotline every month by dimension (沟通能力, 服务意识, 在线处理能力, 营销能力),
the inspectors' own lines included, on a 10-point scale.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from csperf.ingest.demo.core import (
    World,
    bools,
    choose,
    dec,
    per_present_day,
    spread,
    strs,
    top_up,
    ts,
)

REVIEWED = (
    "话务员",
    "呼叫中心坐席",
    "信用卡中心客服",
    "坐席",
    "客服代表",
    "游戏客服",
    "客服专员",
    "快递客服",
)
TESTED = ("话务员", "呼叫中心坐席")
DIMENSIONS = np.array(["communication", "service", "online", "marketing"])
EXTERNAL = (("third_party", ("communication", "service", "online", "marketing"), 30),
            ("group", ("online", "marketing"), 15))  # fmt: skip
NONE = np.array([], dtype=np.int64)


class _Rows:
    def __init__(self) -> None:
        self.parts: list[dict[str, np.ndarray]] = []

    def add(self, **cols: np.ndarray) -> None:
        self.parts.append(cols)

    def col(self, k: str, fill) -> np.ndarray:
        return np.concatenate(
            [np.asarray(p[k]) if k in p else np.full(len(p["agent"]), fill) for p in self.parts]
        )


def _reviews(world: World, rng, rows: _Rows) -> None:
    r, calls = world.roster, world.calls
    inspectors = r.idx("质检员")
    emp, ans = calls.col("emp").astype(np.int64), calls.col("answered").astype(bool)
    cand = np.nonzero(ans & (emp >= 0) & np.isin(r.position[np.maximum(emp, 0)], REVIEWED))[0]
    quota, _ = per_present_day(world, rng, inspectors, 25.0)  # about 25 a working day each
    n = min(len(quota), len(cand))
    pick = np.sort(rng.choice(cand, size=n, replace=False))
    day = np.minimum(
        calls.col("day")[pick].astype(np.int64) + rng.integers(1, 5, size=n), world.n_days - 1
    )
    on = world.rota.present[inspectors].astype(float)
    on[:, on.sum(axis=0) == 0] = 1  # nobody at work that day: whoever catches up later
    who = inspectors[choose(rng, on, day)]
    at = np.maximum(
        world.day_times(rng, day, 9, 18), calls.col("at")[pick] + np.timedelta64(3600, "s")
    )
    rows.add(
        interaction=calls.names(pick),
        agent=emp[pick],
        inspector=who,
        at=at,
    )
    # every inspected person of the smaller desks has a few reviews a month
    pool = r.idx("游戏客服", "坐席", "客服代表")
    ge, gd = top_up(world, rng, pool, NONE, NONE, 3, world.rota.present)
    rows.add(
        agent=ge,
        inspector=inspectors[rng.integers(len(inspectors), size=len(ge))],
        at=world.day_times(rng, gd, 9, 18),
    )


def _listening(world: World, rng, rows: _Rows) -> None:
    """录音监听: each group leader reviews recordings of the members they lead."""
    r, calls = world.roster, world.calls
    emp = calls.col("emp").astype(np.int64)
    connected = calls.col("connected").astype(bool)
    for lead in r.idx("电话经理", "客户经理"):
        members = r.reports(lead)
        if not len(members):
            continue
        e, d = per_present_day(world, rng, np.array([lead]), 12.0 * len(members) / 21)
        mine = np.nonzero(connected & np.isin(emp, members))[0]
        n = len(e)
        take = mine[rng.integers(len(mine), size=n)] if len(mine) else None
        rows.add(
            interaction=calls.names(take) if take is not None else np.full(n, None),
            agent=emp[take] if take is not None else members[rng.integers(len(members), size=n)],
            inspector=e,
            at=world.day_times(rng, d, 9, 18),
            listening=np.ones(n, bool),
        )


def _tests(world: World, rng, rows: _Rows) -> None:
    r = world.roster
    inspectors = r.idx("质检员")
    tested = r.idx(*TESTED)
    ie, idays = per_present_day(world, rng, inspectors, 10.5)
    n = len(ie)
    rows.add(
        agent=tested[rng.integers(len(tested), size=n)],
        inspector=ie,
        at=world.day_times(rng, idays, 9, 20),
        kind=np.full(n, "test_call"),
        origin=np.full(n, "internal"),
        dimension=rng.choice([*DIMENSIONS, "overall"], size=n),
    )
    months = np.arange(len(world.months))
    for origin, dims, per_month in EXTERNAL:
        for dim in dims:  # the inspectors' own lines once a month, and a sample of agents
            ge, gd = top_up(world, rng, inspectors, NONE, NONE, 1, world.rota.present)
            m = np.repeat(months, per_month // len(dims))
            te = tested[rng.integers(len(tested), size=len(m))]
            td = spread(world, rng, te, m, world.rota.present)
            e, d = np.concatenate([ge, te]), np.concatenate([gd, td])
            k = len(e)
            rows.add(
                agent=e,
                at=world.day_times(rng, d, 9, 20),
                kind=np.full(k, "test_call"),
                origin=np.full(k, origin),
                dimension=np.full(k, dim),
            )


def write_qc(world: World) -> None:
    r, rng = world.roster, world.rng("qc")
    rows = _Rows()
    _reviews(world, rng, rows)
    _listening(world, rng, rows)
    _tests(world, rng, rows)
    agent = rows.col("agent", -1).astype(np.int64)
    kind = rows.col("kind", "review")
    n = len(agent)
    test = kind == "test_call"
    score = np.clip(np.round(rng.normal(86, 6, size=n) * r.skill[agent] ** 0.5), 40, 100)
    tscore = np.clip(np.round(rng.normal(8.9, 0.45, size=n), 1), 5, 10)
    clean = rows.col("listening", False).astype(bool) & (rng.random(n) < 0.55)
    score = np.where(test, tscore, np.where(clean, 100, score))  # no problem found
    recheck = ~test & (rng.random(n) < 0.12)
    rscore = np.clip(score + np.round(rng.normal(0, 2.2, size=n)), 0, 100)
    inspector = rows.col("inspector", -1).astype(np.int64)
    at = np.minimum(rows.col("at", np.datetime64("NaT")).astype("datetime64[s]"), world.end_ts())
    interaction = rows.col("interaction", None).astype(object)
    no_ref = np.array([x is None for x in interaction])
    world.put(
        "qc_reviews",
        pa.table(
            {
                "review_id": strs(np.char.add("R", np.arange(1, n + 1).astype(str))),
                "interaction_id": strs(np.where(no_ref, "", interaction).astype(str), mask=no_ref),
                "agent_id": strs(r.ids[agent]),
                "inspector_id": strs(r.ids[np.maximum(inspector, 0)], mask=inspector < 0),
                "reviewed_at": ts(at),
                "score": dec(score),
                "max_score": dec(np.where(test, 10, 100)),
                "fatal": bools(~test & (rng.random(n) < 0.012)),
                "recheck_score": dec(rscore, mask=~recheck),
                "kind": strs(kind),
                "origin": strs(rows.col("origin", "internal")),
                "dimension": strs(rows.col("dimension", "overall")),
            }
        ),
    )
