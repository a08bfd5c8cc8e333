"""Who answers an appeal, by when, and what a correction may be.

An appeal goes first to the rater who decided the item — the last rater of the card's chain who
rated it (supervisor, reviewer …), never the employee; an item nobody rated (fed by the records) goes
to the supervisor of the employee's team, else to HR. The rater accepts (with corrections) or rejects
with a reason; the employee may escalate a rejection to HR, who decides last. Each stage has a number
of days to answer (``settings.CSPERF_APPEAL_STAGE_DAYS``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django.utils.translation import gettext as _

from csperf.core.errors import InvalidInput, finite_number
from csperf.org.access import scope_for
from csperf.org.models import Membership, Role
from csperf.reviews import workflow
from csperf.reviews.models import Appeal, AppealStage, Card, CardStatus, Rating
from csperf.scoring.extensions import InputSpec
from csperf.scoring.rules import kind_of

if TYPE_CHECKING:
    from django.contrib.auth.models import User

HR_DESK = "hr"
SETTING = "CSPERF_APPEAL_STAGE_DAYS"
# rater: days the deciding rater has to answer; escalate: days the employee has after a rejection
# (at least until the card's appeal window closes); hr: days HR has to decide.
DEFAULT_STAGE_DAYS = {"rater": 5, "escalate": 5, "hr": 7}
MAX_STAGE_DAYS = 90
# A percentage typed as a whole number (95 for 95 %) is the usual slip; no ratio of a call centre
# reaches 10 (1000 %) unless its template says so with x-range.
PERCENT_PLAUSIBLE = Decimal(10)


# -- deadlines -------------------------------------------------------------------------------


def stage_days() -> dict[str, int]:
    """Days per appeal stage: the defaults, with ``settings.CSPERF_APPEAL_STAGE_DAYS`` over them.

    A bad value raises ImproperlyConfigured naming the setting (checked when the app starts): a typo
    must stop the server, not give raters a year or no time at all.
    """
    raw = getattr(settings, SETTING, None)
    if raw is None:
        return dict(DEFAULT_STAGE_DAYS)
    if not isinstance(raw, dict):
        raise ImproperlyConfigured(
            f"{SETTING}={raw!r}: expected a mapping such as {DEFAULT_STAGE_DAYS!r}"
        )
    out = dict(DEFAULT_STAGE_DAYS)
    for key, value in raw.items():
        if key not in DEFAULT_STAGE_DAYS:
            raise ImproperlyConfigured(
                f"{SETTING}: unknown stage {key!r} (stages: {', '.join(DEFAULT_STAGE_DAYS)})"
            )
        if isinstance(value, bool) or not isinstance(value, int):
            raise ImproperlyConfigured(f"{SETTING}[{key!r}]={value!r}: expected whole days")
        if not 1 <= value <= MAX_STAGE_DAYS:
            raise ImproperlyConfigured(
                f"{SETTING}[{key!r}]={value}: must be 1 to {MAX_STAGE_DAYS} days"
            )
        out[key] = value
    return out


def due(start: dt.datetime, stage: str) -> dt.datetime:
    return start + dt.timedelta(days=stage_days()[stage])


def escalate_by(card: Card, rejected_at: dt.datetime) -> dt.datetime:
    """Until when the employee may take a rejection to HR: the appeal window, but never fewer
    than the escalation days after the rejection (a rater answering on the window's last day must
    not leave the employee no time)."""
    floor = due(rejected_at, "escalate")
    return max(card.appeal_deadline, floor) if card.appeal_deadline else floor


def window_open(card: Card) -> bool:
    return card.appeal_deadline is None or timezone.now() <= card.appeal_deadline


# -- who answers -----------------------------------------------------------------------------


def holder_ids(card: Card, role: str) -> set[int]:
    """Active logins that hold a chain role on this card, the card's employee left out."""
    if role == "supervisor":
        rows = Membership.objects.filter(role=Role.SUPERVISOR, team_id=card.team_id)
    elif role in workflow.MANAGER_ROLES:
        rows = Membership.objects.filter(role=Role.MANAGER, department_id=card.department_id)
    elif role in ("qc", "inspector"):
        rows = Membership.objects.filter(role=Role.INSPECTOR, department_id=card.department_id)
    else:
        return set()
    ids = set(rows.filter(user__is_active=True).values_list("user_id", flat=True))
    ids.discard(card.employee.user_id)
    return ids


