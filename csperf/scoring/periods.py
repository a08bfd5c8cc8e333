"""Period labels: ``2026-03`` (month), ``2026-Q1`` (quarter), ``2026-H2`` (half), ``2026`` (year).

A period belongs to the quarter, half and year its label names, whatever the template's
``period_start_day``; the start day only moves the dates a period covers
(``2026-03`` with start day 26 runs from 2026-02-26 to 2026-03-25).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

PeriodKind = Literal["month", "quarter", "half", "year"]
KINDS: tuple[PeriodKind, ...] = ("month", "quarter", "half", "year")
_MONTHS_IN = {"month": 1, "quarter": 3, "half": 6, "year": 12}
_PATTERN = re.compile(r"^(\d{4})(?:-(?:(\d{2})|Q([1-4])|H([12])))?$")
# Years a period may name: a wider range is no evaluation period, and year 0 or 9999 would
# overflow the dates a period covers.
YEARS = (1900, 2999)
# What ``Period.parse`` accepts, as a JSON-schema pattern (the API's period fields).
PERIOD_PATTERN = r"^(19[0-9]{2}|2[0-9]{3})(-(0[1-9]|1[0-2])|-Q[1-4]|-H[12])?$"


@dataclass(frozen=True, order=True)
class Period:
    year: int
    first_month: int  # 1–12: the calendar month the label starts with
    kind: PeriodKind

    @classmethod
    def parse(cls, label: str) -> Period:
        """Parse a label or raise ``ValueError`` saying what is expected."""
        m = _PATTERN.match(label.strip()) if isinstance(label, str) else None
        if not m:
            raise ValueError(
                f"invalid period {label!r}: expected 2026-03, 2026-Q1, 2026-H2 or 2026"
            )
        year = int(m.group(1))
        if not YEARS[0] <= year <= YEARS[1]:
            raise ValueError(f"invalid period {label!r}: the year must be {YEARS[0]}–{YEARS[1]}")
        if m.group(2):
            month = int(m.group(2))
            if not 1 <= month <= 12:
                raise ValueError(f"invalid period {label!r}: month must be 01–12")
            return cls(year, month, "month")
        if m.group(3):
            return cls(year, (int(m.group(3)) - 1) * 3 + 1, "quarter")
        if m.group(4):
            return cls(year, 1 if m.group(4) == "1" else 7, "half")
        return cls(year, 1, "year")

    @property
    def months(self) -> int:
        return _MONTHS_IN[self.kind]

    @property
    def label(self) -> str:
        if self.kind == "month":
            return f"{self.year}-{self.first_month:02d}"
        if self.kind == "quarter":
            return f"{self.year}-Q{(self.first_month - 1) // 3 + 1}"
        if self.kind == "half":
            return f"{self.year}-H{1 if self.first_month == 1 else 2}"
        return str(self.year)

    def __str__(self) -> str:
        return self.label

    def _index(self) -> int:
        return self.year * 12 + self.first_month - 1

    def contains(self, other: Period) -> bool:
        """True when ``other`` lies within this period (by label)."""
        start, end = self._index(), self._index() + self.months
        return start <= other._index() and other._index() + other.months <= end

    def shift(self, n: int) -> Period:
        """The period ``n`` steps later (negative: earlier) of the same kind."""
        idx = self._index() + n * self.months
        return Period(idx // 12, idx % 12 + 1, self.kind)

    def previous(self) -> Period:
        return self.shift(-1)

    def date_range(self, start_day: int = 1) -> tuple[date, date]:
        """First and last day (inclusive) the period covers for a month start day (1–28)."""
        if not 1 <= start_day <= 28:
            raise ValueError("period_start_day must be between 1 and 28")
        first = date(self.year, self.first_month, 1)
        nxt = self.shift(1)
        after = date(nxt.year, nxt.first_month, 1)
        if start_day > 1:
            # The period named for a month ends on the day before start_day of that month.
            prev_idx = self._index() - 1
            first = date(prev_idx // 12, prev_idx % 12 + 1, start_day)
            last_idx = self._index() + self.months - 1
            after = date(last_idx // 12, last_idx % 12 + 1, start_day)
        return first, after - timedelta(days=1)

    def days(self, start_day: int = 1) -> int:
        first, last = self.date_range(start_day)
        return (last - first).days + 1


def specificity(kind: PeriodKind) -> int:
    """Smaller is more specific: month 0 … year 3."""
    return KINDS.index(kind)
