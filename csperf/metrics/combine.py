"""From the sums by employee to the value of each indicator at each level, in plain Python.

Neither Ibis nor Arrow is imported here: the engine (csperf.metrics.engine) and the compiled-SQL
cache (csperf.metrics.sqlcache) both turn query rows into sums and sums into values with these
functions, so the two give the same values byte for byte.

A job is anything with ``ind`` (``code``, ``rollup``, ``relative``, ``combine``), ``ctx`` (its
``p``: the resolved parameters) and ``aggs`` (role -> [(agg key, agg with a ``source``)]): the
engine's :class:`~csperf.metrics.engine.Job`, or the cache's :class:`CachedJob`.
"""

from __future__ import annotations

import decimal
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from csperf.ingest.roster import Person

CENTER = "center"
CTX = decimal.Context(prec=28, rounding=decimal.ROUND_HALF_UP)

Sums = dict[str, dict[Any, Any]]  # agg key -> group key -> sum


# ------------------------------------------------------------------------- combinators


def as_decimal(v: Any) -> Decimal:
    """A sum as a Decimal (None: 0)."""
    return v if isinstance(v, Decimal) else Decimal(v or 0)


def ratio(num: str = "numerator", den: str = "denominator", scale: int = 1, div: int = 1):
    """num × scale ÷ (den × div): div=3600 turns summed seconds into hours."""

    def f(v: dict[str, Any], ctx: Any) -> Decimal | None:
        d = as_decimal(v[den]) * div
        if d == 0:
            return None
        return as_decimal(v[num]) * scale / d

    f.spec = {"kind": "ratio", "num": num, "den": den, "scale": scale, "div": div}  # type: ignore[attr-defined]
    return f


def total(role: str = "value"):
    def f(v: dict[str, Any], ctx: Any) -> Any:
        x = v[role]
        if isinstance(x, Decimal) and x == x.to_integral_value():
            return int(x)
        return x or 0

    f.spec = {"kind": "total", "role": role}  # type: ignore[attr-defined]
    return f


def combine_of(spec: dict[str, Any]) -> Callable[[dict[str, Any], Any], Any]:
    """The combinator a ``spec`` (a ``ratio``'s or ``total``'s ``.spec``) describes."""
    args = {k: v for k, v in spec.items() if k != "kind"}
    return ratio(**args) if spec["kind"] == "ratio" else total(**args)


# ------------------------------------------------------------------------- subjects


@dataclass(frozen=True)
class Unowned:
    """The group key of calls without an agent: their queue, and the team (and its department)
    that serves the queue once attributed (none: the calls count for the centre only)."""

    queue: str
    team: str | None = None
    department: str | None = None


def unit_of(person: Person | None, level: str, emp: Any) -> str | None:
    if level == CENTER:
        return CENTER
    if isinstance(emp, Unowned):
        return {"team": emp.team, "department": emp.department}.get(level)
    if person is None:
        return None
    if level == "employee":
        return person.id
    if level == "team":
        return person.team
    return person.department


def attribute_queues(rows: Iterable[dict], roster: dict[str, Person]) -> dict[str, Unowned]:
    """Each queue's team from rows (queue, agent_id, n: calls answered): the team whose agents
    answered the most (ties: the lowest team code), with its department (its members' most
    common)."""
    per_queue: dict[str, Counter] = defaultdict(Counter)
    for r in rows:
        p = roster.get(r["agent_id"])
        if p is not None and p.team:
            per_queue[r["queue"]][p.team] += r["n"]
    depts: dict[str, Counter] = defaultdict(Counter)
    for p in roster.values():
        if p.team and p.department:
            depts[p.team][p.department] += 1
    out = {}
    for q, c in per_queue.items():
        team = min(c, key=lambda k: (-c[k], k))
        d = depts.get(team)
        out[q] = Unowned(q, team, min(d, key=lambda k: (-d[k], k)) if d else None)
    return out


def merge_sums(
    sums: Sums,
    rows: list[dict],
    keys: Sequence[str],
    queues: dict[str, Unowned] | None,
    extra: Sequence[str] = (),
) -> None:
    """Add the rows of one aggregate query (``_subject``, ``_queue``, extra keys, ``m0``…, one
    per agg key of ``keys``) to ``sums``; calls without an agent go to their queue's group."""
    for r in rows:
        q = r.pop("_queue", None)
        if r["_subject"] is None and q is not None:
            r["_subject"] = (queues or {}).get(q, Unowned(q))
    for i, key in enumerate(keys):
        d = sums.setdefault(key, {})
        m = f"m{i}"
        for r in rows:
            v = r[m]
            if v is not None:
                d[tuple(r[k] for k in ["_subject", *extra]) if extra else r["_subject"]] = v


