"""Template extensions that declare facts about inputs and cards (``x-`` keys).

- ``x-unit`` / ``x-range`` on an item and ``x-inputs`` on the template: the unit of every input,
  so that a value outside its domain (a share above 1, a negative count) is flagged, never scored;
- ``x-from-card`` on an item: the value is the result of other cards of the same period (G5);
- ``x-eligibility`` on the template: who gets a card at all (roster days, days worked, probation; G9).

Each is parsed here into a small frozen object; a bad declaration raises ``ValueError`` with a
message that names the key, which template validation turns into a path.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class Domain:
    low: Decimal | None
    high: Decimal | None
    integer: bool = False


# unit -> the values it admits. A ratio may exceed 1 (完成率 102%); a share may not (接通率).
UNITS: dict[str, Domain] = {
    "share": Domain(Decimal(0), Decimal(1)),
    "ratio": Domain(Decimal(0), None),
    "signed_ratio": Domain(None, None),
    "count": Domain(Decimal(0), None, integer=True),
    "mean": Domain(Decimal(0), None),
    "score": Domain(Decimal(0), None),
    "flag": Domain(Decimal(0), Decimal(1), integer=True),
    "amount": Domain(None, None),
    "seconds": Domain(Decimal(0), None),
    "minutes": Domain(Decimal(0), None),
    "hours": Domain(Decimal(0), None),
    "days": Domain(Decimal(0), None),
    "number": Domain(None, None),
}
# Units shown as percentages on cards and pages.
PERCENT_UNITS = frozenset({"share", "ratio", "signed_ratio"})


def _number(v: Any, what: str) -> Decimal | None:
    if v is None:
        return None
    if isinstance(v, bool) or not isinstance(v, (int, Decimal, float)):
        raise ValueError(f"{what}: expected a number or null")
    return Decimal(repr(v)) if isinstance(v, float) else Decimal(v)


@dataclass(frozen=True)
class InputSpec:
    """One input's unit, its Chinese name and its admissible range."""

    name: str
    unit: str
    label: str | None = None
    range: tuple[Decimal | None, Decimal | None] | None = None

    @classmethod
    def parse(cls, name: str, raw: Any, *, label: str | None = None) -> InputSpec:
        if isinstance(raw, str):
            raw = {"unit": raw}
        if not isinstance(raw, dict):
            raise ValueError(f"{name}: expected a unit or {{unit, name, range}}")
        unknown = set(raw) - {"unit", "name", "range"}
        if unknown:
            raise ValueError(f"{name}: unknown key {sorted(map(str, unknown))[0]!r}")
        unit = raw.get("unit")
        if unit not in UNITS:
            raise ValueError(f"{name}: unknown unit {unit!r}; expected one of {', '.join(UNITS)}")
        text = raw.get("name", label)
        if text is not None and not isinstance(text, str):
            raise ValueError(f"{name}: name is text")
        return cls(name, unit, text, _range(raw.get("range"), name))

    @classmethod
    def from_item(cls, value: str, label: str, ext: dict[str, Any]) -> InputSpec:
        raw: dict[str, Any] = {"unit": ext.get("x-unit")}
        if "x-range" in ext:
            raw["range"] = ext["x-range"]
        return cls.parse(value, raw, label=label)

    @property
    def domain(self) -> Domain:
        base = UNITS[self.unit]
        if self.range is None:
            return base
        low, high = self.range
        return Domain(low if low is not None else base.low, high, base.integer)

    @property
    def percent(self) -> bool:
        return self.unit in PERCENT_UNITS

    def problem(self, value: Decimal) -> str | None:
        """Why ``value`` is outside this input's domain, or None when it is inside."""
        d = self.domain
        if (d.low is not None and value < d.low) or (d.high is not None and value > d.high):
            low = "" if d.low is None else _plain(d.low)
            high = "" if d.high is None else _plain(d.high)
            span = f"{low}–{high}" if d.high is not None else f"≥ {low}"
            if d.low is None:
                span = f"≤ {high}"
            return f"{_plain(value)} is outside {span} ({self.unit})"
        if d.integer and value != value.to_integral_value():
            return f"{_plain(value)} is not a whole number ({self.unit})"
        return None


def _plain(d: Decimal) -> str:
    text = format(d.normalize(), "f")
    return "0" if text == "-0" else text


