"""Survey and customer indicators against the sources' own definitions and numbers
(schemes.md §4, §3.1, §3.6, §3.7, §3.11, §3.13, §3.15, §3.27), on a small store of their own.

Roster: G1 = M1, M2 (电话经理, owners of customers); G4 = X1 (回访专员); G2 = SC1, SC2 (销售顾问),
SA1, SA2 (服务顾问); G3 = W1, W2 (维修班组长: a crew's id is its leader's employee id).
Months: 2026-03 满意度/NPS (X1); 2026-04 回访 and the customer register (M1); 2026-05 投诉修复;
2026-06 挂钩客户满意度/知晓度; 2026-07…09 (2026-Q3) the dealer CS of §3.13.
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
    "csat_mean",
    "csat_top2",
    "nps",
    "callback_rate",
    "callback_authenticity_rate",
    "key_customer_callback_rate",
    "complaint_repair_satisfaction",
    "owned_customer_satisfaction",
    "owned_customer_awareness",
    "dealer_cs_index",
    "cs_index",
    "sa_cs_index",
    "sa_question_cs",
    "workshop_cs_index",
    "key_customer_churn",
    "retention_rate",
    "churn_rate",
    "bundle_rate",
    "second_contact_rate",
}

FILES = {
    "employees": """
        id,name,team,department,position,hired_at
        M1,经理甲,G1,D1,电话经理,2020-01-01
        M2,经理乙,G1,D1,电话经理,2020-01-01
        X1,回访专员,G4,D1,回访专员,2020-01-01
        SC1,销售顾问甲,G2,D2,销售顾问,2020-01-01
        SC2,销售顾问乙,G2,D2,销售顾问,2020-01-01
        SA1,服务顾问甲,G2,D2,服务顾问,2020-01-01
        SA2,服务顾问乙,G2,D2,服务顾问,2020-01-01
        W1,一班,G3,D2,维修班组长,2020-01-01
        W2,二班,G3,D2,维修班组长,2020-01-01
    """,
    "plans": """
        org_unit,period,plan_code,planned
        M1,2026-04,callbacks,8
    """,
    # KE is acquired on 2026-05-01 (not held in April); KI is acquired and lost in April
    "customers": """
        customer_id,tier,owner_id,acquired_at,lost_at,lost_reason,bundled,second_contact
        KA,vip,M1,2025-01-01,,,true,true
        KB,key,M1,2025-01-01,,,false,true
        KC,vip,M1,2025-01-01,2026-04-10,服务不满意,true,false
        KD,normal,M1,2025-01-01,,,true,false
        KE,vip,M1,2026-05-01,,,true,false
        KF,vip,M1,2025-01-01,2026-03-15,价格原因,false,false
        KH,key,M1,2025-06-01,2026-04-20,客户服务响应慢,false,false
        KI,vip,M1,2026-04-05,2026-04-25,搬迁,false,false
        KG,vip,M2,2025-01-01,,,true,false
    """,
    "surveys": """
        survey_id,kind,agent_id,customer_id,surveyed_at,status,score,nps,answers,verified,crew_ids
        S1,csat,X1,,2026-03-02 10:00:00,completed,2,,,,
        S2,csat,X1,,2026-03-02 11:00:00,completed,3,,,,
        S3,csat,X1,,2026-03-02 12:00:00,completed,3,,,,
        S4,csat,X1,,2026-03-03 10:00:00,completed,4,,,,
        S5,csat,X1,,2026-03-03 11:00:00,completed,4,,,,
        S6,csat,X1,,2026-03-04 10:00:00,completed,5,,,,
        S7,csat,X1,,2026-03-04 11:00:00,completed,5,,,,
        S8,csat,X1,,2026-03-04 12:00:00,completed,5,,,,
        S9,csat,X1,,2026-03-05 10:00:00,refused,1,,,,
        S10,csat,X1,,2026-03-05 11:00:00,unreachable,,,,,
        P1,nps,X1,,2026-03-06 10:00:00,completed,,10,,,
        P2,nps,X1,,2026-03-06 11:00:00,completed,,9,,,
        P3,nps,X1,,2026-03-06 12:00:00,completed,,9,,,
        P4,nps,X1,,2026-03-07 10:00:00,completed,,8,,,
        P5,nps,X1,,2026-03-07 11:00:00,completed,,7,,,
        P6,nps,X1,,2026-03-07 12:00:00,completed,,6,,,
        P7,nps,X1,,2026-03-08 10:00:00,refused,,0,,,
        R1,callback,M1,C1,2026-04-02 10:00:00,completed,,,,true,
        R2,callback,M1,C1,2026-04-12 10:00:00,completed,,,,true,
        R3,callback,M1,C2,2026-04-03 10:00:00,completed,,,,false,
        R4,callback,M1,C3,2026-04-04 10:00:00,refused,,,,true,
        R5,callback,M1,C4,2026-04-05 10:00:00,unreachable,,,,,
        R6,callback,X1,KA,2026-04-06 10:00:00,completed,,,,,
        R7,callback,M1,KC,2026-04-07 10:00:00,completed,,,,,
        R8,callback,M1,KB,2026-04-08 10:00:00,refused,,,,,
        R9,callback,M1,KD,2026-04-09 10:00:00,completed,,,,,
        T1,complaint_repair,X1,,2026-05-04 10:00:00,completed,5,,,,
        T2,complaint_repair,X1,,2026-05-04 11:00:00,completed,4,,,,
        T3,complaint_repair,X1,,2026-05-04 12:00:00,completed,3,,,,
        T4,complaint_repair,X1,,2026-05-05 10:00:00,completed,2,,,,
        T5,complaint_repair,X1,,2026-05-05 11:00:00,refused,1,,,,
        O1,csat,X1,KA,2026-06-02 10:00:00,completed,5,,,,
        O2,csat,X1,KA,2026-06-03 10:00:00,completed,3,,,,
        O3,csat,X1,KB,2026-06-04 10:00:00,completed,4,,,,
        O4,csat,X1,KD,2026-06-05 10:00:00,completed,2,,,,
        O5,csat,X1,KG,2026-06-06 10:00:00,completed,5,,,,
        O6,csat,X1,,2026-06-07 10:00:00,completed,5,,,,
        O7,csat,X1,KB,2026-06-08 10:00:00,refused,,,,,
        A1,awareness,X1,KA,2026-06-09 10:00:00,completed,1,,,,
        A2,awareness,X1,KB,2026-06-09 11:00:00,completed,0,,,,
        A3,awareness,X1,KC,2026-06-09 12:00:00,completed,1,,,,
        A4,awareness,X1,KD,2026-06-10 10:00:00,completed,1,,,,
        A5,awareness,X1,KB,2026-06-10 11:00:00,refused,,,,,
        D1,callback,SC1,,2026-07-01 10:00:00,completed,,,q1=很好;q2=非常满意;q3=基本满意;q4=100,,
        D2,callback,SC1,,2026-07-02 10:00:00,completed,,,q1=100;q2=100;q3=100;q4=100,,
        D3,callback,SC1,,2026-07-03 10:00:00,completed,,,q1=比较满意;q2=一般;q3=100;q4=75,,
        D4,callback,SC1,,2026-07-04 10:00:00,completed,,,q1=100;q2=100;q3=100;q4=一般,,
        D5,callback,SC1,,2026-07-05 10:00:00,refused,,,,,
        D6,callback,SC2,,2026-07-05 11:00:00,refused,,,,,
        D7,callback,SC1,,2026-08-03 10:00:00,completed,,,q1=100;q2=100;q3=100;q4=100;q5=100;q6=100,,
        E1,callback,SA1,,2026-07-06 10:00:00,completed,,,q1=100;q2=100;q3=100;q4=75,,W1
        E2,callback,SA1,,2026-07-07 10:00:00,completed,,,q1=75;q2=75;q3=75;q4=75,,W1
        E3,callback,SA1,,2026-08-04 10:00:00,completed,,,q1=100;q2=100;q4=100,,
        E4,callback,SA1,,2026-08-05 10:00:00,completed,,,q1=75;q2=100;q4=75,,
        E5,callback,SA1,,2026-08-06 10:00:00,completed,,,q1=100;q2=100;q4=75,,
        G1,callback,SA2,,2026-08-07 10:00:00,completed,,,q3=100,,W2
        G2,callback,SA2,,2026-08-08 10:00:00,completed,,,q3=75,,W2
        G3,callback,SA2,,2026-08-09 10:00:00,completed,,,q3=不满意,,W2
        H1,callback,SA2,,2026-09-01 10:00:00,completed,,,q3=75,,"W1, W2"
        H2,callback,SA2,,2026-09-02 10:00:00,completed,,,q3=100,,W1
        H3,callback,SA2,,2026-09-03 10:00:00,completed,,,q3=投诉,,W2
        H4,callback,SA2,,2026-09-04 10:00:00,refused,,,,,W1
    """,
}


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    from csperf.metrics import Engine

    files = tmp_path_factory.mktemp("survey_files")
    store = open_store(tmp_path_factory.mktemp("survey_store"))
    for kind, text in FILES.items():
        path = files / f"{kind}.csv"
        path.write_text(textwrap.dedent(text).strip() + "\n", encoding="utf-8")
        import_file(kind, path, store=store)
    eng = Engine(store)
    yield eng
    eng.close()


def value(engine, code, period, subject, params=None):
    level = "team" if subject.startswith("G") else "employee"
    rows = engine.compute(period, level, [code], {code: params} if params else None)
    (row,) = [r for r in rows if r["subject"] == subject]
    return row[code]


def exact(v, expected) -> bool:
    if expected is None:
        return v is None
    if isinstance(expected, F):
        expected = Decimal(expected.numerator) / Decimal(expected.denominator)
    return v is not None and abs(Decimal(v) - Decimal(expected)) < Decimal("1e-20")


# (indicator, period, subject, params, expected, how it is worked out)
CASES = [
    # §4 客户满意度 = 接受调研的客户满意度评分的算术平均 (completed only). The scores of §3.15's
    # example B (a=0, b=1, c=2, d=2, e=3): (2 + 6 + 8 + 15)/8 = 3.875; S9 refused (its 1 is not
    # counted), S10 unreachable
    ("csat_mean", "2026-03", "X1", {}, F(31, 8), "(2+3+3+4+4+5+5+5)/8"),
    # top two boxes (4–5 of 5): S4 S5 S6 S7 S8 of the 8 completed
    ("csat_top2", "2026-03", "X1", {}, F(5, 8), "5 of 8"),
    # §4 NPS = 推荐者比例 − 贬损者比例: 10 9 9 promoters, 8 7 passive, 6 detractor; P7 refused →
    # 3/6 − 1/6 = 1/3
    ("nps", "2026-03", "X1", {}, F(1, 3), "3/6 − 1/6"),
    # §4 客户回访率 = 实际回访客户数 ÷ 计划回访客户数: M1 called back customers C1 (twice: R1 R2),
    # C2, KC, KD (R4 refused, R5 unreachable, R8 refused) = 4 customers ÷ the plan's 8
    ("callback_rate", "2026-04", "M1", {"denominator": "plan"}, F(1, 2), "4 customers ÷ 8"),
    # the attempts reading: 5 completed (R1 R2 R3 R7 R9) of 8 attempts
    ("callback_rate", "2026-04", "M1", {}, F(5, 8), "5 of 8 attempts"),
    # §3.6 回访真实度: spot-checked R1 true, R2 true, R3 false, R4 true (R5 not checked) → 3/4
    ("callback_authenticity_rate", "2026-04", "M1", {}, F(3, 4), "3 of 4 checked"),
    # §3.1 本月至少回访一次的重点客户比例: M1's key customers held in April: KA KB KC (lost
    # 04-10) KH (lost 04-20) KI (04-05 to 04-25); KE (from May) and KF (lost in March) are not;
    # called back: KA (by X1: whoever called) and KC; KB refused → 2/5
    ("key_customer_callback_rate", "2026-04", "M1", {}, F(2, 5), "KA KC of 5"),
    # §4 投诉修复满意度: second surveys of complainants T1 5, T2 4 satisfied (≥ 4, inclusive), T3 3,
    # T4 2; T5 refused → 2/4
    ("complaint_repair_satisfaction", "2026-05", "X1", {}, F(1, 2), "T1 T2 of 4"),
    # §3.11 个人挂钩客户满意度: completed csat surveys of M1's customers O1 KA 5, O2 KA 3 (each
    # survey counts), O3 KB 4, O4 KD 2 → top two O1 O3 = 2/4; O5 (KG) is M2's, O6 has no customer
    ("owned_customer_satisfaction", "2026-06", "M1", {}, F(1, 2), "O1 O3 of O1–O4"),
    ("owned_customer_satisfaction", "2026-06", "M2", {}, 1, "O5"),
    # §3.11 个人挂钩客户知晓度: A1 KA 1, A2 KB 0, A3 KC 1, A4 KD 1 (A5 refused) → 3/4
    ("owned_customer_awareness", "2026-06", "M1", {}, F(3, 4), "A1 A3 A4 of 4"),
    # §3.13 example A (销售顾问): (100,100,75,100) 93.75, (100,100,100,100) 100, (100,75,100,75)
    # 87.5, (100,100,100,75) 93.75, one refused left out → 375/4 = 93.75
    ("dealer_cs_index", "2026-07", "SC1", {}, F(9375, 100), "375 / 4"),
    ("cs_index", "2026-07", "SC1", {}, F(9375, 100), "the old name"),
    # example B: no successful callback → no CS (the item is excluded)
    ("dealer_cs_index", "2026-07", "SC2", {}, None, "D6 refused"),
    # a six-question survey all 100: CS over q1–q4 = 100, never 150
    ("dealer_cs_index", "2026-08", "SC1", {}, 100, "D7"),
    # the quarter over its customers: (375 + 100) / 5 = 95, not the mean of months (96.875)
    ("dealer_cs_index", "2026-Q3", "SC1", {}, 95, "475 / 5"),
    # §3.13 example A (SA): (100,100,·,75) → 91.6667 and (75,75,·,75) → 75: 500/6 = 83.33
    ("sa_cs_index", "2026-07", "SA1", {}, F(250, 3), "(275 + 225) / 6"),
    ("sa_question_cs", "2026-07", "SA1", {"question": "q1"}, F(175, 2), "q1 (100 + 75)/2"),
    ("sa_question_cs", "2026-07", "SA1", {"question": "q2"}, F(175, 2), "q2 (100 + 75)/2"),
    ("sa_question_cs", "2026-07", "SA1", {"question": "q4"}, 75, "q4 (75 + 75)/2"),
    # §3.13 example B (SA): (100,100,–,100) 100, (75,100,–,75) 83.33, (100,100,–,75) 91.67 →
    # 825/9 = 91.67; q1 275/3, q2 100, q4 250/3
    ("sa_cs_index", "2026-08", "SA1", {}, F(275, 3), "825 / 9"),
    ("sa_question_cs", "2026-08", "SA1", {"question": "q1"}, F(275, 3), ""),
    ("sa_question_cs", "2026-08", "SA1", {"question": "q2"}, 100, ""),
    ("sa_question_cs", "2026-08", "SA1", {"question": "q4"}, F(250, 3), ""),
    # the 车间 of example A's two cars (crew W1): q3 100 and 75 → 87.5
    ("workshop_cs_index", "2026-07", "W1", {}, F(175, 2), "(100 + 75) / 2"),
    # 车间 example B (crew W2): q3 100, 75, 不满意 (25) → 200/3 = 66.67
    ("workshop_cs_index", "2026-08", "W2", {}, F(200, 3), "(100 + 75 + 25) / 3"),
    # 多班组作业车辆维修质量CS评分共享: H1 (q3 75) is W1's and W2's; W1 also H2 100, W2 H3 投诉 0;
    # H4 refused → W1 (75 + 100)/2, W2 (75 + 0)/2
    ("workshop_cs_index", "2026-09", "W1", {}, F(175, 2), "H1 H2"),
    ("workshop_cs_index", "2026-09", "W2", {}, F(75, 2), "H1 H3"),
    # the quarter over callbacks: W1 100 75 75 100 → 87.5; W2 100 75 25 75 0 → 55
    ("workshop_cs_index", "2026-Q3", "W2", {}, 55, "275 / 5"),
    # SA2's callbacks answered q3 only: no SA CS
    ("sa_cs_index", "2026-08", "SA2", {}, None, "no q1/q2/q4"),
    # §4 大客户流失数 (§3.7 因客户服务原因): key customers lost in April KC 服务不满意, KH 客户服务
    # 响应慢, KI 搬迁 → 3; with reasons 服务 → KC KH = 2
    ("key_customer_churn", "2026-04", "M1", {}, 3, "KC KH KI"),
    ("key_customer_churn", "2026-04", "M1", {"reasons": "服务"}, 2, "KC KH"),
    # §4 单月流失率 = lost in the month ÷ held at its start: held on 04-01 KA KB KC KD KH; lost
    # KC KH → 2/5; counting KI (acquired and lost in April) as well → 3/5
    ("churn_rate", "2026-04", "M1", {}, F(2, 5), "KC KH of 5"),
    ("churn_rate", "2026-04", "M1", {"include_new": "true"}, F(3, 5), "+ KI"),
    # §4 保有率 against the year-start base: held on 2026-01-01 KA KB KC KD KF KH (6); still held
    # at the end of April KA KB KD → 3/6; at the end of March (KF lost) → 5/6
    ("retention_rate", "2026-04", "M1", {"base": "year_start"}, F(1, 2), "3 of 6"),
    ("retention_rate", "2026-03", "M1", {"base": "year_start"}, F(5, 6), "5 of 6"),
    # the period-start base: (5 − 2) / 5
    ("retention_rate", "2026-04", "M1", {}, F(3, 5), "KA KB KD of 5"),
    # §3.11 捆绑率: held at the end of April KA KB KD (KE comes on 05-01) → bundled KA KD = 2/3;
    # at the end of May KE too → 3/4; team G1 in April adds M2's KG (bundled) → 3/4
    ("bundle_rate", "2026-04", "M1", {}, F(2, 3), "KA KD of 3"),
    ("bundle_rate", "2026-05", "M1", {}, F(3, 4), "KA KD KE of 4"),
    ("bundle_rate", "2026-04", "G1", {}, F(3, 4), "M1 2/3 + M2 1/1"),
    # §3.11 第二联系方式完善率: KA KB of KA KB KD → 2/3; team G1 (KG none) → 2/4
    ("second_contact_rate", "2026-04", "M1", {}, F(2, 3), "KA KB of 3"),
    ("second_contact_rate", "2026-04", "G1", {}, F(1, 2), "2 of 4"),
]


@pytest.mark.parametrize(
    ("code", "period", "subject", "params", "expected", "why"),
    CASES,
    ids=[f"{c[0]}-{c[1]}-{c[2]}-{i}" for i, c in enumerate(CASES)],
)
def test_source_definition(engine, code, period, subject, params, expected, why):
    got = value(engine, code, period, subject, params)
    assert exact(got, expected), f"{code} {subject} {period}: {got} != {expected} ({why})"


def test_the_stored_cs_of_a_six_question_callback_uses_q1_to_q4(engine):
    t = engine.store.table("surveys")
    row = t.filter(t.survey_id == "D7").select("cs_score", "q5", "q6").to_pyarrow().to_pylist()
    assert row == [
        {"cs_score": Decimal("100.000"), "q5": Decimal("100.000"), "q6": Decimal("100.000")}
    ]


def test_explain_shows_each_crew_of_a_shared_job(engine):
    out = engine.explain("workshop_cs_index", "W2", "2026-09")
    num = next(p for p in out["parts"] if p["role"] == "numerator")
    assert [r["survey_id"] for r in num["records"]] == ["H1", "H3"]
    assert num["sum"] == 75
