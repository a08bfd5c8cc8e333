"""呼叫中心绩效考核方案(坐席) (callcenter-agent-scheme): schemes.md §3.2, examples A and B."""

from __future__ import annotations

import re
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pytest

from csperf.scoring import ScoreRun, score
from csperf.templates import builtin_path, load_builtin

from .helpers import frac, q20, run_example

CODE = "callcenter-agent-scheme"
SEEDS = Path("/work/shared/seeds")
TARGETS = {
    "csat": D("0.90"),
    "complaint_rate": D("0.02"),
    "churn_rate": D("0.05"),
    "order_rate": D("0.10"),
    "sales": 100000,
}
AT_TARGET = {
    "csat_top2": D("0.90"),
    "complaint_rate": D("0.02"),
    "churn_rate": D("0.05"),
    "order_rate": D("0.10"),
    "sales_amount": 100000,
}


@pytest.fixture(scope="module")
def run() -> ScoreRun:
    return run_example(CODE)


def one(values: dict[str, Any], history: list[dict[str, Any]] | None = None) -> Any:
    emp = {"id": "X", "values": values, "targets": TARGETS, "history": history or []}
    return score(load_builtin(CODE), {"period": "2026-03", "employees": [emp]}).result("X")


def test_template_shape() -> None:
    t = load_builtin(CODE)
    assert (t.code, t.version, t.period, t.period_start_day) == (CODE, 1, "month", 1)
    assert t.positions == ["呼叫中心坐席"]
    assert [(s.code, s.kind, s.full) for s in t.sections] == [("kpi", "base", D(100))]
    assert [(i.code, i.value, i.points, i.rule.type, i.rule.better) for _, i in t.items] == [
        ("csat", "csat_top2", D(20), "ratio", "higher"),
        ("complaint_rate", "complaint_rate", D(20), "ratio", "lower"),
        ("churn_rate", "churn_rate", D(20), "ratio", "lower"),
        ("order_rate", "order_rate", D(20), "ratio", "higher"),
        ("sales", "sales_amount", D(20), "ratio", "higher"),
    ]
    assert all(i.rule.cap == 1 for _, i in t.items)
    assert [(g.gte, g.grade) for g in t.grades] == [
        (D(90), "优秀"),
        (D(80), "良好"),
        (D(60), "合格"),
        (None, "不合格"),
    ]
    assert [(a.when.grade, a.consecutive) for a in t.alerts] == [("不合格", 1), ("不合格", 3)]
    assert t.ranking is None and t.pay is None


def test_every_item_cites_its_source_and_unit() -> None:
    t = load_builtin(CODE)
    units = {i.value: i.extensions["x-unit"] for _, i in t.items}
    assert units == {
        "csat_top2": "share",
        "complaint_rate": "share",
        "churn_rate": "share",
        "order_rate": "share",
        "sales_amount": "amount",
    }
    for _, i in t.items:
        assert "x-source" in i.extensions and "x-choice" in i.extensions, i.code
    for g in t.grades:
        assert "x-choice" in g.extensions
    for a in t.alerts:
        assert "x-source" in a.extensions


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the source documents are not on this machine")
def test_quotes_are_verbatim() -> None:
    text = builtin_path(CODE).read_text(encoding="utf-8")
    quotes = re.findall(r'file: (\S+?), quote: "([^"]+)"', text)
    assert len(quotes) >= 8
    for file, quote in quotes:
        seed = re.sub(r"\s+", " ", (SEEDS / file).read_text(encoding="utf-8"))
        assert re.sub(r"\s+", " ", quote) in seed, quote


def test_example_a(run: ScoreRun) -> None:
    r = run.result("A")
    scores = {i.code: i.score for s in r.sections for i in s.items}
    assert scores["csat"] == D(20)  # 0.93 / 0.90 capped at 1
    assert scores["complaint_rate"] == D(20)  # 0.02 / 0.015 capped at 1
    assert q20(scores["churn_rate"]) == frac(20 * 5, 6)  # 20 x 0.05/0.06 = 16.6667
    assert scores["order_rate"] == D(16)  # 20 x 0.08/0.10
    assert scores["sales"] == D(20)  # 120000 / 100000 capped
    assert r.total == D("92.67")
    assert r.grade == "优秀"
    assert r.alerts == [] and r.flags == []
    assert r.rank is None and r.pay is None


def test_example_b(run: ScoreRun) -> None:
    r = run.result("B")
    scores = {i.code: i.score for s in r.sections for i in s.items}
    assert scores == {
        "csat": D(16),  # 20 x 0.72/0.90
        "complaint_rate": D(10),  # 20 x 0.02/0.04
        "churn_rate": D(10),  # 20 x 0.05/0.10
        "order_rate": D(10),  # 20 x 0.05/0.10
        "sales": D(10),  # 20 x 50000/100000
    }
    assert r.total == D("56.00")
    assert r.grade == "不合格"
    # 2026-01 and 2026-02 不合格 in the history, 2026-03 now: both alerts
    assert r.alerts == ["不合格：进行谈话提醒，制定改进计划", "连续三个月不合格，考虑调整工作岗位"]


def test_at_target_is_full_marks_and_zero_complaints_score_full() -> None:
    assert one(AT_TARGET).total == D("100.00")
    r = one({**AT_TARGET, "complaint_rate": 0, "churn_rate": 0})
    assert r.item("complaint_rate").score == D(20)
    assert r.item("churn_rate").score == D(20)


@pytest.mark.parametrize(
    ("changes", "total", "grade"),
    [
        ({"csat_top2": D("0.45")}, "90.00", "优秀"),  # 10 + 80: exactly 90
        ({"csat_top2": D("0.4495")}, "89.99", "良好"),  # 9.98889 + 80
        ({"csat_top2": 0}, "80.00", "良好"),
        ({"csat_top2": 0, "sales_amount": 0}, "60.00", "合格"),
        ({"csat_top2": 0, "sales_amount": 0, "order_rate": D("0.09995")}, "59.99", "不合格"),
    ],
)
def test_grade_boundaries(changes: dict[str, Any], total: str, grade: str) -> None:
    r = one({**AT_TARGET, **changes})
    assert r.total == D(total)
    assert r.grade == grade


def test_alert_streaks() -> None:
    fail = {**AT_TARGET, "csat_top2": 0, "sales_amount": 0, "order_rate": 0}
    # one earlier 不合格 month: two in a row, only the first alert
    r = one(fail, [{"period": "2026-02", "grade": "不合格"}])
    assert r.alerts == ["不合格：进行谈话提醒，制定改进计划"]
    # a gap (no 2026-02) breaks the streak
    r = one(
        fail, [{"period": "2026-01", "grade": "不合格"}, {"period": "2025-12", "grade": "不合格"}]
    )
    assert r.alerts == ["不合格：进行谈话提醒，制定改进计划"]
    # 合格 now: no alert whatever the history
    r = one(
        AT_TARGET,
        [{"period": "2026-01", "grade": "不合格"}, {"period": "2026-02", "grade": "不合格"}],
    )
    assert r.alerts == []


def test_a_share_above_one_is_not_scored() -> None:
    r = one({**AT_TARGET, "csat_top2": D("1.2")})
    assert r.item("csat").score is None
    assert any("csat" in f for f in r.flags)
