"""The centre-wide audit log: who changed, looked at or exported what, in words.

HR and the auditor see every row (anyone else gets a 403). Rows are csperf.core AuditEvent rows,
written by ``csperf.core.audit``; their actions are ``AuditEvent.Action`` members, each with
a label. Old and new values are stored as JSON; :func:`describe` turns them into
a sentence ("张三 的 服务态度 由 3 改为 4") instead of showing raw dicts.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from csperf.core.errors import InvalidInput, optional_date
from csperf.core.models import AuditEvent
from csperf.org.access import scope_for

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# Every action the code writes to the audit trail, with its label (AuditEvent.Action); an action
# of an older version that is no longer one of them shows as written.
ACTION_LABELS: dict[str, Any] = dict(AuditEvent.Action.choices)

# Field names the rows use, in words; item and indicator fields are named from the card.
FIELD_LABELS: dict[str, Any] = {
    "status": gettext_lazy("Status"),
    "total": gettext_lazy("Total"),
    "grade": gettext_lazy("Grade"),
    "rank": gettext_lazy("Rank"),
    "rank_label": gettext_lazy("Rank label"),
    "rank_from_bottom": gettext_lazy("Rank from the bottom"),
    "pay": gettext_lazy("Performance pay"),
    "value": gettext_lazy("Value"),
    "comment": gettext_lazy("Comment"),
    "reason": gettext_lazy("Reason"),
    "closed": gettext_lazy("Closed"),
    "min_coverage": gettext_lazy("Minimum data coverage"),
    "template": gettext_lazy("Template"),
    "team": gettext_lazy("Team"),
    "position": gettext_lazy("Position"),
    "employee": gettext_lazy("Employee"),
    "items": gettext_lazy("Items"),
    "to": gettext_lazy("To"),
    "due": gettext_lazy("Due"),
    "done": gettext_lazy("Done"),
    "skipped": gettext_lazy("Skipped"),
    "code": gettext_lazy("Code"),
    "version": gettext_lazy("Version"),
    "name": gettext_lazy("Name"),
    "period": gettext_lazy("Period"),
    "deadline": gettext_lazy("Rating deadline"),
    "scope": gettext_lazy("Scope"),
    "job": gettext_lazy("Job"),
    "cards": gettext_lazy("Cards"),
    "card": gettext_lazy("Card"),
    "active": gettext_lazy("Active"),
    "is_active": gettext_lazy("Login enabled"),
    "answers": gettext_lazy("Answers"),
    "api_token": gettext_lazy("API token"),
    "assignment": gettext_lazy("Assignment"),
    "inspector": gettext_lazy("Inspector"),
    "inspectors": gettext_lazy("Inspectors"),
    "expert": gettext_lazy("Expert"),
    "recheck": gettext_lazy("Recheck"),
    "recheck_score": gettext_lazy("Recheck score"),
    "score": gettext_lazy("Score"),
    "left_on": gettext_lazy("Left on"),
    "planned": gettext_lazy("Planned"),
    "source": gettext_lazy("Source"),
    "password": gettext_lazy("Password"),
    "user": gettext_lazy("Login"),
    "username": gettext_lazy("Login name"),
    "amount": gettext_lazy("Amount"),
    "count": gettext_lazy("Count"),
    "departments": gettext_lazy("Departments"),
    "teams": gettext_lazy("Teams"),
    "positions": gettext_lazy("Positions"),
    "effect": gettext_lazy("Effect"),
    "file": gettext_lazy("File"),
    "form": gettext_lazy("Form"),
    "from": gettext_lazy("From"),
    "hired": gettext_lazy("Hired"),
    "left": gettext_lazy("Left"),
    "moved": gettext_lazy("Moved"),
    "occurred_on": gettext_lazy("Occurred on"),
    "owner": gettext_lazy("Owner"),
    "params": gettext_lazy("Parameters"),
    "points": gettext_lazy("Points"),
    "replaced": gettext_lazy("Replaced"),
    "rows": gettext_lazy("Rows"),
    "what": gettext_lazy("What"),
    "why": gettext_lazy("Why"),
    "kind": gettext_lazy("Kind"),
    "type": gettext_lazy("Type"),
    "disclose_results": gettext_lazy("Result disclosure"),
    # the summary of a computation
    "created": gettext_lazy("Cards created"),
    "removed": gettext_lazy("Cards removed"),
    "unchanged_published": gettext_lazy("Published cards left unchanged"),
    "left_out": gettext_lazy("Left out"),
    "unrated_stages": gettext_lazy("Stages nobody can rate"),
    "score_errors": gettext_lazy("Score errors"),
    "no_placement": gettext_lazy("No placement"),
    "no_template": gettext_lazy("No template"),
    "not_eligible": gettext_lazy("Not eligible"),
}

# Reasons the code itself writes (in English, so each reader sees them in their language).
CODE_REASONS: list[tuple[re.Pattern[str], Any]] = [
    (re.compile(r"roster"), gettext_lazy("roster import")),
    (re.compile(r"card list \((?P<count>\d+)\)"), gettext_lazy("a list of %(count)s cards")),
    (
        re.compile(r"disclosed results \((?P<count>\d+)\)"),
        gettext_lazy("disclosed results of %(count)s colleagues"),
    ),
    (re.compile(r"summary \((?P<count>\d+)\)"), gettext_lazy("summary of %(count)s cards")),
    (re.compile(r"pay sheet \((?P<count>\d+)\)"), gettext_lazy("pay sheet of %(count)s cards")),
    (
        re.compile(r"audit log \((?P<count>\d+)\) ?(?P<query>.*)", re.S),
        gettext_lazy("%(count)s rows of the audit log %(query)s"),
    ),
    (re.compile(r"score (?P<score>[-\d.]+)"), gettext_lazy("score %(score)s")),
    (
        re.compile(r"(?P<count>\d+) interactions; (?P<load>.*)"),
        gettext_lazy("%(count)s interactions; %(load)s"),
    ),
    (
        re.compile(r"(?P<count>\d+) entries not submitted"),
        gettext_lazy("%(count)s entries not submitted"),
    ),
]

PAGE_SIZE = 50
EXPONENT = re.compile(r"-?\d+(?:\.\d+)?E[+-]?\d+")  # a number as Decimal writes it
EXPORT_LIMIT = 50000


def action_label(action: str) -> str:
    label = ACTION_LABELS.get(action)
    return str(label) if label is not None else action


def action_choices(current: str = "") -> list[tuple[str, str]]:
    """The known actions by label (and the one asked for, if it is not one of them); no query of
    the log itself, which may hold millions of rows."""
    codes = set(ACTION_LABELS) | ({current} if current else set())
    return sorted(((c, action_label(c)) for c in codes), key=lambda x: x[1])


def reason_words(reason: str) -> str:
    """A reason as written by a person, or one the code wrote, in the reader's language."""
    for pattern, text in CODE_REASONS:
        if m := pattern.fullmatch(reason):
            return str(text) % m.groupdict()
    return reason


