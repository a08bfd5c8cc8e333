"""A small centre written by hand; every expected value in test_indicators.py is worked out from it.

Roster: A1, A2 (team T1), A3 (team T2), all department D1; A4 (team T3, D2); inspector Q1 and
team leader S1; A5 left on 2026-02-15 (not active in March).
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from csperf.ingest.importer import import_file
from csperf.ingest.store import open_store

FILES = {
    # Chinese headers on purpose: they are accepted as written in docs/records.md
    "employees.csv": """
        工号,姓名,班组,部门,岗位,上级,入职日期,离职日期
        S1,组长,T1,D1,班长,,2020-01-01,
        A1,Alice,T1,D1,话务员,S1,2024-01-01,
        A2,Bob,T1,D1,话务员,S1,2024-01-01,
        A3,Cara,T2,D1,客户经理,S1,2024-01-01,
        A4,Dan,T3,D2,电商客服,S1,2024-01-01,
        Q1,Quinn,QC,D1,质检员,S1,2024-01-01,
        A5,Eve,T2,D1,话务员,S1,2024-01-01,2026-02-15
    """,
    "calls.csv": """
        call_id,direction,agent_id,customer_id,customer_tier,offered_at,wait_s,talk_s,hold_s,wrap_s,outcome,transferred,rating
        C1,inbound,A1,K1,VIP,2026-03-02 09:00:00,10,100,20,10,answered,0,5
        C2,inbound,A1,K2,normal,2026-03-02 09:10:00,30,200,0,20,answered,1,3
        C3,inbound,A2,K1,vip,2026-03-02 09:15:00,20,150,0,30,answered,0,4
        C4,inbound,,K3,normal,2026-03-02 09:30:00,3,,,,abandoned,,
        C5,inbound,,K4,normal,2026-03-02 09:40:00,40,,,,abandoned,,
        C6,inbound,,K5,normal,2026-03-02 09:50:00,0,,,,blocked,,
        C7,inbound,A3,K6,normal,2026-03-03 10:05:00,25,300,0,0,answered,0,
        C8,inbound,,K7,normal,2026-03-03 10:10:00,120,,,,timeout,,
        C9,outbound,A2,K8,normal,2026-03-03 11:00:00,0,60,0,5,connected,0,
        C10,outbound,A2,K9,normal,2026-03-03 11:05:00,0,0,0,0,no_answer,0,
        C11,inbound,A1,K13,normal,2026-02-28 23:59:59,5,50,0,0,answered,0,
        C12,inbound,A1,K11,normal,2026-04-01 00:00:00,5,50,0,0,answered,0,
        C13,inbound,A3,K6,normal,2026-03-05 10:00:00,5,100,0,0,answered,0,
        C14,inbound,A1,K10,normal,2026-03-06 10:00:00,8,40,0,0,answered,0,
        C15,inbound,A2,K12,normal,2026-03-31 20:00:00,5,30,0,0,answered,0,
        C16,inbound,A2,K12,normal,2026-04-01 09:00:00,5,30,0,0,answered,0,
    """,
    "attendance.csv": """
        工号,日期,排班,迟到分钟,早退分钟,旷工,请假天数,换班次数,登录时长,处理时长
        A1,2026-03-02,是,3,0,否,0,0,28000,14000
        A1,2026-03-03,是,10,0,否,0,0,,
        A1,2026-03-04,是,0,0,否,0.5,0,,
        A1,2026-03-05,是,0,0,是,0,0,,
        A1,2026-03-07,否,0,0,否,0,1,,
        A2,2026-03-02,是,0,0,否,0,0,28800,20000
        A2,2026-03-03,是,0,0,否,0,0,28800,18800
        A3,2026-03-02,是,0,6,否,0,0,20000,10000
        A4,2026-03-02,是,0,0,否,0,0,,
        A2,2026-04-01,是,30,0,否,0,0,,
    """,
    "tickets.csv": """
        ticket_id,type,customer_tier,agent_id,created_at,first_response_at,resolved_at,reopen_count,first_contact_resolved,exclusion_reason,due_at,forwarded_at,satisfaction,info_error,knowledge_used,knowledge_matched,script_violations
        T1,inquiry,normal,A1,2026-03-02 10:00:00,2026-03-02 10:30:00,2026-03-02 12:00:00,0,1,,,,5,0,1,1,0
        T2,complaint,vip,A1,2026-03-02 11:00:00,2026-03-02 13:30:00,2026-03-05 11:00:00,1,0,,2026-03-04 11:00:00,2026-03-02 11:20:00,2,,,,
        T3,complaint,normal,A2,2026-03-03 09:00:00,2026-03-03 09:45:00,2026-03-03 15:00:00,0,1,,,,4,1,1,0,2
        T4,request,vip,A2,2026-03-03 10:00:00,2026-03-03 10:10:00,,0,,,,2026-03-03 11:00:00,,,,,
        T5,inquiry,normal,A3,2026-03-04 08:00:00,,2026-03-04 09:00:00,0,1,system failure,,,,,,,
        T6,feedback,normal,A3,2026-03-04 09:00:00,2026-03-04 12:00:00,2026-03-05 09:00:00,0,0,,2026-03-04 11:00:00,,,,,,
        T7,inquiry,normal,A1,2026-02-20 09:00:00,2026-02-20 09:10:00,2026-02-20 10:00:00,0,1,,,,,,,,
    """,
    "surveys.csv": """
        survey_id,kind,agent_id,customer_tier,surveyed_at,status,score,nps,answers
        V1,csat,A1,,2026-03-03 10:00:00,completed,5,10,
        V2,csat,A1,,2026-03-03 11:00:00,completed,3,6,
        V3,csat,A2,,2026-03-03 12:00:00,refused,,,
        V4,csat,A2,,2026-03-04 10:00:00,completed,4,8,
        V5,nps,A3,,2026-03-04 11:00:00,completed,,9,
        V6,callback,A3,vip,2026-03-05 10:00:00,completed,,,q1=很好;q2=一般;q3=75;q4=不满意
        V7,callback,A3,vip,2026-03-05 11:00:00,unreachable,,,
        V8,callback,A3,normal,2026-03-06 10:00:00,completed,,,"{""q1"": ""比较满意"", ""q2"": ""很好"", ""q3"": ""很好"", ""q4"": ""投诉""}"
        V9,collaboration,S1,,2026-03-10 10:00:00,completed,4,,
        V10,collaboration,S1,,2026-03-11 10:00:00,completed,5,,
        V11,collaboration,S1,,2026-03-12 10:00:00,refused,,,
    """,
    "qc.csv": """
        review_id,agent_id,inspector_id,reviewed_at,score,max_score,fatal,recheck_score,kind,origin
        R1,A1,Q1,2026-03-10 10:00:00,90,100,0,88,review,
        R2,A1,Q1,2026-03-10 11:00:00,70,100,0,80,review,
        R3,A2,Q1,2026-03-11 10:00:00,85,100,1,,review,
        R4,A3,Q1,2026-03-11 11:00:00,45,50,0,,review,
        P1,A1,Q1,2026-03-12 10:00:00,8.5,10,0,,拨测,第三方
        P2,A2,Q1,2026-03-12 11:00:00,9.5,10,0,,test_call,group
        P3,A3,Q1,2026-03-12 12:00:00,9.0,10,0,,test_call,internal
    """,
    "incidents.csv": """
        employee_id,occurred_at,kind,points,note
        A1,2026-03-03 10:00:00,praise_letter,1,
        A1,2026-03-04 10:00:00,媒体表扬,5,
        A2,2026-03-05 10:00:00,complaint_valid,-5,
        A2,2026-03-05 11:00:00,complaint_general,-2,
        A3,2026-03-06 10:00:00,service_error,,
        A3,2026-03-06 11:00:00,work_error,,
        A3,2026-03-06 12:00:00,violation,,
        A3,2026-03-06 13:00:00,serious_violation,,
        A1,2026-03-07 10:00:00,untrue_report,,
        A2,2026-03-07 11:00:00,suggestion_adopted,,
        A2,2026-03-07 12:00:00,complaint_repeat,,
        A1,2026-03-08 10:00:00,audit_correction,-3,
        A1,2026-02-08 10:00:00,praise_letter,1,
    """,
    "sales.csv": """
        employee_id,date,inquiries,buyers,orders,paid_orders,amount,refunds,cross_sell,replied,avg_response_s
        A4,2026-03-02,100,60,70,63,6300,3,7,98,20
        A4,2026-03-03,50,,40,36,"5,400.00",0,2,50,30
        A1,2026-03-02,10,2,4,2,100,1,0,,
    """,
    "plans.csv": """
        org_unit,period,plan_code,planned,actual
        center,2026-03,work_plan,100,90
        center,2026-02,work_plan,100,100
        center,2026-03,budget,1000,800
        T1,2026-03,work_plan,50,55
        D1,2026-Q1,process_improvement,10,7
        A1,2026-03,work_plan,10,8
        center,2026-03,cost,0,5000
        center,2026-03,improvement_proposals,3,4
        center,2026-03,fee_collection,1000,950
        center,2026-03,facility,200,190
        center,2026-03,survey_plan,100,80
        center,2026-03,training,20,18
        center,2026-03,certification,10,6
        center,2026-03,standard_execution,50,45
        A3,2026-03,callbacks,4,
        A3,2026-03,callbacks:dealer-sales,1,
        A3,2026-03,callbacksx,9,
    """,
    "values.csv": """
        subject,period,name,value,target
        center,2026-03,events_recorded,1,false
        T1,2026-03,monthly_exam_score,80,false
        A1,2026-03,monthly_exam_score,92,false
        A1,2026-03,calls,120,true
        T1,2026-03,calls,100,true
    """,
    "customers.csv": """
        customer_id,tier,owner_id,acquired_at,lost_at
        KA,vip,A3,2025-01-01,2026-03-10
        KB,vip,A3,2025-06-01,
        KC,normal,A3,2025-01-01,2026-02-10
        KD,key,A3,2026-03-05,2026-03-20
        KE,normal,A3,2024-01-01,
    """,
}

ORDER = [
    ("employees", "employees.csv"),
    ("calls", "calls.csv"),
    ("attendance", "attendance.csv"),
    ("tickets", "tickets.csv"),
    ("surveys", "surveys.csv"),
    ("qc_reviews", "qc.csv"),
    ("incidents", "incidents.csv"),
    ("sales", "sales.csv"),
    ("plans", "plans.csv"),
    ("customers", "customers.csv"),
    ("values", "values.csv"),
]


def write_files(d: Path) -> Path:
    d.mkdir(parents=True, exist_ok=True)
    for name, text in FILES.items():
        (d / name).write_text(textwrap.dedent(text).strip() + "\n", encoding="utf-8")
    return d


def load_into(store, files: Path) -> None:
    for kind, name in ORDER:
        import_file(kind, files / name, store=store)


@pytest.fixture(scope="session")
def sample_files(tmp_path_factory) -> Path:
    return write_files(tmp_path_factory.mktemp("records"))


@pytest.fixture(scope="session")
def sample_dir(tmp_path_factory, sample_files) -> Path:
    d = tmp_path_factory.mktemp("data")
    store = open_store(d)
    load_into(store, sample_files)
    store.close()
    return d


@pytest.fixture(scope="session")
def engine(sample_dir):
    from csperf.metrics import Engine

    eng = Engine.open(sample_dir)
    yield eng
    eng.close()
