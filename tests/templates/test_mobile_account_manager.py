"""中国移动客服部呼叫中心电话经理绩效考核表 (mobile-account-manager, schemes.md §3.11)."""

from __future__ import annotations

import re
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from csperf.scoring import score
from csperf.templates import builtin_path, load_builtin

from .helpers import contributions, example_input

CODE = "mobile-account-manager"
SEEDS = Path("/work/shared/seeds")
MIN_QUOTES = 20

KPI = [
    ("retention", D(12), "retention_rate"),
    ("churn", D(8), "churn_rate"),
    ("bundle", D(20), "bundle_rate"),
    ("personal_retention", D(2), "personal_retention_rate"),
    ("personal_churn", D(2), "personal_churn_rate"),
    ("personal_bundle", D(4), "personal_bundle_rate"),
    ("satisfaction", D(8), "csat_top2"),
    ("personal_awareness", D(2), "personal_awareness_rate"),
    ("personal_satisfaction", D(2), "personal_satisfaction_rate"),
    ("second_contact", D(8), "second_contact_rate"),
    ("supervision_test", D("2.5"), "supervision_test_score"),
    ("skill_certification", D("2.5"), "skill_certification_pass_rate"),
    ("dispatch_callback", D(4), "callback_rate"),
    ("warning_handling", D(4), "warning_handling_rate"),
    ("recording_review", D(3), "recordings_per_member"),
    ("problem_recording", D(2), "problem_recording_share"),
    ("info_collection", D(2), "info_collected_per_day"),
]


def values_a() -> dict[str, Any]:
    return {
        "retention_rate": D("0.968"),
        "churn_rate": D("0.018"),
        "bundle_rate": D("0.43"),
        "personal_retention_rate": D("0.975"),
        "personal_churn_rate": D("0.012"),
        "personal_bundle_rate": D("0.455"),
        "csat_top2": D("0.755"),
        "personal_awareness_rate": D("0.82"),
        "personal_satisfaction_rate": D("0.74"),
        "second_contact_rate": D("0.80"),
        "supervision_test_score": 86,
        "skill_certification_pass_rate": D("0.88"),
        "callback_rate": D("0.92"),
        "warning_handling_rate": D("0.68"),
        "warnings_per_member": D("28.5"),
        "recordings_per_member": D("9.5"),
        "problem_recording_share": D("0.45"),
        "info_collected_per_day": D("1.1"),
        "articles_published": {"city": 1, "province": 1},
    }


def values_b() -> dict[str, Any]:
    return {
        "retention_rate": D("0.97"),
        "churn_rate": D("0.015"),
        "bundle_rate": D("0.45"),
        "personal_retention_rate": D("0.97"),
        "personal_churn_rate": D("0.015"),
        "personal_bundle_rate": D("0.45"),
        "csat_top2": D("0.76"),
        "personal_awareness_rate": D("0.80"),
        "personal_satisfaction_rate": D("0.76"),
        "second_contact_rate": D("0.78"),
        "supervision_test_score": 79,
        "skill_certification_pass_rate": D("0.95"),
        "callback_rate": D("0.90"),
        "warning_handling_rate": D("0.70"),
        "warnings_per_member": 30,
        "recordings_per_member": 10,
        "problem_recording_share": D("0.39"),
        "info_collected_per_day": D("0.9"),
    }


RATINGS_A = {
    "responsibility": {"self": 5, "supervisor": 3, "reviewer": 4},
    "initiative": {"self": 4, "supervisor": 3},
    "customer_focus": {"self": 3},
    "teamwork": {"self": 4, "supervisor": 4, "reviewer": 3},
}
RATINGS_B = {
    "responsibility": {"reviewer": 3},
    "initiative": {"reviewer": 2},
    "customer_focus": {"reviewer": 2},
    "teamwork": {"reviewer": 2},
}


def run_one(values: dict[str, Any], ratings: dict[str, Any] | None = None, period: str = "2026-03"):
    emp = {"id": "X", "values": values, "ratings": ratings if ratings is not None else RATINGS_B}
    run = score(load_builtin(CODE), {"period": period, "employees": [emp]})
    return run.result("X"), contributions(run, "X")


