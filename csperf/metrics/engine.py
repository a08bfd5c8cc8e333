"""Computing indicators: per employee, team, department or centre; intraday intervals; explain.

One query per record type (and per employee column) computes every aggregate the requested
indicators need, grouped by employee: ``SUM(x) FILTER (WHERE …)`` over the period's rows. Teams,
departments and the centre add up their employees' sums in Python with exact integers and
decimals, so a team's ratio is the ratio of the team's sums. Calls without an agent (abandoned or
blocked before anyone answered) count for the centre and for the team serving their queue (the
team whose agents answered most of the queue's calls in the period) and its department.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.types as ir

from csperf.ingest.roster import Person, roster_of, roster_query
from csperf.ingest.schema import RECORD_TYPES
from csperf.ingest.store import Store, fetch_rows, open_store, resolve_compute_url
from csperf.kernel.periods import Period, PeriodError, parse_period
from csperf.kernel.workdays import Workdays
from csperf.metrics import rollups, sqlcache
from csperf.metrics.combine import (
    CENTER,
    CTX,  # noqa: F401 (csperf.metrics.scorecard imports it from here)
    Sums,
    Unowned,
    _add,
    _combine,
    _fmt,
    attribute_queues,
    compute_level,
    merge_sums,
    result_rows,
    subjects_of,
    unit_of,
)
from csperf.metrics.indicators import DOMAINS, LIB, SOURCE_SUBJECT, Agg, Ctx, Indicator
from csperf.metrics.indicators.model import answered, secs
from csperf.metrics.params import MetricsError, get_indicators, resolve_params, split_params

LEVELS = ("employee", "team", "department", "center")

TIME_COLUMN = {
    "calls": "offered_at",
    "tickets": "created_at",
    "surveys": "surveyed_at",
    "qc_reviews": "reviewed_at",
    "attendance": "date",
    "incidents": "occurred_at",
    "sales": "date",
}
DATE_SOURCES = {"attendance", "sales"}
# derived columns a domain module builds with window functions: name (in Agg.needs) ->
# (argument from the parameters, build(table, period, argument) -> the period's rows + columns)
DERIVED = {k: v for m in DOMAINS for k, v in getattr(m, "DERIVED", {}).items()}
# indicator code -> its sums from the rollup kept at import (csperf.metrics.rollups)
ROLLUPS = {k: v for m in DOMAINS for k, v in getattr(m, "ROLLUPS", {}).items()}


# the parameters and the indicators asked for: csperf.metrics.params


# ------------------------------------------------------------------------- roster


# ------------------------------------------------------------------------- sources


def source_table(store: Store, source: str, period: Period, features: tuple) -> ir.Table:
    t = store.table(source)
    if features and features[0][0] in DERIVED:
        ((name, arg),) = features
        return DERIVED[name][1](t, period, arg)
    if source in TIME_COLUMN:
        col = t[TIME_COLUMN[source]]
        if source in DATE_SOURCES:
            return t.filter(col >= period.start, col < period.end)
        if source == "calls" and features:
            ((_, window_h),) = features
            w = t.filter(col >= period.start_ts, col < period.end_ts + timedelta(hours=window_h))
            nxt = w.offered_at.lead().over(
                ibis.window(
                    group_by=[w.customer_id, w.direction], order_by=[w.offered_at, w.call_id]
                )
            )
            w = w.mutate(
                repeat_call=(w.direction == "inbound")
                & nxt.notnull()
                & (secs(nxt, w.offered_at) <= int(window_h) * 3600)
            )
            return w.filter(w.offered_at < period.end_ts)
        return t.filter(col >= period.start_ts, col < period.end_ts)
    if source == "plans":
        cal = period.calendar()
        return t.filter(t.period_start >= cal.start, t.period_end <= cal.end)
    return t  # customers, employees: conditions live in the aggregates


def _features(agg: Agg, ctx: Ctx) -> tuple:
    if "repeat" in agg.needs:
        return (("repeat", int(ctx.p["repeat_window_h"])),)
    derived = sorted(agg.needs & DERIVED.keys())
    return ((derived[0], DERIVED[derived[0]][0](ctx)),) if derived else ()


def _agg_expr(t: ir.Table, agg: Agg, ctx: Ctx) -> ir.Value:
    cond = agg.where(t, ctx) if agg.where is not None else None
    if agg.value is None:
        return t.count(where=cond) if cond is not None else t.count()
    v = agg.value(t, ctx)
    if not isinstance(v, ir.Value):
        v = ibis.literal(v)
    if v.type().is_boolean():
        v = v.cast("int64")
    return v.sum(where=cond) if cond is not None else v.sum()


@dataclass
class Job:
    """One indicator asked for, with its parameters and active aggregates."""

    ind: Indicator
    ctx: Ctx
    aggs: dict[str, list[tuple[str, Agg]]]  # role -> [(agg key, agg)]


def plan_jobs(
    indicators: list[Indicator],
    params: dict[str, dict[str, Any]],
    period: Period,
    workdays: Workdays | None = None,
) -> list[Job]:
    unknown = set(params) - {i.code for i in indicators}
    for code in unknown:
        if code not in LIB:
            raise MetricsError(f"--param for unknown indicator {code!r}")
    jobs = []
    for ind in indicators:
        p = resolve_params(ind, params.get(ind.code))
        ctx = Ctx(p, period.start, period.end, period.start_ts, period.end_ts, workdays)
        aggs: dict[str, list[tuple[str, Agg]]] = {}
        for role, lst in ind.parts.items():
            aggs[role] = [
                (f"{ind.code}|{role}|{i}", a)
                for i, a in enumerate(lst)
                if a.when is None or p.get(a.when[0]) == a.when[1]
            ]
        jobs.append(Job(ind, ctx, aggs))
    return jobs


def run_queries(
    store: Store,
    jobs: list[Job],
    period: Period,
    *,
    extra_keys: Callable[[ir.Table], dict[str, ir.Value]] | None = None,
    queues: dict[str, Unowned] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Sums:
    """One aggregate query per (source, employee column, features); returns the sums by group.
    Calls without an agent are grouped by their queue's team in ``queues`` (see queue_teams)."""
    items_all = [
        (key, agg, job.ctx) for job in jobs for lst in job.aggs.values() for key, agg in lst
    ]
    # aggregates that need no derived column ride along with the one feature query of their
    # source, so that a source is scanned once (as a hand-written query would)
    feats: dict[tuple, set] = defaultdict(set)
    for _key, agg, ctx in items_all:
        f = _features(agg, ctx)
        if f:
            feats[(agg.source, agg.subject_column(ctx))].add(f)
    groups: dict[tuple, list[tuple[str, Agg, Ctx]]] = defaultdict(list)
    for key, agg, ctx in items_all:
        src = (agg.source, agg.subject_column(ctx))
        f = _features(agg, ctx)
        if not f and len(feats.get(src, ())) == 1:
            f = next(iter(feats[src]))
        groups[(*src, f)].append((key, agg, ctx))
    sums: Sums = {}
    for n, ((source, subj, features), items) in enumerate(groups.items()):
        t = source_table(store, source, period, features)
        metrics = {f"m{i}": _agg_expr(t, agg, ctx) for i, (_, agg, ctx) in enumerate(items)}
        keys = {"_subject": t[subj]}
        if source == "calls" and subj == "agent_id":  # calls without an agent: by queue
            keys["_queue"] = ibis.ifelse(t.agent_id.isnull(), t.queue, ibis.null("string"))
        extra = extra_keys(t) if extra_keys is not None else {}
        query = t.group_by(**keys, **extra).aggregate(**metrics)
        agg_keys = [key for key, _, _ in items]
        sqlcache.note("sums", query, keys=agg_keys, extra=list(extra))
        merge_sums(sums, fetch_rows(query), agg_keys, queues, list(extra))
        if progress:
            progress(n + 1, len(groups))
    return sums


