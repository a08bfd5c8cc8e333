from datetime import date

import pytest

from csperf.scoring.periods import Period


@pytest.mark.parametrize(
    ("label", "kind", "first"),
    [
        ("2026-03", "month", 3),
        ("2026-Q2", "quarter", 4),
        ("2026-H2", "half", 7),
        ("2026", "year", 1),
    ],
)
def test_parse(label, kind, first):
    p = Period.parse(label)
    assert (p.kind, p.first_month, p.year, p.label) == (kind, first, 2026, label)


@pytest.mark.parametrize(
    "label", ["2026-13", "2026-00", "2026-Q5", "2026-H3", "26-03", "2026-3", "", "2026-03-01"]
)
def test_parse_rejects(label):
    with pytest.raises(ValueError):
        Period.parse(label)


def test_contains_by_label():
    assert Period.parse("2026-Q1").contains(Period.parse("2026-03"))
    assert not Period.parse("2026-Q1").contains(Period.parse("2026-04"))
    assert Period.parse("2026-H2").contains(Period.parse("2026-Q3"))
    assert Period.parse("2026").contains(Period.parse("2026-H2"))
    assert not Period.parse("2026-03").contains(Period.parse("2026-Q1"))


def test_start_day_26():
    # The contract's example: 2026-03 with start day 26 runs 2026-02-26 .. 2026-03-25.
    assert Period.parse("2026-03").date_range(26) == (date(2026, 2, 26), date(2026, 3, 25))
    assert Period.parse("2026-01").date_range(26) == (date(2025, 12, 26), date(2026, 1, 25))
    assert Period.parse("2026-Q1").date_range(26) == (date(2025, 12, 26), date(2026, 3, 25))
    assert Period.parse("2026-03").days(26) == 28
    assert Period.parse("2026-02").days() == 28
    assert Period.parse("2024-02").days() == 29
    assert Period.parse("2026").days() == 365


def test_previous_crosses_years():
    assert Period.parse("2026-01").previous().label == "2025-12"
    assert Period.parse("2026-Q1").previous().label == "2025-Q4"
    assert Period.parse("2026-H1").previous().label == "2025-H2"
    assert Period.parse("2026").previous().label == "2025"
