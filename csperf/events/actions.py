"""Every events step, written once: check the move, lock, save, audit, then write the records
store after the commit (``feed``). Pages fetch objects through ``events.access`` and call these.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from csperf.core import audit
from csperf.core.errors import InvalidInput, InvalidTransition, NotAllowed, require_reason
from csperf.events import feed
from csperf.events.access import Unit, may_record_for, units_user_may_close
from csperf.events.models import CloseScope, Event, EventsClosed, EventStatus
from csperf.ingest.events import EventKind, event_kinds
from csperf.kernel.periods import PeriodError, parse_period
from csperf.org.models import Department, Employee, Team

if TYPE_CHECKING:
    from django.contrib.auth.models import User

YEARS_BACK = 2  # an event more than this many years old is refused (a typo, not a late record)


# -- checks ----------------------------------------------------------------------------------


def _today() -> dt.date:
    return timezone.localdate()


def _kind(code: Any) -> EventKind:
    info = event_kinds().get((code or "").strip() if isinstance(code, str) else code)
    if info is None:
        raise InvalidInput(
            _("Kind: %(kind)s is not a kind of event.") % {"kind": code or "—"}, field="kind"
        )
    return info


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _day(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value.strip())
        except ValueError:
            value = None
    if not isinstance(value, dt.date):
        raise InvalidInput(_("Date: give the day the event happened."), field="occurred_on")
    today = _today()
    if value > today:
        raise InvalidInput(
            _("Date: %(day)s is in the future.") % {"day": value}, field="occurred_on"
        )
    if value < _years_before(today, YEARS_BACK):
        raise InvalidInput(
            _("Date: %(day)s is more than %(n)s years ago.") % {"day": value, "n": YEARS_BACK},
            field="occurred_on",
        )
    return value


def _number(value: Any, *, field: str, label: str, places: int) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        d = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        d = None
    if d is None or not d.is_finite():
        raise InvalidInput(
            _("%(field)s: %(value)s is not a number.") % {"field": label, "value": value},
            field=field,
        )
    if d < 0:
        raise InvalidInput(_("%(field)s must be 0 or more.") % {"field": label}, field=field)
    if d != d.quantize(Decimal(1).scaleb(-places)):
        raise InvalidInput(
            _("%(field)s has at most %(n)s decimal places.") % {"field": label, "n": places},
            field=field,
        )
    if d >= Decimal(10) ** 9:
        raise InvalidInput(_("%(field)s is too large.") % {"field": label}, field=field)
    return d


def _measures(
    info: EventKind, count: Any, points: Any, amount: Any
) -> tuple[Decimal, Decimal | None, Decimal | None]:
    n = _number(count, field="count", label=_("Count"), places=3)
    pts = _number(points, field="points", label=_("Points"), places=3)
    amt = _number(amount, field="amount", label=_("Amount"), places=2)
    if info.measure == "points":
        if pts is None or pts == 0:
            raise InvalidInput(
                _("Points: %(kind)s carries points; give them.") % {"kind": info.name},
                field="points",
            )
    elif pts is not None:
        raise InvalidInput(
            _("Points: %(kind)s carries no points; leave the field empty.") % {"kind": info.name},
            field="points",
        )
    if info.measure == "amount":
        if amt is None or amt == 0:
            raise InvalidInput(
                _("Amount: %(kind)s carries an amount (yuan); give it.") % {"kind": info.name},
                field="amount",
            )
    elif amt is not None:
        raise InvalidInput(
            _("Amount: %(kind)s carries no amount; leave the field empty.") % {"kind": info.name},
            field="amount",
        )
    return (Decimal(1) if n is None else n), pts, amt


def _placement(employee: Employee, day: dt.date):
    p = employee.placement_on(day)
    if p is None:
        p = employee.assignments.select_related("team__department").order_by("start").first()
    if p is None:
        raise InvalidInput(_("%(emp)s has no team.") % {"emp": employee}, field="employee")
    return p


def _require_may_record_for(actor: User, employee: Employee) -> None:
    if not may_record_for(actor, employee):
        raise NotAllowed(_("You may not record or void events of %(emp)s.") % {"emp": employee})


def _lock_departments(ids: list[int] | None) -> None:
    """Serialise recording against closing: both lock the departments concerned (a team's or a
    department's closing its department, the centre's all of them)."""
    qs = Department.objects.select_for_update().order_by("pk")
    list((qs if ids is None else qs.filter(pk__in=ids)).values_list("pk", flat=True))


def _closing_covering(team_id: int, department_id: int, day: dt.date) -> EventsClosed | None:
    """The open closing of the event's team, department or the centre whose period holds ``day``."""
    candidates = EventsClosed.objects.filter(reopened=False).filter(
        Q(scope=CloseScope.CENTER) | Q(team_id=team_id) | Q(department_id=department_id)
    )
    for c in candidates.select_related("team", "department", "closed_by"):
        p = parse_period(c.period, 1)
        if p.start <= day < p.end:
            return c
    return None


