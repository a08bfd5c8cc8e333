"""What the board shows beyond the raw cards: labels, who is pending, alerts with a next step,
whether a card calls for an improvement plan, and the effect a plan had at the next cycle.

Everything here works on cards already fetched through the access helpers; the only query of
other cards (the next cycle's card) goes through ``reviews.access.cards_for_user`` too.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from csperf.board.access import sees_scores
from csperf.org.models import Membership, Role
from csperf.reviews import workflow
from csperf.reviews.access import cards_for_user
from csperf.reviews.models import RELEASED, REVIEW_STATUSES, Card, CardStatus, Rating
from csperf.scoring import Period

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# -- grades and labels -----------------------------------------------------------------------


def grade_order(card: Card) -> list[str]:
    """The template's grades, best first (templates list grades from the top down)."""
    out: list[str] = []
    for g in card.template.parsed.grades:
        if g.grade not in out:
            out.append(g.grade)
    return out


def failing_grade(card: Card) -> str | None:
    """The template's lowest grade (不合格, D, 未达标 …): the catch-all last entry."""
    order = grade_order(card)
    return order[-1] if order else None


def is_failing(card: Card) -> bool:
    fail = failing_grade(card)
    return bool(card.grade) and card.grade == fail and len(grade_order(card)) > 1


def label_kind(card: Card) -> str:
    """``top`` or ``bottom`` for the template's ranking labels (前N名 / 末位), else ''."""
    ranking = card.template.parsed.ranking
    if not card.rank_label or ranking is None:
        return ""
    if (
        ranking.top
        and card.rank_label == ranking.top.label
        and (card.rank or 0) <= ranking.top.count
    ):
        return "top"
    if ranking.bottom and card.rank_label == ranking.bottom.label:
        return "bottom"
    return ""


# -- pending ---------------------------------------------------------------------------------


def _holders(card: Card, role: str) -> list[str]:
    """Names of the people who hold a chain role on the card."""
    if role == "self":
        return [card.employee.name]
    if role == "supervisor":
        q = {"role": Role.SUPERVISOR, "team_id": card.team_id}
    elif role in workflow.MANAGER_ROLES:
        q = {"role": Role.MANAGER, "department_id": card.department_id}
    elif role in ("qc", "inspector"):
        q = {"role": Role.INSPECTOR, "department_id": card.department_id}
    else:
        return []
    users = get_user_model().objects.filter(pk__in=Membership.objects.filter(**q).values("user_id"))
    return sorted(u.get_full_name() or u.username for u in users)


def missing_items(card: Card, role: str, given: set[str] | None = None) -> list[str]:
    """The items ``role`` still has to rate on ``card`` (``given``: the items it has rated,
    when the caller read them for many cards at once)."""
    template = card.template.parsed
    needed = [it for it in template.rated_items() if role in it.effective_raters.roles]
    if given is None:
        given = set(
            Rating.objects.filter(card=card, role=role, value__isnull=False).values_list(
                "item_code", flat=True
            )
        )
    return [it.label for it in needed if it.code not in given]


def _rated_items(cards: list[Card]) -> dict[tuple[int, str], set[str]]:
    """{(card id, role): the items rated}, for all these cards in one query."""
    out: dict[tuple[int, str], set[str]] = {}
    rows = Rating.objects.filter(card__in=[c.pk for c in cards], value__isnull=False)
    for card_id, role, code in rows.values_list("card_id", "role", "item_code"):
        out.setdefault((card_id, role), set()).add(code)
    return out


@dataclass
class Pending:
    card: Card
    role: str | None
    role_label: str
    holders: list[str]
    missing: list[str]
    mine: bool


def pending(user: User, cards: list[Card]) -> list[Pending]:
    """Cards still waiting for someone: not opened for rating yet, or at a rater's stage."""
    out = []
    holders_cache: dict[tuple, list[str]] = {}
    rated = _rated_items([c for c in cards if c.status in REVIEW_STATUSES])
    for card in cards:
        if card.status == CardStatus.DRAFT:
            out.append(Pending(card, None, _("Not opened for rating"), [], [], False))
            continue
        if card.status not in REVIEW_STATUSES:
            continue
        role = workflow.current_role(card)
        if role is None:
            continue
        key = (role, card.employee_id if role == "self" else card.team_id, card.department_id)
        if key not in holders_cache:
            holders_cache[key] = _holders(card, role)
        out.append(
            Pending(
                card=card,
                role=role,
                role_label=str(workflow.ROLE_LABELS.get(role, role)),
                holders=holders_cache[key],
                missing=missing_items(card, role, rated.get((card.pk, role), set())),
                mine=role in workflow.rater_roles_of(user, card),
            )
        )
    return out


# -- alerts ----------------------------------------------------------------------------------

NEGATIVE, POSITIVE, NEUTRAL = "negative", "positive", "neutral"


def _tone(card: Card, when: Any) -> str:
    if when.total_lt is not None or when.rank_from_bottom is not None:
        return NEGATIVE
    if when.rank is not None or when.total_gte is not None:
        return POSITIVE
    if when.grade is not None:
        order = grade_order(card)
        if when.grade in order and len(order) > 1:
            # The upper half of the grades is good news, the lower half a warning.
            return POSITIVE if order.index(when.grade) < len(order) / 2 else NEGATIVE
    return NEUTRAL


