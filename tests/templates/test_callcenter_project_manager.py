"""《呼叫中心项目管理人员绩效考核表》 (callcenter-project-manager, schemes.md §3.9)."""

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

CODE = "callcenter-project-manager"
SEEDS = Path("/work/shared/seeds")
MIN_QUOTES = 16

DIMENSIONS = [
    "moral_quality",
    "professional_skill",
    "work_efficiency",
    "job_fulfilment",
    "communication",
    "interpersonal",
    "analysis",
    "responsibility",
    "learning",
    "innovation",
]
KINDS = [
    "leave_or_swap_unannounced",
    "no_clock_in",
    "unrelated_reading",
    "eating_on_floor",
    "idle_chat",
    "shouting",
    "unrelated_browsing",
    "untidy_environment",
    "waste",
    "meal_overrun",
    "break_overrun",
    "private_outing",
    "late_early_leave",
    "absence",
    "unverified_news",
    "dress_code",
    "management_failure",
]


def employee(levels: list[int], violations: dict[str, int] | None = None, **values: Any):
    ratings = {code: {"supervisor": lv} for code, lv in zip(DIMENSIONS, levels, strict=True)}
    vals: dict[str, Any] = dict(values)
    if violations is not None:
        vals["discipline_violations"] = violations
    return {"id": "X", "values": vals, "ratings": ratings}


def run_one(emp: dict[str, Any], period: str = "2026-03"):
    run = score(load_builtin(CODE), {"period": period, "employees": [emp]})
    return run.result("X"), contributions(run, "X")


def test_shape() -> None:
    t = load_builtin(CODE)
    assert (t.code, t.version, t.period, t.positions) == (
        CODE,
        1,
        "month",
        ["呼叫中心项目管理人员"],
    )
    assert t.name == "呼叫中心项目管理人员绩效考核表"
    assert [(s.code, s.kind, s.weight, s.points) for s in t.sections] == [
        ("competence", "base", D(2), D(50)),
        ("discipline", "deduction", None, D(1)),
    ]
    assert [i.code for i in t.sections[0].items] == DIMENSIONS
    for item in t.sections[0].items:
        assert item.points == D(5)
        assert item.raters is not None and item.raters.order == ("self", "supervisor")
        assert [(lv.level, lv.score) for lv in item.rule.levels] == [(n, D(n)) for n in range(1, 6)]
        assert item.rule.levels[4].anchor == (
            "完全符合本职工作的要求，比部门内其他员工或经验相似职员的大部分都优秀"
        )
    rule = t.item("discipline_violations").rule
    assert (rule.type, rule.start, rule.max) == ("per_count", D(0), "none")
    assert list(rule.per) == KINDS and set(rule.per.values()) == {D(1)}
    assert [(v.value, v.gte, v.total, v.grade, v.reason) for v in t.total.veto] == [
        ("major_loss_incidents", D(1), None, "开除", "违规造成重大损失，予以开除")
    ]
    assert t.total.min == D(0)
    assert t.grades == [] and t.ranking is None and t.pay is None and t.alerts == []
    assert {n: x.unit for n, x in t.input_specs().items()} == {
        "discipline_violations": "count",
        "major_loss_incidents": "count",
    }


def test_example_a() -> None:
    emp = employee([4, 4, 4, 4, 5, 4, 3, 5, 4, 3], {"eating_on_floor": 1, "break_overrun": 2})
    emp["ratings"]["moral_quality"]["self"] = 5  # the supervisor, last in order, decides
    r, c = run_one(emp)
    assert c["moral_quality"] == D(4)
    assert [c[d] for d in DIMENSIONS] == [D(x) for x in (4, 4, 4, 4, 5, 4, 3, 5, 4, 3)]
    assert c["discipline_violations"] == D(3)
    assert [(s.code, s.score) for s in r.sections] == [("competence", D(40)), ("discipline", D(3))]
    assert r.total == D("77.00")  # 40 x 2 - 3
    assert r.grade is None and r.flags == []


def test_example_b() -> None:
    r, c = run_one(employee([3] * 9 + [2], {"absence": 1}, major_loss_incidents=1))
    assert r.sections[0].score == D(29)
    assert c["discipline_violations"] == D(1)
    assert r.total == D("57.00")  # 29 x 2 - 1; the veto leaves the total unchanged
    assert r.grade == "开除"
    assert "违规造成重大损失，予以开除" in r.flags


def test_example_file_holds_a_and_b() -> None:
    run = score(load_builtin(CODE), example_input(CODE))
    got = [(x.id, x.total, x.grade) for x in run.results]
    assert got == [("A", D("77.00"), None), ("B", D("57.00"), "开除")]


def test_self_rating_counts_when_the_supervisor_has_not_rated() -> None:
    emp = employee([3] * 10)
    emp["ratings"]["innovation"] = {"self": 5}
    r, c = run_one(emp)
    assert c["innovation"] == D(5)
    assert r.total == D("64.00")  # (27 + 5) x 2


def test_deductions_are_uncapped_and_the_total_floors_at_zero() -> None:
    # 12 violations of one kind and 3 of others: 15 deducted, beyond the item's 1 point
    r, c = run_one(employee([3] * 10, {"absence": 12, "shouting": 2, "dress_code": 1}))
    assert c["discipline_violations"] == D(15)
    assert r.total == D("45.00")  # 60 - 15
    r, _ = run_one(employee([1] * 10, {"absence": 25}))
    assert r.total == D("0.00")  # 20 - 25 -> clamped at 0


def test_veto_boundary() -> None:
    r, _ = run_one(employee([3] * 10, {}, major_loss_incidents=0))
    assert r.grade is None and r.flags == []
    r, _ = run_one(employee([3] * 10, {}, major_loss_incidents=1))  # 1 is >= 1
    assert r.grade == "开除" and r.total == D("60.00")


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
