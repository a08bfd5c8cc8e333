"""Inputs for scorecards: the input of ``csperf score`` filled from the records.

:func:`build_score_input` returns the ``{"period", "employees": [...]}`` document of
``scorecard-format.md`` ("Inputs and outputs of csperf score") for the roster employees a template
applies to. Each input the template reads comes from its feed (:mod:`csperf.metrics.feeds`):
indicators, 奖惩/事件, the 月度数值与目标 import (values and targets), the roster, 计划预算 rows or
values derived from other inputs. An input whose feed delivered nothing for the person and period
is left out of ``values`` and listed under ``missing`` with the feed in words, so the engine
excludes and flags it — a count nobody recorded is never a silent zero. ``pay_base`` and
``probation`` come from the roster, ``days_worked``/``period_days`` from attendance.

Inputs that come from other cards (``cards`` feeds) are filled by the evaluation cycle.
"""

from __future__ import annotations

import decimal
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from csperf.kernel.periods import Period, parse_period
from csperf.metrics.engine import CTX, Engine, MetricsError, _fmt
from csperf.metrics.feeds import EVENTS_RECORDED, Feed, FeedError, feed_for
from csperf.metrics.indicators import LIB
from csperf.metrics.presence import Presence
from csperf.scoring import Template
from csperf.scoring.model import Assigned

PER_EMPLOYEE_RECORDS = frozenset({"attendance", "sales"})  # no rows for a person = no data


def _num(v: Any) -> Any:
    if v is None:
        return None
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, int | Decimal):
        return v
    return Decimal(str(v))


@dataclass
class _Wanted:
    """What one template needs: its inputs with their feeds and its assigned targets."""

    feeds: dict[str, Feed]
    targets: set[str] = field(default_factory=set)
    code: str | None = None
    level: str = "employee"  # the template's x-feed-level: whose figures a unit's card reads

    @classmethod
    def of(cls, wanted: Template | Iterable[str], code: str | None) -> _Wanted:
        if isinstance(wanted, Template):
            item_feeds = {
                i.value: i.extensions.get("x-feed") for _, i in wanted.items if i.value is not None
            }
            feeds = {
                name: feed_for(name, template=wanted.code, item_feed=item_feeds.get(name))
                for name in sorted(wanted.value_names())
            }
            targets = {
                i.code
                for _, i in wanted.items
                if isinstance(getattr(i.rule, "target", None), Assigned)
            }
            level = wanted.extensions.get("x-feed-level", "employee")
            if level not in ("employee", "team", "department", "center"):
                raise FeedError(
                    f"{wanted.code}: x-feed-level is employee, team, department or center"
                )
            return cls(feeds, targets, wanted.code, level)
        return cls({n: feed_for(n, template=code) for n in sorted(set(wanted))}, set(), code)


def build_score_input(
    wanted: Template | Iterable[str],
    period: str,
    *,
    template_code: str | None = None,
    period_start_day: int | None = None,
    positions: list[str] | None = None,
    employees: list[str] | None = None,
    data_dir: str | Path | None = None,
    records_url: str | None = None,
    engine: Engine | None = None,
    skip_unknown: bool = False,
) -> dict:
    """The ``csperf score`` input document for ``period``, filled from the records.

    ``wanted`` is a template (its inputs, item ``x-feed``s and assigned targets) or a set of
    input names. Employees named in ``employees`` but absent from the imported roster are an
    error, or, with ``skip_unknown``, simply left out (the web app fills their cards from values
    entered by hand).
    """
    try:
        want = _Wanted.of(wanted, template_code)
    except FeedError as exc:
        raise MetricsError(str(exc)) from None
    if period_start_day is None:
        period_start_day = wanted.period_start_day if isinstance(wanted, Template) else 1
    per = parse_period(period, period_start_day)
    own = engine is None
    eng = engine or Engine.open(data_dir, records_url)
    try:
        return _Builder(eng, per, want).document(positions, employees, skip_unknown)
    finally:
        if own:
            eng.close()