def queue_teams(
    store: Store, period: Period, roster: dict[str, Person], *, rollup: str | None = None
) -> dict[str, Unowned]:
    """Each queue's team: the team whose agents answered the most of its calls in the period
    (ties: the lowest team code), with that team's department (its members' most common);
    ``rollup``: counted from that rollup table instead of the raw calls."""
    if rollup:
        query = rollups.answered_by_queue(store, rollup, period.start, period.end)
    else:
        t = store.table("calls")
        t = t.filter(t.offered_at >= period.start_ts, t.offered_at < period.end_ts)
        t = t.filter(answered(t), t.agent_id.notnull(), t.queue.notnull())
        query = t.group_by("queue", "agent_id").aggregate(n=t.count())
    sqlcache.note("queues", query)
    return attribute_queues(fetch_rows(query), roster)


def _queues(
    store: Store,
    jobs: list[Job],
    per: Period,
    level: str,
    roster: dict[str, Person],
    *,
    rollup: str | None = None,
) -> dict[str, Unowned]:
    """queue_teams when a team or department figure reads calls, else nothing to attribute."""
    calls = any(a.source == "calls" for j in jobs for lst in j.aggs.values() for _, a in lst)
    if not calls or level not in ("team", "department"):
        return {}
    return queue_teams(store, per, roster, rollup=rollup)


