"""The template's shape, as pydantic models.

Shape, types and unknown keys are checked here; rules that span several fields (a fallback
only last, strictly increasing points, rater weights summing to 1, unique codes …) are checked
in :mod:`csperf.scoring.validate`, which knows the paths to report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Annotated, Any, ClassVar, Literal, Union

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainValidator,
    PrivateAttr,
    model_validator,
)

from csperf.kernel.periods import Period
from csperf.scoring.extensions import Eligibility, FromCard, InputSpec, parse_input_specs
from csperf.scoring.formula import Formula, compile_formula

FULL = "full"  # the keyword that stands for a rule's scale in min/max/start
NONE = "none"  # per_count ``max: none``: no upper bound (extension G8)


def resolve_bound(bound: Decimal | str, full: Decimal) -> Decimal:
    """A min/max/start as a number: ``full`` for the keyword (callers handle ``none`` first)."""
    if isinstance(bound, Decimal):
        return bound
    if bound == FULL:
        return full
    raise ValueError(f"{bound!r} is not a score bound")


def _type_name(v: Any) -> str:
    if v is None:
        return "nothing (null)"
    if isinstance(v, bool):
        return "true/false"
    if isinstance(v, str):
        return f"text {v!r}"
    if isinstance(v, dict):
        return "a mapping"
    if isinstance(v, list):
        return "a list"
    return type(v).__name__


def to_number(v: Any) -> Decimal:
    """A YAML/JSON number as Decimal; booleans and text are refused."""
    if isinstance(v, bool):
        raise ValueError(f"expected a number, got {_type_name(v)}")
    if isinstance(v, int):
        return Decimal(v)
    if isinstance(v, float):  # from Python callers; YAML/JSON numbers arrive as Decimal
        v = Decimal(repr(v))
    if isinstance(v, Decimal):
        if not v.is_finite():
            raise ValueError("expected a finite number")
        return v
    raise ValueError(f"expected a number, got {_type_name(v)}")


def _number_or_full(v: Any) -> Decimal | str:
    if v == FULL and isinstance(v, str):
        return FULL
    try:
        return to_number(v)
    except ValueError:
        raise ValueError(f"expected a number or 'full', got {_type_name(v)}") from None


def _integer(v: Any) -> int:
    if isinstance(v, bool) or not isinstance(v, (int, Decimal)) or v != int(v):
        raise ValueError(f"expected a whole number, got {_type_name(v)}")
    return int(v)


def _text(v: Any) -> str:
    if not isinstance(v, str) or not v.strip():
        raise ValueError(f"expected non-empty text, got {_type_name(v)}")
    return v


def _number_full_or_none(v: Any) -> Decimal | str:
    if v == NONE and isinstance(v, str):
        return NONE
    try:
        return _number_or_full(v)
    except ValueError:
        raise ValueError(f"expected a number, 'full' or 'none', got {_type_name(v)}") from None


Num = Annotated[Decimal, PlainValidator(to_number)]
NumOrFull = Annotated[Decimal | str, PlainValidator(_number_or_full)]
NumFullOrNone = Annotated[Decimal | str, PlainValidator(_number_full_or_none)]
Int = Annotated[int, PlainValidator(_integer)]
Text = Annotated[str, PlainValidator(_text)]


# -- targets ----------------------------------------------------------------------------------


YEARLESS_RE = re.compile(r"^(?:M(0[1-9]|1[0-2])|Q([1-4])|H([12]))$")
_SPECIFICITY = ("month", "quarter", "half", "year")


@dataclass(frozen=True)
class YearlessKey:
    """A ``by_period`` key that applies to every year: ``M03``, ``Q1`` or ``H2`` (extension G1)."""

    kind: str  # month | quarter | half
    number: int  # month 1–12, quarter 1–4, half 1–2
    label: str

    @classmethod
    def parse(cls, label: str) -> YearlessKey | None:
        m = YEARLESS_RE.match(label)
        if not m:
            return None
        if m.group(1):
            return cls("month", int(m.group(1)), label)
        if m.group(2):
            return cls("quarter", int(m.group(2)), label)
        return cls("half", int(m.group(3)), label)

    def contains(self, period: Period) -> bool:
        """True when ``period`` lies within this key's part of its own year."""
        months = {"month": 1, "quarter": 3, "half": 6}[self.kind]
        first = (self.number - 1) * months + 1
        return first <= period.first_month and period.first_month + period.months <= first + months