def kind_choices() -> list[tuple[str, str]]:
    return [(str(v), str(label)) for v, label in AuditEvent.Kind.choices]


def events_for_user(user: User) -> QuerySet[AuditEvent]:
    """Every audit row, for HR and the auditor; anyone else is refused (403)."""
    if not scope_for(user).sees_everything:
        raise PermissionDenied(_("Only HR and the auditor may see the audit log."))
    return AuditEvent.objects.select_related("actor")


# -- filters ---------------------------------------------------------------------------------


@dataclass
class Filters:
    person: str = ""
    card: int | None = None
    cycle: int | None = None
    action: str = ""
    kind: str = ""
    first: dt.date | None = None
    last: dt.date | None = None

    def query(self) -> dict[str, str]:
        """The filters as query parameters (for paging and export links)."""
        raw = {
            "person": self.person,
            "card": "" if self.card is None else str(self.card),
            "cycle": "" if self.cycle is None else str(self.cycle),
            "action": self.action,
            "kind": self.kind,
            "from": self.first.isoformat() if self.first else "",
            "to": self.last.isoformat() if self.last else "",
        }
        return {k: v for k, v in raw.items() if v}


def _int(raw: str, field: str, what: str) -> int | None:
    raw = (raw or "").strip().lstrip("#")
    if not raw:
        return None
    try:
        value = int(raw)
    except ValueError:
        raise InvalidInput(
            _("%(what)s must be a number, not “%(value)s”.") % {"what": what, "value": raw},
            field=field,
        ) from None
    if value <= 0:
        raise InvalidInput(
            _("%(what)s must be a number, not “%(value)s”.") % {"what": what, "value": raw},
            field=field,
        )
    return value


