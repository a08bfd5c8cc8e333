"""Changes to the organisation: hires, moves, leavers, roles. Each checks, locks, saves, audits."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from csperf.core import audit
from csperf.core.errors import InvalidInput, NotAllowed, require_reason
from csperf.org.access import can_manage_org
from csperf.org.models import Assignment, Department, Employee, Membership, Position, Role, Team


def _require_hr(actor: Any) -> None:
    if not can_manage_org(actor):
        raise NotAllowed(_("Only HR may change the organisation."))


def hire(
    actor: Any,
    *,
    code: str,
    name: str,
    team: Team,
    position: Position,
    hired_on: dt.date,
    pay_base: Decimal | None = None,
    user: Any = None,
) -> Employee:
    _require_hr(actor)
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
            code=code, name=name.strip(), hired_on=hired_on, pay_base=pay_base, user=user
        )
        Assignment.objects.create(
            employee=emp, team=team, position=position, start=hired_on, reason="hire"
        )
        audit.record(
            actor, "hire", emp, new={"team": team.code, "position": position.code, "from": hired_on}
        )
    return emp


def move(
    actor: Any,
    employee: Employee,
    *,
    team: Team,
    position: Position,
    effective: dt.date,
    reason: str = "",
) -> Assignment:
    """Move to another team and/or position from ``effective`` (past or future)."""
    _require_hr(actor)
    with transaction.atomic():
        emp = Employee.objects.select_for_update().get(pk=employee.pk)
        if emp.hired_on and effective < emp.hired_on:
            raise InvalidInput(
                _("A move cannot take effect before the hire date."), field="effective"
            )
        if emp.left_on and effective > emp.left_on:
            raise InvalidInput(
                _("A move cannot take effect after the leaving date."), field="effective"
            )
        before = emp.placement_on(effective)
        try:
            with transaction.atomic():
                new = Assignment.objects.create(
                    employee=emp, team=team, position=position, start=effective, reason=reason
                )
        except IntegrityError:
            raise InvalidInput(
                _("There is already a move on %(day)s.") % {"day": effective}, field="effective"
            ) from None
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


def leave(actor: Any, employee: Employee, *, left_on: dt.date, reason: str = "") -> Employee:
    _require_hr(actor)
    with transaction.atomic():
        emp = Employee.objects.select_for_update().get(pk=employee.pk)
        if emp.hired_on and left_on < emp.hired_on:
            raise InvalidInput(_("The leaving date is before the hire date."), field="left_on")
        old = emp.left_on
        emp.left_on = left_on
        emp.save(update_fields=["left_on"])
        audit.record(actor, "leave", emp, field="left_on", old=old, new=left_on, reason=reason)
    return emp


def grant_role(
    actor: Any,
    user: Any,
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


def _check_password(password: str, user: Any = None) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise InvalidInput(" ".join(exc.messages), field="password") from None


def create_login(
    actor: Any,
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


def revoke_role(actor: Any, membership: Membership, *, reason: str) -> None:
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


def reset_password(actor: Any, user: Any, *, password: str, reason: str = "") -> None:
    """HR sets a new password (a forgotten one); the audit row records that, never the value."""
    _require_hr(actor)
    with transaction.atomic():
        user = type(user).objects.select_for_update().get(pk=user.pk)
        _check_password(password, user)
        user.set_password(password)
        user.save(update_fields=["password"])
        audit.record(actor, "reset_password", user, field="password", reason=reason)


def set_login_active(actor: Any, user: Any, *, active: bool, reason: str) -> None:
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
