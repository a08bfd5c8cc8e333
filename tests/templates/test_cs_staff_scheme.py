"""客户服务人员绩效考核方案 (cs-staff-scheme): schemes.md §3.6, examples A and B."""

from __future__ import annotations

import re
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pytest

from csperf.scoring import ScoreRun, score
from csperf.templates import builtin_path, load_builtin

from .helpers import run_example

CODE = "cs-staff-scheme"
SEEDS = Path("/work/shared/seeds")
PERFECT = {
    "callback_rate": 1,
    "callback_authenticity_rate": 1,
    "dissatisfied_resolution_rate": D("0.95"),
    "info_transfer_timeliness": D("0.95"),
    "csat_top2": D("0.90"),
    "untrue_reports": 0,
}


@pytest.fixture(scope="module")
def run() -> ScoreRun:
    return run_example(CODE)


def one(values: dict[str, Any]) -> Any:
    emp = {"id": "X", "values": values}
    return score(load_builtin(CODE), {"period": "2026-03", "employees": [emp]}).result("X")


def test_template_shape() -> None:
    t = load_builtin(CODE)
    assert (t.code, t.version, t.period, t.period_start_day) == (CODE, 2, "month", 1)
    assert t.positions == ["客户服务专员"]
    assert [(s.code, s.kind, s.full) for s in t.sections] == [
        ("work", "base", D(100)),
        ("praise", "bonus", D(10)),
    ]
    assert [(i.code, i.value, i.points, i.missing) for _, i in t.items] == [
        ("callback_completion", "callback_rate", D(20), "exclude"),
        ("callback_authenticity", "callback_authenticity_rate", D(20), "exclude"),
        ("dissatisfied_resolution", "dissatisfied_resolution_rate", D(20), "full"),
        ("info_transfer", "info_transfer_timeliness", D(10), "exclude"),
        ("satisfaction", "csat_top2", D(10), "exclude"),
        ("report_truth", "untrue_reports", D(10), "exclude"),
        ("audit_corrections", "audit_correction_points", D(10), "full"),
        ("praise", "praise", D(10), "exclude"),
    ]
    praise = t.item("praise").rule
    assert praise.per == {"letter": D(1), "department": D(2), "company": D(3), "media": D(5)}
    assert praise.max in (None, "none")  # no cap (G8)
    assert all(s.max is None for s in t.sections)
    assert t.total.min == 0 and t.total.max is None and t.total.veto == []
    assert t.grades == [] and t.ranking is None and t.pay is None and t.alerts == []


def test_every_item_cites_its_source_and_unit() -> None:
    t = load_builtin(CODE)
    for _, i in t.items:
        assert "x-source" in i.extensions, i.code
    assert {i.value: i.extensions["x-unit"] for _, i in t.items} == {
        "callback_rate": "share",
        "callback_authenticity_rate": "share",
        "dissatisfied_resolution_rate": "share",
        "info_transfer_timeliness": "share",
        "csat_top2": "share",
        "untrue_reports": "count",
        "audit_correction_points": "score",
        "praise": "count",
    }


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
    c = {i.code: i.score for s in r.sections for i in s.items}
    assert c == {
        "callback_completion": D(17),  # 3 steps short of 1
        "callback_authenticity": D(20),  # 1
        "dissatisfied_resolution": D(10),  # 5 steps short of 0.95, 2 each
        "info_transfer": D(10),  # 0.97 above 0.95
        "satisfaction": D(8),  # 2 steps short of 0.90
        "report_truth": D(8),  # 1 untrue report
        "audit_corrections": D(6),  # 10 - 4
        "praise": D(5),  # 2 letters + 1 company praise
    }
    assert [s.score for s in r.sections] == [D(79), D(5)]
    assert r.total == D("84.00")
    assert r.flags == [] and r.grade is None and r.pay is None and r.alerts == []


def test_example_b(run: ScoreRun) -> None:
    r = run.result("B")
    c = {i.code: i.score for s in r.sections for i in s.items}
    assert c == {
        "callback_completion": D(5),  # 15 steps short
        "callback_authenticity": D(10),  # 0.96 in [0.95, 0.98)
        "dissatisfied_resolution": D(20),  # no 不满意投诉 (missing: full)
        "info_transfer": D(5),  # 5 steps short of 0.95
        "satisfaction": D(5),  # 5 steps short of 0.90
        "report_truth": D(0),  # 6 x 2 = 12 > 10: 扣完为止
        "audit_corrections": D(-15),  # 10 - 25: continues into the total
        "praise": D(20),  # 2 x 5 + 3 x 2 + 4 x 1, uncapped
    }
    assert [s.score for s in r.sections] == [D(30), D(20)]
    assert r.total == D("50.00")


def test_perfect_month_without_events() -> None:
    r = one(PERFECT)
    assert r.item("audit_corrections").score == D(10)  # no events: missing -> full
    assert r.total == D("100.00")


@pytest.mark.parametrize(
    ("rate", "expected"),
    [
        (1, 20),
        (D("0.9999"), 15),
        (D("0.98"), 15),
        (D("0.9799"), 10),
        (D("0.95"), 10),
        (D("0.9499"), 0),
    ],
)
def test_authenticity_boundaries(rate: Any, expected: int) -> None:
    assert one({**PERFECT, "callback_authenticity_rate": rate}).item(
        "callback_authenticity"
    ).score == D(expected)


def test_partial_steps_are_pro_rata_and_floors() -> None:
    r = one(
        {
            **PERFECT,
            "callback_rate": D("0.955"),
            "info_transfer_timeliness": D("0.80"),
            "untrue_reports": 5,
        }
    )
    assert r.item("callback_completion").score == D("15.5")  # 4.5 steps
    assert r.item("info_transfer").score == D(0)  # 15 steps: 扣完为止
    assert r.item("report_truth").score == D(0)  # exactly 10 deducted


def test_total_floors_at_zero() -> None:
    r = one({**PERFECT, "audit_correction_points": 150})
    assert r.item("audit_corrections").score == D(-140)
    assert r.total == D("0.00")  # 90 - 140 -> 0 (当月分值扣完为止)
