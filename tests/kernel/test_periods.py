"""The one Period: labels, months starting on another day, custom ranges, the end convention."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest

from csperf.kernel.periods import PERIOD_PATTERN, Period, PeriodError, parse_period


@pytest.mark.parametrize(
    ("label", "kind", "first"),
    [
        ("2026-03", "month", 3),
        ("2026-Q2", "quarter", 4),
        ("2026-H2", "half", 7),
        ("2026", "year", 1),
    ],
)
def test_parse_labels(label, kind, first):
    p = Period.parse(label)
    assert (p.kind, p.first_month, p.year, p.label) == (kind, first, 2026, label)
    assert re.match(PERIOD_PATTERN, label)


@pytest.mark.parametrize(
    "label",
    ["2026-13", "2026-00", "2026-Q5", "2026-H3", "26-03", "2026-3", "", "2026-03-01", "1899", None],
)
def test_parse_rejects_what_is_no_canonical_label(label):
    with pytest.raises(PeriodError):
        Period.parse(label)
    if isinstance(label, str):
        assert not re.match(PERIOD_PATTERN, label)


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
def test_read(label, start_day, first, last, kind):
    p = parse_period(label, start_day)
    assert (p.start, p.last, p.kind) == (first, last, kind)
    assert p.days == (last - first).days + 1
    assert p.date_range() == (first, last)


def test_the_end_is_exclusive_and_last_inclusive():
    p = Period.parse("2026-03")
    assert (p.start, p.end, p.last) == (date(2026, 3, 1), date(2026, 4, 1), date(2026, 3, 31))
    assert p.end_ts == datetime(2026, 4, 1) and p.start_ts == datetime(2026, 3, 1)
    # the same label read either way is the same period
    assert Period.parse("2026-03") == parse_period("2026-3") == Period.read(" 2026-03 ")


@pytest.mark.parametrize(
    ("label", "start_day", "message"),
    [
        ("2026-13", 1, "month must be 01–12"),
        ("2026-Q5", 1, "is not a period"),
        ("March", 1, "is not a period"),
        ("2026-03-15..2026-03-01", 1, "ends before it starts"),
        ("2026-02-30", 1, "is not a date"),
        ("0000-03", 1, "the year must be 1900–2999"),
        ("2026-03", 29, "between 1 and 28"),
        ("2026-03", 0, "between 1 and 28"),
        ("2026-03", True, "between 1 and 28"),
    ],
)
def test_read_errors(label, start_day, message):
    with pytest.raises(PeriodError, match=message):
        parse_period(label, start_day)


def test_contains_by_label_and_by_dates():
    assert Period.parse("2026-Q1").contains(Period.parse("2026-03"))
    assert not Period.parse("2026-Q1").contains(Period.parse("2026-04"))
    assert Period.parse("2026-H2").contains(Period.parse("2026-Q3"))
    assert Period.parse("2026").contains(Period.parse("2026-H2"))
    assert not Period.parse("2026-03").contains(Period.parse("2026-Q1"))
    assert Period.parse("2026-03").contains(parse_period("2026-03-01..2026-03-31"))
    assert not Period.parse("2026-03").contains(parse_period("2026-03-01..2026-04-01"))


def test_start_day_moves_the_dates_not_the_label():
    # The contract's example: 2026-03 with start day 26 runs 2026-02-26 .. 2026-03-25.
    assert Period.parse("2026-03").date_range(26) == (date(2026, 2, 26), date(2026, 3, 25))
    assert Period.parse("2026-01").date_range(26) == (date(2025, 12, 26), date(2026, 1, 25))
    assert Period.parse("2026-Q1").date_range(26) == (date(2025, 12, 26), date(2026, 3, 25))
    assert Period.parse("2026-03", 26).days == 28
    assert Period.parse("2026-02").days == 28
    assert Period.parse("2024-02").days == 29
    assert Period.parse("2026").days == 365
    p = parse_period("2026-03", 26)
    assert p.calendar().start == date(2026, 3, 1) and p.calendar().label == "2026-03"
    assert p.with_start_day(26) is p


def test_previous_and_shift_cross_years_and_keep_the_start_day():
    assert Period.parse("2026-01").previous().label == "2025-12"
    assert Period.parse("2026-Q1").previous().label == "2025-Q4"
    assert Period.parse("2026-H1").previous().label == "2025-H2"
    assert Period.parse("2026").previous().label == "2025"
    assert Period.parse("2026-11").shift(3).label == "2027-02"
    assert Period.parse("2026-03", 26).previous().start == date(2026, 1, 26)
    with pytest.raises(PeriodError, match="custom range"):
        parse_period("2026-03-01..2026-03-02").previous()


def test_month_periods_and_order():
    q = Period.parse("2026-Q1", 26)
    assert [m.label for m in q.month_periods()] == ["2026-01", "2026-02", "2026-03"]
    assert q.month_periods()[0].start == q.start and q.month_periods()[-1].end == q.end
    assert Period.parse("2026-01") < Period.parse("2026-Q1") < Period.parse("2026-02")
    assert Period.parse("2026-Q1").months == 3
