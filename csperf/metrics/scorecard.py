"""Values for scorecards: the input of ``csperf score`` filled from the records.

:func:`build_score_input` returns the ``{"period", "employees": [...]}`` document of
``scorecard-format.md`` ("Inputs and outputs of csperf score") for the roster employees a
template applies to. A value name may be:

- an indicator code of the library (``answer_rate``, ``qc_score_mean`` …);
- an alias of :data:`ALIASES` (a code with fixed parameters, e.g. ``third_party_test_call_score``);
- ``incidents_<kind>``: the count of incidents of that kind (``incidents_complaint_valid``);
- ``points_<kind>``: the sum of the points of incidents of that kind;
- ``praise``: the map ``{letter, department, company, media}`` of praise counts, for ``per_count``;
- ``plan_rate_<plan_code>`` / ``plan_actual_<plan_code>``: actual ÷ planned, Σ actual of the plan
  rows whose ``org_unit`` is the employee.

Names the records cannot give are left out (missing), as the contract expects.
"""

from __future__ import annotations

import decimal
from decimal import Decimal
from pathlib import Path
from typing import Any

from csperf.ingest.schema import INCIDENT_KINDS
from csperf.metrics.engine import CTX, Engine, MetricsError, _fmt
from csperf.metrics.indicators import LIB
from csperf.metrics.periods import parse_period

# template value name -> (indicator code, parameters)
ALIASES: dict[str, tuple[str, dict[str, Any]]] = {
    "dealer_cs_index": ("cs_index", {}),
    "complaints_valid": ("valid_complaints", {}),
    "complaint_valid": ("valid_complaints", {}),
    "complaints_general": ("general_complaints", {}),
    "complaints_repeat": ("repeat_complaints", {}),
    "late_early_minutes_within_5": ("tardy_minutes_short", {"band_min": 5}),
    "late_early_minutes_over_5": ("tardy_minutes_long", {"band_min": 5}),
    "third_party_test_call_score": ("test_call_score_mean", {"origin": "third_party"}),
    "group_test_call_score": ("test_call_score_mean", {"origin": "group"}),
    "internal_test_call_score": ("test_call_score_mean", {"origin": "internal"}),
    "complaint_response_2h_rate": ("complaint_response_rate", {"limit_min": 120}),
    "complaint_resolved_3wd_rate": ("complaint_timely_resolution_rate", {"limit_h": 72}),
    "normal_answer_rate": ("answer_rate", {"tiers": "normal"}),
    "call_csat_mean": ("csat_mean", {"source": "calls"}),
    "repeat_call_fcr": ("first_contact_resolution", {"source": "calls"}),
    "qc_count_as_agent": ("qc_count", {"by": "agent"}),
    "callback_plan_rate": ("callback_rate", {"denominator": "plan"}),
    "extra_duties": ("incidents_extra_duty", {}),
    "articles_published": ("incidents_submission", {}),
    "audit_correction_points": ("points_audit_correction", {}),
}

PRAISE_KINDS = {
    "letter": "praise_letter",
    "department": "praise_department",
    "company": "praise_company",
    "media": "praise_media",
}


def _num(v: Any) -> Any:
    if v is None:
        return None
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, int | Decimal):
        return v
    return Decimal(str(v))


def build_score_input(
    value_names: set[str],
    period: str,
    *,
    period_start_day: int = 1,
    positions: list[str] | None = None,
    employees: list[str] | None = None,
    data_dir: str | Path | None = None,
    records_url: str | None = None,
    engine: Engine | None = None,
    skip_unknown: bool = False,
) -> dict:
    """The ``csperf score`` input document for `period`, filled from the records.

    Employees named in `employees` but absent from the imported roster are an error, or, with
    `skip_unknown`, simply left out (the web app fills their cards from values entered by hand).
    """
    per = parse_period(period, period_start_day)
    own = engine is None
    eng = engine or Engine.open(data_dir, records_url)
    try:
        roster = eng.roster()
        if employees:
            unknown = [e for e in employees if e not in roster]
            if unknown and not skip_unknown:
                raise MetricsError(f"not on the roster: {', '.join(unknown)}")
            chosen = [roster[e] for e in employees if e in roster]
        else:
            chosen = [
                p
                for p in sorted(roster.values(), key=lambda p: p.id)
                if p.active(per.start, per.end) and (positions is None or p.position in positions)
            ]
        ids = [p.id for p in chosen]
        values: dict[str, dict[str, Any]] = {i: {} for i in ids}
        if ids:
            _fill_values(eng, value_names, per, ids, values)
            work = _days(eng, per, ids, roster)
        else:
            work = {}
        out = []
        for p in chosen:
            days_worked, period_days = work.get(p.id, (None, per.days))
            out.append(
                {
                    "id": p.id,
                    "name": p.name,
                    "team": p.team,
                    "department": p.department,
                    "position": p.position,
                    "values": {k: v for k, v in values[p.id].items() if v is not None},
                    "days_worked": days_worked,
                    "period_days": period_days,
                    "history": [],
                }
            )
        return {"period": per.label, "employees": out}
    finally:
        if own:
            eng.close()


