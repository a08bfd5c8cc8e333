"""Attendance indicators against the numbers of the source documents (shared/spec/schemes.md §4
迟到早退 bands and 出勤率, §3.4, §3.18, §3.25), over a small centre of their own; March 2026
unless said otherwise. One row is one employee-day; late and early on the same day are two
occurrences.

- E1: late 3 (03-02), late 5 (03-03, exactly the band), early 4 (03-04), late 2 and early 6 (03-06);
- E2 (§3.4 Example B): late 3, early 4, late 1 (8 minutes under 5) and late 5 (03-05); one missed
  clock-in (03-06) → four times late or early;
- E3 (§3.25 Example A): late 5, late 6, late 4;
- E4: absent 03-05 (Thu), 03-06 (Fri), weekend rows 03-07/08 not scheduled, 03-09 (Mon), present
  03-10 and 03-11, absent 03-12;
- E5: absent 2026-01-15, 2026-02-03, 2026-03-10 and 03-11 (one run), 2026-04-01, present on the
  scheduled days between;
- E6: absent 03-30, 03-31 and 04-01 (a run across the month's end);
- E7: shifts with 示忙 time at and over their limits (and a row without a shift), 2.5 + 1.5 hours
  of overtime, a shift swap;
- E8 (§4 出勤率): worked 03-02, half a day's leave 03-03, a day's leave 03-04, absent 03-05,
  worked 03-06, worked 03-07 without being scheduled.
"""

from __future__ import annotations

import textwrap
from decimal import Decimal
from fractions import Fraction as F

import pytest

from csperf.ingest.importer import import_file
from csperf.ingest.store import open_store

# Ibis 12 still calls DuckDB's deprecated fetch_arrow_table(); not ours to fix
pytestmark = pytest.mark.filterwarnings("ignore:fetch_arrow_table:DeprecationWarning")

TESTED = {
    "late_count",
    "early_count",
    "late_minutes_short",
    "late_minutes_long",
    "late_early_count",
    "tardy_minutes_short",
    "tardy_minutes_long",
    "tardy_or_unclocked",
    "absent_days",
    "absent_consecutive_days",
    "absent_occurrences",
    "busy_overlimit_shifts",
    "overtime_hours",
    "leave_days",
    "shift_swaps",
    "scheduled_days",
    "days_worked",
    "full_attendance",
    "attendance_rate",
    "busy_time_s",
}

M = "2026-03"

EMPLOYEES = """
    id,name,team,department,position,hired_at
    E1,Ai,TA,DA,话务员,2024-01-01
    E2,Bing,TA,DA,话务员,2024-01-01
    E3,Chen,TA,DA,物业客服员,2024-01-01
    E4,Ding,TB,DA,物业客服员,2024-01-01
    E5,Er,TB,DA,物业客服员,2024-01-01
    E6,Fu,TB,DA,物业客服员,2024-01-01
    E7,Gao,TC,DB,话务员,2024-01-01
    E8,Hu,TC,DB,话务员,2024-01-01
"""

