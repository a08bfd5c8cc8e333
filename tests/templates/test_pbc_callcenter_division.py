"""部门KPI及个人绩效考核PBC·呼叫中心事业部 (pbc-callcenter-division): schemes.md §3.5, examples A and B."""

from __future__ import annotations

import re
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pytest

from csperf.scoring import ScoreRun, score
from csperf.scoring.errors import InputError
from csperf.templates import builtin_path, load_builtin

from .helpers import frac, q20, run_example

CODE = "pbc-callcenter-division"
SEEDS = Path("/work/shared/seeds")
TARGETS = {
    "workload_target": 1000000,
    "workload_net_profit": 3000000,
    "output_per_capita": 5000,
    "net_profit_per_capita": 15000,
    "staff_attrition": D("0.15"),
    "csat": D("4.5"),
    "cost_control": 10000000,
}
AT_TARGET = {
    "workload_volume": 1000000,
    "workload_net_profit": 3000000,
    "output_per_capita": 5000,
    "net_profit_per_capita": 15000,
    "staff_attrition_rate": D("0.15"),
    "csat_mean": D("4.5"),
    "cost_amount": 10000000,
}
TOP = {k: {"supervisor": 5} for k in ("project_risk", "team_building", "key_events")}


@pytest.fixture(scope="module")
def run() -> ScoreRun:
    return run_example(CODE)


def one(values: dict[str, Any], ratings: dict[str, Any] | None = None, period: str = "2026") -> Any:
    emp = {
        "id": "X",
        "values": values,
        "targets": TARGETS,
        "ratings": TOP if ratings is None else ratings,
    }
    return score(load_builtin(CODE), {"period": period, "employees": [emp]}).result("X")


def test_template_shape() -> None:
    t = load_builtin(CODE)
    assert (t.code, t.version, t.period) == (CODE, 1, "year")
    assert t.positions == ["呼叫中心事业部"]
    assert [(s.code, s.kind, s.full) for s in t.sections] == [("kpi", "base", D(100))]
    got = [
        (i.code, i.value, i.points, i.rule.type, getattr(i.rule, "better", None))
        for _, i in t.items
    ]
    assert got == [
        ("workload_target", "workload_volume", D(10), "ratio", "higher"),
        ("workload_net_profit", "workload_net_profit", D(30), "ratio", "higher"),
        ("output_per_capita", "output_per_capita", D(10), "ratio", "higher"),
        ("net_profit_per_capita", "net_profit_per_capita", D(10), "ratio", "higher"),
        ("staff_attrition", "staff_attrition_rate", D(5), "ratio", "lower"),
        ("project_risk", None, D(5), "manual", None),
        ("csat", "csat_mean", D(10), "ratio", "higher"),
        ("cost_control", "cost_amount", D(10), "ratio", "lower"),
        ("team_building", None, D(5), "manual", None),
        ("key_events", None, D(5), "manual", None),
    ]
    assert all(i.rule.cap == 1 for _, i in t.items if i.rule.type == "ratio")
    assert [i.effective_raters.roles for _, i in t.items if i.rated] == [["supervisor"]] * 3
    assert t.grades == [] and t.ranking is None and t.pay is None and t.alerts == []


def test_every_item_cites_its_source_and_unit() -> None:
    t = load_builtin(CODE)
    for _, i in t.items:
        assert "x-source" in i.extensions and "x-choice" in i.extensions, i.code
    assert {i.value: i.extensions["x-unit"] for _, i in t.items if i.value} == {
        "workload_volume": "count",
        "workload_net_profit": "amount",
        "output_per_capita": "mean",
        "net_profit_per_capita": "amount",
        "staff_attrition_rate": "share",
        "csat_mean": "score",
        "cost_amount": "amount",
    }


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the source documents are not on this machine")
def test_quotes_are_verbatim() -> None:
    text = builtin_path(CODE).read_text(encoding="utf-8")
    quotes = re.findall(r'file: (\S+?), quote: "([^"]+)"', text)
    assert len(quotes) >= 12
    for file, quote in quotes:
        seed = re.sub(r"\s+", " ", (SEEDS / file).read_text(encoding="utf-8"))
        assert re.sub(r"\s+", " ", quote) in seed, quote


def test_example_a(run: ScoreRun) -> None:
    r = run.result("A")
    c = {i.code: i.score for s in r.sections for i in s.items}
    assert c["workload_target"] == D(10)  # 1 050 000 / 1 000 000 capped
    assert c["workload_net_profit"] == D(27)  # 30 x 0.9
    assert c["output_per_capita"] == D(10)  # 5200 / 5000 capped
    assert q20(c["net_profit_per_capita"]) == frac(130, 15)  # 10 x 13000/15000 = 8.6667
    assert c["staff_attrition"] == D(5)  # 0.15 / 0.12 capped
    assert c["project_risk"] == D(4)
    assert c["csat"] == D(10)  # 4.5 = target
    assert c["cost_control"] == D(10)  # 10 000 000 / 9 500 000 capped
    assert c["team_building"] == D(5)
    assert c["key_events"] == D(3)
    assert r.total == D("92.67")
    assert r.grade is None and r.pay is None and r.flags == [] and r.alerts == []


def test_example_b(run: ScoreRun) -> None:
    r = run.result("B")
    c = {i.code: i.score for s in r.sections for i in s.items}
    assert c == {
        "workload_target": D(8),  # 800 000 / 1 000 000
        "workload_net_profit": D(15),  # 30 x 0.5
        "output_per_capita": D(8),  # 4000 / 5000
        "net_profit_per_capita": D(5),  # 7500 / 15000
        "staff_attrition": D("2.5"),  # 5 x 0.15/0.30
        "project_risk": D(2),
        "csat": D(9),  # 10 x 4.05/4.5
        "cost_control": D(8),  # 10 x 10 000 000 / 12 500 000
        "team_building": D(3),
        "key_events": D(2),
    }
    assert r.total == D("62.50")


def test_at_target_is_full_marks() -> None:
    assert one(AT_TARGET).total == D("100.00")


def test_no_attrition_is_full_marks() -> None:
    assert one({**AT_TARGET, "staff_attrition_rate": 0}).item("staff_attrition").score == D(5)


def test_manual_score_above_five_is_an_error() -> None:
    with pytest.raises(InputError):
        one(AT_TARGET, {**TOP, "key_events": {"supervisor": 6}})


def test_scored_per_year_only() -> None:
    with pytest.raises(InputError, match="per year"):
        one(AT_TARGET, period="2026-03")