def _refuse_if_closed(team_id: int, department_id: int, day: dt.date) -> None:
    c = _closing_covering(team_id, department_id, day)
    if c is not None:
        raise InvalidTransition(
            _(
                "The events of %(unit)s for %(period)s were declared complete by %(who)s; "
                "reopen the period first."
            )
            % {"unit": c.unit_label, "period": c.period, "who": c.closed_by}
        )


# -- events ----------------------------------------------------------------------------------


def record_event(
    actor: User,
    *,
    employee: Employee,
    kind: str,
    occurred_on: Any,
    count: Any = 1,
    points: Any = None,
    amount: Any = None,
    evidence: str,
    note: str = "",
) -> Event:
    """Record one event about ``employee``; it reaches the store after the commit."""
    _require_may_record_for(actor, employee)
    info = _kind(kind)
    day = _day(occurred_on)
    n, pts, amt = _measures(info, count, points, amount)
    evidence = (evidence or "").strip()
    if not evidence:
        raise InvalidInput(
            _("Evidence: say what shows it happened (a link, a document number …)."),
            field="evidence",
        )
    place = _placement(employee, day)
    with transaction.atomic():
        _lock_departments([place.team.department_id])
        _refuse_if_closed(place.team_id, place.team.department_id, day)
        ev = Event.objects.create(
            employee=employee,
            team=place.team,
            department=place.team.department,
            kind=info.code,
            occurred_on=day,
            count=n,
            points=pts,
            amount=amt,
            evidence=evidence,
            note=(note or "").strip(),
            recorded_by=actor,
        )
        audit.record(
            actor,
            "record_event",
            ev,
            new={
                "employee": employee.code,
                "kind": info.code,
                "occurred_on": day,
                "count": n,
                "points": pts,
                "amount": amt,
                "evidence": evidence,
            },
        )
        feed.push_events_on_commit([ev.pk])
    return ev


def void_event(actor: User, event: Event, *, reason: str) -> Event:
    """Void a mistaken event: the row stays (status void, with the reason); its store row is
    written again with count 0 and the reason in the note."""
    _require_may_record_for(actor, event.employee)
    reason = require_reason(reason)
    with transaction.atomic():
        _lock_departments([event.department_id])
        e = Event.objects.select_for_update().get(pk=event.pk)
        if e.status == EventStatus.VOID:
            raise InvalidTransition(_("The event has already been voided."))
        _refuse_if_closed(e.team_id, e.department_id, e.occurred_on)
        e.status = EventStatus.VOID
        e.void_reason = reason
        e.voided_by = actor
        e.voided_at = timezone.now()
        e.save(update_fields=["status", "void_reason", "voided_by", "voided_at"])
        audit.record(
            actor,
            "void_event",
            e,
            field="status",
            old=EventStatus.ACTIVE.value,
            new=EventStatus.VOID.value,
            reason=reason,
        )
        feed.push_events_on_commit([e.pk])
    event.refresh_from_db()
    return event


