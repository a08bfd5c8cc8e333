"""客服行业管理岗绩效考核表 (cs-management-post, schemes.md §3.12): the catalogue's examples."""

from __future__ import annotations

import re
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from csperf.scoring import InputError, score
from csperf.templates import builtin_path, load_builtin

from .helpers import contributions, example_input

CODE = "cs-management-post"
SEEDS = Path("/work/shared/seeds")
MIN_QUOTES = 13
TARGETS = {"complaint_rate": D("0.01"), "response_time": 30, "resolution_time": 24}


def values_a() -> dict[str, Any]:
    return {
        "csat_top2": D("0.91"),
        "complaint_rate": D("0.008"),
        "avg_response_s": 25,
        "mean_resolution_h": 30,
        "product_knowledge_score": 92,
        "script_compliance_rate": D("0.97"),
        "collaboration_satisfaction": D("4.5"),
        "info_sharing_timeliness": D("0.96"),
    }


def values_b() -> dict[str, Any]:
    return {
        "csat_top2": D("0.85"),
        "complaint_rate": D("0.02"),
        "avg_response_s": 40,
        "mean_resolution_h": 24,
        "product_knowledge_score": 70,
        "script_compliance_rate": D("0.90"),
        "collaboration_satisfaction": D("4.0"),
        "info_sharing_timeliness": D("0.80"),
    }


def run_one(values: dict[str, Any], targets: dict[str, Any] | None = None):
    emp = {"id": "X", "values": values, "targets": TARGETS if targets is None else targets}
    run = score(load_builtin(CODE), {"period": "2026-03", "employees": [emp]})
    return run.result("X"), contributions(run, "X")


def test_shape() -> None:
    t = load_builtin(CODE)
    assert (t.code, t.version, t.period, t.positions) == (CODE, 1, "month", ["客服管理岗"])
    assert t.name == "客服行业管理岗绩效考核表"
    assert [(s.code, s.kind, s.points) for s in t.sections] == [
        ("service_quality", "base", D(40)),
        ("efficiency", "base", D(30)),
        ("capability", "base", D(20)),
        ("teamwork", "base", D(10)),
    ]
    assert [(i.code, i.points, i.value) for _, i in t.items] == [
        ("csat", D(20), "csat_top2"),
        ("complaint_rate", D(20), "complaint_rate"),
        ("response_time", D(15), "avg_response_s"),
        ("resolution_time", D(15), "mean_resolution_h"),
        ("product_knowledge", D(10), "product_knowledge_score"),
        ("script_compliance", D(10), "script_compliance_rate"),
        ("collaboration", D(5), "collaboration_satisfaction"),
        ("info_sharing", D(5), "info_sharing_timeliness"),
    ]
    assert [(g.gte, g.grade) for g in t.grades] == [
        (D(90), "优秀"),
        (D(80), "良好"),
        (D(60), "合格"),
        (None, "不合格"),
    ]
    assert {n: (x.unit, x.range) for n, x in t.input_specs().items()} == {
        "csat_top2": ("share", None),
        "complaint_rate": ("share", None),
        "avg_response_s": ("seconds", None),
        "mean_resolution_h": ("hours", None),
        "product_knowledge_score": ("score", (D(0), D(100))),
        "script_compliance_rate": ("share", None),
        "collaboration_satisfaction": ("score", (D(1), D(5))),
        "info_sharing_timeliness": ("share", None),
    }
    assert t.ranking is None and t.pay is None and t.alerts == []


def test_example_a() -> None:
    r, c = run_one(values_a())
    assert c == {
        "csat": D(20),  # 0.91 >= 0.90 -> 100/100
        "complaint_rate": D(20),  # 0.01 / 0.008 = 1.25, capped at 1
        "response_time": D(15),  # 30 / 25 = 1.2, capped
        "resolution_time": D(12),  # 24 / 30 = 0.8
        "product_knowledge": D("9.2"),
        "script_compliance": D("9.7"),
        "collaboration": D("4.5"),  # 4.5 / 5
        "info_sharing": D("4.8"),
    }
    assert [s.score for s in r.sections] == [D(40), D(27), D("18.9"), D("9.3")]
    assert (r.total, r.grade) == (D("95.20"), "优秀")
    assert r.flags == []


def test_example_b() -> None:
    r, c = run_one(values_b())
    assert c == {
        "csat": D(16),  # 0.85 in [0.80, 0.90) -> 80/100
        "complaint_rate": D(10),  # 0.01 / 0.02
        "response_time": D("11.25"),  # 30 / 40
        "resolution_time": D(15),  # on target
        "product_knowledge": D(7),
        "script_compliance": D(9),
        "collaboration": D(4),
        "info_sharing": D(4),
    }
    assert (r.total, r.grade) == (D("76.25"), "合格")


def test_example_file_holds_a_and_b() -> None:
    run = score(load_builtin(CODE), example_input(CODE))
    got = [(x.id, x.total, x.grade) for x in run.results]
    assert got == [("A", D("95.20"), "优秀"), ("B", D("76.25"), "合格")]


@pytest.mark.parametrize(
    ("csat", "expected"),
    [
        (D("0.90"), D(20)),  # 90%以上 includes 90%
        (D("0.8999"), D(16)),
        (D("0.80"), D(16)),
        (D("0.70"), D(12)),
        (D("0.6999"), D(0)),
    ],
)
def test_csat_bands(csat: D, expected: D) -> None:
    values = values_a()
    values["csat_top2"] = csat
    _, c = run_one(values)
    assert c["csat"] == expected


@pytest.mark.parametrize(
    ("csat", "knowledge", "total", "grade"),
    [
        # 80-point csat and 95.2 - 4 - 1.2 = 90.00 exactly: 90 is 优秀
        (D("0.85"), D(80), D("90.00"), "优秀"),
        (D("0.85"), D("79.9"), D("89.99"), "良好"),
    ],
)
def test_grade_boundaries(csat: D, knowledge: D, total: D, grade: str) -> None:
    values = values_a()
    values["csat_top2"], values["product_knowledge_score"] = csat, knowledge
    r, _ = run_one(values)
    assert (r.total, r.grade) == (total, grade)


def test_grade_60_is_pass() -> None:
    values = values_b()  # 76.25
    values["csat_top2"] = D("0.5")  # csat 16 -> 0: 60.25
    values["product_knowledge_score"] = D("67.5")  # 7 -> 6.75: 60.00
    r, _ = run_one(values)
    assert (r.total, r.grade) == (D("60.00"), "合格")
    values["product_knowledge_score"] = D("67.4")
    r, _ = run_one(values)
    assert (r.total, r.grade) == (D("59.99"), "不合格")


def test_zero_complaints_and_instant_response_score_full() -> None:
    values = values_b()
    values["complaint_rate"], values["avg_response_s"] = 0, 0
    _, c = run_one(values)
    assert (c["complaint_rate"], c["response_time"]) == (D(20), D(15))


def test_assigned_targets_are_required() -> None:
    with pytest.raises(InputError):
        run_one(values_a(), targets={})


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