def parse_filters(params: Any) -> Filters:
    """The filters of a request; a bad value raises InvalidInput naming its field."""
    f = Filters(
        person=(params.get("person") or "").strip()[:100],
        card=_int(params.get("card", ""), "card", _("Card number")),
        cycle=_int(params.get("cycle", ""), "cycle", _("Cycle")),
        action=(params.get("action") or "").strip()[:60],
        kind=(params.get("kind") or "").strip()[:10],
        first=optional_date(params.get("from", ""), "from", _("Start date")),
        last=optional_date(params.get("to", ""), "to", _("End date")),
    )
    if f.kind and f.kind not in AuditEvent.Kind.values:
        raise InvalidInput(_("Unknown kind “%(value)s”.") % {"value": f.kind}, field="kind")
    if f.first and f.last and f.first > f.last:
        raise InvalidInput(_("“From” must not be after “To”."), field="from")
    return f


def _person_condition(text: str) -> Q:
    """Rows done by the person (their login) or about them (their cards, their employee row)."""
    from django.contrib.auth import get_user_model

    from csperf.org.models import Employee
    from csperf.reviews.models import Card

    User = get_user_model()
    users = User.objects.filter(
        Q(username__iexact=text) | Q(first_name__icontains=text) | Q(last_name__icontains=text)
    )
    emps = Employee.objects.filter(Q(code__iexact=text) | Q(name__icontains=text))
    user_ids = set(users.values_list("pk", flat=True))
    emp_ids = set()
    for pk, user_id in emps.values_list("pk", "user_id"):
        emp_ids.add(pk)
        if user_id:
            user_ids.add(user_id)
    cond = Q(actor_id__in=user_ids)
    if emp_ids:
        cond |= Q(card_id__in=Card.objects.filter(employee_id__in=emp_ids).values("pk"))
        cond |= Q(object_type="employee", object_id__in=[str(pk) for pk in emp_ids])
    return cond


def filtered(events: QuerySet[AuditEvent], f: Filters) -> QuerySet[AuditEvent]:
    if f.person:
        events = events.filter(_person_condition(f.person))
    if f.card is not None:
        events = events.filter(card_id=f.card)
    if f.cycle is not None:
        from csperf.reviews.models import Card

        events = events.filter(
            Q(cycle_id=f.cycle) | Q(card_id__in=Card.objects.filter(cycle_id=f.cycle).values("pk"))
        )
    if f.action:
        events = events.filter(action=f.action)
    if f.kind:
        events = events.filter(kind=f.kind)
    tz = timezone.get_current_timezone()
    if f.first:
        events = events.filter(at__gte=dt.datetime.combine(f.first, dt.time.min, tzinfo=tz))
    if f.last:
        after = f.last + dt.timedelta(days=1)
        events = events.filter(at__lt=dt.datetime.combine(after, dt.time.min, tzinfo=tz))
    return events.order_by("-at", "-id")


# -- rows in words ---------------------------------------------------------------------------


@dataclass
class Row:
    event: AuditEvent
    when: str
    who: str
    kind: str
    action: str
    subject: str
    cycle: str
    card_id: int | None
    change: str
    reason: str

    def cells(self) -> list[Any]:
        return [
            self.when,
            self.who,
            self.kind,
            self.action,
            self.subject,
            self.cycle,
            self.card_id,
            self.change,
            self.reason,
        ]


def columns() -> list[str]:
    return [
        _("When"),
        _("Who"),
        _("Kind"),
        _("Action"),
        _("Subject"),
        _("Cycle"),
        _("Card"),
        _("What changed"),
        _("Reason"),
    ]


def _number(v: Any) -> str:
    try:
        d = Decimal(str(v))
    except (InvalidOperation, ValueError):
        return str(v)
    if not d.is_finite():
        return str(v)
    d = d.normalize()
    return format(d.quantize(Decimal(1)) if d == d.to_integral() else d, "f")