def _fill_values(eng: Engine, names: set[str], per, ids: list[str], values: dict) -> None:
    plain = sorted(n for n in names if n in LIB and LIB[n].available)
    if plain:
        for row in eng.compute(per, "employee", plain, subjects=ids):
            for code in plain:
                values[row["subject"]][code] = _num(row.get(code))
    for name in sorted(names):
        if name in ALIASES:
            code, params = ALIASES[name]
            if code in LIB:
                rows = eng.compute(per, "employee", [code], {code: params}, subjects=ids)
                for row in rows:
                    values[row["subject"]][name] = _num(row.get(code))
            else:  # an alias of a derived name
                derived = _derived(eng, {code}, per, ids)
                for emp in ids:
                    if code in derived.get(emp, {}):
                        values[emp][name] = derived[emp][code]
    derived = _derived(eng, {n for n in names if n not in LIB and n not in ALIASES}, per, ids)
    for emp, d in derived.items():
        values[emp].update(d)


def _derived(eng: Engine, names: set[str], per, ids: list[str]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {i: {} for i in ids}
    kinds = {n[len("incidents_") :] for n in names if n.startswith("incidents_")} & set(
        INCIDENT_KINDS
    )
    pkinds = {n[len("points_") :] for n in names if n.startswith("points_")} & set(INCIDENT_KINDS)
    if "praise" in names:
        kinds |= set(PRAISE_KINDS.values())
    if kinds or pkinds:
        t = eng.store.table("incidents")
        t = t.filter(
            t.occurred_at >= per.start_ts, t.occurred_at < per.end_ts, t.employee_id.isin(ids)
        )
        res = (
            t.group_by("employee_id", "kind")
            .aggregate(n=t.count(), points=t.points.sum())
            .to_pyarrow()
            .to_pylist()
        )
        counts: dict[tuple[str, str], tuple[int, Any]] = {
            (r["employee_id"], r["kind"]): (r["n"], r["points"]) for r in res
        }
        for emp in ids:
            for k in kinds:
                if f"incidents_{k}" in names:
                    out[emp][f"incidents_{k}"] = counts.get((emp, k), (0, None))[0]
            for k in pkinds:
                out[emp][f"points_{k}"] = _num(_fmt(counts.get((emp, k), (0, None))[1] or 0))
            if "praise" in names:
                out[emp]["praise"] = {
                    short: counts.get((emp, kind), (0, None))[0]
                    for short, kind in PRAISE_KINDS.items()
                }
    codes = {n.split("_", 2)[2] for n in names if n.startswith(("plan_rate_", "plan_actual_"))}
    if codes:
        cal = per.calendar()
        t = eng.store.table("plans")
        t = t.filter(
            t.period_start >= cal.start,
            t.period_end <= cal.end,
            t.org_unit.isin(ids),
            t.plan_code.isin(sorted(codes)),
            t.actual.notnull(),
        )
        res = (
            t.group_by("org_unit", "plan_code")
            .aggregate(actual=t.actual.sum(), planned=t.planned.sum())
            .to_pyarrow()
            .to_pylist()
        )
        for r in res:
            emp, code = r["org_unit"], r["plan_code"]
            if f"plan_actual_{code}" in names:
                out[emp][f"plan_actual_{code}"] = _num(_fmt(r["actual"]))
            if f"plan_rate_{code}" in names and r["planned"]:
                with decimal.localcontext(CTX):
                    out[emp][f"plan_rate_{code}"] = _fmt(
                        Decimal(r["actual"]) / Decimal(r["planned"])
                    )
    return out


def _days(eng: Engine, per, ids: list[str], roster) -> dict[str, tuple[Any, Any]]:
    """days_worked and period_days of each employee.

    With attendance rows: days worked (scheduled, not absent, less leave) and, as the period's
    working days, the most scheduled days of anyone in the same team (so a leaver is prorated
    against the team's month). Without: calendar days on the roster within the period, of the
    period's calendar days.
    """
    rows = eng.compute(per, "employee", ["days_worked", "scheduled_days"])
    by_emp = {r["subject"]: r for r in rows}
    team_max: dict[str, Any] = {}
    for emp, r in by_emp.items():
        if emp in roster and r.get("scheduled_days"):
            team = roster[emp].team
            team_max[team] = max(team_max.get(team, 0), r["scheduled_days"])
    out = {}
    for emp in ids:
        r = by_emp.get(emp)
        p = roster[emp]
        if r and r.get("scheduled_days"):
            out[emp] = (_num(r["days_worked"]), _num(team_max.get(p.team, r["scheduled_days"])))
        else:
            first = max(per.start, p.hired_at) if p.hired_at else per.start
            last = min(per.last, p.left_at) if p.left_at else per.last
            out[emp] = (max(0, (last - first).days + 1), per.days)
    return out


__all__ = ["ALIASES", "build_score_input"]
