"""Score a template for a set of employees: items, sections, total, grade, rank, pay, alerts.

Everything is Decimal; nothing is rounded until the total (once, after clamps and vetoes) and
the pay (once, at the end). Per-employee input errors are collected and fail the whole run.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from csperf.scoring import explain as X
from csperf.scoring import numbers as N
from csperf.scoring.errors import InputError, Problem, TemplateError
from csperf.scoring.formula import FormulaRuntimeError, MissingName
from csperf.scoring.inputs import Employee, RunInput, number, read_input
from csperf.scoring.model import (
    FULL,
    NONE,
    Assigned,
    ByPeriod,
    Condition,
    Item,
    LastRaters,
    Section,
    Template,
    TierEntry,
)
from csperf.scoring.numbers import plain
from csperf.scoring.periods import Period

# -- results ----------------------------------------------------------------------------------


@dataclass
class ItemResult:
    code: str
    name: str
    value: Decimal | dict[str, Decimal] | None
    target: Decimal | None
    score: Decimal | None  # on the rule's scale; None when excluded
    scale: Decimal
    points: Decimal
    contribution: Decimal | None  # after renormalisation for excluded siblings
    explain: str  # the machine form (0.70 >= 0.65 -> 80/100 x 35 = 28)
    excluded: bool = False
    flags: list[str] = field(default_factory=list)
    # the rule and numbers behind the score; csperf.scoring.explain.render makes the sentence
    explain_parts: dict[str, Any] = field(default_factory=dict)


@dataclass
class SectionResult:
    code: str
    name: str
    kind: str
    weight: Decimal | None
    score: Decimal
    full: Decimal
    items: list[ItemResult]


@dataclass
class EmployeeResult:
    id: str
    name: str | None
    team: str | None
    department: str | None
    position: str | None
    total: Decimal  # rounded to 2 decimals
    unrounded_total: Decimal
    grade: str | None
    sections: list[SectionResult]
    flags: list[str] = field(default_factory=list)
    rank: int | None = None
    rank_from_bottom: int | None = None
    rank_label: str | None = None
    pay: Decimal | None = None
    pay_explain: str | None = None
    alerts: list[str] = field(default_factory=list)
    # Input problems of this employee when scored with strict=False (a cycle): the card is
    # computed without the bad inputs and held, and the other employees are not blocked.
    errors: list[str] = field(default_factory=list)

    def to_dict(self, *, explain_parts: bool = False) -> dict[str, Any]:
        """The contract's JSON of one result, numbers as Decimal (see :func:`to_jsonable`);
        ``explain_parts`` adds each item's structured explanation (stored with cards)."""
        return _result_dict(self, explain_parts)

    def item(self, code: str) -> ItemResult:
        for section in self.sections:
            for item in section.items:
                if item.code == code:
                    return item
        raise KeyError(code)


@dataclass(frozen=True)
class Ineligible:
    """An employee who gets no card (``x-eligibility``), and why."""

    id: str
    name: str | None
    reason: str


@dataclass
class ScoreRun:
    template: Template
    period: Period
    results: list[EmployeeResult]
    ineligible: list[Ineligible] = field(default_factory=list)
    inputs: RunInput | None = None  # what was scored (the printed card shows the ratings)

    def result(self, employee_id: str) -> EmployeeResult:
        for r in self.results:
            if r.id == employee_id:
                return r
        raise KeyError(employee_id)

    def to_dict(self) -> dict[str, Any]:
        """The contract's JSON output, numbers as Decimal (see :func:`to_jsonable`)."""
        out: dict[str, Any] = {
            "template": {"code": self.template.code, "version": self.template.version},
            "period": self.period.label,
            "results": [r.to_dict() for r in self.results],
        }
        if self.ineligible:
            out["ineligible"] = [
                {"id": x.id, "name": x.name, "reason": x.reason} for x in self.ineligible
            ]
        return out


def _result_dict(r: EmployeeResult, explain_parts: bool = False) -> dict[str, Any]:
    out = {
        "id": r.id,
        "name": r.name,
        "total": r.total,
        "grade": r.grade,
        "rank": r.rank,
        "rank_from_bottom": r.rank_from_bottom,
        "rank_label": r.rank_label,
        "pay": r.pay,
        "alerts": list(r.alerts),
        "flags": list(r.flags),
        "sections": [
            {
                "code": s.code,
                "score": N.round2(s.score),
                "full": s.full,
                "items": [
                    {
                        "code": i.code,
                        "value": i.value,
                        "target": i.target,
                        "score": N.round2(i.score) if i.score is not None else None,
                        "scale": i.scale,
                        "contribution": N.round2(i.contribution)
                        if i.contribution is not None
                        else None,
                        "explain": i.explain,
                        **({"explain_parts": i.explain_parts} if explain_parts else {}),
                    }
                    for i in s.items
                ],
            }
            for s in r.sections
        ],
    }
    if r.errors:
        out["errors"] = list(r.errors)
    return out


