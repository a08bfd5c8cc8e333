"""呼叫中心质检员月度绩效考核表 (callcenter-qc-inspector-monthly): schemes.md §3.3, examples A and B."""

from __future__ import annotations

import re
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pytest

from csperf.scoring import ScoreRun, score
from csperf.templates import builtin_path, load_builtin

from .helpers import frac, q20, run_example

CODE = "callcenter-qc-inspector-monthly"
SEEDS = Path("/work/shared/seeds")

# every indicator exactly at its 确保值
AT_FLOOR = {
    "first_contact_resolution": D("0.80"),
    "answer_rate": D("0.80"),
    "qc_score_mean": 80,
    "qc_consistency": D("0.95"),
    "tp_test_communication": D("8.5"),
    "tp_test_service": D("8.5"),
    "tp_test_online": D("8.5"),
    "tp_test_marketing": D("8.5"),
    "group_test_online": 9,
    "group_test_marketing": 9,
    "test_call_count": 200,
    "qc_count": 500,
}
DAILY_FULL = {"training_attendance": {"supervisor": 10}, "work_on_time": {"supervisor": 10}}


@pytest.fixture(scope="module")
def run() -> ScoreRun:
    return run_example(CODE)


def one(values: dict[str, Any], ratings: dict[str, Any] | None = None) -> Any:
    emp = {"id": "X", "values": values, "ratings": DAILY_FULL if ratings is None else ratings}
    return score(load_builtin(CODE), {"period": "2026-03", "employees": [emp]}).result("X")


def test_template_shape() -> None:
    t = load_builtin(CODE)
    assert (t.code, t.version, t.period) == (CODE, 2, "month")
    assert t.positions == ["质检员"]
    assert [(s.code, s.kind, s.full) for s in t.sections] == [
        ("indicators", "base", D(80)),
        ("daily", "base", D(20)),
        ("bonus", "bonus", D(13)),
        ("deduction", "deduction", D(1)),
    ]
    assert [(i.code, i.value, i.points) for _, i in t.items] == [
        ("fcr", "first_contact_resolution", D(5)),
        ("normal_answer_rate", "answer_rate", D(5)),
        ("controlled_qc_score", "qc_score_mean", D(15)),
        ("qc_consistency", "qc_consistency", D(15)),
        ("third_party_test_call_communication", "tp_test_communication", D("2.5")),
        ("third_party_test_call_service", "tp_test_service", D("2.5")),
        ("third_party_test_call_online", "tp_test_online", D("2.5")),
        ("third_party_test_call_marketing", "tp_test_marketing", D("2.5")),
        ("group_test_call_online", "group_test_online", D(5)),
        ("group_test_call_marketing", "group_test_marketing", D(5)),
        ("test_call_count", "test_call_count", D(10)),
        ("qc_count", "qc_count", D(10)),
        ("training_attendance", None, D(10)),
        ("work_on_time", None, D(10)),
        ("test_call_exceeded", "test_call_items_exceeded", D(7)),
        ("qc_score_met", "qc_score_mean", D(1)),
        ("qc_consistency_met", "qc_consistency", D(1)),
        ("suggestions", "suggestions_submitted", D(1)),
        ("diligence", None, D(1)),
        ("special_praise", "special_praise", D(2)),
        ("conduct_violations", "conduct_violations", D(1)),
    ]
    # no section caps, no caps on the uncapped per-count rules (G8)
    assert all(s.max is None for s in t.sections)
    assert t.item("suggestions").rule.max in (None, "none")
    assert t.item("special_praise").rule.max in (None, "none")
    assert t.item("conduct_violations").rule.max in (None, "none")
    assert t.item("test_call_exceeded").rule.max == 7
    assert t.item("conduct_violations").rule.per == {
        "room_discipline": D(1),
        "reporting": D(1),
        "dress_lodging": D(1),
    }
    assert t.total.veto == [] and t.grades == [] and t.ranking is None
    assert t.pay is None and t.alerts == []


def test_every_item_cites_its_source_and_unit() -> None:
    t = load_builtin(CODE)
    for _, i in t.items:
        assert "x-source" in i.extensions, i.code
        if i.value is not None:
            assert i.extensions["x-unit"] in ("share", "score", "count"), i.code
    assert t.item("controlled_qc_score").extensions["x-range"] == [0, 100]
    assert t.item("group_test_call_online").extensions["x-range"] == [0, 10]


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the source documents are not on this machine")
def test_quotes_are_verbatim() -> None:
    text = builtin_path(CODE).read_text(encoding="utf-8")
    quotes = re.findall(r'file: (\S+?), quote: "([^"]+)"', text)
    assert len(quotes) >= 22
    for file, quote in quotes:
        seed = re.sub(r"\s+", " ", (SEEDS / file).read_text(encoding="utf-8"))
        assert re.sub(r"\s+", " ", quote) in seed, quote


