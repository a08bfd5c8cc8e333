"""Events and closings into the records store, where the cards' events-fed inputs read them.

Each event is one ``incidents`` row keyed ``EV<id>`` (a voided event is written again with count 0
and the reason in the note, so the row is replaced, never left counting). Each closing is the
``values`` row ``events_recorded`` of the unit and period: value 1 while closed, 0 once reopened
(the row is replaced by its key subject|period|name|target). The store is not the web database, so
the writes happen after the database commit; a failure is kept on the row (``feed_error``), shown on
the events and cycle pages, and written again by :func:`sync` (the cycle page's button,
``csperf manage sync_feeds``).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from decimal import Decimal

import pyarrow as pa
from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from csperf.events.models import CloseScope, Event, EventsClosed, EventStatus
from csperf.kernel.periods import parse_period

log = logging.getLogger("csperf.events")

COUNT = pa.decimal128(18, 3)
MONEY = pa.decimal128(18, 2)
CENTER = "center"


def _user_code(user) -> str | None:
    """The login's employee id, else its username."""
    if user is None:
        return None
    try:
        emp = user.employee
    except Exception:  # RelatedObjectDoesNotExist: a login without an employee record
        emp = None
    return emp.code if emp is not None else user.username


def _who(user) -> str:
    if user is None:
        return "-"
    name = user.get_full_name() or user.username
    code = _user_code(user)
    return name if code in (None, name) else f"{name} ({code})"


def _at(when: dt.datetime | None) -> str:
    return timezone.localtime(when).strftime("%Y-%m-%d %H:%M") if when else "-"


# -- which store subjects a unit is written under ---------------------------------------------


def store_subjects(scope: str, unit) -> list[str]:
    """The ``values.subject``s of a unit: its code, and also its name when that differs and no
    other unit of the same level is called or coded so.

    The scorecard matches a person's roster team and department (``employees.team`` /
    ``department``) with the subject. An organisation set up by hand uses the roster's codes; one
    loaded from the roster (``org.roster.sync_roster``) keeps the roster's text as the unit's name
    and makes up a code (D01 for "D1"), so the name is written too.
    """
    if scope == CloseScope.CENTER:
        return [CENTER]
    model = type(unit)
    out = [unit.code]
    name = (unit.name or "").strip()
    if (
        name
        and name != unit.code
        and name != CENTER
        and not model.objects.exclude(pk=unit.pk).filter(Q(code=name) | Q(name=name)).exists()
    ):
        out.append(name)
    return out


# -- events -> incidents ---------------------------------------------------------------------


def _zero_or_none(v: Decimal | None) -> Decimal | None:
    return None if v is None else Decimal(0)


def event_rows(events: Iterable[Event]) -> pa.Table:
    cols: dict[str, list] = {
        k: []
        for k in (
            "incident_id",
            "employee_id",
            "occurred_at",
            "kind",
            "count",
            "points",
            "amount",
            "evidence",
            "recorded_by",
            "note",
        )
    }
    for e in events:
        void = e.status == EventStatus.VOID
        cols["incident_id"].append(e.record_id)
        cols["employee_id"].append(e.employee.code)
        cols["occurred_at"].append(dt.datetime.combine(e.occurred_on, dt.time()))
        cols["kind"].append(e.kind)
        cols["count"].append(Decimal(0) if void else Decimal(e.count))
        cols["points"].append(_zero_or_none(e.points) if void else e.points)
        cols["amount"].append(_zero_or_none(e.amount) if void else e.amount)
        cols["evidence"].append(e.evidence)
        cols["recorded_by"].append(_user_code(e.recorded_by))
        note = e.note
        if void:
            note = f"已作废（{_who(e.voided_by)} {_at(e.voided_at)}）：{e.void_reason}" + (
                f"；原说明：{e.note}" if e.note else ""
            )
        cols["note"].append(note)
    return pa.table(
        {
            "incident_id": pa.array(cols["incident_id"], pa.string()),
            "employee_id": pa.array(cols["employee_id"], pa.string()),
            "occurred_at": pa.array(cols["occurred_at"], pa.timestamp("us")),
            "kind": pa.array(cols["kind"], pa.string()),
            "count": pa.array(cols["count"], COUNT),
            "points": pa.array(cols["points"], COUNT),
            "amount": pa.array(cols["amount"], MONEY),
            "evidence": pa.array(cols["evidence"], pa.string()),
            "recorded_by": pa.array(cols["recorded_by"], pa.string()),
            "note": pa.array(cols["note"], pa.string()),
        }
    )


def write_events(events: list[Event]) -> int:
    """Write the rows now; raises the store's error."""
    from csperf.ingest.importer import write_typed
    from csperf.ingest.schema import INCIDENTS
    from csperf.ingest.store import open_store

    if not events:
        return 0
    with open_store(settings.DATA_DIR) as store:
        write_typed(store, INCIDENTS, [event_rows(events)], source="csperf.events")
    return len(events)


def _events(qs: QuerySet[Event]) -> list[Event]:
    return list(qs.select_related("employee", "recorded_by__employee", "voided_by"))