def to_jsonable(obj: Any) -> Any:
    """Decimals as JSON numbers: whole numbers as int, others as float (shortest repr)."""
    if isinstance(obj, Decimal):
        if obj == obj.to_integral_value() and obj.as_tuple().exponent >= 0:  # type: ignore[operator]
            return int(obj)
        return float(obj)
    if isinstance(obj, dict):
        return {k: to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [to_jsonable(v) for v in obj]
    return obj


# -- the run ----------------------------------------------------------------------------------


class _Missing(Exception):
    """An item has no usable value; ``why`` goes into the flag."""

    def __init__(self, why: str, *, flag: bool = False, value: Any = None) -> None:
        super().__init__(why)
        self.why = why
        self.flag = flag  # flag it whatever the missing policy (e.g. a peer statistic of 0)
        self.value = value


@dataclass
class _Scored:
    score: Decimal
    explain: str
    flags: list[str] = field(default_factory=list)
    parts: dict[str, Any] = field(default_factory=dict)


@dataclass
class _Raw:
    """An item's raw value (a number, counts by kind, or a combined rating) and how it was
    chosen among several raters (None when read from ``values``)."""

    value: Any
    note: str | None = None
    parts: dict[str, Any] | None = None  # rated items: who rated what (csperf.scoring.explain)


_EMPLOYEE_PATH = re.compile(r"^employees\[(\d+)\]")


def score(
    template: Template,
    data: Mapping[str, Any] | RunInput,
    *,
    source: str = "<input>",
    template_source: str | None = None,
    strict: bool = True,
) -> ScoreRun:
    """Score every employee of ``data`` (the contract's input object) with ``template``.

    ``strict`` (the contract, ``csperf score``): any employee's input error fails the whole run.
    ``strict=False`` (an evaluation cycle): an employee's input errors go to that employee's
    ``errors``; their card is computed without the bad inputs and the others are not blocked.
    """
    run_input = data if isinstance(data, RunInput) else read_input(data, source=source)
    with N.engine_context():
        return _Run(template, run_input, source, template_source or template.code, strict).run()


class _Run:
    def __init__(
        self, template: Template, data: RunInput, source: str, tsource: str, strict: bool
    ) -> None:
        self.t = template
        self.data = data
        self.period = data.period
        self.source = source
        self.tsource = tsource
        self.strict = strict
        self.problems: list[Problem] = []
        self.specs = template.input_specs()
        self.counted = {i.value for _, i in template.items if i.rule.type == "per_count"}
        self.domain_flags: dict[int, list[str]] = {}
        self.rejected: dict[int, set[str]] = {}  # inputs left out for being outside their unit

    # ---- errors

    def problem(self, path: str, message: str) -> None:
        self.problems.append(Problem(path, message))

    def raise_problems(self) -> None:
        if self.problems and self.strict:
            raise InputError(self.source, self.problems)

    def errors_by_employee(self) -> dict[int, list[str]]:
        out: dict[int, list[str]] = defaultdict(list)
        for p in self.problems:
            m = _EMPLOYEE_PATH.match(p.path)
            if m is None:  # not an employee's: the run itself cannot be scored
                raise InputError(self.source, [p])
            out[int(m.group(1))].append(f"{p.path}: {p.message}")
        return out

    # ---- driver

    def run(self) -> ScoreRun:
        if self.period.kind != self.t.period:
            raise InputError(
                self.source,
                [
                    Problem(
                        "period",
                        f"{self.period.label} is a {self.period.kind}; "
                        f"template {self.t.code} is scored per {self.t.period}",
                    )
                ],
            )
        employees, ineligible = self.eligible(self.data.employees)
        employees = [self.checked(emp) for emp in employees]
        # Pass 1: the raw value of every item for every employee (needed for peer statistics).
        raw: dict[tuple[int, str], Any] = {}
        for emp in employees:
            for section, item in self.t.items:
                raw[(emp.index, item.code)] = self.raw_value(emp, section, item)
        self.raise_problems()
        self.raw = raw
        self.peer_stats = self._peer_statistics(employees)
        results = [self.score_employee(emp) for emp in employees]
        self.raise_problems()
        self.attach_errors(employees, results)  # before ranking: held cards are not ranked
        self.rank(employees, results)
        for emp, res in zip(employees, results, strict=True):
            self.pay(emp, res)
            self.alerts(emp, res)
        self.raise_problems()
        self.attach_errors(employees, results)
        return ScoreRun(self.t, self.period, results, ineligible, inputs=self.data)

    def attach_errors(self, employees: list[Employee], results: list[EmployeeResult]) -> None:
        errors = self.errors_by_employee()
        for emp, res in zip(employees, results, strict=True):
            res.errors = errors.get(emp.index, [])

    # ---- eligibility and domains

    def eligible(self, employees: list[Employee]) -> tuple[list[Employee], list[Ineligible]]:
        """Leave out employees the template does not assess (``x-eligibility``, G9)."""
        rule = self.t.eligibility
        if not rule.checks_inputs:
            return employees, []
        kept: list[Employee] = []
        out: list[Ineligible] = []
        for emp in employees:
            probation = False
            if rule.exclude_probation and emp.probation is not None:
                if isinstance(emp.probation, bool):
                    probation = emp.probation
                else:
                    self.problem(f"{emp.path}.probation", "expected true or false")
            days = None
            if rule.min_days_worked is not None and not probation:
                days = self._pay_number(emp, "days_worked", required=False)
                if days is None and emp.days_worked is None:
                    # scored rather than dropped: the card says what could not be checked
                    self.domain_flags.setdefault(emp.index, []).append(
                        "days_worked missing: eligibility (min_days_worked) not checked"
                    )
            reason = rule.reason(days_worked=days, probation=probation)
            if reason is None:
                kept.append(emp)
            else:
                out.append(Ineligible(emp.id, emp.name, reason))
        return kept, out

    def checked(self, emp: Employee) -> Employee:
        """The employee with every declared input outside its unit's domain left out (flagged):
        a share of 1.3 or a negative amount of seconds is a data error, never a score."""
        if not self.specs:
            return emp
        values = dict(emp.values)
        flags: list[str] = []
        for name, spec in self.specs.items():
            if name in self.counted and _negative(values.get(name)):
                continue  # the contract: a negative count is an input error (reported there)
            why = _domain_problem(values.get(name), spec)
            if why is not None:
                flags.append(f"{name}: {why}; not scored")
                values[name] = None
                self.rejected.setdefault(emp.index, set()).add(name)
        if not flags:
            return emp
        self.domain_flags.setdefault(emp.index, []).extend(flags)
        return replace(emp, values=values)

    # ---- raw values

    def raw_value(self, emp: Employee, section: Section, item: Item) -> _Raw | _Missing:
        """The value an item scores, or a ``_Missing``; rated items combine their ratings."""
        if item.rated:
            return self.rated_value(emp, item)
        path = f"{emp.path}.values.{item.value}"
        value = emp.values.get(item.value)  # type: ignore[arg-type]
        note = None
        if item.entered_by_raters:  # G6: the raters enter the value (e.g. counts)
            picked = self.entered_value(emp, item)
            if picked is not None:
                value, note, path = picked
        rule = item.rule
        rejected = item.value in self.rejected.get(emp.index, ())
        unfed = emp.missing.get(item.value) if value is None else None  # type: ignore[arg-type]
        if unfed is not None:
            return _Missing(f"no data ({unfed})")
        if rule.type == "per_count":
            if value is None and rejected:
                return _Missing("value outside its domain")
            if value is None:
                return _Raw(Decimal(0) if not isinstance(rule.per, dict) else {}, note)
            return _Raw(self.count_value(value, rule.per, path), note)
        if value is None:
            return _Missing("value outside its domain" if rejected else "no data")
        if isinstance(value, (dict, bool)) or not isinstance(value, (int, Decimal, float)):
            self.problem(path, "expected a number")
            return _Missing("bad value")
        return _Raw(number(value), note)

    def entered_value(self, emp: Employee, item: Item) -> tuple[Any, str, str] | None:
        """The value the item's raters entered, combined per its raters (G6), or None."""
        given = emp.ratings.get(item.code, {})
        declared = item.effective_raters.roles
        present = {r: v for r, v in given.items() if r in declared and v is not None}
        if not present:
            return None
        raters = item.effective_raters
        path = f"{emp.path}.ratings.{item.code}"
        spec = item.unit
        if isinstance(raters, LastRaters):
            role = next(r for r in reversed(raters.order) if r in present)
            value = present[role]
            note = f"{role} (last in {'/'.join(raters.order)})"
            return self._entered_checked(value, spec, f"{path}.{role}"), note, f"{path}.{role}"
        weights = [(r, w) for r, w in raters.weights if r in present]
        total = sum((w for _, w in weights), Decimal(0))
        if total == 0:
            return None
        for r, _ in weights:
            if isinstance(present[r], bool) or not isinstance(
                present[r], (int, float, Decimal, dict)
            ):
                self.problem(f"{path}.{r}", "expected a number or counts by kind")
                return None
        if any(isinstance(present[r], dict) for r, _ in weights):
            kinds = {k for r, _ in weights if isinstance(present[r], dict) for k in present[r]}
            value: Any = {
                k: sum((number((present[r] or {}).get(k) or 0) * w for r, w in weights), Decimal(0))
                / total
                for k in kinds
            }
        else:
            value = sum((number(present[r]) * w for r, w in weights), Decimal(0)) / total
        note = " + ".join(f"{r} x {plain(w / total, 4)}" for r, w in weights)
        return value, note, path

    def _entered_checked(self, value: Any, spec: Any, path: str) -> Any:
        why = _domain_problem(value, spec) if spec is not None else None
        if why is not None:
            self.problem(path, why)
            return None
        return value

    def count_value(self, value: Any, per: Any, path: str) -> Any:
        if isinstance(value, dict):
            counts: dict[str, Decimal] = {}
            for kind, count in value.items():
                if count is None:
                    continue
                if isinstance(count, bool) or not isinstance(count, (int, Decimal, float)):
                    self.problem(f"{path}.{kind}", "expected a count")
                    continue
                if count < 0:
                    self.problem(f"{path}.{kind}", "a count cannot be negative")
                    continue
                counts[str(kind)] = number(count)
            if not isinstance(per, dict):
                return sum(counts.values(), Decimal(0))
            return counts
        if isinstance(value, bool) or not isinstance(value, (int, Decimal, float)):
            self.problem(path, "expected a count")
            return Decimal(0)
        if value < 0:
            self.problem(path, "a count cannot be negative")
            return Decimal(0)
        if isinstance(per, dict):
            self.problem(path, f"expected counts by kind ({', '.join(per)})")
            return {}
        return number(value)

    def rated_value(self, emp: Employee, item: Item) -> _Raw | _Missing:
        given = emp.ratings.get(item.code, {})
        path = f"{emp.path}.ratings.{item.code}"
        scores: dict[str, Decimal] = {}
        shown: dict[str, str] = {}
        level_of: dict[str, int] = {}
        declared = set(item.effective_raters.roles)
        for role, rating in given.items():
            if rating is None or role not in declared:
                continue  # raters the item does not declare are ignored
            rpath = f"{path}.{role}"
            if isinstance(rating, bool) or not isinstance(rating, (int, Decimal, float)):
                self.problem(rpath, "expected a number")
                continue
            rating = number(rating)
            if item.rule.type == "levels":
                levels = {lv.level: lv for lv in item.rule.levels}
                if rating != rating.to_integral_value() or int(rating) not in levels:
                    self.problem(
                        rpath,
                        f"unknown level {plain(rating)} (levels: {', '.join(map(str, levels))})",
                    )
                    continue
                level = levels[int(rating)]
                scores[role] = level.score
                shown[role] = f"L{level.level}({plain(level.score)})"
                level_of[role] = level.level
            else:
                low = self.bound(item.rule.min, item)
                high = self.bound(item.rule.max, item)
                if not low <= rating <= high:
                    self.problem(
                        rpath, f"score {plain(rating)} is outside {plain(low)}–{plain(high)}"
                    )
                    continue
                scores[role] = rating
                shown[role] = plain(rating)
        raters = item.effective_raters
        if isinstance(raters, LastRaters):
            for role in reversed(raters.order):
                if role in scores:
                    return _Raw(
                        scores[role],
                        f"{role} {shown[role]} (last in {'/'.join(raters.order)})",
                        X.rated(
                            "last",
                            [{"role": role, "score": scores[role], "level": level_of.get(role)}],
                        ),
                    )
            return _Missing("no rating")
        present = [(role, w) for role, w in raters.weights if role in scores]
        total_weight = sum((w for _, w in present), Decimal(0))
        if not present or total_weight == 0:
            return _Missing("no rating")
        combined = sum((scores[r] * w for r, w in present), Decimal(0)) / total_weight
        if len(present) == 1:
            text = f"{present[0][0]} {shown[present[0][0]]}"
        else:
            text = " + ".join(f"{r} {shown[r]} x {plain(w / total_weight, 4)}" for r, w in present)
        parts = X.rated(
            "one" if len(present) == 1 else "weighted",
            [
                {
                    "role": r,
                    "score": scores[r],
                    "level": level_of.get(r),
                    "weight": w / total_weight,
                }
                for r, w in present
            ],
        )
        return _Raw(combined, text, parts)

    def bound(self, bound: Decimal | str, item: Item) -> Decimal:
        return item.scale if bound == FULL else bound  # type: ignore[return-value]

    # ---- peers

    def _group_key(self, emp: Employee, peers: str) -> str | None:
        if peers == "team":
            return emp.team
        if peers == "department":
            return emp.department
        return "*"

    def _peer_statistics(
        self, employees: list[Employee]
    ) -> dict[tuple[str, str | None], Decimal | None]:
        stats: dict[tuple[str, str | None], Decimal | None] = {}
        for _, item in self.t.items:
            rule = item.rule
            if rule.type == "relative":
                groups: dict[str | None, list[Decimal]] = defaultdict(list)
                for emp in employees:
                    value = _number_of(self.raw[(emp.index, item.code)])
                    if value is not None:
                        groups[self._group_key(emp, rule.peers)].append(value)
                for key, values in groups.items():
                    stats[(item.code, key)] = _statistic(rule.stat, values)
            if rule.type == "formula" and "peer_mean" in rule.expr.names:
                values = [
                    x
                    for e in employees
                    if (x := _number_of(self.raw[(e.index, item.code)])) is not None
                ]
                stats[(item.code, "peer_mean")] = _statistic("mean", values) if values else None
        return stats

    # ---- targets

    def target(self, emp: Employee, item: Item, target: Any, path: str) -> Decimal:
        if isinstance(target, Decimal):
            return target
        if isinstance(target, ByPeriod):
            value = target.resolve(self.period)
            if value is None:
                raise TemplateError(
                    self.tsource,
                    [
                        Problem(
                            path, f"by_period has no entry for {self.period.label} and no default"
                        )
                    ],
                )
            return value
        assert isinstance(target, Assigned)
        value = emp.targets.get(item.code)
        tpath = f"{emp.path}.targets.{item.code}"
        if value is None:
            raise _InputProblem(tpath, "missing assigned target")
        if isinstance(value, bool) or not isinstance(value, (int, Decimal, float)):
            raise _InputProblem(tpath, "expected a number")
        return number(value)

    # ---- items

    def item_path(self, item: Item) -> str:
        for s_idx, section in enumerate(self.t.sections):
            for i_idx, candidate in enumerate(section.items):
                if candidate is item:
                    return f"sections[{s_idx}].items[{i_idx}]"
        return item.code  # pragma: no cover

    def score_item(self, emp: Employee, section: Section, item: Item) -> ItemResult:
        rule = item.rule
        scale = item.scale
        raw = self.raw[(emp.index, item.code)]
        target: Decimal | None = None
        target_spec = getattr(rule, "target", None)
        if target_spec is not None:
            target = self.target(emp, item, target_spec, f"{self.item_path(item)}.rule.target")
        flags: list[str] = []
        value: Any = None
        try:
            if isinstance(raw, _Missing):
                raise raw
            value = raw.value
            scored = self.apply_rule(emp, item, value, target, raw.note)
        except _Missing as missing:
            result = self.missing_item(item, missing.why, target)
            result.value = missing.value
            if missing.flag and not result.excluded:  # excluded items are flagged anyway
                result.flags.append(missing.why)
            return result
        flags.extend(scored.flags)
        contribution = item.points * scored.score / scale
        explain = _contribution_text(scored.explain, scored.score, scale, item.points, contribution)
        parts = self.finish_parts(item, scored.parts, scored.score, contribution)
        if item.entered_by_raters and raw.note:
            explain = f"{raw.note}: {explain}"
            given = emp.ratings.get(item.code, {})
            parts["entered"] = X.entered(
                item.effective_raters, [r for r, v in given.items() if v is not None]
            )
        return ItemResult(
            item.code,
            item.label,
            value,
            target,
            scored.score,
            scale,
            item.points,
            contribution,
            explain,
            flags=flags,
            explain_parts=parts,
        )

    def finish_parts(
        self, item: Item, parts: dict[str, Any], score_: Decimal | None, contribution: Any
    ) -> dict[str, Any]:
        unit = item.unit
        return X.finish(
            parts,
            name=item.label,
            percent=bool(unit is not None and unit.percent),
            score=score_,
            scale=item.scale,
            points=item.points,
            contribution=contribution,
        )

    def missing_item(self, item: Item, why: str, target: Decimal | None) -> ItemResult:
        scale = item.scale
        if item.missing == "exclude":
            return ItemResult(
                item.code,
                item.label,
                None,
                target,
                None,
                scale,
                item.points,
                None,
                f"{why} -> excluded",
                excluded=True,
                explain_parts=self.finish_parts(item, self.missing_parts(why, item), None, None),
            )
        score_ = N.ZERO if item.missing == "zero" else scale
        text = (
            f"{why} -> {'0' if item.missing == 'zero' else 'full marks'} (missing: {item.missing})"
        )
        contribution = item.points * score_ / scale
        return ItemResult(
            item.code,
            item.label,
            None,
            target,
            score_,
            scale,
            item.points,
            contribution,
            _contribution_text(text, score_, scale, item.points, contribution),
            explain_parts=self.finish_parts(
                item, self.missing_parts(why, item), score_, contribution
            ),
        )

    def missing_parts(self, why: str, item: Item) -> dict[str, Any]:
        labels = {n: s.label for n, s in self.specs.items() if s.label}
        return X.missing(why, item.missing, labels)

    def apply_rule(
        self, emp: Employee, item: Item, value: Any, target: Decimal | None, rating_text: str | None
    ) -> _Scored:
        rule = item.rule
        full = item.scale
        if rule.type in ("levels", "manual"):
            raw = self.raw[(emp.index, item.code)]
            parts = raw.parts if isinstance(raw, _Raw) and raw.parts else {}
            return _Scored(value, f"{rating_text} -> {plain(value, 4)}", parts=parts)
        if rule.type == "tiers":
            return _tiers(rule.tiers, value, plain(value, 6))
        if rule.type == "linear":
            return _linear(rule, value)
        if rule.type == "step":
            return _step(rule, value, target, full)  # type: ignore[arg-type]
        if rule.type == "per_count":
            return _per_count(rule, value, full)
        if rule.type == "ratio":
            assert target is not None
            if target <= 0:
                raise _InputProblem(
                    f"{emp.path}.targets.{item.code}", "a ratio target must be greater than 0"
                )
            return _ratio(rule, value, target, full)
        if rule.type == "relative":
            stat = self.peer_stats.get((item.code, self._group_key(emp, rule.peers)))
            if stat is None or stat == 0:
                raise _Missing(f"peer {rule.stat} is 0", flag=True, value=value)
            ratio = value / stat
            scored = _tiers(
                rule.tiers,
                ratio,
                f"{plain(value, 6)} / {rule.stat} {plain(stat, 4)} = {plain(ratio, 4)}",
            )
            scored.parts = X.relative(value, rule.peers, rule.stat, stat, ratio, scored.parts)
            return scored
        if rule.type == "formula":
            env = {
                "value": value,
                "target": target,
                "full": full,
                "points": item.points,
                "peer_mean": self.peer_stats.get((item.code, "peer_mean")),
            }
            try:
                result = rule.expr.evaluate(env, emp.values, self.previous_values(emp))
            except MissingName as missing:
                raise _Missing(f"no data for {missing.name}") from None
            except FormulaRuntimeError as exc:
                return _Scored(
                    N.ZERO,
                    f"formula error: {exc} -> 0",
                    [f"formula error: {exc}"],
                    X.formula_error(str(exc)),
                )
            return _Scored(
                result,
                f"{rule.expr.text} [value={plain(value, 6)}] -> {plain(result, 4)}",
                parts=X.formula(value),
            )
        raise AssertionError(rule.type)  # pragma: no cover

    def previous_values(self, emp: Employee) -> Mapping[str, Any]:
        """The inputs of the period just before this one, from the history (``prev()``, G10)."""
        before = self.period.previous()
        for entry in emp.history:
            if entry.period == before:
                return entry.values
        return {}

    # ---- employee

    def score_employee(self, emp: Employee) -> EmployeeResult:
        flags: list[str] = list(self.domain_flags.get(emp.index, []))
        sections: list[SectionResult] = []
        for section in self.t.sections:
            items: list[ItemResult] = []
            for item in section.items:
                try:
                    result = self.score_item(emp, section, item)
                except _InputProblem as exc:
                    self.problem(exc.path, exc.message)
                    result = ItemResult(
                        item.code,
                        item.label,
                        None,
                        None,
                        None,
                        item.scale,
                        item.points,
                        None,
                        "error",
                        excluded=True,
                        explain_parts=self.finish_parts(item, X.error(), None, None),
                    )
                for flag in result.flags:
                    flags.append(f"{section.code}.{item.code}: {flag}")
                if result.excluded and result.explain != "error":
                    flags.append(f"{section.code}.{item.code}: {result.explain}")
                items.append(result)
            sections.append(self.section_result(section, items, flags))
        total, grade = self.total(emp, sections, flags)
        rounded = N.round2(total)
        if grade is None:
            grade = self.grade(rounded, flags)
        return EmployeeResult(
            emp.id,
            emp.name,
            emp.team,
            emp.department,
            emp.position,
            rounded,
            total,
            grade,
            sections,
            flags,
        )

    def section_result(
        self, section: Section, items: list[ItemResult], flags: list[str]
    ) -> SectionResult:
        present = [i for i in items if not i.excluded]
        if section.kind in ("base", "multiplier") and len(present) < len(items):
            all_points = sum((i.points for i in items), Decimal(0))
            present_points = sum((i.points for i in present), Decimal(0))
            if present:
                for i in present:
                    assert i.contribution is not None
                    # multiply before dividing: 30 x 100 / 60 is exactly 50
                    i.contribution = i.contribution * all_points / present_points
                    i.explain += (
                        f" (x {plain(all_points)}/{plain(present_points)} for excluded items)"
                    )
                    i.explain_parts["base_contribution"] = i.explain_parts.get("contribution")
                    i.explain_parts["contribution"] = i.contribution
                    i.explain_parts["rescale"] = {
                        "excluded": len(items) - len(present),
                        "present": present_points,
                        "all": all_points,
                    }
            else:
                what = "scores 0" if section.kind == "base" else "counts as factor 1"
                flags.append(f"{section.code}: every item excluded, section {what}")
        raw_score = sum((i.contribution for i in present if i.contribution is not None), Decimal(0))
        score_ = N.clamp(raw_score, section.min, section.max)
        return SectionResult(
            section.code, section.label, section.kind, section.weight, score_, section.full, items
        )

    def total(
        self, emp: Employee, sections: list[SectionResult], flags: list[str]
    ) -> tuple[Decimal, Any]:
        base = N.ZERO
        factor = N.ONE
        bonus = N.ZERO
        deduction = N.ZERO
        for spec, result in zip(self.t.sections, sections, strict=True):
            if spec.kind == "base":
                base += spec.effective_weight * result.score
            elif spec.kind == "multiplier":
                if all(i.excluded for i in result.items) or result.full == 0:
                    continue
                factor *= result.score / result.full
            elif spec.kind == "bonus":
                bonus += result.score
            else:
                deduction += abs(result.score)
        total = base * factor + bonus - deduction
        total = N.clamp(total, self.t.total.min, self.t.total.max)
        grade: Any = None
        for veto in self.t.total.veto:
            value = emp.values.get(veto.value)
            if value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, (int, Decimal, float)):
                self.problem(
                    f"{emp.path}.values.{veto.value}", "expected a number (used by a veto)"
                )
                continue
            if veto.holds(number(value)):
                if veto.total is not None:
                    total = veto.total
                flags.append(veto.reason)
                if veto.grade is not None:
                    grade = veto.grade
                break
        return total, grade

    def grade(self, total: Decimal, flags: list[str]) -> str | None:
        if not self.t.grades:
            return None
        for entry in self.t.grades:
            if entry.holds(total):
                return entry.grade
        flags.append(f"no grade matches total {total}")
        return None

    # ---- ranking, pay, alerts

    def rank(self, employees: list[Employee], results: list[EmployeeResult]) -> None:
        ranking = self.t.ranking
        if ranking is None:
            return
        groups: dict[str | None, list[EmployeeResult]] = defaultdict(list)
        for emp, res in zip(employees, results, strict=True):
            if res.errors:  # a card held for bad inputs is not ranked against the others
                res.flags.append("not ranked: the card has input errors")
                continue
            groups[self._group_key(emp, ranking.group)].append(res)
        for members in groups.values():
            totals = sorted(m.total for m in members)
            for m in members:
                # competition ranking: 1 + how many are strictly higher (ties share a rank)
                m.rank = 1 + len(totals) - bisect.bisect_right(totals, m.total)
                m.rank_from_bottom = 1 + bisect.bisect_left(totals, m.total)
                if ranking.top and m.rank <= ranking.top.count:
                    m.rank_label = ranking.top.label
                elif ranking.bottom and m.rank_from_bottom <= ranking.bottom.count:
                    m.rank_label = ranking.bottom.label

    def pay(self, emp: Employee, res: EmployeeResult) -> None:
        pay = self.t.pay
        if pay is None:
            return
        if isinstance(pay.base, Assigned):
            if emp.pay_base is None:
                self.problem(
                    f"{emp.path}.pay_base", "missing (the template's pay base is assigned)"
                )
                return
            if isinstance(emp.pay_base, bool) or not isinstance(
                emp.pay_base, (int, Decimal, float)
            ):
                self.problem(f"{emp.path}.pay_base", "expected a number")
                return
            base = number(emp.pay_base)
        else:
            base = pay.base
        if pay.mode == "proportional":
            factor = res.total / N.HUNDRED
            how = f"{plain(res.total)}/100"
        else:
            factor = None
            for band in pay.bands:
                if band.holds(res.total):
                    factor = band.factor
                    how = f"band {band.describe()}"
                    break
            if factor is None:
                factor = N.ZERO
                how = "no band"
                res.flags.append(f"pay: no band matches total {res.total}")
        if pay.min_factor is not None and factor < pay.min_factor:
            factor = pay.min_factor
            how += f", floor {plain(pay.min_factor)}"
        amount = base * factor
        text = f"{plain(base)} x {plain(factor, 4)} ({how})"
        if pay.prorate:
            days = self._pay_number(emp, "days_worked", required=True)
            if days is None:
                return
            period_days = self._pay_number(emp, "period_days", required=False)
            if period_days is None:
                period_days = Decimal(self.period.days(self.t.period_start_day))
            if period_days <= 0:
                self.problem(f"{emp.path}.period_days", "must be greater than 0")
                return
            amount = amount * days / period_days
            text += f" x {plain(days)}/{plain(period_days)} days"
        for c_idx, comp in enumerate(pay.components):
            part = self.component(emp, comp, f"{emp.path}.values.{comp.value}", c_idx)
            if part:
                amount += part
                text += f" {'+' if part > 0 else '-'} {comp.name} {plain(abs(part), 4)}"
        res.pay = N.round2(amount)
        res.pay_explain = f"{text} = {plain(res.pay)}"

    def component(self, emp: Employee, comp: Any, path: str, index: int) -> Decimal:
        """One pay component's amount: rate × value, a conditional or fixed sum (x-when,
        x-amount, G3), or a bracketed commission (x-rate-tiers, G4); 0 when its value is
        missing."""
        if comp.value is None:  # a fixed amount (底薪 800), paid unconditionally
            return comp.amount
        value = emp.values.get(comp.value)
        if value is None:
            return N.ZERO
        if isinstance(value, bool) or not isinstance(value, (int, Decimal, float)):
            self.problem(path, f"expected a number (pay component {comp.name})")
            return N.ZERO
        x = number(value)
        when = comp.when
        if when is not None and not when.holds(x):
            return N.ZERO
        tiers = comp.rate_tiers
        if tiers is not None:
            tier = next((t for t in tiers if t.holds(x)), None)
            return tier.rate * x if tier is not None else N.ZERO
        return comp.amount if comp.amount is not None else comp.rate * x

    def _pay_number(
        self, emp: Employee, key: str, *, required: bool, why: str = "the template prorates pay"
    ) -> Decimal | None:
        value = getattr(emp, key)
        if value is None:
            if required:
                self.problem(f"{emp.path}.{key}", f"missing ({why})")
            return None
        if isinstance(value, bool) or not isinstance(value, (int, Decimal, float)) or value < 0:
            self.problem(f"{emp.path}.{key}", "expected a number ≥ 0")
            return None
        return number(value)

    def alerts(self, emp: Employee, res: EmployeeResult) -> None:
        if not self.t.alerts:
            return
        history = {
            h.period: h
            for h in emp.history
            if h.period < self.period and h.period.kind == self.period.kind
        }
        current = _Facts(res.total, res.grade, res.rank, res.rank_from_bottom, emp.values)
        for alert in self.t.alerts:
            streak = 0
            facts: _Facts | None = current
            period = self.period
            while facts is not None and _when_holds(alert.when, facts):
                streak += 1
                if streak >= alert.consecutive:
                    break
                period = period.previous()
                h = history.get(period)
                facts = (
                    None
                    if h is None
                    else _Facts(h.total, h.grade, h.rank, h.rank_from_bottom, h.values)
                )
            if streak >= alert.consecutive:
                res.alerts.append(alert.message)