def rollup_parts(job: Job) -> list[tuple[str, rollups.Part, Ctx]] | None:
    """(agg key, rollup part, ctx) per role of ``job`` when the rollup answers it (an additive
    call indicator whose parameters the rollup keeps), else None."""
    spec = ROLLUPS.get(job.ind.code)
    active = [a for lst in job.aggs.values() for _, a in lst]
    if spec is None or not active or any(a.source != "calls" for a in active):
        return None
    parts = spec(job.ctx)
    if parts is None or set(parts) != {r for r, lst in job.aggs.items() if lst}:
        return None
    return [(job.aggs[role][0][0], part, job.ctx) for role, part in parts.items()]


def period_sums(
    store: Store,
    jobs: list[Job],
    per: Period,
    level: str,
    roster: dict[str, Person],
    *,
    use_rollups: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> Sums:
    """The sums of ``jobs`` over the whole days of ``per``: additive call indicators from the
    rollup kept at import when it matches the calls the store reads, the rest from the raw
    records (one query per source, see run_queries)."""
    fast: list[tuple[str, rollups.Part, Ctx]] = []
    slow = jobs
    rolled = None
    if use_rollups and store.lake is not None:
        rolled = rollups.rollup_for(store, per.start, per.end)
    if rolled:
        slow = []
        for job in jobs:
            parts = rollup_parts(job)
            if parts is None:
                slow.append(job)
            else:
                fast += parts
    queues = _queues(store, jobs, per, level, roster, rollup=rolled)
    sums = run_queries(store, slow, per, queues=queues, progress=progress) if slow else {}
    if fast and rolled:
        sums.update(rollups.run_rollup(store, rolled, fast, per.start, per.end, queues))
    return sums


# ------------------------------------------------------------------------- public


@dataclass
class Engine:
    """Computes indicators over one records store."""

    store: Store
    use_rollups: bool = True  # False: every indicator from the raw records

    @classmethod
    def open(cls, data_dir: str | Path | None = None, records_url: str | None = None) -> Engine:
        # $CSPERF_COMPUTE_URL: compute somewhere else than imports write, e.g. a Spark cluster
        # reading the lake (docs/spark.md)
        return cls(open_store(data_dir, records_url or resolve_compute_url()))

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def roster(self) -> dict[str, Person]:
        query = roster_query(self.store)
        sqlcache.note("roster", query)
        return roster_of(fetch_rows(query))

    def workdays(self) -> Workdays:
        """The working calendar: national 调休 plus the centre's imported ``calendar`` days."""
        t = self.store.table("calendar")
        rows = fetch_rows(t.select("date", "workday"))
        return Workdays({r["date"]: bool(r["workday"]) for r in rows if r["workday"] is not None})

    def subjects(
        self, level: str, period: Period, roster: dict[str, Person], sums: Sums
    ) -> list[str]:
        return subjects_of(level, period.start, period.end, roster, sums)

    def compute(
        self,
        period: str | Period,
        level: str = "employee",
        indicators: Iterable[str] | None = None,
        params: dict | Iterable[str] | None = None,
        *,
        period_start_day: int = 1,
        subjects: Iterable[str] | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> list[dict[str, Any]]:
        per = _period(period, period_start_day)
        if level not in LEVELS:
            raise MetricsError(f"level must be one of {', '.join(LEVELS)}, not {level!r}")
        inds = get_indicators(indicators)
        jobs = plan_jobs(inds, split_params(params), per, self.workdays())
        sqlcache.note_jobs(jobs)
        roster = self.roster()
        sums = period_sums(
            self.store,
            jobs,
            per,
            level,
            roster,
            use_rollups=self.use_rollups,
            progress=progress,
        )
        subs = self.subjects(level, per, roster, sums)
        if subjects is not None:
            wanted = set(subjects)
            subs = [s for s in subs if s in wanted]
        values = compute_level(jobs, sums, level, roster, subs)
        return result_rows(jobs, level, roster, subs, values)

    def intervals(
        self,
        day: str | date,
        to: str | date | None = None,
        minutes: int = 15,
        indicators: Iterable[str] | None = None,
        params: dict | Iterable[str] | None = None,
        *,
        level: str = CENTER,
    ) -> list[dict[str, Any]]:
        """Call indicators per interval [start, start + minutes) of each day from `day` to `to`."""
        first = _day(day)
        last = _day(to) if to else first
        if last < first:
            raise MetricsError(f"--to {last} is before --date {first}")
        if not isinstance(minutes, int) or not 1 <= minutes <= 1440:
            raise MetricsError("--minutes must be a whole number from 1 to 1440")
        if level not in LEVELS:
            raise MetricsError(f"level must be one of {', '.join(LEVELS)}")
        codes = (
            list(indicators)
            if indicators is not None
            else [
                c for c, i in LIB.items() if i.available and i.is_calls_only and i.relative is None
            ]
        )
        inds = get_indicators(codes)
        for i in inds:
            if not i.is_calls_only or i.relative or i.rollup != "sum":
                raise MetricsError(
                    f"{i.code} is not a call indicator that can be split into intervals"
                )
        per = parse_period(f"{first.isoformat()}..{last.isoformat()}")
        jobs = plan_jobs(inds, split_params(params), per, self.workdays())

        def keys(t: ir.Table) -> dict[str, ir.Value]:
            ts = t.offered_at
            return {"_day": ts.date(), "_bucket": (ts.hour() * 60 + ts.minute()) // minutes}

        roster = self.roster()
        queues = _queues(self.store, jobs, per, level, roster)
        sums = run_queries(self.store, jobs, per, extra_keys=keys, queues=queues)
        # regroup: (subject, day, bucket) -> per-agg sums at the wanted level
        cells: dict[tuple, Sums] = defaultdict(dict)
        for key, d in sums.items():
            for (emp, dy, b), v in d.items():
                subj = unit_of(roster.get(emp), level, emp)
                if subj is None:
                    continue
                cell = cells[(dy, b)].setdefault(key, {})
                cell[subj] = _add(cell.get(subj), v)
        n_buckets = -(-1440 // minutes)
        subjects = sorted({s for c in cells.values() for d in c.values() for s in d}) or (
            [CENTER] if level == CENTER else []
        )
        rows = []
        dy = first
        while dy <= last:
            for b in range(n_buckets):
                cell = cells.get((dy, b), {})
                start = datetime.combine(dy, datetime.min.time()) + timedelta(minutes=b * minutes)
                for s in subjects:
                    row: dict[str, Any] = {"interval_start": start, "subject": s}
                    for job in jobs:
                        parts = {}
                        for role, lst in job.aggs.items():
                            acc = None
                            for key, _ in lst:
                                acc = _add(acc, cell.get(key, {}).get(s))
                            parts[role] = {s: acc or 0}
                        row[job.ind.code] = _combine(job, parts, s)
                    rows.append(row)
            dy += timedelta(days=1)
        return rows

    def explain(
        self,
        indicator: str,
        subject: str,
        period: str | Period,
        *,
        level: str | None = None,
        params: dict | Iterable[str] | None = None,
        period_start_day: int = 1,
        limit: int | None = None,
    ) -> dict[str, Any]:
        """The records behind one value: for each part (numerator, denominator …) its rows."""
        per = _period(period, period_start_day)
        ind = get_indicators([indicator])[0]
        roster = self.roster()
        level = level or self._level_of(subject, roster)
        if level not in LEVELS:
            raise MetricsError(f"level must be one of {', '.join(LEVELS)}")
        members = self._members(subject, level, roster)
        rows = self.compute(per, level, [indicator], params, subjects=[subject])
        value = rows[0][indicator] if rows else None
        job = plan_jobs([ind], split_params(params), per, self.workdays())[0]
        queues = _queues(self.store, [job], per, level, roster).values()
        qs = sorted(u.queue for u in queues if unit_of(None, level, u) == subject)
        parts = []
        for role, lst in job.aggs.items():
            for _key, agg in lst:
                t = source_table(self.store, agg.source, per, _features(agg, job.ctx))
                col = agg.subject_column(job.ctx)
                cond = agg.where(t, job.ctx) if agg.where is not None else ibis.literal(True)
                if agg.source == "plans":
                    cond = cond & (t[col] == subject)
                elif level != CENTER:
                    mine = t[col].isin(sorted(members))
                    if agg.source == "calls" and col == "agent_id" and qs:  # the unit's queues
                        mine = mine | (t.agent_id.isnull() & t.queue.isin(qs))
                    cond = cond & mine
                sel = t.filter(cond)
                cols = [c.name for c in RECORD_TYPES[agg.source].stored_columns]
                if agg.value is not None:
                    v = agg.value(t, job.ctx)
                    if not isinstance(v, ir.Value):
                        v = ibis.literal(v)
                    if v.type().is_boolean():
                        v = v.cast("int64")
                    sel = t.filter(cond).mutate(contribution=v)
                    sel = sel.filter(sel.contribution.notnull())
                    cols.append("contribution")
                order = TIME_COLUMN.get(agg.source) or RECORD_TYPES[agg.source].key[0]
                count = int(sel.count().to_pyarrow().as_py())
                q = sel.select(*cols).order_by(
                    list(dict.fromkeys([order, *RECORD_TYPES[agg.source].key]))
                )
                if limit is not None:
                    q = q.limit(limit)
                recs = q.to_pyarrow().to_pylist()
                total = None
                if agg.value is not None:
                    total = _fmt(sel.contribution.sum().to_pyarrow().as_py())
                parts.append(
                    {
                        "role": role,
                        "source": agg.source,
                        "count": count,
                        "sum": total if agg.value is not None else count,
                        "records": recs,
                    }
                )
        return {
            "indicator": ind.code,
            "name": ind.name_zh,
            "formula": ind.formula_zh,
            "subject": subject,
            "level": level,
            "period": per.label,
            "start": per.start,
            "end": per.last,
            "value": value,
            "parts": parts,
        }

    def _level_of(self, subject: str, roster: dict[str, Person]) -> str:
        if subject == CENTER:
            return CENTER
        if subject in roster:
            return "employee"
        if any(p.team == subject for p in roster.values()):
            return "team"
        if any(p.department == subject for p in roster.values()):
            return "department"
        raise MetricsError(
            f"unknown subject {subject!r}: not an employee id, team, department or `center`"
        )

    def _members(self, subject: str, level: str, roster: dict[str, Person]) -> set[str]:
        if level == CENTER:
            return set(roster)
        members = {e for e, p in roster.items() if unit_of(p, level, e) == subject}
        if not members and level != "employee":
            raise MetricsError(f"no employee belongs to {level} {subject!r}")
        return members or {subject}


def _period(period: str | Period, start_day: int) -> Period:
    if isinstance(period, Period):
        return period
    try:
        return parse_period(period, start_day)
    except PeriodError as exc:
        raise MetricsError(str(exc)) from None


def _day(v: str | date) -> date:
    if isinstance(v, date):
        return v
    try:
        return date.fromisoformat(str(v).strip())
    except ValueError:
        raise MetricsError(f"{v!r} is not a date (YYYY-MM-DD)") from None


__all__ = ["CENTER", "LEVELS", "SOURCE_SUBJECT", "Engine", "MetricsError"]
