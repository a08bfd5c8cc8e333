"""三、客服部经理绩效考核指标量表 (cs-manager-kpi, schemes.md §3.7): the catalogue's examples."""

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

CODE = "cs-manager-kpi"
SEEDS = Path("/work/shared/seeds")
MIN_QUOTES = 10


def values_a() -> dict[str, Any]:
    return {
        "plan_completion_rate": D("0.96"),
        "budget_saving_rate": D("0.03"),
        "feedback_timeliness": D("0.975"),
        "info_transfer_timeliness": D("0.99"),
        "process_improvement_rate": D("1.10"),
        "standard_execution_rate": D("0.93"),
        "csat_mean": D("4.3"),
        "collaboration_satisfaction": D("4.6"),
        "key_customer_churn": 1,
        "team_mean_score": 82,
    }


def values_b() -> dict[str, Any]:
    return {
        "plan_completion_rate": D("0.80"),
        "budget_saving_rate": D("-0.02"),
        "feedback_timeliness": D("0.90"),
        "info_transfer_timeliness": D("0.95"),
        "process_improvement_rate": D("0.5"),
        "standard_execution_rate": D("0.88"),
        "csat_mean": D("3.9"),
        "collaboration_satisfaction": D("3.4"),
        "key_customer_churn": 3,
        "team_mean_score": 58,
    }


def run_one(values: dict[str, Any], period: str = "2026-Q1"):
    run = score(
        load_builtin(CODE), {"period": period, "employees": [{"id": "X", "values": values}]}
    )
    return run.result("X"), contributions(run, "X")


def test_shape() -> None:
    t = load_builtin(CODE)
    assert (t.code, t.version, t.period, t.positions) == (CODE, 2, "quarter", ["客服部经理"])
    assert t.name == "客服部经理绩效考核指标量表"
    assert [(s.code, s.kind, s.full) for s in t.sections] == [("kpi", "base", D(100))]
    assert [(i.code, i.points, i.value) for _, i in t.items] == [
        ("plan_completion", D(20), "plan_completion_rate"),
        ("budget_saving", D(15), "budget_saving_rate"),
        ("feedback_timeliness", D(15), "feedback_timeliness"),
        ("info_transfer_timeliness", D(10), "info_transfer_timeliness"),
        ("process_improvement", D(10), "process_improvement_rate"),
        ("standard_execution", D(10), "standard_execution_rate"),
        ("csat", D(5), "csat_mean"),
        ("collaboration", D(5), "collaboration_satisfaction"),
        ("key_customer_churn", D(5), "key_customer_churn"),
        ("staff_management", D(5), "team_mean_score"),
    ]
    specs = t.input_specs()
    assert {n: (x.unit, x.range) for n, x in specs.items()} == {
        "plan_completion_rate": ("ratio", None),
        "budget_saving_rate": ("signed_ratio", None),
        "feedback_timeliness": ("share", None),
        "info_transfer_timeliness": ("share", None),
        "process_improvement_rate": ("ratio", None),
        "standard_execution_rate": ("share", None),
        "csat_mean": ("score", (D(1), D(5))),
        "collaboration_satisfaction": ("score", (D(1), D(5))),
        "key_customer_churn": ("count", None),
        "team_mean_score": ("score", (D(0), D(100))),
    }
    assert set(specs) == t.value_names()
    # no grade table, no alerts, no ranking, no pay: the 量表 has none
    assert t.grades == [] and t.alerts == [] and t.ranking is None and t.pay is None


def test_example_a() -> None:
    r, c = run_one(values_a())
    assert c == {
        "plan_completion": D("19.2"),  # 0.96 x 20
        "budget_saving": D("12.6"),  # 9 + 6 x 0.03/0.05
        "feedback_timeliness": D("13.5"),  # 0.5 step short x 3
        "info_transfer_timeliness": D(10),  # 0.99 >= 0.98
        "process_improvement": D(10),  # 1.10 capped at 1
        "standard_execution": D(6),  # 2 steps x 2
        "csat": D(4),  # 4.3 in [4.2, 4.5)
        "collaboration": D(5),  # 4.6 >= 4.5
        "key_customer_churn": D(3),  # 5 - 2
        "staff_management": D("4.4"),  # (82 - 60) / 25 x 5
    }
    assert r.total == D("87.70")
    assert r.grade is None and r.flags == [] and r.alerts == []


def test_example_b() -> None:
    r, c = run_one(values_b())
    assert c == {
        "plan_completion": D(16),
        "budget_saving": D(0),  # -0.02 < 0: overspent
        "feedback_timeliness": D(0),  # 8 steps x 3 = 24 > 15
        "info_transfer_timeliness": D(4),  # 3 steps x 2 = 6
        "process_improvement": D(5),
        "standard_execution": D(0),  # 7 steps x 2 = 14 > 10
        "csat": D(1),  # 3.9 in [3.5, 4.0)
        "collaboration": D(0),  # 3.4 < 3.5
        "key_customer_churn": D(0),  # 3 lost: zero_at 3
        "staff_management": D(0),  # 58 < 60
    }
    assert r.total == D("26.00")
    assert r.grade is None and r.flags == []


def test_example_file_holds_a_and_b() -> None:
    run = score(load_builtin(CODE), example_input(CODE))
    assert [(x.id, x.total) for x in run.results] == [("A", D("87.70")), ("B", D("26.00"))]


@pytest.mark.parametrize(
    ("name", "value", "code", "expected"),
    [
        ("budget_saving_rate", D(0), "budget_saving", D(9)),  # exactly on budget: the first point
        ("budget_saving_rate", D("0.05"), "budget_saving", D(15)),
        ("budget_saving_rate", D("0.08"), "budget_saving", D(15)),
        ("csat_mean", D("4.5"), "csat", D(5)),  # 4.5 is >= 4.5
        ("csat_mean", D("4.2"), "csat", D(4)),
        ("csat_mean", D("4.0"), "csat", D(3)),
        ("csat_mean", D("3.5"), "csat", D(1)),
        ("csat_mean", D("3.49"), "csat", D(0)),
        ("collaboration_satisfaction", D("4.0"), "collaboration", D(4)),
        ("collaboration_satisfaction", D("3.5"), "collaboration", D(2)),
        ("key_customer_churn", 2, "key_customer_churn", D(1)),
        ("key_customer_churn", 0, "key_customer_churn", D(5)),
        ("team_mean_score", 60, "staff_management", D(0)),
        ("team_mean_score", 85, "staff_management", D(5)),
        ("team_mean_score", 95, "staff_management", D(5)),
        ("standard_execution_rate", D("0.95"), "standard_execution", D(10)),
        ("feedback_timeliness", D("0.98"), "feedback_timeliness", D(15)),
    ],
)
def test_boundaries(name: str, value: Any, code: str, expected: D) -> None:
    values = values_a()
    values[name] = value
    _, c = run_one(values)
    assert c[code] == expected


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