ATTENDANCE = """
    employee_id,date,scheduled,late_minutes,early_minutes,absent,leave_days,shift_swaps,shift,busy_s,missed_clock,overtime_h
    E1,2026-03-02,1,3,0,0,0,0,,,0,0
    E1,2026-03-03,1,5,0,0,0,0,,,0,0
    E1,2026-03-04,1,0,4,0,0,0,,,0,0
    E1,2026-03-06,1,2,6,0,0,0,,,0,0
    E2,2026-03-02,1,3,0,0,0,0,,,0,0
    E2,2026-03-03,1,0,4,0,0,0,,,0,0
    E2,2026-03-04,1,1,0,0,0,0,,,0,0
    E2,2026-03-05,1,5,0,0,0,0,,,0,0
    E2,2026-03-06,1,0,0,0,0,0,,,1,0
    E3,2026-03-02,1,5,0,0,0,0,,,0,0
    E3,2026-03-03,1,6,0,0,0,0,,,0,0
    E3,2026-03-04,1,4,0,0,0,0,,,0,0
    E4,2026-03-02,1,0,0,0,0,0,,,0,0
    E4,2026-03-05,1,0,0,1,0,0,,,0,0
    E4,2026-03-06,1,0,0,1,0,0,,,0,0
    E4,2026-03-07,0,0,0,0,0,0,,,0,0
    E4,2026-03-08,0,0,0,0,0,0,,,0,0
    E4,2026-03-09,1,0,0,1,0,0,,,0,0
    E4,2026-03-10,1,0,0,0,0,0,,,0,0
    E4,2026-03-11,1,0,0,0,0,0,,,0,0
    E4,2026-03-12,1,0,0,1,0,0,,,0,0
    E4,2026-03-13,1,0,0,0,0,0,,,0,0
    E5,2026-01-15,1,0,0,1,0,0,,,0,0
    E5,2026-01-16,1,0,0,0,0,0,,,0,0
    E5,2026-02-03,1,0,0,1,0,0,,,0,0
    E5,2026-02-04,1,0,0,0,0,0,,,0,0
    E5,2026-03-09,1,0,0,0,0,0,,,0,0
    E5,2026-03-10,1,0,0,1,0,0,,,0,0
    E5,2026-03-11,1,0,0,1,0,0,,,0,0
    E5,2026-03-12,1,0,0,0,0,0,,,0,0
    E5,2026-04-01,1,0,0,1,0,0,,,0,0
    E6,2026-03-27,1,0,0,0,0,0,,,0,0
    E6,2026-03-30,1,0,0,1,0,0,,,0,0
    E6,2026-03-31,1,0,0,1,0,0,,,0,0
    E6,2026-04-01,1,0,0,1,0,0,,,0,0
    E6,2026-04-02,1,0,0,0,0,0,,,0,0
    E7,2026-03-02,1,0,0,0,0,0,早班,900,0,2.5
    E7,2026-03-03,1,0,0,0,0,0,早班,901,0,0
    E7,2026-03-04,1,0,0,0,0,0,夜班,1000,0,1.5
    E7,2026-03-05,1,0,0,0,0,0,中班,1800,0,0
    E7,2026-03-06,1,0,0,0,0,1,大夜班,1801,0,0
    E7,2026-03-09,1,0,0,0,0,0,办公班,1200,0,0
    E7,2026-03-10,1,0,0,0,0,0,办公班,1201,0,0
    E7,2026-03-11,1,0,0,0,0,0,,3000,0,0
    E8,2026-03-02,1,0,0,0,0,0,,,0,0
    E8,2026-03-03,1,0,0,0,0.5,0,,,0,0
    E8,2026-03-04,1,0,0,0,1,0,,,0,0
    E8,2026-03-05,1,0,0,1,0,0,,,0,0
    E8,2026-03-06,1,0,0,0,0,0,,,0,0
    E8,2026-03-07,0,0,0,0,0,0,,,0,3
"""


@pytest.fixture(scope="module")
def eng(tmp_path_factory):
    from csperf.metrics import Engine

    d = tmp_path_factory.mktemp("source_attendance")
    store = open_store(d / "data")
    for kind, text, rows in [("employees", EMPLOYEES, 8), ("attendance", ATTENDANCE, 50)]:
        path = d / f"{kind}.csv"
        path.write_text(textwrap.dedent(text).strip() + "\n", encoding="utf-8")
        res = import_file(kind, path, store=store)
        assert res.rows == rows and not res.ignored_columns, res
    store.close()
    e = Engine.open(d / "data")
    yield e
    e.close()


def _value(eng, code, level, subject, params=None, period=M):
    rows = eng.compute(
        period, level, [code], {code: params} if params else None, subjects=[subject]
    )
    assert rows, f"no row for {subject}"
    return rows[0][code]


def _exact(value, expected) -> bool:
    if expected is None or value is None:
        return value is expected
    exp = Decimal(expected.numerator) / Decimal(expected.denominator)
    return abs(Decimal(value) - exp) < Decimal("1e-20")


BAND = {"band_min": 5}

