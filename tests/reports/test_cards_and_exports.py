"""Drill-down, printable card and PDF, cycle summary and pay sheet, my trend."""

from __future__ import annotations

import io
import shutil
import subprocess
from decimal import Decimal

import openpyxl
import pytest


def _login(client, username: str, password: str = "demo") -> None:
    assert client.login(username=username, password=password)


def test_drill_down_from_a_card_value_to_its_records(client, demo):
    from csperf.reviews.models import Card

    card = Card.objects.get(cycle=demo["cycle"], employee__user__username="agent1")
    items = [it for _s, it in card.template.parsed.items if it.value]
    from csperf.reports.drill import indicator_of

    item = next(it for it in items if indicator_of(it.value))
    _login(client, "agent1")
    r = client.get(f"/reports/cards/{card.pk}/items/{item.code}/")
    assert r.status_code == 200
    res = r.context["r"]
    value = (card.inputs["values"]).get(item.value)
    assert res["explain"]["value"] is not None
    # The card keeps the value as a JSON number (a float); the engine gives the exact Decimal.
    assert float(res["explain"]["value"]) == pytest.approx(float(value), rel=1e-12)
    assert sum(t["part"]["count"] for t in res["tables"]) > 0
    csv_rows = client.get(f"/reports/cards/{card.pk}/items/{item.code}/", {"format": "csv"})
    lines = csv_rows.content.decode("utf-8-sig").splitlines()
    assert len(lines) - 1 == sum(t["part"]["count"] for t in res["tables"])
    # The card page links the value to its records.
    page = client.get(f"/cards/{card.pk}/").content.decode()
    assert f"/reports/cards/{card.pk}/items/{item.code}/" in page
    # Another agent's card does not exist for agent1, nor its records.
    other = Card.objects.filter(cycle=demo["cycle"]).exclude(pk=card.pk).first()
    assert client.get(f"/reports/cards/{other.pk}/items/{item.code}/").status_code == 404
    assert client.get(f"/reports/cards/{other.pk}/card.pdf").status_code == 404
    assert client.get(f"/reports/cards/{card.pk}/items/no_such_item/").status_code == 404


def test_printable_card_and_pdf_have_rules_and_signature_lines(client, world, rate_through):
    from csperf.reviews import actions

    card = rate_through("agent")
    actions.publish(world.users["hr"], card)
    client.force_login(world.users["agent"])
    r = client.get(f"/reports/cards/{card.pk}/print/")
    html = r.content.decode()
    assert r.status_code == 200
    for word in ("考核人", "被考核人", "复核人", "分段线性", "日期：", f"（{card.employee.code}）"):
        assert word in html, word
    client.cookies["django_language"] = "en"
    english = client.get(f"/reports/cards/{card.pk}/print/").content.decode()
    del client.cookies["django_language"]
    assert "Date:" in english and f" ({card.employee.code})" in english
    assert "日期：" not in english and "（" not in english
    pdf = client.get(f"/reports/cards/{card.pk}/card.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF") and b"/FontFile2" in pdf.content  # CJK embedded
    # Someone else's card is a 404 for the agent, and an export is logged for HR.
    other = world.card("colleague")
    assert client.get(f"/reports/cards/{other.pk}/card.pdf").status_code == 404
    from csperf.core.models import AuditEvent

    client.force_login(world.users["hr"])
    assert client.get(f"/reports/cards/{other.pk}/card.pdf").status_code == 200
    assert AuditEvent.objects.filter(kind="export", card_id=other.pk).exists()


def test_pdf_text_is_the_card(world, rate_through):
    """The PDF holds the card's words (read back with reportlab's own parser is not possible;
    check the content stream of the signature lines through a one-font PDF instead)."""
    from csperf.reports.pdf import card_pdf
    from csperf.reviews.presenters import card_detail

    card = rate_through("agent")
    view = card_detail(world.users["hr"], card)
    data = card_pdf(view)
    assert len(data) > 2000 and data.count(b"/Type /Page\n") + data.count(b"/Type /Page ") >= 1


