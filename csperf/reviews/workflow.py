"""Who rates which stage of a card, and who sees which rating column.

A card's chain is its template's rater roles in order (self -> supervisor -> reviewer, or whatever
the template names). Each role maps to one review status and to the people who hold it for the card.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from csperf.core.errors import InvalidInput
from csperf.org.access import Scope, scope_for
from csperf.reviews.models import RELEASED, Card, CardStatus, Evidence

if TYPE_CHECKING:
    from django.contrib.auth.models import User

ROLE_STAGE: dict[str, str] = {
    "self": CardStatus.SELF_REVIEW,
    "supervisor": CardStatus.SUPERVISOR_REVIEW,
    "qc": CardStatus.INSPECTOR_REVIEW,
    "inspector": CardStatus.INSPECTOR_REVIEW,
    "reviewer": CardStatus.REVIEWER_REVIEW,
    "manager": CardStatus.REVIEWER_REVIEW,
    "department_manager": CardStatus.REVIEWER_REVIEW,
    # a manager who rates after the reviewer (物业经理 after 间接上级)
    "property_manager": CardStatus.MANAGER_REVIEW,
}
MANAGER_ROLES = frozenset({"reviewer", "manager", "department_manager", "property_manager"})
ROLE_LABELS = {
    "self": gettext_lazy("Self"),
    "supervisor": gettext_lazy("Supervisor"),
    "qc": gettext_lazy("QC inspector"),
    "inspector": gettext_lazy("QC inspector"),
    "reviewer": gettext_lazy("Reviewer"),
    "manager": gettext_lazy("Department manager"),
    "department_manager": gettext_lazy("Department manager"),
    "property_manager": gettext_lazy("Department manager"),
}


def chain_for(roles: list[str]) -> list[str]:
    """Validate a template's rater roles as a workflow chain (one stage per status)."""
    seen: set[str] = set()
    for role in roles:
        if role not in ROLE_STAGE:
            raise InvalidInput(
                _("Rater %(role)s is not a known role (known: %(known)s).")
                % {"role": role, "known": ", ".join(ROLE_STAGE)},
                field="raters",
            )
        stage = ROLE_STAGE[role]
        if stage in seen:
            raise InvalidInput(
                _("Raters %(role)s and another share one review stage.") % {"role": role},
                field="raters",
            )
        seen.add(stage)
    return list(roles)


def current_role(card: Card) -> str | None:
    for role in card.chain:
        if ROLE_STAGE.get(role) == card.status:
            return role
    return None


def first_status(card: Card) -> str:
    return ROLE_STAGE[card.chain[0]] if card.chain else CardStatus.APPROVED


def next_status(card: Card, role: str) -> str:
    idx = card.chain.index(role)
    return ROLE_STAGE[card.chain[idx + 1]] if idx + 1 < len(card.chain) else CardStatus.APPROVED


def previous_status(card: Card, role: str) -> str | None:
    idx = card.chain.index(role)
    return ROLE_STAGE[card.chain[idx - 1]] if idx > 0 else None


def holds_role(scope: Scope, card: Card, role: str) -> bool:
    if role == "self":
        return scope.employee_id is not None and scope.employee_id == card.employee_id
    if role == "supervisor":
        return card.team_id in scope.supervised_team_ids
    if role in MANAGER_ROLES:
        return card.department_id in scope.managed_department_ids
    if role in ("qc", "inspector"):
        return card.department_id in scope.inspected_department_ids
    return False


def rater_roles_of(user: User, card: Card) -> list[str]:
    """The chain roles the user holds on this card (usually zero or one)."""
    scope = scope_for(user)
    return [role for role in card.chain if holds_role(scope, card, role)]


def visible_columns(user: User, card: Card) -> list[str]:
    """The rating columns (chain roles) the user may read on this card: the one rule.

    HR and the auditor read every column. Once the card is released (published), everyone who
    may see the card reads every column. Before that a rater reads the columns up to and
    including their own (a supervisor reads the self-rating and their own, never the
    reviewer's); the employee reads their own column; a department manager outside the chain
    (who approves the card) reads every column; anyone else (an inspector outside the chain)
    reads none.
    """
    scope = scope_for(user)
    if scope.sees_everything or card.status in RELEASED:
        return list(card.chain)
    last = -1
    for idx, role in enumerate(card.chain):
        if holds_role(scope, card, role):
            last = idx
    if last < 0 and card.department_id in scope.managed_department_ids:
        return list(card.chain)
    return list(card.chain[: last + 1])


def hidden_columns(user: User, card: Card) -> list[str]:
    """The chain roles whose ratings (and whatever is derived from them) the user may not read."""
    shown = set(visible_columns(user, card))
    return [role for role in card.chain if role not in shown]


def _own_unreleased(scope: Scope, card: Card) -> bool:
    """The employee's own card before publication (HR excepted)."""
    return scope.employee_id == card.employee_id and not scope.hr and card.status not in RELEASED


def sees_item_scores(user: User, card: Card) -> bool:
    """Item and section figures (each still subject to ``hidden_columns``): everyone who may see
    the card, except the employee before the card is published."""
    return not _own_unreleased(scope_for(user), card)


def sees_scores(user: User, card: Card) -> bool:
    """The card's result (total, grade, rank, flags, alerts), on every page, print, export, list
    and API answer.

    Once published: everyone who may see the card. Before that: HR and the auditor, and whoever
    reads every rating column (the last rater of the chain, a department manager over the card);
    never the employee, nor an earlier rater (the supervisor while the reviewer rates), nor an
    inspector outside the chain: the result still depends on ratings they may not read.
    """
    scope = scope_for(user)
    if card.status in RELEASED:
        return True
    if _own_unreleased(scope, card):  # an auditor's own card too; HR's is theirs to read
        return False
    return scope.sees_everything or not hidden_columns(user, card)


def evidence_role(card: Card, uploader: User | None, role: str) -> str | None:
    """The chain role a file was attached for: as stored, else (files attached before the
    role was kept) the latest chain role its uploader holds on the card, else None."""
    if role:
        return role
    if uploader is None:
        return None
    held = rater_roles_of(uploader, card)
    return held[-1] if held else None


def sees_evidence(user: User, card: Card, ev: Evidence) -> bool:
    """A file attached by a rater is read by those who read that rater's column
    (``visible_columns``); a file whose role is unknown only by those who read every column."""
    role = evidence_role(card, ev.uploaded_by, ev.role)
    shown = visible_columns(user, card)
    if role is None:
        return not hidden_columns(user, card)
    return role in shown


def sees_pay(user: User, card: Card) -> bool:
    """Performance pay: HR and the auditor, and the employee on their own card once published.

    Supervisors, inspectors and managers never see pay (the pay export refuses them too).
    """
    scope = scope_for(user)
    if scope.sees_everything:
        return True
    return (
        scope.employee_id is not None
        and scope.employee_id == card.employee_id
        and card.status in RELEASED
    )
