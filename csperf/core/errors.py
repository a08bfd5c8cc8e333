"""Errors raised by actions; pages show them as messages, the API maps them to status codes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _


class ActionError(Exception):
    """A request the action refuses; ``str()`` is the message shown to the user."""

    status = 400

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotAllowed(ActionError):
    """The user may see the object but may not do this to it (HTTP 403)."""

    status = 403


class InvalidTransition(ActionError):
    """The object is not in a state where this step applies (HTTP 409)."""

    status = 409


class InvalidInput(ActionError):
    """A value is wrong; ``field`` names it (HTTP 422)."""

    status = 422


def require_reason(reason: str | None, field: str = "reason") -> str:
    """The stripped reason of a step that must say why (reopen, revoke, disable …)."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("A reason is required."), field=field)
    return reason


def optional_date(raw: str | None, field: str, what: str = "") -> dt.date | None:
    """A YYYY-MM-DD date typed by a person, or None when left empty; ``what`` names the field
    in the message when the page shows it apart from its input."""
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        message = _("%(value)s is not a date (YYYY-MM-DD).") % {"value": raw}
        raise InvalidInput(f"{what}: {message}" if what else message, field=field) from None


def finite_number(raw: Any, field: str) -> Decimal:
    """A number typed by a person (a rating, a correction): never NaN or infinity."""
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        raise InvalidInput(_("%(value)s is not a number.") % {"value": raw}, field=field) from None
    if not value.is_finite():
        raise InvalidInput(_("%(value)s is not a number.") % {"value": raw}, field=field)
    return value
