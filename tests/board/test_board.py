"""The board's figures, rating in place through the reviews actions (htmx), and bulk steps."""

from __future__ import annotations

from decimal import Decimal

import pytest

from csperf.core.models import AuditEvent
from csperf.reviews import actions
from csperf.reviews.models import Card, CardStatus, Rating

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


def _board(client, w, who="supervisor", team="T1"):
    client.force_login(w.users[who])
    r = client.get("/board/", {"cycle": w.cycle.pk, "team": w.teams[team].pk})
    assert r.status_code == 200
    return r


def _self_rate(w, who="agent", level=2):
    card = w.card(who)
    actions.save_ratings(w.users[who], card, [{"item": "attitude", "value": level}])
    actions.submit(w.users[who], card)
    return card


def test_ranking_labels_grades_pending_and_alerts(board_world, client):
    w = board_world
    # Before publication the totals are read only by whoever reads every rating column
    # (workflow.sees_scores): the department manager here, not the supervisor.
    assert _board(client, w).context["ranked"] == []
    r = _board(client, w, who="reviewer")
    ctx = r.context
    assert [(c.employee.code, c.team_place, c.rank_label, c.label_kind) for c in ctx["ranked"]] == [
        ("E002", 1, "标兵", "top"),
        ("E001", 2, "末位", "bottom"),
    ]
    assert ctx["grades"].rows == [["合格", 1, Decimal("0.500")], ["不合格", 1, Decimal("0.500")]]
    # Nobody outside the team shows up.
    assert {c.employee.code for c in ctx["cards"]} == {"E001", "E002"}
    pending = {p.card.employee.code: p for p in ctx["pending"]}
    assert pending["E001"].role == "self" and pending["E001"].holders == ["张三"]
    assert pending["E001"].missing == ["服务态度"] and not pending["E001"].mine
    alerts = [(a.card.employee.code, a.message, a.tone, a.consecutive) for a in ctx["alerts"]]
    assert alerts == [
        ("E001", "本月考核不合格", "negative", 1),
        ("E002", "本月组内第一", "positive", 1),
    ]
    assert "改进计划" in ctx["alerts"][0].next_step
    assert [c.employee.code for c in ctx["failing_without_plan"]] == ["E001"]
    page = r.content.decode()
    assert "末位" in page and "本月考核不合格" in page and 'data-chart="grades"' in page
    # Once the agent has self-rated, the card waits for the supervisor: it is their turn.
    _self_rate(w)
    ctx = _board(client, w).context
    mine = [p for p in ctx["pending"] if p.mine]
    assert [p.card.employee.code for p in mine] == ["E001"]
    assert [c.employee.code for c in ctx["to_rate"]] == ["E001"]
    assert [it.code for it in ctx["to_rate"][0].rate_items] == ["attitude", "teamwork"]


def test_ranking_download_matches_the_table(board_world, client):
    w = board_world
    client.force_login(w.users["reviewer"])
    r = client.get(
        "/board/",
        {"cycle": w.cycle.pk, "team": w.teams["T1"].pk, "table": "ranking", "format": "csv"},
    )
    lines = r.content.decode("utf-8-sig").strip().splitlines()
    assert lines[1].split(",")[:7] == ["1", "1", "E002", "李四", "60.0", "合格", "标兵"]
    assert len(lines) == 3


def test_rating_in_place_goes_through_the_reviews_action(board_world, client):
    w = board_world
    card = _self_rate(w)
    before = card.total
    client.force_login(w.users["supervisor"])
    url = f"/board/cards/{card.pk}/rate/"
    r = client.post(url, {"value:attitude": "4", "value:teamwork": "10", "then": ""}, **HX)
    assert r.status_code == 200
    row = r.content.decode()
    assert row.lstrip().startswith(f'<tr id="rate-{card.pk}"')
    card.refresh_from_db()
    # rescored, but the total is not the supervisor's to read before publication
    assert card.total > before and str(card.total) not in row
    assert card.status == CardStatus.SUPERVISOR_REVIEW
    saved = dict(
        Rating.objects.filter(card=card, role="supervisor").values_list("item_code", "value")
    )
    assert saved == {"attitude": Decimal("4"), "teamwork": Decimal("10")}
    assert AuditEvent.objects.filter(card_id=card.pk, action="rate", actor__username="supervisor")
    assert AuditEvent.objects.filter(card_id=card.pk, action="rescore").exists()

    # A wrong value: the action's message in the row, what was typed kept, nothing saved.
    r = client.post(url, {"value:attitude": "4", "value:teamwork": "11"}, **HX)
    row = r.content.decode()
    assert "10" in row and 'value="11"' in row and "error-text" in row
    assert Rating.objects.get(card=card, role="supervisor", item_code="teamwork").value == 10

    # Save and submit hands the card on; the row no longer offers inputs.
    r = client.post(url, {"value:attitude": "4", "value:teamwork": "9", "then": "submit"}, **HX)
    card.refresh_from_db()
    assert card.status == CardStatus.REVIEWER_REVIEW
    assert 'name="value:' not in r.content.decode()

    # Not the supervisor's turn any more: refused by the action, shown in the row.
    r = client.post(url, {"value:teamwork": "5"}, **HX)
    assert "error-text" in r.content.decode()
    assert Rating.objects.get(card=card, role="supervisor", item_code="teamwork").value == 9


