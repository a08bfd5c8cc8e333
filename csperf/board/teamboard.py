"""One team's board for one cycle, as data: the page and the API show the same figures."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from csperf.board import insights
from csperf.board.access import (
    board_cards,
    can_manage_plans,
    mark_plans,
    plans_for_user,
    sees_scores,
)
from csperf.board.models import ImprovementPlan, PlanStatus
from csperf.cycles.models import Cycle
from csperf.org.models import Team
from csperf.reports import dashboards
from csperf.reports.tables import Table
from csperf.reviews import workflow
from csperf.reviews.access import cards_for_user, log_list_view
from csperf.reviews.models import Card, Rating
from csperf.reviews.presenters import available_actions
from csperf.reviews.rating_form import as_text
from csperf.scoring.rules import kind_of

if TYPE_CHECKING:
    from django.contrib.auth.models import User


@dataclass
class RateItem:
    code: str
    name: str
    kind: str  # levels | manual
    value: str  # as the form shows it ("4", not 4.0000); what was typed after a failed save
    comment: str
    # What the row showed when it was drawn: posted back, so a field left alone keeps its value.
    shown: str = ""
    shown_comment: str = ""
    levels: list[dict[str, Any]] = field(default_factory=list)
    low: Any = None
    high: Any = None


def rate_items(card: Card, role: str) -> list[RateItem]:
    """The items the role rates on the card, with the values already given."""
    given = {r.item_code: r for r in Rating.objects.filter(card=card, role=role)}
    out = []
    for it in card.template.parsed.entered_items():
        if role not in it.entry_roles:
            continue
        r = given.get(it.code)
        value = as_text(r.value) if r else ""
        comment = r.comment if r else ""
        kind = kind_of(it.rule)
        row = RateItem(
            code=it.code,
            name=it.label,
            kind=kind.name,
            value=value,
            comment=comment,
            shown=value,
            shown_comment=comment,
        )
        row.levels = [
            {
                "level": lv.level,
                "text": as_text(lv.level),
                "score": lv.score,
                "anchor": lv.anchor or "",
            }
            for lv in kind.listed_levels(it.rule)
        ]
        span = kind.rating_range(it.rule, full=it.scale)
        if span is not None:
            row.low, row.high = span
        out.append(row)
    return out


def coverage_text(value: Any) -> str:
    """Data coverage as a percentage, '—' when not measured.

    One decimal at most and never rounded up: a card at 79.96% must not read as meeting an
    80% gate.
    """
    if value is None:
        return "—"
    pct = (Decimal(str(value)) * 100).quantize(Decimal("0.1"), rounding=ROUND_DOWN)
    if pct == pct.to_integral_value():
        return f"{pct.quantize(Decimal(1))}%"
    return f"{pct}%"


def decorate(user: User, card: Card) -> Card:
    """Attach what the board shows of a card for this user."""
    card.show_scores = sees_scores(user, card)
    card.coverage_text = coverage_text(getattr(card, "coverage", None))
    card.label_kind = insights.label_kind(card) if card.show_scores else ""
    card.steps = available_actions(user, card)
    role = workflow.current_role(card)
    card.my_turn = role is not None and role in workflow.rater_roles_of(user, card)
    card.rate_items = rate_items(card, role) if card.my_turn else []
    return card


def _team_places(cards: list[Card]) -> None:
    """Competition ranking inside the team (ties share a place), next to the template's rank."""
    totals = sorted((c.total for c in cards), reverse=True)
    for c in cards:
        c.team_place = totals.index(c.total) + 1


def ranking_table(cards: list[Card]) -> Table:
    table = Table(
        title=_("Team ranking"),
        columns=[
            _("Place in team"),
            _("Rank"),
            _("Employee ID"),
            _("Employee"),
            _("Total"),
            _("Grade"),
            _("Label"),
            _("Status"),
            _("Data coverage"),
        ],
        numeric={0, 1, 4},
    )
    for c in cards:
        table.rows.append(
            [
                c.team_place,
                c.rank,
                c.employee.code,
                c.employee.name,
                c.total,
                c.grade,
                c.rank_label,
                str(c.get_status_display()),
                c.coverage_text,
            ]
        )
    return table


def team_plans(user: User, team: Team, period: str) -> list[ImprovementPlan]:
    """The team's plans up to this cycle: open ones first, then the latest."""
    plans = mark_plans(
        user,
        plans_for_user(user)
        .filter(card__team=team, card__cycle__period__lte=period)
        .order_by("-card__cycle__period", "-id")[:100],
    )
    plans.sort(key=lambda p: p.status != PlanStatus.OPEN)
    for p in plans:
        p.effect = insights.effect(user, p)
        p.may_change = p.status == PlanStatus.OPEN and can_manage_plans(user, p.card)
    return plans


def _newest_first(cycle: Cycle) -> tuple:
    """Latest period end first; a month before the quarter or year ending on the same day."""
    try:
        period = cycle.period_obj
        return (-period.date_range()[1].toordinal(), period.months, -cycle.pk)
    except ValueError:
        return (0, 0, -cycle.pk)


def opening_cycle(user: User, team_ids: list[int]) -> Cycle | None:
    """The cycle a board opens on: the one open for rating, not the latest draft being set up.

    Among the cycles with cards on the user's teams: an open one, else the latest that is not a
    draft (closed), else the latest draft (HR setting up the first cycle).
    """
    with_cards = cards_for_user(user).filter(team_id__in=team_ids).values("cycle_id").distinct()
    cycles = list(Cycle.objects.filter(pk__in=with_cards))
    for status in (Cycle.Status.OPEN, Cycle.Status.CLOSED, Cycle.Status.DRAFT):
        found = sorted((c for c in cycles if c.status == status), key=_newest_first)
        if found:
            return found[0]
    return None


def team_board(user: User, cycle: Any, team: Team, *, log: bool = True) -> dict[str, Any]:
    cards = [
        decorate(user, c) for c in board_cards(user, cycle.pk, team).order_by("employee__code")
    ]
    if log:
        log_list_view(user, cycle, sum(1 for c in cards if c.employee.user_id != user.pk))
    scored = [c for c in cards if c.show_scores and c.total is not None]
    ranked = dashboards.rank_order(scored)
    _team_places(ranked)
    grades, chart = dashboards.grade_distribution(scored)
    pending = insights.pending(user, cards)
    live = set(
        plans_for_user(user)
        .filter(card__in=[c.pk for c in scored])
        .exclude(status=PlanStatus.CANCELLED)
        .values_list("card_id", flat=True)
    )
    failing = [c for c in ranked if insights.needs_plan(c)]
    for c in failing:
        c.has_plan = c.pk in live
        c.may_plan = can_manage_plans(user, c)
    return {
        "cycle": cycle,
        "team": team,
        "cards": cards,
        "ranked": ranked,
        "ranking": ranking_table(ranked),
        "grades": grades,
        "chart": chart,
        "pending": pending,
        "to_rate": [c for c in cards if c.my_turn and c.rate_items],
        "approvable": [c for c in cards if "approve" in c.steps],
        "submittable": [c for c in cards if c.my_turn],
        "publishable": [c for c in cards if "publish" in c.steps],
        "alerts": insights.alerts(scored),
        "failing": failing,
        "failing_without_plan": [c for c in failing if not c.has_plan],
        "plans": team_plans(user, team, cycle.period),
        "hidden_scores": sum(1 for c in cards if not c.show_scores),
    }
