"""Changes to templates and cycles; each checks, locks, saves and audits (HR only)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from csperf.core import audit, jobs
from csperf.core.errors import ActionError, InvalidInput, InvalidTransition, NotAllowed
from csperf.core.models import Job
from csperf.cycles.models import Cycle, CycleOverride, CycleTemplate, InputValue, ScorecardTemplate
from csperf.org.access import scope_for
from csperf.org.models import Employee, Position
from csperf.reviews import workflow
from csperf.scoring import Period, TemplateError, load_template


def _require_hr(actor: Any) -> None:
    if not scope_for(actor).hr:
        raise NotAllowed(_("Only HR may manage templates and cycles."))


def default_deadline(period: str) -> dt.date:
    """Ratings are due on the 5th of the month after the period."""
    nxt = Period.parse(period).shift(1)
    return dt.date(nxt.year, nxt.first_month, 5)


# -- templates -------------------------------------------------------------------------------


def add_template(
    actor: Any, text: str, *, source: str = "<template>", builtin: bool = False
) -> ScorecardTemplate:
    """Store a new template version; the text must load, and its version must be new."""
    if not builtin:
        _require_hr(actor)
    try:
        parsed = load_template(text, source=source)
    except TemplateError as exc:
        raise InvalidInput(str(exc), field="source") from None
    positions = parsed.extensions.get("x-positions") or []
    if not isinstance(positions, list) or not all(isinstance(p, str) for p in positions):
        raise InvalidInput(
            f"{source}: x-positions: expected a list of position names", field="source"
        )
    try:
        with transaction.atomic():
            tpl = ScorecardTemplate.objects.create(
                code=parsed.code,
                version=parsed.version,
                name=parsed.name or parsed.code,
                period=parsed.period,
                period_start_day=parsed.period_start_day or 1,
                source=text,
                positions=positions,
                rater_roles=parsed.rater_roles(),
                builtin=builtin,
                created_by=actor if getattr(actor, "is_authenticated", False) else None,
            )
            audit.record(actor, "add_template", tpl, new={"code": tpl.code, "version": tpl.version})
    except IntegrityError:
        raise InvalidInput(
            _(
                "%(source)s: template %(code)s version %(version)s already exists; raise the version."
            )
            % {"source": source, "code": parsed.code, "version": parsed.version},
            field="source",
        ) from None
    return tpl


def latest_template(code: str) -> ScorecardTemplate | None:
    return ScorecardTemplate.objects.filter(code=code).order_by("-version").first()


# -- cycles ----------------------------------------------------------------------------------


def create_cycle(
    actor: Any,
    *,
    period: str,
    name: str = "",
    rating_deadline: dt.date | None = None,
    appeal_days: int = 7,
) -> Cycle:
    """A cycle for a period, with every position's default template (latest version) pinned."""
    _require_hr(actor)
    try:
        label = Period.parse(period).label
    except ValueError as exc:
        raise InvalidInput(str(exc), field="period") from None
    if appeal_days < 0 or appeal_days > 90:
        raise InvalidInput(_("The appeal window must be 0 to 90 days."), field="appeal_days")
    deadline = rating_deadline or default_deadline(label)
    with transaction.atomic():
        cycle = Cycle.objects.create(
            name=name.strip() or _("%(period)s evaluation") % {"period": label},
            period=label,
            rating_deadline=deadline,
            appeal_days=appeal_days,
            created_by=actor,
        )
        audit.record(actor, "create_cycle", cycle, new={"period": label, "deadline": deadline})
        for position in Position.objects.exclude(default_template_code=""):
            tpl = latest_template(position.default_template_code)
            if tpl is not None and Period.parse(label).kind == tpl.period and _chain_ok(tpl):
                CycleTemplate.objects.create(cycle=cycle, position=position, template=tpl)
                audit.record(actor, "assign_template", cycle, field=position.code, new=str(tpl))
    return cycle


def _chain_ok(template: ScorecardTemplate) -> bool:
    try:
        workflow.chain_for(template.rater_roles)
    except InvalidInput:
        return False
    return True


def _require_draft_or_open(cycle: Cycle) -> None:
    if cycle.status == Cycle.Status.CLOSED:
        raise InvalidTransition(_("The cycle is closed."))


def _check_period_kind(cycle: Cycle, template: ScorecardTemplate, field: str) -> None:
    if cycle.period_obj.kind != template.period:
        raise InvalidInput(
            _("Template %(tpl)s is for %(kind)s periods; the cycle is %(period)s.")
            % {"tpl": template, "kind": template.period, "period": cycle.period},
            field=field,
        )


def assign_template(
    actor: Any, cycle: Cycle, position: Position, template: ScorecardTemplate | None
) -> None:
    """Pin a template version for a position in this cycle (None removes it)."""
    _require_hr(actor)
    with transaction.atomic():
        cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
        _require_draft_or_open(cycle)
        current = CycleTemplate.objects.filter(cycle=cycle, position=position).first()
        old = str(current.template) if current else None
        if template is None:
            if current:
                current.delete()
        else:
            _check_period_kind(cycle, template, "template")
            workflow.chain_for(template.rater_roles)
            CycleTemplate.objects.update_or_create(
                cycle=cycle, position=position, defaults={"template": template}
            )
        audit.record(
            actor,
            "assign_template",
            cycle,
            field=position.code,
            old=old,
            new=str(template) if template else None,
        )


