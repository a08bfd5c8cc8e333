"""Before publication an earlier rater (the employee's self-rating, the supervisor while the
reviewer rates, an inspector outside the chain) reads the figures of the stages up to their own
and the computed items, never the card's total, grade, rank or pay, nor the evidence a later
rater attached: on the card page, the cycle's card list, the print, the workbook, the PDF and
the API. The last rater (the department manager here), HR and the auditor read them."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from csperf.reviews import actions, workflow
from tests.conftest import PERSONAS

pytestmark = pytest.mark.django_db

LATER_FILE = "复核人的依据.txt"
OWN_FILE = "主管的依据.txt"


@pytest.fixture
def at_reviewer(world):
    """The agent's card rated by self and supervisor (each with a file), the reviewer rating
    and attaching a file of their own; not submitted yet."""
    card = world.card("agent")
    actions.save_ratings(world.users["agent"], card, [{"item": "attitude", "value": 4}])
    actions.submit(world.users["agent"], card)
    sup = world.users["supervisor"]
    actions.save_ratings(
        sup, card, [{"item": "attitude", "value": 3}, {"item": "teamwork", "value": 8}]
    )
    actions.add_evidence(sup, card, "teamwork", SimpleUploadedFile(OWN_FILE, b"sup"))
    actions.submit(sup, card)
    rev = world.users["reviewer"]
    actions.save_ratings(rev, card, [{"item": "attitude", "value": 1}])
    actions.add_evidence(rev, card, "attitude", SimpleUploadedFile(LATER_FILE, b"rev"))
    card.refresh_from_db()
    assert card.total is not None and card.grade and card.rank is not None
    return card


def _item(body: dict, code: str) -> dict:
    return next(it for sec in body["sections"] for it in sec["items"] if it["code"] == code)


def test_the_rule_per_persona(world, at_reviewer):
    card = at_reviewer
    for who in ("agent", "supervisor", "inspector"):
        assert not workflow.sees_scores(world.users[who], card), who
    for who in ("reviewer", "hr", "auditor"):
        assert workflow.sees_scores(world.users[who], card), who
    # While the employee still rates, the supervisor does not read the total either.
    fresh = world.card("colleague")
    assert not workflow.sees_scores(world.users["supervisor"], fresh)
    assert workflow.sees_scores(world.users["reviewer"], fresh)
    # Once published everyone who may see the card reads it.
    actions.submit(world.users["reviewer"], card)
    actions.publish(world.users["hr"], card)
    card.refresh_from_db()
    for who in ("agent", "supervisor", "inspector", "reviewer"):
        assert workflow.sees_scores(world.users[who], card), who


def test_api_detail_and_list_withhold_the_result_from_earlier_raters(
    world, at_reviewer, api_client
):
    card = at_reviewer
    for who in ("supervisor", "inspector"):
        api_client.login(who)
        body = api_client.get(f"/api/cards/{card.pk}").json()
        for key in ("total", "grade", "rank", "rank_label", "rank_from_bottom", "pay"):
            assert body[key] is None, (who, key)
        assert body["flags"] == [] and body["alerts"] == []
        listed = api_client.get(f"/api/cards?cycle={world.cycle.pk}").json()
        row = next(c for c in listed if c["id"] == card.pk)
        assert row["total"] is None and row["grade"] is None and row["rank"] is None, who
    # The supervisor still reads the computed item and the item only they rate.
    api_client.login("supervisor")
    body = api_client.get(f"/api/cards/{card.pk}").json()
    assert _item(body, "calls")["score"] is not None
    assert _item(body, "teamwork")["score"] is not None
    assert _item(body, "attitude")["score"] is None
    for who in ("reviewer", "hr"):
        api_client.login(who)
        body = api_client.get(f"/api/cards/{card.pk}").json()
        assert body["total"] == str(card.total) and body["grade"] == card.grade, who
        listed = api_client.get(f"/api/cards?cycle={world.cycle.pk}").json()
        assert next(c for c in listed if c["id"] == card.pk)["total"] == str(card.total), who


def test_card_page_and_cycle_list_withhold_the_result(world, at_reviewer, client):
    card = at_reviewer
    total_div = '<div class="total">'
    total_cell = f'<td class="num">{card.total}</td>'
    client.force_login(world.users["supervisor"])
    page = client.get(f"/cards/{card.pk}/").content.decode()
    assert total_div not in page
    assert total_cell not in client.get(f"/cycles/{world.cycle.pk}/").content.decode()
    client.force_login(world.users["reviewer"])
    assert total_div in client.get(f"/cards/{card.pk}/").content.decode()
    assert total_cell in client.get(f"/cycles/{world.cycle.pk}/").content.decode()


def _sheet_values(content: bytes) -> dict[str, object]:
    """The value beside each label of the workbook's result block (总分, 等级, 排名)."""
    wb = openpyxl.load_workbook(io.BytesIO(content))
    out: dict[str, object] = {}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for i, cell in enumerate(row[:-1]):
                if cell.value in ("总分", "等级", "排名"):
                    out.setdefault(str(cell.value), row[i + 1].value)
    return out


