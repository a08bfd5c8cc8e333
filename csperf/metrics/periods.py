"""Evaluation periods: month, quarter, half, year, custom ranges, and months starting on day N.

A period is the half-open date range [start, end). With ``start_day`` 26 the month ``2026-03``
runs from 2026-02-26 to 2026-03-25 inclusive; a quarter, half or year is the union of its months
(``2026-Q1`` with start day 26 runs from 2025-12-26 to 2026-03-25).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_QUARTER = re.compile(r"^(\d{4})-[Qq]([1-4])$")
_HALF = re.compile(r"^(\d{4})-[Hh]([12])$")
_YEAR = re.compile(r"^(\d{4})$")
_DAY = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$")


class PeriodError(ValueError):
    """A period label that cannot be read."""


@dataclass(frozen=True)
class Period:
    label: str
    kind: str  # month | quarter | half | year | range
    start: date  # first day, inclusive
    end: date  # day after the last day (exclusive)
    start_day: int = 1

    @property
    def last(self) -> date:
        return self.end - timedelta(days=1)

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    @property
    def start_ts(self) -> datetime:
        return datetime.combine(self.start, datetime.min.time())

    @property
    def end_ts(self) -> datetime:
        return datetime.combine(self.end, datetime.min.time())

    def calendar(self) -> Period:
        """The same label with months starting on the 1st (how plan rows are labelled)."""
        if self.kind == "range" or self.start_day == 1:
            return self
        return parse_period(self.label, 1)

    def __str__(self) -> str:
        return self.label


def _month_start(year: int, month: int, start_day: int) -> date:
    """First day of month period (year, month): the previous month's `start_day` when > 1."""
    if start_day == 1:
        return date(year, month, 1)
    month -= 1
    if month == 0:
        year, month = year - 1, 12
    return date(year, month, start_day)


def _months_range(year: int, first: int, last: int, start_day: int) -> tuple[date, date]:
    start = _month_start(year, first, start_day)
    nxt_year, nxt = (year + 1, 1) if last == 12 else (year, last + 1)
    return start, _month_start(nxt_year, nxt, start_day)


def _parse_day(text: str) -> date:
    try:
        y, m, d = (int(p) for p in text.split("-"))
        return date(y, m, d)
    except ValueError:
        raise PeriodError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def parse_period(text: str, start_day: int = 1) -> Period:
    """Read ``2026-03``, ``2026-Q1``, ``2026-H2``, ``2026``, ``2026-03-04`` or ``A..B`` (inclusive)."""
    if not isinstance(start_day, int) or not 1 <= start_day <= 28:
        raise PeriodError(f"period start day must be between 1 and 28, not {start_day!r}")
    label = str(text).strip()
    if ".." in label:
        a, b = (p.strip() for p in label.split("..", 1))
        start, last = _parse_day(a), _parse_day(b)
        if last < start:
            raise PeriodError(f"period {label!r} ends before it starts")
        return Period(label, "range", start, last + timedelta(days=1), start_day)
    if m := _MONTH.match(label):
        year, month = int(m[1]), int(m[2])
        if not 1 <= month <= 12:
            raise PeriodError(f"{label!r}: month must be 01–12")
        start, end = _months_range(year, month, month, start_day)
        return Period(f"{year:04d}-{month:02d}", "month", start, end, start_day)
    if m := _QUARTER.match(label):
        year, q = int(m[1]), int(m[2])
        start, end = _months_range(year, 3 * q - 2, 3 * q, start_day)
        return Period(f"{year:04d}-Q{q}", "quarter", start, end, start_day)
    if m := _HALF.match(label):
        year, h = int(m[1]), int(m[2])
        start, end = _months_range(year, 6 * h - 5, 6 * h, start_day)
        return Period(f"{year:04d}-H{h}", "half", start, end, start_day)
    if m := _YEAR.match(label):
        year = int(m[1])
        start, end = _months_range(year, 1, 12, start_day)
        return Period(f"{year:04d}", "year", start, end, start_day)
    if _DAY.match(label):
        day = _parse_day(label)
        return Period(day.isoformat(), "range", day, day + timedelta(days=1), start_day)
    raise PeriodError(
        f"{label!r} is not a period: use 2026-03, 2026-Q1, 2026-H2, 2026 or 2026-03-01..2026-03-15"
    )


def previous(period: Period) -> Period | None:
    """The period of the same kind just before this one (None for custom ranges)."""
    if period.kind == "range":
        return None
    y = int(period.label[:4])
    if period.kind == "year":
        return parse_period(str(y - 1), period.start_day)
    if period.kind == "month":
        m = int(period.label[5:7])
        y, m = (y - 1, 12) if m == 1 else (y, m - 1)
        return parse_period(f"{y:04d}-{m:02d}", period.start_day)
    if period.kind == "quarter":
        q = int(period.label[-1])
        y, q = (y - 1, 4) if q == 1 else (y, q - 1)
        return parse_period(f"{y:04d}-Q{q}", period.start_day)
    h = int(period.label[-1])
    y, h = (y - 1, 2) if h == 1 else (y, h - 1)
    return parse_period(f"{y:04d}-H{h}", period.start_day)