@dataclass(frozen=True)
class ByPeriod:
    """``{by_period: {"2026-01": 0.82, "2026-Q2": 0.78, "Q3": 0.8, default: 0.8}}``.

    Year-specific keys win (month → quarter → half → year), then year-less keys
    (``M01``…``M12``, ``Q1``…``Q4``, ``H1``/``H2``, extension G1), then ``default``.
    """

    entries: tuple[tuple[Period, Decimal], ...]
    default: Decimal | None
    yearless: tuple[tuple[YearlessKey, Decimal], ...] = ()

    def resolve(self, period: Period) -> Decimal | None:
        """The most specific entry containing ``period``, else ``default`` (may be None)."""
        best: tuple[int, Decimal] | None = None
        for key, value in self.entries:
            if key.contains(period):
                rank = _SPECIFICITY.index(key.kind)
                if best is None or rank < best[0]:
                    best = (rank, value)
        for ykey, value in self.yearless:
            if ykey.contains(period):
                rank = 10 + _SPECIFICITY.index(ykey.kind)
                if best is None or rank < best[0]:
                    best = (rank, value)
        return best[1] if best is not None else self.default

    def labelled(self) -> list[tuple[str, Decimal]]:
        """Every entry with its key as written (for descriptions)."""
        return [(p.label, v) for p, v in self.entries] + [(k.label, v) for k, v in self.yearless]


@dataclass(frozen=True)
class Assigned:
    """``{assigned: true}``: the employee's own target, ``targets.<item code>``."""


def _target(v: Any) -> Decimal | ByPeriod | Assigned:
    if isinstance(v, dict):
        keys = set(v) - {k for k in v if isinstance(k, str) and k.startswith("x-")}
        if keys == {"assigned"}:
            if v["assigned"] is not True:
                raise ValueError("assigned must be true")
            return Assigned()
        if keys == {"by_period"}:
            table = v["by_period"]
            if not isinstance(table, dict) or not table:
                raise ValueError("by_period must be a non-empty mapping of period -> number")
            entries: list[tuple[Period, Decimal]] = []
            yearless: list[tuple[YearlessKey, Decimal]] = []
            default = None
            for key, value in table.items():
                try:
                    number = to_number(value)
                except ValueError as exc:
                    raise ValueError(f"by_period[{key!r}]: {exc}") from None
                if key == "default":
                    default = number
                    continue
                ykey = YearlessKey.parse(str(key))
                if ykey is not None:
                    yearless.append((ykey, number))
                    continue
                try:
                    entries.append((Period.parse(str(key)), number))
                except ValueError as exc:
                    raise ValueError(
                        f"by_period: {exc} (or a period of every year: M03, Q1, H2; or default)"
                    ) from None
            return ByPeriod(tuple(entries), default, tuple(yearless))
        raise ValueError(
            "a target is a number, {by_period: {...}} or {assigned: true}; "
            f"got keys {sorted(map(str, v))}"
        )
    try:
        return to_number(v)
    except ValueError:
        raise ValueError(
            f"a target is a number, {{by_period: …}} or {{assigned: true}}; got {_type_name(v)}"
        ) from None


Target = Annotated[Decimal | ByPeriod | Assigned, PlainValidator(_target)]


# -- base -------------------------------------------------------------------------------------


