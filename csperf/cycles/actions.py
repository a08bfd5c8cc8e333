"""Changes to templates and cycles; each checks, locks, saves and audits (HR only)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from csperf.core import audit, jobs
from csperf.core.errors import (
    ActionError,
    InvalidInput,
    InvalidTransition,
    NotAllowed,
    require_reason,
)
from csperf.core.locking import lock
from csperf.core.models import Job
from csperf.cycles import gates
from csperf.cycles.models import Cycle, CycleOverride, CycleTemplate, InputValue, ScorecardTemplate
from csperf.cycles.scope import CycleScope
from csperf.org.access import scope_for
from csperf.org.models import Department, Employee, Position, Team
from csperf.reviews import coverage as card_gate
from csperf.reviews import workflow
from csperf.scoring import Period, TemplateError, load_template

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def _require_hr(actor: User) -> None:
    if not scope_for(actor).hr:
        raise NotAllowed(_("Only HR may manage templates and cycles."))


def default_deadline(period: str) -> dt.date:
    """Ratings are due on the 5th of the month after the period."""
    nxt = Period.parse(period).shift(1)
    return dt.date(nxt.year, nxt.first_month, 5)


# -- templates -------------------------------------------------------------------------------


def add_template(
    actor: User, text: str, *, source: str = "<template>", builtin: bool = False
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


DEFAULT_MIN_COVERAGE = Decimal("0.8")


def check_min_coverage(value: Any) -> Decimal:
    """A share from 0 to 1 (0.8 = 80% of the record-fed weight must have data)."""
    try:
        share = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        share = None
    if share is None or not share.is_finite() or not Decimal(0) <= share <= Decimal(1):
        raise InvalidInput(
            _("The minimum data coverage must be a share from 0 to 1 (0.8 means 80 percent)."),
            field="min_coverage",
        )
    return share.quantize(Decimal("0.001"))


def _refuse_overlap(label: str, scope: CycleScope) -> None:
    """One cycle per period and person: a second cycle overlapping the scope is refused."""
    for other in (
        Cycle.objects.select_for_update().filter(period=label).exclude(status=Cycle.Status.ARCHIVED)
    ):
        theirs = CycleScope.of(other)
        if scope.overlaps(theirs):
            raise InvalidTransition(
                _(
                    "The cycle “%(name)s” (#%(id)s, %(status)s, for %(scope)s) already covers "
                    "%(period)s for people this cycle would include: everyone in both would get "
                    "two cards. Choose departments, teams or positions it does not cover, or "
                    "delete or archive that cycle first."
                )
                % {
                    "name": other.name,
                    "id": other.pk,
                    "status": other.get_status_display(),
                    "scope": theirs.label(),
                    "period": label,
                }
            )


def create_cycle(
    actor: User,
    *,
    period: str,
    name: str = "",
    rating_deadline: dt.date | None = None,
    appeal_days: int = 7,
    min_coverage: Any = DEFAULT_MIN_COVERAGE,
    departments: Iterable[Department] = (),
    teams: Iterable[Team] = (),
    positions: Iterable[Position] = (),
) -> Cycle:
    """A cycle for a period and a scope (no departments, teams or positions: everyone), with
    every position's default template (latest version) pinned. A cycle of the same period
    whose scope overlaps is refused (409). Stages nobody could rate are reported at once."""
    _require_hr(actor)
    try:
        label = Period.parse(period).label
    except ValueError as exc:
        raise InvalidInput(str(exc), field="period") from None
    if appeal_days < 0 or appeal_days > 90:
        raise InvalidInput(_("The appeal window must be 0 to 90 days."), field="appeal_days")
    share = check_min_coverage(min_coverage)
    departments, teams, positions = list(departments), list(teams), list(positions)
    scope = CycleScope(
        department_ids=frozenset(d.pk for d in departments),
        team_ids=frozenset(t.pk for t in teams),
        position_ids=frozenset(p.pk for p in positions),
    )
    deadline = rating_deadline or default_deadline(label)
    with transaction.atomic():
        _refuse_overlap(label, scope)
        cycle = Cycle.objects.create(
            name=name.strip() or _("%(period)s evaluation") % {"period": label},
            period=label,
            rating_deadline=deadline,
            appeal_days=appeal_days,
            min_coverage=share,
            created_by=actor,
        )
        cycle.departments.set(departments)
        cycle.teams.set(teams)
        cycle.positions.set(positions)
        audit.record(
            actor,
            "create_cycle",
            cycle,
            new={
                "period": label,
                "deadline": deadline,
                "min_coverage": share.normalize(),
                "scope": scope.label(),
            },
        )
        for position in Position.objects.exclude(default_template_code=""):
            if scope.position_ids and position.pk not in scope.position_ids:
                continue
            tpl = latest_template(position.default_template_code)
            if tpl is not None and Period.parse(label).kind == tpl.period and _chain_ok(tpl):
                CycleTemplate.objects.create(cycle=cycle, position=position, template=tpl)
                audit.record(actor, "assign_template", cycle, field=position.code, new=str(tpl))
        # Who would wait for a rater nobody is: shown on the cycle page before any card exists.
        cycle.compute_report = {"unrated_stages": gates.gaps_jsonable(gates.rater_gaps(cycle))}
        cycle.save(update_fields=["compute_report"])
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
    if cycle.status == Cycle.Status.ARCHIVED:
        raise InvalidTransition(_("The cycle is archived."))


def _check_period_kind(cycle: Cycle, template: ScorecardTemplate, field: str) -> None:
    if cycle.period_obj.kind != template.period:
        raise InvalidInput(
            _("Template %(tpl)s is for %(kind)s periods; the cycle is %(period)s.")
            % {"tpl": template, "kind": template.period, "period": cycle.period},
            field=field,
        )


def assign_template(
    actor: User, cycle: Cycle, position: Position, template: ScorecardTemplate | None
) -> None:
    """Pin a template version for a position in this cycle (None removes it)."""
    _require_hr(actor)
    with transaction.atomic():
        cycle = lock(cycle)
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
    actor: User,
    cycle: Cycle,
    employee: Employee,
    template: ScorecardTemplate | None,
    reason: str = "",
) -> None:
    """Give one employee another template in this cycle (None removes the override)."""
    _require_hr(actor)
    with transaction.atomic():
        cycle = lock(cycle)
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
    actor: User, cycle: Cycle, employee: Employee, name: str, value: Any, note: str = ""
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
        cycle = lock(cycle)
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


def request_compute(actor: User, cycle: Cycle) -> Job:
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


def resync_feeds(actor: User, cycle: Cycle) -> dict[str, int]:
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


CardDecisions = Iterable[tuple[Any, str]]


def open_cycle(
    actor: User,
    cycle: Cycle,
    reason: str = "",
    *,
    exclude: CardDecisions = (),
    override: CardDecisions = (),
) -> int:
    """draft -> open: every draft card goes to its first rater. Returns the number opened.

    The gates come first (409 naming every card held back): data coverage below the cycle's
    minimum or inputs with errors, and stages nobody may rate. ``exclude`` and ``override`` are
    HR's decisions on such cards, as (card, reason) pairs: applied together with the opening,
    or not at all.
    """
    from csperf.reviews import actions as card_actions
    from csperf.reviews.models import Card, CardStatus

    _require_hr(actor)
    with transaction.atomic():
        c = lock(cycle)
        _require_draft_or_open(c)
        if not c.cards.exists():
            raise InvalidTransition(_("Compute the cycle first: it has no cards."))
        _exclude(actor, c, exclude)
        _override(actor, c, override)
        held = gates.blocked(gates.opening_cards(c))
        if held:
            raise gates.GateRefused(
                gates.refusal_message(held), blocked=gates.blocked_jsonable(held)
            )
        old = c.status
        c.status = Cycle.Status.OPEN
        c.save(update_fields=["status"])
        audit.record(actor, "open_cycle", c, field="status", old=old, new=c.status, reason=reason)
    done, _failed = card_actions.bulk(
        actor, card_actions.start_rating, Card.objects.filter(cycle=cycle, status=CardStatus.DRAFT)
    )
    cycle.refresh_from_db()
    return done


def _cycle_card(cycle: Cycle, card: Any, field: str) -> Any:
    """The card, locked, when it belongs to this cycle."""
    from csperf.reviews.models import Card

    locked = (
        Card.objects.select_for_update(of=("self",))
        .select_related("employee__user", "team", "department", "template", "cycle")
        .filter(pk=getattr(card, "pk", card), cycle_id=cycle.pk)
        .first()
    )
    if locked is None:
        raise InvalidInput(
            _("Card %(card)s is not in this cycle.") % {"card": getattr(card, "pk", card)},
            field=field,
        )
    return locked


def _exclude(actor: User, cycle: Cycle, decisions: CardDecisions) -> int:
    from csperf.reviews.models import EDITABLE, CardStatus

    n = 0
    for i, (card, why) in enumerate(decisions):
        why = require_reason(why, f"exclude[{i}].reason")
        c = _cycle_card(cycle, card, f"exclude[{i}].card")
        if c.status == CardStatus.EXCLUDED:
            continue
        if c.status not in EDITABLE:
            raise InvalidTransition(
                _("%(who)s is %(status)s: reopen the card before excluding it.")
                % {"who": card_gate.who(c), "status": c.get_status_display()}
            )
        old = c.status
        c.status = CardStatus.EXCLUDED
        c.excluded_reason = why
        c.save(update_fields=["status", "excluded_reason", "updated_at"])
        audit.record(actor, "exclude_card", c, field="status", old=old, new=c.status, reason=why)
        n += 1
    return n


def _override(actor: User, cycle: Cycle, decisions: CardDecisions) -> int:
    holders = gates.Holders.load()
    n = 0
    seen: set[int] = set()
    for i, (card, why) in enumerate(decisions):
        why = require_reason(why, f"override[{i}].reason")
        c = _cycle_card(cycle, card, f"override[{i}].card")
        if c.pk in seen:
            continue
        seen.add(c.pk)
        problems = [p for p in gates.card_problems(c, holders) if not p["overridden"]]
        if not problems:
            raise InvalidInput(
                _("%(who)s is not held back by any gate: there is nothing to override.")
                % {"who": card_gate.who(c)},
                field=f"override[{i}].card",
            )
        overrides = dict(c.gate_overrides or {})
        at = timezone.now().isoformat(timespec="seconds")
        for p in problems:
            overrides[p["gate"]] = {
                "reason": why,
                "by": getattr(actor, "username", ""),
                "at": at,
                "why": p["why"],
            }
            audit.record(actor, "override_gate", c, field=p["gate"], new=p["why"], reason=why)
        c.gate_overrides = overrides
        c.save(update_fields=["gate_overrides", "updated_at"])
        n += 1
    return n


def exclude_cards(actor: User, cycle: Cycle, decisions: CardDecisions) -> int:
    """Leave cards out of the cycle, each with a reason: they are not rated or published."""
    _require_hr(actor)
    with transaction.atomic():
        c = lock(cycle)
        _require_draft_or_open(c)
        return _exclude(actor, c, decisions)


def override_gates(actor: User, cycle: Cycle, decisions: CardDecisions) -> int:
    """Let held-back cards go ahead, each with a reason; the cards show the override."""
    _require_hr(actor)
    with transaction.atomic():
        c = lock(cycle)
        _require_draft_or_open(c)
        return _override(actor, c, decisions)


def include_card(actor: User, card: Any, reason: str = "") -> None:
    """An excluded card back into its cycle, as a draft (rescored; opening starts it)."""
    from csperf.reviews.models import CardStatus
    from csperf.reviews.scoring import rescore

    _require_hr(actor)
    with transaction.atomic():
        cycle = Cycle.objects.select_for_update().get(pk=card.cycle_id)
        _require_draft_or_open(cycle)
        c = _cycle_card(cycle, card, "card")
        if c.status != CardStatus.EXCLUDED:
            raise InvalidTransition(_("%(who)s is not excluded.") % {"who": card_gate.who(c)})
        c.status = CardStatus.DRAFT
        c.excluded_reason = ""
        c.save(update_fields=["status", "excluded_reason", "updated_at"])
        audit.record(
            actor,
            "include_card",
            c,
            field="status",
            old=CardStatus.EXCLUDED,
            new=c.status,
            reason=reason,
        )
        rescore(cycle.pk, [c.template_id])
    card.refresh_from_db()


def set_min_coverage(actor: User, cycle: Cycle, value: Any, reason: str = "") -> None:
    _require_hr(actor)
    share = check_min_coverage(value)
    with transaction.atomic():
        c = lock(cycle)
        _require_draft_or_open(c)
        old = c.min_coverage
        if old == share:
            return
        c.min_coverage = share
        c.save(update_fields=["min_coverage"])
        audit.record(
            actor,
            "min_coverage",
            c,
            field="min_coverage",
            old=old.normalize(),
            new=share.normalize(),
            reason=reason,
        )
    cycle.refresh_from_db()


def _disclosure_state(c: Cycle) -> dict[str, Any]:
    return {
        "disclose_results": c.disclose_results,
        "disclose_from": c.disclose_from.isoformat() if c.disclose_from else None,
        "disclose_until": c.disclose_until.isoformat() if c.disclose_until else None,
    }


def set_disclosure(
    actor: User,
    cycle: Cycle,
    enabled: bool,
    first: dt.date | None,
    last: dt.date | None,
    reason: str = "",
) -> None:
    """Publish the cycle's released results (name, total, grade, rank; never pay) to each
    department's members between two dates (结果公示), or stop doing so. HR only, audited."""
    _require_hr(actor)
    if enabled:
        if first is None:
            raise InvalidInput(
                _("Give the first day the results are shown."), field="disclose_from"
            )
        if last is None:
            raise InvalidInput(
                _("Give the last day the results are shown."), field="disclose_until"
            )
        if last < first:
            raise InvalidInput(
                _("The last day (%(last)s) is before the first day (%(first)s).")
                % {"last": last.isoformat(), "first": first.isoformat()},
                field="disclose_until",
            )
    with transaction.atomic():
        c = lock(cycle)
        if c.status == Cycle.Status.ARCHIVED:
            raise InvalidTransition(_("An archived cycle's results are not published."))
        old = _disclosure_state(c)
        c.disclose_results = bool(enabled)
        c.disclose_from = first if enabled else None
        c.disclose_until = last if enabled else None
        new = _disclosure_state(c)
        if old == new:
            return
        c.save(update_fields=["disclose_results", "disclose_from", "disclose_until"])
        audit.record(
            actor, "disclosure", c, field="disclose_results", old=old, new=new, reason=reason
        )
    cycle.refresh_from_db()


