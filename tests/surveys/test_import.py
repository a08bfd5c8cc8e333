"""Survey import, the dealer CS figures from a file (the worked example), follow-ups, callback
plans, scoping and the rows written to the records store."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from csperf.core.errors import InvalidInput, InvalidTransition, NotAllowed
from csperf.surveys import actions
from csperf.surveys.actions import SurveyImportFailed
from csperf.surveys.models import FollowUp, Response
from csperf.surveys.reports import survey_figures
from tests.surveys.conftest import write_csv

pytestmark = pytest.mark.django_db

HEADER = ["回访编号", "回访时间", "回访状态", "客户编号", "销售顾问", "q1", "q2", "q3", "q4"]
# The worked example of tests/surveys/test_scoring.py: E001 plays S01 and E002 plays S02.
ROWS = [
    ["G", "2026-02-10 10:00", "完成", "C7", "E001", "一般", "一般", "一般", "一般"],
    ["A", "2026-03-02 10:00", "完成", "C1", "E001", "很好", "很好", "一般", "很好"],
    ["B", "2026-03-05 10:00", "完成", "C2", "E001", "比较满意", "一般", "一般", "不满意"],
    ["C", "2026-03-06 10:00", "拒访", "C3", "E001", "", "", "", ""],
    ["D", "2026-03-07 10:00", "未接通", "C4", "E001", "", "", "", ""],
    ["E", "2026-03-20 10:00", "完成", "C5", "E001", "投诉", "一般", "很好", "很好"],
    ["H", "2026-03-21 10:00", "完成", "C8", "E002", "很好", "很好", "很好", "一般"],
    ["F", "2026-04-03 10:00", "完成", "C6", "E001", "很好", "很好", "很好", "很好"],
]


@pytest.fixture
def imported(sv, tmp_path, django_capture_on_commit_callbacks):
    path = write_csv(tmp_path / "sales.csv", HEADER, ROWS)
    with django_capture_on_commit_callbacks(execute=True):
        imp = actions.import_responses(sv.users["reviewer"], sv.surveys["dealer-sales"], path)
    return imp


def test_dealer_sales_figures_match_the_hand_worked_example(sv, imported):
    assert imported.rows == 8
    rows = {
        (r["subject"], r["period"]): r
        for r in survey_figures(sv.users["hr"], sv.surveys["dealer-sales"])
    }
    mar = rows[("E001", "2026-03")]
    assert (mar["attempts"], mar["completed"], mar["refused"], mar["unreachable"]) == (5, 3, 1, 1)
    assert round(mar["cs_mean"], 4) == D("77.0833")
    q = {
        (r["subject"], r["period"]): r
        for r in survey_figures(sv.users["hr"], sv.surveys["dealer-sales"], grain="quarter")
    }
    assert q[("E001", "2026-Q1")]["cs_mean"] == D("76.5625")
    y = {
        (r["subject"], r["period"]): r
        for r in survey_figures(sv.users["hr"], sv.surveys["dealer-sales"], grain="year")
    }
    assert y[("E001", "2026")]["cs_mean"] == D("81.25")
    team = {
        (r["subject"], r["period"]): r
        for r in survey_figures(sv.users["hr"], sv.surveys["dealer-sales"], by="team")
    }
    assert team[("T1", "2026-03")]["cs_mean"] == D("81.25")


def test_dissatisfied_answers_open_followups(sv, imported):
    # B (不满意 25) and E (投诉 0) are below 60; G's 一般 (75) is not
    tasks = {f.response.response_id: f for f in FollowUp.objects.select_related("response")}
    assert set(tasks) == {"B", "E"}
    b = tasks["B"]
    assert (
        b.owner == sv.users["supervisor"] and str(b.due_on) == "2026-03-08" and b.team.code == "T1"
    )
    assert "不满意" not in b.reason and "25" in b.reason
    with pytest.raises(NotAllowed):
        actions.close_followup(sv.users["colleague"], b, outcome="resolved", notes="x")
    with pytest.raises(InvalidInput):
        actions.close_followup(sv.users["supervisor"], b, outcome="resolved", notes="")
    actions.work_followup(sv.users["supervisor"], b, notes="已致电客户, 约定周五回电")
    assert b.status == "in_progress"
    actions.close_followup(
        sv.users["supervisor"], b, outcome="resolved", notes="补送保养券, 客户满意"
    )
    assert (
        b.status == "closed" and b.closed_by == sv.users["supervisor"] and "补送保养券" in b.notes
    )
    with pytest.raises(InvalidTransition):
        actions.close_followup(sv.users["supervisor"], b, outcome="resolved", notes="again")


def test_reimport_replaces_and_keeps_followups(
    sv, imported, tmp_path, django_capture_on_commit_callbacks
):
    rows = [r[:] for r in ROWS if r[0] in ("B",)]
    rows[0][8] = "很好"
    path = write_csv(tmp_path / "again.csv", HEADER, rows)
    with django_capture_on_commit_callbacks(execute=True):
        imp = actions.import_responses(sv.users["reviewer"], sv.surveys["dealer-sales"], path)
    assert imp.replaced == 1 and Response.objects.count() == 8
    b = Response.objects.get(response_id="B")
    assert b.credits.get().cs == D("87.5") and hasattr(b, "followup")


def test_store_rows(sv, imported, store_dir):
    from csperf.ingest.store import open_store

    with open_store(store_dir) as store:
        t = store.table("surveys")
        rows = {r["survey_id"]: r for r in t.to_pyarrow().to_pylist()}
    assert len(rows) == 8
    a = rows["dealer-sales:A:sales:E001"]
    assert (a["agent_id"], a["status"], a["kind"], a["cs_score"]) == (
        "E001",
        "completed",
        "callback",
        D("93.750"),
    )
    assert rows["dealer-sales:C:sales:E001"]["status"] == "refused"
    assert rows["dealer-sales:C:sales:E001"]["cs_score"] is None


def test_errors_name_file_row_and_column_and_store_nothing(sv, tmp_path):
    rows = [
        ["A", "2026-03-02 10:00", "完成", "C1", "E999", "很好", "很好", "一般", "很好"],
        ["B", "2026-13-05", "完成", "C2", "E001", "比较满意", "一般", "还行", "不满意"],
        ["C", "2026-03-06 10:00", "也许", "C3", "E001", "", "", "", ""],
        ["A", "2026-03-06 10:00", "拒访", "C3", "E001", "", "", "", ""],
    ]
    path = write_csv(tmp_path / "bad.csv", HEADER, rows)
    with pytest.raises(SurveyImportFailed) as exc:
        actions.import_responses(sv.users["reviewer"], sv.surveys["dealer-sales"], path)
    text = "\n".join(exc.value.problems)
    assert "bad.csv:2:销售顾问: 不存在员工 E999" in text
    assert "bad.csv:3:回访时间: '2026-13-05' 不是日期时间" in text
    assert "bad.csv:3:q3: '还行' 既不是 0–100 的分数" in text
    assert "bad.csv:4:回访状态: '也许' 不是回访状态" in text
    assert "bad.csv:5:回访编号: A 与第 2 行重复" in text
    assert Response.objects.count() == 0


def test_missing_columns(sv, tmp_path):
    path = write_csv(tmp_path / "cols.csv", ["编号", "q1"], [["A", "很好"]])
    with pytest.raises(SurveyImportFailed) as exc:
        actions.import_responses(sv.users["reviewer"], sv.surveys["dealer-sales"], path)
    text = "\n".join(exc.value.problems)
    # (the default language: zh) each problem in Chinese, its columns and codes as params
    assert "cols.csv:1: 缺少必填列：调研时间 / 时间" in text
    assert "cols.csv:1: 没有列写明回访针对的人员（坐席工号, 销售顾问）" in text


def test_only_owner_or_hr_imports(sv, tmp_path):
    path = write_csv(tmp_path / "x.csv", HEADER, ROWS[:1])
    for who in ("agent", "supervisor", "outsider"):
        with pytest.raises(NotAllowed):
            actions.import_responses(sv.users[who], sv.surveys["dealer-sales"], path)


def test_after_sales_multi_team_repair(sv, tmp_path):
    header = [
        "回访编号",
        "回访时间",
        "状态",
        "服务顾问",
        "维修技师",
        "维修班组",
        "a1",
        "a2",
        "t1",
        "w1",
    ]
    rows = [
        [
            "R1",
            "2026-03-09",
            "完成",
            "E001",
            "E002、E003",
            "T1、T2",
            "很好",
            "一般",
            "比较满意",
            "一般",
        ],
        ["R2", "2026-03-10", "完成", "E001", "E002", "T1", "不满意", "很好", "一般", "很好"],
    ]
    path = write_csv(tmp_path / "service.csv", header, rows)
    actions.import_responses(sv.users["hr"], sv.surveys["dealer-service"], path)
    emp = {
        (r["subject"], r["role"] or "x"): r["cs_mean"]
        for r in survey_figures(sv.users["hr"], sv.surveys["dealer-service"])
    }
    assert emp == {("E001", "x"): D(75), ("E002", "x"): D("87.5"), ("E003", "x"): D(100)}
    team = {
        (r["subject"], r["role"]): r["cs_mean"]
        for r in survey_figures(sv.users["hr"], sv.surveys["dealer-service"], by="team")
    }
    assert team[("T1", "workshop")] == D("87.5") and team[("T2", "workshop")] == D(75)


def test_callback_plan_and_rate(sv, imported, store_dir, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        actions.set_callback_plan(
            sv.users["supervisor"],
            sv.surveys["dealer-sales"],
            period="2026-03",
            employee=sv.employees["agent"],
            planned=4,
        )
    rows = {
        (r["subject"], r["period"]): r
        for r in survey_figures(sv.users["hr"], sv.surveys["dealer-sales"])
    }
    assert rows[("E001", "2026-03")]["planned"] == 4 and rows[("E001", "2026-03")][
        "callback_rate"
    ] == D("0.75")
    with pytest.raises(NotAllowed):  # T1's supervisor cannot plan for T2
        actions.set_callback_plan(
            sv.users["supervisor"],
            sv.surveys["dealer-sales"],
            period="2026-03",
            employee=sv.employees["other_team_agent"],
            planned=4,
        )
    with pytest.raises(InvalidInput):
        actions.set_callback_plan(
            sv.users["hr"],
            sv.surveys["dealer-sales"],
            period="2026-Q1",
            employee=sv.employees["agent"],
            planned=4,
        )
    from csperf.ingest.store import open_store

    with open_store(store_dir) as store:
        (row,) = store.table("plans").to_pyarrow().to_pylist()
    assert (row["org_unit"], row["plan_code"], row["planned"], row["actual"]) == (
        "E001",
        "callbacks:dealer-sales",
        D(4),
        D(3),
    )
    # A card's callback_plan_rate is the same figure, from the records store.
    from csperf.ingest.importer import import_file
    from csperf.metrics.scorecard import build_score_input

    roster = store_dir / "employees.csv"
    roster.write_text(
        "id,name,team,department,position,hired_at\nE001,张三,T1,D1,agent,2025-01-01\n",
        encoding="utf-8",
    )
    with open_store(store_dir) as store:
        import_file("employees", roster, store=store)
    doc = build_score_input(
        {"callback_plan_rate", "callback_rate"}, "2026-03", employees=["E001"], data_dir=store_dir
    )
    (values,) = [e["values"] for e in doc["employees"]]
    assert values["callback_plan_rate"] == D("0.75")  # 3 done of the 4 planned
    assert values["callback_rate"] == D("0.75")  # §4 回访率: customers called back ÷ planned


def test_figures_are_scoped(sv, imported):
    own = survey_figures(sv.users["agent"], sv.surveys["dealer-sales"])
    assert {r["subject"] for r in own} == {"E001"}
    assert survey_figures(sv.users["other_team_agent"], sv.surveys["dealer-sales"]) == []
    assert {
        r["subject"] for r in survey_figures(sv.users["supervisor"], sv.surveys["dealer-sales"])
    } == {"E001", "E002"}
    assert survey_figures(sv.users["outsider"], sv.surveys["dealer-sales"]) == []
