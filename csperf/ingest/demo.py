"""A realistic demo centre, generated deterministically from a seed.

Three departments (hotline 热线服务部, e-commerce 电商客服部, customer relations 客户关系部), teams
of 12–20 agents with a team leader, department managers and QC inspectors. Calls arrive by hour
of day and weekday (Poisson), wait according to the hour's load, are abandoned when the
caller's patience (exponential) runs out, have lognormal talk times, holds, wrap-up, transfers
and ratings; tickets carry a complaint share, tiers and response times; surveys have refusals;
QC samples have rechecks and test calls; attendance has lateness, leave, absences and shift swaps,
with handling time taken from the calls; e-commerce agents have daily sales; units have plans and
budgets; account managers own key customers, some of whom are lost.

Everything is vectorised with NumPy and written through :func:`csperf.ingest.importer.write_typed`
(same replace-by-key semantics as an import). The same seed, size and last month give the same
records, byte for byte.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from csperf.ingest.importer import write_typed
from csperf.ingest.schema import RECORD_TYPES
from csperf.ingest.store import Store
from csperf.metrics.periods import parse_period

DEPARTMENTS = [
    ("D1", "热线服务部", "话务员", 0.5),
    ("D2", "电商客服部", "电商客服", 0.3),
    ("D3", "客户关系部", "客户经理", 0.2),
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉建国亮晶丹婷雪琳欣怡浩宇子涵梓轩思雨佳琪文博"
HOUR_PROFILE = np.array(
    [
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0.6,
        1.0,
        1.25,
        1.2,
        0.8,
        0.85,
        1.15,
        1.2,
        1.05,
        0.9,
        0.6,
        0.45,
        0.35,
        0.25,
        0,
        0,
    ]
)
WEEKDAY_FACTOR = np.array([1.15, 1.05, 1.0, 1.0, 1.05, 0.7, 0.6])


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


def _name(rng: np.random.Generator) -> str:
    s = SURNAMES[rng.integers(len(SURNAMES))]
    g = "".join(GIVEN[i] for i in rng.integers(len(GIVEN), size=int(rng.integers(1, 3))))
    return s + g


def _ts(base: np.ndarray) -> pa.Array:
    """numpy datetime64[s] -> arrow timestamp (seconds); NaT becomes null."""
    return pa.array(base.astype("datetime64[s]"), type=pa.timestamp("us"), mask=np.isnat(base))


def _fast_decimal(
    ints: np.ndarray, scale: int, precision: int, mask: np.ndarray | None
) -> pa.Array:
    ints = np.round(np.asarray(ints, dtype=np.float64)).astype(np.int64)
    a = pa.array(ints, type=pa.int64(), mask=mask).cast(pa.decimal128(19, 0))
    return pc.multiply(
        a, pa.scalar(Decimal(1).scaleb(-scale), pa.decimal128(scale + 1, scale))
    ).cast(pa.decimal128(precision, scale))


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
    """Write a demo centre of `agents` agents over `months` months ending with month `until`."""
    import time

    t0 = time.perf_counter()
    if agents < 12:
        raise ValueError("--agents must be at least 12 (one team)")
    if not 1 <= months <= 60:
        raise ValueError("--months must be between 1 and 60")
    last = parse_period(until or last_full_month())
    y, m = last.start.year, last.start.month - (months - 1)
    while m < 1:
        y, m = y - 1, m + 12
    start_day = date(y, m, 1)
    end_day = last.end  # exclusive
    existing = sum(store.count(t) for t in RECORD_TYPES)
    if existing and not replace:
        raise FileExistsError(
            f"{store.where} already holds {existing} records; pass --replace to overwrite them"
        )
    if existing:
        for t in RECORD_TYPES:
            store.con.raw_sql(f'DELETE FROM "{t}"')
        store.con.raw_sql('DELETE FROM "_imports"')
    rng = np.random.default_rng(seed)
    say = progress or (lambda s: None)
    rows: dict[str, int] = {}

    def put(kind: str, tbl: pa.Table) -> None:
        say(f"{kind}: {tbl.num_rows} rows")
        write_typed(store, RECORD_TYPES[kind], [tbl], source=f"demo-data seed={seed}")
        rows[kind] = rows.get(kind, 0) + tbl.num_rows

    days = np.arange(np.datetime64(start_day), np.datetime64(end_day), dtype="datetime64[D]")
    n_days = len(days)
    weekday = ((days.astype("int64") + 3) % 7).astype(int)  # 1970-01-01 was a Thursday

    # ---------------------------------------------------------------- roster
    emp_rows: list[dict] = []
    dept_agents: dict[str, list[int]] = {}
    counts = [round(agents * share) for *_, share in DEPARTMENTS]
    counts[0] += agents - sum(counts)
    n = 0
    team_no = 0
    supervisors: dict[str, str] = {}
    for (dept, _dname, position, _), cnt in zip(DEPARTMENTS, counts, strict=True):
        manager = f"M{dept[1:]}"
        emp_rows.append(
            dict(
                id=manager,
                name=_name(rng),
                team=f"{dept}-MGT",
                department=dept,
                position="部门经理",
                supervisor=None,
                hired_at=date(2018, 3, 1),
                left_at=None,
            )
        )
        sizes: list[int] = []
        left = cnt
        while left > 0:
            s = int(rng.integers(12, 21))
            if left - s < 12 and left - s != 0:
                s = left if left <= 20 else left - 12
            sizes.append(s)
            left -= s
        dept_agents[dept] = []
        for s in sizes:
            team_no += 1
            team = f"T{team_no:02d}"
            sup = f"S{team_no:02d}"
            supervisors[team] = sup
            emp_rows.append(
                dict(
                    id=sup,
                    name=_name(rng),
                    team=team,
                    department=dept,
                    position="班长",
                    supervisor=manager,
                    hired_at=date(2019, 7, 1),
                    left_at=None,
                )
            )
            for _ in range(s):
                n += 1
                eid = f"E{n:04d}"
                hired = start_day - timedelta(days=int(rng.integers(60, 2000)))
                left_at = None
                r = rng.random()
                if r < 0.06:  # hired during the demo range
                    hired = start_day + timedelta(days=int(rng.integers(0, max(1, n_days - 30))))
                elif r < 0.12:  # left during the range
                    left_at = start_day + timedelta(days=int(rng.integers(30, max(31, n_days))))
                    left_at = min(left_at, end_day - timedelta(days=1))
                emp_rows.append(
                    dict(
                        id=eid,
                        name=_name(rng),
                        team=team,
                        department=dept,
                        position=position,
                        supervisor=sup,
                        hired_at=hired,
                        left_at=left_at,
                    )
                )
                dept_agents[dept].append(len(emp_rows) - 1)
    inspectors = []
    for i in range(max(2, agents // 40)):
        qid = f"Q{i + 1:02d}"
        emp_rows.append(
            dict(
                id=qid,
                name=_name(rng),
                team="QC",
                department="D1",
                position="质检员",
                supervisor="M1",
                hired_at=date(2020, 1, 1),
                left_at=None,
            )
        )
        inspectors.append(qid)
    emp_tbl = pa.Table.from_pylist(
        emp_rows,
        schema=pa.schema(
            [
                ("id", pa.string()),
                ("name", pa.string()),
                ("team", pa.string()),
                ("department", pa.string()),
                ("position", pa.string()),
                ("supervisor", pa.string()),
                ("hired_at", pa.date32()),
                ("left_at", pa.date32()),
            ]
        ),
    )
    put("employees", emp_tbl)
    ids = np.array([r["id"] for r in emp_rows])
    hired = np.array([np.datetime64(r["hired_at"]) for r in emp_rows], dtype="datetime64[D]")
    left = np.array(
        [
            np.datetime64(r["left_at"]) if r["left_at"] else np.datetime64("2999-12-31")
            for r in emp_rows
        ],
        dtype="datetime64[D]",
    )
    skill = rng.normal(1.0, 0.12, size=len(emp_rows)).clip(0.7, 1.4)

    def active_on(day_idx: np.ndarray, emp_idx: np.ndarray) -> np.ndarray:
        d = days[day_idx]
        return (hired[emp_idx] <= d) & (left[emp_idx] >= d)

    def pick_agents(pool: list[int], day_idx: np.ndarray) -> np.ndarray:
        """An active agent of `pool` for each event on day `day_idx` (weighted by skill)."""
        pool_a = np.array(pool)
        w = skill[pool_a] / skill[pool_a].sum()
        out = pool_a[rng.choice(len(pool_a), size=len(day_idx), p=w)]
        for _ in range(6):  # redraw the few picks of people not on the roster that day
            bad = ~active_on(day_idx, out)
            if not bad.any():
                break
            out[bad] = pool_a[rng.choice(len(pool_a), size=int(bad.sum()), p=w)]
        bad = ~active_on(day_idx, out)
        if bad.any():  # nobody active (tiny centres): give the call to the first active agent
            for i in np.nonzero(bad)[0]:
                act = pool_a[active_on(np.full(len(pool_a), day_idx[i]), pool_a)]
                out[i] = act[0] if len(act) else pool_a[0]
        return out

    # ---------------------------------------------------------------- calls
    hot = dept_agents["D1"]
    daily = len(hot) * 62.0
    lam = daily * np.outer(WEEKDAY_FACTOR[weekday], HOUR_PROFILE / HOUR_PROFILE.sum())
    lam *= rng.normal(1.0, 0.08, size=(n_days, 1)).clip(0.75, 1.3)
    per_cell = rng.poisson(lam)
    total = int(per_cell.sum())
    cell = np.repeat(np.arange(per_cell.size), per_cell.ravel())
    day_idx, hour = np.divmod(cell, 24)
    offered = (
        days[day_idx].astype("datetime64[s]")
        + hour * 3600
        + rng.integers(0, 3600, size=total).astype("timedelta64[s]")
    )
    order = np.argsort(offered, kind="stable")
    offered, day_idx, hour = offered[order], day_idx[order], hour[order]
    load = (lam / lam.max())[day_idx, hour]
    wait = rng.exponential(4 + 70 * load**3)
    patience = rng.exponential(75, size=total)
    blocked = rng.random(total) < 0.003
    timeout = ~blocked & (wait > 240) & (patience >= 240)
    abandoned = ~blocked & ~timeout & (patience < wait)
    answered = ~blocked & ~timeout & ~abandoned
    wait = np.where(abandoned, patience, np.where(timeout, 240, np.where(blocked, 0, wait)))
    agent_idx = pick_agents(hot, day_idx)
    talk = rng.lognormal(np.log(150), 0.55, size=total) * skill[agent_idx]
    hold = np.where(rng.random(total) < 0.18, rng.exponential(35, size=total), 0)
    wrap = rng.lognormal(np.log(14), 0.5, size=total) * skill[agent_idx]
    transferred = answered & (rng.random(total) < 0.06)
    rated = answered & (rng.random(total) < 0.42)
    rating = rng.choice([5, 4, 3, 2, 1], size=total, p=[0.58, 0.24, 0.09, 0.05, 0.04])
    rating = np.where(
        skill[agent_idx] < 0.85, np.maximum(1, rating - (rng.random(total) < 0.2)), rating
    )
    outbound = rng.random(total) < 0.08
    out_res = rng.choice(["connected", "no_answer", "busy"], size=total, p=[0.62, 0.3, 0.08])
    outcome = np.where(
        outbound,
        out_res,
        np.where(
            answered,
            "answered",
            np.where(abandoned, "abandoned", np.where(timeout, "timeout", "blocked")),
        ),
    )
    has_agent = np.where(outbound, True, answered)
    is_answered = np.where(outbound, out_res == "connected", answered)
    wait = np.where(outbound, 0, wait)
    # most callers are new; about a fifth call again within a day or two (repeat contacts)
    customer = np.arange(total, dtype=np.int64)
    again = rng.random(total) < 0.2
    back = rng.integers(1, max(2, int(daily * 1.5)), size=total)
    src = np.maximum(0, np.arange(total) - back)
    customer[again] = src[again]
    for _ in range(3):  # follow chains so a repeat points at the first call's customer
        customer = customer[customer]
    tier = np.where(customer % 10 == 0, "vip", "normal")
    answered_at = offered + np.round(wait).astype("timedelta64[s]")
    talk_s = np.where(is_answered, np.round(talk), 0)
    hold_s = np.where(is_answered, np.round(hold), 0)
    wrap_s = np.where(is_answered, np.round(wrap), 0)
    ended = answered_at + (talk_s + hold_s).astype("timedelta64[s]")
    nat = np.datetime64("NaT")
    calls = pa.table(
        {
            "call_id": pa.array(np.char.add("C", np.arange(1, total + 1).astype(str))),
            "direction": pa.array(np.where(outbound, "outbound", "inbound")),
            "queue": pa.array(
                np.where(tier == "vip", "VIP", np.where(hour < 12, "HOT-AM", "HOT-PM"))
            ),
            "agent_id": pa.array(ids[agent_idx], mask=~has_agent),
            "customer_id": pa.array(np.char.add("K", customer.astype(str))),
            "customer_tier": pa.array(tier),
            "offered_at": _ts(offered),
            "answered_at": _ts(np.where(is_answered, answered_at, nat)),
            "ended_at": _ts(
                np.where(is_answered, ended, offered + np.round(wait).astype("timedelta64[s]"))
            ),
            "wait_s": _fast_decimal(np.round(wait * 1000).astype(np.int64), 3, 14, None),
            "talk_s": _fast_decimal((talk_s * 1000).astype(np.int64), 3, 14, None),
            "hold_s": _fast_decimal((hold_s * 1000).astype(np.int64), 3, 14, None),
            "wrap_s": _fast_decimal((wrap_s * 1000).astype(np.int64), 3, 14, None),
            "outcome": pa.array(outcome),
            "transferred": pa.array(transferred & ~outbound),
            "rating": pa.array(rating.astype(np.int64), mask=~(rated & ~outbound)),
            "ring_no_answer": pa.array((rng.random(total) < 0.02).astype(np.int64)),
        }
    )
    put("calls", calls)
    # handling time per agent-day, for attendance
    handle = np.zeros((len(emp_rows), n_days))
    np.add.at(
        handle, (agent_idx[has_agent], day_idx[has_agent]), (talk_s + hold_s + wrap_s)[has_agent]
    )

    # ---------------------------------------------------------------- attendance
    staff = np.array([i for i, r in enumerate(emp_rows)])
    e_i, d_i = np.meshgrid(staff, np.arange(n_days), indexing="ij")
    e_i, d_i = e_i.ravel(), d_i.ravel()
    keep = active_on(d_i, e_i)
    e_i, d_i = e_i[keep], d_i[keep]
    offset = e_i % 7
    scheduled = ((d_i + offset) % 7) < 5
    m_ = len(e_i)
    late = np.where(scheduled & (rng.random(m_) < 0.012), rng.geometric(0.18, size=m_), 0)
    early = np.where(scheduled & (rng.random(m_) < 0.005), rng.geometric(0.25, size=m_), 0)
    absent = scheduled & (rng.random(m_) < 0.003)
    leave = np.where(
        scheduled & ~absent & (rng.random(m_) < 0.01),
        rng.choice([0.5, 1.0], size=m_, p=[0.3, 0.7]),
        0,
    )
    swaps = (scheduled & (rng.random(m_) < 0.02)).astype(np.int64)
    worked = scheduled & ~absent & (leave < 1)
    logged = np.where(
        worked,
        8 * 3600 - late * 60 - early * 60 - leave * 4 * 3600 - rng.integers(0, 1800, size=m_),
        0,
    ).clip(0)
    handling = np.minimum(handle[e_i, d_i], logged)
    is_hot = np.isin(e_i, hot)
    handling = np.where(is_hot, handling, np.round(logged * rng.uniform(0.55, 0.8, size=m_)))
    att = pa.table(
        {
            "employee_id": pa.array(ids[e_i]),
            "date": pa.array(days[d_i]),
            "scheduled": pa.array(scheduled),
            "late_minutes": _fast_decimal(late * 1000, 3, 18, None),
            "early_minutes": _fast_decimal(early * 1000, 3, 18, None),
            "absent": pa.array(absent),
            "leave_days": _fast_decimal(np.round(leave * 1000).astype(np.int64), 3, 18, None),
            "shift_swaps": pa.array(swaps),
            "logged_in_s": _fast_decimal((logged * 1000).astype(np.int64), 3, 14, ~worked),
            "busy_s": _fast_decimal(
                (np.round(logged * 0.05) * 1000).astype(np.int64), 3, 14, ~worked
            ),
            "handling_s": _fast_decimal((handling * 1000).astype(np.int64), 3, 14, ~worked),
        }
    )
    put("attendance", att)

    # ---------------------------------------------------------------- tickets
    per_agent_day = {"D1": 2.0, "D2": 9.0, "D3": 5.0}
    t_agent, t_day = [], []
    for dept, rate in per_agent_day.items():
        pool = np.array(dept_agents[dept])
        e2, d2 = np.meshgrid(pool, np.arange(n_days), indexing="ij")
        e2, d2 = e2.ravel(), d2.ravel()
        ok = active_on(d2, e2) & (weekday[d2] < 6)
        k = rng.poisson(rate, size=ok.sum())
        t_agent.append(np.repeat(e2[ok], k))
        t_day.append(np.repeat(d2[ok], k))
    ta, td = np.concatenate(t_agent), np.concatenate(t_day)
    nt = len(ta)
    ttype = rng.choice(
        ["inquiry", "complaint", "request", "feedback"], size=nt, p=[0.55, 0.1, 0.25, 0.1]
    )
    ttier = np.where(rng.random(nt) < 0.12, "vip", "normal")
    created = days[td].astype("datetime64[s]") + rng.integers(8 * 3600, 21 * 3600, size=nt).astype(
        "timedelta64[s]"
    )
    resp_min = rng.lognormal(np.log(np.where(ttier == "vip", 7, 25)), 0.8) * skill[ta]
    first_resp = created + np.round(resp_min * 60).astype("timedelta64[s]")
    resolved_ok = rng.random(nt) < 0.93
    res_h = rng.lognormal(np.log(np.where(ttype == "complaint", 20, 6)), 0.9)
    resolved = created + np.round(res_h * 3600).astype("timedelta64[s]")
    closed = resolved + rng.integers(3600, 3 * 86400, size=nt).astype("timedelta64[s]")
    fcr = resolved_ok & (
        rng.random(nt) < np.where(ttype == "complaint", 0.45, 0.78) / skill[ta] * 1.0
    )
    excl = rng.random(nt)
    exclusion = np.where(
        excl < 0.02, "system failure", np.where(excl < 0.035, "cross-department", "")
    )
    due = np.where(
        np.isin(ttype, ["complaint", "feedback"]), created + np.timedelta64(48 * 3600, "s"), nat
    )
    fwd = rng.random(nt) < 0.15
    forwarded = np.where(
        fwd, created + rng.integers(60, 3600, size=nt).astype("timedelta64[s]"), nat
    )
    sat_given = resolved_ok & (rng.random(nt) < 0.5)
    kn_used = rng.random(nt) < 0.4
    tickets = pa.table(
        {
            "ticket_id": pa.array(np.char.add("W", np.arange(1, nt + 1).astype(str))),
            "type": pa.array(ttype),
            "channel": pa.array(rng.choice(["phone", "web", "app", "wechat"], size=nt)),
            "customer_tier": pa.array(ttier),
            "agent_id": pa.array(ids[ta]),
            "created_at": _ts(created),
            "first_response_at": _ts(first_resp),
            "resolved_at": _ts(np.where(resolved_ok, resolved, nat)),
            "closed_at": _ts(np.where(resolved_ok, closed, nat)),
            "reopen_count": pa.array(
                np.where(resolved_ok & (rng.random(nt) < 0.05), 1, 0).astype(np.int64)
            ),
            "first_contact_resolved": pa.array(fcr),
            "exclusion_reason": pa.array(exclusion, mask=exclusion == ""),
            "due_at": _ts(due),
            "forwarded_at": _ts(forwarded),
            "satisfaction": pa.array(
                rng.choice([5, 4, 3, 2, 1], size=nt, p=[0.5, 0.27, 0.12, 0.06, 0.05]).astype(
                    np.int64
                ),
                mask=~sat_given,
            ),
            "info_error": pa.array(rng.random(nt) < 0.02),
            "knowledge_used": pa.array(kn_used),
            "knowledge_matched": pa.array(kn_used & (rng.random(nt) < 0.86), mask=~kn_used),
            "script_violations": pa.array((rng.random(nt) < 0.03).astype(np.int64)),
        }
    )
    put("tickets", tickets)

    # ---------------------------------------------------------------- surveys
    ans_idx = np.nonzero(answered & ~outbound & (rng.random(total) < 0.06))[0]
    ns = len(ans_idx)
    status = rng.choice(["completed", "refused", "unreachable"], size=ns, p=[0.68, 0.14, 0.18])
    base_score = np.clip(rating[ans_idx] + rng.choice([-1, 0, 0, 0, 1], size=ns), 1, 5)
    nps_v = np.clip(np.round(base_score * 2 + rng.normal(0, 1.2, size=ns)), 0, 10).astype(np.int64)
    kinds = np.where(rng.random(ns) < 0.5, "csat", "nps")
    done_ = status == "completed"
    surveyed = offered[ans_idx] + rng.integers(3600, 2 * 86400, size=ns).astype("timedelta64[s]")
    # callbacks by customer relations, with the dealer CS questionnaire
    cr = np.array(dept_agents["D3"])
    e3, d3 = np.meshgrid(cr, np.arange(n_days), indexing="ij")
    e3, d3 = e3.ravel(), d3.ravel()
    ok = active_on(d3, e3) & (weekday[d3] < 5)
    k = rng.poisson(6, size=ok.sum())
    cb_agent, cb_day = np.repeat(e3[ok], k), np.repeat(d3[ok], k)
    nc = len(cb_agent)
    cb_status = rng.choice(["completed", "refused", "unreachable"], size=nc, p=[0.76, 0.08, 0.16])
    labels = np.array(["很好", "比较满意", "一般", "基本满意", "不满意", "投诉"])
    lab_p = [0.42, 0.3, 0.12, 0.1, 0.05, 0.01]
    qa = rng.choice(len(labels), size=(nc, 4), p=lab_p)
    label_score = np.array([100, 100, 75, 75, 25, 0])
    cs = label_score[qa].sum(axis=1) * 0.25
    answers = [
        json.dumps({f"q{j + 1}": labels[qa[i, j]] for j in range(4)}, ensure_ascii=False)
        if cb_status[i] == "completed"
        else None
        for i in range(nc)
    ]
    cb_time = days[cb_day].astype("datetime64[s]") + rng.integers(
        9 * 3600, 18 * 3600, size=nc
    ).astype("timedelta64[s]")
    cb_cust = rng.integers(0, max(1, len(cr) * 100), size=nc)
    # collaboration surveys about team leaders and managers, a few a month each
    leaders = np.array([i for i, r in enumerate(emp_rows) if r["position"] in ("班长", "部门经理")])
    nl = len(leaders) * 4 * months
    col_who = leaders[rng.integers(len(leaders), size=nl)]
    col_day = rng.integers(0, n_days, size=nl)
    col_time = days[col_day].astype("datetime64[s]") + np.timedelta64(10 * 3600, "s")
    col_score = rng.choice([5, 4, 3, 2], size=nl, p=[0.45, 0.4, 0.1, 0.05])
    surveys = pa.table(
        {
            "survey_id": pa.array(
                np.concatenate(
                    [
                        np.char.add("V", np.arange(1, ns + 1).astype(str)),
                        np.char.add("B", np.arange(1, nc + 1).astype(str)),
                    ]
                )
            ),
            "kind": pa.array(np.concatenate([kinds, np.full(nc, "callback")])),
            "agent_id": pa.array(np.concatenate([ids[agent_idx[ans_idx]], ids[cb_agent]])),
            "interaction_id": pa.array(
                np.concatenate([np.char.add("C", (ans_idx + 1).astype(str)), np.full(nc, "")]),
                mask=np.concatenate([np.zeros(ns, bool), np.ones(nc, bool)]),
            ),
            "customer_id": pa.array(
                np.concatenate(
                    [
                        np.char.add("K", customer[ans_idx].astype(str)),
                        np.char.add("A", cb_cust.astype(str)),
                    ]
                )
            ),
            "customer_tier": pa.array(
                np.concatenate([tier[ans_idx], np.where(cb_cust % 3 == 0, "vip", "key")])
            ),
            "surveyed_at": _ts(np.concatenate([surveyed, cb_time])),
            "status": pa.array(np.concatenate([status, cb_status])),
            "score": _fast_decimal(
                np.concatenate([base_score * 1000, np.zeros(nc)]).astype(np.int64),
                3,
                18,
                np.concatenate([~done_ | (kinds != "csat"), np.ones(nc, bool)]),
            ),
            "nps": pa.array(
                np.concatenate([nps_v, np.zeros(nc, np.int64)]),
                mask=np.concatenate([~done_ | (kinds != "nps"), np.ones(nc, bool)]),
            ),
            "answers": pa.array([None] * ns + answers, pa.string()),
            "cs_score": _fast_decimal(
                np.concatenate([np.zeros(ns), cs * 1000]).astype(np.int64),
                3,
                18,
                np.concatenate([np.ones(ns, bool), cb_status != "completed"]),
            ),
        }
    )
    put("surveys", surveys)
    put(
        "surveys",
        pa.table(
            {
                "survey_id": pa.array(np.char.add("X", np.arange(1, nl + 1).astype(str))),
                "kind": pa.array(np.full(nl, "collaboration")),
                "agent_id": pa.array(ids[col_who]),
                "surveyed_at": _ts(col_time),
                "status": pa.array(np.where(rng.random(nl) < 0.9, "completed", "refused")),
                "score": _fast_decimal(col_score * 1000, 3, 18, None),
            }
        ),
    )

    # ---------------------------------------------------------------- QC
    qc_n = len(hot) * 6 * months
    pick = rng.choice(
        np.nonzero(answered & ~outbound)[0], size=min(qc_n, int(answered.sum())), replace=False
    )
    pick.sort()
    nq = len(pick)
    qscore = np.clip(np.round(rng.normal(86, 6, size=nq) * skill[agent_idx[pick]] ** 0.5), 40, 100)
    recheck = rng.random(nq) < 0.12
    rscore = np.clip(qscore + np.round(rng.normal(0, 3, size=nq)), 0, 100)
    fatal = rng.random(nq) < 0.012
    insp = np.array(inspectors)[rng.integers(len(inspectors), size=nq)]
    reviewed = offered[pick] + rng.integers(86400, 5 * 86400, size=nq).astype("timedelta64[s]")
    reviewed = np.minimum(
        reviewed, np.datetime64(end_day).astype("datetime64[s]") - np.timedelta64(1, "s")
    )
    tc_n = len(inspectors) * 25 * months
    tc_day = rng.integers(0, n_days, size=tc_n)
    tc_agent = pick_agents(hot, tc_day)
    tc_origin = rng.choice(["internal", "third_party", "group"], size=tc_n, p=[0.6, 0.25, 0.15])
    tc_score = np.clip(np.round(rng.normal(9.0, 0.5, size=tc_n), 1), 5, 10)
    qc = pa.table(
        {
            "review_id": pa.array(
                np.concatenate(
                    [
                        np.char.add("R", np.arange(1, nq + 1).astype(str)),
                        np.char.add("P", np.arange(1, tc_n + 1).astype(str)),
                    ]
                )
            ),
            "interaction_id": pa.array(
                np.concatenate([np.char.add("C", (pick + 1).astype(str)), np.full(tc_n, "")]),
                mask=np.concatenate([np.zeros(nq, bool), np.ones(tc_n, bool)]),
            ),
            "agent_id": pa.array(np.concatenate([ids[agent_idx[pick]], ids[tc_agent]])),
            "inspector_id": pa.array(
                np.concatenate(
                    [insp, np.array(inspectors)[rng.integers(len(inspectors), size=tc_n)]]
                )
            ),
            "reviewed_at": _ts(
                np.concatenate(
                    [
                        reviewed,
                        days[tc_day].astype("datetime64[s]")
                        + rng.integers(9 * 3600, 18 * 3600, size=tc_n).astype("timedelta64[s]"),
                    ]
                )
            ),
            "score": _fast_decimal(np.concatenate([qscore, tc_score]) * 1000, 3, 18, None),
            "max_score": _fast_decimal(
                np.concatenate([np.full(nq, 100.0), np.full(tc_n, 10.0)]) * 1000, 3, 18, None
            ),
            "fatal": pa.array(np.concatenate([fatal, np.zeros(tc_n, bool)])),
            "recheck_score": _fast_decimal(
                np.concatenate([rscore, np.zeros(tc_n)]) * 1000,
                3,
                18,
                np.concatenate([~recheck, np.ones(tc_n, bool)]),
            ),
            "kind": pa.array(np.concatenate([np.full(nq, "review"), np.full(tc_n, "test_call")])),
            "origin": pa.array(np.concatenate([np.full(nq, "internal"), tc_origin])),
        }
    )
    put("qc_reviews", qc)

    # ---------------------------------------------------------------- incidents
    everyone = np.array([i for i, r in enumerate(emp_rows) if r["position"] not in ("部门经理",)])
    kinds_p = {
        "praise_letter": 0.05,
        "praise_department": 0.03,
        "praise_company": 0.01,
        "praise_media": 0.003,
        "complaint_valid": 0.02,
        "complaint_general": 0.04,
        "complaint_repeat": 0.005,
        "service_error": 0.03,
        "work_error": 0.04,
        "violation": 0.01,
        "untrue_report": 0.003,
        "suggestion_adopted": 0.02,
        "extra_duty": 0.05,
        "audit_correction": 0.01,
        "submission": 0.01,
    }
    points = {
        "praise_letter": 1,
        "praise_department": 2,
        "praise_company": 3,
        "praise_media": 5,
        "complaint_valid": -5,
        "complaint_general": -2,
        "complaint_repeat": -5,
        "service_error": -2,
        "work_error": -1,
        "violation": -5,
        "untrue_report": -2,
        "suggestion_adopted": 2,
        "extra_duty": 2,
        "audit_correction": -3,
        "submission": 1,
    }
    inc_emp, inc_kind, inc_time = [], [], []
    month_starts = [
        parse_period(
            f"{(start_day.year * 12 + start_day.month - 1 + i) // 12:04d}-"
            f"{(start_day.month - 1 + i) % 12 + 1:02d}"
        )
        for i in range(months)
    ]
    for per in month_starts:
        for kind, p in kinds_p.items():
            k = rng.poisson(p, size=len(everyone))
            who = np.repeat(everyone, k)
            when = np.datetime64(per.start).astype("datetime64[s]") + rng.integers(
                0, per.days * 86400, size=len(who)
            ).astype("timedelta64[s]")
            ok = (hired[who] <= when.astype("datetime64[D]")) & (
                left[who] >= when.astype("datetime64[D]")
            )
            inc_emp.append(who[ok])
            inc_kind.append(np.full(ok.sum(), kind))
            inc_time.append(when[ok])
    ie, ik, it = np.concatenate(inc_emp), np.concatenate(inc_kind), np.concatenate(inc_time)
    ni = len(ie)
    incidents = pa.table(
        {
            "incident_id": pa.array(np.char.add("I", np.arange(1, ni + 1).astype(str))),
            "employee_id": pa.array(ids[ie]),
            "occurred_at": _ts(it),
            "kind": pa.array(ik),
            "points": _fast_decimal(
                np.array([points[x] for x in ik], dtype=np.int64) * 1000, 3, 18, None
            ),
            "note": pa.array(np.full(ni, "演示数据")),
        }
    )
    put("incidents", incidents)

    # ---------------------------------------------------------------- sales
    ec = np.array(dept_agents["D2"])
    e4, d4 = np.meshgrid(ec, np.arange(n_days), indexing="ij")
    e4, d4 = e4.ravel(), d4.ravel()
    ok = active_on(d4, e4) & scheduled_like(e4, d4)
    e4, d4 = e4[ok], d4[ok]
    ns4 = len(e4)
    inquiries = rng.poisson(55 * WEEKDAY_FACTOR[weekday[d4]])
    conv = np.clip(0.58 * skill[e4] + rng.normal(0, 0.05, size=ns4), 0.2, 0.9)
    buyers = rng.binomial(inquiries, conv)
    orders = buyers + rng.binomial(buyers, 0.12)
    paid = rng.binomial(orders, 0.9)
    amount = np.round(paid * rng.lognormal(np.log(160), 0.25, size=ns4) * skill[e4], 2)
    sales = pa.table(
        {
            "employee_id": pa.array(ids[e4]),
            "date": pa.array(days[d4]),
            "inquiries": pa.array(inquiries.astype(np.int64)),
            "buyers": pa.array(buyers.astype(np.int64)),
            "orders": pa.array(orders.astype(np.int64)),
            "paid_orders": pa.array(paid.astype(np.int64)),
            "amount": _fast_decimal(np.round(amount * 100).astype(np.int64), 2, 18, None),
            "refunds": pa.array(rng.binomial(paid, 0.03).astype(np.int64)),
            "cross_sell": pa.array(rng.binomial(paid, 0.12).astype(np.int64)),
            "replied": pa.array(
                np.minimum(inquiries, rng.binomial(inquiries, 0.985)).astype(np.int64)
            ),
            "avg_response_s": _fast_decimal(
                np.round(rng.lognormal(np.log(22), 0.3, size=ns4) / skill[e4] * 1000).astype(
                    np.int64
                ),
                3,
                14,
                None,
            ),
        }
    )
    put("sales", sales)

    # ---------------------------------------------------------------- plans
    units = sorted({r["team"] for r in emp_rows if r["team"].startswith("T")}) + [
        d for d, *_ in DEPARTMENTS
    ]
    managers = {d: f"M{d[1:]}" for d, *_ in DEPARTMENTS}
    plan_rows = []
    plan_specs = {
        "work_plan": (100, 0.85, 1.1),
        "budget": (200_000, 0.85, 1.05),
        "process_improvement": (10, 0.6, 1.1),
        "survey_plan": (400, 0.8, 1.05),
        "training": (20, 0.8, 1.0),
        "certification": (30, 0.6, 1.0),
        "standard_execution": (100, 0.85, 1.0),
        "improvement_proposals": (5, 0.4, 1.6),
        "cost": (450_000, 0.9, 1.1),
        "fee_collection": (1_000_000, 0.9, 1.0),
        "facility": (500, 0.95, 1.0),
    }
    for per in month_starts:
        for unit in [*units, "center", *managers.values()]:
            for code, (planned, lo, hi) in plan_specs.items():
                if unit.startswith("T") and code in ("cost", "budget", "survey_plan"):
                    continue
                actual = round(
                    planned * float(rng.uniform(lo, hi)), 2 if code in ("budget", "cost") else 0
                )
                plan_rows.append(
                    dict(
                        org_unit=unit,
                        period=per.label,
                        plan_code=code,
                        planned=Decimal(planned),
                        actual=Decimal(str(actual)),
                        period_start=per.start,
                        period_end=per.end,
                    )
                )
    plans = pa.Table.from_pylist(
        plan_rows,
        schema=pa.schema(
            [
                ("org_unit", pa.string()),
                ("period", pa.string()),
                ("plan_code", pa.string()),
                ("planned", pa.decimal128(18, 3)),
                ("actual", pa.decimal128(18, 3)),
                ("period_start", pa.date32()),
                ("period_end", pa.date32()),
            ]
        ),
    )
    put("plans", plans)

    # ---------------------------------------------------------------- customers
    nk = len(cr) * 100
    owner = np.repeat(cr, 100)
    acquired = np.datetime64(start_day) - rng.integers(30, 1500, size=nk).astype("timedelta64[D]")
    lost = rng.random(nk) < (0.015 * months)
    lost_at = np.datetime64(start_day) + rng.integers(0, n_days, size=nk).astype("timedelta64[D]")
    customers = pa.table(
        {
            "customer_id": pa.array(np.char.add("A", np.arange(nk).astype(str))),
            "tier": pa.array(np.where(np.arange(nk) % 3 == 0, "vip", "key")),
            "owner_id": pa.array(ids[owner]),
            "acquired_at": pa.array(acquired),
            "lost_at": pa.array(np.where(lost, lost_at, np.datetime64("NaT")), type=pa.date32()),
            "lost_reason": pa.array(
                np.where(lost, rng.choice(["价格", "服务", "搬迁", "竞争对手"], size=nk), ""),
                mask=~lost,
            ),
        }
    )
    put("customers", customers)
    return DemoResult(
        len(emp_rows),
        months,
        start_day,
        end_day - timedelta(days=1),
        rows,
        time.perf_counter() - t0,
    )


def scheduled_like(e: np.ndarray, d: np.ndarray) -> np.ndarray:
    """The same 5-in-7 rota as attendance."""
    return ((d + e % 7) % 7) < 5


__all__ = ["DemoResult", "generate_demo", "last_full_month"]
