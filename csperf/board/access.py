"""Who sees which team board and which improvement plans, and who may change plans.

Boards are per team: supervisors see their teams, department managers and QC inspectors the teams
of their departments, HR and auditors every team (``org.access.teams_for_user``). Agents and
logins without a role have no board: every board URL answers 404 for them. Cards on a board still
come through ``reviews.access.cards_for_user``, and scores only where ``sees_scores``: never a
draft card's to anyone but HR and the auditor.

A plan is visible to whoever may see its card; the employee sees their own plan once the card is
published (a plan names the result, which the employee does not see before). Plans are created
and changed by the card's supervisor, the department manager or HR — not by auditors or
inspectors, who read only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.http import Http404

from csperf.board.models import ImprovementPlan
from csperf.org.access import scope_for, teams_for_user
from csperf.org.models import Membership, Role, Team
from csperf.reviews import workflow
from csperf.reviews.access import cards_for_user
from csperf.reviews.models import RELEASED, Card, CardStatus

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def board_teams_for_user(user: User) -> QuerySet[Team]:
    return teams_for_user(user).order_by("department__code", "code")


def has_board(user: User) -> bool:
    return scope_for(user).user_id is not None and board_teams_for_user(user).exists()


def require_board(user: User) -> None:
    if not has_board(user):
        raise Http404("no team board")


def get_team_for_user(user: User, team_id: Any) -> Team:
    try:
        return board_teams_for_user(user).get(pk=int(team_id))
    except (Team.DoesNotExist, ValueError, TypeError):
        raise Http404("no such team") from None


def board_cards(user: User, cycle_id: int, team: Team) -> QuerySet[Card]:
    """The cards of one team in one cycle, through the card access helper."""
    return cards_for_user(user, cycle_id=cycle_id).filter(team=team)


def plans_for_user(user: User) -> QuerySet[ImprovementPlan]:
    scope = scope_for(user)
    qs = ImprovementPlan.objects.select_related(
        "card__cycle", "card__team", "card__department", "card__template", "employee", "owner"
    )
    if scope.user_id is None:
        return qs.none()
    visible = cards_for_user(user).values("pk")
    qs = qs.filter(card_id__in=visible)
    if scope.sees_everything or not scope.employee_id:
        return qs
    # The employee's own plans only once the card's result is released to them.
    own_hidden = Q(employee_id=scope.employee_id) & ~Q(card__status__in=RELEASED)
    return qs.exclude(own_hidden)


def get_plan_for_user(user: User, plan_id: Any) -> ImprovementPlan:
    try:
        plan = plans_for_user(user).get(pk=int(plan_id))
    except (ImprovementPlan.DoesNotExist, ValueError, TypeError):
        raise Http404("no such plan") from None
    return mark_plans(user, [plan])[0]


def mark_plans(user: User, plans: Any) -> list[ImprovementPlan]:
    """Attach ``card.show_scores`` to each plan's card: a plan is seen by more people than the
    card's result (an earlier rater sees the plan while the reviewer still rates), so its
    card's total and grade are shown only where ``workflow.sees_scores`` says so."""
    out = list(plans)
    for p in out:
        p.card.show_scores = workflow.sees_scores(user, p.card)
    return out


def can_manage_plans(user: User, card: Card) -> bool:
    """The card's supervisor, its department manager or HR (never the employee themselves)."""
    scope = scope_for(user)
    if scope.user_id is None or (scope.employee_id == card.employee_id and not scope.hr):
        return False
    return (
        scope.hr
        or card.team_id in scope.supervised_team_ids
        or card.department_id in scope.managed_department_ids
    )


def owner_choices(card: Card, actor: User) -> list[Any]:
    """Who may own a plan for the card: its supervisors, its department managers, and the actor."""
    users = get_user_model().objects.filter(
        Q(pk=getattr(actor, "pk", None))
        | Q(memberships__role=Role.SUPERVISOR, memberships__team_id=card.team_id)
        | Q(memberships__role=Role.MANAGER, memberships__department_id=card.department_id)
    )
    return list(users.filter(is_active=True).distinct().order_by("username"))


def may_own(user: User, card: Card) -> bool:
    if not getattr(user, "is_active", False):
        return False
    if user.is_superuser or Membership.objects.filter(user=user, role=Role.HR).exists():
        return True
    return can_manage_plans(user, card)


def sees_scores(user: User, card: Card) -> bool:
    """Whether the board shows the card's total, grade, rank and pay to this user.

    A draft card (its cycle not opened for rating yet) holds figures HR is still checking: only
    HR and the auditor see them; supervisors, managers and inspectors see them once HR opens the
    rating. Beyond that, the card's own rule (the employee only once published).
    """
    if card.status == CardStatus.DRAFT and not scope_for(user).sees_everything:
        return False
    return workflow.sees_scores(user, card)
