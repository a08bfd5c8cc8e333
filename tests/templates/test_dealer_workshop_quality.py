"""4S店车间月度维修质量CS考核表 (dealer-workshop-quality, schemes.md §3.13): the catalogue's examples.

The card's input is the month's 维修质量 CS; the tests work it out by hand from the callback
answers to question 3, as the catalogue does: the sum over the month's successful callbacks
divided by their number. Answers: 100 / 75 / 25 (不满意) / 0 (投诉).
"""

from __future__ import annotations

from decimal import Decimal as D

from csperf.scoring import score
from csperf.templates import load_builtin

from .helpers import frac, q20, run_example

CODE = "dealer-workshop-quality"


def mean(xs: list[int]) -> D:
    return sum((D(x) for x in xs), D(0)) / D(len(xs))


def one(values: dict) -> dict:
    return {"period": "2026-03", "employees": [{"id": "X", "values": values}]}


def test_template_shape() -> None:
    t = load_builtin(CODE)
    assert (t.code, t.version, t.period) == (CODE, 1, "month")
    assert t.name == "4S店车间月度维修质量CS考核表"
    assert t.positions == ["维修车间"]
    assert [(s.code, s.kind, s.effective_weight, s.full) for s in t.sections] == [
        ("cs", "base", D(1), D(100))
    ]
    assert [(i.code, i.value, i.points) for _, i in t.items] == [
        ("repair_quality", "workshop_cs_index", D(100))
    ]
    assert not t.grades and t.ranking is None and t.pay is None and not t.alerts


def test_example_a() -> None:
    index = mean([100, 75])  # q3 of the two cars of the SA example A
    assert index == D("87.5")
    r = score(load_builtin(CODE), one({"workshop_cs_index": index})).result("X")
    assert r.item("repair_quality").contribution == D("87.5")
    assert r.total == D("87.50")
    assert r.flags == []


def test_example_b() -> None:
    index = mean([100, 75, 25])  # 不满意 -> 25
    assert q20(index) == frac(200, 3)
    r = score(load_builtin(CODE), one({"workshop_cs_index": index})).result("X")
    assert r.total == D("66.67")


def test_example_file() -> None:
    run = run_example(CODE)
    assert run.result("A").total == D("87.50")
    assert run.result("B").total == D("66.67")


def test_shared_score_for_several_crews() -> None:
    # 多班组作业车辆维修质量CS评分共享: both crews on the job count the same q3 (75);
    # crew 1 also had a 100 car, crew 2 a complaint (0).
    data = {
        "period": "2026-03",
        "employees": [
            {"id": "C1", "values": {"workshop_cs_index": mean([75, 100])}},
            {"id": "C2", "values": {"workshop_cs_index": mean([75, 0])}},
        ],
    }
    run = score(load_builtin(CODE), data)
    assert run.result("C1").total == D("87.50")
    assert run.result("C2").total == D("37.50")


def test_no_successful_callback() -> None:
    r = score(load_builtin(CODE), one({})).result("X")
    assert r.total == D("0.00")
    assert r.flags == [
        "cs.repair_quality: no data -> excluded",
        "cs: every item excluded, section scores 0",
    ]
