"""Issue 16 item 3 and 7 on the real surfaces: the card page, the printable page, the PDF's text,
the card's Excel export and the charts show figures by unit (csperf.scoring.figures)."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

import openpyxl
import pytest

TEMPLATE = """\
code: fig-card
version: 1
name: 数字测试表
period: month
x-positions: [数字岗]
sections:
  - code: kpi
    name: 业绩
    items:
      - {code: keep, name: 接通率, value: keep_rate, x-unit: share, points: 60,
         rule: {type: linear, points: [[0, 0], [1, 60]]}}
      - {code: speed, name: 平均处理时长, value: handle_s, x-unit: seconds, points: 40,
         rule: {type: linear, points: [[60, 40], [300, 0]]}}
grades:
  - {gte: 60, grade: 合格}
  - {grade: 不合格}
ranking: {group: all}
"""
KEEP = Decimal("0.70161290322580645161290322")
HANDLE = Decimal("128.3106")


@pytest.fixture
def card(personas, settings):
    from csperf.cycles import actions as cycle_actions
    from csperf.cycles.compute import compute_cycle
    from csperf.cycles.models import InputValue
    from csperf.org.models import Assignment, Company, Department, Employee, Position, Team
    from csperf.reviews.models import Card

    settings.CSPERF_INPUT_PROVIDER = "tests.cycles.centre.feeds_provider"
    company = Company.objects.create(code="C", name="测试中心")
    dept = Department.objects.create(company=company, code="D1", name="客服一部")
    team = Team.objects.create(department=dept, code="T1", name="一组")
    position = Position.objects.create(code="fig", name="数字岗", default_template_code="fig-card")
    emp = Employee.objects.create(
        code="E001", name="张三", user=personas["agent"], hired_on=dt.date(2025, 1, 1)
    )
    Assignment.objects.create(employee=emp, team=team, position=position, start=emp.hired_on)
    hr = personas["hr"]
    from csperf.org.models import Membership, Role

    Membership.objects.create(user=hr, role=Role.HR)
    cycle_actions.add_template(hr, TEMPLATE, source="fig-card.yaml")
    cycle = cycle_actions.create_cycle(hr, period="2026-03", rating_deadline=dt.date(2026, 4, 5))
    InputValue.objects.create(cycle=cycle, employee=emp, name="keep_rate", value=float(KEEP))
    InputValue.objects.create(cycle=cycle, employee=emp, name="handle_s", value=float(HANDLE))
    compute_cycle(cycle, actor=hr)
    return Card.objects.get(cycle=cycle, employee=emp)


def _long_decimals(text: str) -> list[str]:
    """Numbers with more than 2 decimals (e.g. 0.7016129 or 128.3106)."""
    return re.findall(r"\d+\.\d{3,}", text)


def test_the_card_page_shows_ratios_as_percentages_and_seconds_as_minutes(card, client, personas):
    client.force_login(personas["hr"])
    html = client.get(f"/cards/{card.pk}/").content.decode()
    assert "70.16%" in html
    assert "2:08" in html
    assert "0.7016" not in html and "128.3106" not in html
    assert not _long_decimals(re.sub(r"<script.*?</script>", "", html, flags=re.S))


def test_the_printable_page_shows_the_same_figures(card, client, personas):
    client.force_login(personas["hr"])
    html = client.get(f"/reports/cards/{card.pk}/print/").content.decode()
    assert "70.16%" in html and "2:08" in html
    assert "0.7016" not in html and "128.3106" not in html


def test_the_pdf_text_has_no_value_beyond_the_templates_decimals(card, personas, monkeypatch):
    import reportlab.platypus

    from csperf.reports import pdf
    from csperf.reviews.presenters import card_detail

    texts: list[str] = []
    real = reportlab.platypus.Paragraph

    class Recording(real):  # the text each cell of the PDF is drawn from
        def __init__(self, text, *args, **kwargs):
            texts.append(text)
            super().__init__(text, *args, **kwargs)

    monkeypatch.setattr(reportlab.platypus, "Paragraph", Recording)
    data = pdf.card_pdf(card_detail(personas["hr"], card))
    assert data.startswith(b"%PDF")
    joined = "\n".join(texts)
    assert "70.16%" in joined and "2:08" in joined
    assert not _long_decimals(joined), _long_decimals(joined)


def test_the_card_export_holds_numbers_in_their_units_format(card, client, personas):
    client.force_login(personas["hr"])
    resp = client.get(f"/cards/{card.pk}/export.xlsx")
    ws = openpyxl.load_workbook(io.BytesIO(resp.content)).active
    rows = {r[1].value: r for r in ws.iter_rows() if r[1].value in ("接通率", "平均处理时长")}
    keep = rows["接通率"]  # the CLI's card: 实际值 in column 5, 得分 in 6 (no raters)
    assert keep[5].data_type == "n" and keep[5].value == pytest.approx(0.7016)
    assert keep[5].number_format == "0.00%"
    assert keep[6].data_type == "n" and keep[6].number_format == "0.00"
    assert keep[6].value == round(keep[6].value, 2)
    assert rows["平均处理时长"][5].value == 128 and rows["平均处理时长"][5].number_format == "0"


def test_the_scorecard_workbook_rounds_ratios_to_their_percentage():
    from csperf.exports.scorecard_xlsx import scorecard_workbook
    from csperf.scoring import load_template
    from csperf.scoring.engine import score

    employee = {"id": "E1", "name": "张三", "values": {"keep_rate": KEEP, "handle_s": HANDLE}}
    run = score(load_template(TEMPLATE), {"period": "2026-03", "employees": [employee]})
    wb = openpyxl.load_workbook(io.BytesIO(scorecard_workbook(run)))
    ws = wb[wb.sheetnames[1]]
    keep = next(r for r in ws.iter_rows() if r[1].value == "接通率")
    assert keep[5].value == pytest.approx(0.7016) and keep[5].number_format == "0.00%"
    speed = next(r for r in ws.iter_rows() if r[1].value == "平均处理时长")
    assert speed[5].value == 128 and speed[5].number_format == "0"
    pay = next(r for r in wb["汇总"].iter_rows() if r[0].value == "E1")
    assert pay[8].number_format == "#,##0.00"


def test_charts_carry_axis_bounds_fitted_to_the_data():
    from csperf.reports.dashboards import chart_data

    ratio = chart_data(
        kind="line",
        title="t",
        x=["2026-03"],
        series=[{"name": "a", "data": [0.9899]}],
        unit="ratio",
    )
    assert ratio["percent"] is True and ratio["axis"] == {"min": 0.0, "max": 1.0}
    single = chart_data(
        kind="line",
        title="t",
        x=["2026-03"],
        series=[{"name": "a", "data": [100.0]}],
        unit="score",
    )
    assert single["axis"]["min"] == 0 and 100 <= single["axis"]["max"] < 160
