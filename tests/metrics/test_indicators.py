"""Every indicator of the library against values worked out by hand from tests/metrics/conftest.py.

March 2026 unless said otherwise. Inbound calls in March: C1 C2 C3 C4 C5 C6 C7 C8 C13 C14 C15
(11 offered); answered: C1 C2 C3 C7 C13 C14 C15 (7), waits 10 30 20 25 5 8 5.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction as F

import pytest

from csperf.metrics.indicators import LIB

# Ibis 12 still calls DuckDB's deprecated fetch_arrow_table(); not ours to fix
pytestmark = pytest.mark.filterwarnings("ignore:fetch_arrow_table:DeprecationWarning")

M = "2026-03"

# (indicator, level, subject, params, expected, why)
CASES = [
    # ---- calls
    (
        "calls_offered",
        "center",
        "center",
        {},
        11,
        "C1–C8, C13–C15 (C9/C10 outbound, C11 Feb, C12/C16 Apr)",
    ),
    ("calls_offered", "employee", "A1", {}, 3, "C1 C2 C14"),
    ("calls_offered", "team", "T1", {}, 5, "A1 3 + A2 2"),
    (
        "calls_offered",
        "department",
        "D1",
        {},
        7,
        "calls without an agent count only for the centre",
    ),
    ("calls_offered", "center", "center", {"tiers": "vip"}, 2, "C1, C3"),
    ("calls_answered", "center", "center", {}, 7, ""),
    ("calls_answered", "team", "T1", {}, 5, "C1 C2 C14 C3 C15"),
    ("calls_handled", "employee", "A2", {}, 3, "C3 C15 inbound + C9 outbound connected"),
    ("calls_handled", "center", "center", {"direction": "inbound"}, 7, ""),
    ("outbound_connected", "employee", "A2", {}, 1, "C9"),
    ("answer_rate", "center", "center", {}, F(7, 11), ""),
    ("answer_rate", "center", "center", {"short_abandon_s": 5}, F(7, 10), "C4 (3 s) left out"),
    (
        "answer_rate",
        "center",
        "center",
        {"tiers": "normal"},
        F(5, 9),
        "normal: 9 offered, 5 answered",
    ),
    ("abandon_rate", "center", "center", {}, F(2, 11), "C4 C5"),
    ("abandon_rate", "center", "center", {"count_timeouts": "true"}, F(3, 11), "+ C8"),
    ("abandon_rate", "center", "center", {"short_abandon_s": 5}, F(1, 10), "C5 of 10"),
    ("abandon_rate", "center", "center", {"denominator": "answered"}, F(2, 7), ""),
    ("service_level", "center", "center", {}, F(5, 11), "≤20 s: C1 C3(20, inclusive) C13 C14 C15"),
    ("service_level", "center", "center", {"threshold_s": 30}, F(7, 11), ""),
    ("service_level", "center", "center", {"denominator": "answered"}, F(5, 7), ""),
    (
        "service_level",
        "center",
        "center",
        {"denominator": "offered_less_short_abandons"},
        F(5, 10),
        "",
    ),
    (
        "service_level",
        "center",
        "center",
        {"denominator": "offered_less_abandons_within_threshold"},
        F(5, 10),
        "C4 abandoned within 20 s",
    ),
    ("service_level", "center", "center", {"tiers": "vip"}, 1, "C1 10 s, C3 20 s"),
    ("asa", "center", "center", {}, F(103, 7), "(10+30+20+25+5+8+5)/7"),
    ("asa", "employee", "A2", {}, F(25, 2), "(20+5)/2"),
    ("asa", "team", "T1", {}, F(73, 5), "(10+30+8+20+5)/5"),
    ("aht", "center", "center", {}, F(1000, 7), "130+220+180+300+100+40+30"),
    ("aht", "employee", "A1", {}, 130, "(130+220+40)/3"),
    ("aht", "center", "center", {"direction": "outbound"}, 65, "C9 60+5"),
    ("aht", "center", "center", {"direction": "all"}, F(1065, 8), ""),
    ("acw", "center", "center", {}, F(60, 7), "wraps 10+20+30"),
    ("transfer_rate", "center", "center", {}, F(1, 7), "C2"),
    ("transfer_rate", "employee", "A1", {}, F(1, 3), ""),
    (
        "rating_rate",
        "center",
        "center",
        {},
        F(3, 8),
        "C1 C2 C3 rated of all 8 calls handled, C9 outbound included (§4: ÷ 个人的话务总量)",
    ),
    ("occupancy", "employee", "A1", {}, F(1, 2), "14000/28000"),
    ("occupancy", "employee", "A2", {}, F(38800, 57600), ""),
    ("occupancy", "center", "center", {}, F(62800, 105600), ""),
    ("calls_handled_vs_mean", "employee", "A1", {}, F(9, 8), "3 ÷ mean(3,3,2)"),
    ("calls_handled_vs_mean", "employee", "A3", {}, F(3, 4), "2 ÷ 8/3"),
    ("calls_handled_vs_mean", "employee", "A1", {"peers": "team"}, 1, "3 ÷ mean(3,3)"),
    ("calls_handled_vs_mean", "team", "T2", {}, F(3, 4), "T2 per agent 2 ÷ centre 8/3"),
    (
        "first_contact_resolution",
        "center",
        "center",
        {"source": "calls"},
        F(4, 7),
        "C1 (C3 same day), C7 (C13 in 48 h), C15 (C16 in April) are repeats",
    ),
    ("first_contact_resolution", "employee", "A2", {"source": "calls"}, F(1, 2), "C3 yes, C15 no"),
    (
        "first_contact_resolution",
        "center",
        "center",
        {"source": "calls", "repeat_window_h": 24},
        F(5, 7),
        "C7→C13 is 47 h 55 min",
    ),
    ("csat_mean", "center", "center", {"source": "calls"}, 4, "(5+3+4)/3"),
    ("csat_top2", "center", "center", {"source": "calls"}, F(2, 3), ""),
    # ---- tickets
    (
        "first_contact_resolution",
        "center",
        "center",
        {},
        F(1, 2),
        "T1 T3 of T1 T2 T3 T6 (T5 excluded)",
    ),
    ("first_contact_resolution", "employee", "A1", {}, F(1, 2), ""),
    ("first_contact_resolution", "employee", "A3", {}, 0, "T5 excluded, T6 not FCR"),
    ("first_contact_resolution", "center", "center", {"exclusions": "none"}, F(3, 5), ""),
    (
        "response_sla_rate",
        "center",
        "center",
        {},
        F(1, 2),
        "T1 T3 T4 in time; T2 150>120, T5 none, T6 180>60",
    ),
    (
        "response_sla_rate",
        "center",
        "center",
        {"limits_min": "vip:15,normal:200,default:60"},
        F(4, 6),
        "",
    ),
    ("mean_resolution_h", "center", "center", {}, 21, "(2+72+6+1+24)/5"),
    ("mean_resolution_h", "center", "center", {"types": "complaint"}, 39, "(72+6)/2"),
    ("complaint_resolution_h", "center", "center", {}, 39, ""),
    ("complaint_resolution_rate", "center", "center", {}, 1, ""),
    ("complaint_response_rate", "center", "center", {}, F(1, 2), "T2 150 min, T3 45 min"),
    (
        "complaint_timely_resolution_rate",
        "center",
        "center",
        {},
        F(1, 2),
        "T2 after due_at, T3 in 6 h",
    ),
    ("complaint_resolution_satisfaction", "center", "center", {}, F(1, 2), "T2 2, T3 4"),
    ("complaint_rate", "center", "center", {}, F(2, 13), "2 ÷ (6 tickets + 7 answered)"),
    ("complaint_rate", "employee", "A1", {}, F(1, 5), "1 ÷ (2 + 3)"),
    ("complaint_rate", "center", "center", {"interactions": "tickets"}, F(1, 3), ""),
    ("reopen_rate", "center", "center", {}, F(1, 5), "T2 of 5 resolved"),
    ("feedback_timeliness", "center", "center", {}, F(1, 2), "T2 before due, T6 after"),
    ("info_transfer_timeliness", "center", "center", {}, F(1, 2), "T2 20 min, T4 60 min"),
    ("forwarding_efficiency", "center", "center", {}, 40, "(20+60)/2 minutes"),
    ("knowledge_match_rate", "center", "center", {}, F(1, 2), ""),
    ("info_accuracy_rate", "center", "center", {}, F(1, 2), ""),
    ("script_compliance_rate", "center", "center", {}, F(1, 2), ""),
    ("tickets_resolved", "employee", "A1", {}, 2, "T1 T2 (T7 is February)"),
    ("workload_ratio", "employee", "A1", {}, F(5, 400), "(3 calls + 2 tickets) ÷ (4 days × 100)"),
    ("workload_ratio", "employee", "A1", {"capacity_per_day": 10}, F(5, 40), ""),
    # ---- satisfaction
    ("csat_mean", "center", "center", {}, 4, "(5+3+4)/3, V3 refused"),
    ("csat_top2", "center", "center", {}, F(2, 3), ""),
    ("cs_index", "center", "center", {}, F(14375, 200), "(68.75 + 75)/2"),
    ("cs_index", "employee", "A3", {}, F(14375, 200), ""),
    ("nps", "center", "center", {}, F(1, 4), "V1 10, V2 6, V4 8, V5 9: (2−1)/4"),
    ("nps", "center", "center", {"kinds": "csat"}, 0, "(1−1)/3"),
    ("callback_rate", "center", "center", {}, F(2, 3), "V6 V8 of V6 V7 V8"),
    (
        "callback_rate",
        "employee",
        "A3",
        {"denominator": "plan"},
        F(2, 5),
        "V6 V8 of the plans callbacks 4 + callbacks:dealer-sales 1 (callbacksx is another plan)",
    ),
    ("callback_rate", "center", "center", {"denominator": "plan"}, None, "no centre plan row"),
    ("key_customer_callbacks", "employee", "A3", {}, 1, "V6 (vip)"),
    ("collaboration_satisfaction", "employee", "S1", {}, F(9, 2), ""),
    ("key_customer_churn", "employee", "A3", {}, 2, "KA vip, KD key lost in March"),
    ("churn_rate", "employee", "A3", {}, F(1, 3), "held at start KA KB KE; KA lost"),
    ("churn_rate", "employee", "A3", {"tiers": "vip"}, F(1, 2), ""),
    ("retention_rate", "employee", "A3", {}, F(2, 3), ""),
    # ---- quality
    (
        "qc_score_mean",
        "center",
        "center",
        {},
        F(343, 4),
        "mean of the reviews' 百分制 scores 88, 80, 85, 90 (R4 45/50): 管控质检成绩(平均), "
        "schemes §3.3 — was Σ scores ÷ Σ max, which weighs R4 by its max score",
    ),
    (
        "qc_score_mean",
        "center",
        "center",
        {"average": "max_score"},
        F(29800, 350),
        "(88+80+85+45)/350 × 100",
    ),
    ("qc_score_mean", "employee", "A1", {}, 84, "rechecks 88, 80"),
    ("qc_score_mean", "center", "center", {"use_recheck": "false"}, F(335, 4), "(90+70+85+90)/4"),
    ("qc_score_mean", "employee", "A3", {}, 90, "45 of 50"),
    ("qc_pass_rate", "center", "center", {}, F(3, 4), "R2 80 passes at 80; R3 fatal"),
    ("qc_pass_rate", "employee", "A2", {}, 0, ""),
    ("qc_count", "employee", "Q1", {}, 4, "by inspector"),
    ("qc_count", "employee", "A1", {"by": "agent"}, 2, ""),
    ("qc_consistency", "employee", "Q1", {}, F(1, 2), "R1 |2| ≤ 5, R2 |10| > 5"),
    ("fatal_errors", "employee", "A2", {}, 1, ""),
    ("test_call_score_mean", "center", "center", {}, 9, "(8.5+9.5+9)/3"),
    ("test_call_score_mean", "center", "center", {"origin": "third_party"}, F(17, 2), ""),
    (
        "test_call_count",
        "employee",
        "Q1",
        {},
        1,
        "月度个人拨测量 counts the inspector's own (internal) test calls: P3; P1 第三方 and P2 "
        "集团 were made by others",
    ),
    ("test_call_count", "employee", "Q1", {"origin": "any"}, 3, ""),
    # ---- attendance
    ("late_count", "employee", "A1", {}, 2, ""),
    ("late_minutes", "employee", "A1", {}, 13, "3 + 10 (A2's April lateness excluded)"),
    ("late_minutes_short", "employee", "A1", {}, 3, ""),
    ("late_minutes_long", "employee", "A1", {}, 10, ""),
    ("early_count", "employee", "A3", {}, 1, ""),
    ("early_minutes", "employee", "A3", {}, 6, ""),
    ("late_early_count", "center", "center", {}, 3, ""),
    ("tardy_minutes_short", "center", "center", {}, 3, ""),
    ("tardy_minutes_long", "center", "center", {}, 16, "A1 late 10 + A3 early 6"),
    ("absent_days", "employee", "A1", {}, 1, ""),
    ("leave_days", "employee", "A1", {}, F(1, 2), ""),
    ("shift_swaps", "employee", "A1", {}, 1, ""),
    ("scheduled_days", "employee", "A1", {}, 4, ""),
    ("days_worked", "employee", "A1", {}, F(5, 2), "1 + 1 + 0.5 + 0 (absent)"),
    ("full_attendance", "employee", "A2", {}, 1, ""),
    ("full_attendance", "employee", "A1", {}, 0, ""),
    ("full_attendance", "team", "T1", {}, F(1, 2), "A1 0, A2 1"),
    ("full_attendance", "center", "center", {}, F(1, 2), "A2, A4 of A1–A4"),
    # ---- incidents
    ("praise_count", "employee", "A1", {}, 2, "the February letter is outside"),
    ("valid_complaints", "employee", "A2", {}, 1, ""),
    ("general_complaints", "employee", "A2", {}, 1, ""),
    ("repeat_complaints", "employee", "A2", {}, 1, ""),
    ("service_errors", "employee", "A3", {}, 1, ""),
    ("work_errors", "employee", "A3", {}, 1, ""),
    ("violations", "employee", "A3", {}, 2, "violation + serious_violation"),
    ("serious_violations", "employee", "A3", {}, 1, ""),
    ("untrue_reports", "employee", "A1", {}, 1, ""),
    ("suggestions_adopted", "employee", "A2", {}, 1, ""),
    ("incident_points", "employee", "A1", {}, 3, "1 + 5 − 3"),
    ("incident_points", "employee", "A1", {"kinds": "praise_letter,praise_media"}, 6, ""),
    # ---- sales
    (
        "inquiry_conversion_rate",
        "employee",
        "A4",
        {},
        F(96, 150),
        "(60 + 36 paid, no buyers) ÷ 150",
    ),
    ("payment_rate", "employee", "A4", {}, F(99, 110), ""),
    ("refund_rate", "employee", "A4", {}, F(3, 99), ""),
    (
        "cross_sell_rate",
        "employee",
        "A4",
        {},
        F(9, 110),
        "(7 + 2) ÷ orders 110: 新装、续包客户中落实交叉营销的比例 (schemes §3.4) is over the "
        "business orders taken, not the paid ones",
    ),
    ("cross_sell_rate", "employee", "A4", {"denominator": "paid_orders"}, F(9, 99), ""),
    ("reply_rate", "employee", "A4", {}, F(148, 150), ""),
    ("avg_response_s", "employee", "A4", {}, F(3460, 148), "(20×98 + 30×50) ÷ 148"),
    ("sales_amount", "employee", "A4", {}, 11700, "6300 + 5,400.00"),
    ("sales_amount", "center", "center", {}, 11800, ""),
    (
        "aov_ratio",
        "employee",
        "A4",
        {},
        F(11700 * 98, 96 * 11800),
        "客单价 is per paying customer: (11700 / (60 + 36 paid, no buyers)) ÷ (11800 / 98)",
    ),
    ("aov_ratio", "employee", "A1", {}, F(49, 118), "(100/2) ÷ (11800/98)"),
    (
        "aov_ratio",
        "employee",
        "A4",
        {"per": "paid_orders"},
        F(11700 * 101, 99 * 11800),
        "(11700/99) ÷ (11800/101)",
    ),
    ("order_rate", "employee", "A1", {}, F(4, 3), "4 orders ÷ 3 calls handled"),
    ("order_rate", "center", "center", {}, F(114, 8), ""),
    # ---- management (plans)
    ("plan_completion_rate", "center", "center", {}, F(9, 10), ""),
    ("plan_completion_rate", "team", "T1", {}, F(11, 10), ""),
    ("plan_completion_rate", "employee", "A1", {}, F(4, 5), ""),
    ("budget_control_rate", "center", "center", {}, F(4, 5), ""),
    ("budget_saving_rate", "center", "center", {}, F(1, 5), ""),
    (
        "process_improvement_rate",
        "department",
        "D1",
        {},
        None,
        "the quarter's plan is not inside March",
    ),
    ("survey_plan_completion", "center", "center", {}, F(4, 5), ""),
    ("training_pass_rate", "center", "center", {}, F(9, 10), ""),
    ("certification_coverage", "center", "center", {}, F(3, 5), ""),
    ("standard_execution_rate", "center", "center", {}, F(9, 10), ""),
    ("fee_collection_rate", "center", "center", {}, F(95, 100), ""),
    ("facility_intact_rate", "center", "center", {}, F(95, 100), ""),
    ("improvement_proposals", "center", "center", {}, 4, ""),
    ("cost_per_agent", "center", "center", {}, F(5000, 6), "A1–A4, Q1, S1 on the roster (A5 left)"),
]


def close(value, expected) -> bool:
    if expected is None:
        return value is None
    if value is None:
        return False
    exp = (
        Decimal(expected.numerator) / Decimal(expected.denominator)
        if isinstance(expected, F)
        else Decimal(expected)
    )
    return abs(Decimal(value) - exp) < Decimal("1e-20")


@pytest.mark.parametrize(
    ("code", "level", "subject", "params", "expected", "why"),
    CASES,
    ids=[f"{c[0]}-{c[2]}-{i}" for i, c in enumerate(CASES)],
)
def test_indicator(engine, code, level, subject, params, expected, why):
    rows = engine.compute(M, level, [code], {code: params} if params else None, subjects=[subject])
    assert rows, f"no row for {subject}"
    assert close(rows[0][code], expected), (
        f"{code} {subject}: {rows[0][code]} != {expected} ({why})"
    )


def test_every_available_indicator_has_a_hand_computed_case():
    """Here or in a ``test_source_*.py`` module (its ``TESTED`` set: indicators worked out
    from the numbers of the source documents)."""
    import ast
    from pathlib import Path

    tested = {c[0] for c in CASES} | {c[0] for c in PERIOD_CASES}
    for path in sorted(Path(__file__).parent.glob("test_source_*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:  # TESTED = {"code", …}: read without importing the module
            if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "TESTED":
                tested |= set(ast.literal_eval(node.value))
    missing = [c for c, i in LIB.items() if i.available and c not in tested]
    assert not missing, missing


# ---- periods: a quarter's ratio comes from its rows; months starting on the 26th
PERIOD_CASES = [
    ("answer_rate", "2026-Q1", 1, "center", F(8, 12), "C11 (Feb 28) adds an answered call"),
    ("calls_offered", "2026-Q1", 1, "center", 12, ""),
    ("calls_offered", "2026-03", 26, "center", 11, "Feb 26–Mar 25: + C11, − C15"),
    ("calls_answered", "2026-03", 26, "A2", 1, "C15 on Mar 31 is in April's period"),
    ("calls_answered", "2026-03", 26, "A1", 4, "C11 C1 C2 C14"),
    ("calls_offered", "2026-04", 1, "center", 2, "C12 at 00:00:00 and C16"),
    ("process_improvement_rate", "2026-Q1", 1, "D1", F(7, 10), "the quarter's own plan row"),
    ("plan_completion_rate", "2026-Q1", 1, "center", F(19, 20), "Feb 100/100 + Mar 90/100"),
    ("calls_offered", "2026-03-02..2026-03-02", 1, "center", 6, "a custom one-day range"),
]


@pytest.mark.parametrize(
    ("code", "period", "start_day", "subject", "expected", "why"), PERIOD_CASES
)
def test_periods(engine, code, period, start_day, subject, expected, why):
    level = (
        "center"
        if subject == "center"
        else ("department" if subject.startswith("D") else "employee")
    )
    rows = engine.compute(period, level, [code], period_start_day=start_day, subjects=[subject])
    assert close(rows[0][code], expected), (rows, why)


def test_levels_list_all_active_subjects(engine):
    rows = engine.compute(M, "employee", ["calls_offered"])
    assert [r["subject"] for r in rows] == ["A1", "A2", "A3", "A4", "Q1", "S1"]  # A5 left in Feb
    assert rows[0]["name"] == "Alice"
    teams = [r["subject"] for r in engine.compute(M, "team", ["calls_offered"])]
    assert teams == ["QC", "T1", "T2", "T3"]
    assert [r["subject"] for r in engine.compute(M, "department", ["asa"])] == ["D1", "D2"]


def test_values_are_exact_decimals(engine):
    row = engine.compute(M, "center", ["answer_rate", "calls_offered", "mean_resolution_h"])[0]
    assert isinstance(row["answer_rate"], Decimal)
    assert isinstance(row["calls_offered"], int)
    assert row["mean_resolution_h"] == 21 and isinstance(row["mean_resolution_h"], int)


def test_unknown_indicator_and_bad_parameters(engine):
    from csperf.metrics import MetricsError

    with pytest.raises(MetricsError, match="unknown indicator"):
        engine.compute(M, "center", ["nope"])
    with pytest.raises(MetricsError, match="no parameter 'nope'"):
        engine.compute(M, "center", ["asa"], {"asa": {"nope": 1}})
    with pytest.raises(MetricsError, match="expected a number"):
        engine.compute(M, "center", ["service_level"], ["service_level.threshold_s=abc"])
    with pytest.raises(MetricsError, match="must be one of"):
        engine.compute(M, "center", ["service_level"], ["service_level.denominator=all"])
    with pytest.raises(MetricsError, match="level must be"):
        engine.compute(M, "queue", ["asa"])
    with pytest.raises(MetricsError, match="not computed from records"):
        engine.compute(M, "center", ["team_mean_score"])