def subjects_of(
    level: str, first: Any, after: Any, roster: dict[str, Person], sums: Sums
) -> list[str]:
    """The subjects of ``level``: units with someone on the roster in the days [first, after)
    or with sums of someone on the roster."""
    if level == CENTER:
        return [CENTER]
    found: set[str | None] = set()
    if level == "employee":  # the same as below, in set operations (10,000s of employees)
        found.update(p.id for p in roster.values() if p.active(first, after))
        summed: set[Any] = set().union(*sums.values())
        found.update(roster[e].id for e in summed & roster.keys())
        return sorted(x for x in found if x)
    for p in roster.values():
        if p.active(first, after):
            found.add(unit_of(p, level, p.id))
    for d in sums.values():
        for emp in d:
            if isinstance(emp, str) and emp in roster:
                found.add(unit_of(roster[emp], level, emp))
    return sorted(x for x in found if x)


# ------------------------------------------------------------------------- combine


def _add(a: Any, b: Any) -> Any:
    if a is None:
        return b
    if b is None:
        return a
    return a + b


def _fmt(v: Any) -> Any:
    if isinstance(v, Decimal):
        v = CTX.plus(v)  # rounded to CTX without entering a context (10,000s of values)
        if v == v.to_integral_value():
            return int(v)
        return v.normalize()
    return v


def _rollup(
    sums: Sums, key: str, source: str, level: str, roster: dict[str, Person]
) -> dict[str, Any]:
    """Sums of one aggregate per subject of the level."""
    if level == "employee" and source != "plans":  # each employee on the roster is its own
        d = sums.get(key, {})
        return {e: d[e] for e in d.keys() & roster.keys()}  # roster keys are str
    out: dict[str, Any] = {}
    for emp, v in sums.get(key, {}).items():
        if source == "plans":
            subj = emp  # plan rows belong to the unit named in org_unit, never rolled up
            if level == CENTER and emp != CENTER:
                continue
        else:
            subj = unit_of(roster.get(emp), level, emp)
        if subj is None:
            continue
        out[subj] = _add(out.get(subj), v)
    return out


def _values(job: Any, sums: Sums, level: str, roster: dict[str, Person]) -> dict[str, dict]:
    """role -> subject -> summed value, for one indicator at one level."""
    out: dict[str, dict[str, Any]] = {}
    for role, lst in job.aggs.items():
        if len(lst) == 1:  # one aggregate: its sums are the role's (no additions)
            key, agg = lst[0]
            out[role] = _rollup(sums, key, agg.source, level, roster)
            continue
        acc: dict[str, Any] = {}
        for key, agg in lst:
            for subj, v in _rollup(sums, key, agg.source, level, roster).items():
                acc[subj] = _add(acc.get(subj), v)
        out[role] = acc
    return out


def _combine(job: Any, parts: dict[str, dict[str, Any]], subject: str, extra: dict | None = None):
    with decimal.localcontext(CTX):
        return _combine_in_ctx(job, parts, subject, extra)


def _combine_in_ctx(
    job: Any, parts: dict[str, dict[str, Any]], subject: str, extra: dict | None = None
) -> Any:
    """:func:`_combine` for a caller already in the CTX decimal context."""
    v = {role: parts[role].get(subject, 0) for role in parts}
    if extra:
        v.update(extra)
    return _fmt(job.ind.combine(v, job.ctx))


EXACT = 10**28  # an int under this is exact in a Decimal of CTX: x * 1 is x


def _ratios(spec: dict, parts: dict[str, dict], subjects: list[str], out: dict, code: str):
    """What ``ratio(**spec)`` then ``_fmt`` give, per subject, in one loop (100,000s of values):
    a quotient is already rounded to CTX, int() drops the sign of a -0, and two counts divide
    as ints when one divides the other."""
    nums, dens = parts[spec["num"]], parts[spec["den"]]
    scale, div = spec["scale"], spec["div"]
    plain = scale == 1 and div == 1
    for s in subjects:
        n = nums.get(s, 0)
        d = dens.get(s, 0)
        if plain and type(n) is int and type(d) is int and -EXACT < n < EXACT and d:
            out[s][code] = n // d if n % d == 0 else (Decimal(n) / d).normalize()
            continue
        d = (d if isinstance(d, Decimal) else Decimal(d or 0)) * div
        if d == 0:
            out[s][code] = None
            continue
        v = (n if isinstance(n, Decimal) else Decimal(n or 0)) * scale / d
        out[s][code] = int(v) if v == v.to_integral_value() else v.normalize()


def compute_level(
    jobs: Sequence[Any], sums: Sums, level: str, roster: dict[str, Person], subjects: list[str]
) -> dict[str, dict[str, Any]]:
    """subject -> {indicator code: value}."""
    with decimal.localcontext(CTX):  # once: entering it per value costs more than the value
        return _compute_level(jobs, sums, level, roster, subjects)