def set_override(
    actor: Any,
    cycle: Cycle,
    employee: Employee,
    template: ScorecardTemplate | None,
    reason: str = "",
) -> None:
    """Give one employee another template in this cycle (None removes the override)."""
    _require_hr(actor)
    with transaction.atomic():
        cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
        _require_draft_or_open(cycle)
        current = CycleOverride.objects.filter(cycle=cycle, employee=employee).first()
        old = str(current.template) if current else None
        if template is None:
            if current:
                current.delete()
        else:
            _check_period_kind(cycle, template, "template")
            workflow.chain_for(template.rater_roles)
            CycleOverride.objects.update_or_create(
                cycle=cycle, employee=employee, defaults={"template": template, "reason": reason}
            )
        audit.record(
            actor,
            "override_template",
            cycle,
            field=employee.code,
            old=old,
            new=str(template) if template else None,
            reason=reason,
        )


def set_input_value(
    actor: Any, cycle: Cycle, employee: Employee, name: str, value: Any, note: str = ""
) -> None:
    """Enter a value by hand (e.g. a count the records do not hold); it wins over computed ones."""
    _require_hr(actor)
    name = (name or "").strip()
    if not name:
        raise InvalidInput(_("The value name is required."), field="name")
    if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float, dict))):
        raise InvalidInput(
            _("The value must be a number, a map of counts, or empty."), field="value"
        )
    with transaction.atomic():
        cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
        _require_draft_or_open(cycle)
        current = InputValue.objects.filter(cycle=cycle, employee=employee, name=name).first()
        InputValue.objects.update_or_create(
            cycle=cycle,
            employee=employee,
            name=name,
            defaults={"value": value, "note": note, "entered_by": actor},
        )
        audit.record(
            actor,
            "input_value",
            cycle,
            field=f"{employee.code}.{name}",
            old=current.value if current else None,
            new=value,
            reason=note,
        )


def request_compute(actor: Any, cycle: Cycle) -> Job:
    """Queue the background job that builds and scores the cycle's cards."""
    _require_hr(actor)
    _require_draft_or_open(cycle)
    running = Job.objects.filter(
        kind="cycle.compute", cycle_id=cycle.pk, status__in=[Job.Status.QUEUED, Job.Status.RUNNING]
    ).first()
    if running:
        return running
    job = jobs.enqueue("cycle.compute", {"cycle": cycle.pk}, user=actor, cycle_id=cycle.pk)
    audit.record(actor, "compute", cycle, new={"job": job.pk})
    return job


def resync_feeds(actor: Any, cycle: Cycle) -> dict[str, int]:
    """Write the QC reviews and survey rows that missed the records store, before a recompute."""
    from csperf.cycles import feeds

    _require_hr(actor)
    before = feeds.pending()
    try:
        done = feeds.sync()
    except Exception as exc:  # the store still refuses: nothing was cleared, say why
        raise ActionError(
            _("The records store refused the write: %(error)s") % {"error": exc}
        ) from None
    audit.record(actor, "resync_feeds", cycle, old=before, new=done)
    return done


def open_cycle(actor: Any, cycle: Cycle, reason: str = "") -> int:
    """draft -> open: every draft card goes to its first rater. Returns the number of cards opened."""
    from csperf.reviews import actions as card_actions
    from csperf.reviews.models import Card, CardStatus

    _require_hr(actor)
    with transaction.atomic():
        c = Cycle.objects.select_for_update().get(pk=cycle.pk)
        if c.status == Cycle.Status.CLOSED:
            raise InvalidTransition(_("The cycle is closed."))
        if not c.cards.exists():
            raise InvalidTransition(_("Compute the cycle first: it has no cards."))
        old = c.status
        c.status = Cycle.Status.OPEN
        c.save(update_fields=["status"])
        audit.record(actor, "open_cycle", c, field="status", old=old, new=c.status, reason=reason)
    done, _failed = card_actions.bulk(
        actor, card_actions.start_rating, Card.objects.filter(cycle=cycle, status=CardStatus.DRAFT)
    )
    cycle.refresh_from_db()
    return done


def close_cycle(actor: Any, cycle: Cycle, reason: str = "") -> None:
    """open -> closed, once every card is closed."""
    from csperf.reviews.models import CardStatus

    _require_hr(actor)
    with transaction.atomic():
        c = Cycle.objects.select_for_update().get(pk=cycle.pk)
        if c.status != Cycle.Status.OPEN:
            raise InvalidTransition(_("Only an open cycle can be closed."))
        unsettled = c.cards.exclude(status=CardStatus.CLOSED).count()
        if unsettled:
            raise InvalidTransition(_("%(n)s cards are not closed yet.") % {"n": unsettled})
        c.status = Cycle.Status.CLOSED
        c.save(update_fields=["status"])
        audit.record(
            actor,
            "close_cycle",
            c,
            field="status",
            old=Cycle.Status.OPEN,
            new=c.status,
            reason=reason,
        )
    cycle.refresh_from_db()


def mark_computed(cycle: Cycle) -> None:
    Cycle.objects.filter(pk=cycle.pk).update(computed_at=timezone.now())
