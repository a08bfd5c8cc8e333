"""Traceability (explain), intraday intervals, build_score_input and the module API."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest

from csperf import metrics
from csperf.metrics import MetricsError
from csperf.metrics.scorecard import build_score_input

# Ibis 12 still calls DuckDB's deprecated fetch_arrow_table(); not ours to fix
pytestmark = pytest.mark.filterwarnings("ignore:fetch_arrow_table:DeprecationWarning")


def test_explain_lists_numerator_and_denominator_records(engine):
    out = engine.explain("service_level", "T1", "2026-03")
    assert out["level"] == "team" and out["value"] == Decimal(4) / Decimal(5)
    num, den = out["parts"]
    assert num["role"] == "numerator" and [r["call_id"] for r in num["records"]] == [
        "C1",
        "C3",
        "C14",
        "C15",
    ]
    assert den["count"] == 5 and [r["call_id"] for r in den["records"]] == [
        "C1",
        "C2",
        "C3",
        "C14",
        "C15",
    ]


def test_explain_sums_match_the_value(engine):
    out = engine.explain("asa", "center", "2026-03")
    num, den = out["parts"]
    assert num["sum"] == 103 and den["sum"] == 7 and out["value"] == Decimal(103) / 7
    assert all("contribution" in r for r in num["records"])
    limited = engine.explain("asa", "center", "2026-03", limit=2)
    assert len(limited["parts"][0]["records"]) == 2 and limited["parts"][0]["count"] == 7


def test_explain_other_sources(engine):
    out = engine.explain("plan_completion_rate", "T1", "2026-03")
    assert [r["org_unit"] for r in out["parts"][0]["records"]] == ["T1"]
    out = engine.explain("complaint_rate", "A1", "2026-03")
    den_sources = sorted(p["source"] for p in out["parts"] if p["role"] == "denominator")
    assert den_sources == ["calls", "tickets"]
    out = engine.explain("churn_rate", "A3", "2026-03")
    assert [r["customer_id"] for r in out["parts"][0]["records"]] == ["KA"]


def test_explain_unknown_subject(engine):
    with pytest.raises(MetricsError, match="unknown subject"):
        engine.explain("asa", "ZZ", "2026-03")


def test_intervals_are_half_open_and_complete(engine):
    rows = engine.intervals("2026-03-02", minutes=15, indicators=["calls_offered", "service_level"])
    assert len(rows) == 96
    by = {r["interval_start"]: r for r in rows}
    t = lambda h, m: datetime(2026, 3, 2, h, m)  # noqa: E731
    assert by[t(9, 0)]["calls_offered"] == 2  # C1 09:00, C2 09:10
    assert by[t(9, 15)]["calls_offered"] == 1  # C3 at exactly 09:15 belongs to [09:15, 09:30)
    assert by[t(9, 30)]["calls_offered"] == 2
    assert by[t(9, 45)]["calls_offered"] == 1
    assert by[t(9, 15)]["service_level"] == 1
    assert by[t(8, 45)]["calls_offered"] == 0 and by[t(8, 45)]["service_level"] is None
    hourly = engine.intervals("2026-03-02", "2026-03-03", 60, ["calls_offered", "asa"])
    assert len(hourly) == 48
    nine = next(r for r in hourly if r["interval_start"] == t(9, 0))
    assert nine["calls_offered"] == 6 and nine["asa"] == 20  # (10+30+20)/3
    odd = engine.intervals("2026-03-02", minutes=45, indicators=["calls_offered"])
    assert len(odd) == 32 and sum(r["calls_offered"] for r in odd) == 6


def test_intervals_by_employee_and_errors(engine):
    rows = engine.intervals(
        "2026-03-02", minutes=60, indicators=["calls_answered"], level="employee"
    )
    nine = {r["subject"]: r["calls_answered"] for r in rows if r["interval_start"].hour == 9}
    assert nine == {"A1": 2, "A2": 1}
    with pytest.raises(MetricsError, match="not a call indicator"):
        engine.intervals("2026-03-02", minutes=15, indicators=["nps"])
    with pytest.raises(MetricsError, match="minutes"):
        engine.intervals("2026-03-02", minutes=0)


def test_build_score_input(sample_dir):
    doc = build_score_input(
        {
            "calls_answered",
            "acw",
            "praise",
            "incidents_untrue_report",
            "plan_rate_work_plan",
            "complaints_valid",
            "monthly_exam_score",
            "no_such_value",
            "team_mean_score",
        },
        "2026-03",
        positions=["话务员"],
        data_dir=sample_dir,
    )
    assert doc["period"] == "2026-03"
    assert [e["id"] for e in doc["employees"]] == ["A1", "A2"]  # A5 left in February
    a1 = doc["employees"][0]
    assert (a1["name"], a1["team"], a1["department"], a1["position"]) == (
        "Alice",
        "T1",
        "D1",
        "话务员",
    )
    v = a1["values"]
    assert v["calls_answered"] == 3
    assert v["praise"] == {"letter": 1, "department": 0, "company": 0, "media": 1}
    assert v["incidents_untrue_report"] == 1 and v["plan_rate_work_plan"] == Decimal("0.8")
    assert v["complaints_valid"] == 0  # events of March are recorded (values: events_recorded)
    assert v["monthly_exam_score"] == 92  # the employee's own row wins over the team's 80
    assert doc["employees"][1]["values"]["monthly_exam_score"] == 80  # A2: the team's row
    # No feed delivered these: they are missing, and the document says from which feed.
    assert "no_such_value" not in v and "team_mean_score" not in v
    assert a1["missing"]["no_such_value"] == "月度数值与目标(values): no_such_value"
    assert a1["missing"]["team_mean_score"].startswith("其他考核表")
    assert (a1["days_worked"], a1["period_days"]) == (Decimal("2.5"), 4)
    assert a1["history"] == []
    a2 = doc["employees"][1]
    assert (a2["days_worked"], a2["period_days"]) == (2, 4)  # the team's most scheduled days


def test_build_score_input_by_employee_ids(sample_dir):
    doc = build_score_input({"qc_count"}, "2026-03", employees=["Q1", "A5"], data_dir=sample_dir)
    q1, a5 = doc["employees"]
    assert q1["values"] == {"qc_count": 4}
    assert (a5["days_worked"], a5["period_days"]) == (0, 31)  # left before March, no attendance
    with pytest.raises(MetricsError, match="not on the roster: ZZ"):
        build_score_input({"aht"}, "2026-03", employees=["ZZ"], data_dir=sample_dir)
    doc = build_score_input(
        {"qc_count"}, "2026-03", employees=["ZZ", "Q1"], data_dir=sample_dir, skip_unknown=True
    )
    assert [e["id"] for e in doc["employees"]] == ["Q1"]


def test_module_api(sample_dir):
    defs = metrics.list_indicators()
    sl = next(d for d in defs if d["code"] == "service_level")
    assert sl["name_zh"] == "服务水平" and sl["unit"] == "ratio" and sl["direction"] == "higher"
    assert {p["name"] for p in sl["params"]} >= {"threshold_s", "denominator"}
    rows = metrics.compute("2026-03", "center", ["answer_rate"], data_dir=sample_dir)
    assert rows == [{"subject": "center", "answer_rate": Decimal(7) / Decimal(11)}]
    assert metrics.explain("asa", "A1", "2026-03", data_dir=sample_dir)["value"] == 16
    iv = metrics.compute_intervals(
        "2026-03-02", minutes=60, indicators=["calls_offered"], data_dir=sample_dir
    )
    assert sum(r["calls_offered"] for r in iv) == 6


def test_build_score_input_for_a_template_fills_targets_and_terms(sample_dir):
    from csperf.scoring import template_from_data

    t = template_from_data(
        {
            "code": "calls-card",
            "version": 1,
            "period": "month",
            "sections": [
                {
                    "code": "s",
                    "items": [
                        {
                            "code": "calls",
                            "value": "calls_handled",
                            "points": 10,
                            "rule": {"type": "ratio", "target": {"assigned": True}},
                        },
                        {
                            "code": "late",
                            "value": "late_count",
                            "points": 10,
                            "rule": {"type": "per_count", "start": "full", "per": -1},
                        },
                    ],
                }
            ],
        }
    )
    doc = build_score_input(t, "2026-03", employees=["A1", "A2", "A3"], data_dir=sample_dir)
    a1, a2, a3 = doc["employees"]
    assert a1["targets"] == {"calls": 120} and a2["targets"] == {"calls": 100}  # own, then team
    assert a3["targets"] == {}  # T2 has no target row: the engine reports it when scoring
    assert a1["values"]["late_count"] == 2  # A1 was late on two days
    # A3 has attendance rows in March; Q1 has none: their lateness is no data, not "never late"
    assert "late_count" in a3["values"]
    (q1,) = build_score_input(t, "2026-03", employees=["Q1"], data_dir=sample_dir)["employees"]
    assert "late_count" not in q1["values"]
    assert q1["missing"]["late_count"] == "考勤(attendance): 迟到次数"
    assert a1["probation"] is False and "pay_base" not in a1