def test_print_workbook_and_pdf_withhold_the_result(world, at_reviewer, client):
    card = at_reviewer
    client.force_login(world.users["supervisor"])
    printed = client.get(f"/reports/cards/{card.pk}/print/").content.decode()
    assert '<p class="total">' not in printed
    shown = _sheet_values(client.get(f"/cards/{card.pk}/export.xlsx").content)
    assert shown and all(v in (None, "—") for v in shown.values()), shown
    pdf = client.get(f"/reports/cards/{card.pk}/card.pdf")
    assert pdf.status_code == 200
    client.force_login(world.users["reviewer"])
    assert '<p class="total">' in client.get(f"/reports/cards/{card.pk}/print/").content.decode()
    shown = _sheet_values(client.get(f"/cards/{card.pk}/export.xlsx").content)
    assert shown["等级"] == card.grade


def test_pdf_view_is_the_card_view(world, at_reviewer):
    """The PDF is drawn from the same view as the page: its result flag is the rule's."""
    from csperf.reviews.presenters import card_detail

    view = card_detail(world.users["supervisor"], at_reviewer)
    assert view["show_scores"] and not view["show_total"]
    assert card_detail(world.users["reviewer"], at_reviewer)["show_total"]


def test_later_raters_evidence_is_not_listed_to_earlier_raters(world, at_reviewer, client):
    card = at_reviewer
    later = card.evidence.get(name=LATER_FILE)
    own = card.evidence.get(name=OWN_FILE)
    for who in ("supervisor", "agent"):
        client.force_login(world.users[who])
        page = client.get(f"/cards/{card.pk}/").content.decode()
        assert LATER_FILE not in page, who
        assert client.get(f"/cards/evidence/{later.pk}/").status_code == 404, who
    client.force_login(world.users["supervisor"])
    assert OWN_FILE in client.get(f"/cards/{card.pk}/").content.decode()
    assert client.get(f"/cards/evidence/{own.pk}/").status_code == 200
    for who in ("reviewer", "hr", "auditor"):
        client.force_login(world.users[who])
        page = client.get(f"/cards/{card.pk}/").content.decode()
        assert LATER_FILE in page and OWN_FILE in page, who
        assert client.get(f"/cards/evidence/{later.pk}/").status_code == 200, who
    # Once published the supervisor sees it.
    actions.submit(world.users["reviewer"], card)
    actions.publish(world.users["hr"], card)
    client.force_login(world.users["supervisor"])
    assert LATER_FILE in client.get(f"/cards/{card.pk}/").content.decode()


def test_history_leaves_out_later_evidence_and_totals(world, at_reviewer, api_client):
    card = at_reviewer
    api_client.login("supervisor")
    events = api_client.get(f"/api/cards/{card.pk}/history").json()
    assert LATER_FILE not in str(events)
    assert OWN_FILE in str(events)
    assert not [e for e in events if e["action"] in ("rescore", "rerank")]
    api_client.login("reviewer")
    events = api_client.get(f"/api/cards/{card.pk}/history").json()
    assert LATER_FILE in str(events)
    assert [e for e in events if e["action"] == "rescore"]


STAGES = ("self_review", "supervisor_review", "reviewer_review", "approved", "published")
# Who reads the agent's total at each stage (the others in scope read None, the rest get 404).
READS_TOTAL = {
    **{stage: frozenset({"reviewer", "hr", "auditor"}) for stage in STAGES[:-1]},
    "published": {"agent", "supervisor", "inspector", "reviewer", "hr", "auditor"},
}
IN_SCOPE = {"agent", "supervisor", "inspector", "reviewer", "hr", "auditor"}


def _walk_to(world, stage: str):
    card = world.card("agent")
    steps = [
        ("agent", [{"item": "attitude", "value": 4}]),
        ("supervisor", [{"item": "attitude", "value": 3}, {"item": "teamwork", "value": 8}]),
        ("reviewer", [{"item": "attitude", "value": 2}]),
    ]
    for who, entries in steps[: STAGES.index(stage)]:
        actions.save_ratings(world.users[who], card, entries)
        actions.submit(world.users[who], card)
    if stage == "published":
        actions.publish(world.users["hr"], card)
    card.refresh_from_db()
    assert card.status == stage
    return card


@pytest.mark.parametrize("stage", STAGES)
def test_each_persona_at_each_stage(world, api_client, client, stage):
    card = _walk_to(world, stage)
    for who in PERSONAS:
        api_client.login(who)
        r = api_client.get(f"/api/cards/{card.pk}")
        client.force_login(world.users[who])
        page = client.get(f"/cards/{card.pk}/")
        if who not in IN_SCOPE:
            assert r.status_code == 404 and page.status_code == 404, (stage, who)
            continue
        reads = who in READS_TOTAL[stage]
        assert (r.json()["total"] is not None) is reads, (stage, who)
        assert ('<div class="total">' in page.content.decode()) is reads, (stage, who)
