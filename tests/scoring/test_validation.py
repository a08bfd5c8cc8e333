"""Templates that break the contract are refused with the path (and line) of each problem."""

import textwrap

import pytest

from csperf.scoring import TemplateError, load_template

BASE = """\
code: t
version: 1
period: month
sections:
  - code: s
    items:
      - code: a
        value: a
        points: 10
        rule: {type: tiers, tiers: [{gte: 1, score: 10}, {score: 0}]}
"""


def problems(text: str) -> list[str]:
    with pytest.raises(TemplateError) as exc:
        load_template(textwrap.dedent(text), source="t.yaml")
    return str(exc.value).splitlines()


def with_item(item_yaml: str, extra: str = "") -> str:
    return (
        BASE.replace(
            "      - code: a\n        value: a\n        points: 10\n        rule: {type: tiers, tiers: [{gte: 1, score: 10}, {score: 0}]}\n",
            textwrap.indent(textwrap.dedent(item_yaml), "      "),
        )
        + extra
    )


def test_base_is_valid():
    t = load_template(BASE)
    assert t.code == "t" and t.sections[0].items[0].code == "a"


def test_error_names_file_line_path_and_problem():
    text = with_item(
        """\
        - code: a
          value: a
          points: 10
          rule:
            type: tiers
            tiers:
              - {gte: 1, score: 10}
              - {score: 0}
              - {gte: 0.5, score: 5}
        """
    )
    (line,) = problems(text)
    assert line.startswith("t.yaml:")
    assert "sections[0].items[0].rule.tiers[1]" in line
    assert "fallback" in line


@pytest.mark.parametrize(
    ("edit", "path", "fragment"),
    [
        (("version: 1", "version: 0"), "version", "≥ 1"),
        (("version: 1", "version: 1.5"), "version", "whole number"),
        (("code: t", "code: T_1"), "code", "[a-z0-9-]+"),
        (("period: month", "period: week"), "period", "must be one of"),
        (("points: 10", "points: 0"), "sections[0].items[0].points", "greater than 0"),
        (("points: 10", "points: '10'"), "sections[0].items[0].points", "expected a number"),
        (("points: 10", "points: true"), "sections[0].items[0].points", "expected a number"),
        (("type: tiers", "type: bogus"), "sections[0].items[0].rule", "unknown rule type 'bogus'"),
        (("        value: a\n", ""), "sections[0].items[0].value", "required"),
        (
            ("    items:", "    weight: 2\n    kind: bonus\n    items:"),
            "sections[0].weight",
            "base sections only",
        ),
        (("    items:", "    weight: -1\n    items:"), "sections[0].weight", "negative"),
        (("    items:", "    colour: red\n    items:"), "sections[0].colour", "unknown key"),
        (
            ("period: month", "period: month\nperiod_start_day: 29"),
            "period_start_day",
            "between 1 and 28",
        ),
    ],
)
def test_field_errors(edit, path, fragment):
    lines = problems(BASE.replace(*edit))
    assert any(f": {path}: " in line and fragment in line for line in lines), lines


def test_extensions_are_allowed_and_kept():
    t = load_template(
        BASE.replace("period: month", "period: month\nx-positions: [电话专员]\nx-note: 备注")
    )
    assert t.positions == ["电话专员"]
    assert t.extensions["x-note"] == "备注"


def test_required_top_level():
    lines = problems("name: only a name\n")
    for key in ("code", "version", "period", "sections"):
        assert any(f": {key}: required" in line for line in lines), lines


def test_not_a_mapping():
    assert "a template is a mapping" in problems("- 1\n- 2\n")[0]


def test_duplicate_codes():
    text = BASE + textwrap.indent(
        textwrap.dedent(
            """\
            - code: s
              items:
                - code: a
                  value: b
                  points: 5
                  rule: {type: tiers, tiers: [{score: 1}]}
            """
        ),
        "  ",
    )
    lines = problems(text)
    assert any("sections[1].code" in line and "duplicate section code" in line for line in lines)
    assert any(
        "sections[1].items[0].code" in line and "duplicate item code" in line for line in lines
    )


