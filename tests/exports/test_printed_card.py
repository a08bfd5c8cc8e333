"""The printed card: xlsx from the CLI (numbers as numbers, percentages, rater columns, 说明 in
Chinese, rule in words) and the web PDF (an embedded CJK font, the xlsx's columns)."""

from __future__ import annotations

import json

import openpyxl
import pytest

from csperf.cli.main import main

TEMPLATE = """
code: print-test
version: 1
name: 打印测试表
period: month
sections:
  - code: kpi
    name: 业绩
    items:
      - {code: keep, name: 保有率, value: keep, x-unit: share, points: 20,
         rule: {type: step, target: 0.865, step: 0.01, per_step: 2}}
      - {code: late, name: 考勤, value: late, x-unit: count, points: 10,
         rule: {type: per_count, start: full, per: {late: -2}, x-kinds: {late: 迟到}}}
  - code: att
    name: 态度
    items:
      - code: attitude
        name: 服务态度
        points: 10
        raters: {self: 0.2, supervisor: 0.8}
        rule: {type: levels, levels: [{level: 1, score: 5}, {level: 2, score: 10}]}
"""


@pytest.fixture
def card_xlsx(tmp_path):
    t = tmp_path / "t.yaml"
    t.write_text(TEMPLATE, encoding="utf-8")
    i = tmp_path / "i.json"
    employee = {
        "id": "E1",
        "name": "张三",
        "values": {"keep": 0.835, "late": {"late": 2}},
        "ratings": {"attitude": {"self": 2, "supervisor": 1}},
    }
    i.write_text(json.dumps({"period": "2026-03", "employees": [employee]}), encoding="utf-8")
    out = tmp_path / "card.xlsx"
    assert main(["score", str(t), "--input", str(i), "--format", "xlsx", "-o", str(out)]) == 0
    wb = openpyxl.load_workbook(out)
    return wb[wb.sheetnames[1]]


def _row(ws, first: str, col: int = 1):
    return next(row for row in ws.iter_rows() if row[col].value == first)


def test_columns_with_raters(card_xlsx):
    head = [c.value for c in _row(card_xlsx, "考核维度", 0)]
    assert head == [
        "考核维度",
        "考核项目",
        "权重/分值",
        "目标值",
        "评分标准",
        "实际值",
        "自评",
        "上级",
        "得分",
        "说明",
    ]


def test_numbers_are_numbers_with_formats(card_xlsx):
    keep = _row(card_xlsx, "保有率")
    target, value, score = keep[3], keep[5], keep[8]
    assert target.value == pytest.approx(0.865) and target.number_format == "0.00%"
    assert value.value == pytest.approx(0.835) and value.number_format == "0.00%"
    assert score.value == 14 and score.number_format == "0.00"
    assert keep[9].value == "保有率 83.5%，目标 86.5%，低于目标 3%，每低 1% 扣 2 分，得 14 分"
    assert keep[6].value is None and keep[7].value is None  # not rated: blank, no "·"
    att = _row(card_xlsx, "服务态度")
    assert att[6].value == 2 and att[7].value == 1  # the raters' levels, as numbers
    assert att[8].value == 6 and att[8].data_type == "n"
    assert att[9].value == "自评 2 级（10 分） × 20% + 上级 1 级（5 分） × 80%，得 6 分"


def test_rule_in_words_names_kinds(card_xlsx):
    late = _row(card_xlsx, "考勤")
    assert late[4].value.startswith("起始满分(10)分, 迟到每次扣2分")
    assert late[9].value == "考勤：迟到 2 次（每次扣 2 分），得 6 分"
    assert "late" not in late[4].value


@pytest.mark.django_db
def test_pdf_embeds_a_cjk_font_and_has_the_xlsx_columns(world, rate_through):
    from csperf.reports import pdf
    from csperf.reviews.presenters import card_detail

    if pdf.font_file() is None:
        pytest.skip("no CJK TrueType font installed (apt-get install fonts-wqy-zenhei)")
    card = rate_through("agent")
    view = card_detail(world.users["hr"], card)
    data = pdf.card_pdf(view)
    assert b"/FontFile2" in data  # a TrueType font embedded (subset)
    assert b"STSong-Light" not in data


@pytest.mark.django_db
def test_card_view_explains_in_the_readers_language(world, rate_through):
    from django.utils import translation

    from csperf.reviews.presenters import card_detail

    card = rate_through("agent")
    with translation.override("zh-hans"):
        zh = card_detail(world.users["hr"], card)
    with translation.override("en"):
        en = card_detail(world.users["hr"], card)
    zh_items = [it for s in zh["sections"] for it in s["items"] if it["explain"]]
    en_items = [it for s in en["sections"] for it in s["items"] if it["explain"]]
    assert zh_items and len(zh_items) == len(en_items)
    for a, b in zip(zh_items, en_items, strict=True):
        assert a["explain_code"] == b["explain_code"] and "->" in a["explain_code"]
        assert "->" not in a["explain"] and a["explain"] != b["explain"]
        assert b["explain"].endswith(".")
