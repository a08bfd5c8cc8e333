"""Working days: the Chinese working calendar with its 调休 make-up days, plus the centre's own.

The national calendar comes from the ``chinesecalendar`` package (holidays and make-up working
days as the State Council publishes them each year). A centre's own days off or extra working
days are imported as the ``calendar`` record type and win over the national calendar. For a year
the package has no data for yet, Monday–Friday are working days (with the centre's own days on
top), and the year is listed in :attr:`Workdays.unknown_years` so callers can say so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

import chinese_calendar


@dataclass
class Workdays:
    """Which days are working days; ``overrides`` maps a date to True (work) or False (rest)."""

    overrides: Mapping[date, bool] = field(default_factory=dict)
    unknown_years: set[int] = field(default_factory=set)

    def is_workday(self, day: date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        try:
            return bool(chinese_calendar.is_workday(day))
        except NotImplementedError:  # a year the package does not cover yet
            self.unknown_years.add(day.year)
            return day.weekday() < 5

    def nth_after(self, day: date, n: int) -> date:
        """The ``n``-th working day after ``day`` (``day`` itself is not counted)."""
        if n < 1:
            raise ValueError("n must be at least 1")
        current, found = day, 0
        while found < n:
            current += timedelta(days=1)
            if self.is_workday(current):
                found += 1
        return current

    def count(self, first: date, last: date) -> int:
        """Working days from ``first`` to ``last``, both included."""
        days = (last - first).days + 1
        return sum(1 for i in range(max(0, days)) if self.is_workday(first + timedelta(days=i)))
