"""Surveys (回访调研): satisfaction and NPS after calls and tickets, callbacks, the 4S dealer
questionnaires, collaboration ratings, awareness of the account manager, and the second survey
of complainants.

Customers refuse or cannot be reached on part of the attempts. 电话专员 and 客户服务专员 call
their own customers back, and a supervisor spot-checks some completed callbacks (verified). The
dealer's callbacks answer q1–q4 (sales: 销售顾问) or q1–q6 (service: 服务顾问, with the workshop
crews of the job in crew_ids). Every person whose card reads a survey figure gets at least a few
completed surveys of that kind each month they work.
"""

from __future__ import annotations

import json

import numpy as np
import pyarrow as pa

from csperf.ingest.demo.core import World, bools, dec, ints, per_present_day, strs, top_up, ts

STATUS = np.array(["completed", "refused", "unreachable"])
LABELS = np.array([100, 100, 75, 75, 25, 0])  # 很好 比较满意 一般 基本满意 不满意 投诉
LABEL_P = [0.45, 0.3, 0.11, 0.09, 0.04, 0.01]
CSAT_NEED = (
    "呼叫中心坐席", "客户服务专员", "客服管理岗", "呼叫中心经理", "客服部经理", "客服部门(上线期)",
    "呼叫中心事业部", "电商销售客服", "电话经理", "客户经理",
)  # fmt: skip
COLLABORATION = (
    "客服部经理",
    "客服管理岗",
    "呼叫中心经理",
    "班长",
    "电话经理",
    "客户经理",
    "客服主管",
)
NONE = np.array([], dtype=np.int64)


class _Out:
    """Survey rows of every stream, written at once."""

    def __init__(self) -> None:
        self.chunks: list[dict[str, np.ndarray]] = []
        self.n = 0

    def add(self, prefix: str, **cols: np.ndarray) -> None:
        n = len(cols["agent"])
        cols["survey_id"] = np.char.add(prefix, np.arange(self.n + 1, self.n + n + 1).astype(str))
        self.n += n
        self.chunks.append(cols)

    def col(self, k: str) -> np.ndarray:
        parts = [
            np.asarray(c[k], dtype=object)
            if k in c
            else np.full(len(c["agent"]), None, dtype=object)
            for c in self.chunks
        ]
        return np.concatenate(parts)


def _status(rng, n: int, done: float = 0.7) -> np.ndarray:
    rest = (1 - done) / 2
    return STATUS[rng.choice(3, size=n, p=[done, rest * 0.9, rest * 1.1])]


def _scores(rng, n: int, base: np.ndarray | None = None) -> np.ndarray:
    s = rng.choice([5, 4, 3, 2, 1], size=n, p=[0.5, 0.3, 0.11, 0.05, 0.04])
    if base is not None:
        s = np.where(base > 0, np.clip(base + rng.choice([-1, 0, 0, 0, 1], size=n), 1, 5), s)
    return s


def _owned(world: World, rng, emp: np.ndarray, day: np.ndarray, key_only: bool = False):
    """A customer of each employee's book, held on that day where possible (None: no book)."""
    c = world.customers
    idx = np.nonzero(c["tier"] != "normal")[0] if key_only else np.arange(len(c["id"]))
    order = np.argsort(c["owner"][idx], kind="stable")
    idx = idx[order]
    owners = c["owner"][idx]
    lo = np.searchsorted(owners, emp, "left")
    cnt = np.searchsorted(owners, emp, "right") - lo
    pick = np.full(len(emp), -1)
    has = cnt > 0
    for attempt in range(8):
        need = has & (pick < 0)
        if not need.any():
            break
        cand = idx[lo[need] + (rng.random(int(need.sum())) * cnt[need]).astype(int)]
        d = world.days[day[need]]
        ok = (c["acquired"][cand] <= d) & (np.isnat(c["lost"][cand]) | (c["lost"][cand] > d))
        got = pick[need]
        got[ok | (attempt == 7)] = cand[ok | (attempt == 7)]
        pick[need] = got
    ids = np.where(pick >= 0, c["id"][np.maximum(pick, 0)], None).astype(object)
    tiers = np.where(pick >= 0, c["tier"][np.maximum(pick, 0)], "normal").astype(object)
    return ids, tiers


