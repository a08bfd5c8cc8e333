"""Period labels, months starting on another day, custom ranges."""

from __future__ import annotations

from datetime import date

import pytest

from csperf.metrics.periods import PeriodError, parse_period, previous


@pytest.mark.parametrize(
    ("label", "start_day", "first", "last", "kind"),
    [
        ("2026-03", 1, date(2026, 3, 1), date(2026, 3, 31), "month"),
        ("2026-3", 1, date(2026, 3, 1), date(2026, 3, 31), "month"),
        ("2026-02", 1, date(2026, 2, 1), date(2026, 2, 28), "month"),
        ("2024-02", 1, date(2024, 2, 1), date(2024, 2, 29), "month"),
        ("2026-03", 26, date(2026, 2, 26), date(2026, 3, 25), "month"),
        ("2026-01", 26, date(2025, 12, 26), date(2026, 1, 25), "month"),
        ("2026-Q1", 1, date(2026, 1, 1), date(2026, 3, 31), "quarter"),
        ("2026-q4", 1, date(2026, 10, 1), date(2026, 12, 31), "quarter"),
        ("2026-Q1", 26, date(2025, 12, 26), date(2026, 3, 25), "quarter"),
        ("2026-H1", 1, date(2026, 1, 1), date(2026, 6, 30), "half"),
        ("2026-H2", 1, date(2026, 7, 1), date(2026, 12, 31), "half"),
        ("2026-H2", 26, date(2026, 6, 26), date(2026, 12, 25), "half"),
        ("2026", 1, date(2026, 1, 1), date(2026, 12, 31), "year"),
        ("2026", 26, date(2025, 12, 26), date(2026, 12, 25), "year"),
        ("2026-03-01..2026-03-15", 1, date(2026, 3, 1), date(2026, 3, 15), "range"),
        ("2026-03-04", 1, date(2026, 3, 4), date(2026, 3, 4), "range"),
    ],
)
def test_parse(label, start_day, first, last, kind):
    p = parse_period(label, start_day)
    assert (p.start, p.last, p.kind) == (first, last, kind)
    assert p.days == (last - first).days + 1


@pytest.mark.parametrize(
    ("label", "start_day", "message"),
    [
        ("2026-13", 1, "month must be 01–12"),
        ("2026-Q5", 1, "is not a period"),
        ("March", 1, "is not a period"),
        ("2026-03-15..2026-03-01", 1, "ends before it starts"),
        ("2026-02-30", 1, "is not a date"),
        ("2026-03", 29, "between 1 and 28"),
        ("2026-03", 0, "between 1 and 28"),
    ],
)
def test_errors(label, start_day, message):
    with pytest.raises(PeriodError, match=message):
        parse_period(label, start_day)


def test_calendar_and_previous():
    p = parse_period("2026-03", 26)
    assert p.calendar().start == date(2026, 3, 1)
    assert previous(parse_period("2026-01")).label == "2025-12"
    assert previous(parse_period("2026-Q1")).label == "2025-Q4"
    assert previous(parse_period("2026-H1")).label == "2025-H2"
    assert previous(parse_period("2026")).label == "2025"
    assert previous(parse_period("2026-03-01..2026-03-02")) is None