def test_shape() -> None:
    t = load_builtin(CODE)
    assert (t.code, t.version, t.period, t.period_start_day) == (CODE, 2, "month", 1)
    assert t.positions == ["电话经理", "客户经理"]
    assert t.name == "中国移动客服部呼叫中心电话经理绩效考核表"
    assert [(s.code, s.kind, s.points) for s in t.sections] == [
        ("kpi", "base", D(88)),
        ("behaviour", "base", D(12)),
        ("contributions", "bonus", D(2)),
    ]
    assert [(i.code, i.points, i.value) for i in t.sections[0].items] == KPI
    for item in t.sections[1].items:
        assert item.points == D(3)
        assert item.raters.order == ("self", "supervisor", "reviewer")
    assert [[(lv.level, lv.score) for lv in i.rule.levels] for i in t.sections[1].items] == [
        [(1, D(1)), (2, D("1.5")), (3, D(2)), (4, D("2.5")), (5, D(3))],
        [(1, D(1)), (2, D(2)), (3, D("2.5")), (4, D(3))],
        [(1, D(1)), (2, D(2)), (3, D("2.5")), (4, D(3))],
        [(1, D(1)), (2, D(2)), (3, D("2.5")), (4, D(3))],
    ]
    articles = t.item("articles").rule
    assert (articles.per, articles.max) == ({"city": D(1), "province": D(2)}, "none")
    for code in (
        "retention",
        "churn",
        "bundle",
        "satisfaction",
        "second_contact",
        "recording_review",
    ):
        assert t.item(code).rule.rounding == "ceil"
    # year-less targets, no default (G1)
    for code in ("retention", "bundle", "satisfaction", "personal_awareness", "second_contact"):
        assert t.item(code).rule.target.default is None
        assert t.item(code).rule.target.entries == ()
    assert t.grades == [] and t.ranking is None and t.pay is None and t.alerts == []
    units = {n: x.unit for n, x in t.input_specs().items()}
    assert units["warnings_per_member"] == "mean"
    assert units["recordings_per_member"] == units["info_collected_per_day"] == "mean"
    assert units["retention_rate"] == units["personal_retention_rate"] == "share"
    assert units["csat_top2"] == units["bundle_rate"] == "share"
    assert units["articles_published"] == "count"
    assert t.input_specs()["supervision_test_score"].range == (D(0), D(100))


def test_example_a() -> None:
    r, c = run_one(values_a(), RATINGS_A)
    assert c == {
        "retention": D(9),  # 0.968 vs 0.97: 0.4 step -> ceil 1 x 3
        "churn": D(4),  # 0.018: 0.6 step over -> 1 x 4
        "bundle": D(14),  # 0.43 vs 0.45: 2 steps x 3
        "personal_retention": D(2),
        "personal_churn": D(2),
        "personal_bundle": D(4),
        "satisfaction": D(6),  # 0.755 vs Q1 0.76: 0.5 -> 1 step x 2
        "personal_awareness": D(2),  # 0.82 >= Q1 0.80
        "personal_satisfaction": D(0),  # 0.74 vs 0.76: 2 steps x 1
        "second_contact": D(8),  # 0.80 >= H1 0.78
        "supervision_test": D("1.5"),  # 86: 2.5 x 6/10
        "skill_certification": D("1.5"),  # 0.07 / 0.05 = 1.4 -> 2 steps x 0.5
        "dispatch_callback": D(4),
        "warning_handling": D(1),  # 4 - 2 - 0.5 x 2
        "recording_review": D(2),  # 9.5: 0.5 -> 1 step
        "problem_recording": D(2),
        "info_collection": D(2),
        "responsibility": D("2.5"),  # reviewer level 4
        "initiative": D("2.5"),  # supervisor level 3
        "customer_focus": D("2.5"),  # self level 3
        "teamwork": D("2.5"),  # reviewer level 3
        "articles": D(3),  # city 1 + province 2
    }
    assert [s.score for s in r.sections] == [D(65), D(10), D(3)]
    assert r.total == D("78.00")
    assert r.grade is None and r.flags == []


def test_example_b() -> None:
    r, c = run_one(values_b(), RATINGS_B)
    assert [s.score for s in r.sections] == [D("81.5"), D(8), D(0)]
    assert (c["supervision_test"], c["skill_certification"], c["warning_handling"]) == (
        D(0),
        D("2.5"),
        D(4),
    )
    assert (c["recording_review"], c["problem_recording"], c["info_collection"]) == (
        D(3),
        D(0),
        D(0),
    )
    assert [c[k] for k in ("responsibility", "initiative", "customer_focus", "teamwork")] == [
        D(2),
        D(2),
        D(2),
        D(2),
    ]
    assert r.total == D("89.50")
    assert r.flags == []


def test_example_file_holds_a_and_b() -> None:
    run = score(load_builtin(CODE), example_input(CODE))
    assert [(x.id, x.total) for x in run.results] == [("A", D("78.00")), ("B", D("89.50"))]


@pytest.mark.parametrize(
    ("period", "retention", "bundle", "satisfaction", "awareness", "second_contact"),
    [
        ("2026-01", "0.99", "0.40", "0.76", "0.80", "0.78"),
        ("2026-02", "0.98", "0.40", "0.76", "0.80", "0.78"),
        ("2026-05", "0.95", "0.45", "0.78", "0.85", "0.78"),
        ("2026-06", "0.94", "0.45", "0.78", "0.85", "0.78"),
        ("2026-07", "0.925", "0.45", "0.80", "0.90", "0.88"),
        ("2026-12", "0.85", "0.45", "0.80", "0.90", "0.88"),
        ("2027-03", "0.97", "0.45", "0.76", "0.80", "0.78"),  # year-less keys: every year
        ("2025-09", "0.895", "0.45", "0.80", "0.90", "0.88"),
    ],
)
def test_targets_by_month_quarter_half(
    period, retention, bundle, satisfaction, awareness, second_contact
):
    run = score(
        load_builtin(CODE),
        {"period": period, "employees": [{"id": "X", "values": values_b(), "ratings": RATINGS_B}]},
    )
    targets = {i.code: i.target for s in run.result("X").sections for i in s.items}
    assert targets["retention"] == targets["personal_retention"] == D(retention)
    assert targets["bundle"] == targets["personal_bundle"] == D(bundle)
    assert targets["satisfaction"] == targets["personal_satisfaction"] == D(satisfaction)
    assert targets["personal_awareness"] == D(awareness)
    assert targets["second_contact"] == D(second_contact)


