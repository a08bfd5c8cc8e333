"""四、呼叫中心经理绩效考核指标量表 (callcenter-manager, schemes.md §3.8): the catalogue's examples."""

from __future__ import annotations

import re
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from csperf.scoring import score
from csperf.templates import builtin_path, load_builtin

from .helpers import contributions, example_input

CODE = "callcenter-manager"
SEEDS = Path("/work/shared/seeds")
MIN_QUOTES = 8


def values_a() -> dict[str, Any]:
    return {
        "plan_completion_rate": D("1.02"),
        "budget_control_rate": D("0.97"),
        "survey_plan_completion": D("0.90"),
        "process_improvement_rate": D("0.80"),
        "csat_mean": D("4.42"),
        "transfer_rate": D("0.085"),
        "abandon_rate": D("0.062"),
        "calls_offered": 52000,
    }


def values_b() -> dict[str, Any]:
    return {
        "plan_completion_rate": D("0.85"),
        "budget_control_rate": D("1.03"),
        "survey_plan_completion": D("1.0"),
        "process_improvement_rate": D("0.5"),
        "csat_mean": D("4.0"),
        "transfer_rate": D("0.135"),
        "abandon_rate": D("0.11"),
    }


def run_one(values: dict[str, Any], period: str = "2026-03"):
    run = score(
        load_builtin(CODE), {"period": period, "employees": [{"id": "X", "values": values}]}
    )
    return run.result("X"), contributions(run, "X")


def test_shape() -> None:
    t = load_builtin(CODE)
    assert (t.code, t.version, t.period, t.positions) == (CODE, 2, "month", ["呼叫中心经理"])
    assert t.name == "呼叫中心经理绩效考核指标量表"
    assert [(s.code, s.kind, s.effective_weight, s.full) for s in t.sections] == [
        ("kpi", "base", D(1), D(100)),
        ("reference", "base", D(0), D(1)),
    ]
    assert [(i.code, i.points, i.value) for _, i in t.items] == [
        ("plan_completion", D(20), "plan_completion_rate"),
        ("budget_control", D(15), "budget_control_rate"),
        ("survey_plan", D(10), "survey_plan_completion"),
        ("process_improvement", D(10), "process_improvement_rate"),
        ("csat", D(20), "csat_mean"),
        ("transfer_rate", D(10), "transfer_rate"),
        ("abandon_rate", D(15), "abandon_rate"),
        ("calls_offered", D(1), "calls_offered"),
    ]
    assert t.item("calls_offered").missing == "zero"
    assert {n: (x.unit, x.range) for n, x in t.input_specs().items()} == {
        "plan_completion_rate": ("ratio", None),
        "budget_control_rate": ("ratio", None),
        "survey_plan_completion": ("ratio", None),
        "process_improvement_rate": ("ratio", None),
        "csat_mean": ("score", (D(1), D(5))),
        "transfer_rate": ("share", None),
        "abandon_rate": ("ratio", None),
        "calls_offered": ("count", None),
    }
    # the removed veto, grades and alert stay removed
    assert t.total.veto == [] and t.grades == [] and t.alerts == []
    assert t.ranking is None and t.pay is None


def test_example_a() -> None:
    r, c = run_one(values_a())
    assert c == {
        "plan_completion": D(20),  # 1.02 capped at 1
        "budget_control": D(15),  # 0.97 <= 1.00
        "survey_plan": D(9),
        "process_improvement": D(8),
        "csat": D("16.8"),  # 4.42: 0.8 step short x 4 = 3.2
        "transfer_rate": D(10),  # 0.085 <= 0.10
        "abandon_rate": D("11.4"),  # 0.062: 1.2 steps over x 3 = 3.6
        "calls_offered": D(52000),  # shown; the section weighs 0
    }
    assert (r.sections[0].code, r.sections[0].score) == ("kpi", D("90.2"))
    assert r.sections[1].items[0].value == D(52000)
    assert r.total == D("90.20")
    assert r.grade is None and r.flags == []


def test_example_b() -> None:
    r, c = run_one(values_b())
    assert c == {
        "plan_completion": D(17),
        "budget_control": D("7.5"),  # 1.03 in (1.00, 1.05]
        "survey_plan": D(10),
        "process_improvement": D(5),
        "csat": D(0),  # 4.0: 5 steps x 4 = 20
        "transfer_rate": D("6.5"),  # 0.135: 3.5 steps over x 1
        "abandon_rate": D(0),  # 0.11: 6 steps x 3 = 18 > 15
        "calls_offered": D(0),  # not given: missing counts as zero, and weighs 0 anyway
    }
    assert r.total == D("46.00")


def test_example_file_holds_a_and_b() -> None:
    run = score(load_builtin(CODE), example_input(CODE))
    assert [(x.id, x.total) for x in run.results] == [("A", D("90.20")), ("B", D("46.00"))]


@pytest.mark.parametrize(
    ("name", "value", "code", "expected"),
    [
        ("budget_control_rate", D("1.00"), "budget_control", D(15)),  # exactly on budget
        ("budget_control_rate", D("1.05"), "budget_control", D("7.5")),  # 1.05 is <= 1.05
        ("budget_control_rate", D("1.0501"), "budget_control", D(0)),
        ("csat_mean", D("4.5"), "csat", D(20)),
        ("csat_mean", D("4.7"), "csat", D(20)),  # no bonus above target
        ("transfer_rate", D("0.10"), "transfer_rate", D(10)),
        ("abandon_rate", D("0.05"), "abandon_rate", D(15)),
        ("abandon_rate", D("1.2"), "abandon_rate", D(0)),  # more abandoned than answered: valid
    ],
)
def test_boundaries(name: str, value: Any, code: str, expected: D) -> None:
    values = values_a()
    values[name] = value
    r, c = run_one(values)
    assert c[code] == expected
    assert r.flags == []


def test_calls_offered_never_changes_the_total() -> None:
    low, high = values_a(), values_a()
    low["calls_offered"], high["calls_offered"] = 0, 999999
    assert run_one(low)[0].total == run_one(high)[0].total == D("90.20")


# -- sources ----------------------------------------------------------------------------------


def _collapse(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def _walk(node: Any, path: str = ""):
    if isinstance(node, dict):
        yield path, node
        for k, v in node.items():
            yield from _walk(v, f"{path}.{k}")
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _walk(v, f"{path}[{i}]")


def _raw() -> Any:
    return YAML(typ="safe").load(builtin_path(CODE).read_text(encoding="utf-8"))


def test_every_item_has_a_source_or_choice_and_a_unit() -> None:
    raw = _raw()
    for s in raw["sections"]:
        for item in s["items"]:
            assert "x-source" in item or "x-choice" in item, item["code"]
            if "value" in item:
                assert "x-unit" in item, item["code"]


def test_every_input_has_a_unit() -> None:
    t = load_builtin(CODE)
    assert t.value_names() <= set(t.input_specs())


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the seed documents are not on this machine")
def test_quotes_are_verbatim() -> None:
    seeds: dict[str, str] = {}
    found = 0
    for path, node in _walk(_raw()):
        src = node.get("x-source")
        if src is None:
            continue
        for s in src if isinstance(src, list) else [src]:
            name = s["file"]
            if name not in seeds:
                seeds[name] = _collapse((SEEDS / name).read_text(encoding="utf-8"))
            assert len(s["quote"]) <= 120, path
            assert _collapse(s["quote"]) in seeds[name], f"{path}: {s['quote']}"
            found += 1
    assert found >= MIN_QUOTES