def test_example_a(run: ScoreRun) -> None:
    r = run.result("A")
    scores = {i.code: i.score for s in r.sections for i in s.items}
    assert scores == {
        "fcr": D(5),  # 0.82 >= 0.80
        "normal_answer_rate": D(5),  # 0.85
        "controlled_qc_score": D(15),  # 83
        "qc_consistency": D(15),  # 0.96
        "third_party_test_call_communication": D("2.5"),  # 8.7
        "third_party_test_call_service": D("2.5"),  # 8.6
        "third_party_test_call_online": D(0),  # 8.4 < 8.5
        "third_party_test_call_marketing": D("2.5"),  # 8.9
        "group_test_call_online": D(5),  # 9.1
        "group_test_call_marketing": D(0),  # 8.8 < 9
        "test_call_count": D(10),  # 210
        "qc_count": D(0),  # 480 < 500
        "training_attendance": D(9),
        "work_on_time": D(8),
        "test_call_exceeded": D(5),  # 3 第三方 + 1 集团 + 拨测量
        "qc_score_met": D(1),
        "qc_consistency_met": D(1),
        "suggestions": D(1),
        "diligence": None,  # not rated: excluded
        "special_praise": D(0),  # absent count = 0
        "conduct_violations": D(1),  # dress_lodging 1
    }
    assert [s.score for s in r.sections] == [D("62.5"), D(17), D(8), D(1)]
    assert r.total == D("86.50")  # 62.5 + 17 + 8 - 1
    assert r.flags == ["bonus.diligence: no rating -> excluded"]
    assert r.grade is None and r.pay is None and r.rank is None and r.alerts == []


def test_example_b(run: ScoreRun) -> None:
    r = run.result("B")
    c = {i.code: i.score for s in r.sections for i in s.items}
    assert c["fcr"] == D(0)  # 0.78
    assert c["normal_answer_rate"] == D(5)  # 0.80 is >= 0.80
    assert c["controlled_qc_score"] == D(0)  # 79.9
    assert c["qc_consistency"] == D(15)  # 0.95 is >= 0.95
    assert [c[k] for k in c if k.startswith("third_party")] == [D("2.5")] * 4  # 8.5 each
    assert c["group_test_call_online"] is None and c["group_test_call_marketing"] is None
    assert c["test_call_count"] == D(10) and c["qc_count"] == D(10)
    # present 70 of 80 points, 50 scored -> 50 x 80/70
    assert q20(r.sections[0].score) == frac(50 * 80, 70)
    assert r.sections[1].score == D(20)
    assert c["test_call_exceeded"] == D(0)
    assert c["qc_score_met"] == D(0)  # 79.9 < 80
    assert c["qc_consistency_met"] == D(1)
    assert c["diligence"] == D(1)
    assert c["special_praise"] == D(2)
    assert r.sections[2].score == D(4)
    assert r.sections[3].score == D(2)  # room_discipline 2
    assert r.total == D("79.14")  # 57.142857 + 20 + 4 - 2
    assert r.flags == [
        "indicators.group_test_call_online: no data -> excluded",
        "indicators.group_test_call_marketing: no data -> excluded",
    ]


def test_every_floor_is_inclusive() -> None:
    r = one(AT_FLOOR)
    assert r.sections[0].score == D(80)
    assert r.sections[2].score == D(2)  # 质检成绩 80 and 吻合度 0.95 达标; nothing exceeded
    assert r.total == D("102.00")


def test_just_below_every_floor() -> None:
    below = {
        "first_contact_resolution": D("0.7999"),
        "answer_rate": D("0.7999"),
        "qc_score_mean": D("79.99"),
        "qc_consistency": D("0.9499"),
        "tp_test_communication": D("8.49"),
        "tp_test_service": D("8.49"),
        "tp_test_online": D("8.49"),
        "tp_test_marketing": D("8.49"),
        "group_test_online": D("8.99"),
        "group_test_marketing": D("8.99"),
        "test_call_count": 199,
        "qc_count": 499,
    }
    r = one(below)
    assert r.sections[0].score == D(0)
    assert r.sections[2].score == D(0)
    assert r.total == D("20.00")


def test_bonus_and_deduction_are_uncapped() -> None:
    values = {
        **AT_FLOOR,
        "test_call_items_exceeded": 7,
        "suggestions_submitted": 4,
        "special_praise": 3,
        "conduct_violations": {"room_discipline": 1, "reporting": 2, "dress_lodging": 3},
    }
    ratings = {**DAILY_FULL, "diligence": {"supervisor": 1}}
    r = one(values, ratings)
    # 7 + 1 + 1 + 4 + 1 + 6 = 20 (above the 13 points of the items); 6 deducted
    assert r.sections[2].score == D(20)
    assert r.sections[3].score == D(6)
    assert r.total == D("114.00")  # 80 + 20 + 20 - 6


def test_total_does_not_go_below_zero() -> None:
    r = one({"conduct_violations": {"reporting": 30}}, {})
    assert r.total == D("0.00")