def delete_cycle(actor: User, cycle: Cycle, reason: str) -> int:
    """Delete a cycle still being set up, with its cards (audited). Returns the cards deleted."""
    from csperf.reviews.models import Card, CardStatus

    _require_hr(actor)
    reason = require_reason(reason)
    with transaction.atomic():
        c = lock(cycle)
        if c.status != Cycle.Status.DRAFT:
            raise InvalidTransition(
                _("Only a cycle still being set up can be deleted; archive this one instead.")
            )
        cards = Card.objects.filter(cycle=c)
        started = cards.exclude(status__in=[CardStatus.DRAFT, CardStatus.EXCLUDED]).count()
        if started:
            raise InvalidTransition(
                _("%(n)s cards of this cycle are already being rated; archive it instead.")
                % {"n": started}
            )
        n = cards.count()
        audit.record(
            actor,
            "delete_cycle",
            c,
            old={"name": c.name, "period": c.period, "cards": n},
            reason=reason,
        )
        try:
            cards.delete()
            c.delete()
        except ProtectedError:
            raise InvalidTransition(
                _("Other records (improvement plans) refer to this cycle's cards; archive it.")
            ) from None
    return n


def archive_cycle(actor: User, cycle: Cycle, reason: str) -> None:
    """An opened or closed cycle leaves the lists; it and its cards are kept, read-only."""
    _require_hr(actor)
    reason = require_reason(reason)
    with transaction.atomic():
        c = lock(cycle)
        if c.status == Cycle.Status.DRAFT:
            raise InvalidTransition(_("A cycle still being set up is deleted, not archived."))
        if c.status == Cycle.Status.ARCHIVED:
            raise InvalidTransition(_("The cycle is archived."))
        old = c.status
        c.status = Cycle.Status.ARCHIVED
        c.archived_at = timezone.now()
        c.archived_reason = reason
        c.save(update_fields=["status", "archived_at", "archived_reason"])
        audit.record(
            actor, "archive_cycle", c, field="status", old=old, new=c.status, reason=reason
        )
    cycle.refresh_from_db()


def close_cycle(actor: User, cycle: Cycle, reason: str = "") -> None:
    """open -> closed, once every card is closed (or excluded)."""
    from csperf.reviews.models import CardStatus

    _require_hr(actor)
    with transaction.atomic():
        c = lock(cycle)
        if c.status != Cycle.Status.OPEN:
            raise InvalidTransition(_("Only an open cycle can be closed."))
        unsettled = c.cards.exclude(status__in=[CardStatus.CLOSED, CardStatus.EXCLUDED]).count()
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
