"""游戏客服月度绩效奖金表 (game-cs-bonus): the example input, worked out by hand.

绩效奖金 (the total, in 元) = 工作量绩效 x QC 系数 + 贡献度;
工作量绩效 = max(0, 1000 - (工作量基准 - 实际工作量) x 1);
QC 系数 = 1 - (0.70 - QC) x 5 below 70 (not below 0), 1 + (QC - 0.80) x 5 above 80, else 1.
"""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from csperf.scoring import InputError, ScoreRun, score
from csperf.templates import load_builtin

from .helpers import contributions, example_input, run_example

CODE = "game-cs-bonus"


@pytest.fixture(scope="module")
def run() -> ScoreRun:
    return run_example(CODE)


def test_template_shape() -> None:
    t = load_builtin(CODE)
    assert t.positions == ["游戏客服"]
    assert [(s.code, s.kind, s.full) for s in t.sections] == [
        ("workload", "base", D(1000)),
        ("qc", "multiplier", D(1)),
        ("contribution", "bonus", D(200)),
    ]


def test_above_baseline_and_high_qc(run: ScoreRun) -> None:
    # G01 苏晴
    assert contributions(run, "G01") == {
        "workload": D(1050),  # 1000 - (600 - 650) x 1 = 1050
        "qc_coefficient": D("1.25"),  # 85 > 80: 1 + (0.85 - 0.80) x 5 = 1.25
        "contribution_bonus": D(150),
    }
    r = run.result("G01")
    assert r.item("workload").target == D(600)
    assert r.total == D("1462.50")  # 1050 x 1.25 + 150 = 1312.5 + 150
    assert r.pay == D("1462.50")  # 100 x 1462.50 / 100


def test_qc_band_edges_are_neutral(run: ScoreRun) -> None:
    # G02 黎明: QC exactly 70 is not below 70 -> 1
    assert contributions(run, "G02") == {
        "workload": D(960),  # 1000 - (600 - 560) = 960
        "qc_coefficient": D(1),
        "contribution_bonus": D(100),
    }
    assert run.result("G02").total == D("1060.00")  # 960 x 1 + 100
    # G03 方圆: QC exactly 80 is not above 80 -> 1; contribution at its minimum 50
    assert contributions(run, "G03") == {
        "workload": D(1000),  # on the baseline
        "qc_coefficient": D(1),
        "contribution_bonus": D(50),
    }
    r = run.result("G03")
    assert r.total == D("1050.00")
    assert r.pay == D("1050.00")


def test_low_qc_and_no_contribution_rating(run: ScoreRun) -> None:
    # G04 严冬
    c = contributions(run, "G04")
    assert c["workload"] == D(880)  # 1000 - 120
    assert c["qc_coefficient"] == D("0.625")  # 1 - (0.70 - 0.625) x 5 = 0.625
    assert c["contribution_bonus"] is None  # not rated -> nothing added
    r = run.result("G04")
    assert r.total == D("550.00")  # 880 x 0.625
    assert r.pay == D("550.00")
    assert r.flags == ["contribution.contribution_bonus: no rating -> excluded"]


def test_no_qc_samples_counts_as_factor_one(run: ScoreRun) -> None:
    # G05 白雪: no QC score -> the multiplier section is all excluded -> factor 1, flagged
    c = contributions(run, "G05")
    assert c["workload"] == D(900)  # 1000 - (400 - 300)
    assert c["qc_coefficient"] is None
    assert c["contribution_bonus"] == D(80)
    r = run.result("G05")
    assert r.total == D("980.00")  # 900 x 1 + 80
    assert r.flags == [
        "qc.qc_coefficient: no data -> excluded",
        "qc: every item excluded, section counts as factor 1",
    ]


def test_qc_below_50_zeroes_the_workload_bonus(run: ScoreRun) -> None:
    # G06 任飞: 1 - (0.70 - 0.48) x 5 = -0.1 -> 0
    assert contributions(run, "G06") == {
        "workload": D(600),  # 1000 - (600 - 200)
        "qc_coefficient": D(0),
        "contribution_bonus": D(60),
    }
    r = run.result("G06")
    assert r.total == D("60.00")  # 600 x 0 + 60
    assert r.pay == D("60.00")


def test_contribution_outside_50_to_200_is_an_input_error() -> None:
    data = example_input(CODE)
    data.employees[0].ratings["contribution_bonus"]["supervisor"] = D(30)
    with pytest.raises(InputError, match=r"employees\[0\]\.ratings\.contribution_bonus"):
        score(load_builtin(CODE), data)
