"""Which workflow action a requested card step runs: the one table for pages, API and bulk.

The card page's buttons, ``POST /api/cards/{id}/transitions``, the board's "rate and hand on"
and the bulk steps all name a step; :func:`run_step` maps the name to its action in
``reviews.actions`` (which checks the move, locks, saves and audits). A new step is added here
once, in ``StepName`` and ``STEPS``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Literal, get_args

from django.utils.translation import gettext as _

from csperf.core.errors import InvalidInput
from csperf.org.readonly import require_may_act
from csperf.reviews import actions
from csperf.reviews.models import Card

if TYPE_CHECKING:
    from django.contrib.auth.models import User

StepName = Literal[
    "start", "submit", "return", "approve", "publish", "acknowledge", "close", "reopen"
]
Runner = Callable[["User", Card, str, "str | None"], Card]

STEPS: dict[str, Runner] = {
    "start": lambda actor, card, reason, _to: actions.start_rating(actor, card, reason),
    "submit": lambda actor, card, reason, _to: actions.submit(actor, card, reason),
    "return": lambda actor, card, reason, _to: actions.return_card(actor, card, reason),
    "approve": lambda actor, card, reason, _to: actions.approve(actor, card, reason),
    "publish": lambda actor, card, reason, _to: actions.publish(actor, card, reason),
    "acknowledge": lambda actor, card, _reason, _to: actions.acknowledge(actor, card),
    "close": lambda actor, card, reason, _to: actions.close(actor, card, reason),
    "reopen": lambda actor, card, reason, to: actions.reopen(actor, card, reason, to or None),
}
STEP_NAMES: tuple[str, ...] = get_args(StepName)
if set(STEP_NAMES) != set(STEPS):  # the API schema and the table must name the same steps
    raise RuntimeError(f"StepName {STEP_NAMES} and STEPS {tuple(STEPS)} differ")


def check_step(step: str) -> str:
    """The step name, or InvalidInput (422 in the API, a message on a page) naming it."""
    if step not in STEPS:
        raise InvalidInput(_("Unknown step %(step)s.") % {"step": step}, field="step")
    return step


def run_step(
    actor: User, card: Card, step: str, *, reason: str = "", to_role: str | None = None
) -> Card:
    """Run one workflow step on a card already fetched through ``reviews.access``.

    A read-only login (the auditor) is refused here whatever the caller checked; each action
    then checks the actor's turn or role on the card itself.
    """
    runner = STEPS[check_step(step)]
    require_may_act(actor)
    return runner(actor, card, reason or "", to_role)