class _Builder:
    def __init__(self, eng: Engine, per: Period, want: _Wanted) -> None:
        self.eng = eng
        self.per = per
        self.want = want
        self.roster = eng.roster()
        self.values: dict[str, dict[str, Any]] = {}
        self.missing: dict[str, dict[str, str]] = {}
        self.targets: dict[str, dict[str, Any]] = {}

    # -- the document --------------------------------------------------------------------

    def document(
        self, positions: list[str] | None, employees: list[str] | None, skip_unknown: bool
    ) -> dict:
        chosen = self.choose(positions, employees, skip_unknown)
        ids = [p.id for p in chosen]
        self.values = {i: {} for i in ids}
        self.missing = {i: {} for i in ids}
        self.targets = {i: {} for i in ids}
        work: dict[str, tuple[Any, Any]] = {}
        if ids:
            self.fill(ids)
            work = _days(self.eng, self.per, ids, self.roster)
        out = []
        for p in chosen:
            days_worked, period_days = work.get(p.id, (None, self.per.days))
            entry: dict[str, Any] = {
                "id": p.id,
                "name": p.name,
                "team": p.team,
                "department": p.department,
                "position": p.position,
                "values": {k: v for k, v in self.values[p.id].items() if v is not None},
                "targets": self.targets[p.id],
                "days_worked": days_worked,
                "period_days": period_days,
                "probation": p.on_probation(self.per.last),
                "history": [],
            }
            if p.pay_base is not None:
                entry["pay_base"] = _num(p.pay_base)
            if self.missing[p.id]:
                entry["missing"] = dict(sorted(self.missing[p.id].items()))
            out.append(entry)
        return {"period": self.per.label, "employees": out}

    def choose(self, positions, employees, skip_unknown) -> list[Any]:
        if employees:
            unknown = [e for e in employees if e not in self.roster]
            if unknown and not skip_unknown:
                raise MetricsError(f"not on the roster: {', '.join(unknown)}")
            return [self.roster[e] for e in employees if e in self.roster]
        return [
            p
            for p in sorted(self.roster.values(), key=lambda p: p.id)
            if p.active(self.per.start, self.per.end)
            and (positions is None or p.position in positions)
        ]

    def fill(self, ids: list[str]) -> None:
        presence = Presence(self.eng.store, self.per)
        values = _ValuesTable(self.eng, self.per, ids, self.roster)
        events = _Events(self.eng, self.per, ids)
        for name, feed in self.want.feeds.items():
            if feed.kind in ("derived", "cards"):
                continue
            got = self.feed_values(feed, ids, presence, values, events)
            for emp in ids:
                self.put(emp, name, feed, got.get(emp))
        for name, feed in self.want.feeds.items():
            if feed.kind == "cards":
                for emp in ids:
                    self.missing[emp][name] = feed.label()
            elif feed.kind == "derived":
                for emp in ids:
                    self.put(emp, name, feed, _derive(feed.name, self.values[emp], self.per))
        for emp in ids:
            for item in sorted(self.want.targets):
                target = values.find(emp, item, target=True)
                if target is not None:
                    self.targets[emp][item] = target

    def put(self, emp: str, name: str, feed: Feed, value: Any) -> None:
        if value is None:
            self.missing[emp][name] = feed.label()
        else:
            self.values[emp][name] = value

    def feed_values(self, feed: Feed, ids, presence, values, events) -> dict[str, Any]:
        if feed.kind == "indicator":
            return self.indicator(feed, ids, presence)
        if feed.kind == "events":
            return events.read(feed, self.roster)
        if feed.kind == "values":
            return {emp: values.find(emp, feed.name, target=False) for emp in ids}
        if feed.kind == "roster":
            return {emp: _num(getattr(self.roster[emp], feed.name, None)) for emp in ids}
        if feed.kind == "plans":
            return _plans(self.eng, self.per, feed, feed.level or self.want.level, ids, self.roster)
        parts = {
            k: self.feed_values(f, ids, presence, values, events) for k, f in feed.parts.items()
        }
        return {
            emp: None
            if any(parts[k].get(emp) is None for k in parts)
            else {k: parts[k][emp] for k in parts}
            for emp in ids
        }

    def indicator(self, feed: Feed, ids: list[str], presence: Presence) -> dict[str, Any]:
        ind_code = feed.name
        params = {ind_code: dict(feed.params)} if feed.params else None
        level = feed.level or self.want.level
        if level == "employee":
            rows = self.eng.compute(self.per, "employee", [ind_code], params, subjects=ids)
            got = {r["subject"]: _num(r.get(ind_code)) for r in rows}
        else:
            units = {emp: _unit(self.roster[emp], level) for emp in ids}
            rows = self.eng.compute(
                self.per, level, [ind_code], params, subjects=sorted(set(units.values()))
            )
            by_unit = {r["subject"]: _num(r.get(ind_code)) for r in rows}
            got = {emp: by_unit.get(unit) for emp, unit in units.items()}
        record = LIB[ind_code].record
        out = {}
        for emp in ids:
            delivered = (
                presence.person(record, emp)
                if record in PER_EMPLOYEE_RECORDS and level == "employee"
                else presence.any(record)
            )
            out[emp] = got.get(emp) if delivered else None
        return out


