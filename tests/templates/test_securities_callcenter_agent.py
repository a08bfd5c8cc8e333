"""中国银河证券北京管理部呼叫中心绩效考核制度 (securities-callcenter-agent, schemes.md §3.10)."""

from __future__ import annotations

import re
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from csperf.scoring import ScoreRun, score
from csperf.templates import builtin_path, load_builtin

from .helpers import contributions, example_input

CODE = "securities-callcenter-agent"
SEEDS = Path("/work/shared/seeds")
MIN_QUOTES = 10


def example_employees() -> list[dict[str, Any]]:
    return [
        {
            "id": "A",
            "values": {
                "calls_handled": 1200,
                "qc_unqualified_count": 0,
                "ticket_entry_errors": {"error": 2},
                "morning_meeting": {"late": 1},
                "monthly_exam_score": 92,
                "extra_duties": {"qc_inspector": 1, "attendance_clerk": 1},
            },
        },
        {
            "id": "B",
            "values": {
                "calls_handled": 850,
                "qc_unqualified_count": 2,
                "complaints_valid": 1,
                "ticket_entry_errors": {"missing": 1},
                "training_issues": {"failed": 1},
                "monthly_exam_score": 78,
            },
        },
        {
            "id": "C",
            "values": {"calls_handled": 1000, "qc_unqualified_count": 1, "monthly_exam_score": 85},
        },
        {
            "id": "D",
            "values": {
                "calls_handled": 950,
                "qc_unqualified_count": 0,
                "morning_meeting": {"absent": 1},
                "duty_absences": 1,
                "monthly_exam_score": 88,
            },
        },
    ]


def run_all(employees: list[dict[str, Any]], period: str = "2026-03") -> ScoreRun:
    return score(load_builtin(CODE), {"period": period, "employees": employees})


@pytest.fixture(scope="module")
def run() -> ScoreRun:
    return run_all(example_employees())


def test_shape() -> None:
    t = load_builtin(CODE)
    assert (t.code, t.version, t.period, t.period_start_day) == (CODE, 2, "month", 1)
    assert t.positions == ["坐席", "客服代表"]
    assert [(s.code, s.kind, s.points) for s in t.sections] == [
        ("assessment", "base", D(100)),
        ("extra", "bonus", D(4)),
    ]
    assert t.sections[1].max is None  # no cap on the bonus
    assert [(i.code, i.points, i.value) for _, i in t.items] == [
        ("call_volume", D(10), "calls_handled"),
        ("call_qc", D(40), "qc_unqualified_count"),
        ("complaints", D(15), "complaints_valid"),
        ("ticket_entry", D(15), "ticket_entry_errors"),
        ("training", D(10), "training_issues"),
        ("morning_meeting", D(5), "morning_meeting"),
        ("duty", D(5), "duty_absences"),
        ("monthly_exam", D(2), "monthly_exam_score"),
        ("extra_duties", D(2), "extra_duties"),
    ]
    per = t.item("extra_duties").rule.per
    assert per == {
        "qc_inspector": D(2),
        "mobile_trading": D(2),
        "complaint_handler": D(2),
        "attendance_clerk": D(2),
        "asset_keeper": D(2),
    }
    assert t.item("extra_duties").rule.max == "none"
    r = t.ranking
    assert (r.group, r.top.count, r.top.label, r.bottom.count, r.bottom.label) == (
        "all",
        3,
        "奖励",
        3,
        "处罚",
    )
    assert {n: (x.unit, x.range) for n, x in t.input_specs().items()} == {
        "calls_handled": ("count", None),
        "qc_unqualified_count": ("count", None),
        "complaints_valid": ("count", None),
        "ticket_entry_errors": ("count", None),
        "training_issues": ("count", None),
        "morning_meeting": ("count", None),
        "duty_absences": ("count", None),
        "monthly_exam_score": ("score", (D(0), D(100))),
        "extra_duties": ("count", None),
    }
    assert t.grades == [] and t.pay is None and t.alerts == []


def test_agent_a(run: ScoreRun) -> None:
    assert contributions(run, "A") == {
        "call_volume": D(10),  # 1200 / 1000 = 1.2
        "call_qc": D(40),
        "complaints": D(15),
        "ticket_entry": D(13),  # 2 errors x 1
        "training": D(10),
        "morning_meeting": D(4),  # late 1
        "duty": D(5),
        "monthly_exam": D(2),  # 92 >= 90
        "extra_duties": D(4),  # two roles x 2
    }
    r = run.result("A")
    assert [s.score for s in r.sections] == [D(97), D(6)]
    assert (r.total, r.rank, r.rank_from_bottom, r.rank_label) == (D("103.00"), 1, 4, "奖励")