@pytest.mark.parametrize(
    ("item", "path", "fragment"),
    [
        (
            "- code: a\n  value: a\n  points: 10\n  rule: {type: linear, points: [[80, 16], [80, 20]]}\n",
            "rule.points[1]",
            "strictly increasing",
        ),
        (
            "- code: a\n  value: a\n  points: 10\n  rule: {type: linear, points: [[80]]}\n",
            "rule.points[0]",
            "[value, score] pair",
        ),
        (
            "- code: a\n  points: 10\n  raters: {self: 0.3, supervisor: 0.6}\n  rule: {type: manual}\n",
            "raters",
            "sum to exactly 1",
        ),
        (
            "- code: a\n  points: 10\n  raters: {mode: last, order: []}\n  rule: {type: manual}\n",
            "raters",
            "non-empty order",
        ),
        (
            "- code: a\n  value: a\n  points: 10\n  rule: {type: per_count, per: -2}\n",
            "rule.start",
            "required",
        ),
        (
            "- code: a\n  value: a\n  points: 10\n  raters: {supervisor: 0.5}\n  rule: {type: tiers, tiers: [{score: 1}]}\n",
            "raters",
            "sum to exactly 1",
        ),
        (
            "- code: a\n  value: a\n  points: 10\n  rule: {type: manual}\n",
            "value",
            "takes raters",
        ),
        (
            "- code: a\n  value: a\n  points: 10\n  rule: {type: ratio, target: 0}\n",
            "rule.target",
            "greater than 0",
        ),
        (
            "- code: a\n  value: a\n  points: 10\n  rule: {type: step, target: 0.8, step: 0, per_step: 2}\n",
            "rule.step",
            "greater than 0",
        ),
        (
            "- code: a\n  value: a\n  points: 10\n  rule: {type: step, target: {by_period: {2026-13: 1}}, step: 1, per_step: 2}\n",
            "rule.target",
            "invalid period",
        ),
        (
            "- code: a\n  value: a\n  points: 10\n  rule: {type: step, target: {assigned: false}, step: 1, per_step: 2}\n",
            "rule.target",
            "assigned must be true",
        ),
        (
            "- code: a\n  points: 10\n  rule: {type: levels, levels: [{level: 1, score: 1}, {level: 1, score: 2}]}\n",
            "rule.levels[1].level",
            "listed twice",
        ),
        (
            "- code: a\n  value: a\n  points: 10\n  rule: {type: formula, expr: 'value + target'}\n",
            "rule.expr",
            "no target (column 9)",
        ),
        (
            "- code: a\n  value: a\n  points: 10\n  rule: {type: formula, expr: '__import__(\"os\")'}\n",
            "rule.expr",
            "only these functions",
        ),
        (
            "- code: a\n  value: a\n  points: 10\n  rule: {type: formula, expr: 'value +'}\n",
            "rule.expr",
            "syntax error",
        ),
        (
            "- code: a\n  value: a\n  points: 10\n  rule: {type: relative, stat: mode, tiers: [{score: 1}]}\n",
            "rule.stat",
            "must be one of",
        ),
        (
            "- code: a\n  value: a\n  points: 10\n  rule: {type: manual, min: 5, max: 1}\n",
            "value",
            "takes raters",
        ),
    ],
)
def test_rule_errors(item, path, fragment):
    lines = problems(with_item(item))
    full_path = f"sections[0].items[0].{path}"
    assert any(f": {full_path}: " in line and fragment in line for line in lines), lines


@pytest.mark.parametrize(
    ("extra", "path", "fragment"),
    [
        ("grades: [{grade: C}, {gte: 90, grade: A}]\n", "grades[0]", "fallback"),
        ("total: {veto: [{value: v, reason: x}]}\n", "total.veto[0]", "needs a condition"),
        ("total: {veto: [{value: v, gte: 1}]}\n", "total.veto[0].reason", "required"),
        ("total: {min: 10, max: 5}\n", "total.max", "less than total.min"),
        ("pay: {base: 750}\n", "pay.bands", "needs a list of bands"),
        ("pay: {base: 750, mode: proportional, min_factor: -1}\n", "pay.min_factor", "negative"),
        ("alerts: [{when: {}, message: m}]\n", "alerts[0].when", "at least one"),
        (
            "alerts: [{when: {rank: 1}, consecutive: 0, message: m}]\n",
            "alerts[0].consecutive",
            "at least 1",
        ),
        ("ranking: {top: {count: 0, label: x}}\n", "ranking.top.count", "at least 1"),
        ("ranking: {group: shift}\n", "ranking.group", "must be one of"),
    ],
)
def test_top_level_errors(extra, path, fragment):
    lines = problems(BASE + extra)
    assert any(f": {path}: " in line and fragment in line for line in lines), lines


def test_per_map_errors_name_the_kind_without_internal_names():
    lines = problems(
        with_item(
            "- code: a\n  value: a\n  points: 10\n  rule: {type: per_count, start: 0, per: {letter: x}}\n"
        )
    )
    assert lines == [
        "t.yaml:10: sections[0].items[0].rule.per: letter: expected a number, got text 'x'"
    ]


def test_problems_come_in_line_order():
    text = BASE.replace("    items:", "    weigth: 1\n    items:").replace(
        "period: month", "period: month\nbogus: 1"
    )
    lines = problems(text)
    assert [line.split(":")[1] for line in lines] == sorted(
        (line.split(":")[1] for line in lines), key=int
    )


def test_all_problems_reported_at_once():
    lines = problems(BASE.replace("points: 10", "points: 10\n        foo: 1\n        bar: 2"))
    assert len(lines) == 2


def test_json_templates_are_accepted():
    text = '{"code": "j", "version": 2, "period": "quarter", "sections": [{"code": "s", "items": [{"code": "a", "value": "a", "points": 5, "rule": {"type": "tiers", "tiers": [{"score": 5}]}}]}]}'
    t = load_template(text)
    assert (t.code, t.version, t.period) == ("j", 2, "quarter")


def test_manual_bounds_checked():
    text = with_item("- code: a\n  points: 10\n  rule: {type: manual, min: 5, max: 1}\n")
    assert any("rule.max" in line and "less than min" in line for line in problems(text))
