"""Score a template for a set of employees: items, sections, total, grade, rank, pay, alerts.

Everything is Decimal; nothing is rounded until the total (once, after clamps and vetoes) and
the pay (once, at the end). Per-employee input errors are collected and fail the whole run.
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from csperf.kernel.problems import Problem
from csperf.scoring import explain as X
from csperf.scoring import numbers as N
from csperf.scoring.errors import InputError, TemplateError
from csperf.scoring.inputs import Employee, RunInput, number, read_input
from csperf.scoring.model import (
    Assigned,
    ByPeriod,
    Item,
    LastRaters,
    Section,
    Template,
)
from csperf.scoring.numbers import plain
from csperf.scoring.payout import Payout
from csperf.scoring.results import (
    EmployeeResult,
    Ineligible,
    ItemResult,
    ScoreRun,
    SectionResult,
)
from csperf.scoring.rules import (
    InputProblem,
    MissingValue,
    Rating,
    RatingRejected,
    ScoreContext,
    Scored,
    kind_of,
)

__all__ = ["EmployeeResult", "Ineligible", "ItemResult", "ScoreRun", "SectionResult", "score"]

# -- the run ----------------------------------------------------------------------------------


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


class _Run(Payout):
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
        self.counted = {i.value for _, i in template.items if kind_of(i.rule).counts}
        self.domain_flags: dict[int, list[str]] = {}
        self.rejected: dict[int, set[str]] = {}  # inputs left out for being outside their unit
        # What each item's scoring reads of the template, worked out once per run (not once
        # per item and employee: 10,000 people are 60,000 item scores).
        self.paths = {
            id(item): f"sections[{s}].items[{i}]"
            for s, section in enumerate(template.sections)
            for i, item in enumerate(section.items)
        }
        self.target_specs = {id(i): getattr(i.rule, "target", None) for _, i in template.items}
        self.percent = {
            id(i): bool(i.unit is not None and i.unit.percent) for _, i in template.items
        }

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

    def raw_value(self, emp: Employee, section: Section, item: Item) -> _Raw | MissingValue:
        """The value an item scores, or a ``MissingValue``; rated items combine their ratings."""
        if item.rated:
            return self.rated_value(emp, item)
        path = f"{emp.path}.values.{item.value}"
        name = item.value or ""  # every item that is not rated names its value
        value = emp.values.get(name)
        note = None
        if item.entered_by_raters:  # G6: the raters enter the value (e.g. counts)
            picked = self.entered_value(emp, item)
            if picked is not None:
                value, note, path = picked
        rejected = item.value in self.rejected.get(emp.index, ())
        unfed = emp.missing.get(name) if value is None else None
        if unfed is not None:
            return MissingValue(f"no data ({unfed})")
        try:
            read = kind_of(item.rule).read(
                item.rule, value, path=path, rejected=rejected, report=self.problem
            )
        except MissingValue as missing:
            # kept in self.raw: without its traceback (frames -> self -> raw), the run is not
            # a reference cycle and is freed when done, not by the garbage collector
            return missing.with_traceback(None)
        return _Raw(read, note)

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
            last = present[role]
            note = f"{role} (last in {'/'.join(raters.order)})"
            return self._entered_checked(last, spec, f"{path}.{role}"), note, f"{path}.{role}"
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

    def rated_value(self, emp: Employee, item: Item) -> _Raw | MissingValue:
        ratings = self.accepted_ratings(emp, item)
        scores = {role: r.score for role, r in ratings.items()}
        shown = {role: r.shown for role, r in ratings.items()}
        level_of = {role: r.level for role, r in ratings.items() if r.level is not None}
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
            return MissingValue("no rating")
        present = [(role, w) for role, w in raters.weights if role in scores]
        total_weight = sum((w for _, w in present), Decimal(0))
        if not present or total_weight == 0:
            return MissingValue("no rating")
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

    def accepted_ratings(self, emp: Employee, item: Item) -> dict[str, Rating]:
        """Each declared rater's rating the item's rule accepts (the others are reported)."""
        path = f"{emp.path}.ratings.{item.code}"
        kind = kind_of(item.rule)
        declared = set(item.effective_raters.roles)
        out: dict[str, Rating] = {}
        for role, rating in emp.ratings.get(item.code, {}).items():
            if rating is None or role not in declared:
                continue  # raters the item does not declare are ignored
            if isinstance(rating, bool) or not isinstance(rating, (int, Decimal, float)):
                self.problem(f"{path}.{role}", "expected a number")
                continue
            try:
                out[role] = kind.rating(item.rule, number(rating), full=item.scale)
            except RatingRejected as exc:
                self.problem(f"{path}.{role}", exc.message)
        return out

    # ---- peers

    def _group_key(self, emp: Employee, peers: str) -> str | None:
        if peers == "team":
            return emp.team
        if peers == "department":
            return emp.department
        return "*"

    def _peer_statistics(
        self, employees: list[Employee]
    ) -> dict[str, dict[str | None, Decimal | None]]:
        """Each item's statistics over everyone's value (by group), for rules that compare."""
        return {
            item.code: kind_of(item.rule).peer_statistics(
                item.rule,
                [(emp, _number_of(self.raw[(emp.index, item.code)])) for emp in employees],
                self._group_key,
            )
            for _, item in self.t.items
        }

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
            raise InputProblem(tpath, "missing assigned target")
        if isinstance(value, bool) or not isinstance(value, (int, Decimal, float)):
            raise InputProblem(tpath, "expected a number")
        return number(value)

    # ---- items

    def item_path(self, item: Item) -> str:
        return self.paths.get(id(item), item.code)

    def score_item(self, emp: Employee, section: Section, item: Item) -> ItemResult:
        scale = item.scale
        raw = self.raw[(emp.index, item.code)]
        target: Decimal | None = None
        target_spec = self.target_specs[id(item)]
        if target_spec is not None:
            target = self.target(emp, item, target_spec, f"{self.item_path(item)}.rule.target")
        flags: list[str] = []
        value: Any = None
        try:
            if isinstance(raw, MissingValue):
                raise raw
            value = raw.value
            scored = self.apply_rule(emp, item, raw, target)
        except MissingValue as missing:
            missing.__traceback__ = None  # a raw value raised again: no cycle through self.raw
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
        return X.finish(
            parts,
            name=item.label,
            percent=self.percent[id(item)],
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

    def apply_rule(self, emp: Employee, item: Item, raw: _Raw, target: Decimal | None) -> Scored:
        """The item's rule applied to its value (csperf.scoring.rules)."""
        ctx = ScoreContext(
            full=item.scale,
            points=item.points,
            target=target,
            target_path=f"{emp.path}.targets.{item.code}",
            peer_stats=self.peer_stats.get(item.code, {}),
            group=lambda peers: self._group_key(emp, peers),
            values=emp.values,
            previous=lambda: self.previous_values(emp),
            rating_text=raw.note,
            rating_parts=raw.parts,
        )
        return kind_of(item.rule).score(item.rule, raw.value, ctx)

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
                except InputProblem as exc:
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


def _contribution_text(
    core: str, score_: Decimal, scale: Decimal, points: Decimal, contribution: Decimal
) -> str:
    if scale == points:
        return f"{core}/{plain(scale)}"
    return f"{core}/{plain(scale)} x {plain(points)} = {plain(contribution, 4)}"
