"""What a bulk step would do to each card, and why a card is skipped.

Shown before anything happens (the confirmation page of the board and the cycle page, the API's
dry run) and decided again under each card's lock when the step runs (``run_bulk`` below). A card
whose ratings are incomplete is skipped with the items named — never approved with them left
out, which would rescale the card over the items that were rated.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from csperf.core import audit
from csperf.core.errors import ActionError, InvalidInput
from csperf.core.locking import lock
from csperf.org.access import scope_for
from csperf.reviews import workflow
from csperf.reviews.models import REVIEW_STATUSES, Card, CardStatus, Rating
from csperf.reviews.transitions import run_step

if TYPE_CHECKING:
    from django.contrib.auth.models import User

SETTLED = (CardStatus.PUBLISHED, CardStatus.ACKNOWLEDGED, CardStatus.APPEAL_RESOLVED)
# The statuses each step applies to: the cards a cycle-wide step looks at.
CANDIDATES: dict[str, tuple[str, ...]] = {
    "approve": tuple(REVIEW_STATUSES),
    "submit": tuple(REVIEW_STATUSES),
    "publish": (CardStatus.APPROVED,),
    "close": SETTLED,
}
STEPS = tuple(CANDIDATES)
BULK_RELATED = ("employee", "cycle", "template", "team", "department")


@dataclass
class Unrated:
    item: str
    name: str
    role: str

    def __str__(self) -> str:
        return f"{self.name} ({workflow.ROLE_LABELS.get(self.role, self.role)})"


@dataclass
class Skip:
    card: Card
    reason: str
    missing: list[Unrated] = field(default_factory=list)

    @property
    def unrated(self) -> list[str]:
        return [str(u) for u in self.missing]


@dataclass
class BulkPlan:
    step: str
    will: list[Card] = field(default_factory=list)
    skip: list[Skip] = field(default_factory=list)


def _given(cards: list[Card]) -> set[tuple[int, str, str]]:
    """(card, item, role) of every rating with a value, for all the cards in one query."""
    rows = Rating.objects.filter(card__in=[c.pk for c in cards], value__isnull=False)
    return set(rows.values_list("card_id", "item_code", "role"))


def unrated(card: Card, roles: Iterable[str], given: set[tuple[int, str, str]]) -> list[Unrated]:
    """The items the roles rate on the card that have no value yet, in template order."""
    roles = list(roles)
    out = []
    for it in card.template.parsed.entered_items():
        # A value the raters enter with a defined meaning when blank (zero, full) is not lost.
        if not it.rated and it.missing != "exclude":
            continue
        for role in it.entry_roles:
            if role in roles and (card.pk, it.code, role) not in given:
                out.append(Unrated(item=it.code, name=it.label, role=role))
    return out


def _role_label(role: str | None) -> str:
    return str(workflow.ROLE_LABELS.get(role, role)) if role else ""


def _skip_approve(user: User, card: Card, given: set) -> Skip | None:
    if card.status not in REVIEW_STATUSES:
        return Skip(card, _("It is %(status)s: not under review.") % _status(card))
    last = card.chain[-1] if card.chain else None
    if last is None or card.status != workflow.ROLE_STAGE[last]:
        role = _role_label(workflow.current_role(card))
        return Skip(card, _("Waiting for %(role)s: that stage is not rated yet.") % {"role": role})
    scope = scope_for(user)
    if not (
        scope.hr
        or last in workflow.rater_roles_of(user, card)
        or card.department_id in scope.managed_department_ids
    ):
        return Skip(card, _("Only the last rater, the department manager or HR may approve it."))
    missing = unrated(card, card.chain, given)
    if missing:
        return Skip(card, _items_reason(missing), missing)
    return None


def _skip_submit(user: User, card: Card, given: set) -> Skip | None:
    role = workflow.current_role(card)
    if card.status not in REVIEW_STATUSES or role is None:
        return Skip(card, _("It is %(status)s: not under review.") % _status(card))
    if role not in workflow.rater_roles_of(user, card):
        return Skip(card, _("Waiting for %(role)s, not for you.") % {"role": _role_label(role)})
    missing = unrated(card, [role], given)
    if missing:
        return Skip(card, _items_reason(missing), missing)
    return None


def _skip_publish(user: User, card: Card, given: set) -> Skip | None:
    if card.status != CardStatus.APPROVED:
        return Skip(card, _("It is %(status)s, not approved.") % _status(card))
    if not scope_for(user).hr:
        return Skip(card, _("Only HR may publish cards."))
    return None


def _skip_close(user: User, card: Card, given: set) -> Skip | None:
    if card.status not in SETTLED:
        return Skip(card, _("It is %(status)s, not settled.") % _status(card))
    if not scope_for(user).hr:
        return Skip(card, _("Only HR may close cards."))
    window = card.appeal_deadline
    if card.status == CardStatus.PUBLISHED and window and timezone.now() <= window:
        return Skip(card, _("The appeal window is still open."))
    return None


_SKIPS = {
    "approve": _skip_approve,
    "submit": _skip_submit,
    "publish": _skip_publish,
    "close": _skip_close,
}


def _status(card: Card) -> dict[str, str]:
    return {"status": str(card.get_status_display())}


def _items_reason(missing: list[Unrated]) -> str:
    return _("Items not rated: %(items)s.") % {"items": ", ".join(str(u) for u in missing)}


def skip_for(user: User, step: str, card: Card, given: set | None = None) -> Skip | None:
    """Why the step would not be done to this card now, or None when it would."""
    if given is None:
        given = _given([card])
    return _SKIPS[step](user, card, given)


def plan(user: User, step: str, cards: Iterable[Card]) -> BulkPlan:
    """What the step would do to each card (cards already fetched through the access helper)."""
    cards = list(cards)
    given = _given(cards)
    out = BulkPlan(step=step)
    for card in cards:
        skip = skip_for(user, step, card, given)
        if skip is None:
            out.will.append(card)
        else:
            out.skip.append(skip)
    return out


# -- bulk steps ------------------------------------------------------------------------------


@dataclass
class BulkResult:
    done: list[Card] = field(default_factory=list)
    skipped: list[Skip] = field(default_factory=list)
    failed: list[tuple[Card, str]] = field(default_factory=list)


def bulk_reason(reason: str | None) -> str:
    """A bulk step says why: the reason goes to every card's history (400 in the API)."""
    reason = (reason or "").strip()
    if not reason:
        raise ActionError(
            _("Give a reason: it is written to the history of every card the step changes."),
            field="reason",
        )
    return reason


