"""One dispatcher for card steps: pages, the API and bulk steps all go through it."""

from __future__ import annotations

from typing import get_args

import pytest

from csperf.core.errors import InvalidInput, NotAllowed
from csperf.core.models import AuditEvent
from csperf.reviews import actions, transitions
from csperf.reviews.models import CardStatus
from csperf.reviews.rating_form import posted_entries
from csperf.reviews.transitions import run_step

pytestmark = pytest.mark.django_db


def test_the_api_schema_names_exactly_the_steps_the_table_runs():
    assert set(get_args(transitions.StepName)) == set(transitions.STEPS)


def test_an_unknown_step_names_the_field(world):
    with pytest.raises(InvalidInput) as err:
        run_step(world.users["agent"], world.card(), "sign")
    assert err.value.field == "step"


def test_submit_runs_the_action_with_its_reason(world):
    card = world.card()
    actions.save_ratings(world.users["agent"], card, [{"item": "attitude", "value": 4}])
    run_step(world.users["agent"], card, "submit", reason="done")
    assert card.status == CardStatus.SUPERVISOR_REVIEW
    row = AuditEvent.objects.filter(card_id=card.pk, field="status").latest("id")
    assert (row.action, row.reason) == ("submit", "done")


def test_the_auditor_is_refused_before_any_action(world):
    card = world.card()
    with pytest.raises(NotAllowed):
        run_step(world.users["auditor"], card, "return", reason="no")
    card.refresh_from_db()
    assert card.status == CardStatus.SELF_REVIEW


def test_reopen_passes_the_role(world, rate_through):
    card = rate_through("agent")
    run_step(world.users["hr"], card, "reopen", reason="fix", to_role="supervisor")
    assert card.status == CardStatus.SUPERVISOR_REVIEW


def test_card_page_form_posts_every_item_as_typed():
    post = {"value:attitude": " 4 ", "comment:attitude": "ok", "value:teamwork": ""}
    assert posted_entries(post) == [
        {"item": "attitude", "value": "4", "comment": "ok"},
        {"item": "teamwork", "value": "", "comment": ""},
    ]
    with pytest.raises(InvalidInput):
        posted_entries({"reason": "x"})