def describe_when(when: Any) -> str:
    parts = []
    if when.grade is not None:
        parts.append(_("grade %(grade)s") % {"grade": when.grade})
    if when.total_lt is not None:
        parts.append(_("total below %(n)s") % {"n": when.total_lt})
    if when.total_gte is not None:
        parts.append(_("total at least %(n)s") % {"n": when.total_gte})
    if when.rank is not None:
        parts.append(_("rank %(n)s") % {"n": when.rank})
    if when.rank_from_bottom is not None:
        parts.append(_("rank %(n)s from the bottom") % {"n": when.rank_from_bottom})
    return ", ".join(parts)


def next_step(tone: str, consecutive: int) -> str:
    """What a supervisor is expected to do about an alert (the department's usual practice)."""
    if tone == NEGATIVE:
        if consecutive >= 3:
            return _(
                "Review the role fit with HR: retraining, a change of position or the formal "
                "performance procedure; record the decision in the improvement plan."
            )
        if consecutive == 2:
            return _(
                "Escalate: agree a written improvement plan with a deadline before the next "
                "cycle, check progress every week and inform the department manager."
            )
        return _(
            "Hold a one-to-one talk, find the cause (skills, workload, attendance) and agree an "
            "improvement plan."
        )
    if tone == POSITIVE:
        return _(
            "Recognise the result in the team meeting, ask the employee to share their practice "
            "and consider them for mentoring or promotion."
        )
    return _("Talk with the employee about the result and decide the next step.")


@dataclass
class AlertRow:
    card: Card
    message: str
    rule: str
    consecutive: int
    tone: str
    next_step: str


def alerts(cards: list[Card]) -> list[AlertRow]:
    """The template's consecutive-period alerts that fired on these cards (scored by the engine).

    The engine reports each alert by its message; the rule behind it is found in the card's
    template, which says how serious it is and so what to do next.
    """
    out = []
    for card in cards:
        messages = (card.result or {}).get("alerts") or []
        if not messages:
            continue
        rules = {a.message: a for a in card.template.parsed.alerts}
        for msg in messages:
            rule = rules.get(msg)
            if rule is None:
                out.append(AlertRow(card, msg, "", 1, NEUTRAL, next_step(NEUTRAL, 1)))
                continue
            tone = _tone(card, rule.when)
            out.append(
                AlertRow(
                    card=card,
                    message=msg,
                    rule=describe_when(rule.when),
                    consecutive=rule.consecutive,
                    tone=tone,
                    next_step=next_step(tone, rule.consecutive),
                )
            )
    order = {NEGATIVE: 0, NEUTRAL: 1, POSITIVE: 2}
    out.sort(key=lambda a: (order[a.tone], -a.consecutive, a.card.employee.code))
    return out


def needs_plan(card: Card) -> bool:
    """A plan follows from a failing grade (不合格 or the template's lowest grade)."""
    return card.total is not None and is_failing(card)


# -- effect at the next cycle ----------------------------------------------------------------


@dataclass
class Effect:
    # waiting: no card of the next period yet; pending: there is one, not released yet (its
    # figures are a draft or under review, so the effect is not known); final: released.
    state: str
    card: Card | None = None
    period: str = ""
    total: Decimal | None = None
    grade: str = ""
    delta: Decimal | None = None
    passed: bool | None = None
    grade_change: int | None = None  # > 0: better grade, < 0: worse

    @property
    def label(self) -> str:
        if self.state == "waiting":
            return _("No result of the next cycle yet")
        if self.state == "pending":
            return _("Not known yet: the %(period)s card is not released") % {"period": self.period}
        if self.passed:
            return _("Passed at the next cycle")
        if self.delta is not None and self.delta > 0:
            return _("Improved but still failing")
        return _("No improvement")


def next_card(user: User, card: Card) -> Card | None:
    """The employee's card of the next period of the same kind that the user may see."""
    this = Period.parse(card.cycle.period)
    candidates = (
        cards_for_user(user)
        .filter(employee_id=card.employee_id, cycle__period__gt=card.cycle.period)
        .exclude(pk=card.pk)
        .order_by("cycle__period", "cycle_id")
    )
    for c in candidates:
        try:
            p = Period.parse(c.cycle.period)
        except ValueError:
            continue
        if p.kind == this.kind and p > this:
            return c
    return None


def effect(user: User, plan: Any) -> Effect:
    """How the employee did at the next cycle, compared with the card the plan follows from.

    Judged only from the next card once it is released (published): a draft or a card still
    under review may change, and a plan must not be marked a success on figures nobody agreed.
    """
    card = plan.card
    nxt = next_card(user, card)
    if nxt is None:
        return Effect("waiting")
    if nxt.status not in RELEASED or nxt.total is None or not sees_scores(user, nxt):
        return Effect("pending", period=nxt.cycle.period)
    delta = nxt.total - card.total if card.total is not None else None
    fail = failing_grade(nxt)
    order = grade_order(nxt)
    change = None
    if card.grade in order and nxt.grade in order:
        change = order.index(card.grade) - order.index(nxt.grade)
    return Effect(
        state="final",
        card=nxt,
        period=nxt.cycle.period,
        total=nxt.total,
        grade=nxt.grade,
        delta=delta,
        passed=bool(nxt.grade) and nxt.grade != fail,
        grade_change=change,
    )
