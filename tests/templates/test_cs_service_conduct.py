"""员工对客服务考核表 (cs-service-conduct, schemes.md §3.14): the catalogue's examples."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from csperf.scoring import score
from csperf.templates import load_builtin

from .helpers import contributions, run_example

CODE = "cs-service-conduct"
ITEMS = [
    "service_attitude",
    "professional_level",
    "problem_solving",
    "teamwork",
    "customer_satisfaction",
]


def employee(emp_id: str, marks: list[float | int | str]) -> dict:
    return {
        "id": emp_id,
        "ratings": {c: {"supervisor": D(str(m))} for c, m in zip(ITEMS, marks, strict=True)},
    }


def run_of(*employees: dict):
    return score(load_builtin(CODE), {"period": "2026-Q1", "employees": list(employees)})


def test_template_shape() -> None:
    t = load_builtin(CODE)
    assert (t.code, t.version, t.period, t.name) == (CODE, 1, "quarter", "员工对客服务考核表")
    assert t.positions == ["对客服务员工"]
    assert [(s.code, s.kind, s.full) for s in t.sections] == [("service", "base", D(50))]
    assert [(i.code, i.points, i.rule.type) for _, i in t.items] == [
        (c, D(10), "manual") for c in ITEMS
    ]
    assert all(i.effective_raters.roles == ["supervisor"] for _, i in t.items)
    assert [(g.gte, g.grade) for g in t.grades] == [
        (D(45), "优秀"),
        (D(35), "良好"),
        (D(30), "合格"),
        (None, "待提升"),
    ]
    assert t.ranking is not None and t.ranking.group == "all"
    assert t.ranking.top is None and t.ranking.bottom is None
    assert t.pay is None and not t.alerts


def test_examples_a_and_b() -> None:
    run = run_of(employee("A", ["9.5", 9, 9, "8.5", 9]), employee("B", [6, 5, 6, 7, 5]))
    a, b = run.result("A"), run.result("B")
    assert contributions(run, "A") == dict(
        zip(ITEMS, [D("9.5"), D(9), D(9), D("8.5"), D(9)], strict=True)
    )
    assert (a.total, a.grade, a.rank, a.rank_from_bottom, a.rank_label) == (
        D("45.00"),
        "优秀",
        1,
        2,
        None,
    )
    assert (b.total, b.grade, b.rank, b.rank_from_bottom, b.rank_label) == (
        D("29.00"),
        "待提升",
        2,
        1,
        None,
    )
    assert a.flags == b.flags == []
    assert a.pay is None and a.alerts == []


def test_example_file() -> None:
    run = run_example(CODE)
    assert [(r.id, r.total, r.grade, r.rank) for r in run.results] == [
        ("A", D("45.00"), "优秀", 1),
        ("B", D("29.00"), "待提升", 2),
    ]


@pytest.mark.parametrize(
    ("marks", "total", "grade"),
    [
        ([9, 9, 9, 9, 9], "45.00", "优秀"),  # 45 is ≥ 45
        ([9, 9, 9, 9, "8.99"], "44.99", "良好"),
        ([7, 7, 7, 7, 7], "35.00", "良好"),  # 35 is ≥ 35
        ([7, 7, 7, 7, "6.99"], "34.99", "合格"),
        ([6, 6, 6, 6, 6], "30.00", "合格"),  # 30 is ≥ 30
        ([6, 6, 6, 6, "5.99"], "29.99", "待提升"),
    ],
)
def test_grade_boundaries(marks: list, total: str, grade: str) -> None:
    r = run_of(employee("X", marks)).result("X")
    assert (r.total, r.grade) == (D(total), grade)


def test_ties_share_a_rank() -> None:
    run = run_of(
        employee("P", [8, 8, 8, 8, 8]),
        employee("Q", [8, 8, 8, 8, 8]),
        employee("R", [5, 5, 5, 5, 5]),
    )
    assert [(r.id, r.rank, r.rank_from_bottom) for r in run.results] == [
        ("P", 1, 2),
        ("Q", 1, 2),
        ("R", 3, 1),
    ]