# (indicator, level, subject, params, expected, worked out by hand)
CASES = [
    # §3.4 "迟到或早退5分钟内,扣1元/分钟;5分钟(含5分钟)以上,扣2元/分钟"
    ("tardy_minutes_short", "employee", "E1", BAND, F(9), "late 3 + early 4 + late 2"),
    ("tardy_minutes_long", "employee", "E1", BAND, F(11), "late 5 (含5分钟) + early 6"),
    ("tardy_minutes_short", "employee", "E2", BAND, F(8), "Example B: 3 + 4 + 1 → 8 元"),
    ("tardy_minutes_long", "employee", "E2", BAND, F(5), "Example B: 5 min × 2 元 = 10 元"),
    ("tardy_minutes_long", "employee", "E1", {"band_min": 6}, F(6), "band 6: only early 6"),
    ("late_minutes_short", "employee", "E1", {}, F(5), "late 3 + late 2"),
    ("late_minutes_long", "employee", "E1", {}, F(5), "late 5 is in the long band"),
    ("late_minutes_long", "employee", "E3", {}, F(11), "5 + 6"),
    # "一个月内累计迟到或早退4次以上(含4次),取消当月全勤奖"
    ("late_early_count", "employee", "E2", {}, F(4), "Example B: 3 late + 1 early"),
    ("late_early_count", "employee", "E1", {}, F(5), "03-06 late and early: two"),
    ("late_count", "employee", "E1", {}, F(3), ""),
    ("early_count", "employee", "E1", {}, F(2), ""),
    # §3.25 "无故迟到早退5分钟以上、无故不打卡,一次扣1分" (以上: 5 included)
    ("tardy_or_unclocked", "employee", "E3", BAND, F(2), "Example A: late 5 and 6; late 4 not"),
    ("tardy_or_unclocked", "employee", "E2", BAND, F(2), "late 5 + 1 missed clock-in"),
    ("tardy_or_unclocked", "employee", "E1", BAND, F(2), "late 5 + early 6"),
    # §3.18 "达连续三天或累计三次者,立即开除"
    ("absent_consecutive_days", "employee", "E4", {}, F(3), "03-05, 03-06, (weekend), 03-09"),
    ("absent_consecutive_days", "employee", "E5", {}, F(2), "03-10, 03-11"),
    ("absent_consecutive_days", "employee", "E1", {}, F(0), "never absent"),
    ("absent_consecutive_days", "employee", "E6", {}, F(2), "03-30, 03-31"),
    ("absent_occurrences", "employee", "E4", {}, F(2), "03-05…03-09 and 03-12"),
    ("absent_occurrences", "employee", "E5", {}, F(1), "03-10/11 is one occurrence"),
    (
        "absent_occurrences",
        "employee",
        "E5",
        {"window": "to_date"},
        F(3),
        "Jan, Feb, Mar: 累计三次",
    ),
    ("absent_occurrences", "team", "TB", {}, F(4), "E4 2 + E5 1 + E6 1"),
    ("absent_days", "employee", "E4", {}, F(4), ""),
    ("absent_days", "employee", "E5", {}, F(2), "Jan, Feb and Apr are outside"),
    # §3.4 示忙: 早班、夜班 15 分钟; 中班、大夜班 30 分钟; 办公班 上午、下午各 10 分钟
    ("busy_overlimit_shifts", "employee", "E7", {}, F(4), "901 early, 1000 night, 1801, 1201"),
    (
        "busy_overlimit_shifts",
        "employee",
        "E7",
        {"limits_s": "early:1000,default:600"},
        F(6),
        "early 900/901 ≤ 1000; night 1000, middle 1800, late night 1801, office 1200, 1201 and "
        "the row without a shift (3000) > default 600",
    ),
    ("overtime_hours", "employee", "E7", {}, F(4), "2.5 + 1.5 (§3.4 Example A: 4 h × 6 元)"),
    ("overtime_hours", "employee", "E8", {}, F(3), "an unscheduled day's overtime counts"),
    ("shift_swaps", "employee", "E7", {}, F(1), ""),
    # §4 出勤率: 出勤天数 = scheduled days worked, leave and 旷工 excluded, half-day leave half
    ("days_worked", "employee", "E8", {}, F(5, 2), "1 + 0.5 + 0 (leave) + 0 (absent) + 1"),
    ("scheduled_days", "employee", "E8", {}, F(5), "03-07 not scheduled"),
    ("leave_days", "employee", "E8", {}, F(3, 2), ""),
    # §4 全勤 [choice]: no lateness, early leaving, absence or leave
    ("full_attendance", "employee", "E7", {}, F(1), "busy time, overtime and a swap are no breach"),
    ("full_attendance", "employee", "E8", {}, F(0), "leave"),
    ("attendance_rate", "employee", "E8", {}, F(1, 2), "§4 出勤率: 2.5 days worked of 5 scheduled"),
    ("busy_time_s", "employee", "E7", {}, F(11803), "900+901+1000+1800+1801+1200+1201+3000"),
    ("full_attendance", "employee", "E2", {}, F(0), "late"),
    ("full_attendance", "team", "TC", {}, F(1, 2), "E7 1, E8 0"),
]