def route(card: Card, codes: Iterable[str]) -> dict[str, list[str]]:
    """The appealed items grouped by the desk that answers them first, in the order given."""
    rated: dict[str, set[str]] = {}
    for code, role in Rating.objects.filter(card=card, value__isnull=False).values_list(
        "item_code", "role"
    ):
        rated.setdefault(code, set()).add(role)
    staffed: dict[str, bool] = {}

    def has_holder(role: str) -> bool:
        if role not in staffed:
            staffed[role] = bool(holder_ids(card, role))
        return staffed[role]

    out: dict[str, list[str]] = {}
    for code in codes:
        desk = deciding_role(card, rated.get(code, set()), has_holder)
        out.setdefault(desk, []).append(code)
    return out


def deciding_role(card: Card, rated_by: set[str], has_holder: Any) -> str:
    """The last rater of the chain who rated the item and can still answer; else the team's
    supervisor; else HR."""
    for role in reversed(card.chain):
        if role != "self" and role in rated_by and has_holder(role):
            return role
    if has_holder("supervisor"):
        return "supervisor"
    return HR_DESK


def desk_label(role: str) -> str:
    return _("HR") if role == HR_DESK else str(workflow.ROLE_LABELS.get(role, role))


def answering_as(user: User, appeal: Appeal) -> str | None:
    """In which capacity the user may answer this appeal: ``rater``, ``hr`` or None.

    The rater stage belongs to whoever holds the deciding role on the card; HR may step in at any
    stage and always decides last. Nobody answers an appeal of their own card.
    """
    scope = scope_for(user)
    card = appeal.card
    if scope.employee_id is not None and scope.employee_id == card.employee_id:
        return None
    if (
        appeal.stage == AppealStage.RATER
        and appeal.responder_role != HR_DESK
        and workflow.holds_role(scope, card, appeal.responder_role)
    ):
        return AppealStage.RATER
    return AppealStage.HR if scope.hr else None


def may_answer(user: User, appeal: Appeal) -> bool:
    return appeal.waiting and answering_as(user, appeal) is not None


def may_escalate(user: User, appeal: Appeal) -> bool:
    card = appeal.card
    return (
        appeal.escalatable
        and card.status in (CardStatus.APPEALED, CardStatus.APPEAL_RESOLVED)
        and workflow.holds_role(scope_for(user), card, "self")
    )


# -- corrections -----------------------------------------------------------------------------


def value_spec(template: Any, item: Any) -> InputSpec | None:
    """The domain of an item's input: its ``x-unit``/``x-range`` or the template's ``x-inputs``;
    without one, what the rule implies (a ratio rule reads a ratio, a per-count rule a count)."""
    if not item.value:
        return None
    spec = template.input_specs().get(item.value)
    if spec is not None:
        return spec
    unit = kind_of(item.rule).implied_unit
    return InputSpec(item.value, unit, item.label) if unit else None


def check_value_correction(template: Any, item: Any, raw: Any, field: str) -> Decimal:
    """A corrected input value of a record-fed item, inside the item's domain, or InvalidInput."""
    kind = kind_of(item.rule)
    if not item.value or kind.computed:
        raise InvalidInput(
            _("%(item)s is computed from other values; correct those in the records instead.")
            % {"item": item.label},
            field=field,
        )
    if kind.counted_by_kind(item.rule):
        raise InvalidInput(
            _("%(item)s is counted by kind; correct the events in the records instead.")
            % {"item": item.label},
            field=field,
        )
    value = finite_number(raw, field)
    spec = value_spec(template, item)
    why = spec.problem(value) if spec is not None else None
    percent_unbounded = spec is not None and spec.percent and spec.range is None
    if why is None and percent_unbounded and abs(value) > PERCENT_PLAUSIBLE:
        why = _("a rate is written as a fraction, e.g. 0.95")
    if why is not None:
        raise InvalidInput(
            _("%(value)s is not a valid value for %(item)s (%(why)s).")
            % {"value": raw, "item": item.label, "why": why},
            field=field,
        )
    return value


def correction_hint(template: Any, item: Any) -> str:
    """What a correction of the item may be, shown next to its field."""
    kind = kind_of(item.rule)
    levels = kind.listed_levels(item.rule)
    if levels:
        return " / ".join(str(lv.level) for lv in levels)
    span = kind.rating_range(item.rule, full=item.scale)
    if span is not None:
        return f"{span[0]}–{span[1]}"
    spec = item.unit if item.entered_by_raters else value_spec(template, item)
    if spec is None:
        return ""
    d = spec.domain
    low = "" if d.low is None else format(d.low.normalize(), "f")
    high = "" if d.high is None else format(d.high.normalize(), "f")
    if low and high:
        span = f"{low}–{high}"
    elif low or high:
        span = f"≥ {low}" if low else f"≤ {high}"
    else:
        span = ""
    if d.integer:
        span = f"{span} ({_('whole number')})" if span else _("whole number")
    return span