def _unit(person: Any, level: str) -> str:
    return {"team": person.team, "department": person.department}.get(level, "center")


class _ValuesTable:
    """The 月度数值与目标 rows of the period: the most specific subject wins (the employee,
    then their team, department, the whole centre)."""

    def __init__(self, eng: Engine, per: Period, ids: list[str], roster) -> None:
        self.roster = roster
        label = per.calendar().label
        t = eng.store.table("values")
        rows = t.filter(t.period == label).select("subject", "name", "value", "target")
        self.rows: dict[tuple[str, str, bool], Any] = {
            (r["subject"], r["name"], bool(r["target"])): r["value"]
            for r in rows.to_pyarrow().to_pylist()
        }

    def find(self, emp: str, name: str, *, target: bool) -> Any:
        p = self.roster[emp]
        for subject in (emp, p.team, p.department, "center"):
            value = self.rows.get((subject, name, target))
            if value is not None:
                return _num(_fmt(value))
        return None


class _Events:
    """奖惩/事件 of the people, by kind and window, and whose events are recorded completely."""

    def __init__(self, eng: Engine, per: Period, ids: list[str]) -> None:
        self.eng, self.per, self.ids = eng, per, ids
        self.cache: dict[str, dict[tuple[str, str], tuple[Any, Any, Any]]] = {}
        t = eng.store.table("values")
        rows = t.filter(
            (t.name == EVENTS_RECORDED) & (t.period == per.calendar().label) & (t.value > 0)
        )
        self.complete = {r["subject"] for r in rows.select("subject").to_pyarrow().to_pylist()}

    def sums(self, window: str) -> dict[tuple[str, str], tuple[Any, Any, Any]]:
        if window not in self.cache:
            t = self.eng.store.table("incidents")
            t = t.filter(t.employee_id.isin(self.ids))
            if window in ("period", "to_date"):
                t = t.filter(t.occurred_at < self.per.end_ts)
            if window == "period":
                t = t.filter(t.occurred_at >= self.per.start_ts)
            if window == "before":
                t = t.filter(t.occurred_at < self.per.start_ts)
            res = (
                t.group_by("employee_id", "kind")
                .aggregate(n=t["count"].sum(), points=t.points.sum(), amount=t.amount.sum())
                .to_pyarrow()
                .to_pylist()
            )
            self.cache[window] = {
                (r["employee_id"], r["kind"]): (r["n"], r["points"], r["amount"]) for r in res
            }
        return self.cache[window]

    def recorded(self, person: Any) -> bool:
        return bool({person.id, person.team, person.department, "center"} & self.complete)

    def read(self, feed: Feed, roster) -> dict[str, Any]:
        sums = self.sums(feed.window)
        index = {"count": 0, "points": 1, "amount": 2}[feed.measure]

        def one(emp: str, kind: str) -> Any:
            got = sums.get((emp, kind))
            value = got[index] if got else None
            return _num(_fmt(value or 0))

        out: dict[str, Any] = {}
        for emp in self.ids:
            if not self.recorded(roster[emp]):
                out[emp] = None
            elif isinstance(feed.events, str) and feed.per_day:
                with decimal.localcontext(CTX):
                    out[emp] = one(emp, feed.events) / Decimal(self.per.days)
            elif isinstance(feed.events, str):
                out[emp] = one(emp, feed.events)
            else:
                out[emp] = {key: one(emp, kind) for key, kind in (feed.events or {}).items()}
        return out