def _range(raw: Any, name: str) -> tuple[Decimal | None, Decimal | None] | None:
    if raw is None:
        return None
    if not isinstance(raw, list) or len(raw) != 2:
        raise ValueError(f"{name}: range is [low, high] (null for open)")
    low, high = _number(raw[0], f"{name}.range"), _number(raw[1], f"{name}.range")
    if low is not None and high is not None and high < low:
        raise ValueError(f"{name}: range high is below low")
    return (low, high)


def parse_input_specs(raw: Any) -> dict[str, InputSpec]:
    """The template's ``x-inputs: {name: unit | {unit, name, range}}``."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise ValueError("x-inputs is a mapping of input name -> unit")
    return {str(name): InputSpec.parse(str(name), spec) for name, spec in raw.items()}


_CODE = re.compile(r"^[a-z0-9-]+$")


@dataclass(frozen=True)
class FromCard:
    """``x-from-card: {template: CODE, scope: self|team|department, stat: total|mean}``.

    The evaluation cycle fills the item's value from the released cards of ``template`` for
    the same period: the card owner's own (``self``) or those of people in the owner's team or
    department; ``total`` takes the one card's total (the mean when there are several)."""

    template: str
    scope: str = "department"
    stat: str = "total"

    @classmethod
    def parse(cls, raw: Any) -> FromCard:
        if not isinstance(raw, dict):
            raise ValueError("x-from-card is {template, scope, stat}")
        unknown = set(raw) - {"template", "scope", "stat"}
        if unknown:
            raise ValueError(f"x-from-card: unknown key {sorted(map(str, unknown))[0]!r}")
        code = raw.get("template")
        if not isinstance(code, str) or not _CODE.match(code):
            raise ValueError("x-from-card.template: a template code ([a-z0-9-]+)")
        scope = raw.get("scope", "department")
        if scope not in ("self", "team", "department"):
            raise ValueError("x-from-card.scope: self, team or department")
        stat = raw.get("stat", "total")
        if stat not in ("total", "mean"):
            raise ValueError("x-from-card.stat: total or mean")
        return cls(code, scope, stat)


@dataclass(frozen=True)
class Eligibility:
    """``x-eligibility: {min_days, min_days_worked, exclude_probation}``.

    ``min_days`` counts days on the roster in the period (the evaluation cycle checks it);
    ``min_days_worked`` counts days at work (the input's ``days_worked``) and
    ``exclude_probation`` leaves out employees whose ``probation`` is true (the engine checks
    both: the people they exclude get no card and are listed)."""

    min_days: int = 1
    min_days_worked: Decimal | None = None
    exclude_probation: bool = False

    @classmethod
    def parse(cls, raw: Any) -> Eligibility:
        if raw is None:
            return cls()
        if not isinstance(raw, dict):
            raise ValueError("x-eligibility is {min_days, min_days_worked, exclude_probation}")
        unknown = set(raw) - {"min_days", "min_days_worked", "exclude_probation"}
        if unknown:
            raise ValueError(f"x-eligibility: unknown key {sorted(map(str, unknown))[0]!r}")
        min_days = raw.get("min_days", 1)
        if isinstance(min_days, bool) or not isinstance(min_days, (int, Decimal)):
            raise ValueError("x-eligibility.min_days: a whole number of days")
        if min_days != int(min_days) or min_days < 1:
            raise ValueError("x-eligibility.min_days: a whole number of days ≥ 1")
        worked = _number(raw.get("min_days_worked"), "x-eligibility.min_days_worked")
        if worked is not None and worked < 0:
            raise ValueError("x-eligibility.min_days_worked: must not be negative")
        probation = raw.get("exclude_probation", False)
        if not isinstance(probation, bool):
            raise ValueError("x-eligibility.exclude_probation: true or false")
        return cls(int(min_days), worked, probation)

    @property
    def checks_inputs(self) -> bool:
        return self.min_days_worked is not None or self.exclude_probation

    def reason(self, *, days_worked: Decimal | None, probation: bool) -> str | None:
        """Why an employee with these facts gets no card, or None when they get one.
        ``days_worked`` None with ``min_days_worked`` set is the caller's error to report."""
        if self.exclude_probation and probation:
            return "on probation (未满试用期)"
        if (
            self.min_days_worked is not None
            and days_worked is not None
            and days_worked < self.min_days_worked
        ):
            return f"worked {_plain(days_worked)} days, fewer than {_plain(self.min_days_worked)}"
        return None