def test_agent_b(run: ScoreRun) -> None:
    assert contributions(run, "B") == {
        "call_volume": D(5),  # 0.85 in [0.80, 0.90)
        "call_qc": D(30),  # 2 不合格 x 5
        "complaints": D(10),
        "ticket_entry": D(13),  # missing 1 x 2
        "training": D(7),  # failed 1 x 3
        "morning_meeting": D(5),
        "duty": D(5),
        "monthly_exam": D(0),  # 78 < 80
        "extra_duties": D(0),
    }
    r = run.result("B")
    assert (r.total, r.rank, r.rank_from_bottom, r.rank_label) == (D("75.00"), 4, 1, "处罚")


def test_agent_c(run: ScoreRun) -> None:
    c = contributions(run, "C")
    assert (c["call_volume"], c["call_qc"], c["monthly_exam"]) == (D(10), D(35), D(1))
    r = run.result("C")
    assert r.sections[0].score == D(95)
    # rank 2, and 3rd from the bottom: both labels apply, the top one is given
    assert (r.total, r.rank, r.rank_from_bottom, r.rank_label) == (D("96.00"), 2, 3, "奖励")


def test_agent_d(run: ScoreRun) -> None:
    c = contributions(run, "D")
    assert c["call_volume"] == D(10)  # 950 / 1000 = 0.95 is >= 0.95
    assert (c["morning_meeting"], c["duty"], c["monthly_exam"]) == (D(3), D(0), D(1))
    r = run.result("D")
    assert r.sections[0].score == D(93)
    # rank 3 and 2nd from the bottom: the top label wins
    assert (r.total, r.rank, r.rank_from_bottom, r.rank_label) == (D("94.00"), 3, 2, "奖励")
    assert all(x.flags == [] for x in run.results)


def test_example_file_is_the_catalogue_example() -> None:
    run = score(load_builtin(CODE), example_input(CODE))
    got = [(x.id, x.total, x.rank, x.rank_label) for x in run.results]
    assert got == [
        ("A", D("103.00"), 1, "奖励"),
        ("B", D("75.00"), 4, "处罚"),
        ("C", D("96.00"), 2, "奖励"),
        ("D", D("94.00"), 3, "奖励"),
    ]


@pytest.mark.parametrize(
    ("calls", "expected"),
    [
        (1000, D(10)),  # r = 1 (mean of 1000 and 1000)
        (900, D(8)),  # 900 / 950 = 0.947 < 0.95
        (800, D(5)),  # 800 / 900 = 0.889
        (500, D(3)),  # 500 / 750 = 0.667
        (300, D(0)),  # 300 / 650 = 0.46 < 0.50
    ],
)
def test_call_volume_tiers(calls: int, expected: D) -> None:
    # two agents: the peer mean includes the agent scored
    run = run_all(
        [
            {"id": "P", "values": {"calls_handled": 1000}},
            {"id": "X", "values": {"calls_handled": calls}},
        ]
    )
    assert contributions(run, "X")["call_volume"] == expected


def test_call_volume_exact_boundaries() -> None:
    # mean 1000: 500 / 1000 = 0.50 -> 3; 800 -> 5; 900 -> 8; 950 -> 10
    employees = [{"id": str(n), "values": {"calls_handled": n}} for n in (500, 800, 900, 950, 1850)]
    run = run_all(employees)
    got = {e["id"]: contributions(run, e["id"])["call_volume"] for e in employees}
    assert got == {"500": D(3), "800": D(5), "900": D(8), "950": D(10), "1850": D(10)}


def test_deductions_floor_at_zero_and_bonus_is_uncapped() -> None:
    roles = {
        "qc_inspector": 1,
        "mobile_trading": 1,
        "complaint_handler": 1,
        "attendance_clerk": 1,
        "asset_keeper": 1,
    }
    run = run_all(
        [
            {
                "id": "X",
                "values": {
                    "calls_handled": 1000,
                    "qc_unqualified_count": 9,  # 45 > 40
                    "complaints_valid": 4,  # 20 > 15
                    "monthly_exam_score": 90,  # 90 is >= 90
                    "extra_duties": roles,
                },
            }
        ]
    )
    c = contributions(run, "X")
    assert (c["call_qc"], c["complaints"], c["monthly_exam"], c["extra_duties"]) == (
        D(0),
        D(0),
        D(2),
        D(10),
    )
    assert run.result("X").total == D("57.00")  # 10 + 0 + 0 + 15 + 10 + 5 + 5 + 2 + 10


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
