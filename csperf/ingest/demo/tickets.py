"""Tickets (工单): service requests of every desk, complaints and early warnings.

Each position files tickets at its own rate on the days it works, with its own mix of
inquiries, complaints, requests and feedback. Complaints are answered within two hours as a
rule and resolved within working days — the national 调休 calendar and the centre's own rest day
count, so a complaint filed before a holiday waits it out; their deadline (due_at) is the end of
the third working day after receipt. Some complaints are 不满意 (dissatisfied) ones; customer
relations gets early warnings (type warning), most handled by phone. Tickets are forwarded to
other departments, use the knowledge base, break the script now and then, and some are excluded
(系统故障, 跨部门协作). Every person whose card counts a kind of ticket gets at least one of
that kind each month they work, so the card's ratio is never without a denominator.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from csperf.ingest.demo.core import (
    NAT,
    World,
    bools,
    ints,
    per_present_day,
    pick,
    prefixed,
    strs,
    top_up,
    ts,
)

TYPES = np.array(["inquiry", "complaint", "request", "feedback"])
MIX = {  # position -> (tickets per day at work, shares of TYPES)
    "话务员": (3.0, (0.58, 0.09, 0.25, 0.08)),
    "呼叫中心坐席": (4.0, (0.53, 0.1, 0.27, 0.10)),
    "电话专员": (4.5, (0.45, 0.15, 0.25, 0.15)),
    "客户服务专员": (4.0, (0.45, 0.12, 0.28, 0.15)),
    "信用卡中心客服": (6.0, (0.53, 0.1, 0.27, 0.10)),
    "质检员": (0.4, (0.7, 0.0, 0.3, 0.0)),
    "电商客服": (7.0, (0.6, 0.06, 0.24, 0.10)),
    "电商销售客服": (5.0, (0.6, 0.06, 0.24, 0.10)),
    "客服管理岗": (1.5, (0.4, 0.2, 0.2, 0.2)),
    "呼叫中心经理": (0.6, (0.2, 0.5, 0.1, 0.2)),
    "客服部经理": (0.8, (0.2, 0.4, 0.1, 0.3)),
    "客服部门(上线期)": (0.5, (0.4, 0.3, 0.1, 0.2)),
    "客服部门(成熟期)": (0.5, (0.4, 0.3, 0.1, 0.2)),
    "电话经理": (0.5, (0.3, 0.4, 0.1, 0.2)),
    "客户经理": (0.5, (0.3, 0.4, 0.1, 0.2)),
    "游戏客服": (8.0, (0.65, 0.05, 0.25, 0.05)),
    "快递客服": (10.0, (0.5, 0.1, 0.35, 0.05)),
    "物业客服员": (3.0, (0.35, 0.12, 0.45, 0.08)),
    "物业客服员(扣分罚款制)": (3.0, (0.35, 0.12, 0.45, 0.08)),
    "坐席": (2.5, (0.67, 0.08, 0.2, 0.05)),
    "客服代表": (2.5, (0.67, 0.08, 0.2, 0.05)),
    "客服专员": (2.0, (0.6, 0.06, 0.28, 0.06)),
    "基层客服": (2.0, (0.6, 0.06, 0.28, 0.06)),
    "客服人员(拟稿)": (2.0, (0.6, 0.06, 0.28, 0.06)),
    "对客服务员工": (2.0, (0.6, 0.06, 0.28, 0.06)),
}
CATEGORIES = np.array(["不满意", "服务态度", "业务办理", "网络质量"])
WARNING_TEAMS_POSITIONS = ("电话经理", "客户经理", "客户服务专员")
# (positions, what the card counts, at least this many a month)
GUARANTEES: tuple[tuple[tuple[str, ...], str, int], ...] = (
    (("电话专员",), "complaint", 2),
    (("客户服务专员",), "dissatisfied", 1),
    (("客户服务专员", "客服管理岗", "客服部经理"), "forwarded", 1),
    (("客服部经理",), "feedback", 1),
    (("客服部门(上线期)",), "knowledge", 1),
    (("客服部门(成熟期)", "质检员", "信用卡中心客服", "客服管理岗"), "resolved", 2),
    (("呼叫中心坐席",), "any", 1),
)


@dataclass
class _Batch:
    emp: np.ndarray
    day: np.ndarray
    ttype: np.ndarray
    force: np.ndarray  # "" or one of dissatisfied, forwarded, knowledge, resolved, feedback


def _base(world: World, rng) -> _Batch:
    r = world.roster
    es, ds, types = [], [], []
    for pos, (rate, shares) in MIX.items():
        pool = r.idx(pos)
        e, d = per_present_day(world, rng, pool, rate)
        es.append(e)
        ds.append(d)
        types.append(TYPES[rng.choice(4, size=len(e), p=shares)])
    pool = r.idx(*WARNING_TEAMS_POSITIONS)
    e, d = per_present_day(world, rng, pool, 1.4)  # ~30 预警 a member a month
    es.append(e)
    ds.append(d)
    types.append(np.full(len(e), "warning"))
    emp, day, ttype = np.concatenate(es), np.concatenate(ds), np.concatenate(types)
    return _Batch(emp, day, ttype, np.full(len(emp), ""))


def _guarantees(world: World, rng, base: _Batch) -> _Batch:
    r = world.roster
    es, ds, ts_, fs = [base.emp], [base.day], [base.ttype], [base.force]
    for positions, what, need in GUARANTEES:
        pool = r.idx(*positions)
        counted = base.ttype == what if what in ("complaint", "feedback") else base.force == "-"
        sel = counted & np.isin(base.emp, pool)
        e, d = top_up(world, rng, pool, base.emp[sel], base.day[sel], need, world.rota.present)
        es.append(e)
        ds.append(d)
        t = {"complaint": "complaint", "dissatisfied": "complaint", "feedback": "feedback"}.get(
            what, "request"
        )
        ts_.append(np.full(len(e), t))
        fs.append(np.full(len(e), what))
    return _Batch(np.concatenate(es), np.concatenate(ds), np.concatenate(ts_), np.concatenate(fs))


def _workday_after(world: World, day: np.ndarray, k: np.ndarray) -> np.ndarray:
    """The k-th working day after each day index (k = 0: the day itself)."""
    ext = world.workday_mask(extra_days=60)
    positions = np.nonzero(ext)[0]
    upto = np.cumsum(ext)  # working days up to and including each day
    nth = np.clip(upto[day] + k - 1, 0, len(positions) - 1)
    return np.where(k == 0, day, positions[nth])


def _timeline(world: World, rng, emp, day, ttype, force) -> dict[str, np.ndarray]:
    """Created, first response, resolution (working days for complaints), deadline, closing."""
    n = len(emp)
    complaint = ttype == "complaint"
    created = world.day_times(rng, day, 8, 21)
    tier = np.where(rng.random(n) < 0.12, "vip", "normal")
    median = np.where(complaint, 40, np.where(tier == "vip", 7, 25))  # minutes
    resp_min = (
        rng.lognormal(np.log(median), np.where(complaint, 0.7, 0.8)) * world.roster.skill[emp]
    )
    first_resp = created + np.round(resp_min * 60).astype("timedelta64[s]")
    k = rng.choice(6, size=n, p=[0.35, 0.3, 0.18, 0.1, 0.04, 0.03])  # working days taken
    day0 = np.datetime64(world.first).astype("datetime64[s]")
    at_work = _workday_after(world, day, k) * 86400 + rng.integers(9 * 3600, 19 * 3600, size=n)
    res_complaint = np.maximum(
        day0 + at_work.astype("timedelta64[s]"), first_resp + np.timedelta64(600, "s")
    )
    hours = np.round(rng.lognormal(np.log(6), 0.9, size=n) * 3600).astype("timedelta64[s]")
    resolved = np.where(complaint, res_complaint, created + hours)
    open_ = (rng.random(n) < np.where(complaint, 0.06, 0.05)) & (force != "resolved")
    open_ |= resolved > world.end_ts()
    third = _workday_after(world, day, np.full(n, 3)) + 1  # 24:00 of the 3rd working day
    due = np.where(
        complaint,
        day0 + (third * 86400).astype("timedelta64[s]"),
        np.where(ttype == "feedback", created + np.timedelta64(48 * 3600, "s"), NAT),
    )
    closed = resolved + rng.integers(3600, 3 * 86400, size=n).astype("timedelta64[s]")
    return {
        "created": created,
        "tier": tier,
        "first_resp": first_resp,
        "resolved": resolved,
        "open": open_,
        "due": due,
        "closed": np.where(open_ | (closed > world.end_ts()), NAT, closed),
    }


def write_tickets(world: World) -> None:
    r, rng = world.roster, world.rng("tickets")
    b = _guarantees(world, rng, _base(world, rng))
    order = np.lexsort((b.emp, b.day))
    emp, day, ttype, force = b.emp[order], b.day[order], b.ttype[order], b.force[order]
    n = len(emp)
    complaint, warning = ttype == "complaint", ttype == "warning"
    tl = _timeline(world, rng, emp, day, ttype, force)
    created, tier, open_, resolved = tl["created"], tl["tier"], tl["open"], tl["resolved"]
    fwd = (rng.random(n) < 0.15) | (force == "forwarded")
    forwarded = created + np.round(rng.lognormal(np.log(12), 0.8, size=n) * 60 + 30).astype(
        "timedelta64[s]"
    )
    knowledge = (rng.random(n) < 0.4) | (force == "knowledge")
    excl = rng.random(n)
    exclusion = np.where(excl < 0.02, "系统故障", np.where(excl < 0.035, "跨部门协作", ""))
    exclusion = np.where(force == "resolved", "", exclusion)
    category = np.where(
        force == "dissatisfied",
        "不满意",
        CATEGORIES[rng.choice(4, size=n, p=[0.35, 0.25, 0.2, 0.2])],
    )
    category = np.where(
        complaint,
        category,
        np.where(warning, rng.choice(["欠费预警", "流失预警", "投诉预警"], size=n), ""),
    )
    channel = np.where(
        warning,
        np.where(rng.random(n) < 0.72, "phone", rng.choice(["sms", "app"], size=n)),
        rng.choice(["phone", "web", "app", "wechat"], size=n, p=[0.5, 0.15, 0.15, 0.2]),
    )
    fcr = ~open_ & (rng.random(n) < np.where(complaint, 0.45, 0.8) / r.skill[emp])
    rated = ~open_ & (rng.random(n) < 0.5)
    violations = np.where(rng.random(n) < 0.03, rng.choice([1, 1, 1, 2], size=n), 0)
    no = np.arange(world.tickets.count + 1, world.tickets.count + n + 1)
    world.put(
        "tickets",
        pa.table(
            {
                "ticket_id": prefixed("W", no),
                "type": strs(ttype),
                "channel": strs(channel),
                "customer_tier": strs(tier),
                "agent_id": pick(r.ids, emp),
                "created_at": ts(created),
                "first_response_at": ts(tl["first_resp"]),
                "resolved_at": ts(np.where(open_, NAT, resolved)),
                "closed_at": ts(tl["closed"]),
                "reopen_count": ints(~open_ & (rng.random(n) < 0.05)),
                "first_contact_resolved": bools(fcr),
                "exclusion_reason": strs(exclusion, mask=exclusion == ""),
                "due_at": ts(tl["due"]),
                "forwarded_at": ts(np.where(fwd, forwarded, NAT)),
                "satisfaction": ints(
                    rng.choice([5, 4, 3, 2, 1], size=n, p=[0.5, 0.27, 0.12, 0.06, 0.05]),
                    mask=~rated,
                ),
                "info_error": bools(rng.random(n) < 0.02),
                "knowledge_used": bools(knowledge),
                "knowledge_matched": bools(knowledge & (rng.random(n) < 0.86), mask=~knowledge),
                "script_violations": ints(violations),
                "category": strs(category, mask=category == ""),
            }
        ),
    )
    world.tickets.add(
        no=no, emp=emp, day=day, at=created, type=ttype, resolved=~open_, category=category
    )
