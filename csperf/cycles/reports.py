"""Reports HR needs before publishing: missing data, and ratings past their deadline."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils import timezone

from csperf.cycles import missing
from csperf.cycles.models import Cycle
from csperf.org.models import Employee, Membership, Role
from csperf.reviews import workflow
from csperf.reviews.models import REVIEW_STATUSES, Card, CardStatus
from csperf.scoring import flags as card_flags


def missing_data(cycle: Cycle, cards: QuerySet[Card]) -> dict[str, Any]:
    """People left out of the cycle, and cards whose items had no data (flagged by the engine)."""
    flagged = []
    names: dict[int, dict[str, str]] = {}  # one template's labels, worked out once per page
    for card in cards.exclude(result__isnull=True).order_by("team__code", "employee__code"):
        if not card.flags:
            continue
        if card.template_id not in names:
            names[card.template_id] = card_flags.names_of(card.template.parsed)
        flagged.append({"card": card, "flags": card.flag_texts(names[card.template_id])})
    not_scored = cards.filter(result__isnull=True).count()
    return {
        "left_out": cycle.compute_report or {},
        "flagged": flagged,
        "not_scored": not_scored,
        "by_feed": missing.by_feed(cycle.pk, cards),
    }


def _responsible(card: Card, role: str) -> list[str]:
    if role == "self":
        return [card.employee.name]
    User = get_user_model()
    if role == "supervisor":
        q = Membership.objects.filter(role=Role.SUPERVISOR, team_id=card.team_id)
    elif role in workflow.MANAGER_ROLES:
        q = Membership.objects.filter(role=Role.MANAGER, department_id=card.department_id)
    else:
        q = Membership.objects.filter(role=Role.INSPECTOR, department_id=card.department_id)
    users = User.objects.filter(pk__in=q.values("user_id"))
    names = {e.user_id: e.name for e in Employee.objects.filter(user__in=users)}
    return [names.get(u.pk) or u.get_full_name() or u.username for u in users]


def overdue(cycle: Cycle, cards: QuerySet[Card]) -> list[dict[str, Any]]:
    """Cards still waiting for a rater after the cycle's rating deadline."""
    if timezone.localdate() <= cycle.rating_deadline:
        return []
    out = []
    for card in cards.filter(status__in=REVIEW_STATUSES).order_by(
        "status", "team__code", "employee__code"
    ):
        role = workflow.current_role(card)
        out.append({"card": card, "role": role, "who": _responsible(card, role) if role else []})
    return out


def status_counts(cards: QuerySet[Card]) -> list[tuple[str, str, int]]:
    counts = {s: 0 for s in CardStatus.values}
    for status in cards.values_list("status", flat=True):
        counts[status] += 1
    return [(s, CardStatus(s).label, n) for s, n in counts.items() if n]
