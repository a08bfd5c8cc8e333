from decimal import Decimal

import pytest

from csperf.scoring.loader import LoadError, parse_document


def test_yaml_numbers_are_exact_decimals():
    doc = parse_document("a: 0.1\nb: 2\nc: 1.10\nd: 1e3\n")
    assert doc.data == {"a": Decimal("0.1"), "b": 2, "c": Decimal("1.10"), "d": Decimal("1E+3")}
    assert isinstance(doc.data["b"], int)


def test_yaml_12_core_schema():
    # YAML 1.1 would read these as booleans / sexagesimal numbers; 1.2 core keeps them text.
    doc = parse_document("a: yes\nb: no\nc: on\nd: 1:30\ne: true\nf: ~\n")
    assert doc.data == {"a": "yes", "b": "no", "c": "on", "d": "1:30", "e": True, "f": None}


@pytest.mark.parametrize("text", ["a: 1\na: 2\n", '{"a": 1, "a": 2}', "x:\n  b: 1\n  b: 1\n"])
def test_duplicate_keys_are_errors(text):
    with pytest.raises(LoadError) as exc:
        parse_document(text)
    assert "duplicate" in exc.value.problem.message


def test_lines_are_remembered():
    doc = parse_document("code: x\nsections:\n  - code: a\n    items:\n      - code: b\n")
    assert doc.line_of("sections[0].items[0].code") == 5
    assert doc.line_of("sections[0].items[0].rule.tiers[3]") == 5  # nearest known ancestor


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("a: [1, 2", "invalid YAML"),
        ("a: .inf", "not a usable number"),
        ("a: .nan", "not a usable number"),
        ('{"a": NaN}', "not a number"),
        ('{"a": 1,}', "invalid JSON"),
        ("base: &b {x: 1}\nc:\n  <<: *b\n", "merge keys"),
    ],
)
def test_bad_documents(text, fragment):
    with pytest.raises(LoadError) as exc:
        parse_document(text)
    assert fragment in exc.value.problem.message


def test_json_numbers_exact():
    assert parse_document('{"a": 0.70, "b": 3}').data == {"a": Decimal("0.70"), "b": 3}


def test_deep_nesting_rejected_not_crashing():
    text = "a: " + "[" * 300 + "]" * 300
    with pytest.raises(LoadError):
        parse_document(text)
