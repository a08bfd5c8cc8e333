"""Import problems in the reader's language (issue 16.2): the importer words each problem as a
msgid and params; the import page, its CSV and the API show it translated, with its row and
column; every message the importer marks has a zh-Hans translation."""

from __future__ import annotations

import ast
from html import unescape
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

import csperf

ROSTER = "工号,姓名,班组,部门,岗位\n"
LABELS = "很好, 非常满意, 满意, 比较满意, 一般, 基本满意, 不满意, 投诉"
# an enumeration's values as the file may hold them, each with its Chinese word
CALL_OUTCOMES = (
    "answered（接通）、abandoned（放弃）、blocked（阻塞）、timeout（超时）、exited（按键退出）、"
    "connected（外呼接通）、no_answer（无人接听）、busy（占线）"
)

# (record type, file, content, problems expected: (row, column as shown, Chinese text))
CASES = [
    (
        "employees",
        "money.csv",
        "工号,姓名,班组,部门,岗位,绩效工资基数\nE1,甲,T1,D1,话务员,abc\n",
        [(2, "绩效工资基数", "不是金额：'abc'")],
    ),
    (
        "employees",
        "date.csv",
        "工号,姓名,班组,部门,岗位,入职日期\nE1,甲,T1,D1,话务员,2026-13-45\n",
        [(2, "入职日期", "不是日期（YYYY-MM-DD）：'2026-13-45'")],
    ),
    (
        "employees",
        "dup.csv",
        ROSTER + "E1,甲,T1,D1,话务员\nE1,乙,T1,D1,话务员\n",
        [(3, "工号", "重复的键 id=E1（第 2 行已有）")],
    ),
    (
        "employees",
        "header.csv",
        "工号,班组,部门,岗位\nE1,T1,D1,话务员\n",
        [(1, "姓名", "缺少必填列")],  # the importer names the field; shown by its header
    ),
    (
        "calls",
        "calls.csv",
        "呼叫编号,呼入时间,结果,坐席工号,评分\nC1,2026-03-02 09:00:00,gone,E404,five\n",
        [
            (2, "结果", f"'gone' 不是以下取值之一：{CALL_OUTCOMES}"),
            (2, "坐席工号", "“E404”不是花名册中的工号（请先导入员工花名册）"),
            (2, "评分", "不是整数：'five'"),
        ],
    ),
    (
        "calls",
        "overflow.csv",  # a whole number beyond 64 bits: a problem of its cell, not a crash
        "呼叫编号,呼入时间,结果,振铃未接次数\nC1,2026-03-02 09:00:00,abandoned,99999999999999999999\n",
        [(2, "振铃未接次数", "不是整数：'99999999999999999999'")],
    ),
    (
        "plans",
        "plans.csv",  # a period the plans hook reads (csperf.kernel.periods)
        "org_unit,period,plan_code,planned\ncenter,2026-13,x,1\n",
        [(2, "period", "'2026-13'：月份必须为 01–12")],
    ),
    (
        "surveys",
        "surveys.csv",  # answers the surveys hook reads
        "survey_id,kind,surveyed_at,status,answers\n"
        "V1,callback,2026-03-02 10:00:00,completed,q1=很好;q2=棒\n",
        [(2, "answers", f"答案 q2=“棒”既不是 0–100 的分数，也不是以下之一：{LABELS}")],
    ),
    (
        "employees",
        "broken.xlsx",
        b"PK\x03\x04" + b"\x00" * 200,  # a zip's first bytes, then nothing: no central directory
        [(None, "", "不是 .xlsx 工作簿（文件不是 zip 压缩包，可能已损坏）")],
    ),
]


@pytest.fixture
def hr(personas):
    from csperf.org.models import Membership, Role

    Membership.objects.create(user=personas["hr"], role=Role.HR)
    return personas["hr"]


def _import(client, kind: str, name: str, content: str | bytes):
    from csperf.core import jobs
    from csperf.core.models import Job

    data = content.encode() if isinstance(content, str) else content
    r = client.post("/records/", {"kind": kind, "file": SimpleUploadedFile(name, data)})
    assert r.status_code == 302
    jobs.run_pending()
    return Job.objects.filter(kind="records.import").first()


@pytest.mark.parametrize(("kind", "name", "content", "expected"), CASES, ids=[c[1] for c in CASES])
def test_bad_files_show_their_problems_in_chinese_with_row_and_column(
    client, hr, settings, tmp_path, kind, name, content, expected
):
    settings.DATA_DIR = tmp_path
    client.force_login(hr)  # the site's language: zh-hans
    job = _import(client, kind, name, content)
    assert job.status == "failed" and "未导入任何记录" in job.error
    r = client.get(f"/records/imports/{job.pk}/")
    shown = [(p["row"], p["column_text"], p["text"]) for p in r.context["problems"]]
    assert shown == expected
    page = unescape(r.content.decode())
    assert all(text in page for _, _, text in expected)
    report = client.get(f"/records/imports/{job.pk}/problems.csv").content.decode("utf-8-sig")
    assert expected[0][2].split("：")[0] in report
    # the job keeps the English text and the msgid with its params, for the CLI, logs and programs
    stored = job.result["problems"][0]
    assert stored["msgid"] and stored["message"] and stored["message"] != shown[0][2]