@dataclass(frozen=True)
class _Facts:
    """What an alert condition can test about one period: the result and the inputs."""

    total: Decimal | None
    grade: str | None
    rank: int | None
    rank_from_bottom: int | None
    values: Mapping[str, Any]


class _InputProblem(Exception):
    def __init__(self, path: str, message: str) -> None:
        super().__init__(message)
        self.path = path
        self.message = message


def _when_holds(when: Any, facts: _Facts) -> bool:
    """Every condition ``when`` states holds for ``facts`` (a condition on a missing field
    does not hold); ``all`` holds when each of its parts does."""
    checks = []
    if when.grade is not None:
        checks.append(facts.grade is not None and facts.grade == when.grade)
    if when.total_lt is not None:
        checks.append(facts.total is not None and N.round2(facts.total) < when.total_lt)
    if when.total_gte is not None:
        checks.append(facts.total is not None and N.round2(facts.total) >= when.total_gte)
    if when.rank is not None:
        checks.append(facts.rank is not None and facts.rank == when.rank)
    if when.rank_from_bottom is not None:
        checks.append(
            facts.rank_from_bottom is not None and facts.rank_from_bottom == when.rank_from_bottom
        )
    condition = when.value_condition
    if condition is not None:
        value = facts.values.get(when.value)
        checks.append(
            value is not None
            and not isinstance(value, (bool, dict, str))
            and condition.holds(number(value))
        )
    for part in when.all or []:
        checks.append(_when_holds(part, facts))
    return all(checks) and bool(checks)


