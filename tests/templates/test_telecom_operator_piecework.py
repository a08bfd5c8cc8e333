"""呼叫中心客服绩效考核(参考)·话务员计件 (telecom-operator-piecework): schemes.md §3.4, examples A and B."""

from __future__ import annotations

import re
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pytest

from csperf.scoring import ScoreRun, score
from csperf.templates import builtin_path, load_builtin

from .helpers import run_example

CODE = "telecom-operator-piecework"
SEEDS = Path("/work/shared/seeds")
ALERT = "用户评分率未达35%且累计不满意达10条以上，实行跟班学习"
# a quiet month: every requirement met, no piece work, no fine, no 全勤奖 lost
QUIET = {"rating_rate": D("0.40"), "aht": 120, "busy_overlimit_shifts": 0, "late_early_count": 0}


@pytest.fixture(scope="module")
def run() -> ScoreRun:
    return run_example(CODE)


def one(values: dict[str, Any], days_worked: int = 22) -> Any:
    emp = {
        "id": "X",
        "values": values,
        "pay_base": 600,
        "days_worked": days_worked,
        "period_days": 22,
    }
    return score(load_builtin(CODE), {"period": "2026-03", "employees": [emp]}).result("X")


def test_template_shape() -> None:
    t = load_builtin(CODE)
    assert (t.code, t.version, t.period, t.period_start_day) == (CODE, 2, "month", 1)
    assert t.positions == ["话务员"]
    assert [(s.code, s.kind, s.full) for s in t.sections] == [("quality", "base", D(3))]
    assert [(i.code, i.value, i.points) for _, i in t.items] == [
        ("rating_rate", "rating_rate", D(1)),
        ("aht", "aht", D(1)),
        ("busy_limit", "busy_overlimit_shifts", D(1)),
    ]
    assert t.grades == [] and t.ranking is None
    pay = t.pay
    assert pay is not None and pay.mode == "bands" and pay.prorate is True
    assert [(b.has_condition, b.factor) for b in pay.bands] == [(False, D(1))]
    got = [(c.name, c.value, c.rate, c.amount) for c in pay.components]
    assert got == [
        ("话务量计件", "calls_handled", D("0.40"), None),
        ("专席计件(定额内)", "special_desk_calls", D("0.2"), None),
        ("业务营销计件", "marketing_success_count", D(5), None),
        ("交叉营销渗透率未达25%", "cross_sell_rate", None, D(-30)),
        ("专席岗位工资(大客、商务领航、C网专席)", "special_desk_tier1", D(100), None),
        ("专席岗位工资(e家、宽带专席)", "special_desk_tier2", D(50), None),
        ("临时性应急加班补贴", "overtime_hours", D(6), None),
        ("工龄补贴", "seniority_allowance", D(1), None),
        ("星级补贴", "star_allowance", D(1), None),
        ("全勤奖", "late_early_count", None, D(50)),
        ("迟到早退(5分钟内)", "late_early_minutes_under_5", D(-1), None),
        ("迟到早退(5分钟及以上)", "late_early_minutes_5_plus", D(-2), None),
        ("交接班主要责任", "handover_primary_days", D(-100), None),
        ("交接班次要责任", "handover_secondary_days", D(-20), None),
        ("话后处理超时(天)", "acw_overlimit_days", D(-5), None),
        ("话后处理月均超时", "acw_month_avg_s", None, D(-50)),
        ("工时利用率低于70%", "occupancy", None, D(-100)),
        ("调休未按规定", "improper_leave_requests", D(-50), None),
        ("有理服务质量申告(经中心级以上核实)", "complaints_valid", D(-100), None),
        ("申告视情节加重扣罚", "appeal_extra_fine", D(-1), None),
        ("处理不到位引起用户重复投诉", "complaints_repeat", D(-100), None),
        ("一般投诉", "complaints_general", D(-50), None),
        ("工作差错", "work_errors", D(-5), None),
        ("服务差错", "service_errors", D(-10), None),
        ("用户不满意扣罚(主观原因)", "dissatisfaction_fines", D(-1), None),
    ]
    when = {c.name: c.when for c in pay.components if c.when is not None}
    assert (when["交叉营销渗透率未达25%"].lt, when["全勤奖"].lt) == (D("0.25"), D(4))
    assert (when["话后处理月均超时"].gt, when["工时利用率低于70%"].lt) == (D(15), D("0.70"))
    [alert] = t.alerts
    assert alert.consecutive == 1 and alert.message == ALERT
    assert [(c.value, c.lt, c.gte) for c in alert.when.all] == [
        ("rating_rate", D("0.35"), None),
        ("dissatisfied_subjective_count", None, D(10)),
    ]