def _after_interactions(world: World, rng, out: _Out) -> None:
    calls, tickets = world.calls, world.tickets
    c_emp, c_ans = calls.col("emp"), calls.col("answered").astype(bool)
    pick = np.nonzero(c_ans & (c_emp >= 0) & (rng.random(len(c_emp)) < 0.05))[0]
    t_emp, t_res = tickets.col("emp"), tickets.col("resolved").astype(bool)
    tpick = np.nonzero(t_res & (rng.random(len(t_emp)) < 0.08))[0]
    emp = np.concatenate([c_emp[pick], t_emp[tpick]]).astype(np.int64)
    at = np.concatenate([calls.col("at")[pick], tickets.col("at")[tpick]])
    n = len(emp)
    base = np.concatenate([calls.col("rating")[pick], np.zeros(len(tpick), np.int64)])
    status = _status(rng, n, 0.68)
    kind = np.where(rng.random(n) < 0.55, "csat", "nps")
    score = _scores(rng, n, base)
    nps = np.clip(np.round(score * 2 + rng.normal(0, 1.3, size=n)), 0, 10).astype(np.int64)
    done = status == "completed"
    out.add(
        "V",
        kind=kind,
        agent=emp,
        interaction=np.concatenate([calls.names(pick), tickets.names(tpick)]),
        customer=np.concatenate(
            [np.char.add("K", calls.col("customer")[pick].astype(str)), np.full(len(tpick), None)]
        ),
        tier=np.concatenate(
            [np.where(calls.col("vip")[pick], "vip", "normal"), np.full(len(tpick), "normal")]
        ),
        at=at + rng.integers(3600, 2 * 86400, size=n).astype("timedelta64[s]"),
        status=status,
        score=np.where(done & (kind == "csat"), score, None),
        nps=np.where(done & (kind == "nps"), nps, None),
    )


def _guaranteed(world: World, rng, out: _Out, positions, kind: str, need: int, prefix: str) -> None:
    """``need`` completed surveys of ``kind`` a month for each person of ``positions`` (about
    their own customers where they keep a book)."""
    pool = world.roster.idx(*positions)
    e, d = top_up(world, rng, pool, NONE, NONE, need, world.rota.present)
    n = len(e)
    customer, tier = _owned(world, rng, e, d)
    score = _scores(rng, n)
    if kind == "awareness":
        score = (rng.random(n) < 0.86).astype(int)
    nps = np.clip(np.round(score * 2 + rng.normal(0, 1.2, size=n)), 0, 10).astype(np.int64)
    out.add(
        prefix,
        kind=np.full(n, kind),
        agent=e,
        customer=customer,
        tier=tier,
        at=world.day_times(rng, d, 9, 20),
        status=np.full(n, "completed"),
        score=np.where(kind == "nps", None, score),
        nps=np.where(kind == "nps", nps, None),
    )


def _callbacks(world: World, rng, out: _Out) -> None:
    r = world.roster
    e, d = per_present_day(world, rng, r.idx("电话专员", "客户服务专员"), 6.0)
    n = len(e)
    key = r.position[e] == "电话专员"  # 电话专员 call back their 重点 customers
    customer, tier = _owned(world, rng, e, d)
    customer[key], tier[key] = _owned(world, rng, e[key], d[key], key_only=True)
    status = _status(rng, n, 0.76)
    done = status == "completed"
    checked = done & (rng.random(n) < 0.2)
    world.facts["callbacks"] = (e, d, customer)  # the callback plans are made from them
    out.add(
        "B",
        kind=np.full(n, "callback"),
        agent=e,
        customer=customer,
        tier=tier,
        at=world.day_times(rng, d, 9, 19),
        status=status,
        score=np.where(done, _scores(rng, n), None),
        verified=np.where(checked, rng.random(n) < 0.94, None),
    )


def _dealer(world: World, rng, out: _Out, position: str, rate: float, q: int) -> None:
    """4S callbacks: 销售顾问 q1–q4; 服务顾问 q1–q6 with the crews of the job (every crew is
    on a few called-back jobs a month)."""
    r = world.roster
    pool, crews = r.idx(position), r.idx("维修车间")
    e, d = per_present_day(world, rng, pool, rate)
    ge, gd = top_up(world, rng, pool, NONE, NONE, 3, world.rota.present)
    crew_e, crew_d = (NONE, NONE)
    if q == 6 and len(crews):
        crew_e, crew_d = top_up(world, rng, crews, NONE, NONE, 2, world.rota.present)
    sa = pool[rng.integers(len(pool), size=len(crew_e))]
    emp, day = np.concatenate([e, ge, sa]), np.concatenate([d, gd, crew_d])
    n = len(emp)
    forced = np.arange(n) >= len(e)
    crew = np.full(n, None, dtype=object)
    if q == 6:
        one = r.ids[crews[rng.integers(len(crews), size=n)]]
        two = r.ids[crews[rng.integers(len(crews), size=n)]]
        both = (rng.random(n) < 0.3) & (one != two)
        crew[:] = np.where(both, np.char.add(np.char.add(one, ","), two), one)
        crew[n - len(crew_e) :] = r.ids[crew_e]
    status = np.where(forced, "completed", _status(rng, n, 0.8))
    done = status == "completed"
    ans = LABELS[rng.choice(len(LABELS), size=(n, q), p=LABEL_P)]
    text = [
        json.dumps({f"q{j + 1}": int(a[j]) for j in range(q)}) if ok else None
        for a, ok in zip(ans, done, strict=True)
    ]
    out.add(
        "D" if q == 4 else "S",
        kind=np.full(n, "callback"),
        agent=emp,
        customer=np.char.add("车主", rng.integers(10000, 99999, size=n).astype(str)),
        tier=np.full(n, "normal"),
        at=world.day_times(rng, day, 9, 19),
        status=status,
        answers=np.array(text, dtype=object),
        cs_score=np.where(done, ans[:, :4].sum(axis=1) * 0.25, None),
        crew_ids=crew,
        **{f"q{j + 1}": np.where(done, ans[:, j], None) for j in range(q)},
    )


