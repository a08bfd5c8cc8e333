"""Writing the audit trail. Actions call :func:`record` inside their transaction."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import models

from csperf.core.models import AuditEvent


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value
    if isinstance(value, Decimal):
        return str(value.normalize()) if value == value.to_integral() else str(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    if isinstance(value, models.Model):
        return str(value)
    return str(value)


def _links(obj: models.Model) -> tuple[int | None, int | None]:
    card_id = getattr(obj, "audit_card_id", None)
    cycle_id = getattr(obj, "audit_cycle_id", None)
    return card_id, cycle_id


def record(
    actor: Any,
    action: str,
    obj: models.Model,
    *,
    field: str = "",
    old: Any = None,
    new: Any = None,
    reason: str = "",
    kind: str = AuditEvent.Kind.CHANGE,
) -> AuditEvent:
    card_id, cycle_id = _links(obj)
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEvent.objects.create(
        actor=user,
        kind=kind,
        action=action,
        object_type=obj._meta.model_name,
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        card_id=card_id,
        cycle_id=cycle_id,
        field=field,
        old=_jsonable(old),
        new=_jsonable(new),
        reason=reason or "",
    )


def record_access(actor: Any, kind: str, obj: models.Model, *, detail: str = "") -> AuditEvent:
    """A view or an export of someone else's data."""
    return record(actor, kind, obj, kind=kind, reason=detail)