def test_every_input_has_a_unit() -> None:
    t = load_builtin(CODE)
    inputs = t.extensions["x-inputs"]
    names = {c.value for c in t.pay.components} | {"dissatisfied_subjective_count"}
    assert names <= set(inputs)
    assert {i.value: i.extensions["x-unit"] for _, i in t.items} == {
        "rating_rate": "share",
        "aht": "seconds",
        "busy_overlimit_shifts": "count",
    }
    for c in t.pay.components:
        assert "x-source" in c.extensions, c.name


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the source documents are not on this machine")
def test_quotes_are_verbatim() -> None:
    text = builtin_path(CODE).read_text(encoding="utf-8")
    quotes = re.findall(r'file: (\S+?), quote: "([^"]+)"', text)
    assert len(quotes) >= 28
    for file, quote in quotes:
        seed = re.sub(r"\s+", " ", (SEEDS / file).read_text(encoding="utf-8"))
        assert re.sub(r"\s+", " ", quote) in seed, quote


def test_example_a(run: ScoreRun) -> None:
    r = run.result("A")
    assert [i.score for i in r.sections[0].items] == [D(1), D(1), D(1)]  # 0.40, 125 s, 0 shifts
    assert r.total == D("3.00")
    # 600 + 1200 + 50 + 100 + 24 + 50 + 30 + 50 (全勤奖) - 3 - 12 - 5 - 50
    assert r.pay == D("2034.00")
    assert r.alerts == [] and r.flags == [] and r.grade is None and r.rank is None


def test_example_b(run: ScoreRun) -> None:
    r = run.result("B")
    assert [i.score for i in r.sections[0].items] == [D(0), D(0), D(0)]  # 0.30, 131 s, 2 shifts
    assert r.total == D("0.00")
    # 600 x 20/22 = 545.4545… + 1000 + 80 + 20 - 498; late_early_count 4: no 全勤奖
    assert r.pay == D("1147.45")
    assert r.alerts == [ALERT]  # 0.30 < 0.35 and 12 >= 10


def test_quiet_month() -> None:
    r = one(QUIET)
    assert r.total == D("3.00")
    assert r.pay == D("650.00")  # 600 + 全勤奖 50


@pytest.mark.parametrize(
    ("values", "scores"),
    [
        ({"rating_rate": D("0.35"), "aht": 130, "busy_overlimit_shifts": 0}, [1, 1, 1]),
        ({"rating_rate": D("0.3499"), "aht": D("130.01"), "busy_overlimit_shifts": 1}, [0, 0, 0]),
    ],
)
def test_requirement_boundaries(values: dict[str, Any], scores: list[int]) -> None:
    r = one({**QUIET, **values})
    assert [i.score for i in r.sections[0].items] == [D(s) for s in scores]


@pytest.mark.parametrize(
    ("changes", "pay"),
    [
        ({"late_early_count": 3}, "650.00"),  # 3 times: 全勤奖 kept
        ({"late_early_count": 4}, "600.00"),  # 4次以上(含4次): cancelled
        ({"late_early_count": None}, "600.00"),  # not supplied: no 全勤奖
        ({"late_early_minutes_under_5": 4}, "646.00"),  # 4 x 1
        ({"late_early_minutes_5_plus": 5}, "640.00"),  # exactly 5 minutes: the 2 元 band
        ({"cross_sell_rate": D("0.25")}, "650.00"),  # 达25%: no fine
        ({"cross_sell_rate": D("0.2499")}, "620.00"),
        ({"acw_month_avg_s": 15}, "650.00"),  # 超过 is strict
        ({"acw_month_avg_s": D("15.01")}, "600.00"),
        ({"occupancy": D("0.70")}, "650.00"),  # 低于 is strict
        ({"occupancy": D("0.6999")}, "550.00"),
        ({"handover_primary_days": 2, "handover_secondary_days": 1}, "430.00"),
        ({"special_desk_tier2": 1, "overtime_hours": D("2.5")}, "715.00"),
        ({"complaints_repeat": 1, "service_errors": 3}, "520.00"),
    ],
)
def test_pay_components(changes: dict[str, Any], pay: str) -> None:
    assert one({**QUIET, **changes}).pay == D(pay)


def test_pay_is_prorated_by_days_worked() -> None:
    # 600 x 11/22 + 50, the piece work is not prorated
    assert one({**QUIET, "calls_handled": 100}, days_worked=11).pay == D("390.00")


@pytest.mark.parametrize(
    ("rating", "count", "alerted"),
    [
        (D("0.3499"), 10, True),  # 10条以上(包括10条)
        (D("0.3499"), 9, False),
        (D("0.35"), 12, False),  # 未达35%: 0.35 has reached it
        (D("0.20"), None, False),  # no count: the condition does not hold
    ],
)
def test_follow_up_training_alert(rating: D, count: int | None, alerted: bool) -> None:
    r = one({**QUIET, "rating_rate": rating, "dissatisfied_subjective_count": count})
    assert r.alerts == ([ALERT] if alerted else [])