def _more_statuses() -> dict[str, dict[str, Any]]:
    """Status labels of every model with a ``status`` field with choices, by model name (the
    audit row's object type): looked up in the app registry, so a layer above is never imported."""
    from django.apps import apps

    out: dict[str, dict[str, Any]] = {}
    for model in apps.get_models():
        try:
            field = model._meta.get_field("status")
        except FieldDoesNotExist:
            continue
        if field.choices:
            out.setdefault(model._meta.model_name, dict(field.flatchoices))
    return out


class _Context:
    """Cards, cycles and status labels the rows of one page refer to, fetched once."""

    def __init__(self, events: list[AuditEvent]) -> None:
        from csperf.cycles.models import Cycle
        from csperf.reviews.models import Appeal, Card, CardStatus

        card_ids = {e.card_id for e in events if e.card_id}
        self.cards = {
            c.pk: c
            for c in Card.objects.filter(pk__in=card_ids).select_related(
                "employee", "template", "cycle"
            )
        }
        cycle_ids = {e.cycle_id for e in events if e.cycle_id}
        cycle_ids |= {c.cycle_id for c in self.cards.values()}
        self.cycles = {c.pk: c for c in Cycle.objects.filter(pk__in=cycle_ids)}
        self.statuses = {
            **_more_statuses(),
            "card": dict(CardStatus.choices),
            "appeal": dict(Appeal.Status.choices),
            "cycle": dict(Cycle.Status.choices),
        }
        self._items: dict[int, dict[str, str]] = {}

    def item_name(self, card: Any, code: str) -> str:
        if card.template_id not in self._items:
            try:
                parsed = card.template.parsed
                self._items[card.template_id] = {
                    it.code: it.label for sec in parsed.sections for it in sec.items
                }
            except Exception:  # a template that no longer parses still has a history
                self._items[card.template_id] = {}
        return self._items[card.template_id].get(code, code)


def _words(v: Any, statuses: dict[str, Any] | None = None) -> str:
    """A stored value in words: no braces, no quotes, None as a dash."""
    if v is None or v == "":
        return "—"
    if isinstance(v, bool):
        return str(_("yes") if v else _("no"))
    if isinstance(v, int | float | Decimal):
        return _number(v)
    if isinstance(v, str):
        if statuses and v in statuses:
            return str(statuses[v])
        if EXPONENT.fullmatch(v):  # a total kept as Decimal text ("6E+1"): read as 60
            return _number(v)
        return v
    if isinstance(v, list | tuple):
        return "、".join(_words(x) for x in v) if v else "—"
    if isinstance(v, dict):
        if set(v) <= {"value", "comment"} and "value" in v:
            text = _words(v.get("value"))
            if v.get("comment"):
                text += "（" + _("comment: %(comment)s") % {"comment": v["comment"]} + "）"
            return text
        parts = []
        for k, x in v.items():
            label = FIELD_LABELS.get(str(k), k)
            text = _code_label(str(k), x) or _words(x, statuses if k == "status" else None)
            if isinstance(x, dict) and x:
                text = f"（{text}）"
            parts.append(f"{label}：{text}")
        return "；".join(parts)
    return str(v)


def _code_label(key: str, value: Any) -> str:
    """A code stored as a value, by its label: a record type, a survey or an event kind."""
    if not isinstance(value, str) or key not in ("type", "kind"):
        return ""
    if key == "type":
        from csperf.core.record_types import label_by_name

        return label_by_name(value)
    from csperf.ingest.events import event_kinds
    from csperf.surveys.labels import KIND_LABELS

    if value in KIND_LABELS:
        return str(KIND_LABELS[value])
    kind = event_kinds().get(value)
    return kind.name if kind is not None else ""


def _value_of(v: Any) -> Any:
    """A rating's value: stored as {"value": "4.5000", "comment": …} or as the bare value."""
    v = v.get("value") if isinstance(v, dict) else v
    if isinstance(v, str):
        try:
            return Decimal(v)
        except InvalidOperation:
            return v
    return v


def _comment_of(v: Any) -> str:
    return (v.get("comment") or "") if isinstance(v, dict) else ""


