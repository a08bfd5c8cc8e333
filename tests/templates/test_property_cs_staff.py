"""物业客服员月度绩效考核表 (property-cs-staff): the example input, scored by hand."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from csperf.scoring import ScoreRun
from csperf.templates import load_builtin

from .helpers import contributions, frac, q20, run_example

CODE = "property-cs-staff"
UNFIT = "物业费收缴率低于90%，不胜任本岗位"


@pytest.fixture(scope="module")
def run() -> ScoreRun:
    return run_example(CODE)


def test_template_shape() -> None:
    t = load_builtin(CODE)
    assert t.code == CODE and t.version == 1 and t.positions == ["物业客服员"]
    # 5 + 12 + 15 = 32 行为规范; 20 + 12 + 15 + 21 (added to make 100) = 68 工作质量.
    assert [(s.code, s.full) for s in t.sections] == [("conduct", D(32)), ("quality", D(68))]
    assert t.rater_roles() == ["supervisor", "reviewer", "property_manager"]


def test_full_marks_at_the_boundary(run: ScoreRun) -> None:
    # W101 刘洋
    assert contributions(run, "W101") == {
        "appearance": D(5),  # level 3 from all three raters -> 5
        # 12 x 0.5 + 11 x 0.3 + 10 x 0.2 = 6 + 3.3 + 2 = 11.3
        "discipline": D("11.3"),
        "attitude": D(15),  # no incidents
        "fee_collection": D(20),  # 0.98 >= 0.98 (inclusive) -> 20
        "facility": D(12),  # 0.99 above 0.98 -> 12
        "building": D(15),  # 1.0 -> 15
        "owner_satisfaction": D(21),  # 0.92 above 0.90 -> 21
    }
    r = run.result("W101")
    assert r.total == D("99.30")  # 31.3 + 68
    assert r.grade is None and r.rank is None and r.pay is None
    assert r.flags == [] and r.alerts == []


def test_partial_raters_and_deductions(run: ScoreRun) -> None:
    # W102 黄丽
    assert contributions(run, "W102") == {
        # property manager did not rate: (3 x 0.5 + 5 x 0.3) / 0.8 = 3 / 0.8 = 3.75
        "appearance": D("3.75"),
        "discipline": D(10),  # only the supervisor rated: 10
        "attitude": D(12),  # 15 - 1 general x 1 - 1 serious x 2 = 12 (2 incidents < 3)
        "fee_collection": D(10),  # 0.9799 < 0.98 but >= 0.95 -> 扣 10 -> 10
        "facility": D(7),  # 0.955: 2.5 steps short x 2 = 5 -> 12 - 5 = 7
        "building": D(9),  # 0.965: 1.5 steps, ceil 2 x 3 = 6 -> 15 - 6 = 9
        "owner_satisfaction": D(16),  # 0.85: 5 steps x 1 -> 21 - 5 = 16
    }
    r = run.result("W102")
    assert r.total == D("67.75")  # 25.75 + 42
    assert r.flags == []


def test_three_incidents_and_excluded_item(run: ScoreRun) -> None:
    # W103 周强
    c = contributions(run, "W103")
    assert c["appearance"] == D("1.5")  # 0 x 0.5 + 3 x 0.3 + 3 x 0.2
    assert c["discipline"] == D("8.5")  # 8 x 0.5 + 9 x 0.3 + 9 x 0.2 = 4 + 2.7 + 1.8
    # 2 general + 1 serious = 3 incidents over both kinds >= zero_at 3 -> 0 (not 15 - 4 = 11)
    assert c["attitude"] == D(0)
    # csat_top2 is null -> owner_satisfaction excluded; quality scaled by 68 / 47.
    assert q20(c["fee_collection"]) == frac(10 * 68, 47)  # 0.95 >= 0.95 (inclusive) -> 10
    assert c["facility"] == D(0)  # 0.90: 8 steps x 2 = 16 > 12 -> 0 (扣完为止)
    assert c["building"] == D(0)  # 0.93: 5 steps x 3 = 15 -> exactly 0
    assert c["owner_satisfaction"] is None
    r = run.result("W103")
    # 10 + 680/47 = 24.468085… -> 24.47
    assert r.total == D("24.47")
    assert r.flags == ["quality.owner_satisfaction: no data -> excluded"]


def test_unfit_flag(run: ScoreRun) -> None:
    # W104 吴敏: 物业费收缴率 0.8999 < 0.90 -> flagged as unfit, total unchanged.
    c = contributions(run, "W104")
    assert c["appearance"] == D("4.6")  # 5 x 0.5 + 5 x 0.3 + 3 x 0.2
    assert c["discipline"] == D(12)
    assert c["attitude"] == D(13)  # 15 - 1 serious x 2
    assert c["fee_collection"] == D(0)  # < 0.95 -> 全扣
    assert c["facility"] == D(10)  # 0.97: 1 step x 2
    assert c["building"] == D(15)  # 0.98 = target
    assert c["owner_satisfaction"] == D(21)  # 0.90 = target
    r = run.result("W104")
    assert r.total == D("75.60")  # 29.6 + 46
    assert r.flags == [UNFIT]
    # W103's 0.95 is not below 0.90: no flag there.
    assert UNFIT not in run.result("W103").flags
