"""Summary (汇总表), pay sheet and results page: published cards only, item columns by name and
points holding numbers, pay only for HR and the auditor, every department in the totals."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl

from tests.conftest import TEST_TEMPLATE


def _book(content: bytes):
    return openpyxl.load_workbook(io.BytesIO(content))


def _codes(ws) -> set[str]:
    return {
        str(row[0])
        for row in ws.iter_rows(min_row=5, values_only=True)
        if row[0] and str(row[0]).startswith("E")
    }


def _texts(wb) -> list[str]:
    return [str(c) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for c in row]


def _row(ws, code: str) -> dict[str, object]:
    head = [c.value for c in ws[4]]
    line = next(row for row in ws.iter_rows(min_row=5, values_only=True) if row[0] == code)
    return dict(zip(head, line, strict=False))


def test_only_published_cards_are_results(client, world, rate_through):
    from csperf.reviews import actions

    actions.publish(world.users["hr"], rate_through("agent"))
    rate_through("colleague")  # approved, not published
    client.force_login(world.users["hr"])
    summary = _book(client.get(f"/reports/cycles/{world.cycle.pk}/summary.xlsx").content)
    assert _codes(summary.active) == {"E001"}
    pay = _book(client.get(f"/reports/cycles/{world.cycle.pk}/pay.xlsx").content)
    assert _codes(pay.active) == {"E001"}
    page = client.get(f"/reports/cycles/{world.cycle.pk}/")
    assert [c.employee.code for c in page.context["cards"]] == ["E001"]
    assert page.context["unreleased"] == 3
    assert "3 张考核表尚未发布" in page.content.decode()
    client.force_login(world.users["supervisor"])
    summary = _book(client.get(f"/reports/cycles/{world.cycle.pk}/summary.xlsx").content)
    assert _codes(summary.active) == {"E001"}


def test_item_columns_are_named_with_points_and_hold_numbers(client, world, rate_through):
    from csperf.reviews import actions

    card = rate_through("agent")
    actions.publish(world.users["hr"], card)
    client.force_login(world.users["hr"])
    ws = _book(client.get(f"/reports/cycles/{world.cycle.pk}/summary.xlsx").content).active
    row = _row(ws, "E001")
    scores = {it["code"]: it["score"] for it in card.result["sections"][0]["items"]}
    for heading, code in (
        ("接听量 (60分)", "calls"),
        ("服务态度 (30分)", "attitude"),
        ("团队协作 (10分)", "teamwork"),
    ):
        assert heading in row, list(row)
        assert isinstance(row[heading], int | float), (heading, row[heading])
        assert row[heading] == float(scores[code])


def test_pay_is_shown_to_hr_and_the_auditor_only(client, world, rate_through):
    from csperf.reviews import actions

    for who in ("agent", "colleague"):
        actions.publish(world.users["hr"], rate_through(who))
    url = f"/reports/cycles/{world.cycle.pk}/summary.xlsx"
    for who in ("hr", "auditor"):
        client.force_login(world.users[who])
        ws = _book(client.get(url).content).active
        for key in ("agent", "colleague"):
            card = world.card(key)
            line = _row(ws, card.employee.code)
            assert Decimal(str(line["绩效工资"])).quantize(Decimal("0.01")) == card.pay
        assert client.get(f"/reports/cycles/{world.cycle.pk}/pay.xlsx").status_code == 200
    for who in ("supervisor", "reviewer"):
        client.force_login(world.users[who])
        wb = _book(client.get(url).content)
        assert _codes(wb.active) == {"E001", "E002"}
        assert "绩效工资" not in _texts(wb)
        assert client.get(f"/reports/cycles/{world.cycle.pk}/pay.xlsx").status_code == 404
    # The employee sees their own pay on their own published card.
    client.force_login(world.users["agent"])
    line = _row(_book(client.get(url).content).active, "E001")
    assert Decimal(str(line["绩效工资"])).quantize(Decimal("0.01")) == world.card("agent").pay


def test_pay_sheet_totals_every_department_and_explains_a_card_without_pay(world, rate_through):
    from csperf.cycles import actions as cycle_actions
    from csperf.reports import exports
    from csperf.reviews import actions
    from csperf.reviews.models import CardStatus

    no_pay = cycle_actions.add_template(
        world.users["hr"],
        TEST_TEMPLATE.replace("code: test-card", "code: test-no-pay").replace(
            "pay: {base: 1000, mode: proportional, prorate: true}\n", ""
        ),
        source="test-no-pay.yaml",
    )
    assert no_pay.parsed.pay is None
    paid = rate_through("agent")
    actions.publish(world.users["hr"], paid)
    paid.refresh_from_db()
    zero = rate_through("colleague")
    actions.publish(world.users["hr"], zero)
    zero.refresh_from_db()
    zero.pay = Decimal("0.00")  # a pay of 0 is a pay, never a blank
    # A published card of the other department whose template has no pay.
    other = world.card("other_dept")
    other.template, other.pay, other.status = no_pay, None, CardStatus.PUBLISHED

    ws = _book(exports.pay_sheet_xlsx(world.cycle, [paid, zero, other])).active
    rows = list(ws.iter_rows(values_only=True))
    line = _row(ws, "E001")
    assert Decimal(str(line["绩效工资"])).quantize(Decimal("0.01")) == paid.pay
    assert _row(ws, "E002")["绩效工资"] == 0
    totals = {r[2]: (r[1], r[10]) for r in rows if r[0] is None and r[2] and r[10] is not None}
    assert totals["客服一部"] == (2, float(paid.pay))
    assert totals["客服二部"] == (0, 0)
    assert totals["全部"] == (2, float(paid.pay))
    note = next(r for r in rows if r[0] == "E004")
    assert "test-no-pay" in note[12] and "未设绩效工资" in note[12]

    wb = _book(exports.summary_xlsx(world.cycle, [paid, zero, other], with_pay=True))
    heads = {ws.title: [c.value for c in ws[4]] for ws in wb.worksheets}
    assert "绩效工资" in heads["1 test-card"]
    assert "绩效工资" not in heads["2 test-no-pay"]
