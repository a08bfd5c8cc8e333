"""4S店销售顾问月度考核表 (dealer-sales-advisor): the example input, scored by hand."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from csperf.scoring import InputError, ScoreRun, score
from csperf.templates import load_builtin

from .helpers import contributions, example_input, run_example

CODE = "dealer-sales-advisor"


@pytest.fixture(scope="module")
def run() -> ScoreRun:
    return run_example(CODE)


def test_template_shape() -> None:
    t = load_builtin(CODE)
    assert t.positions == ["销售顾问"]
    assert "dealer_cs_index" in t.value_names()
    assert [(s.code, s.kind, s.full) for s in t.sections] == [
        ("performance", "base", D(100)),
        ("complaints", "deduction", D(20)),
    ]


def test_oversold_target(run: ScoreRun) -> None:
    # S01 周杰
    assert contributions(run, "S01") == {
        "cs_index": D(40),  # 92 >= 90
        "sales_volume": D(48),  # 15 / 12 = 1.25, capped at 1.2 -> 40 x 1.2 = 48
        "sales_process": D(18),
        "valid_complaints": D(0),
    }
    r = run.result("S01")
    assert r.total == D("106.00")  # 40 + 48 + 18
    assert r.item("sales_volume").target == D(12)


def test_partial_marks_and_complaint(run: ScoreRun) -> None:
    # S02 吴磊
    assert contributions(run, "S02") == {
        "cs_index": D(30),  # 87.5: 2.5 points short x 4 = 10 -> 30
        "sales_volume": D(30),  # 9 / 12 = 0.75 x 40
        "sales_process": D(16),
        "valid_complaints": D(5),  # 1 x 5
    }
    assert run.result("S02").total == D("71.00")  # 76 - 5


def test_no_callbacks_no_index(run: ScoreRun) -> None:
    # S03 郑爽: no CS index -> excluded, performance scaled by 100/60.
    c = contributions(run, "S03")
    assert c["cs_index"] is None
    assert c["sales_volume"] == D(0)  # 0 / 8
    assert c["sales_process"] == D(25)  # 15 x 100/60
    assert c["valid_complaints"] == D(0)  # no count given -> 0
    r = run.result("S03")
    assert r.total == D("25.00")
    assert r.flags == ["performance.cs_index: no data -> excluded"]


def test_index_bottoms_out(run: ScoreRun) -> None:
    # S04 孙浩
    assert contributions(run, "S04") == {
        "cs_index": D(0),  # 79.75: 10.25 x 4 = 41 > 40 -> 0
        "sales_volume": D(40),  # 10 / 10
        "sales_process": D(12),
        "valid_complaints": D(10),  # 2 x 5
    }
    assert run.result("S04").total == D("42.00")  # 52 - 10


def test_missing_sales_target_is_an_input_error() -> None:
    data = example_input(CODE)
    data.employees[1].targets.clear()
    with pytest.raises(InputError, match=r"employees\[1\]\.targets\.sales_volume"):
        score(load_builtin(CODE), data)