@pytest.mark.parametrize(
    ("name", "value", "code", "expected"),
    [
        ("retention_rate", D("0.965"), "retention", D(9)),  # exactly one 0.5% step
        ("retention_rate", D("0.9649"), "retention", D(6)),  # a hair more: two steps
        ("retention_rate", D("0.90"), "retention", D(0)),  # 14 steps: 扣完为止
        ("retention_rate", D("1.00"), "retention", D(12)),
        ("churn_rate", D("0.02"), "churn", D(4)),
        ("churn_rate", D("0.0201"), "churn", D(0)),
        ("bundle_rate", D("0.449"), "bundle", D(17)),  # 0.1% short counts as one step
        ("personal_churn_rate", D("0.016"), "personal_churn", D("1.5")),
        ("supervision_test_score", 90, "supervision_test", D("2.5")),
        ("supervision_test_score", 80, "supervision_test", D(0)),
        ("supervision_test_score", 85, "supervision_test", D("1.25")),
        ("skill_certification_pass_rate", D("0.90"), "skill_certification", D(2)),
        ("problem_recording_share", D("0.40"), "problem_recording", D(2)),  # 40%以上 includes 40%
        ("info_collected_per_day", 1, "info_collection", D(2)),
        ("recordings_per_member", 7, "recording_review", D(0)),
        ("callback_rate", D("0.895"), "dispatch_callback", D(3)),
    ],
)
def test_boundaries(name: str, value: Any, code: str, expected: D) -> None:
    values = values_b()
    values[name] = value
    _, c = run_one(values)
    assert c[code] == expected


@pytest.mark.parametrize(
    ("rate", "per_member", "expected"),
    [
        (D("0.70"), 30, D(4)),
        (D("0.695"), 30, D(3)),  # 0.5% short -> one step
        (D("0.70"), D("29.5"), D("3.5")),  # half a warning short -> one step of 0.5
        (D("0.60"), 20, D(0)),  # 4 - 10 - 5 -> floored at 0
        (D("0.95"), 45, D(4)),  # nothing added above the requirement
    ],
)
def test_warning_handling(rate: D, per_member: Any, expected: D) -> None:
    values = values_b()
    values["warning_handling_rate"], values["warnings_per_member"] = rate, per_member
    _, c = run_one(values)
    assert c["warning_handling"] == expected


def test_a_share_above_one_is_flagged_not_scored() -> None:
    values = values_b()
    values["retention_rate"] = D("1.01")  # held year-start customers cannot exceed the base
    r, c = run_one(values)
    assert c["retention"] is None
    assert "retention_rate: 1.01 is outside 0–1 (share); not scored" in r.flags


def test_articles_are_uncapped() -> None:
    values = values_b()
    values["articles_published"] = {"city": 5, "province": 3}
    r, c = run_one(values)
    assert c["articles"] == D(11)
    assert r.total == D("100.50")  # 89.5 + 11: the bonus may lift the total above 100


# -- sources ----------------------------------------------------------------------------------


def _collapse(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def _walk(node: Any, path: str = ""):
    if isinstance(node, dict):
        yield path, node
        for k, v in node.items():
            yield from _walk(v, f"{path}.{k}")
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _walk(v, f"{path}[{i}]")


def _raw() -> Any:
    return YAML(typ="safe").load(builtin_path(CODE).read_text(encoding="utf-8"))


def test_every_item_has_a_source_or_choice_and_a_unit() -> None:
    raw = _raw()
    for s in raw["sections"]:
        for item in s["items"]:
            assert "x-source" in item or "x-choice" in item, item["code"]
            if "value" in item:
                assert "x-unit" in item, item["code"]


def test_every_input_has_a_unit() -> None:
    t = load_builtin(CODE)
    assert t.value_names() <= set(t.input_specs())


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the seed documents are not on this machine")
def test_quotes_are_verbatim() -> None:
    seeds: dict[str, str] = {}
    found = 0
    for path, node in _walk(_raw()):
        src = node.get("x-source")
        if src is None:
            continue
        for s in src if isinstance(src, list) else [src]:
            name = s["file"]
            if name not in seeds:
                seeds[name] = _collapse((SEEDS / name).read_text(encoding="utf-8"))
            assert len(s["quote"]) <= 120, path
            assert _collapse(s["quote"]) in seeds[name], f"{path}: {s['quote']}"
            found += 1
    assert found >= MIN_QUOTES
