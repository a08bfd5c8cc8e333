"""Changes to the organisation: hires, moves, leavers, roles. Each checks, locks, saves, audits."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from csperf.core import audit
from csperf.core.errors import InvalidInput, NotAllowed, require_reason
from csperf.core.locking import lock
from csperf.org.access import can_manage_org
from csperf.org.models import Assignment, Department, Employee, Membership, Position, Role, Team

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def _require_hr(actor: User) -> None:
    if not can_manage_org(actor):
        raise NotAllowed(_("Only HR may change the organisation."))


# A roster row without a hire date is placed from this day (the roster load only).
EARLIEST = dt.date(2000, 1, 1)


def hire(
    actor: User,
    *,
    code: str,
    name: str,
    team: Team,
    position: Position,
    hired_on: dt.date,
    pay_base: Decimal | None = None,
    user: User | None = None,
) -> Employee:
    _require_hr(actor)
    return do_hire(
        actor,
        code=code,
        name=name,
        team=team,
        position=position,
        hired_on=hired_on,
        terms={"pay_base": pay_base},
        user=user,
    )


def do_hire(
    actor: User | None,
    *,
    code: str,
    name: str,
    team: Team,
    position: Position,
    hired_on: dt.date | None,
    terms: dict[str, Any] | None = None,
    user: User | None = None,
    left_on: dt.date | None = None,
    reason: str = "",
) -> Employee:
    """The hire itself, without the HR check: ``hire`` for people, the roster load as the system.

    ``terms`` are the roster's terms of employment (``TERMS``: pay base, tier, probation end).
    """
    code = (code or "").strip()
    if not code:
        raise InvalidInput(_("The employee ID is required."), field="code")
    if not (name or "").strip():
        raise InvalidInput(_("The name is required."), field="name")
    with transaction.atomic():
        if Employee.objects.filter(code=code).exists():
            raise InvalidInput(
                _("Employee ID %(code)s already exists.") % {"code": code}, field="code"
            )
        emp = Employee.objects.create(
            code=code,
            name=name.strip(),
            hired_on=hired_on,
            left_on=left_on,
            user=user,
            **_clean_terms(terms or {}),
        )
        Assignment.objects.create(
            employee=emp,
            team=team,
            position=position,
            start=hired_on or EARLIEST,
            reason=reason or "hire",
        )
        audit.record(
            actor,
            "hire",
            emp,
            new={"team": team.code, "position": position.code, "from": hired_on},
            reason=reason,
        )
    return emp


TERMS = ("pay_base", "tier", "probation_end")  # the roster's terms of employment


def _clean_terms(terms: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in terms.items() if k in TERMS}
    if "tier" in out:
        out["tier"] = out["tier"] or ""
    return out


def sync_terms(actor: User | None, employee: Employee, terms: dict[str, Any], reason: str) -> bool:
    """Pay base, tier (客服分级) and probation end as the roster has them; a change is audited.

    Without the HR check: the roster load runs as the system. True when something changed.
    """
    with transaction.atomic():
        emp = lock(employee)
        new = _clean_terms(terms)
        changed = {k: v for k, v in new.items() if getattr(emp, k) != v}
        if not changed:
            return False
        old = {k: getattr(emp, k) for k in changed}
        for k, v in changed.items():
            setattr(emp, k, v)
        emp.save(update_fields=list(changed))
        audit.record(actor, "terms", emp, old=old, new=changed, reason=reason)
    employee.refresh_from_db()
    return True


def move(
    actor: User,
    employee: Employee,
    *,
    team: Team,
    position: Position,
    effective: dt.date,
    reason: str = "",
) -> Assignment:
    """Move to another team and/or position from ``effective`` (past or future)."""
    _require_hr(actor)
    return do_move(
        actor, employee, team=team, position=position, effective=effective, reason=reason
    )


def do_move(
    actor: User | None,
    employee: Employee,
    *,
    team: Team,
    position: Position,
    effective: dt.date,
    reason: str = "",
    replace: bool = False,
) -> Assignment:
    """The move itself, without the HR check (``move``; the roster load as the system).

    ``replace``: a move already on ``effective`` is replaced (the roster reloaded the same day)
    instead of refused.
    """
    with transaction.atomic():
        emp = lock(employee)
        if emp.hired_on and effective < emp.hired_on:
            raise InvalidInput(
                _("A move cannot take effect before the hire date."), field="effective"
            )
        if emp.left_on and effective > emp.left_on:
            raise InvalidInput(
                _("A move cannot take effect after the leaving date."), field="effective"
            )
        before = emp.placement_on(effective)
        new = _place(
            emp, team=team, position=position, effective=effective, reason=reason, replace=replace
        )
        audit.record(
            actor,
            "move",
            emp,
            field="assignment",
            old={"team": before.team.code, "position": before.position.code} if before else None,
            new={"team": team.code, "position": position.code, "from": effective},
            reason=reason,
        )
    return new


def _place(
    emp: Employee, *, team: Team, position: Position, effective: dt.date, reason: str, replace: bool
) -> Assignment:
    if replace:
        new, _created = Assignment.objects.update_or_create(
            employee=emp,
            start=effective,
            defaults={"team": team, "position": position, "reason": reason},
        )
        return new
    try:
        with transaction.atomic():
            return Assignment.objects.create(
                employee=emp, team=team, position=position, start=effective, reason=reason
            )
    except IntegrityError:
        raise InvalidInput(
            _("There is already a move on %(day)s.") % {"day": effective}, field="effective"
        ) from None


def leave(actor: User, employee: Employee, *, left_on: dt.date, reason: str = "") -> Employee:
    _require_hr(actor)
    return do_leave(actor, employee, left_on=left_on, reason=reason)


def do_leave(
    actor: User | None, employee: Employee, *, left_on: dt.date | None, reason: str = ""
) -> Employee:
    """The leaving date itself, without the HR check (``leave``; the roster load as the system).

    ``None`` clears a leaving date (the roster has the person back).
    """
    with transaction.atomic():
        emp = lock(employee)
        if left_on is not None and emp.hired_on and left_on < emp.hired_on:
            raise InvalidInput(_("The leaving date is before the hire date."), field="left_on")
        old = emp.left_on
        emp.left_on = left_on
        emp.save(update_fields=["left_on"])
        audit.record(actor, "leave", emp, field="left_on", old=old, new=left_on, reason=reason)
    return emp


def grant_role(
    actor: User,
    user: User,
    role: str,
    *,
    team: Team | None = None,
    department: Department | None = None,
) -> Membership:
    """Give a login a role; supervisors need a team, managers and inspectors a department."""
    _require_hr(actor)
    if role not in Role.values or role == Role.AGENT:
        raise InvalidInput(_("Unknown role %(role)s.") % {"role": role}, field="role")
    if role == Role.SUPERVISOR and team is None:
        raise InvalidInput(_("A supervisor role needs a team."), field="team")
    if role in (Role.MANAGER, Role.INSPECTOR) and department is None:
        raise InvalidInput(_("This role needs a department."), field="department")
    if role in (Role.HR, Role.AUDITOR):
        team = department = None
    if role == Role.SUPERVISOR:
        department = None
    else:
        team = None
    with transaction.atomic():
        membership, created = Membership.objects.get_or_create(
            user=user, role=role, team=team, department=department
        )
        if created:
            audit.record(actor, "grant_role", membership, new=str(membership))
    return membership


# -- logins and roles -------------------------------------------------------------------------


def _check_password(password: str, user: User | None = None) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise InvalidInput(" ".join(exc.messages), field="password") from None


def create_login(
    actor: User,
    *,
    username: str,
    password: str,
    employee: Employee | None = None,
    full_name: str = "",
) -> Any:
    """A new login; linked to an employee it sees that employee's own cards (the agent role).

    Staff who are not on the roster (HR, auditors) get a login without an employee.
    """
    _require_hr(actor)
    User = get_user_model()
    username = (username or "").strip()
    if not username:
        raise InvalidInput(_("A username is required."), field="username")
    try:
        User.username_validator(username)
    except ValidationError as exc:
        raise InvalidInput(" ".join(exc.messages), field="username") from None
    with transaction.atomic():
        if User.objects.filter(username__iexact=username).exists():
            raise InvalidInput(
                _("The username %(name)s is taken.") % {"name": username}, field="username"
            )
        if employee is not None:
            employee = Employee.objects.select_for_update().get(pk=employee.pk)
            if employee.user_id:
                raise InvalidInput(
                    _("%(who)s already has a login.") % {"who": employee.name}, field="employee"
                )
        user = User(username=username)
        name = (full_name or (employee.name if employee else "")).strip()
        user.first_name = name[:150]
        _check_password(password, user)
        user.set_password(password)
        user.save()
        if employee is not None:
            employee.user = user
            employee.save(update_fields=["user"])
            audit.record(actor, "create_login", employee, field="user", new=username)
        else:
            audit.record(actor, "create_login", user, field="username", new=username)
    return user


def revoke_role(actor: User, membership: Membership, *, reason: str) -> None:
    """Take a role away. The last HR admin cannot be removed: nobody could grant it back."""
    _require_hr(actor)
    reason = require_reason(reason)
    with transaction.atomic():
        m = Membership.objects.select_for_update().select_related("user").get(pk=membership.pk)
        if m.role == Role.HR:
            others = (
                Membership.objects.select_for_update()
                .filter(role=Role.HR, user__is_active=True)
                .exclude(pk=m.pk)
            )
            if not others.exists():
                raise InvalidInput(_("The last HR admin cannot be removed."), field="membership")
        audit.record(actor, "revoke_role", m, old=str(m), reason=reason)
        m.delete()


def password_changed(actor: User) -> None:
    """The login changed its own password (Django's form saved it): the audit row, never the value."""
    audit.record(actor, "change_password", actor, field="password")


def reset_password(actor: User, user: User, *, password: str, reason: str = "") -> None:
    """HR sets a new password (a forgotten one); the audit row records that, never the value."""
    _require_hr(actor)
    with transaction.atomic():
        user = type(user).objects.select_for_update().get(pk=user.pk)
        _check_password(password, user)
        user.set_password(password)
        user.save(update_fields=["password"])
        audit.record(actor, "reset_password", user, field="password", reason=reason)


def set_login_active(actor: User, user: User, *, active: bool, reason: str) -> None:
    """Disable a login (a leaver, a lost laptop) or enable it again; an inactive login has no scope."""
    _require_hr(actor)
    reason = require_reason(reason)
    if user.pk == getattr(actor, "pk", None) and not active:
        raise InvalidInput(_("You cannot disable your own login."), field="active")
    with transaction.atomic():
        user = type(user).objects.select_for_update().get(pk=user.pk)
        if user.is_active == active:
            return
        audit.record(
            actor,
            "set_login_active",
            user,
            field="is_active",
            old=user.is_active,
            new=active,
            reason=reason,
        )
        user.is_active = active
        user.save(update_fields=["is_active"])