def _complaint_repair(world: World, rng, out: _Out) -> None:
    t = world.tickets
    emp, ttype, res = t.col("emp").astype(np.int64), t.col("type"), t.col("resolved").astype(bool)
    desk = world.roster.position[emp] == "信用卡中心客服"
    pick = np.nonzero(desk & (ttype == "complaint") & res)[0]
    n = len(pick)
    status = _status(rng, n, 0.7)
    out.add(
        "R",
        kind=np.full(n, "complaint_repair"),
        agent=emp[pick],
        interaction=t.names(pick),
        tier=np.full(n, "normal"),
        at=t.col("at")[pick] + rng.integers(2 * 86400, 6 * 86400, size=n).astype("timedelta64[s]"),
        status=status,
        score=np.where(status == "completed", _scores(rng, n), None),
    )


def _awareness_and_collaboration(world: World, rng, out: _Out) -> None:
    r = world.roster
    e, d = per_present_day(world, rng, r.idx("电话经理", "客户经理"), 0.5)
    customer, tier = _owned(world, rng, e, d)
    n = len(e)
    status = _status(rng, n, 0.8)
    out.add(
        "Z",
        kind=np.full(n, "awareness"),
        agent=e,
        customer=customer,
        tier=tier,
        at=world.day_times(rng, d, 10, 19),
        status=status,
        score=np.where(status == "completed", (rng.random(n) < 0.86).astype(int), None),
    )
    e, d = per_present_day(world, rng, r.idx(*COLLABORATION), 0.2)
    n = len(e)
    out.add(
        "X",
        kind=np.full(n, "collaboration"),
        agent=e,
        at=world.day_times(rng, d, 10, 17),
        status=np.where(rng.random(n) < 0.9, "completed", "refused"),
        score=rng.choice([5, 4, 3, 2], size=n, p=[0.45, 0.4, 0.1, 0.05]),
    )


def write_surveys(world: World) -> None:
    rng = world.rng("surveys")
    out = _Out()
    _after_interactions(world, rng, out)
    _guaranteed(world, rng, out, CSAT_NEED, "csat", 2, "G")
    _guaranteed(world, rng, out, ("客服部门(成熟期)",), "nps", 2, "N")
    _guaranteed(world, rng, out, ("信用卡中心客服",), "complaint_repair", 1, "F")
    _guaranteed(world, rng, out, ("客服部经理", "客服管理岗"), "collaboration", 1, "Y")
    _guaranteed(world, rng, out, ("电话经理", "客户经理"), "awareness", 2, "A")
    _callbacks(world, rng, out)
    _dealer(world, rng, out, "销售顾问", 1.2, 4)
    _dealer(world, rng, out, "服务顾问", 1.6, 6)
    _complaint_repair(world, rng, out)
    _awareness_and_collaboration(world, rng, out)
    _write(world, out)


def _opt(v: np.ndarray, conv):
    mask = np.array([x is None for x in v], dtype=bool)
    if conv is dec:
        return dec(np.where(mask, 0, v).astype(float), mask=mask)
    if conv is ints:
        return ints(np.where(mask, 0, v).astype(np.int64), mask=mask)
    if conv is bools:
        return bools(np.where(mask, False, v).astype(bool), mask=mask)
    return strs(np.where(mask, "", v).astype(str), mask=mask)


def _write(world: World, out: _Out) -> None:
    r = world.roster
    at = np.minimum(out.col("at").astype("datetime64[s]"), world.end_ts())
    world.put(
        "surveys",
        pa.table(
            {
                "survey_id": strs(out.col("survey_id").astype(str)),
                "kind": strs(out.col("kind").astype(str)),
                "agent_id": strs(r.ids[out.col("agent").astype(np.int64)]),
                "interaction_id": _opt(out.col("interaction"), strs),
                "customer_id": _opt(out.col("customer"), strs),
                "customer_tier": _opt(out.col("tier"), strs),
                "surveyed_at": ts(at),
                "status": strs(out.col("status").astype(str)),
                "score": _opt(out.col("score"), dec),
                "nps": _opt(out.col("nps"), ints),
                "answers": pa.array(list(out.col("answers")), pa.string()),
                "verified": _opt(out.col("verified"), bools),
                "crew_ids": _opt(out.col("crew_ids"), strs),
                "cs_score": _opt(out.col("cs_score"), dec),
                **{f"q{i}": _opt(out.col(f"q{i}"), dec) for i in range(1, 7)},
            }
        ),
    )