def _compute_level(
    jobs: Sequence[Any], sums: Sums, level: str, roster: dict[str, Person], subjects: list[str]
) -> dict[str, dict[str, Any]]:
    result: dict[str, dict[str, Any]] = {s: {} for s in subjects}
    for job in jobs:
        ind = job.ind
        if ind.rollup == "mean_of_employees" and level != "employee":
            _mean_of_employees(job, sums, level, roster, subjects, result)
            continue
        if ind.relative == "peers":
            _peer_values(job, sums, level, roster, subjects, result)
            continue
        parts = _values(job, sums, level, roster)
        if ind.relative == "center":
            center = _values(job, sums, CENTER, roster)
            extra = {f"_center_{r}": center[r].get(CENTER, 0) for r in center}
            for s in subjects:
                result[s][ind.code] = _combine_in_ctx(job, parts, s, extra)
            continue
        spec = getattr(ind.combine, "spec", None)
        if spec is not None and spec["kind"] == "ratio":
            _ratios(spec, parts, subjects, result, ind.code)
            continue
        for s in subjects:
            result[s][ind.code] = _combine_in_ctx(job, parts, s)
    return result


def _mean_of_employees(job, sums, level, roster, subjects, result) -> None:
    emp_parts = _values(job, sums, "employee", roster)
    per_unit: dict[str | None, list] = defaultdict(list)
    for emp in roster:
        val = _combine_in_ctx(job, emp_parts, emp)
        unit = unit_of(roster[emp], level, emp)
        if val is not None and unit is not None:
            per_unit[unit].append(Decimal(val))
    for s in subjects:
        vals = per_unit.get(s)
        result[s][job.ind.code] = _fmt(sum(vals) / len(vals)) if vals else None


def _peer_values(job, sums, level, roster, subjects, result) -> None:
    """Own count ÷ mean count of the peer group (agents with at least one call)."""
    emp_counts = _values(job, sums, "employee", roster)["value"]
    ind = job.ind
    if level == "employee":
        peers = job.ctx.p.get("peers", "all")
        groups: dict[str, list] = defaultdict(list)
        for emp, n in emp_counts.items():
            if n and emp in roster:
                groups[_peer_key(roster[emp], peers)].append(Decimal(n))
        for s in subjects:
            p = roster.get(s)
            members = groups.get(_peer_key(p, peers)) if p else None
            with decimal.localcontext(CTX):
                mean = sum(members) / len(members) if members else None
                own = Decimal(emp_counts.get(s, 0) or 0)
                result[s][ind.code] = _fmt(own / mean) if mean else None
        return
    per_unit: dict[str | None, list] = defaultdict(list)
    everyone: list = []
    for emp, n in emp_counts.items():
        if n and emp in roster:
            per_unit[unit_of(roster[emp], level, emp)].append(Decimal(n))
            everyone.append(Decimal(n))
    with decimal.localcontext(CTX):
        center_mean = sum(everyone) / len(everyone) if everyone else None
        for s in subjects:
            vals = per_unit.get(s)
            if level == CENTER:
                vals = everyone
            result[s][ind.code] = (
                _fmt((sum(vals) / len(vals)) / center_mean) if vals and center_mean else None
            )


def _peer_key(p: Person, peers: str) -> str:
    return {"team": p.team, "department": p.department}.get(peers, "all")


def result_rows(
    jobs: Sequence[Any], level: str, roster: dict[str, Person], subs: list[str], values: dict
) -> list[dict[str, Any]]:
    """The rows :meth:`Engine.compute` returns: subject, (name,) then each indicator's value."""
    rows = []
    for s in subs:
        row: dict[str, Any] = {"subject": s}
        if level == "employee":
            row["name"] = roster[s].name if s in roster else None
        row.update({j.ind.code: values[s].get(j.ind.code) for j in jobs})
        rows.append(row)
    return rows


# ------------------------------------------------------------------------- cached jobs


@dataclass(frozen=True)
class CachedSource:
    source: str  # what combining reads of an aggregate: its record type


@dataclass(frozen=True)
class CachedIndicator:
    code: str
    rollup: str
    relative: str | None
    combine: Callable[[dict[str, Any], Any], Any]


@dataclass(frozen=True)
class CachedCtx:
    p: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CachedJob:
    """What combining needs of an engine Job, rebuilt from the cache without the definitions."""

    ind: CachedIndicator
    ctx: CachedCtx
    aggs: dict[str, list[tuple[str, CachedSource]]]


def job_spec(job: Any) -> dict[str, Any] | None:
    """An engine job as plain data for the cache; None when its combine is not a ratio or total
    (a function of the domain module, which only the definitions hold)."""
    spec = getattr(job.ind.combine, "spec", None)
    if spec is None:
        return None
    return {
        "code": job.ind.code,
        "rollup": job.ind.rollup,
        "relative": job.ind.relative,
        "combine": spec,
        "peers": job.ctx.p.get("peers"),
        "aggs": {r: [[k, a.source] for k, a in lst] for r, lst in job.aggs.items()},
    }


def cached_job(d: dict[str, Any]) -> CachedJob:
    p = {"peers": d["peers"]} if d["peers"] is not None else {}
    return CachedJob(
        ind=CachedIndicator(d["code"], d["rollup"], d["relative"], combine_of(d["combine"])),
        ctx=CachedCtx(p),
        aggs={r: [(k, CachedSource(s)) for k, s in lst] for r, lst in d["aggs"].items()},
    )