class Node(BaseModel):
    """Unknown keys are errors; keys starting with ``x-`` are extensions, kept aside."""

    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)
    _extensions: dict[str, Any] = PrivateAttr(default_factory=dict)

    @model_validator(mode="wrap")
    @classmethod
    def _split_extensions(cls, data: Any, handler: Any) -> Any:
        ext: dict[str, Any] = {}
        if isinstance(data, dict):
            ext = {k: v for k, v in data.items() if isinstance(k, str) and k.startswith("x-")}
            data = {k: v for k, v in data.items() if k not in ext}
        obj = handler(data)
        if ext:
            obj._extensions = ext
        return obj

    @property
    def extensions(self) -> dict[str, Any]:
        return dict(self._extensions)


class Condition(Node):
    gte: Num | None = None
    gt: Num | None = None
    lte: Num | None = None
    lt: Num | None = None

    @property
    def has_condition(self) -> bool:
        return any(x is not None for x in (self.gte, self.gt, self.lte, self.lt))

    def holds(self, x: Decimal) -> bool:
        return (
            (self.gte is None or x >= self.gte)
            and (self.gt is None or x > self.gt)
            and (self.lte is None or x <= self.lte)
            and (self.lt is None or x < self.lt)
        )

    def describe(self) -> str:
        from csperf.scoring.numbers import plain

        parts = []
        for op, sym in (("gte", "≥"), ("gt", ">"), ("lte", "≤"), ("lt", "<")):
            value = getattr(self, op)
            if value is not None:
                parts.append(f"{sym}{plain(value)}")
        return " 且 ".join(parts) if parts else "其他"


# -- rules ------------------------------------------------------------------------------------


class RuleBase(Node):
    scale: Num | None = None


class TierEntry(Condition):
    score: Num


class TiersRule(RuleBase):
    type: Literal["tiers"]
    tiers: list[TierEntry] = Field(min_length=1)


class LinearRule(RuleBase):
    type: Literal["linear"]
    points: list[tuple[Num, Num]] = Field(min_length=1)
    below: Num | None = None


class StepRule(RuleBase):
    type: Literal["step"]
    target: Target
    better: Literal["higher", "lower"] = "higher"
    step: Num
    per_step: Num
    bonus_per_step: Num = Decimal(0)
    rounding: Literal["exact", "ceil", "floor"] = "exact"
    start: NumOrFull = FULL
    min: NumOrFull = Decimal(0)
    max: NumOrFull = FULL


def _per(v: Any) -> Decimal | dict[str, Decimal]:
    """``per: -2`` or ``per: {letter: 1, company: 3}`` (``x-`` keys are extensions)."""
    if isinstance(v, dict):
        out: dict[str, Decimal] = {}
        for kind, points in v.items():
            if str(kind).startswith("x-"):
                continue
            try:
                out[str(kind)] = to_number(points)
            except ValueError as exc:
                raise ValueError(f"{kind}: {exc}") from None
        return out
    try:
        return to_number(v)
    except ValueError:
        raise ValueError(
            f"expected a number or a mapping of kind -> number, got {_type_name(v)}"
        ) from None


class PerCountRule(RuleBase):
    type: Literal["per_count"]
    start: NumOrFull
    per: Annotated[Decimal | dict[str, Decimal], PlainValidator(_per)]
    zero_at: Num | None = None
    min: NumOrFull = Decimal(0)
    max: NumFullOrNone = FULL  # ``none``: uncapped (G8)


class RatioRule(RuleBase):
    type: Literal["ratio"]
    target: Target
    better: Literal["higher", "lower"] = "higher"
    cap: Num = Decimal(1)


class Level(Node):
    level: Int
    score: Num
    anchor: str | None = None


class LevelsRule(RuleBase):
    type: Literal["levels"]
    levels: list[Level] = Field(min_length=1)


class ManualRule(RuleBase):
    type: Literal["manual"]
    min: NumOrFull = Decimal(0)
    max: NumOrFull = FULL


class RelativeRule(RuleBase):
    type: Literal["relative"]
    peers: Literal["team", "department", "all"] = "all"
    stat: Literal["mean", "median", "max"] = "mean"
    tiers: list[TierEntry] = Field(min_length=1)


