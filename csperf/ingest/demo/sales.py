"""营销业绩 (sales): one row per employee-day of sales work.

E-commerce agents (旺旺) record inquiries, paying customers, orders placed and paid, amounts,
refunds (number and amount), cross-sells, replies, the mean response time and how many chats
they hold at once; their desk managers answer chats too. Hotline 话务员 sell packages on the
phone (业务营销: orders, 3G/宽带 cross-sells of the 新装、续包 orders), 呼叫中心坐席 take orders
from the calls they handle (成单率) with their amounts.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from csperf.ingest.demo.calls import WEEKDAY_FACTOR
from csperf.ingest.demo.core import World, days32, dec, duration, ints, money, pick


def _ecommerce(world: World, rng, emp: np.ndarray, day: np.ndarray) -> dict:
    skill = world.roster.skill[emp]
    n = len(emp)
    inquiries = rng.poisson(55 * WEEKDAY_FACTOR[world.weekday[day]])
    conv = np.clip(0.55 * skill + rng.normal(0, 0.05, size=n), 0.2, 0.9)
    buyers = rng.binomial(inquiries, conv)
    orders = buyers + rng.binomial(buyers, 0.12)
    paid = rng.binomial(orders, 0.9)
    price = rng.lognormal(np.log(160), 0.25, size=n) * skill
    refunds = rng.binomial(paid, 0.03)
    return {
        "inquiries": inquiries,
        "buyers": buyers,
        "orders": orders,
        "paid_orders": paid,
        "amount": np.round(paid * price, 2),
        "refunds": refunds,
        "refund_amount": np.round(refunds * price * rng.uniform(0.6, 1.0, size=n), 2),
        "cross_sell": rng.binomial(paid, 0.12),
        "replied": np.minimum(inquiries, rng.binomial(inquiries, 0.985)),
        "avg_response_s": np.round(rng.lognormal(np.log(24), 0.3, size=n) / skill, 1),
        "concurrent": np.round(rng.normal(4.5, 0.8, size=n).clip(1.5, 8) * skill, 2),
    }


def _chat_desk(world: World, rng, emp: np.ndarray, day: np.ndarray) -> dict:
    n = len(emp)
    inquiries = rng.poisson(18, size=n)
    return {
        "inquiries": inquiries,
        "replied": np.minimum(inquiries, rng.binomial(inquiries, 0.99)),
        "avg_response_s": np.round(rng.lognormal(np.log(20), 0.3, size=n), 1),
        "concurrent": np.round(rng.normal(3.0, 0.5, size=n).clip(1, 6), 2),
    }


def _phone(
    world: World, rng, emp: np.ndarray, day: np.ndarray, handled: np.ndarray, hotline: bool
) -> dict:
    n = len(emp)
    if hotline:  # 业务营销: packages sold on the hotline
        orders = rng.poisson(1.8 * world.roster.skill[emp])
        price = rng.lognormal(np.log(39), 0.3, size=n)
        return {
            "orders": orders,
            "buyers": orders,
            "paid_orders": orders,
            "amount": np.round(orders * price, 2),
            "cross_sell": rng.binomial(orders, 0.28),
        }
    orders = rng.binomial(handled, 0.09)
    paid = rng.binomial(orders, 0.95)
    return {
        "orders": orders,
        "buyers": paid,
        "paid_orders": paid,
        "amount": np.round(paid * rng.lognormal(np.log(800), 0.35, size=n), 2),
        "cross_sell": rng.binomial(paid, 0.1),
    }


def write_sales(world: World) -> None:
    r, rng, rota = world.roster, world.rng("sales"), world.rota
    calls = world.calls
    handled = np.zeros((len(r), world.n_days), dtype=np.int64)
    ce = calls.col("emp").astype(np.int64)
    ok = (ce >= 0) & (calls.col("answered").astype(bool) | calls.col("connected").astype(bool))
    np.add.at(handled, (ce[ok], calls.col("day").astype(np.int64)[ok]), 1)
    parts = []
    for positions, make in (
        (("电商客服", "电商销售客服"), "ecommerce"),
        (("客服管理岗",), "chat"),
        (("话务员",), "hotline"),
        (("呼叫中心坐席",), "orders"),
    ):
        pool = r.idx(*positions)
        p, d = np.nonzero(rota.present[pool])
        e = pool[p]
        if make == "ecommerce":
            cols = _ecommerce(world, rng, e, d)
        elif make == "chat":
            cols = _chat_desk(world, rng, e, d)
        else:
            cols = _phone(world, rng, e, d, handled[e, d], make == "hotline")
        parts.append((e, d, cols))
    paid = np.zeros((len(r), len(world.months)))  # the month's 实付金额 of each person
    for e, d, cols in parts:
        np.add.at(paid, (e, world.month_of_day[d]), cols.get("amount", 0))
    world.facts["paid"] = paid
    _write(world, parts)


def _write(world: World, parts: list) -> None:
    r = world.roster
    emp = np.concatenate([p[0] for p in parts])
    day = np.concatenate([p[1] for p in parts])

    def col(name: str) -> tuple[np.ndarray, np.ndarray]:
        vals = [p[2].get(name, np.zeros(len(p[0]))) for p in parts]
        mask = [np.full(len(p[0]), name not in p[2]) for p in parts]
        return np.concatenate(vals).astype(float), np.concatenate(mask)

    def c_int(name: str, zero: bool = False) -> pa.Array:
        v, m = col(name)
        return ints(v, mask=None if zero else m)

    amount, _ = col("amount")
    refund, _ = col("refund_amount")
    resp, resp_m = col("avg_response_s")
    conc, conc_m = col("concurrent")
    world.put(
        "sales",
        pa.table(
            {
                "employee_id": pick(r.ids, emp),
                "date": days32(world.days[day]),
                "inquiries": c_int("inquiries"),
                "buyers": c_int("buyers"),
                "orders": c_int("orders"),
                "paid_orders": c_int("paid_orders", zero=True),
                "amount": money(amount),
                "refunds": c_int("refunds", zero=True),
                "cross_sell": c_int("cross_sell", zero=True),
                "replied": c_int("replied"),
                "avg_response_s": duration(resp, mask=resp_m),
                "refund_amount": money(refund),
                "concurrent_avg": dec(conc, mask=conc_m),
            }
        ),
    )
