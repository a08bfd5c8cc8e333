"""Problem rendering, Decimal ↔ JSON and the yes/no words of the kernel."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal

import pytest

from csperf.kernel.decimals import dumps, jsonable, loads, to_decimal
from csperf.kernel.problems import Problem
from csperf.kernel.words import NO_WORDS, YES_WORDS, yes_no


@pytest.mark.parametrize(
    ("problem", "source", "text"),
    [
        (
            Problem("sections[0].weight", "must be a number", 7),
            "card.yaml",
            "card.yaml:7: sections[0].weight: must be a number",
        ),
        (Problem("", "invalid YAML"), "card.yaml", "card.yaml: invalid YAML"),
        (
            Problem("", "required column missing", row=1, file="p.csv", column="工号"),
            None,
            "p.csv:1:工号: required column missing",
        ),
        (Problem("", "bad", file="p.csv", column="date"), None, "p.csv:date: bad"),
        (Problem("a.b", "bad"), None, "a.b: bad"),
    ],
)
def test_problem_names_where_and_what(problem, source, text):
    assert problem.render(source) == text
    if source is None:
        assert str(problem) == text


def test_jsonable_makes_whole_decimals_ints_and_others_floats():
    data = {
        "total": Decimal("92.00"),
        "rate": Decimal("0.7050"),
        3: [Decimal("-1"), None],
        "day": date(2026, 3, 1),
        "at": datetime(2026, 3, 1, 8, 30),
        "ok": True,
    }
    out = jsonable(data)
    assert out == {
        "total": 92,
        "rate": 0.705,
        "3": [-1, None],
        "day": "2026-03-01",
        "at": "2026-03-01T08:30:00",
        "ok": True,
    }
    assert type(out["total"]) is int and type(out["rate"]) is float
    assert jsonable({"x": object()}, default=lambda o: "obj") == {"x": "obj"}
    with pytest.raises(ValueError, match="not a JSON number"):
        jsonable(Decimal("NaN"))


@pytest.mark.parametrize("text", ["92.20", "0.7050", "123456789012.34", "-0.0001", "1E+2", "0"])
def test_every_form_reads_back_to_the_same_decimal(text):
    d = Decimal(text)
    assert to_decimal(json.loads(json.dumps(jsonable(d)))) == d
    assert loads(dumps({"v": d}))["v"] == d
    assert to_decimal(text) == d  # older stores held Decimals as text


def test_dumps_keeps_the_digits_and_matches_json_layout():
    data = {"total": Decimal("92.20"), "names": ["张三", 1, 2.5, None, False], "e": {}, "l": []}
    assert dumps(data, indent=2) == json.dumps(
        {**data, "total": "@"}, ensure_ascii=False, indent=2
    ).replace('"@"', "92.20")
    assert dumps([Decimal("1.0")]) == "[1.0]"
    with pytest.raises(TypeError, match="set cannot be written"):
        dumps({1, 2})


@pytest.mark.parametrize("bad", [True, None, "abc", "NaN", [1]])
def test_to_decimal_refuses_what_is_no_number(bad):
    with pytest.raises(ValueError, match="is not a number"):
        to_decimal(bad)


def test_yes_no_words():
    assert not YES_WORDS & NO_WORDS
    assert all(w == w.strip().lower() for w in YES_WORDS | NO_WORDS)
    assert [
        yes_no(v) for v in (" 是 ", "Yes", "√", True, "否", "OFF", False, "", None, "maybe")
    ] == [
        True,
        True,
        True,
        True,
        False,
        False,
        False,
        None,
        None,
        None,
    ]