def _formula(v: Any) -> Formula:
    if not isinstance(v, str):
        raise ValueError(f"expected an expression as text, got {_type_name(v)}")
    return compile_formula(v)  # FormulaSyntaxError is a ValueError: reported at this path


class FormulaRule(RuleBase):
    type: Literal["formula"]
    expr: Annotated[Formula, PlainValidator(_formula)]
    target: Target | None = None


Rule = Annotated[
    Union[  # noqa: UP007 - discriminated unions read better this way
        TiersRule,
        LinearRule,
        StepRule,
        PerCountRule,
        RatioRule,
        LevelsRule,
        ManualRule,
        RelativeRule,
        FormulaRule,
    ],
    Field(discriminator="type"),
]


# -- raters -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class WeightedRaters:
    weights: tuple[tuple[str, Decimal], ...]

    @property
    def roles(self) -> list[str]:
        return [r for r, _ in self.weights]


@dataclass(frozen=True)
class LastRaters:
    order: tuple[str, ...]

    @property
    def roles(self) -> list[str]:
        return list(self.order)


def _raters(v: Any) -> WeightedRaters | LastRaters:
    if not isinstance(v, dict) or not v:
        raise ValueError("raters is a mapping of rater -> weight, or {mode: last, order: [...]}")
    if "mode" in v:
        if v["mode"] != "last":
            raise ValueError(f"unknown raters mode {v['mode']!r} (only 'last')")
        unknown = {k for k in v if not str(k).startswith("x-")} - {"mode", "order"}
        if unknown:
            raise ValueError(f"unknown key {sorted(unknown)[0]!r} in raters")
        order = v.get("order")
        if not isinstance(order, list) or not order:
            raise ValueError("mode: last needs a non-empty order: [self, supervisor, …]")
        if not all(isinstance(r, str) and r for r in order):
            raise ValueError("order lists rater names")
        if len(set(order)) != len(order):
            raise ValueError("a rater appears twice in order")
        return LastRaters(tuple(order))
    weights = []
    for role, weight in v.items():
        if isinstance(role, str) and role.startswith("x-"):
            continue  # an extension, not a rater
        if not isinstance(role, str):
            raise ValueError(f"rater names are text, got {role!r}")
        try:
            w = to_number(weight)
        except ValueError as exc:
            raise ValueError(f"raters.{role}: {exc}") from None
        if w < 0:
            raise ValueError(f"raters.{role}: a weight cannot be negative")
        weights.append((role, w))
    total = sum((w for _, w in weights), Decimal(0))
    if total != 1:
        raise ValueError(f"rater weights must sum to exactly 1 (they sum to {total})")
    return WeightedRaters(tuple(weights))


Raters = Annotated[WeightedRaters | LastRaters, PlainValidator(_raters)]
DEFAULT_RATERS = WeightedRaters((("supervisor", Decimal(1)),))


# -- items, sections, template ----------------------------------------------------------------


@cache
def _kind_of() -> Any:
    """csperf.scoring.rules.kind_of (that package imports this module): imported on first use,
    once, not on every call of a property the engine reads for every item and employee."""
    from csperf.scoring.rules import kind_of

    return kind_of


class Item(Node):
    code: Text
    name: str | None = None
    value: Text | None = None
    points: Num
    missing: Literal["exclude", "zero", "full"] = "exclude"
    raters: Raters | None = None
    rule: Rule

    @property
    def rated(self) -> bool:
        """Scored from the raters' ratings (levels, manual)."""
        return _kind_of()(self.rule).rated

    def input_names(self) -> set[str]:
        """The inputs the rule reads besides the item's value (a formula's v.<name>)."""
        from csperf.scoring.rules import kind_of

        return set(kind_of(self.rule).input_names(self.rule))

    @property
    def entered_by_raters(self) -> bool:
        """A value item whose value the raters enter (extension G6), e.g. counts of violations."""
        return not self.rated and self.raters is not None

    @property
    def entry_roles(self) -> list[str]:
        """The raters who fill this item in on the card (rated items and G6 items)."""
        return self.effective_raters.roles if self.rated or self.entered_by_raters else []

    @property
    def unit(self) -> InputSpec | None:
        """The unit of the item's value (``x-unit``, ``x-range``), if the template declares it."""
        if self.value is None or "x-unit" not in self._extensions:
            return None
        return InputSpec.from_item(self.value, self.label, self._extensions)

    @property
    def from_card(self) -> FromCard | None:
        """``x-from-card``: the value is another card's result (extension G5)."""
        raw = self._extensions.get("x-from-card")
        return FromCard.parse(raw) if raw is not None else None

    @property
    def scale(self) -> Decimal:
        return self.rule.scale if self.rule.scale is not None else self.points

    @property
    def effective_raters(self) -> WeightedRaters | LastRaters:
        return self.raters or DEFAULT_RATERS

    @property
    def label(self) -> str:
        return self.name or self.code


