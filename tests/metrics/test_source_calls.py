"""Call indicators against the numbers of the source documents (shared/spec/schemes.md §4, §3.4,
§3.8, §3.15), over a small centre of their own; March 2026 unless said otherwise.

Roster: B1, B2 team TA (department DA); B3 team TB (DA); B4 team TC (DB); B5 team TO (DB), the
OB (outbound satisfaction) agent.

Calls in March (inbound unless said; "—" = no agent):

- queue Q1: B1 ×5 (L1–L5), B2 ×4 (M1–M4, M1 transferred), one abandoned (N1, —) → Q1 is TA's
  queue (TA answered all 9 of its calls);
- queue Q2: B3 ×2, B4 ×2 (a tie: TB, the lower team code, serves Q2), one abandoned and one
  blocked (—);
- queue Q3: one abandoned (—), nobody answered → centre only; one abandoned without a queue;
- B5: one answered inbound call rated 1 (no queue); outbound: 8 connected and rated 2 3 3 4 4 5 5 5
  (a=0, b=1, c=2, d=2, e=3), 2 connected unrated, 1 no answer; rated outbound calls on
  2026-02-28 23:59:59 and 2026-04-01 00:00:00 (outside the natural month);
- B1: one outbound connected call on 03-04 (talk 60, wrap 0).

Inbound offered 10 (Q1) + 6 (Q2) + 1 (Q3) + 1 (no queue) + 1 (B5) = 19, answered 9 + 4 + 1 = 14,
abandoned 4 (N1, P1, R1, S1), blocked 1 (P2); outbound 1 (B1) + 11 (B5) = 12.
"""

from __future__ import annotations

import textwrap
from datetime import datetime
from decimal import Decimal
from fractions import Fraction as F

import pytest

from csperf.ingest.importer import import_file
from csperf.ingest.store import open_store

# Ibis 12 still calls DuckDB's deprecated fetch_arrow_table(); not ours to fix
pytestmark = pytest.mark.filterwarnings("ignore:fetch_arrow_table:DeprecationWarning")

TESTED = {
    "calls_offered",
    "calls_answered",
    "answer_rate",
    "abandon_rate",
    "transfer_rate",
    "aht",
    "acw",
    "acw_overlimit_days",
    "rating_rate",
    "ob_csat_mean",
    "occupancy",
}

M = "2026-03"

EMPLOYEES = """
    id,name,team,department,position,hired_at
    B1,Bai,TA,DA,话务员,2024-01-01
    B2,Bo,TA,DA,话务员,2024-01-01
    B3,Cai,TB,DA,话务员,2024-01-01
    B4,Du,TC,DB,话务员,2024-01-01
    B5,Fan,TO,DB,OB客服代表,2024-01-01
"""

_CALL_HEADER = (
    "call_id,direction,queue,agent_id,customer_tier,offered_at,wait_s,talk_s,hold_s,wrap_s,"
    "outcome,transferred,rating"
)

CALLS = f"""
    {_CALL_HEADER}
    L1,inbound,Q1,B1,normal,2026-03-02 09:00:00,5,115,10,15,answered,0,
    L2,inbound,Q1,B1,normal,2026-03-02 10:00:00,5,115,10,15,answered,0,
    L3,inbound,Q1,B1,normal,2026-03-03 09:00:00,5,114,10,16,answered,0,
    L4,inbound,Q1,B1,normal,2026-03-03 10:00:00,5,114,10,16,answered,0,
    L5,inbound,Q1,B1,normal,2026-03-04 09:00:00,5,110,0,20,answered,0,
    L6,outbound,,B1,normal,2026-03-04 11:00:00,0,60,0,0,connected,0,
    M1,inbound,Q1,B2,vip,2026-03-05 09:00:00,5,100,0,10,answered,1,
    M2,inbound,Q1,B2,vip,2026-03-05 09:10:00,5,100,0,10,answered,0,
    M3,inbound,Q1,B2,normal,2026-03-05 09:20:00,5,100,0,10,answered,0,
    M4,inbound,Q1,B2,normal,2026-03-05 09:30:00,5,100,0,10,answered,0,
    N1,inbound,Q1,,normal,2026-03-05 09:40:00,30,,,,abandoned,,
    P3,inbound,Q2,B3,normal,2026-03-06 09:00:00,5,100,0,10,answered,0,
    P4,inbound,Q2,B3,normal,2026-03-06 09:10:00,5,100,0,10,answered,0,
    P5,inbound,Q2,B4,normal,2026-03-06 09:20:00,5,100,0,10,answered,0,
    P6,inbound,Q2,B4,normal,2026-03-06 09:30:00,5,100,0,10,answered,0,
    P1,inbound,Q2,,normal,2026-03-06 09:40:00,20,,,,abandoned,,
    P2,inbound,Q2,,normal,2026-03-06 09:50:00,0,,,,blocked,,
    R1,inbound,Q3,,normal,2026-03-09 09:00:00,40,,,,abandoned,,
    S1,inbound,,,normal,2026-03-09 09:10:00,40,,,,abandoned,,
    O0,inbound,,B5,normal,2026-03-10 09:00:00,5,100,0,10,answered,0,1
    O1,outbound,,B5,normal,2026-03-10 10:00:00,0,100,0,10,connected,0,2
    O2,outbound,,B5,normal,2026-03-10 10:10:00,0,100,0,10,connected,0,3
    O3,outbound,,B5,normal,2026-03-10 10:20:00,0,100,0,10,connected,0,3
    O4,outbound,,B5,normal,2026-03-11 10:00:00,0,100,0,10,connected,0,4
    O5,outbound,,B5,normal,2026-03-11 10:10:00,0,100,0,10,connected,0,4
    O6,outbound,,B5,normal,2026-03-12 10:00:00,0,100,0,10,connected,0,5
    O7,outbound,,B5,normal,2026-03-12 10:10:00,0,100,0,10,connected,0,5
    O8,outbound,,B5,normal,2026-03-31 23:59:59,0,100,0,10,connected,0,5
    O9,outbound,,B5,normal,2026-03-13 10:00:00,0,100,0,10,connected,0,
    O10,outbound,,B5,normal,2026-03-13 10:10:00,0,100,0,10,connected,0,
    O11,outbound,,B5,normal,2026-03-13 10:20:00,0,0,0,0,no_answer,0,
    OF,outbound,,B5,normal,2026-02-28 23:59:59,0,100,0,10,connected,0,1
    OA,outbound,,B5,normal,2026-04-01 00:00:00,0,100,0,10,connected,0,1
"""

