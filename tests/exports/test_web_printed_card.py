"""The web's printed card (/cards/<id>/export.xlsx) is the CLI's workbook (signature lines with
dates, 评分标准 in words, print setup, numbers with formats), holding only what the card page
shows the viewer; the PDF card has the same columns for the same viewer."""

from __future__ import annotations

import io

import openpyxl
import pytest

from csperf.exports.scorecard_xlsx import card_columns

pytestmark = pytest.mark.django_db
ALL_ROLES = ["self", "supervisor", "reviewer"]


def _download(client, user, card):
    client.force_login(user)
    r = client.get(f"/cards/{card.pk}/export.xlsx")
    assert r.status_code == 200
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = openpyxl.load_workbook(io.BytesIO(r.content))
    assert len(wb.sheetnames) == 1  # the card alone: no 汇总 of other people
    return wb.active


def _row(ws, first: str, col: int = 1):
    return next(row for row in ws.iter_rows() if row[col].value == first)


def _label(ws, label: str):
    """The value beside a label of the totals (总分, 等级, 排名, 绩效工资)."""
    return _row(ws, label, 0)[1].value


def _texts(ws) -> set[str]:
    return {c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)}


def test_hr_gets_the_cli_card_with_rules_signatures_and_print_setup(world, client, rate_through):
    card = rate_through("agent")
    ws = _download(client, world.users["hr"], card)
    assert [c.value for c in _row(ws, "考核维度", 0)] == card_columns(ALL_ROLES)
    texts = _texts(ws)
    for label in ("被考核人(签字):", "考核人(签字):", "复核人(签字):", "日期:"):
        assert label in texts, label
    calls = _row(ws, "接听量")
    assert "分段线性" in calls[4].value and "calls_handled" not in calls[4].value
    assert calls[2].data_type == "n" and calls[2].value == 60
    assert calls[5].data_type == "n" and calls[5].value == 50
    assert calls[9].data_type == "n" and calls[9].number_format == "0.00"  # 得分
    assert calls[9].value == pytest.approx(30)
    attitude = _row(ws, "服务态度")
    assert [attitude[i].value for i in (6, 7, 8)] == [4, 3, 3]  # 自评 / 上级 / 复评, numbers
    assert attitude[10].value  # 说明
    assert _label(ws, "总分") == pytest.approx(float(card.total))
    assert _label(ws, "绩效工资") == pytest.approx(float(card.pay))
    setup = ws.page_setup
    assert setup.orientation == "landscape" and setup.paperSize == 9
    assert (setup.fitToWidth or 1) == 1 and setup.fitToHeight == 0  # 1 is the default
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == "$4:$4"  # the headings repeat on every page


def test_agent_before_publication_sees_only_what_the_card_page_shows(world, client, rate_through):
    card = rate_through("agent")
    ws = _download(client, world.users["agent"], card)
    head = [c.value for c in _row(ws, "考核维度", 0)]
    assert head == card_columns(["self"]) and "上级" not in head and "复评" not in head
    attitude = _row(ws, "服务态度")
    assert attitude[6].value == 4  # their own 自评
    assert attitude[5].value == "—" and attitude[7].value == "—"  # from hidden columns
    calls = _row(ws, "接听量")
    assert calls[5].value == 50 and calls[7].value == "—" and not calls[8].value
    for label in ("总分", "等级", "排名", "绩效工资"):
        assert _label(ws, label) == "—", label
    scores = [row[7] for row in ws.iter_rows(min_row=5) if len(row) > 7]
    assert scores and not [c.value for c in scores if isinstance(c.value, (int, float))]
    assert "被考核人(签字):" in _texts(ws)


def test_supervisor_before_publication_has_no_reviewer_column_nor_pay(world, client, rate_through):
    card = rate_through("agent")
    ws = _download(client, world.users["supervisor"], card)
    assert [c.value for c in _row(ws, "考核维度", 0)] == card_columns(["self", "supervisor"])
    attitude = _row(ws, "服务态度")
    assert [attitude[i].value for i in (6, 7)] == [4, 3]
    # the reviewer rates it too: its score would give the hidden rating away
    assert attitude[5].value == "—" and attitude[8].value == "—" and not attitude[9].value
    assert _row(ws, "业绩 小计", 0)[8].value == "—"
    assert _row(ws, "团队协作")[8].data_type == "n"
    # the result depends on the reviewer's rating: not before publication (workflow.sees_scores)
    for label in ("总分", "等级", "排名", "绩效工资"):
        assert _label(ws, label) == "—", label


@pytest.mark.parametrize("persona", ["hr", "supervisor", "agent"])
def test_the_pdf_has_the_xlsx_columns_for_the_same_viewer(world, rate_through, persona):
    from csperf.reports import pdf
    from csperf.reviews.presenters import card_detail
    from csperf.reviews.printed import seen_of

    card = rate_through("agent")
    view = card_detail(world.users[persona], card)
    roles = list(seen_of(view).roles)
    header = [p.text for p in pdf._header_row(view["columns"], pdf._Paragraphs(pdf._font()))]
    xlsx = card_columns(roles, "zh-hans")
    assert len(header) == len(xlsx)
    assert header[6 : 6 + len(roles)] == xlsx[6 : 6 + len(roles)]  # 自评 / 上级 / 复评
