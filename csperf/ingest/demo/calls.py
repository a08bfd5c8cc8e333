"""Calls (话务记录): one desk (queue) at a time.

A desk's demand follows the staff it has that day, the hour of day and the weekday (Poisson);
callers wait according to the hour's load and hang up when their patience (exponential) runs
out — a few while ringing at an agent (the agent's own abandoned call); talk and wrap-up times are
lognormal and scale with the agent's speed; some calls are held, transferred, rated 1–5. About a
fifth of the callers call again within a day or two. Special desks (专席: 大客户, e家/宽带) are
sat by some 话务员 besides the hotline; the OB desk dials out and the customer rates connected
calls 1–5; customer relations dials its callbacks; the 呼叫中心经理 takes escalated calls.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from csperf.ingest.demo.core import NAT, World, bools, choose, duration, ints, pick, prefixed, ts

HOURS_24 = np.array(
    [0.08, 0.05, 0.04, 0.03, 0.03, 0.05, 0.15, 0.35, 0.7, 1.0, 1.2, 1.15, 0.8, 0.85, 1.1, 1.15,
     1.0, 0.9, 0.7, 0.6, 0.5, 0.4, 0.25, 0.15]
)  # fmt: skip
HOURS_DAY = np.array(
    [0, 0, 0, 0, 0, 0, 0, 0, 0.6, 1.0, 1.25, 1.2, 0.8, 0.85, 1.15, 1.2, 1.05, 0.9, 0.6, 0.45,
     0.35, 0.2, 0, 0]
)  # fmt: skip
HOURS_DIAL = np.array(
    [0] * 9 + [1.0, 1.1, 1.0, 0.4, 0.6, 1.0, 1.1, 1.0, 0.8, 0.6, 0.5, 0] + [0] * 3
)
WEEKDAY_FACTOR = np.array([1.12, 1.05, 1.0, 1.0, 1.04, 0.82, 0.76])
RATING_IN = [0.58, 0.24, 0.09, 0.05, 0.04]  # 5, 4, 3, 2, 1
RATING_OB = [0.44, 0.32, 0.13, 0.06, 0.05]


@dataclass(frozen=True)
class Desk:
    queue: str
    positions: tuple[str, ...]
    per_agent_day: float
    talk_s: float = 150
    wrap_s: float = 14
    hours: tuple[float, ...] = tuple(HOURS_DAY)
    special: int = 0  # only the 话务员 of this special desk
    helpers: tuple[tuple[str, float], ...] = ()  # other positions answering now and then
    vip_share: float = 0.0
    outbound_share: float = 0.0
    outbound_only: bool = False
    rated: float = 0.42
    rated_out: float = 0.0
    transfer: float = 0.06
    ring_abandon: float = 0.03  # abandoned calls that were ringing at an agent


DESKS: tuple[Desk, ...] = (
    Desk("HOT", ("话务员",), 58, 112, 13, tuple(HOURS_24), helpers=(("质检员", 0.12),),
         outbound_share=0.05, rated=0.43),
    Desk("VIP", ("话务员",), 16, 160, 16, special=1, vip_share=1.0, rated=0.45),
    Desk("BB", ("话务员",), 14, 140, 15, special=2, rated=0.4),
    Desk("GEN", ("呼叫中心坐席",), 30, 170, 18, outbound_share=0.25, vip_share=0.08),
    Desk("CARD", ("信用卡中心客服",), 32, 190, 20, vip_share=0.12, rated=0.38),
    Desk("SEC", ("坐席", "客服代表"), 32, 160, 15, vip_share=0.1),
    Desk("SVC", ("客服专员", "客服人员(拟稿)", "对客服务员工", "基层客服"), 22, 150, 15),
    Desk("EXP", ("快递客服",), 35, 110, 10, rated=0.35),
    Desk("GAME", ("游戏客服",), 18, 200, 25, tuple(HOURS_24), rated=0.3),
    Desk("PROP", ("物业客服员", "物业客服员(扣分罚款制)"), 9, 180, 30, rated=0.2),
    Desk("ESC", ("呼叫中心经理",), 4, 320, 60, transfer=0.2, ring_abandon=0.5, vip_share=0.3),
    Desk("OB", ("OB客服代表",), 65, 95, 12, tuple(HOURS_DIAL), outbound_only=True, rated_out=0.62),
    Desk("CRM", ("客户服务专员", "电话专员"), 12, 150, 40, tuple(HOURS_DIAL), outbound_only=True),
)  # fmt: skip


def _pool(world: World, desk: Desk) -> tuple[np.ndarray, np.ndarray]:
    r = world.roster
    pool = r.idx(*desk.positions)
    if desk.special:
        pool = pool[r.special_desk[pool] == desk.special]
    weight = np.ones(len(pool))
    for pos, w in desk.helpers:
        extra = r.idx(pos)
        pool = np.concatenate([pool, extra])
        weight = np.concatenate([weight, np.full(len(extra), w)])
    return pool, weight


def _arrivals(world: World, rng, desk: Desk, staffed: np.ndarray):
    hours = np.asarray(desk.hours, dtype=float)
    hours = hours / hours.sum()
    noise = rng.normal(1.0, 0.07, size=world.n_days).clip(0.8, 1.2)
    lam_d = staffed * desk.per_agent_day * noise * WEEKDAY_FACTOR[world.weekday] / 0.97
    lam = lam_d[:, None] * hours[None, :]
    cells = rng.poisson(lam)
    cell = np.repeat(np.arange(cells.size), cells.ravel())
    day, hour = np.divmod(cell, 24)
    n = len(day)
    offered = world.days[day].astype("datetime64[s]") + (
        hour * 3600 + rng.integers(0, 3600, size=n)
    ).astype("timedelta64[s]")
    order = np.argsort(offered, kind="stable")
    load = (lam / max(lam.max(), 1e-9))[day, hour][order]
    return offered[order], day[order], load


def _customers(rng, n: int, first: int, daily: float) -> np.ndarray:
    """Caller numbers: most are new, about a fifth call again within a day or two."""
    customer = np.arange(n, dtype=np.int64)
    again = rng.random(n) < 0.2
    back = rng.integers(1, max(2, int(daily * 1.5)), size=n)
    src = np.maximum(0, np.arange(n) - back)
    customer[again] = src[again]
    for _ in range(3):
        customer = customer[customer]
    return first + customer


OUTCOMES = ["answered", "abandoned", "timeout", "blocked", "connected", "no_answer", "busy"]


def _desk(world: World, desk: Desk) -> None:
    rng = world.rng(f"calls:{desk.queue}")
    rota, r = world.rota, world.roster
    pool, weight = _pool(world, desk)
    if not len(pool):
        return
    present = rota.present[pool] * weight[:, None]
    staffed = present.sum(axis=0)
    offered, day, load = _arrivals(world, rng, desk, staffed)
    n = len(day)
    if not n:
        return
    agent = pool[choose(rng, present * r.skill[pool][:, None], day)]
    skill = r.skill[agent]
    out = np.full(n, desk.outbound_only) | (rng.random(n) < desk.outbound_share)
    # inbound: blocked, queue timeout, abandoned by the caller's patience, else answered
    wait = rng.exponential(3 + 50 * load**3)
    patience = rng.exponential(120, size=n)
    blocked = rng.random(n) < 0.003
    timeout = ~blocked & (wait > 240) & (patience >= 240)
    abandoned = ~blocked & ~timeout & (patience < wait)
    answered = ~out & ~blocked & ~timeout & ~abandoned
    wait = np.where(abandoned, patience, np.where(timeout, 240, np.where(blocked, 0, wait)))
    wait = np.where(out, 0, wait)
    dial = rng.choice([4, 5, 6], size=n, p=[0.58, 0.33, 0.09])  # connected, no_answer, busy
    outcome = np.where(out, dial, np.select([answered, abandoned, timeout], [0, 1, 2], 3))
    connected = out & (dial == 4)
    talking = answered | connected
    ringing = abandoned & ~out & (rng.random(n) < desk.ring_abandon)
    has_agent = out | answered | ringing
    talk = np.where(talking, np.round(rng.lognormal(np.log(desk.talk_s), 0.55, size=n) * skill), 0)
    hold = np.where(talking & (rng.random(n) < 0.18), np.round(rng.exponential(35, size=n)), 0)
    wrap = np.where(talking, np.round(rng.lognormal(np.log(desk.wrap_s), 0.5, size=n) * skill), 0)
    rating = rng.choice([5, 4, 3, 2, 1], size=n, p=RATING_IN)
    rating = np.where(skill < 0.85, np.maximum(1, rating - (rng.random(n) < 0.2)), rating)
    rating = np.where(out, rng.choice([5, 4, 3, 2, 1], size=n, p=RATING_OB), rating)
    rated = (answered & (rng.random(n) < desk.rated)) | (
        connected & (rng.random(n) < desk.rated_out)
    )
    vip = rng.random(n) < desk.vip_share
    answered_at = offered + np.round(wait).astype("timedelta64[s]")
    ended = answered_at + (talk + hold).astype("timedelta64[s]")
    no = np.arange(world.calls.count + 1, world.calls.count + n + 1)
    first = int(world.facts.get("callers", 0))
    customers = _customers(rng, n, first, staffed.mean() * desk.per_agent_day)
    world.facts["callers"] = int(customers.max()) + 1
    world.put(
        "calls",
        pa.table(
            {
                "call_id": prefixed("C", no),
                "direction": pick(["inbound", "outbound"], out),
                "queue": pick([desk.queue], np.zeros(n)),
                "agent_id": pick(r.ids, agent, mask=~has_agent),
                "customer_id": prefixed("K", customers),
                "customer_tier": pick(["normal", "vip"], vip),
                "offered_at": ts(offered),
                "answered_at": ts(np.where(talking, answered_at, NAT)),
                "ended_at": ts(np.where(talking, ended, answered_at)),
                "wait_s": duration(wait),
                "talk_s": duration(talk),
                "hold_s": duration(hold),
                "wrap_s": duration(wrap),
                "outcome": pick(OUTCOMES, outcome),
                "transferred": bools(answered & (rng.random(n) < desk.transfer)),
                "rating": ints(rating, mask=~rated),
                "ring_no_answer": ints(ringing | (answered & (rng.random(n) < 0.02))),
            }
        ),
    )
    handled = np.where(has_agent & talking, talk + hold + wrap, 0)
    np.add.at(rota.handle, (agent, day), handled)
    world.calls.add(
        no=no,
        emp=np.where(has_agent, agent, -1),
        day=day,
        at=offered,
        answered=answered,
        connected=connected,
        rating=np.where(rated, rating, 0),
        customer=customers,
        vip=vip,
    )


def write_calls(world: World) -> None:
    for desk in DESKS:
        _desk(world, desk)