def test_rating_in_place_without_htmx_and_out_of_scope(board_world, client):
    w = board_world
    card = _self_rate(w)
    client.force_login(w.users["supervisor"])
    r = client.post(f"/board/cards/{card.pk}/rate/", {"value:teamwork": "7"})
    assert r.status_code == 302 and f"team={card.team_id}" in r["Location"]
    assert Rating.objects.get(card=card, role="supervisor", item_code="teamwork").value == 7
    other = w.card("other_team_agent")
    assert client.post(f"/board/cards/{other.pk}/rate/", {"value:teamwork": "7"}).status_code == 404
    client.force_login(w.users["agent"])
    assert client.post(f"/board/cards/{card.pk}/rate/", {"value:teamwork": "7"}).status_code == 404
    assert client.get(f"/board/cards/{card.pk}/rate/").status_code == 405


def _to_reviewer(w, who):
    card = _self_rate(w, who)
    actions.save_ratings(
        w.users["supervisor"],
        card,
        [{"item": "attitude", "value": 3}, {"item": "teamwork", "value": 8}],
    )
    actions.submit(w.users["supervisor"], card)
    return card


def test_bulk_approve_uses_the_workflow_action(board_world, client):
    w = board_world
    a, b = _to_reviewer(w, "agent"), _to_reviewer(w, "colleague")
    for card in (a, b):  # the reviewer's column too: nothing unrated
        actions.save_ratings(w.users["reviewer"], card, [{"item": "attitude", "value": 3}])
    foreign = w.card("other_team_agent")
    data = {"cycle": w.cycle.pk, "team": w.teams["T1"].pk, "step": "approve"}
    confirmed = {**data, "confirm": "1", "reason": "月度审核"}

    # The supervisor is not the last rater: each card is skipped with the reason, none changed.
    client.force_login(w.users["supervisor"])
    r = client.post("/board/bulk/", {**data, "card": [a.pk, b.pk]})
    assert r.context["plan"].will == [] and len(r.context["plan"].skip) == 2
    r = client.post("/board/bulk/", {**confirmed, "card": [a.pk, b.pk]}, follow=True)
    assert Card.objects.filter(pk__in=[a.pk, b.pk], status=CardStatus.APPROVED).count() == 0
    msgs = [str(m) for m in r.context["messages"]]
    assert len(msgs) == 3 and " 0 " in msgs[0]  # 已处理 0 张; then one line per skipped card

    # The department manager approves both; a card of another team in the request is left alone.
    r = _board(client, w, "reviewer")
    assert {c.pk for c in r.context["approvable"]} == {a.pk, b.pk}
    r = client.post("/board/bulk/", {**confirmed, "card": [a.pk, b.pk, foreign.pk]}, follow=True)
    assert r.status_code == 200
    assert Card.objects.filter(pk__in=[a.pk, b.pk], status=CardStatus.APPROVED).count() == 2
    foreign.refresh_from_db()
    assert foreign.status == CardStatus.SELF_REVIEW
    approvals = AuditEvent.objects.filter(action="approve", actor__username="reviewer")
    assert set(approvals.values_list("card_id", flat=True)) == {a.pk, b.pk}

    # Nothing selected: a message, no change.
    r = client.post("/board/bulk/", data, follow=True)
    assert any("Select" in str(m) or "选择" in str(m) for m in r.context["messages"])
