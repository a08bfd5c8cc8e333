"""铁苑花园二期客服部考核细则 (property-tieyuan-cs): schemes.md §3.25, worked examples by hand.

A pure deduction card: each breach costs its points per occurrence, no cap; the total is minus the
points deducted and the pay (1000 x total / 100) is the fine, −10 元 per point.
"""

from __future__ import annotations

import re
from decimal import Decimal as D
from pathlib import Path

import pytest

from csperf.scoring import ScoreRun, score
from csperf.scoring.loader import parse_document
from csperf.templates import builtin_path, load_builtin

from .helpers import contributions, run_example

CODE = "property-tieyuan-cs"
SEEDS = Path("/work/shared/seeds")

# item code -> (points per occurrence, input name), in the source's order (breach 12 split in two)
ITEMS = {
    "late_early_5plus": (1, "late_early_5plus_or_no_clock"),
    "unrelated_work": (2, "unrelated_work"),
    "dress_badge": (1, "dress_badge"),
    "quarrel": (10, "customer_quarrels"),
    "smile_service": (2, "smile_service"),
    "training": (2, "training_misses"),
    "complaint_followup": (2, "complaint_followups_missed"),
    "leave_form": (2, "leave_form_missing"),
    "complaint_form": (2, "complaint_form_missing"),
    "own_error_complaint": (5, "own_error_complaints"),
    "parcel_check": (1, "parcel_unverified"),
    "notify_followup": (2, "notify_followup_missed"),
    "notify_complaint": (5, "notify_followup_complaints"),
    "fee_record": (3, "fee_record_incomplete"),
    "key_loan": (2, "key_loan_unrecorded"),
    "phone_answer": (2, "phone_answer_late"),
    "phone_record": (2, "phone_record_missing"),
}


def run_of(*employees: dict) -> ScoreRun:
    return score(load_builtin(CODE), {"period": "2026-03", "employees": list(employees)})


@pytest.fixture(scope="module")
def run() -> ScoreRun:
    return run_example(CODE)


def test_template_shape() -> None:
    t = load_builtin(CODE)
    assert (t.code, t.version, t.period) == (CODE, 1, "month")
    assert t.positions == ["物业客服员(扣分罚款制)"]
    [section] = t.sections
    assert (section.code, section.kind, section.full) == ("deductions", "deduction", D(46))
    assert {i.code: (i.points, i.value) for i in section.items} == {
        code: (D(pts), name) for code, (pts, name) in ITEMS.items()
    }
    assert [i.code for i in section.items] == list(ITEMS)
    assert t.total.min == D(-1000) and t.total.max is None
    assert t.pay.mode == "proportional" and t.pay.base == D(1000)


def test_example_a(run: ScoreRun) -> None:
    # 2 late >= 5 min -> 2; 1 smile_service -> 2; 1 phone_record -> 2 -> -6, fine 60 元
    c = contributions(run, "A")
    assert {k: v for k, v in c.items() if v} == {
        "late_early_5plus": D(2),
        "smile_service": D(2),
        "phone_record": D(2),
    }
    assert all(
        v == 0
        for k, v in c.items()
        if k not in {"late_early_5plus", "smile_service", "phone_record"}
    )
    r = run.result("A")
    assert r.sections[0].score == D(6)
    assert r.total == D("-6.00")
    assert r.pay == D("-60.00")
    assert r.flags == []


def test_example_b(run: ScoreRun) -> None:
    # 1 quarrel 10; 1 own-error complaint 5; 2 fee records 6; 1 notify 2; 1 notify with complaint 5 -> -28
    c = contributions(run, "B")
    assert {k: v for k, v in c.items() if v} == {
        "quarrel": D(10),
        "own_error_complaint": D(5),
        "fee_record": D(6),
        "notify_followup": D(2),
        "notify_complaint": D(5),
    }
    r = run.result("B")
    assert r.total == D("-28.00")
    assert r.pay == D("-280.00")


def test_clean_month_and_no_cap() -> None:
    everything = {name: 3 for _, name in ITEMS.values()}
    r = run_of(
        {"id": "C", "values": {}},
        {"id": "X", "values": everything},
        {"id": "Q", "values": {"customer_quarrels": 7}},
    )
    assert (r.result("C").total, r.result("C").pay) == (D("0.00"), D("0.00"))
    # every breach 3 times: 3 x 46 = 138 points, far beyond the section's display full of 46
    assert r.result("X").total == D("-138.00")
    assert r.result("X").pay == D("-1380.00")
    # 7 quarrels x 10 = 70: not capped at the item's 10
    assert r.result("Q").item("quarrel").contribution == D(70)
    assert r.result("Q").total == D("-70.00")


def _sources(node):
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "x-source":
                yield from (v if isinstance(v, list) else [v])
            else:
                yield from _sources(v)
    elif isinstance(node, list):
        for v in node:
            yield from _sources(v)


def test_every_item_cites_its_source_verbatim() -> None:
    data = parse_document(builtin_path(CODE).read_text(encoding="utf-8")).data
    items = [i for s in data["sections"] for i in s["items"]]
    assert all("x-source" in i for i in items)
    assert all(i["x-unit"] == "count" for i in items)
    assert all(i["rule"]["max"] == "none" for i in items)
    squash = lambda s: re.sub(r"\s+", " ", s).strip()  # noqa: E731
    quotes = list(_sources(data))
    assert len(quotes) >= 17
    for q in quotes:
        if not (SEEDS / q["file"]).is_file():
            pytest.skip("seed documents not available")
        assert len(q["quote"]) <= 120
        assert squash(q["quote"]) in squash((SEEDS / q["file"]).read_text(encoding="utf-8")), q[
            "quote"
        ]
