"""A card as JSON, as the API answers it (``/api/cards``, the cycle gates' card decisions).

Kept with the cards so that every API router (the main one in ``csperf.api``, the cycles') builds
it the same way without importing ``csperf.api``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from csperf.reviews.coverage import card_coverage
from csperf.reviews.models import Card
from csperf.reviews.presenters import card_detail
from csperf.reviews.workflow import sees_scores

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def card_summary(card: Card, user: User) -> dict[str, Any]:
    """A card as the API lists it; scores only to those who may see them."""
    show = sees_scores(user, card)
    return {
        "id": card.pk,
        "cycle_id": card.cycle_id,
        "period": card.cycle.period,
        "employee_code": card.employee.code,
        "employee_name": card.employee.name,
        "team": card.team.name,
        "department": card.department.name,
        "position": card.position.name,
        "template": f"{card.template.code}@{card.template.version}",
        "status": card.status,
        "total": card.total if show else None,
        "grade": (card.grade or None) if show else None,
        "rank": card.rank if show else None,
        # the share of the record-fed weight that had data (not a score: always shown)
        "coverage": _float(card_coverage(card)),
    }


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def card_full(card: Card, user: User) -> dict[str, Any]:
    """A card with its sections, items, ratings, workflow and coverage, as the API returns it."""
    view = card_detail(user, card)
    show = view["show_total"]
    sections = []
    for sec in view["sections"]:
        sections.append(
            {
                "code": sec["code"],
                "name": sec["name"],
                "kind": sec["kind"],
                "score": sec["score"],
                "full": sec["full"],
                "items": [
                    {
                        "code": it["code"],
                        "name": it["name"],
                        "points": it["points"],
                        "rule": it["rule"],
                        "value": it["value"],
                        "target": it["target"],
                        "score": it["score"],
                        "scale": it["scale"],
                        "contribution": it["contribution"],
                        "explain": it["explain"],
                        "explain_code": it["explain_code"],
                        "ratings": {
                            c["role"]: {"value": c["value"], "comment": c["comment"]}
                            for c in it["cells"]
                            if c["applies"]
                        },
                    }
                    for it in sec["items"]
                ],
            }
        )
    out = card_summary(card, user)
    out.update(
        {
            "status_label": str(card.get_status_display()),
            "chain": card.chain,
            "current_role": view["current_role"],
            "actions": view["actions"],
            "rank_from_bottom": card.rank_from_bottom if show else None,
            "rank_label": (card.rank_label or None) if show else None,
            "pay": card.pay if view["show_pay"] else None,
            "flags": view["flags"],
            "flags_code": view["flag_codes"],
            "alerts": view["alerts"],
            "moves": card.moves,
            "published_at": card.published_at,
            "appeal_deadline": card.appeal_deadline,
            "min_coverage": view["coverage"]["minimum"],
            "uncovered": view["coverage"]["uncovered"],
            "excluded_reason": view["coverage"]["excluded_reason"],
            "gate_overrides": view["coverage"]["overrides"],
            "sections": sections,
        }
    )
    return out