def test_summary_and_pay_sheet(client, world, rate_through):
    from csperf.reviews import actions

    for who in ("agent", "colleague"):
        card = rate_through(who)
        actions.publish(world.users["hr"], card)
    client.force_login(world.users["hr"])
    r = client.get(f"/reports/cycles/{world.cycle.pk}/summary.xlsx")
    ws = openpyxl.load_workbook(io.BytesIO(r.content)).active
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=5) if row[0].value]
    codes = [r[0] for r in rows if str(r[0]).startswith("E")]
    assert sorted(codes) == ["E001", "E002"]  # the published cards only
    texts = " ".join(str(c.value) for row in ws.iter_rows() for c in row if c.value)
    assert "汇总表" in texts and "____年__月__日" in texts
    pay = client.get(f"/reports/cycles/{world.cycle.pk}/pay.xlsx")
    ws = openpyxl.load_workbook(io.BytesIO(pay.content)).active
    card = world.card("agent")
    line = next(row for row in ws.iter_rows(values_only=True) if row[0] == "E001")
    assert Decimal(str(line[10])).quantize(Decimal("0.01")) == card.pay

    # A supervisor's summary holds their team only; the pay sheet is not theirs.
    client.force_login(world.users["supervisor"])
    r = client.get(f"/reports/cycles/{world.cycle.pk}/summary.xlsx")
    ws = openpyxl.load_workbook(io.BytesIO(r.content)).active
    codes = [row[0] for row in ws.iter_rows(min_row=5, values_only=True) if row[0]]
    assert {c for c in codes if str(c).startswith("E")} == {"E001", "E002"}
    assert client.get(f"/reports/cycles/{world.cycle.pk}/pay.xlsx").status_code == 404
    # An agent's summary has their own published card only.
    client.force_login(world.users["agent"])
    r = client.get(f"/reports/cycles/{world.cycle.pk}/summary.xlsx")
    ws = openpyxl.load_workbook(io.BytesIO(r.content)).active
    codes = [row[0] for row in ws.iter_rows(min_row=5, values_only=True) if row[0]]
    assert {c for c in codes if str(c).startswith("E")} == {"E001"}


def test_results_page_grades_and_ranking(client, world, rate_through):
    from csperf.reviews import actions

    for who in ("agent", "colleague"):
        actions.publish(world.users["hr"], rate_through(who))
    client.force_login(world.users["hr"])
    r = client.get(f"/reports/cycles/{world.cycle.pk}/")
    assert r.status_code == 200
    grades = r.context["grades"]
    assert sum(row[1] for row in grades.rows) == len(r.context["cards"])
    csv_r = client.get(f"/reports/cycles/{world.cycle.pk}/", {"table": "grades", "format": "csv"})
    assert csv_r.content.decode("utf-8-sig").splitlines()[0].count(",") == 2
    ranking = client.get(f"/reports/cycles/{world.cycle.pk}/", {"format": "csv"})
    lines = ranking.content.decode("utf-8-sig").splitlines()
    assert len(lines) == 1 + len(r.context["cards"])


def test_my_trend_shows_only_my_published_cards(client, world, rate_through):
    from csperf.reviews import actions

    client.force_login(world.users["agent"])
    r = client.get("/reports/me/")
    assert r.status_code == 200 and r.context["cards"] == []
    card = rate_through("agent")
    actions.publish(world.users["hr"], card)
    actions.publish(world.users["hr"], rate_through("colleague"))
    data = client.get("/reports/me/trend.json").json()
    assert data["chart"]["x"] == [world.cycle.period]
    assert data["chart"]["series"][0]["data"] == [float(card.total)]
    client.force_login(world.users["hr"])  # no employee record: no trend of their own
    assert client.get("/reports/me/").status_code == 404


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="apt-get install -y poppler-utils")
def test_pdf_heading_has_one_space_around_each_dot(world, rate_through):
    """张三（E001）· 部门: the full-width bracket has its own space, so none before the "·"; the
    English heading keeps a space on both sides."""
    from django.utils import translation

    from csperf.reports.pdf import card_pdf
    from csperf.reviews.presenters import card_detail

    card = rate_through("agent")
    emp = card.employee
    expected = {
        "zh-hans": f"{emp.name}（{emp.code}）· {card.department.name} / ",
        "en": f"{emp.name} ({emp.code}) · {card.department.name} / ",
    }
    for language, words in expected.items():
        with translation.override(language):
            data = card_pdf(card_detail(world.users["hr"], card))
        done = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True)
        heading = done.stdout.decode("utf-8").splitlines()[1]
        assert words in heading and "  ·" not in heading and "） ·" not in heading, heading