# -- closing a period --------------------------------------------------------------------------


def _period(label: Any) -> str:
    try:
        p = parse_period(str(label).strip(), 1)
    except (PeriodError, AttributeError):
        raise InvalidInput(
            _("Period: %(p)s is not a period (2026-03, 2026-Q1 …).") % {"p": label or "—"},
            field="period",
        ) from None
    if p.start > _today():
        raise InvalidInput(_("Period: %(p)s has not begun.") % {"p": p.label}, field="period")
    return p.label


def _unit(scope: Any, unit: Any) -> Unit:
    if scope not in CloseScope.values:
        raise InvalidInput(
            _("Scope: choose a team, a department or the whole centre."), field="scope"
        )
    if scope == CloseScope.TEAM and not isinstance(unit, Team):
        raise InvalidInput(_("Scope: choose the team."), field="unit")
    if scope == CloseScope.DEPARTMENT and not isinstance(unit, Department):
        raise InvalidInput(_("Scope: choose the department."), field="unit")
    return Unit.of(scope, unit)


def close_period(actor: User, *, scope: str, unit: Any, period: str) -> EventsClosed:
    """Declare that the unit's events of ``period`` are all recorded (本期事件已登记完毕)."""
    u = _unit(scope, unit)
    if u.key not in {x.key for x in units_user_may_close(actor)}:
        raise NotAllowed(_("You may not close the events of %(unit)s.") % {"unit": u.label})
    label = _period(period)
    lock = (
        None
        if u.scope == CloseScope.CENTER
        else [u.department.pk if u.department else u.team.department_id]
    )
    try:
        with transaction.atomic():
            _lock_departments(lock)
            done = (
                EventsClosed.objects.filter(unit_key=u.key, period=label, reopened=False)
                .select_related("closed_by")
                .first()
            )
            if done is not None:
                raise InvalidTransition(
                    _("The events of %(unit)s for %(p)s were already declared complete by %(who)s.")
                    % {"unit": u.label, "p": label, "who": done.closed_by}
                )
            c = EventsClosed.objects.create(
                scope=u.scope,
                team=u.team,
                department=u.department,
                unit_key=u.key,
                period=label,
                subjects=feed.store_subjects(u.scope, u.obj),
                closed_by=actor,
            )
            audit.record(
                actor,
                "close_events",
                c,
                field="closed",
                old=False,
                new=True,
                reason=f"{u.label} {label}",
            )
            feed.push_closings_on_commit([c.pk])
    except IntegrityError:  # closed by someone else at the same moment
        raise InvalidTransition(
            _("The events of %(unit)s for %(p)s were already declared complete.")
            % {"unit": u.label, "p": label}
        ) from None
    return c


def reopen_period(actor: User, closed: EventsClosed, *, reason: str) -> EventsClosed:
    """Withdraw the declaration (to record or void a late event): the row stays, marked reopened
    with who, when and why; the store row is written again with value 0."""
    u = Unit.of(closed.scope, closed.unit)
    if u.key not in {x.key for x in units_user_may_close(actor)}:
        raise NotAllowed(_("You may not reopen the events of %(unit)s.") % {"unit": u.label})
    reason = require_reason(reason)
    with transaction.atomic():
        c = EventsClosed.objects.select_for_update().get(pk=closed.pk)
        if c.reopened:
            raise InvalidTransition(_("The period has already been reopened."))
        c.reopened = True
        c.reopened_by = actor
        c.reopened_at = timezone.now()
        c.reopen_reason = reason
        c.save(update_fields=["reopened", "reopened_by", "reopened_at", "reopen_reason"])
        audit.record(actor, "reopen_events", c, field="closed", old=True, new=False, reason=reason)
        feed.push_closings_on_commit([c.pk])
    closed.refresh_from_db()
    return closed
