"""移动电话经理月度考核表 (mobile-account-manager): the example, worked out by hand."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from csperf.scoring import ScoreRun, score
from csperf.templates import load_builtin

from .helpers import contributions, q2, run_example

CODE = "mobile-account-manager"
D = Decimal

# Targets for 2026-03: retention 0.97 (Jan 0.99, Feb 0.98, Mar 0.97), churn <= 0.015,
# bundle 0.45 (default after February), satisfaction 0.76 (2026-Q1).


@pytest.fixture(scope="module")
def run() -> ScoreRun:
    return run_example(CODE)


def test_template_metadata() -> None:
    t = load_builtin(CODE)
    assert t.positions == ["电话经理", "客户经理"]
    assert [(s.code, s.full) for s in t.sections] == [
        ("kpi", D(88)),
        ("behaviour", D(12)),
        ("contributions", D(3)),
    ]


def test_m001(run: ScoreRun) -> None:
    assert contributions(run, "M001") == {
        # 0.972 >= 0.97 -> 20
        "retention": D(20),
        # 0.012 <= 0.015 -> 15
        "churn": D(15),
        # 0.46 >= 0.45 -> 15
        "bundle": D(15),
        # 0.80 >= 0.76 -> 10
        "satisfaction": D(10),
        # 92 >= 90 -> 10
        "supervision_test": D(10),
        # 1 / 1 x 5 = 5
        "skill_certification": D(5),
        # 0.98 / 1 x 4 = 3.92
        "dispatch_callback": D("3.92"),
        # 1 >= 1 -> 3
        "warning_handling": D(3),
        # 91 >= 90 -> 3
        "recording_review": D(3),
        # 30 / 30 x 3 = 3
        "info_collection": D(3),
        # the last rater decides: reviewer L5 = 3
        "service_attitude": D(3),
        # no reviewer: supervisor L4 = 2.5
        "teamwork": D("2.5"),
        # self only: L5 = 3
        "learning": D(3),
        # reviewer L4 = 2.5 (overrides self and supervisor L5)
        "discipline": D("2.5"),
        # 4 articles x 1 = 4 -> capped at 3
        "articles": D(3),
    }
    r = run.result("M001")
    # 87.92 + 11 + 3 = 101.92 -> 优秀
    assert r.total == D("101.92")
    assert r.grade == "优秀"
    assert r.item("retention").target == D("0.97")
    assert r.item("bundle").target == D("0.45")
    assert r.item("satisfaction").target == D("0.76")


def test_m002_steps_round_up(run: ScoreRun) -> None:
    assert contributions(run, "M002") == {
        # 0.97 - 0.958 = 0.012 = 2.4 steps of 0.5%, ceil -> 3 x 3 = 9 -> 11
        "retention": D(11),
        # 0.021 - 0.015 = 0.006 = 1.2 steps, ceil -> 2 x 4 = 8 -> 7
        "churn": D(7),
        # 0.45 - 0.43 = 0.02 = 2 steps x 3 = 6 -> 9
        "bundle": D(9),
        # 0.76 - 0.745 = 0.015 = 1.5 steps, ceil -> 2 x 2 = 4 -> 6
        "satisfaction": D(6),
        # 85 between 80 (0) and 90 (10) -> 5
        "supervision_test": D(5),
        # 0.5 x 5 = 2.5
        "skill_certification": D("2.5"),
        # 0.9 x 4 = 3.6
        "dispatch_callback": D("3.6"),
        # 0.95 >= 0.90 -> 2
        "warning_handling": D(2),
        # 78 >= 70 -> 1
        "recording_review": D(1),
        # 24 / 30 = 0.8 x 3 = 2.4
        "info_collection": D("2.4"),
        # supervisor L3 = 2
        "service_attitude": D(2),
        # reviewer L3 = 2
        "teamwork": D(2),
        # supervisor L2 = 1.5
        "learning": D("1.5"),
        "discipline": D(2),
        "articles": D(0),
    }
    r = run.result("M002")
    # 11 + 7 + 9 + 6 + 5 + 2.5 + 3.6 + 2 + 1 + 2.4 = 49.5; + 7.5 = 57 -> 不称职
    assert r.sections[0].score == D("49.5")
    assert r.total == D("57.00")
    assert r.grade == "不称职"


def test_m003_boundaries_and_missing_test(run: ScoreRun) -> None:
    r = run.result("M003")
    c = contributions(run, "M003")
    # no supervision test this month -> excluded; the other 78 points scaled x 88/78
    assert c["supervision_test"] is None
    assert r.flags == ["kpi.supervision_test: no data -> excluded"]
    scores = {i.code: i.score for i in r.sections[0].items}
    assert scores == {
        "retention": D(20),  # 0.97 = target -> 20
        "churn": D(15),  # 0.015 = target -> 15
        "bundle": D(0),  # 0.45 - 0.30 = 15 steps x 3 = 45 -> 扣完为止 0
        "satisfaction": D(10),  # 0.76 = target -> 10
        "supervision_test": None,
        "skill_certification": D(5),
        "dispatch_callback": D(4),
        "warning_handling": D(1),  # 0.8 >= 0.80 -> 1
        "recording_review": D(2),  # 80 >= 80 -> 2
        "info_collection": D(3),  # 33 / 30 = 1.1, capped at 1 -> 3
    }
    # 20 x 88/78 = 22.56; 15 x 88/78 = 16.92; 10 x 88/78 = 11.28; 5 x 88/78 = 5.64
    assert q2(c["retention"]) == D("22.56")
    assert q2(c["churn"]) == D("16.92")
    assert q2(c["satisfaction"]) == D("11.28")
    assert q2(c["skill_certification"]) == D("5.64")
    # (20 + 15 + 0 + 10 + 5 + 4 + 1 + 2 + 3) = 60 x 88/78 = 67.6923...
    assert q2(r.sections[0].score) == D("67.69")
    # self ratings only: 4 x L4 = 4 x 2.5 = 10
    assert r.sections[1].score == D(10)
    # 2 articles x 1 = 2
    assert c["articles"] == D(2)
    # 67.6923... + 10 + 2 = 79.6923... -> 79.69 -> 称职
    assert r.total == D("79.69")
    assert r.grade == "称职"


def one(period: str, values: dict[str, Any]) -> Any:
    data = {
        "period": period,
        "employees": [{"id": "X", "values": values}],
    }
    return score(load_builtin(CODE), data).result("X")


def test_second_half_targets() -> None:
    r = one(
        "2026-08", {"retention_rate": D("0.90"), "csat_top2": D("0.79"), "bundle_rate": D("0.44")}
    )
    # August: retention target 0.91; 0.01 short = 2 steps x 3 = 6 -> 14
    assert r.item("retention").target == D("0.91")
    assert r.item("retention").score == D(14)
    # 2026-H2: satisfaction target 0.80; 1 step x 2 -> 8
    assert r.item("satisfaction").target == D("0.80")
    assert r.item("satisfaction").score == D(8)
    # bundle default 0.45; 1 step x 3 -> 12
    assert r.item("bundle").score == D(12)


def test_second_quarter_and_february_targets() -> None:
    r = one("2026-05", {"retention_rate": D("0.95"), "csat_top2": D("0.79")})
    # May: 0.95 = target -> 20; Q2 satisfaction 0.78 <= 0.79 -> 10
    assert (r.item("retention").target, r.item("retention").score) == (D("0.95"), D(20))
    assert (r.item("satisfaction").target, r.item("satisfaction").score) == (D("0.78"), D(10))
    r = one("2026-02", {"bundle_rate": D("0.40"), "retention_rate": D("0.975")})
    # February: bundle 40% -> met; retention target 0.98, 0.005 short = 1 step -> 17
    assert (r.item("bundle").target, r.item("bundle").score) == (D("0.40"), D(15))
    assert r.item("retention").score == D(17)


def test_other_years_fall_back_to_the_floor() -> None:
    # 2027 has no monthly table: retention falls back to the 82% floor, satisfaction to 80%
    r = one("2027-01", {"retention_rate": D("0.83"), "csat_top2": D("0.80")})
    assert (r.item("retention").target, r.item("retention").score) == (D("0.82"), D(20))
    assert r.item("satisfaction").target == D("0.80")


def test_info_collection_against_the_monthly_task_of_30() -> None:
    r = one("2026-03", {"info_collected_count": 15})
    # 15 / 30 = 0.5 -> 0.5 x 3 = 1.5
    assert (r.item("info_collection").target, r.item("info_collection").score) == (D(30), D("1.5"))
