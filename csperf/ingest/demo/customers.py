"""Customers (客户): the books of the people who own customers.

呼叫中心坐席 keep a book of ordinary and key customers, 电话专员 the key (重点) customers they call
back, customer relations' group leaders (电话经理/客户经理) and their 客户服务专员 the 大客户 of
their groups, with bundled products (捆绑) and second contacts (第二联系方式). Most customers were
on the books before the first year of the range (the year-start base of 保有率); some join during
the range; each is lost at a monthly hazard (less when bundled), for a reason — a quarter of
them for service (服务), which is what 大客户流失 on the manager's card counts.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pyarrow as pa

from csperf.ingest.demo.core import NAT, World, bools, days32, strs

BOOKS = {  # position -> (customers each, tier shares normal/key/vip)
    "呼叫中心坐席": (120, (0.7, 0.2, 0.1)),
    "电话专员": (60, (0.0, 0.7, 0.3)),
    "电话经理": (80, (0.2, 0.5, 0.3)),
    "客户经理": (80, (0.2, 0.5, 0.3)),
    "客户服务专员": (110, (0.4, 0.4, 0.2)),
}
REASONS = ["服务", "价格", "搬迁", "竞争对手", "业务调整"]
REASON_P = [0.25, 0.3, 0.15, 0.2, 0.1]


def write_customers(world: World) -> None:
    r, rng = world.roster, world.rng("customers")
    owner_l, tier_l = [], []
    for pos, (each, shares) in BOOKS.items():
        who = r.idx(pos)
        owner_l.append(np.repeat(who, each))
        tier_l.append(rng.choice(["normal", "key", "vip"], size=len(who) * each, p=shares))
    owner, tier = np.concatenate(owner_l), np.concatenate(tier_l)
    n = len(owner)
    base = np.datetime64(date(world.first.year, 1, 1))
    span = (world.end - world.first).days
    new = rng.random(n) < 0.15
    acquired = np.where(
        new,
        np.datetime64(world.first) + rng.integers(0, span, size=n).astype("timedelta64[D]"),
        base - rng.integers(1, 2500, size=n).astype("timedelta64[D]"),
    )
    bundled = rng.random(n) < np.where(tier == "normal", 0.3, 0.5)
    hazard = np.where(bundled, 0.007, 0.012) / 30.4  # per day
    since = np.maximum(acquired, base)
    lost = since + np.ceil(rng.exponential(1 / hazard)).astype("timedelta64[D]")
    lost = np.where(lost < np.datetime64(world.end), lost, NAT)
    is_lost = ~np.isnat(lost)
    reason = rng.choice(REASONS, size=n, p=REASON_P)
    ids = np.char.add("A", np.arange(1, n + 1).astype(str))
    world.customers = {"id": ids, "owner": owner, "tier": tier, "acquired": acquired, "lost": lost}
    world.put(
        "customers",
        pa.table(
            {
                "customer_id": strs(ids),
                "tier": strs(tier),
                "owner_id": strs(r.ids[owner]),
                "acquired_at": days32(acquired),
                "lost_at": days32(lost),
                "lost_reason": strs(reason, mask=~is_lost),
                "bundled": bools(bundled),
                "second_contact": bools(rng.random(n) < 0.82),
            }
        ),
    )


def held_on(world: World, day: date | np.datetime64) -> np.ndarray:
    """Mask of the customers on the books on ``day``."""
    c = world.customers
    d = np.datetime64(day) if not isinstance(day, np.datetime64) else day
    return (c["acquired"] <= d) & (np.isnat(c["lost"]) | (c["lost"] > d))


__all__ = ["held_on", "write_customers"]