ATTENDANCE = """
    employee_id,date,scheduled,logged_in_s,handling_s
    B1,2026-03-02,1,28800,20160
    B1,2026-03-03,1,28800,20160
    B1,2026-03-04,1,28800,
    B2,2026-03-05,1,28800,20000
"""


@pytest.fixture(scope="module")
def eng(tmp_path_factory):
    from csperf.metrics import Engine

    d = tmp_path_factory.mktemp("source_calls")
    store = open_store(d / "data")
    for kind, text, rows in [
        ("employees", EMPLOYEES, 5),
        ("calls", CALLS, 33),
        ("attendance", ATTENDANCE, 4),
    ]:
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


# (indicator, level, subject, params, expected, worked out by hand)
CASES = [
    # §4 呼叫数: "指所有打入/打出中心的电话,包括受到阻塞的、中途放弃的和已经答复的电话"
    (
        "calls_offered",
        "center",
        "center",
        {"direction": "all"},
        F(31),
        "19 in (P2 blocked, 4 abandoned) + 12 out",
    ),
    ("calls_offered", "center", "center", {}, F(19), "default: inbound only"),
    (
        "calls_offered",
        "center",
        "center",
        {"direction": "outbound"},
        F(12),
        "L6 + O1–O11 (O11 no answer)",
    ),
    ("calls_offered", "employee", "B5", {"direction": "all"}, F(12), "O0 + O1–O11; OF Feb, OA Apr"),
    ("calls_offered", "team", "TA", {"direction": "all"}, F(11), "Q1's 10 (N1 by queue) + L6"),
    # engine: agent-less calls count for the team serving their queue (and its department)
    ("calls_offered", "team", "TA", {}, F(10), "9 answered + N1 abandoned in Q1"),
    ("answer_rate", "team", "TA", {}, F(9, 10), "9 answered ÷ 10 offered in Q1"),
    ("answer_rate", "employee", "B1", {}, F(1), "employee figures unchanged: L1–L5 ÷ L1–L5"),
    ("answer_rate", "team", "TB", {}, F(2, 4), "Q2 tie 2:2 → TB: P3 P4 ÷ P3 P4 P1 P2"),
    ("answer_rate", "team", "TC", {}, F(1), "P5 P6; Q2's lost calls went to TB"),
    ("answer_rate", "department", "DA", {}, F(11, 14), "TA 9/10 + TB 2/4"),
    ("answer_rate", "department", "DB", {}, F(1), "TC 2/2 + B5 O0 1/1"),
    ("answer_rate", "center", "center", {}, F(14, 19), "R1 (Q3) and S1 (no queue): centre only"),
    ("calls_answered", "team", "TA", {}, F(9), ""),
    ("abandon_rate", "team", "TA", {"denominator": "answered"}, F(1, 9), "N1 ÷ 9 answered"),
    ("abandon_rate", "team", "TA", {}, F(1, 10), "N1 ÷ 10 offered"),
    # §4 呼叫放弃率: 放弃电话数 ÷ 全部接通电话数 (no short-abandon exclusion)
    ("abandon_rate", "center", "center", {"denominator": "answered"}, F(4, 14), "N1 P1 R1 S1 ÷ 14"),
    # §4 转接率: 转接电话数 ÷ 全部接通电话数
    ("transfer_rate", "center", "center", {}, F(1, 14), "M1 ÷ 14 answered"),
    ("transfer_rate", "team", "TA", {}, F(1, 9), ""),
    # §3.4 平均话务处理时间(通话时间+话后处理时间)不得超过130秒(115秒+15秒)
    (
        "aht",
        "employee",
        "B1",
        {"include_hold": "false"},
        F(130),
        "(130 × 5) ÷ 5: exactly at the limit",
    ),
    ("aht", "employee", "B1", {}, F(690, 5), "with hold: 140 × 4 + 130"),
    ("aht", "employee", "B1", {"include_hold": "false", "direction": "all"}, F(710, 6), "+ L6 60"),
    # §3.4 话后处理: month average Σ wrap ÷ calls handled
    ("acw", "employee", "B1", {"direction": "all"}, F(82, 6), "15+15+16+16+20+0 over 6"),
    ("acw", "employee", "B1", {}, F(82, 5), "inbound only"),
    # §3.4 话后处理时长每天不得超过 (15 s): a day is over when its average is above 15 s (strict)
    (
        "acw_overlimit_days",
        "employee",
        "B1",
        {},
        F(1),
        "03-02 30/2 = 15 not over; 03-03 16 over; 03-04 20/2 = 10",
    ),
    ("acw_overlimit_days", "employee", "B1", {"direction": "inbound"}, F(2), "03-04 20/1 is over"),
    ("acw_overlimit_days", "employee", "B1", {"limit_s": 14}, F(2), "03-02 15 > 14"),
    ("acw_overlimit_days", "employee", "B2", {}, F(0), "03-05 10 s"),
    ("acw_overlimit_days", "team", "TA", {"direction": "inbound"}, F(2), "B1 2 + B2 0"),
    # §3.4 用户评分率(35%)为:用户评分数/个人的话务总量
    ("rating_rate", "employee", "B5", {}, F(9, 11), "O0 + 8 rated OB ÷ O0 + 10 connected OB"),
    ("rating_rate", "employee", "B5", {"direction": "inbound"}, F(1), "O0 1/1"),
    ("rating_rate", "employee", "B1", {}, F(0), "6 handled, none rated"),
    # §3.15 (a*1分+b*2分+c*3分+d*4分+e*5分)/(a+b+c+d+e), a=0 b=1 c=2 d=2 e=3
    ("ob_csat_mean", "employee", "B5", {}, F(31, 8), "(0 + 2 + 6 + 8 + 15) ÷ 8 = 3.875"),
    ("ob_csat_mean", "center", "center", {}, F(31, 8), "O0 inbound, OF/OA outside March"),
    ("ob_csat_mean", "employee", "B1", {}, None, "no rated OB call"),
    # §3.4 工时利用率 = handling ÷ logged-in time ("低于70%" is the card's boundary)
    ("occupancy", "employee", "B1", {}, F(7, 10), "40320 ÷ 57600; 03-04 has no handling time"),
    ("occupancy", "team", "TA", {}, F(60320, 86400), "+ B2 20000 ÷ 28800"),
]


