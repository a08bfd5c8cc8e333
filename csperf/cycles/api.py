"""API endpoints of the cycle gates (mounted on the main API by ``csperf.api.api``): archive a
cycle, what holds its cards back, and HR's decision on one held-back card."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from ninja import Router, Schema

from csperf.cycles import actions, gates
from csperf.cycles.access import get_cycle_for_user
from csperf.cycles.schemas import CycleOut
from csperf.kernel.decimals import jsonable
from csperf.reviews.access import cards_for_user, get_card_for_user
from csperf.reviews.card_json import card_full

router = Router()


class ReasonIn(Schema):
    reason: str


class CardGateIn(Schema):
    decision: Literal["exclude", "include", "override"]
    reason: str = ""


@router.post("/cycles/{cycle_id}/archive", response=CycleOut, tags=["cycles"])
def archive_cycle(request: HttpRequest, cycle_id: int, payload: ReasonIn):
    """An opened or closed cycle leaves the lists (never deleted)."""
    cycle = get_cycle_for_user(request.user, cycle_id)
    actions.archive_cycle(request.user, cycle, payload.reason)
    return cycle


def _numbers(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [jsonable(r) for r in rows]


@router.get("/cycles/{cycle_id}/gate", tags=["cycles"])
def cycle_gate(request: HttpRequest, cycle_id: int) -> dict[str, Any]:
    """What holds the cycle's cards back: the draft cards opening would refuse (``blocked``),
    stages nobody can rate, and the coverage per team and template (the caller's cards)."""
    cycle = get_cycle_for_user(request.user, cycle_id)
    cards = cards_for_user(request.user, cycle_id=cycle.pk).select_related(
        "employee__user", "team", "department", "template", "cycle"
    )
    waiting = [c for c in cards if c.status in gates.WAITING]
    drafts = [c for c in waiting if c.status == "draft"]
    if waiting or cycle.cards.exists():
        stages = gates.gaps_jsonable(gates.rater_gaps(cycle, waiting))
    else:  # no card yet: as planned when the cycle was created
        stages = gates.relabel((cycle.compute_report or {}).get("unrated_stages") or [])
    meters = gates.coverage_meters(cards, cycle.min_coverage)
    return {
        "min_coverage": float(cycle.min_coverage),
        "blocked": gates.blocked_jsonable(gates.blocked(drafts)),
        "unrated_stages": stages,
        "coverage": {kind: _numbers(rows) for kind, rows in meters.items()},
    }


@router.post("/cards/{card_id}/gate", tags=["cards"])
def card_gate(request: HttpRequest, card_id: int, payload: CardGateIn) -> dict[str, Any]:
    """HR's decision on a held-back card: exclude it from its cycle, take it back in, or let it
    go ahead despite its gates (override); each with a reason, audited."""
    card = get_card_for_user(request.user, card_id, log=False)
    decision = [(card, payload.reason)]
    if payload.decision == "exclude":
        actions.exclude_cards(request.user, card.cycle, decision)
    elif payload.decision == "override":
        actions.override_gates(request.user, card.cycle, decision)
    else:
        actions.include_card(request.user, card, payload.reason)
    card.refresh_from_db()
    return card_full(card, request.user)
