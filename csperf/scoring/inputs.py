"""The per-employee input of a scoring run, read with paths for every error."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from csperf.kernel.periods import Period
from csperf.kernel.problems import Problem
from csperf.scoring.errors import InputError
from csperf.scoring.loader import Document, LoadError, parse_document

Value = Decimal | dict[str, Decimal] | None


@dataclass(frozen=True)
class HistoryEntry:
    period: Period
    total: Decimal | None
    grade: str | None
    rank: int | None
    rank_from_bottom: int | None
    values: dict[str, Any] = field(default_factory=dict)  # that period's inputs (G10)


@dataclass
class Employee:
    index: int
    id: str
    name: str | None = None
    team: str | None = None
    department: str | None = None
    position: str | None = None
    values: dict[str, Any] = field(default_factory=dict)
    targets: dict[str, Any] = field(default_factory=dict)
    ratings: dict[str, dict[str, Any]] = field(default_factory=dict)
    pay_base: Any = None
    days_worked: Any = None
    period_days: Any = None
    probation: Any = None  # true while on probation (x-eligibility.exclude_probation, G9)
    # Inputs whose feed delivered nothing, with the feed in words: missing even for per_count
    # (which otherwise reads an absent count as 0), and the flag says which feed.
    missing: dict[str, str] = field(default_factory=dict)
    history: list[HistoryEntry] = field(default_factory=list)

    @property
    def path(self) -> str:
        return f"employees[{self.index}]"


@dataclass
class RunInput:
    period: Period
    employees: list[Employee]


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, Decimal, float)) and not isinstance(v, bool)


def number(v: Any) -> Decimal:
    if isinstance(v, float):
        return Decimal(repr(v))
    return v if isinstance(v, Decimal) else Decimal(v)


def _opt_text(emp: dict[str, Any], key: str, path: str, problems: list[Problem]) -> str | None:
    v = emp.get(key)
    if v is None:
        return None
    if isinstance(v, bool) or not isinstance(v, (str, int, Decimal)):
        problems.append(Problem(f"{path}.{key}", "expected text"))
        return None
    return str(v)


def _mapping(emp: dict[str, Any], key: str, path: str, problems: list[Problem]) -> dict[str, Any]:
    v = emp.get(key)
    if v is None:
        return {}
    if not isinstance(v, dict):
        problems.append(Problem(f"{path}.{key}", "expected a mapping"))
        return {}
    return {str(k): val for k, val in v.items()}


def _history(emp: dict[str, Any], path: str, problems: list[Problem]) -> list[HistoryEntry]:
    raw = emp.get("history")
    if raw is None:
        return []
    if not isinstance(raw, list):
        problems.append(Problem(f"{path}.history", "expected a list"))
        return []
    out: list[HistoryEntry] = []
    for i, entry in enumerate(raw):
        hpath = f"{path}.history[{i}]"
        if not isinstance(entry, dict):
            problems.append(Problem(hpath, "expected a mapping"))
            continue
        try:
            period = Period.parse(entry.get("period"))
        except (ValueError, TypeError) as exc:
            problems.append(Problem(f"{hpath}.period", str(exc)))
            continue
        values: dict[str, Any] = {}
        for key in ("total", "rank", "rank_from_bottom"):
            v = entry.get(key)
            if v is not None and not _is_number(v):
                problems.append(Problem(f"{hpath}.{key}", "expected a number"))
                v = None
            values[key] = number(v) if v is not None else None
        grade = entry.get("grade")
        if grade is not None and not isinstance(grade, str):
            problems.append(Problem(f"{hpath}.grade", "expected text"))
            grade = None
        rank = values["rank"]
        rfb = values["rank_from_bottom"]
        inputs = entry.get("values")
        if inputs is not None and not isinstance(inputs, dict):
            problems.append(Problem(f"{hpath}.values", "expected a mapping"))
            inputs = None
        out.append(
            HistoryEntry(
                period,
                values["total"],
                grade,
                int(rank) if rank is not None else None,
                int(rfb) if rfb is not None else None,
                {str(k): v for k, v in (inputs or {}).items()},
            )
        )
    return out


def read_input(data: Any, *, source: str = "<input>") -> RunInput:
    """Check the shape of an input document (``{"period", "employees": [...]}``)."""
    problems: list[Problem] = []
    if not isinstance(data, dict):
        raise InputError(source, [Problem("", "the input is a mapping with period and employees")])
    try:
        period = Period.parse(data.get("period"))
    except (ValueError, TypeError) as exc:
        raise InputError(
            source, [Problem("period", str(exc) if data.get("period") else "required")]
        ) from None
    raw = data.get("employees")
    if not isinstance(raw, list):
        raise InputError(source, [Problem("employees", "required: a list of employees")])
    employees: list[Employee] = []
    ids: dict[str, int] = {}
    for i, emp in enumerate(raw):
        path = f"employees[{i}]"
        if not isinstance(emp, dict):
            problems.append(Problem(path, "expected a mapping"))
            continue
        eid = emp.get("id")
        if (
            eid is None
            or isinstance(eid, bool)
            or not isinstance(eid, (str, int))
            or str(eid) == ""
        ):
            problems.append(Problem(f"{path}.id", "required: the employee's id"))
            continue
        eid = str(eid)
        if eid in ids:
            problems.append(
                Problem(f"{path}.id", f"duplicate id {eid!r} (also employees[{ids[eid]}])")
            )
            continue
        ids[eid] = i
        ratings = _mapping(emp, "ratings", path, problems)
        for item_code, by_rater in ratings.items():
            if not isinstance(by_rater, dict):
                problems.append(
                    Problem(f"{path}.ratings.{item_code}", "expected a mapping of rater -> rating")
                )
                ratings[item_code] = {}
        employees.append(
            Employee(
                index=i,
                id=eid,
                name=_opt_text(emp, "name", path, problems),
                team=_opt_text(emp, "team", path, problems),
                department=_opt_text(emp, "department", path, problems),
                position=_opt_text(emp, "position", path, problems),
                values=_mapping(emp, "values", path, problems),
                targets=_mapping(emp, "targets", path, problems),
                ratings=ratings,
                pay_base=emp.get("pay_base"),
                days_worked=emp.get("days_worked"),
                period_days=emp.get("period_days"),
                probation=emp.get("probation"),
                missing={
                    str(k): str(v) for k, v in _mapping(emp, "missing", path, problems).items()
                },
                history=_history(emp, path, problems),
            )
        )
    if problems:
        raise InputError(source, problems)
    return RunInput(period, employees)


def load_input(text: str, *, source: str = "<input>") -> RunInput:
    """Parse JSON (or YAML) input text and check its shape."""
    try:
        doc: Document = parse_document(text)
    except LoadError as exc:
        raise InputError(source, [exc.problem]) from None
    return read_input(doc.data, source=source)