def test_the_same_problems_read_in_english_and_through_the_api(
    client, api_client, hr, settings, tmp_path
):
    settings.DATA_DIR = tmp_path
    client.force_login(hr)
    job = _import(client, "employees", "money.csv", CASES[0][2])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    r = client.get(f"/records/imports/{job.pk}/")
    assert [(p["row"], p["text"]) for p in r.context["problems"]] == [(2, "not an amount: 'abc'")]
    api_client.login(hr.username)
    del client.cookies[settings.LANGUAGE_COOKIE_NAME]
    out = api_client.get(f"/api/jobs/{job.pk}", HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    (problem,) = out["result"]["problems"]
    assert problem["msgid"] == "not an amount: %(value)s" and problem["params"] == {
        "value": "'abc'"
    }
    assert (problem["row"], problem["column"], problem["text"]) == (
        2,
        "绩效工资基数",
        "不是金额：'abc'",
    )


def test_a_problem_keeps_the_msgid_and_params_of_its_message_and_prints_english():
    from csperf.kernel.i18n import Message
    from csperf.kernel.problems import Problem

    message = Message("not a number: %(value)s", {"value": "'x'"})
    problem = Problem(path="", message=message, file="f.csv", row=3, column="金额")
    assert (problem.msgid, problem.params) == ("not a number: %(value)s", {"value": "'x'"})
    assert str(problem) == "f.csv:3:金额: not a number: 'x'"
    plain = Problem(path="", message="as written")
    assert (plain.msgid, plain.params) == (None, None)
    assert hash(problem) == hash(
        Problem(path="", message=message, file="f.csv", row=3, column="金额")
    )


def test_library_errors_are_our_words_where_known_else_after_our_prefix():
    from django.utils import translation

    from csperf.ingest.sources import library_error
    from csperf.records_ui.problems import render_problem

    def zh(error: str) -> str:
        message = library_error(error, suffix=".xlsx")
        problem = {"message": message, "msgid": message.msgid, "params": message.params}
        return render_problem(problem, language="zh-hans")

    assert zh("Could not find EOCD") == "不是 .xlsx 工作簿（文件不是 zip 压缩包，可能已损坏）"
    assert zh("workbook is encrypted") == "工作簿设有密码：请另存为无密码的文件"
    assert zh("Cfb error: Invalid OLE") == "无法读取文件：Cfb error: Invalid OLE"
    with translation.override("en"):
        assert str(library_error("Could not find EOCD", suffix=".ods")) == (
            "not a .ods workbook (it is not a zip archive)"
        )


def _marked_msgids() -> set[str]:
    """The msgids csperf.ingest and csperf.kernel mark with ``gettext_noop`` (the name xgettext
    and makemessages look for)."""
    package = Path(csperf.__file__).parent
    found = set()
    for f in sorted(f for d in ("ingest", "kernel") for f in (package / d).glob("*.py")):
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "gettext_noop"
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                found.add(node.args[0].value)
    return found


def test_every_message_the_importer_marks_has_a_chinese_translation():
    from django.utils import translation

    msgids = _marked_msgids()
    assert "not a number: %(value)s" in msgids and len(msgids) > 50
    with translation.override("zh-hans"):
        untranslated = sorted(m for m in msgids if translation.gettext(m) == m)
    assert untranslated == []


def test_the_limits_a_sheet_breaks_read_in_chinese():
    """The "(200 columns, 20,000,000 cells)" of a sheet too large is params too: each limit and
    the list in the reader's language; the English text stays for the command line."""
    from csperf.ingest.limits import Limits
    from csperf.ingest.sheets import check_extent
    from csperf.ingest.sources import ReadError
    from csperf.kernel.i18n import Message
    from csperf.kernel.problems import Problem
    from csperf.records_ui.problems import render_problem, stored_problem

    with pytest.raises(ReadError) as ei:
        check_extent(
            Path("far.xlsx"), 1_048_576, 16_384, Limits(), Message("the first sheet's used range")
        )
    (_, _, message) = ei.value.problems[0]
    assert "more than an import reads (200 columns, 20,000,000 cells)" in message
    problem = Problem(path="", message=message, file="far.xlsx")
    kept = stored_problem(problem, name="far.xlsx", path="/tmp/far.xlsx")
    for p in (problem, kept):
        text = render_problem(p, language="zh-hans")
        assert "（200 列、20,000,000 个单元格）" in text, text
        assert "第一个工作表" in text and "columns" not in text
        assert "(200 columns, 20,000,000 cells)" in render_problem(p, language="en")


def test_an_enumerations_values_read_with_their_chinese_words():
    from csperf.records_ui.problems import render_problem

    problem = {
        "message": "'sideways' is not one of inbound, outbound",
        "msgid": "%(value)s is not one of %(allowed)s",
        "params": {"value": "'sideways'", "allowed": "inbound, outbound"},
    }
    assert render_problem(problem, language="zh-hans", kind="calls") == (
        "'sideways' 不是以下取值之一：inbound（呼入）、outbound（呼出）"
    )
    assert render_problem(problem, language="en", kind="calls") == problem["message"]
