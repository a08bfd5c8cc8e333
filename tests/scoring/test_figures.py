"""Issue 16 items 3 and 7: one formatter of figures by unit (csperf.scoring.figures)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from csperf.scoring import figures


@pytest.mark.parametrize(
    ("value", "unit", "shown"),
    [
        (Decimal("0.70161290322580645161290322"), "share", "70.16%"),
        (0.9899, "ratio", "98.99%"),
        (Decimal("1.02"), "ratio", "102%"),
        (Decimal("-0.035"), "signed_ratio", "-3.5%"),
        (Decimal("128.3106"), "seconds", "2:08"),
        (Decimal("3725"), "seconds", "1:02:05"),
        (Decimal("45.4"), "seconds", "45 秒"),
        (Decimal("1591.6"), "amount", "1,591.60"),
        (Decimal("1234567.005"), "amount", "1,234,567.01"),
        (12, "count", "12"),
        (Decimal("128.3106"), "score", "128.31"),
        (Decimal("82.675"), "score", "82.68"),
        (Decimal("88.50"), None, "88.5"),
        (None, "ratio", "—"),
    ],
)
def test_each_unit_reads_as_people_write_it(value, unit, shown):
    assert figures.figure(value, unit) == shown


def test_scores_carry_two_decimals_as_stored():
    assert figures.score(Decimal("61")) == "61.00"
    assert figures.score(Decimal("82.675")) == "82.68"
    assert figures.score(None) == "—"


def test_english_seconds_and_counts_by_kind():
    assert figures.figure(Decimal("9"), "seconds", lang="en") == "9 s"
    assert figures.figure({"late": 2, "absent": Decimal("1.0")}, "count") == "late 2、absent 1"


def test_no_figure_has_more_decimals_than_its_unit():
    for unit in ("share", "score", "mean", "amount", None):
        text = figures.figure(Decimal("0.123456789"), unit).rstrip("%")
        assert len(text.split(".")[-1]) <= 2, (unit, text)


def test_spreadsheet_formats_and_cells():
    assert figures.xlsx_format("share") == "0.00%"
    assert figures.xlsx_format("amount") == "#,##0.00"
    assert figures.xlsx_format("count") == "0"
    assert figures.xlsx_format("score") == "0.00"
    assert figures.cell_number(Decimal("0.70161290322580645161290322"), "share") == 0.7016
    assert figures.cell_number(Decimal("1591.6049"), "amount") == 1591.6
    assert figures.cell_number(None, "share") is None


def test_percentage_axes_run_from_0_to_100_percent():
    assert figures.axis([0.9899], "ratio") == {"min": 0.0, "max": 1.0}
    assert figures.axis([0.5, 1.17], "ratio") == {"min": 0.0, "max": 1.2}
    assert figures.axis([], "share") == {"min": 0.0, "max": 1.0}


def test_a_single_point_sits_inside_an_axis_fitted_to_it():
    bounds = figures.axis([100], "count")
    assert bounds["min"] == 0 and bounds["max"] >= 100 and bounds["max"] < 160
    assert figures.axis([128.31], "seconds") == {"min": 0, "max": 150}
    assert figures.axis([None, 3, 5, 8]) == {"min": 0, "max": 8}
    assert figures.axis([-3, 5]) == {"min": -4, "max": 6}
    assert figures.axis([0]) == {"min": 0.0, "max": 1.0}


def test_an_item_reads_its_unit_from_the_template_else_its_indicator():
    from csperf.scoring import load_template

    template = load_template(
        """
code: u
version: 1
name: u
period: month
x-inputs: {handled: {unit: count}}
sections:
  - code: s
    name: s
    items:
      - {code: a, name: a, value: keep, x-unit: share, points: 10, rule: {type: linear, points: [[0, 0], [1, 10]]}}
      - {code: b, name: b, value: handled, points: 10, rule: {type: linear, points: [[0, 0], [1, 10]]}}
      - {code: c, name: c, value: aht, points: 10, rule: {type: linear, points: [[0, 0], [1, 10]]}}
      - {code: d, name: d, value: other, points: 10, rule: {type: linear, points: [[0, 0], [1, 10]]}}
"""
    )
    specs = template.input_specs()
    known = {"aht": "seconds"}.get  # the records layer's lookup (metrics.indicators.unit_of)
    units = [figures.item_unit(it, specs, indicator_units=known) for _s, it in template.items]
    assert units == ["share", "count", "seconds", None]
    # Without a lookup the engine knows no indicator's unit.
    assert figures.item_unit(template.items[2][1], specs) is None


def test_the_indicator_library_gives_its_units():
    from csperf.metrics.indicators import unit_of

    assert unit_of("aht") == "seconds"
    assert unit_of("abandon_rate") == "ratio"
    assert unit_of("no_such_indicator") is None
    assert unit_of(None) is None