class Section(Node):
    code: Text
    name: str | None = None
    kind: Literal["base", "bonus", "deduction", "multiplier"] = "base"
    weight: Num | None = None
    min: Num | None = None
    max: Num | None = None
    items: list[Item] = Field(min_length=1)

    @property
    def effective_weight(self) -> Decimal:
        return self.weight if self.weight is not None else Decimal(1)

    @property
    def points(self) -> Decimal:
        return sum((i.points for i in self.items), Decimal(0))

    @property
    def full(self) -> Decimal:
        if self.kind in ("bonus", "deduction") and self.max is not None:
            return self.max
        return self.points

    @property
    def label(self) -> str:
        return self.name or self.code


class Veto(Condition):
    value: Text
    total: Num | None = None
    grade: Text | None = None
    reason: Text


class Total(Node):
    min: Num = Decimal(0)
    max: Num | None = None
    veto: list[Veto] = Field(default_factory=list)


class GradeEntry(Condition):
    grade: Text


class RankLabel(Node):
    count: Int
    label: Text


class Ranking(Node):
    group: Literal["team", "department", "all"] = "all"
    top: RankLabel | None = None
    bottom: RankLabel | None = None


class Band(Condition):
    factor: Num


class RateTier(Condition):
    rate: Num


class PayComponent(Node):
    """``rate × value``. Extensions: ``x-when`` (a condition on the value) with ``x-amount``
    (a fixed sum) for fines such as 工时利用率 <70% 扣 100 元; ``x-amount`` alone is paid
    unconditionally (底薪 800, G3); ``x-rate-tiers`` with ``x-tier-mode: whole`` is a bracketed
    commission: the rate of the first bracket that holds the value, on the whole value (G4)."""

    name: Text
    value: Text | None = None
    rate: Num | None = None

    @property
    def when(self) -> Condition | None:
        raw = self._extensions.get("x-when")
        return Condition.model_validate(raw) if raw is not None else None

    @property
    def amount(self) -> Decimal | None:
        raw = self._extensions.get("x-amount")
        return to_number(raw) if raw is not None else None

    @property
    def rate_tiers(self) -> list[RateTier] | None:
        raw = self._extensions.get("x-rate-tiers")
        if raw is None:
            return None
        if not isinstance(raw, list) or not raw:
            raise ValueError("x-rate-tiers is a non-empty list of {gte/gt/lte/lt, rate}")
        return [RateTier.model_validate(entry) for entry in raw]


def _pay_base(v: Any) -> Decimal | Assigned:
    if isinstance(v, dict):
        if set(v) == {"assigned"} and v["assigned"] is True:
            return Assigned()
        raise ValueError("base is a number or {assigned: true} (the employee's pay_base)")
    return to_number(v)


class Pay(Node):
    base: Annotated[Decimal | Assigned, PlainValidator(_pay_base)]
    mode: Literal["bands", "proportional"] = "bands"
    bands: list[Band] = Field(default_factory=list)
    min_factor: Num | None = None
    prorate: bool = False
    components: list[PayComponent] = Field(default_factory=list)