@pytest.mark.parametrize(
    ("code", "level", "subject", "params", "expected", "why"),
    CASES,
    ids=[f"{c[0]}-{c[2]}-{i}" for i, c in enumerate(CASES)],
)
def test_source_attendance_indicator(eng, code, level, subject, params, expected, why):
    value = _value(eng, code, level, subject, params)
    assert _exact(value, expected), f"{code} {subject} {params}: {value} != {expected} ({why})"


def test_exactly_five_minutes_is_paid_in_the_two_yuan_band(eng):
    """§3.4 Example B: 8 minutes under 5 at 1 元 and one 5-minute lateness at 2 元 = 18 元."""
    short = _value(eng, "tardy_minutes_short", "employee", "E2", BAND)
    long = _value(eng, "tardy_minutes_long", "employee", "E2", BAND)
    assert short * 1 + long * 2 == 18


def test_runs_across_the_month_end(eng):
    """E6 is absent 03-30, 03-31 and 04-01: three days in a row, two of them in March."""
    assert _value(eng, "absent_consecutive_days", "employee", "E6", period="2026-04") == 1
    to_date = {"window": "to_date"}
    assert _value(eng, "absent_consecutive_days", "employee", "E6", to_date, "2026-04") == 3
    assert _value(eng, "absent_consecutive_days", "employee", "E6", to_date, M) == 2
    assert _value(eng, "absent_occurrences", "employee", "E6", {}, "2026-04") == 1
    assert _value(eng, "absent_occurrences", "employee", "E6", to_date, "2026-04") == 1


def test_occurrences_to_date_count_up_to_the_end_of_the_period(eng):
    to_date = {"window": "to_date"}
    assert _value(eng, "absent_occurrences", "employee", "E5", to_date, "2026-02") == 2
    assert _value(eng, "absent_occurrences", "employee", "E5", to_date, "2026-04") == 4
    assert _value(eng, "absent_occurrences", "employee", "E5", to_date, "2026-Q1") == 3
    assert _value(eng, "absent_consecutive_days", "employee", "E5", to_date, "2026-Q1") == 2


def test_runs_ride_along_with_other_attendance_indicators(eng):
    """The derived columns only add to the period's rows: the other figures are unchanged."""
    codes = ["absent_consecutive_days", "absent_days", "late_count", "days_worked"]
    row = eng.compute(M, "employee", codes, subjects=["E4"])[0]
    assert (row["absent_consecutive_days"], row["absent_days"], row["days_worked"]) == (3, 4, 4)
    both = ["absent_occurrences", "absent_consecutive_days", "absent_days"]
    params = {"absent_occurrences": {"window": "to_date"}}
    row = eng.compute(M, "employee", both, params, subjects=["E5"])[0]
    assert (row["absent_occurrences"], row["absent_consecutive_days"], row["absent_days"]) == (
        3,
        2,
        2,
    )
