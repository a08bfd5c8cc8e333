"""Rate in place never loses a rating (issue 13.3).

The row shows what this rater saved; posting the row as the browser sends it keeps every stored
value the rater did not touch; only choosing “—” on a field that showed a value clears it, and
that clear is audited as one.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from csperf.core.models import AuditEvent
from csperf.reviews import actions
from csperf.reviews.models import CardStatus, Rating
from tests.board.formdata import form_fields

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


def _at_supervisor(w):
    """The agent's card, self-rated and waiting for the supervisor, who saved 4 and 8."""
    card = w.card("agent")
    actions.save_ratings(w.users["agent"], card, [{"item": "attitude", "value": 2}])
    actions.submit(w.users["agent"], card)
    actions.save_ratings(
        w.users["supervisor"],
        card,
        [
            {"item": "attitude", "value": 4, "comment": "耐心"},
            {"item": "teamwork", "value": 8, "comment": ""},
        ],
    )
    return card


def _board_page(client, w) -> str:
    client.force_login(w.users["supervisor"])
    r = client.get("/board/", {"cycle": w.cycle.pk, "team": w.teams["T1"].pk})
    assert r.status_code == 200
    return r.content.decode()


def _stored(card) -> dict[str, Decimal | None]:
    return dict(
        Rating.objects.filter(card=card, role="supervisor").values_list("item_code", "value")
    )


def test_the_row_shows_the_values_already_saved(board_world, client):
    w = board_world
    card = _at_supervisor(w)
    fields = form_fields(_board_page(client, w), f"rf-{card.pk}")
    assert fields["value:attitude"] == "4"  # the select has the saved level selected
    assert fields["value:teamwork"] == "8"  # the input holds the saved score, not 8.0000
    assert fields["comment:attitude"] == "耐心"


def test_saving_the_row_as_shown_keeps_every_stored_rating(board_world, client):
    w = board_world
    card = _at_supervisor(w)
    before = AuditEvent.objects.filter(action="rate").count()
    fields = form_fields(_board_page(client, w), f"rf-{card.pk}")
    # 保存并提交 without touching anything: the stored 4 and 8 are handed on, not blanked.
    r = client.post(f"/board/cards/{card.pk}/rate/", {**fields, "then": "submit"}, **HX)
    assert r.status_code == 200
    card.refresh_from_db()
    assert _stored(card) == {"attitude": Decimal("4"), "teamwork": Decimal("8")}
    assert card.status == CardStatus.REVIEWER_REVIEW
    assert AuditEvent.objects.filter(action="rate").count() == before  # nothing changed


def test_a_blank_the_rater_did_not_choose_never_clears(board_world, client):
    """A form that shows no value (an old page, another tab) posts blanks: they are not clears."""
    w = board_world
    card = _at_supervisor(w)
    client.force_login(w.users["supervisor"])
    url = f"/board/cards/{card.pk}/rate/"
    client.post(url, {"value:attitude": "", "value:teamwork": "9", "comment:attitude": ""}, **HX)
    card.refresh_from_db()
    assert _stored(card) == {"attitude": Decimal("4"), "teamwork": Decimal("9")}
    assert Rating.objects.get(card=card, role="supervisor", item_code="attitude").comment == "耐心"
    assert not AuditEvent.objects.filter(action="rate", new__value=None).exists()


def test_choosing_the_dash_clears_and_is_audited_as_a_clear(board_world, client):
    w = board_world
    card = _at_supervisor(w)
    fields = form_fields(_board_page(client, w), f"rf-{card.pk}")
    fields["value:attitude"] = ""  # the rater picks “—”
    r = client.post(f"/board/cards/{card.pk}/rate/", {**fields, "then": ""}, **HX)
    assert r.status_code == 200 and "error-text" not in r.content.decode()
    card.refresh_from_db()
    assert _stored(card) == {"attitude": None, "teamwork": Decimal("8")}
    cleared = AuditEvent.objects.get(action="clear_rating", card_id=card.pk)
    assert cleared.field == "attitude.supervisor" and cleared.old == "4" and cleared.new is None
    assert cleared.actor == w.users["supervisor"]
    # The row now shows the cleared field as “—”, and the kept one as saved.
    fields = form_fields(r.content.decode(), f"rf-{card.pk}")
    assert fields["value:attitude"] == "" and fields["value:teamwork"] == "8"


def test_a_change_is_saved_and_a_failed_save_shows_what_was_typed(board_world, client):
    w = board_world
    card = _at_supervisor(w)
    fields = form_fields(_board_page(client, w), f"rf-{card.pk}")
    url = f"/board/cards/{card.pk}/rate/"
    r = client.post(url, {**fields, "value:teamwork": "11"}, **HX)
    row = r.content.decode()
    assert "error-text" in row and 'value="11"' in row
    assert _stored(card) == {"attitude": Decimal("4"), "teamwork": Decimal("8")}
    # The corrected row, posted again, saves only the field that changed.
    again = form_fields(row, f"rf-{card.pk}")
    again["value:teamwork"] = "7"
    client.post(url, again, **HX)
    assert _stored(card) == {"attitude": Decimal("4"), "teamwork": Decimal("7")}
    changed = AuditEvent.objects.filter(
        action="rate", card_id=card.pk, actor__username="supervisor"
    )
    assert changed.order_by("-id").first().field == "teamwork.supervisor"


def test_a_refused_save_never_shows_an_unchosen_blank(board_world, client):
    """An old page posts a blank and a wrong value: the row comes back with the stored value in
    the blank field, so posting it again cannot clear it."""
    w = board_world
    card = _at_supervisor(w)
    client.force_login(w.users["supervisor"])
    url = f"/board/cards/{card.pk}/rate/"
    r = client.post(url, {"value:attitude": "", "value:teamwork": "11"}, **HX)
    row = r.content.decode()
    assert "error-text" in row
    fields = form_fields(row, f"rf-{card.pk}")
    assert fields["value:attitude"] == "4" and fields["value:teamwork"] == "11"
    fields["value:teamwork"] = "9"
    client.post(url, fields, **HX)
    assert _stored(card) == {"attitude": Decimal("4"), "teamwork": Decimal("9")}
