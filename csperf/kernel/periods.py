"""Evaluation periods: ``2026-03`` (month), ``2026-Q1``, ``2026-H2``, ``2026`` and custom ranges.

**End convention** — a period is the half-open date range ``[start, end)``: ``start`` is its
first day, ``end`` the day *after* its last day, ``last`` its last day (inclusive). The
inclusive pair is also what :meth:`Period.date_range` returns.

A period belongs to the quarter, half and year its label names, whatever the month start day;
the start day (1–28) only moves the dates it covers: with start day 26 the month ``2026-03``
runs from 2026-02-26 to 2026-03-25 inclusive, and a quarter, half or year is the union of its
months (``2026-Q1`` with start day 26 runs from 2025-12-26 to 2026-03-25).

Two readers: :meth:`Period.parse` takes the canonical labels stored in templates, cycles and the
API (:data:`PERIOD_PATTERN`); :meth:`Period.read` also takes what people type when querying
records — ``2026-3``, ``2026-q1``, a day ``2026-03-04`` or a range ``2026-03-01..2026-03-15``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

from csperf.kernel.i18n import Message, gettext_noop

PeriodKind = Literal["month", "quarter", "half", "year", "range"]
_MONTHS_IN = {"month": 1, "quarter": 3, "half": 6, "year": 12}
# Years a label may name: a wider range is no evaluation period, and year 0 or 9999 would
# overflow the dates a period covers.
YEARS = (1900, 2999)
# What ``Period.parse`` accepts, as a JSON-schema pattern (the API's period fields).
PERIOD_PATTERN = r"^(19[0-9]{2}|2[0-9]{3})(-(0[1-9]|1[0-2])|-Q[1-4]|-H[12])?$"
_CANONICAL = re.compile(r"^(\d{4})(?:-(?:(\d{2})|Q([1-4])|H([12])))?$")
_TYPED = re.compile(r"^(\d{4})(?:-(?:(\d{1,2})|[Qq]([1-4])|[Hh]([12])))?$")
_DAY = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$")


class PeriodError(ValueError):
    """A period label, start day or range that cannot be read."""


@dataclass(frozen=True, order=True)
class Period:
    start: date  # first day, inclusive
    end: date  # the day after the last day (exclusive)
    kind: PeriodKind
    label: str
    start_day: int = 1  # the day of the month a month period starts on (1–28)

    # -- reading ---------------------------------------------------------------------------

    @classmethod
    def parse(cls, label: object, start_day: int = 1) -> Period:
        """A canonical label (``2026-03``, ``2026-Q1``, ``2026-H2``, ``2026``); anything else
        (text or not) raises PeriodError."""
        m = _CANONICAL.match(label.strip()) if isinstance(label, str) else None
        if not m:
            raise PeriodError(
                f"invalid period {label!r}: expected 2026-03, 2026-Q1, 2026-H2 or 2026"
            )
        return _from_match(f"invalid period {str(label)!r}", m, start_day)

    @classmethod
    def read(cls, text: object, start_day: int = 1) -> Period:
        """A label as people type it, a day ``2026-03-04`` or a range ``A..B`` (inclusive)."""
        _check_start_day(start_day)
        label = str(text).strip()
        if ".." in label:
            a, b = (p.strip() for p in label.split("..", 1))
            first, last = _parse_day(a), _parse_day(b)
            if last < first:
                ends = gettext_noop("period '%(label)s' ends before it starts")
                raise PeriodError(Message(ends, {"label": label}))
            return cls(first, last + timedelta(days=1), "range", label, start_day)
        if m := _TYPED.match(label):
            return _from_match(repr(label), m, start_day)
        if _DAY.match(label):
            day = _parse_day(label)
            return cls(day, day + timedelta(days=1), "range", day.isoformat(), start_day)
        raise PeriodError(
            Message(
                gettext_noop(
                    "'%(label)s' is not a period: use 2026-03, 2026-Q1, 2026-H2, 2026"
                    " or 2026-03-01..2026-03-15"
                ),
                {"label": label},
            )
        )

    # -- what it covers --------------------------------------------------------------------

    @property
    def last(self) -> date:
        """The last day, inclusive."""
        return self.end - timedelta(days=1)

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    @property
    def start_ts(self) -> datetime:
        return datetime.combine(self.start, datetime.min.time())

    @property
    def end_ts(self) -> datetime:
        """Midnight starting ``end``: timestamps of the period are ``< end_ts``."""
        return datetime.combine(self.end, datetime.min.time())

    def date_range(self, start_day: int | None = None) -> tuple[date, date]:
        """First and last day (both inclusive), for ``start_day`` if given, else the own one."""
        p = self if start_day is None else self.with_start_day(start_day)
        return p.start, p.last

    def with_start_day(self, start_day: int) -> Period:
        """The same label with months starting on ``start_day`` (a range stays as it is)."""
        _check_start_day(start_day)
        if self.kind == "range" or start_day == self.start_day:
            return self
        return Period.parse(self.label, start_day)

    def calendar(self) -> Period:
        """The same label with months starting on the 1st (how plan rows are labelled)."""
        return self.with_start_day(1)

    # -- the label -------------------------------------------------------------------------

    @property
    def year(self) -> int:
        """The year the label names (a range: the year it starts in)."""
        return int(self.label[:4]) if self.kind != "range" else self.start.year

    @property
    def first_month(self) -> int:
        """1–12: the calendar month the label starts with."""
        self._labelled("first_month")
        if self.kind == "month":
            return int(self.label[5:7])
        if self.kind == "quarter":
            return (int(self.label[-1]) - 1) * 3 + 1
        if self.kind == "half":
            return 1 if self.label[-1] == "1" else 7
        return 1

    @property
    def months(self) -> int:
        """How many months the label spans: 1, 3, 6 or 12."""
        self._labelled("months")
        return _MONTHS_IN[self.kind]

    def month_periods(self) -> tuple[Period, ...]:
        """The month periods this one is made of, in order, with the same start day."""
        first = self._index()
        return tuple(_month(first + i, self.start_day) for i in range(self.months))

    def contains(self, other: Period) -> bool:
        """True when ``other`` lies within this period: by label, or by dates if a range."""
        if self.kind == "range" or other.kind == "range":
            return self.start <= other.start and other.end <= self.end
        start, end = self._index(), self._index() + self.months
        return start <= other._index() and other._index() + other.months <= end

    def shift(self, n: int) -> Period:
        """The period ``n`` steps later (negative: earlier) of the same kind and start day."""
        idx = self._index() + n * self.months
        year, month = divmod(idx, 12)
        return Period.parse(_label(year, month + 1, self.kind), self.start_day)

    def previous(self) -> Period:
        return self.shift(-1)

    def __str__(self) -> str:
        return self.label

    def _index(self) -> int:
        return self.year * 12 + self.first_month - 1

    def _labelled(self, what: str) -> None:
        if self.kind == "range":
            raise PeriodError(f"period {self.label!r} is a custom range: it has no {what}")


def _check_start_day(start_day: object) -> None:
    if isinstance(start_day, bool) or not isinstance(start_day, int) or not 1 <= start_day <= 28:
        raise PeriodError(f"period start day must be between 1 and 28, not {start_day!r}")


def _from_match(shown: str, m: re.Match[str], start_day: int) -> Period:
    """The period a label matched; ``shown`` starts the messages (the label as read)."""
    _check_start_day(start_day)
    year = int(m.group(1))
    if not YEARS[0] <= year <= YEARS[1]:
        year_range = gettext_noop("%(label)s: the year must be %(first)s–%(last)s")
        raise PeriodError(
            Message(year_range, {"label": shown, "first": YEARS[0], "last": YEARS[1]})
        )
    if m.group(2):
        month = int(m.group(2))
        if not 1 <= month <= 12:
            raise PeriodError(
                Message(gettext_noop("%(label)s: month must be 01–12"), {"label": shown})
            )
        kind: PeriodKind = "month"
        first, count = month, 1
    elif m.group(3):
        kind, first, count = "quarter", (int(m.group(3)) - 1) * 3 + 1, 3
    elif m.group(4):
        kind, first, count = "half", 1 if m.group(4) == "1" else 7, 6
    else:
        kind, first, count = "year", 1, 12
    idx = year * 12 + first - 1
    start = _month_start(idx, start_day)
    end = _month_start(idx + count, start_day)
    return Period(start, end, kind, _label(year, first, kind), start_day)


def _month_start(idx: int, start_day: int) -> date:
    """First day of the month period with index ``year * 12 + month - 1``: with a start day
    above 1, that day of the month before."""
    if start_day == 1:
        return date(idx // 12, idx % 12 + 1, 1)
    idx -= 1
    return date(idx // 12, idx % 12 + 1, start_day)


def _month(idx: int, start_day: int) -> Period:
    return Period.parse(_label(idx // 12, idx % 12 + 1, "month"), start_day)


def _label(year: int, first_month: int, kind: PeriodKind) -> str:
    if kind == "month":
        return f"{year:04d}-{first_month:02d}"
    if kind == "quarter":
        return f"{year:04d}-Q{(first_month - 1) // 3 + 1}"
    if kind == "half":
        return f"{year:04d}-H{1 if first_month == 1 else 2}"
    return f"{year:04d}"


def _parse_day(text: str) -> date:
    try:
        y, m, d = (int(p) for p in text.split("-"))
        return date(y, m, d)
    except ValueError:
        not_a_day = gettext_noop("'%(text)s' is not a date (YYYY-MM-DD)")
        raise PeriodError(Message(not_a_day, {"text": text})) from None


def parse_period(text: str, start_day: int = 1) -> Period:
    """Shorthand for :meth:`Period.read` (record queries, imports, the CLI)."""
    return Period.read(text, start_day)


__all__ = [
    "PERIOD_PATTERN",
    "YEARS",
    "Period",
    "PeriodError",
    "PeriodKind",
    "parse_period",
]