class AlertWhen(Node):
    """What an alert tests. Besides the result (grade, total, rank), extension G2 tests an
    input value (``{value: rating_rate, lt: 0.35}``) and combines conditions with ``all``."""

    grade: Text | None = None
    total_lt: Num | None = None
    total_gte: Num | None = None
    rank: Int | None = None
    rank_from_bottom: Int | None = None
    value: Text | None = None
    gte: Num | None = None
    gt: Num | None = None
    lte: Num | None = None
    lt: Num | None = None
    all: list[AlertWhen] | None = None

    RESULT_KEYS: ClassVar[tuple[str, ...]] = (
        "grade",
        "total_lt",
        "total_gte",
        "rank",
        "rank_from_bottom",
    )

    @property
    def value_condition(self) -> Condition | None:
        if self.value is None:
            return None
        return Condition(gte=self.gte, gt=self.gt, lte=self.lte, lt=self.lt)

    def value_names(self) -> set[str]:
        names = {self.value} if self.value else set()
        for part in self.all or []:
            names |= part.value_names()
        return names


class Alert(Node):
    when: AlertWhen
    consecutive: Int = 1
    message: Text


CODE_RE = re.compile(r"^[a-z0-9-]+$")


class Template(Node):
    code: Text
    version: Int
    name: str | None = None
    period: Literal["month", "quarter", "half", "year"]
    period_start_day: Int = 1
    sections: list[Section] = Field(min_length=1)
    total: Total = Field(default_factory=Total)
    grades: list[GradeEntry] = Field(default_factory=list)
    ranking: Ranking | None = None
    pay: Pay | None = None
    alerts: list[Alert] = Field(default_factory=list)

    # -- conveniences for callers (CLI, web app, metrics) --

    @property
    def items(self) -> list[tuple[Section, Item]]:
        return [(s, i) for s in self.sections for i in s.items]

    def item(self, code: str) -> Item:
        for _, item in self.items:
            if item.code == code:
                return item
        raise KeyError(code)

    def rated_items(self) -> list[Item]:
        return [i for _, i in self.items if i.rated]

    def rater_roles(self) -> list[str]:
        """Every rater the template names, in chain order (self → supervisor → reviewer …)."""
        seen: list[str] = []
        for item in self.entered_items():
            for role in item.effective_raters.roles:
                if role not in seen:
                    seen.append(role)
        # the usual chain: self -> supervisor -> QC -> reviewer -> manager; other names follow
        # the reviewer in the order the template first names them
        order = {"self": 0, "supervisor": 1, "qc": 2, "inspector": 2, "reviewer": 3}
        return sorted(seen, key=lambda r: (order.get(r, 4), seen.index(r)))

    def value_names(self) -> set[str]:
        """The input values the template reads (items, formula v.<name>, vetoes, pay, alerts)."""
        names: set[str] = set()
        for _, item in self.items:
            if item.value:
                names.add(item.value)
            names |= item.input_names()
        names |= {v.value for v in self.total.veto}
        if self.pay:
            names |= {c.value for c in self.pay.components if c.value}
        for alert in self.alerts:
            names |= alert.when.value_names()
        return names

    def entered_items(self) -> list[Item]:
        """Items the raters fill in: rated items and value items with raters (G6)."""
        return [i for _, i in self.items if i.rated or i.entered_by_raters]

    def input_specs(self) -> dict[str, InputSpec]:
        """The declared unit of every input: items' ``x-unit`` and the template's ``x-inputs``."""
        specs = dict(parse_input_specs(self._extensions.get("x-inputs")))
        for _, item in self.items:
            spec = item.unit
            if spec is not None:
                specs[spec.name] = spec
        return specs

    @property
    def eligibility(self) -> Eligibility:
        """``x-eligibility``: who is scored at all (roster days, days worked, probation; G9)."""
        return Eligibility.parse(self._extensions.get("x-eligibility"))

    @property
    def positions(self) -> list[str]:
        """Positions (岗位) that use this template by default: the ``x-positions`` extension."""
        value = self._extensions.get("x-positions") or []
        return [str(p) for p in value] if isinstance(value, list) else [str(value)]