@pytest.mark.parametrize(
    ("code", "level", "subject", "params", "expected", "why"),
    CASES,
    ids=[f"{c[0]}-{c[2]}-{i}" for i, c in enumerate(CASES)],
)
def test_source_call_indicator(eng, code, level, subject, params, expected, why):
    value = _value(eng, code, level, subject, params)
    assert _exact(value, expected), f"{code} {subject} {params}: {value} != {expected} ({why})"


def test_ob_csat_is_the_mean_of_the_natural_month():
    """The source's example a=0, b=1, c=2, d=2, e=3 written as the weighted formula."""
    a, b, c, d, e = 0, 1, 2, 2, 3
    assert F(a * 1 + b * 2 + c * 3 + d * 4 + e * 5, a + b + c + d + e) == F(31, 8) == 3.875


def test_february_and_april_ob_calls_stay_in_their_month(eng):
    assert _value(eng, "ob_csat_mean", "employee", "B5", period="2026-02") == 1  # OF
    assert _value(eng, "ob_csat_mean", "employee", "B5", period="2026-04") == 1  # OA


def test_explain_lists_the_queue_calls_of_the_team(eng):
    out = eng.explain("answer_rate", "TA", M)
    assert out["value"] == Decimal("0.9")
    num, den = out["parts"]
    assert num["count"] == 9 and den["count"] == 10
    assert "N1" in [r["call_id"] for r in den["records"]]
    out = eng.explain("answer_rate", "B1", M)  # an employee: only the calls that reached B1
    assert out["parts"][1]["count"] == 5


def test_intervals_by_team_attribute_queue_calls(eng):
    rows = eng.intervals("2026-03-05", minutes=60, indicators=["calls_offered"], level="team")
    nine = {r["subject"]: r["calls_offered"] for r in rows if r["interval_start"].hour == 9}
    assert nine["TA"] == 5  # M1–M4 and N1 (abandoned in Q1)
    assert rows[0]["interval_start"] == datetime(2026, 3, 5, 0, 0)


def test_a_queue_nobody_answered_stays_with_the_centre(eng):
    teams = eng.compute(M, "team", ["calls_offered"])
    by = {r["subject"]: r["calls_offered"] for r in teams}
    assert by == {"TA": 10, "TB": 4, "TC": 2, "TO": 1}  # 17 of 19: R1 (Q3), S1 (no queue) left
    assert _value(eng, "calls_offered", "center", "center") == 19
