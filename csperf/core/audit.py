"""Writing the audit trail. Actions call :func:`record` inside their transaction, with an action
that is a member of :class:`AuditEvent.Action` (its label is what the audit log page shows)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import connections, models, router
from django.utils import timezone

from csperf.core.models import AuditEvent

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def _jsonable(value: Any) -> Any:
    """The trail's form of a value. Unlike csperf.kernel.decimals (numbers as JSON numbers), a
    Decimal stays text with the digits as entered ("12.50", "4"): the trail quotes what a person
    typed and is never read back as a number."""
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


# the actions once (Action.values builds its list on every call: 10,000 new cards, 1.5 s)
_ACTIONS = frozenset(AuditEvent.Action.values)


def _links(obj: models.Model) -> tuple[int | None, int | None]:
    card_id = getattr(obj, "audit_card_id", None)
    cycle_id = getattr(obj, "audit_cycle_id", None)
    return card_id, cycle_id


def _event(
    actor: User | None, action: AuditEvent.Action | str, obj: models.Model, **fields: Any
) -> AuditEvent:
    """The unsaved row of ``action`` on ``obj``; ``fields``: kind, field, old, new, reason."""
    if action not in _ACTIONS:
        # A programming error, not a person's: every action has a label on the audit log page.
        raise ValueError(f"unknown audit action {action!r}: add it to AuditEvent.Action")
    card_id, cycle_id = _links(obj)
    return AuditEvent(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        object_type=obj._meta.model_name,
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        card_id=card_id,
        cycle_id=cycle_id,
        **fields,
    )


def record(
    actor: User | None,  # None or anonymous: recorded without a user
    action: AuditEvent.Action | str,
    obj: models.Model,
    *,
    field: str = "",
    old: Any = None,
    new: Any = None,
    reason: str = "",
    kind: str = AuditEvent.Kind.CHANGE,
) -> AuditEvent:
    event = _event(
        actor,
        action,
        obj,
        kind=kind,
        field=field,
        old=_jsonable(old),
        new=_jsonable(new),
        reason=reason or "",
    )
    event.save(force_insert=True)
    return event


def record_many(
    actor: User | None, action: AuditEvent.Action | str, objs: list[models.Model], *, new: Any
) -> None:
    """:func:`record` of one action on many objects (a cycle's new cards): one parametrised
    INSERT run for every row (executemany). bulk_create compiled every value of every row
    through the SQL compiler: 2.8 s of a 10,000-card cycle."""
    if not objs:
        return
    conn = connections[router.db_for_write(AuditEvent)]
    qn = conn.ops.quote_name
    fields = [f for f in AuditEvent._meta.concrete_fields if not f.primary_key]
    sql = (
        f"INSERT INTO {qn(AuditEvent._meta.db_table)} "
        f"({', '.join(qn(f.column) for f in fields)}) VALUES ({', '.join(['%s'] * len(fields))})"
    )
    # One row as record() makes it (the action checked there) gives every value but the
    # object's own, prepared once: `new` is encoded once, not once a row.
    first = _event(actor, action, objs[0], kind=AuditEvent.Kind.CHANGE, new=_jsonable(new))
    first.at = timezone.now()  # auto_now_add is applied by save() and bulk_create only
    same = {f.attname: f.get_db_prep_save(getattr(first, f.attname), conn) for f in fields}
    own = [AuditEvent._meta.get_field(name) for name in _OWN]
    rows = []
    for obj in objs:
        row = same | {
            f.attname: f.get_db_prep_save(v, conn) for f, v in zip(own, _own(obj), strict=True)
        }
        rows.append([row[f.attname] for f in fields])
    with conn.cursor() as cur:
        cur.executemany(sql, rows)


# the columns of a row that depend on its object, in the order _own() gives them
_OWN = ("object_type", "object_id", "object_repr", "card_id", "cycle_id")


def _own(obj: models.Model) -> tuple[str, str, str, int | None, int | None]:
    card_id, cycle_id = _links(obj)
    return obj._meta.model_name, str(obj.pk), str(obj)[:200], card_id, cycle_id


def record_access(
    actor: User | None, kind: str, obj: models.Model, *, detail: str = ""
) -> AuditEvent:
    """A view or an export of someone else's data."""
    return record(actor, kind, obj, kind=kind, reason=detail)