def push_events_on_commit(event_ids: list[int]) -> None:
    """After the current transaction commits, write these events to the store."""

    def run() -> None:
        events = _events(Event.objects.filter(pk__in=event_ids))
        try:
            write_events(events)
        except Exception as exc:  # the store is down or locked: keep the reason, retry by sync
            log.warning(
                "events: writing %s events to the records store failed: %s", len(events), exc
            )
            Event.objects.filter(pk__in=event_ids).update(feed_error=str(exc)[:2000])
        else:
            Event.objects.filter(pk__in=event_ids).exclude(feed_error="").update(feed_error="")

    transaction.on_commit(run)


# -- closings -> values ----------------------------------------------------------------------


def _latest(closings: Iterable[EventsClosed]) -> list[EventsClosed]:
    """The newest row of each unit and period touched by ``closings`` (the state to write)."""
    pairs = {(c.unit_key, c.period) for c in closings}
    if not pairs:
        return []
    cond = Q(pk__in=[])
    for key, period in pairs:
        cond |= Q(unit_key=key, period=period)
    newest: dict[tuple[str, str], EventsClosed] = {}
    for c in EventsClosed.objects.filter(cond).select_related("closed_by", "reopened_by"):
        pair = (c.unit_key, c.period)
        if pair not in newest or c.pk > newest[pair].pk:
            newest[pair] = c
    return [newest[p] for p in sorted(newest)]


def closing_rows(closings: Iterable[EventsClosed]) -> pa.Table:
    from csperf.metrics.feeds import EVENTS_RECORDED

    cols: dict[str, list] = {
        k: []
        for k in (
            "subject",
            "period",
            "name",
            "value",
            "target",
            "note",
            "period_start",
            "period_end",
        )
    }
    for c in closings:
        p = parse_period(c.period, 1)
        if c.reopened:
            note = f"{_who(c.reopened_by)} 于 {_at(c.reopened_at)} 重新打开：{c.reopen_reason}"
        else:
            note = f"{_who(c.closed_by)} 于 {_at(c.closed_at)} 确认本期事件已登记完毕"
        for subject in c.subjects or []:
            cols["subject"].append(subject)
            cols["period"].append(p.label)
            cols["name"].append(EVENTS_RECORDED)
            cols["value"].append(Decimal(0) if c.reopened else Decimal(1))
            cols["target"].append(False)
            cols["note"].append(note)
            cols["period_start"].append(p.start)
            cols["period_end"].append(p.end)  # the day after the last, as the import hook writes
    return pa.table(
        {
            "subject": pa.array(cols["subject"], pa.string()),
            "period": pa.array(cols["period"], pa.string()),
            "name": pa.array(cols["name"], pa.string()),
            "value": pa.array(cols["value"], COUNT),
            "target": pa.array(cols["target"], pa.bool_()),
            "note": pa.array(cols["note"], pa.string()),
            "period_start": pa.array(cols["period_start"], pa.date32()),
            "period_end": pa.array(cols["period_end"], pa.date32()),
        }
    )


def write_closings(closings: list[EventsClosed]) -> int:
    """Write the current state of the closings' units and periods now; raises the store's error."""
    from csperf.ingest.importer import write_typed
    from csperf.ingest.schema import VALUES
    from csperf.ingest.store import open_store

    latest = _latest(closings)
    if not latest:
        return 0
    with open_store(settings.DATA_DIR) as store:
        write_typed(store, VALUES, [closing_rows(latest)], source="csperf.events")
    return len(latest)


def _same_units(closings: Iterable[EventsClosed]) -> Q:
    cond = Q(pk__in=[])
    for c in closings:
        cond |= Q(unit_key=c.unit_key, period=c.period)
    return cond


def push_closings_on_commit(closing_ids: list[int]) -> None:
    """After the current transaction commits, write these closings' state to the store."""

    def run() -> None:
        closings = list(EventsClosed.objects.filter(pk__in=closing_ids))
        try:
            write_closings(closings)
        except Exception as exc:  # the store is down or locked: keep the reason, retry by sync
            log.warning(
                "events: writing %s closings to the records store failed: %s", len(closings), exc
            )
            EventsClosed.objects.filter(pk__in=closing_ids).update(feed_error=str(exc)[:2000])
        else:
            # the unit's current state is in the store: older failures of it no longer matter
            EventsClosed.objects.filter(_same_units(closings)).exclude(feed_error="").update(
                feed_error=""
            )

    transaction.on_commit(run)


# -- writing again ---------------------------------------------------------------------------


def sync(events: QuerySet[Event], closings: QuerySet[EventsClosed]) -> tuple[int, int]:
    """Write ``events`` and the state of ``closings``' units again; raises the store's error
    (then nothing is cleared)."""
    rows = _events(events)
    n_events = write_events(rows)
    Event.objects.filter(pk__in=[e.pk for e in rows]).update(feed_error="")
    shut = list(closings)
    n_closings = write_closings(shut)
    if shut:
        EventsClosed.objects.filter(_same_units(shut)).update(feed_error="")
    return n_events, n_closings


def written_message(done: dict[str, int]) -> str:
    """The cycle page's note after writing again (shown next to the QC and survey counts)."""
    return _("Written to the records store: %(e)s events, %(c)s period closings.") % {
        "e": done.get("events", 0),
        "c": done.get("events_closed", 0),
    }


def pending_message(pending: dict[str, int]) -> str:
    return _(
        "Not in the records store: %(e)s events, %(c)s period closings. The cards' event inputs "
        "miss them (or still count voided ones) until they are written again and the cycle "
        "recomputed."
    ) % {"e": pending.get("events", 0), "c": pending.get("events_closed", 0)}