def _number_of(raw: Any) -> Decimal | None:
    """A raw value that is a single number (peer statistics ignore counts by kind)."""
    return raw.value if isinstance(raw, _Raw) and isinstance(raw.value, Decimal) else None


def _negative(value: Any) -> bool:
    if isinstance(value, dict):
        return any(_negative(v) for v in value.values())
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool) and value < 0


def _domain_problem(value: Any, spec: Any) -> str | None:
    """Why ``value`` lies outside the declared unit ``spec`` (None: inside, absent or not a
    number — a value of the wrong type is reported where it is used)."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, dict):
        for kind, count in value.items():
            why = _domain_problem(count, spec)
            if why is not None:
                return f"{kind}: {why}"
        return None
    if not isinstance(value, (int, float, Decimal)):
        return None
    return spec.problem(number(value))


def _statistic(stat: str, values: list[Decimal]) -> Decimal | None:
    if not values:
        return None
    if stat == "mean":
        return sum(values, Decimal(0)) / len(values)
    if stat == "max":
        return max(values)
    ordered = sorted(values)
    mid = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[mid]
    return (ordered[mid - 1] + ordered[mid]) / 2


# -- rule arithmetic (shared with describe) ---------------------------------------------------


def _condition_text(entry: Condition, shown: str) -> str:
    parts = []
    for op, sym in (("gte", ">="), ("gt", ">"), ("lte", "<="), ("lt", "<")):
        bound = getattr(entry, op)
        if bound is not None:
            parts.append(f"{sym} {plain(bound)}")
    return f"{shown} {' and '.join(parts)}" if parts else f"{shown} (otherwise)"


def _tiers(tiers: list[TierEntry], x: Decimal, shown: str) -> _Scored:
    for entry in tiers:
        if entry.holds(x):
            return _Scored(
                entry.score,
                f"{_condition_text(entry, shown)} -> {plain(entry.score)}",
                parts=X.tiers(x, entry),
            )
    return _Scored(N.ZERO, f"{shown}: no match -> 0", ["no tier matches -> 0"], X.tiers(x, None))


def _linear(rule: Any, x: Decimal) -> _Scored:
    pts = rule.points
    if x < pts[0][0]:
        below = rule.below if rule.below is not None else pts[0][1]
        return _Scored(
            below,
            f"{plain(x, 6)} < {plain(pts[0][0])} -> {plain(below)}",
            parts=X.linear(x, "below", pts[0][0]),
        )
    if x >= pts[-1][0]:
        return _Scored(
            pts[-1][1],
            f"{plain(x, 6)} >= {plain(pts[-1][0])} -> {plain(pts[-1][1])}",
            parts=X.linear(x, "above", pts[-1][0]),
        )
    for (x0, y0), (x1, y1) in itertools.pairwise(pts):
        if x0 <= x < x1:
            y = y0 + (y1 - y0) * (x - x0) / (x1 - x0)
            return _Scored(
                y,
                f"{plain(x, 6)} between {plain(x0)} and {plain(x1)} -> {plain(y, 4)}",
                parts=X.linear(x, "between", x0, x1),
            )
    raise AssertionError("unreachable")  # pragma: no cover


def _resolve(bound: Decimal | str, full: Decimal) -> Decimal:
    return full if bound == FULL else bound  # type: ignore[return-value]


def _round_steps(steps: Decimal, rounding: str) -> Decimal:
    if rounding == "ceil":
        return N.ceil(steps)
    if rounding == "floor":
        return N.floor(steps)
    return steps


def _step(rule: Any, x: Decimal, target: Decimal, full: Decimal) -> _Scored:
    if rule.better == "higher":
        short, excess = max(N.ZERO, target - x), max(N.ZERO, x - target)
    else:
        short, excess = max(N.ZERO, x - target), max(N.ZERO, target - x)
    short_steps = _round_steps(short / rule.step, rule.rounding)
    excess_steps = _round_steps(excess / rule.step, rule.rounding)
    start = _resolve(rule.start, full)
    raw = start - rule.per_step * short_steps + rule.bonus_per_step * excess_steps
    result = N.clamp(raw, _resolve(rule.min, full), _resolve(rule.max, full))
    cmp = "target"
    text = f"{plain(x, 6)} vs {cmp} {plain(target)}"
    if short_steps:
        worse = "short" if rule.better == "higher" else "over"
        text += f": {plain(short_steps, 4)} steps {worse} x {plain(rule.per_step)}"
    elif excess_steps and rule.bonus_per_step:
        text += f": {plain(excess_steps, 4)} steps better x {plain(rule.bonus_per_step)}"
    text += f" from {plain(start)}"
    if result != raw:
        text += f" = {plain(raw, 4)}, limited"
    parts = X.step(rule, x, target, short_steps, excess_steps, start, result != raw)
    return _Scored(result, f"{text} -> {plain(result, 4)}", parts=parts)


def _per_count(rule: Any, value: Any, full: Decimal) -> _Scored:
    start = _resolve(rule.start, full)
    low = _resolve(rule.min, full)
    high = None if rule.max == NONE else _resolve(rule.max, full)  # max: none (G8)
    flags: list[str] = []
    if isinstance(rule.per, dict):
        counts = {k: value.get(k, N.ZERO) for k in rule.per}
        unknown = sorted(k for k, c in value.items() if k not in rule.per and c)
        if unknown:  # most often a typo in the kind's name: say so rather than score silently
            flags.append(f"kinds not in the rule ignored: {', '.join(unknown)}")
        delta = sum((rule.per[k] * c for k, c in counts.items()), Decimal(0))
        total_count = sum(value.values(), Decimal(0))  # zero_at counts every kind
        parts = " + ".join(f"{k} {plain(c)} x {plain(rule.per[k])}" for k, c in counts.items() if c)
        text = f"{plain(start)} + ({parts or 'none'})"
    else:
        delta = rule.per * value
        total_count = value
        text = f"{plain(start)} + {plain(value, 6)} x {plain(rule.per)}"
    kinds = counts if isinstance(rule.per, dict) else None
    if rule.zero_at is not None and total_count >= rule.zero_at:
        return _Scored(
            low,
            f"{plain(total_count)} >= {plain(rule.zero_at)} occurrences -> {plain(low)}",
            flags,
            X.per_count(
                total_count,
                rule.per,
                start,
                kinds=kinds,
                zero_at=rule.zero_at,
                zeroed=True,
                names=rule.extensions.get("x-kinds"),
            ),
        )
    raw = start + delta
    result = N.clamp(raw, low, high)
    if result != raw:
        text += f" = {plain(raw, 4)}, limited"
    parts = X.per_count(
        total_count,
        rule.per,
        start,
        kinds=kinds,
        limited=result != raw,
        names=rule.extensions.get("x-kinds"),
    )
    return _Scored(result, f"{text} -> {plain(result, 4)}", flags, parts)


def _ratio(rule: Any, x: Decimal, target: Decimal, full: Decimal) -> _Scored:
    if rule.better == "higher":
        ratio = x / target
        text = f"{plain(x, 6)} / {plain(target)} = {plain(ratio, 4)}"
    elif x == 0:
        ratio = rule.cap
        text = "value 0"
    else:
        ratio = target / x
        text = f"{plain(target)} / {plain(x, 6)} = {plain(ratio, 4)}"
    capped = None
    if ratio > rule.cap:
        text += f", capped at {plain(rule.cap)}"
        capped = rule.cap
    parts = X.ratio(x, target, rule.better, ratio, capped)
    ratio = min(ratio, rule.cap)
    result = full * ratio
    return _Scored(result, f"{text} -> {plain(result, 4)}", parts=parts)


def _contribution_text(
    core: str, score_: Decimal, scale: Decimal, points: Decimal, contribution: Decimal
) -> str:
    if scale == points:
        return f"{core}/{plain(scale)}"
    return f"{core}/{plain(scale)} x {plain(points)} = {plain(contribution, 4)}"
