"""The indicator model, the combinators and the expression helpers shared by the domain modules.

An :class:`Indicator` is a combination of *aggregates* (:class:`Agg`): sums (or counts) of a
row-level Ibis expression over the rows of one record type that fall in the period, per employee.
``combine`` turns the period's sums of each role into the value (:func:`ratio`, :func:`total` or
a function of the domain module).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import ibis
import ibis.expr.types as ir

from csperf.kernel.workdays import Workdays

# the combinators live without Ibis (csperf.metrics.combine); the domain modules import them here
from csperf.metrics.combine import as_decimal as as_decimal
from csperf.metrics.combine import ratio as ratio
from csperf.metrics.combine import total as total

# ----------------------------------------------------------------------------- model

Unit = Literal[
    "ratio",  # a fraction
    "count",
    "seconds",
    "minutes",
    "hours",
    "days",
    "points",  # 0–100
    "score",  # on the survey's or form's own scale
    "amount",
    "flag",  # 1/0
]
Direction = Literal["higher", "lower", "neutral"]
ParamKind = Literal["int", "decimal", "str", "bool", "list", "map"]
Rollup = Literal["sum", "mean_of_employees"]
Relative = Literal["center", "peers"]


@dataclass(frozen=True, kw_only=True)
class Param:
    name: str
    default: Any
    kind: ParamKind
    doc: str
    choices: tuple[str, ...] | None = None


@dataclass
class Ctx:
    """What an expression may use: the resolved parameters, the period bounds and the working
    calendar (national 调休 plus the centre's own days, csperf.kernel.workdays)."""

    p: dict[str, Any]
    start: Any = None  # date
    end: Any = None  # date, exclusive
    start_ts: Any = None
    end_ts: Any = None
    workdays: Workdays | None = None


Expr = Callable[[ir.Table, Ctx], ir.Value]
Combine = Callable[[dict[str, Any], Ctx], Any]


@dataclass(frozen=True)
class Agg:
    """Σ value over the rows of `source` where `where` holds (value None: count the rows)."""

    source: str
    where: Expr | None = None
    value: Expr | None = None
    subject: str | Callable[[Ctx], str] | None = None  # employee column; default: the source's
    needs: frozenset[str] = frozenset()  # source features, e.g. {"repeat"} for repeat calls
    when: tuple[str, Any] | None = None  # used only when parameter when[0] equals when[1]

    def subject_column(self, ctx: Ctx) -> str:
        if self.subject is None:
            return SOURCE_SUBJECT[self.source]
        return self.subject(ctx) if callable(self.subject) else self.subject


@dataclass(frozen=True, kw_only=True)
class Indicator:
    code: str
    name_zh: str
    name_en: str
    unit: Unit
    direction: Direction
    record: str  # the record type it is computed from (the main one)
    formula_zh: str
    formula_en: str
    parts: dict[str, tuple[Agg, ...]]  # role -> aggregates added together
    combine: Combine
    params: tuple[Param, ...] = ()
    category: str = ""
    default_period: str = "month"
    # how higher levels are formed: "sum" (add employees' aggregates), "mean_of_employees"
    rollup: Rollup = "sum"
    relative: Relative | None = None  # "center": combine gets the centre's parts as well
    available: bool = True  # False: provided by the web app, not computable from records
    notes: str = ""

    def param(self, name: str) -> Param:
        for p in self.params:
            if p.name == name:
                return p
        raise KeyError(name)

    def defaults(self) -> dict[str, Any]:
        return {p.name: p.default for p in self.params}

    def sources(self, ctx: Ctx) -> set[str]:
        return {a.source for aggs in self.parts.values() for a in aggs}

    @property
    def is_calls_only(self) -> bool:
        return all(a.source == "calls" for aggs in self.parts.values() for a in aggs)


SOURCE_SUBJECT = {
    "calls": "agent_id",
    "tickets": "agent_id",
    "surveys": "agent_id",
    "qc_reviews": "agent_id",
    "attendance": "employee_id",
    "incidents": "employee_id",
    "sales": "employee_id",
    "plans": "org_unit",
    "customers": "owner_id",
    "employees": "id",
}

# ---------------------------------------------------------------------- combinators


def share(
    *,
    code: str,
    name_zh: str,
    name_en: str,
    formula_zh: str,
    formula_en: str,
    num: Expr,
    den: Expr,
    source: str = "surveys",
    value: Expr | None = None,
    unit: Unit = "ratio",
    params: tuple[Param, ...] = (),
    direction: Direction = "higher",
    subject: str | None = None,
    needs: frozenset[str] = frozenset(),
    div: int = 1,
    notes: str = "",
    category: str = "satisfaction",
) -> Indicator:
    """Σ (value or count) of the ``source`` rows where ``num`` holds ÷ (count of the rows where
    ``den`` holds × ``div``): a share, or a mean when ``value`` is given. Every domain's shares
    are built here (surveys, customers, tickets)."""
    return Indicator(
        code=code,
        name_zh=name_zh,
        name_en=name_en,
        unit=unit,
        direction=direction,
        record=source,
        formula_zh=formula_zh,
        formula_en=formula_en,
        parts={
            "numerator": (Agg(source, where=num, value=value, subject=subject, needs=needs),),
            "denominator": (Agg(source, where=den, subject=subject, needs=needs),),
        },
        combine=ratio(div=div),
        params=params,
        category=category,
        notes=notes,
    )


# ------------------------------------------------------------------- expression help


def secs(a: ir.Value, b: ir.Value) -> ir.Value:
    """Whole seconds from b to a (timestamps are stored to the second)."""
    return (a.epoch_seconds() - b.epoch_seconds()).cast("int64")


def truthy(e: ir.Value) -> ir.BooleanValue:
    return e.fill_null(False)


def as_list(v: Any) -> list[str]:
    """A list parameter as strings: a list as given, or a comma list split and stripped."""
    if isinstance(v, list | tuple):
        return [str(x) for x in v]
    return [s.strip() for s in str(v).split(",") if s.strip()]


def inbound(t):
    return t.direction == "inbound"


def answered(t):
    return (t.direction == "inbound") & (t.outcome == "answered")


def answered_calls(t, c):
    """Aggregate condition: inbound calls answered by an agent."""
    return answered(t)


def rated_calls(t, c):
    """Aggregate condition: answered inbound calls the customer rated."""
    return answered(t) & t.rating.notnull()


def scheduled(t, c):
    """Aggregate condition: attendance days the employee was scheduled to work."""
    return truthy(t.scheduled)


def handled(t, c):
    d = c.p.get("direction", "inbound")
    inb = answered(t)
    outb = (t.direction == "outbound") & (t.outcome == "connected")
    return inb if d == "inbound" else outb if d == "outbound" else inb | outb


def tiers_ok(t, c, col="customer_tier"):
    tiers = as_list(c.p.get("tiers", ""))
    if not tiers:
        return ibis.literal(True)
    return t[col].isin([x.lower() for x in tiers])


def short_abandon(t, c):
    s = c.p.get("short_abandon_s", 0)
    return (t.outcome == "abandoned") & truthy(t.wait_s < s)


ABANDONED = ("abandoned",)
ABANDONED_ALL = ("abandoned", "timeout", "exited")

# ---------------------------------------------------------------- shared parameters

P_SHORT = Param(
    name="short_abandon_s",
    default=0,
    kind="decimal",
    doc="abandons shorter than this many seconds are left out",
)
P_TIERS = Param(
    name="tiers",
    default="",
    kind="list",
    doc="only customers of these tiers (comma list; empty: all)",
)
P_DIRECTION = Param(
    name="direction",
    default="inbound",
    kind="str",
    doc="which calls count as handled",
    choices=("inbound", "outbound", "all"),
)
P_DIRECTION_ALL = Param(
    name="direction",
    default="all",
    kind="str",
    doc="which calls count",
    choices=("inbound", "outbound", "all"),
)


# ------------------------------------------------------------ roster and incident helpers


def on_roster(t, c):
    """Aggregate condition (employees): on the roster at some time in the period — hired before
    its end and not left before its start (``left_at`` is the last day on the roster)."""
    return (t.hired_at.isnull() | (t.hired_at < c.end)) & (
        t.left_at.isnull() | (t.left_at >= c.start)
    )


def incident_count(t, c):
    """Value (incidents): the occurrences a row stands for — its ``count`` (3 days, 2 times …);
    1 when empty (rows an older csperf imported)."""
    return ibis.coalesce(t["count"], 1)