def _plans(
    eng: Engine, per: Period, feed: Feed, level: str, ids: list[str], roster
) -> dict[str, Any]:
    """The 计划预算 rows of plan ``feed.name`` for each person's unit (by ``level``)."""
    cal = per.calendar()
    units = {emp: emp if level == "employee" else _unit(roster[emp], level) for emp in ids}
    t = eng.store.table("plans")
    t = t.filter(
        t.period_start >= cal.start,
        t.period_end <= cal.end,
        t.org_unit.isin(sorted(set(units.values()))),
        t.plan_code == feed.name,
    )
    res = (
        t.group_by("org_unit")
        .aggregate(actual=t.actual.sum(), planned=t.planned.sum(), n=t.actual.count())
        .to_pyarrow()
        .to_pylist()
    )
    by_unit = {r["org_unit"]: r for r in res}
    out: dict[str, Any] = {}
    for emp, unit in units.items():
        r = by_unit.get(unit)
        if r is None or (feed.measure != "planned" and not r["n"]):
            out[emp] = None
        elif feed.measure == "actual":
            out[emp] = _num(_fmt(r["actual"]))
        elif feed.measure == "planned":
            out[emp] = _num(_fmt(r["planned"]))
        elif r["planned"]:
            with decimal.localcontext(CTX):
                out[emp] = _fmt(Decimal(r["actual"]) / Decimal(r["planned"]))
        else:
            out[emp] = None
    return out


def _derive(name: str, v: dict[str, Any], per: Period) -> Any:
    """Values computed from other fed values (``derived:`` feeds)."""
    if name == "test_call_items_exceeded":
        # 本月拨测成绩超额完成: the 7 single items strictly above their 确保值 (schemes.md §3.3)
        limits = {
            "tp_test_communication": Decimal("8.5"),
            "tp_test_service": Decimal("8.5"),
            "tp_test_online": Decimal("8.5"),
            "tp_test_marketing": Decimal("8.5"),
            "group_test_online": Decimal(9),
            "group_test_marketing": Decimal(9),
            "test_call_count": Decimal(200),
        }
        if v.get("test_call_count") is None:
            return None
        return sum(1 for k, limit in limits.items() if v.get(k) is not None and v[k] > limit)
    raise MetricsError(f"unknown derived value {name!r}")


def _days(eng: Engine, per, ids: list[str], roster) -> dict[str, tuple[Any, Any]]:
    """days_worked and period_days of each employee.

    With attendance rows: days worked (scheduled, not absent, less leave) and, as the period's
    working days, the most scheduled days of anyone in the same team (so a leaver is prorated
    against the team's month). Without: calendar days on the roster within the period, of the
    period's calendar days.
    """
    rows = eng.compute(per, "employee", ["days_worked", "scheduled_days"])
    by_emp = {r["subject"]: r for r in rows}
    team_max: dict[str, Any] = defaultdict(int)
    for emp, r in by_emp.items():
        if emp in roster and r.get("scheduled_days"):
            team = roster[emp].team
            team_max[team] = max(team_max[team], r["scheduled_days"])
    out = {}
    for emp in ids:
        got = by_emp.get(emp)
        p = roster[emp]
        if got and got.get("scheduled_days"):
            out[emp] = (_num(got["days_worked"]), _num(team_max.get(p.team, got["scheduled_days"])))
        else:
            first = max(per.start, p.hired_at) if p.hired_at else per.start
            last = min(per.last, p.left_at) if p.left_at else per.last
            out[emp] = (max(0, (last - first).days + 1), per.days)
    return out


__all__ = ["build_score_input"]