def _audit_bulk(actor: User, step: str, result: BulkResult, reason: str) -> None:
    """One row per cycle naming what was done and what was skipped, and why."""
    cycles: dict[int, Any] = {}
    for card in [*result.done, *(s.card for s in result.skipped)]:
        cycles.setdefault(card.cycle_id, card.cycle)
    for cycle_id, cycle in cycles.items():
        audit.record(
            actor,
            f"bulk_{step}",
            cycle,
            new={
                "done": [c.employee.code for c in result.done if c.cycle_id == cycle_id],
                "skipped": [
                    {"card": s.card.employee.code, "why": s.reason}
                    for s in result.skipped
                    if s.card.cycle_id == cycle_id
                ],
            },
            reason=reason,
        )


def run_bulk(actor: User, step: str, cards: Iterable[Card], reason: str) -> BulkResult:
    """Do one step to many cards once the plan was shown and confirmed with a reason.

    Each card in its own transaction: locked, decided again (``skip_for``: ratings may have
    changed since the plan was shown), then the workflow action, which audits the move.
    """
    if step not in STEPS:
        raise InvalidInput(_("Unknown step %(step)s.") % {"step": step}, field="step")
    reason = bulk_reason(reason)
    result = BulkResult()
    for card in cards:
        try:
            with transaction.atomic():
                locked = lock(card, related=BULK_RELATED)
                skip = skip_for(actor, step, locked)
                if skip is not None:
                    result.skipped.append(skip)
                    continue
                run_step(actor, locked, step, reason=reason)
                result.done.append(locked)
        except ActionError as exc:
            result.failed.append((card, exc.message))
    _audit_bulk(actor, step, result, reason)
    return result
