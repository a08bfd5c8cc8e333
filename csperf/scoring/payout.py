"""Pay and alerts of a scored card: the last steps of a run (csperf.scoring.engine).

Pay: a base (fixed or assigned) times a factor (proportional to the total, or the band the
total falls in), prorated by days worked, plus components; rounded once, at the end. Alerts:
a condition on the result and the inputs that held for so many periods in a row.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from csperf.kernel.periods import Period
from csperf.scoring import numbers as N
from csperf.scoring.inputs import Employee, number
from csperf.scoring.model import Assigned, Template
from csperf.scoring.numbers import plain
from csperf.scoring.results import EmployeeResult


class Payout:
    """The pay and alerts steps of a run; the run supplies the template, the period and
    where input problems go."""

    t: Template
    period: Period

    def problem(self, path: str, message: str) -> None:
        raise NotImplementedError

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
            band = next((b for b in pay.bands if b.holds(res.total)), None)
            if band is not None:
                factor, how = band.factor, f"band {band.describe()}"
            else:
                factor, how = N.ZERO, "no band"
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
                period_days = Decimal(self.period.with_start_day(self.t.period_start_day).days)
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
