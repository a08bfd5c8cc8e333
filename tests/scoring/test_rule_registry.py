"""The rule types as classes (csperf.scoring.rules): one per YAML ``type``, each owning its
scoring, description, checks and accepted ratings; the engine's modules stay small."""

from __future__ import annotations

import ast
import typing
from decimal import Decimal
from pathlib import Path

import pytest

from csperf.scoring import TemplateError, describe_rule
from csperf.scoring.model import Rule
from csperf.scoring.rules import RULES, RatingRejected, kind_of

from .helpers import D, one_item, run

PACKAGE = Path(__file__).resolve().parents[2] / "csperf"
RULES_DIR = PACKAGE / "scoring" / "rules"


def _model_types() -> set[str]:
    union = typing.get_args(Rule)[0]
    return {
        typing.get_args(cls.model_fields["type"].annotation)[0] for cls in typing.get_args(union)
    }


def test_every_rule_type_of_the_model_has_exactly_one_class():
    assert set(RULES) == _model_types()
    assert all(kind.name == name for name, kind in RULES.items())


def test_rated_and_counted_rule_types():
    assert {n for n, k in RULES.items() if k.rated} == {"levels", "manual"}
    assert {n for n, k in RULES.items() if k.counts} == {"per_count"}


def test_an_unknown_type_is_named():
    class Odd:
        type = "stars"

    with pytest.raises(ValueError, match="unknown rule type 'stars'"):
        kind_of(Odd())


LEVELS = {"type": "levels", "levels": [{"level": 1, "score": 4}, {"level": 3, "score": 10}]}
MANUAL = {"type": "manual", "min": 2, "max": "full"}


def test_levels_accepts_listed_levels_only():
    item = one_item(LEVELS).sections[0].items[0]
    kind = kind_of(item.rule)
    assert kind.rating(item.rule, D("3.0"), full=item.scale).score == 10
    with pytest.raises(RatingRejected) as exc:
        kind.rating(item.rule, D("2"), full=item.scale)
    assert exc.value.levels == (1, 3)
    assert exc.value.message == "unknown level 2 (levels: 1, 3)"
    with pytest.raises(RatingRejected):
        kind.rating(item.rule, D("1.5"), full=item.scale)


def test_manual_range_resolves_full_to_the_scale():
    item = one_item({**MANUAL, "scale": 20}).sections[0].items[0]
    kind = kind_of(item.rule)
    assert kind.rating(item.rule, D(20), full=item.scale).score == 20
    with pytest.raises(RatingRejected) as exc:
        kind.rating(item.rule, D("20.01"), full=item.scale)
    assert (exc.value.low, exc.value.high) == (2, 20)
    assert exc.value.message == "score 20.01 is outside 2–20"


def test_engine_reports_a_rejected_rating_at_its_path():
    t = one_item(LEVELS)
    with pytest.raises(Exception, match=r"employees\[0\]\.ratings\.i\.supervisor: unknown level 2"):
        run(t, {"ratings": {"i": {"supervisor": 2}}})


@pytest.mark.parametrize(
    ("rule", "path", "message"),
    [
        (
            {"type": "tiers", "tiers": [{"score": 1}, {"gte": 1, "score": 2}]},
            "tiers[0]",
            "fallback",
        ),
        ({"type": "linear", "points": [[2, 1], [1, 2]]}, "points[1]", "strictly increasing"),
        ({"type": "ratio", "target": 0}, "target", "greater than 0"),
        ({"type": "per_count", "start": 5, "per": -1, "min": 6, "max": 5}, "max", "less than min"),
        ({"type": "manual", "min": 20, "max": "full"}, "max", "less than min"),
    ],
)
def test_each_type_checks_its_own_fields(rule, path, message):
    with pytest.raises(TemplateError) as exc:
        one_item(rule)
    problems = exc.value.problems
    assert any(
        p.path == f"sections[0].items[0].rule.{path}" and message in p.message for p in problems
    )


def test_describe_goes_through_the_type():
    item = (
        one_item({"type": "ratio", "target": Decimal("0.8"), "cap": Decimal("1.2")})
        .sections[0]
        .items[0]
    )
    assert describe_rule(item) == "完成率(实际/目标, 目标 0.8) × 满分, 封顶120%"


def test_formula_inputs_are_read_by_the_template():
    t = one_item({"type": "formula", "expr": "value + v.extra"})
    assert t.value_names() == {"x", "extra"}


def test_the_review_workflow_asks_the_rule_class():
    """What the rating form, the appeal hints and corrections need, per type."""
    levels = one_item(LEVELS).sections[0].items[0]
    manual = one_item({**MANUAL, "scale": 20}).sections[0].items[0]
    kinds = (
        one_item({"type": "per_count", "start": "full", "per": {"late": -2}}).sections[0].items[0]
    )
    count = one_item({"type": "per_count", "start": "full", "per": -2}).sections[0].items[0]
    assert [lv.level for lv in kind_of(levels.rule).listed_levels(levels.rule)] == [1, 3]
    assert kind_of(levels.rule).rating_range(levels.rule, full=levels.scale) is None
    assert kind_of(manual.rule).listed_levels(manual.rule) == ()
    assert kind_of(manual.rule).rating_range(manual.rule, full=manual.scale) == (2, 20)
    assert kind_of(kinds.rule).counted_by_kind(kinds.rule)
    assert not kind_of(count.rule).counted_by_kind(count.rule)
    assert {n: k.implied_unit for n, k in RULES.items() if k.implied_unit} == {
        "ratio": "ratio",
        "per_count": "count",
    }
    assert {n for n, k in RULES.items() if k.computed} == {"formula"}


def test_only_the_registry_switches_on_type_names():
    """Outside csperf/scoring/rules no code of csperf compares a rule's ``type`` with a name
    or looks it up in a table: it asks the rule class (kind_of)."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.parent == RULES_DIR or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if _switches_on_type(node):
                found.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno}")
    assert not found


def test_a_switch_on_a_type_name_is_found():
    code = (
        'a = item.rule.type == "levels"\n'
        'b = {"ratio": "ratio"}.get(item.rule.type)\n'
        'c = "formula" != rule.type\n'
        "d = kind_of(rule).name\n"
    )
    hits = [n.lineno for n in ast.walk(ast.parse(code)) if _switches_on_type(n)]
    assert sorted(hits) == [1, 2, 3]


def _switches_on_type(node: ast.AST) -> bool:
    if isinstance(node, ast.Compare):
        return any(_is_rule_type(x) for x in [node.left, *node.comparators])
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        return node.func.attr == "get" and any(_is_rule_type(a) for a in node.args)
    if isinstance(node, ast.Subscript):
        return _is_rule_type(node.slice)
    return False


def _is_rule_type(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Attribute)
        and node.attr == "type"
        and (
            (isinstance(node.value, ast.Attribute) and node.value.attr == "rule")
            or (isinstance(node.value, ast.Name) and node.value.id == "rule")
        )
    )