def _rating_words(event: AuditEvent, card: Any, ctx: _Context) -> str:
    """ "张三 的 服务态度 由 3 改为 4" (with the rater's role)."""
    from csperf.reviews.workflow import ROLE_LABELS

    code, _dot, role = event.field.partition(".")
    item = ctx.item_name(card, code)
    notes = [str(ROLE_LABELS.get(role, role))] if role else []
    old, new = _value_of(event.old), _value_of(event.new)
    names = {"employee": card.employee.name, "item": item}
    if event.old is None or old is None:
        text = _("%(employee)s's %(item)s rated %(new)s") % {**names, "new": _words(new)}
    elif new is None:
        text = _("%(employee)s's %(item)s cleared (was %(old)s)") % {**names, "old": _words(old)}
    else:
        text = _("%(employee)s's %(item)s changed from %(old)s to %(new)s") % {
            **names,
            "old": _words(old),
            "new": _words(new),
        }
    comment = _comment_of(event.new)
    if comment and comment != _comment_of(event.old):
        notes.append(_("comment: %(comment)s") % {"comment": comment})
    return text + (f"（{'；'.join(notes)}）" if notes else "")


def _field_label(event: AuditEvent, card: Any, ctx: _Context) -> str:
    f = event.field
    if not f:
        return ""
    if f in FIELD_LABELS:
        return str(FIELD_LABELS[f])
    head, _dot, rest = f.partition(".")
    if head == "values" and rest:
        return rest
    if card is not None:
        return ctx.item_name(card, head) + (f".{rest}" if rest else "")
    return f


def describe(event: AuditEvent, ctx: _Context) -> str:
    """What the row changed, in words."""
    card = ctx.cards.get(event.card_id) if event.card_id else None
    if event.object_type == "rating" and card is not None and event.field:
        return _rating_words(event, card, ctx)
    statuses = ctx.statuses.get(event.object_type) if event.field == "status" else None
    if event.kind != AuditEvent.Kind.CHANGE and event.old is None and event.new is None:
        return ""
    field = _field_label(event, card, ctx)
    old, new = _words(event.old, statuses), _words(event.new, statuses)
    if event.old is None:
        if event.new is None:
            return field
        return f"{field}：{new}" if field else new
    if field:
        return _("%(field)s changed from %(old)s to %(new)s") % {
            "field": field,
            "old": old,
            "new": new,
        }
    return _("changed from %(old)s to %(new)s") % {"old": old, "new": new}


def _who(event: AuditEvent) -> str:
    if event.actor is None:
        return str(_("system"))
    full = event.actor.get_full_name()
    return f"{full} ({event.actor.username})" if full else event.actor.username


# Job kinds (csperf.core.jobs.enqueue) as a person says them.
JOB_KINDS = {
    "records.import": gettext_lazy("Records import"),
    "cycle.compute": gettext_lazy("Cycle computation"),
}


def _job_subject(event: AuditEvent) -> str:
    """A job by its kind in words and its number (its stored text, ``records.import#4 queued``,
    names the kind by code and the status it had then)."""
    kind = event.object_repr.partition("#")[0]
    label = JOB_KINDS.get(kind)
    if label is None:
        return event.object_repr
    return _("%(kind)s #%(id)s") % {"kind": label, "id": event.object_id}


def rows(events: list[AuditEvent]) -> list[Row]:
    ctx = _Context(events)
    kinds = dict(AuditEvent.Kind.choices)
    out = []
    for e in events:
        card = ctx.cards.get(e.card_id) if e.card_id else None
        cycle_id = e.cycle_id or (card.cycle_id if card is not None else None)
        cycle = ctx.cycles.get(cycle_id) if cycle_id else None
        if card is not None:
            subject = f"{card.employee.name}（{card.employee.code}）"
        elif e.object_type == "job":
            subject = _job_subject(e)
        else:
            subject = e.object_repr
        out.append(
            Row(
                event=e,
                when=timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M:%S"),
                who=_who(e),
                kind=str(kinds.get(e.kind, e.kind)),
                action=action_label(e.action),
                subject=subject,
                cycle=cycle.name if cycle is not None else "",
                card_id=e.card_id,
                change=describe(e, ctx),
                reason=reason_words(e.reason),
            )
        )
    return out
