"""The one place that decides which cards a login may see.

Every page, API endpoint and export fetches cards through :func:`cards_for_user` or
:func:`get_card_for_user`. Out-of-scope ids raise Http404 (never 403): a colleague's card does
not exist for an agent. Looking at or exporting someone else's card writes an audit row.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from csperf.core import audit
from csperf.core.models import AuditEvent
from csperf.org.access import scope_for
from csperf.reviews.models import WAITING, Appeal, AppealStage, Card, Evidence
from csperf.reviews.workflow import (
    MANAGER_ROLES,
    hidden_columns,
    sees_evidence,
    sees_item_scores,
    sees_scores,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def cards_for_user(user: User, *, cycle_id: int | None = None) -> QuerySet[Card]:
    scope = scope_for(user)
    qs = Card.objects.select_related(
        "employee", "team", "department", "position", "cycle", "template"
    )
    if cycle_id is not None:
        qs = qs.filter(cycle_id=cycle_id)
    if scope.user_id is None:
        return qs.none()
    if scope.sees_everything:
        return qs
    cond = Q(employee_id=scope.employee_id) if scope.employee_id else Q(pk__in=[])
    if scope.supervised_team_ids:
        cond |= Q(team_id__in=scope.supervised_team_ids)
    if scope.department_ids:
        cond |= Q(department_id__in=scope.department_ids)
    return qs.filter(cond)


def get_card_for_user(
    user: User, card_id: Any, *, purpose: str = AuditEvent.Kind.VIEW, log: bool = True
) -> Card:
    """The card, or Http404 when it does not exist or is out of the user's scope.

    ``purpose`` is ``view`` or ``export``; either is logged when the card is someone else's.
    """
    try:
        card = cards_for_user(user).get(pk=int(card_id))
    except (Card.DoesNotExist, ValueError, TypeError):
        raise Http404("no such card") from None
    if log and card.employee.user_id != getattr(user, "pk", None):
        audit.record_access(user, purpose, card)
    return card


def log_list_view(user: User, cycle: Any, count: int) -> None:
    """A list of other people's cards was shown: one row for the list, not one per card."""
    if count:
        audit.record_access(user, AuditEvent.Kind.VIEW, cycle, detail=f"card list ({count})")


def mark_visibility(user: User, cards: Any) -> list[Card]:
    """Attach ``show_scores`` to each card of a list: its total, grade and rank are shown only
    where ``workflow.sees_scores`` says so (not to the employee, nor to an earlier rater, before
    publication).

    Every list of cards a page shows goes through here; the shared cards table shows scores only
    where this said so.
    """
    out = list(cards)
    for c in out:
        c.show_scores = sees_scores(user, c)
    return out


# History rows that carry the card's result (old and new total, rank, label).
RESULT_ACTIONS = ("rescore", "rerank")


def get_evidence_for_user(user: User, evidence_id: Any) -> Evidence:
    """A file attached to a card, or Http404 when its card is out of scope or the file belongs
    to a column the user may not read yet (``workflow.sees_evidence``). Logged as an export."""
    ev = Evidence.objects.select_related("uploaded_by").filter(pk=evidence_id).first()
    if ev is None:
        raise Http404("no such file")
    card = get_card_for_user(user, ev.card_id, log=False)
    if not sees_evidence(user, card, ev):
        raise Http404("no such file")
    if card.employee.user_id != getattr(user, "pk", None):
        audit.record_access(user, AuditEvent.Kind.EXPORT, card)
    return ev


def history_for_user(user: User, card: Card) -> QuerySet[AuditEvent]:
    """The card's change history, for someone already allowed to see the card.

    The history carries old and new totals, so the employee sees it only once the scores are
    released to them, as with the scores themselves; a rater who may not read the result yet
    (``workflow.sees_scores``) sees it without the rescores and reranks. Ratings of columns the
    user may not read (``workflow.hidden_columns``: a later rater's, before the card is
    released) are left out, and so are the rescores those ratings caused and the files attached
    for those columns.
    """
    events = AuditEvent.objects.filter(card_id=card.pk).select_related("actor")
    if not sees_item_scores(user, card):
        return events.none()
    if not sees_scores(user, card):
        events = events.exclude(action__in=RESULT_ACTIONS)
    hidden_files = [
        str(ev.pk)
        for ev in card.evidence.select_related("uploaded_by")
        if not sees_evidence(user, card, ev)
    ]
    if hidden_files:
        events = events.exclude(action="evidence", object_id__in=hidden_files)
    hidden = hidden_columns(user, card)
    if hidden:
        codes = [it.code for _s, it in card.template.parsed.items]
        fields = [f"{code}.{role}" for code in codes for role in hidden]
        hidden_raters = set(
            events.filter(field__in=fields)
            .exclude(actor_id=None)
            .values_list("actor_id", flat=True)
        )
        hidden_raters.discard(getattr(user, "pk", None))
        events = events.exclude(field__in=fields).exclude(
            action="rescore", actor_id__in=hidden_raters
        )
    return events


# -- appeals ---------------------------------------------------------------------------------


def appeals_for_user(user: User) -> QuerySet[Appeal]:
    """Appeals of the cards the user may see: HR and the auditor all, a manager (or inspector)
    their departments', a supervisor their teams', the employee their own."""
    return (
        Appeal.objects.filter(card__in=cards_for_user(user).values("pk"))
        .select_related(
            "card__employee",
            "card__team",
            "card__department",
            "card__cycle",
            "card__template",
            "card__position",
        )
        .prefetch_related("items")
    )


def get_appeal_for_user(user: User, appeal_id: Any) -> Appeal:
    """The appeal, or Http404 when it does not exist or its card is out of the user's scope."""
    try:
        return appeals_for_user(user).get(pk=int(appeal_id))
    except (Appeal.DoesNotExist, ValueError, TypeError):
        raise Http404("no such appeal") from None


def appeals_owed_by(user: User) -> QuerySet[Appeal]:
    """Waiting appeals this user must answer, soonest due first: at the rater stage those whose
    deciding role they hold on the card; HR those at HR's stage (HR may also step in earlier,
    but does not owe those). Never an appeal of the user's own card."""
    scope = scope_for(user)
    at_rater = Q(status=Appeal.Status.OPEN, stage=AppealStage.RATER)
    cond = Q(pk__in=[])
    if scope.supervised_team_ids:
        cond |= at_rater & Q(
            responder_role="supervisor", card__team_id__in=scope.supervised_team_ids
        )
    if scope.managed_department_ids:
        cond |= at_rater & Q(
            responder_role__in=MANAGER_ROLES, card__department_id__in=scope.managed_department_ids
        )
    if scope.inspected_department_ids:
        cond |= at_rater & Q(
            responder_role__in=("qc", "inspector"),
            card__department_id__in=scope.inspected_department_ids,
        )
    if scope.hr:
        cond |= Q(status__in=WAITING, stage=AppealStage.HR)
    qs = appeals_for_user(user).filter(cond)
    if scope.employee_id:
        qs = qs.exclude(card__employee_id=scope.employee_id)
    return qs.order_by("due_at", "id")


def overdue(appeals: QuerySet[Appeal]) -> QuerySet[Appeal]:
    """The appeals whose answer is past due."""
    return appeals.filter(status__in=WAITING, due_at__lt=timezone.now()).order_by("due_at", "id")
