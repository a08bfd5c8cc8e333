"""Every step of a card's life, each written once: check the move, lock the row, save, audit.

Pages and API endpoints fetch the card through ``reviews.access`` (scope) and then call one of
these functions; they never change a card themselves.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from csperf.core import audit
from csperf.core.errors import (
    ActionError,
    InvalidInput,
    InvalidTransition,
    NotAllowed,
    finite_number,
    require_reason,
)
from csperf.core.locking import lock, locked
from csperf.org.access import scope_for
from csperf.reviews import appeal_rules, workflow
from csperf.reviews.models import (
    EDITABLE,
    REVIEW_STATUSES,
    WAITING,
    Appeal,
    AppealItem,
    AppealStage,
    Card,
    CardStatus,
    Evidence,
    Rating,
)
from csperf.reviews.scoring import rescore, score_group
from csperf.scoring.rules import RatingRejected, kind_of

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# -- helpers ---------------------------------------------------------------------------------


CARD_RELATED = ("employee", "team", "department", "cycle", "template", "position")


def _locked(card: Card) -> AbstractContextManager[Card]:
    """The card re-read under a row lock, inside a transaction (``core.locking``)."""
    return locked(card, related=CARD_RELATED)


def _set_status(
    actor: User, card: Card, to: str, action: str, reason: str = "", **fields: Any
) -> None:
    old = card.status
    card.status = to
    for name, value in fields.items():
        setattr(card, name, value)
    card.save(update_fields=["status", *fields, "updated_at"])
    audit.record(actor, action, card, field="status", old=old, new=to, reason=reason)


def _require_status(card: Card, allowed: Iterable[str], what: str) -> None:
    if card.status not in set(allowed):
        raise InvalidTransition(
            _("Cannot %(what)s a card that is %(status)s.")
            % {"what": what, "status": card.get_status_display()}
        )


def _require_hr(actor: User, what: str) -> None:
    if not scope_for(actor).hr:
        raise NotAllowed(_("Only HR may %(what)s.") % {"what": what})


def _audit_rescore(actor: User, changes: dict[int, tuple], why: str) -> None:
    for card in Card.objects.filter(pk__in=list(changes)).select_related("employee", "cycle"):
        old, new = changes[card.pk]
        audit.record(actor, "rescore", card, field="total", old=old, new=new, reason=why)


def _rescore_after(actor: User, card: Card, why: str, *, force: bool = False) -> None:
    changes = rescore(
        card.cycle_id, [card.template_id], also=[card.pk] if force else [], strict=force
    )
    _audit_rescore(actor, changes, why)


# Ranks belong to the cohort, not to one card: when an appeal moves one total, the others'
# ranks move with it. Their own scores stay as published.
RANK_FIELDS = ("rank", "rank_from_bottom", "rank_label")


def _rerank_cohort(actor: User, card: Card, why: str) -> list[int]:
    """Carry a rescored card's new standing into its published cohort; returns the re-ranked ids.

    Cards still being rated were rewritten by the rescore itself. Settled cards change only
    their rank fields and rank-based alerts, each change written to that card's history.
    """
    group = list(
        Card.objects.select_for_update(of=("self",))
        .filter(cycle_id=card.cycle_id, template_id=card.template_id)
        .select_related("employee", "team", "department", "cycle", "template")
        .order_by("id")
    )
    results = score_group(group)
    moved = []
    for other in group:
        if other.pk == card.pk or other.status in EDITABLE:
            continue
        new, _error = results[other.pk]
        if new is None:
            continue
        changed = [f for f in RANK_FIELDS if getattr(other, f) != (new.get(f) or _blank(f))]
        if not changed:
            continue
        for field in changed:
            old = getattr(other, field)
            setattr(other, field, new.get(field) or _blank(field))
            audit.record(
                actor, "rerank", other, field=field, old=old, new=getattr(other, field), reason=why
            )
        result = dict(other.result or {})
        result.update({f: new.get(f) for f in RANK_FIELDS})
        result["alerts"] = new.get("alerts", [])
        other.result = result
        other.save(update_fields=[*changed, "result", "updated_at"])
        moved.append(other.pk)
    return moved


def _blank(field: str) -> Any:
    return "" if field == "rank_label" else None


# -- ratings ---------------------------------------------------------------------------------


def _check_rating_value(item: Any, raw: Any, field: str) -> Decimal:
    value = finite_number(raw, field)
    rule = item.rule
    if item.entered_by_raters:  # a value the raters enter (G6): checked against its unit
        spec = item.unit
        why = spec.problem(value) if spec is not None else None
        if why is not None:
            raise InvalidInput(
                _("%(value)s is not a valid value for %(item)s (%(why)s).")
                % {"value": raw, "item": item.label, "why": why},
                field=field,
            )
    elif item.rated:  # the rule's type says which ratings it accepts (csperf.scoring.rules)
        try:
            kind_of(rule).rating(rule, value, full=item.scale)
        except RatingRejected as exc:
            raise InvalidInput(_rating_refusal(exc, raw), field=field) from None
    return value


def _rating_refusal(exc: RatingRejected, raw: Any) -> str:
    if exc.levels:
        return _("Level %(value)s is not one of %(levels)s.") % {
            "value": raw,
            "levels": ", ".join(str(v) for v in exc.levels),
        }
    return _("The score must be between %(low)s and %(high)s.") % {
        "low": exc.low,
        "high": exc.high,
    }


def save_ratings(actor: User, card: Card, entries: list[dict[str, Any]]) -> Card:
    """Save the actor's column: entries are {item, value, comment}; value may be empty."""
    with _locked(card) as c:
        role = workflow.current_role(c)
        if c.status not in REVIEW_STATUSES or role is None:
            raise InvalidTransition(
                _("Ratings can only be entered while the card is under review (it is %(status)s).")
                % {"status": c.get_status_display()}
            )
        if role not in workflow.rater_roles_of(actor, c):
            raise NotAllowed(_("It is not your turn to rate this card."))
        template = c.template.parsed
        rated = {it.code: it for it in template.entered_items() if role in it.entry_roles}
        existing = {r.item_code: r for r in Rating.objects.filter(card=c, role=role)}
        changed = False
        for i, entry in enumerate(entries):
            code = entry.get("item")
            field = f"ratings[{i}].item"
            if code not in rated:
                raise InvalidInput(
                    _("Item %(item)s is not rated by %(role)s on this card.")
                    % {"item": code, "role": role},
                    field=field,
                )
            raw = entry.get("value")
            value = None
            if raw is not None and str(raw).strip() != "":
                value = _check_rating_value(rated[code], raw, f"ratings[{i}].value")
            comment = (entry.get("comment") or "").strip()
            old = existing.get(code)
            old_value = old.value if old else None
            old_comment = old.comment if old else ""
            if old is not None and old_value == value and old_comment == comment:
                continue
            rating, _created = Rating.objects.update_or_create(
                card=c,
                item_code=code,
                role=role,
                defaults={"value": value, "comment": comment, "rater": actor},
            )
            rating.card = c
            audit.record(
                actor,
                "rate",
                rating,
                field=f"{code}.{role}",
                old={"value": old_value, "comment": old_comment} if old else None,
                new={"value": value, "comment": comment},
            )
            changed = True
        if changed:
            _rescore_after(actor, c, _("ratings changed"))
    return card


def _missing_ratings(card: Card, role: str) -> list[str]:
    template = card.template.parsed
    needed = [it.code for it in template.rated_items() if role in it.effective_raters.roles]
    given = set(
        Rating.objects.filter(card=card, role=role, value__isnull=False).values_list(
            "item_code", flat=True
        )
    )
    return [code for code in needed if code not in given]


# -- the workflow ----------------------------------------------------------------------------


def start_rating(actor: User, card: Card, reason: str = "") -> Card:
    """draft -> the first rater's stage (HR opens the cycle's ratings)."""
    _require_hr(actor, _("open a card for rating"))
    with _locked(card) as c:
        _require_status(c, [CardStatus.DRAFT], _("open for rating"))
        _set_status(actor, c, workflow.first_status(c), "start_rating", reason)
    return card


def submit(actor: User, card: Card, reason: str = "") -> Card:
    """The current rater hands the card on: to the next rater, or approved after the last one."""
    with _locked(card) as c:
        role = workflow.current_role(c)
        if role is None:
            raise InvalidTransition(
                _("Cannot %(what)s a card that is %(status)s.")
                % {"what": _("submit"), "status": c.get_status_display()}
            )
        if role not in workflow.rater_roles_of(actor, c):
            raise NotAllowed(_("It is not your turn to rate this card."))
        missing = _missing_ratings(c, role)
        if missing:
            raise InvalidInput(
                _("Rate every item of your column first; missing: %(items)s.")
                % {"items": ", ".join(missing)},
                field="ratings",
            )
        to = workflow.next_status(c, role)
        _set_status(actor, c, to, "approve" if to == CardStatus.APPROVED else "submit", reason)
    return card


def return_card(actor: User, card: Card, reason: str) -> Card:
    """The current rater sends the card back to the previous rater, with a reason."""
    reason = require_reason(reason)
    with _locked(card) as c:
        role = workflow.current_role(c)
        if role is None or workflow.previous_status(c, role) is None:
            raise InvalidTransition(_("This card cannot be sent back from its current stage."))
        if role not in workflow.rater_roles_of(actor, c) and not scope_for(actor).hr:
            raise NotAllowed(_("It is not your turn to rate this card."))
        _set_status(actor, c, workflow.previous_status(c, role), "return", reason)
    return card


def approve(actor: User, card: Card, reason: str = "") -> Card:
    """Approve a card at its last review stage (the last rater, the department manager or HR).

    Used for bulk approval of a team or department; unlike ``submit`` it accepts the ratings
    as they stand.
    """
    with _locked(card) as c:
        last = c.chain[-1] if c.chain else None
        if last is None or c.status != workflow.ROLE_STAGE[last]:
            raise InvalidTransition(
                _("Cannot %(what)s a card that is %(status)s.")
                % {"what": _("approve"), "status": c.get_status_display()}
            )
        scope = scope_for(actor)
        if not (
            scope.hr
            or last in workflow.rater_roles_of(actor, c)
            or c.department_id in scope.managed_department_ids
        ):
            raise NotAllowed(_("Only the last rater, the department manager or HR may approve."))
        _set_status(actor, c, CardStatus.APPROVED, "approve", reason)
    return card


def publish(actor: User, card: Card, reason: str = "") -> Card:
    """approved -> published: the employee sees the result; the appeal window opens."""
    _require_hr(actor, _("publish cards"))
    with _locked(card) as c:
        _require_status(c, [CardStatus.APPROVED], _("publish"))
        # The data gate of opening holds for publishing too: no grade from too little data.
        from csperf.reviews.coverage import publish_refusal

        refusal = publish_refusal(c)
        if refusal:
            raise InvalidTransition(refusal)
        now = timezone.now()
        _set_status(
            actor,
            c,
            CardStatus.PUBLISHED,
            "publish",
            reason,
            published_at=now,
            appeal_deadline=now + timedelta(days=c.cycle.appeal_days),
        )
    return card


def acknowledge(actor: User, card: Card) -> Card:
    """The employee confirms having read the published card (签字确认), whatever its rating chain."""
    with _locked(card) as c:
        if not workflow.holds_role(scope_for(actor), c, "self"):
            raise NotAllowed(_("Only the employee may acknowledge their card."))
        _require_status(c, [CardStatus.PUBLISHED], _("acknowledge"))
        _set_status(
            actor, c, CardStatus.ACKNOWLEDGED, "acknowledge", acknowledged_at=timezone.now()
        )
    return card


# -- appeals ---------------------------------------------------------------------------------


def _when(moment: Any) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def _appeal_items(card: Card, items: list[dict[str, Any]]) -> dict[str, str]:
    """The appealed items as {code: reason}, each named once with a reason."""
    codes = {it.code for _s, it in card.template.parsed.items}
    cleaned: dict[str, str] = {}
    for i, entry in enumerate(items):
        code = entry.get("item")
        if code not in codes:
            raise InvalidInput(
                _("Unknown item %(item)s.") % {"item": code}, field=f"items[{i}].item"
            )
        why = (entry.get("reason") or "").strip()
        if not why:
            raise InvalidInput(_("A reason is required."), field=f"items[{i}].reason")
        if code in cleaned:
            raise InvalidInput(_("An item is named twice."), field="items")
        cleaned[code] = why
    if not cleaned:
        raise InvalidInput(_("Name at least one item and why you appeal it."), field="items")
    return cleaned


def file_appeal(actor: User, card: Card, items: list[dict[str, Any]], reason: str = "") -> Appeal:
    """The employee appeals items of a published card within the window, with a reason per item.

    The items go to whoever decided them (``appeal_rules.route``): one appeal per desk, each due
    within its stage's days. Returns the first; the others share its ``filing`` number.
    """
    with _locked(card) as c:
        if not workflow.holds_role(scope_for(actor), c, "self"):
            raise NotAllowed(_("Only the employee may appeal their card."))
        _require_status(c, [CardStatus.PUBLISHED], _("appeal"))
        if not appeal_rules.window_open(c):
            raise InvalidTransition(
                _("The appeal window closed on %(day)s.") % {"day": _when(c.appeal_deadline)}
            )
        cleaned = _appeal_items(c, items)
        reason = (reason or "").strip()
        filing = 1 + (c.appeals.aggregate(last=Max("filing"))["last"] or 0)
        now = timezone.now()
        filed = []
        for desk, codes in appeal_rules.route(c, cleaned).items():
            stage = AppealStage.HR if desk == appeal_rules.HR_DESK else AppealStage.RATER
            appeal = Appeal.objects.create(
                card=c,
                reason=reason,
                created_by=actor,
                filing=filing,
                responder_role=desk,
                stage=stage,
                due_at=appeal_rules.due(now, stage),
            )
            AppealItem.objects.bulk_create(
                [AppealItem(appeal=appeal, item_code=k, reason=cleaned[k]) for k in codes]
            )
            new = {"items": {k: cleaned[k] for k in codes}, "to": desk, "due": appeal.due_at}
            audit.record(actor, "appeal", appeal, new=new, reason=reason)
            filed.append(appeal)
        _set_status(actor, c, CardStatus.APPEALED, "appeal", reason)
    return filed[0]


def _correction_role(card: Card, appeal: Appeal, item: Any) -> str:
    """Whose rating a correction replaces: the deciding rater's, else the item's last rater."""
    roles = [r for r in card.chain if r in item.entry_roles]
    if not roles:
        raise InvalidInput(
            _("Item %(item)s has no rater.") % {"item": item.code},
            field=f"corrections.{item.code}",
        )
    return appeal.responder_role if appeal.responder_role in roles else roles[-1]


def _correct_rating(actor: User, c: Card, appeal: Appeal, item: Any, raw: Any, why: str) -> Any:
    field = f"corrections.{item.code}"
    value = _check_rating_value(item, raw, field)
    role = _correction_role(c, appeal, item)
    old = Rating.objects.filter(card=c, item_code=item.code, role=role).first()
    rating, _created = Rating.objects.update_or_create(
        card=c, item_code=item.code, role=role, defaults={"value": value, "rater": actor}
    )
    audit.record(
        actor,
        "appeal_correction",
        rating,
        field=f"{item.code}.{role}",
        old=old.value if old else None,
        new=value,
        reason=why,
    )
    return value


def _correct_input(actor: User, c: Card, item: Any, raw: Any, why: str) -> Any:
    field = f"corrections.{item.code}"
    value = appeal_rules.check_value_correction(c.template.parsed, item, raw, field)
    inputs = dict(c.inputs or {})
    values = dict(inputs.get("values") or {})
    old = values.get(item.value)
    values[item.value] = float(value) if value != value.to_integral_value() else int(value)
    inputs["values"] = values
    c.inputs = inputs
    c.save(update_fields=["inputs", "updated_at"])
    audit.record(
        actor,
        "appeal_correction",
        c,
        field=f"values.{item.value}",
        old=old,
        new=values[item.value],
        reason=why,
    )
    return value


def _apply_corrections(
    actor: User, c: Card, appeal: Appeal, corrections: dict[str, Any], why: str
) -> None:
    """Each correction checked against its item's domain; any refusal rolls all of them back."""
    template = c.template.parsed
    appealed = set(appeal.items.values_list("item_code", flat=True))
    for code, raw in corrections.items():
        if code not in appealed:
            raise InvalidInput(
                _("Item %(item)s was not appealed.") % {"item": code}, field=f"corrections.{code}"
            )
        item = template.item(code)
        if item.rated or item.entered_by_raters:
            value = _correct_rating(actor, c, appeal, item, raw, why)
        else:
            value = _correct_input(actor, c, item, raw, why)
        AppealItem.objects.filter(appeal=appeal, item_code=code).update(corrected=value)
    if corrections:
        _rescore_after(actor, c, _("appeal accepted"), force=True)
        c.refresh_from_db()
        _rerank_cohort(
            actor,
            c,
            _("Ranks recomputed after the accepted appeal of %(who)s")
            % {"who": f"{c.employee.code} {c.employee.name}"},
        )


def _record_decision(actor: User, appeal: Appeal, capacity: str, accept: bool, text: str) -> None:
    now = timezone.now()
    old = appeal.status
    appeal.status = Appeal.Status.ACCEPTED if accept else Appeal.Status.REJECTED
    appeal.resolution, appeal.resolved_by, appeal.resolved_at = text, actor, now
    appeal.due_at = None
    if capacity == AppealStage.RATER:
        appeal.rater_resolution, appeal.rater_resolved_by, appeal.rater_resolved_at = (
            text,
            actor,
            now,
        )
        if not accept:
            appeal.escalate_by = appeal_rules.escalate_by(appeal.card, now)
    else:
        appeal.stage = AppealStage.HR  # HR's word is the last, also when stepping in early
        appeal.escalate_by = None
    appeal.save()
    action = "answer_appeal" if capacity == AppealStage.RATER else "resolve_appeal"
    audit.record(actor, action, appeal, field="status", old=old, new=appeal.status, reason=text)


def resolve_appeal(
    actor: User,
    appeal: Appeal,
    *,
    accept: bool,
    resolution: str,
    corrections: dict[str, Any] | None = None,
) -> Appeal:
    """Answer a waiting appeal: its deciding rater first, HR after an escalation (or in the
    rater's stead); HR's answer is final. Accepting may correct the appealed items — a rated item's
    rating of the deciding rater, a record-fed item's input value, each checked against the item's
    domain — and the card is rescored with its cohort re-ranked; rejecting needs a reason.
    """
    corrections = corrections or {}
    with _locked(appeal.card) as c:
        appeal = lock(appeal)
        appeal.card = c
        capacity = appeal_rules.answering_as(actor, appeal)
        if capacity is None:
            raise NotAllowed(_("Only the rater who decided these items, or HR, may answer."))
        if not appeal.waiting:
            raise InvalidTransition(_("This appeal has already been resolved."))
        resolution = require_reason(resolution, "resolution")
        _require_status(c, [CardStatus.APPEALED], _("resolve the appeal of"))
        if not accept and corrections:
            raise InvalidInput(
                _("A rejected appeal changes nothing; remove the corrections."), field="corrections"
            )
        old_total = c.total
        _apply_corrections(actor, c, appeal, corrections, resolution)
        appeal.old_total, appeal.new_total = old_total, c.total
        _record_decision(actor, appeal, capacity, accept, resolution)
        if not c.appeals.filter(status__in=WAITING).exists():
            _set_status(actor, c, CardStatus.APPEAL_RESOLVED, "resolve_appeal", resolution)
    appeal.refresh_from_db()
    return appeal


def escalate_appeal(actor: User, appeal: Appeal, reason: str) -> Appeal:
    """The employee takes the rater's rejection to HR, with a reason, before ``escalate_by``."""
    with _locked(appeal.card) as c:
        appeal = lock(appeal)
        appeal.card = c
        if not workflow.holds_role(scope_for(actor), c, "self"):
            raise NotAllowed(_("Only the employee may escalate their appeal."))
        if appeal.status != Appeal.Status.REJECTED or appeal.stage != AppealStage.RATER:
            raise InvalidTransition(_("Only an appeal the rater rejected can go to HR."))
        if not appeal.escalatable:
            raise InvalidTransition(
                _("The time to escalate ended on %(day)s.") % {"day": _when(appeal.escalate_by)}
            )
        _require_status(
            c, [CardStatus.APPEALED, CardStatus.APPEAL_RESOLVED], _("escalate an appeal of")
        )
        reason = require_reason(reason)
        now = timezone.now()
        appeal.status, appeal.stage = Appeal.Status.ESCALATED, AppealStage.HR
        appeal.escalated_at, appeal.escalation_reason = now, reason
        appeal.due_at = appeal_rules.due(now, AppealStage.HR)
        appeal.save()
        audit.record(
            actor,
            "escalate_appeal",
            appeal,
            field="status",
            old=Appeal.Status.REJECTED,
            new=appeal.status,
            reason=reason,
        )
        if c.status != CardStatus.APPEALED:
            _set_status(actor, c, CardStatus.APPEALED, "escalate_appeal", reason)
    appeal.refresh_from_db()
    return appeal


def close(actor: User, card: Card, reason: str = "") -> Card:
    """Close a card once it is settled: acknowledged, appeal resolved, or its window has passed."""
    _require_hr(actor, _("close cards"))
    with _locked(card) as c:
        _require_status(
            c,
            [CardStatus.PUBLISHED, CardStatus.ACKNOWLEDGED, CardStatus.APPEAL_RESOLVED],
            _("close"),
        )
        if (
            c.status == CardStatus.PUBLISHED
            and c.appeal_deadline
            and timezone.now() <= c.appeal_deadline
        ):
            raise InvalidTransition(_("The appeal window is still open."))
        for appeal in c.appeals.filter(status=Appeal.Status.REJECTED):
            if appeal.escalatable:
                raise InvalidTransition(
                    _("The employee may still take appeal #%(id)s to HR until %(day)s.")
                    % {"id": appeal.pk, "day": _when(appeal.escalate_by)}
                )
        _set_status(actor, c, CardStatus.CLOSED, "close", reason)
    return card


def reopen(actor: User, card: Card, reason: str, to_role: str | None = None) -> Card:
    """A correction to a published card: back to a rater's stage, with a reason (never silent)."""
    _require_hr(actor, _("reopen cards"))
    reason = require_reason(reason)
    with _locked(card) as c:
        _require_status(
            c,
            [
                CardStatus.APPROVED,
                CardStatus.PUBLISHED,
                CardStatus.ACKNOWLEDGED,
                CardStatus.APPEAL_RESOLVED,
                CardStatus.CLOSED,
            ],
            _("reopen"),
        )
        if not c.chain:
            raise InvalidTransition(_("This card has no raters to reopen it to."))
        role = to_role or c.chain[-1]
        if role not in c.chain:
            raise InvalidInput(
                _("Rater %(role)s is not in this card's chain.") % {"role": role}, field="to_role"
            )
        _set_status(
            actor,
            c,
            workflow.ROLE_STAGE[role],
            "reopen",
            reason,
            published_at=None,
            appeal_deadline=None,
            acknowledged_at=None,
        )
    return card


# -- evidence --------------------------------------------------------------------------------


def add_evidence(actor: User, card: Card, item_code: str, upload: Any) -> Evidence:
    """Attach a file to an item: the card's raters while it is open, the employee when appealing."""
    with _locked(card) as c:
        codes = {it.code for _s, it in c.template.parsed.items}
        if item_code not in codes:
            raise InvalidInput(_("Unknown item %(item)s.") % {"item": item_code}, field="item")
        roles = workflow.rater_roles_of(actor, c)
        if not roles:
            raise NotAllowed(_("Only the card's raters may attach evidence."))
        if c.status not in EDITABLE and c.status not in (CardStatus.PUBLISHED, CardStatus.APPEALED):
            raise InvalidTransition(
                _("Cannot %(what)s a card that is %(status)s.")
                % {"what": _("attach evidence to"), "status": c.get_status_display()}
            )
        if upload.size > settings.CSPERF_EVIDENCE_MAX_BYTES:
            raise InvalidInput(_("The file is too large."), field="file")
        name = upload.name.rsplit("/", 1)[-1][:200]
        # the stage it is attached for (the one being rated, else the latest the actor holds)
        current = workflow.current_role(c)
        role = current if current in roles else roles[-1]
        ev = Evidence(
            card=c, item_code=item_code, name=name, size=upload.size, uploaded_by=actor, role=role
        )
        ev.file.save(name, upload, save=True)
        audit.record(actor, "evidence", ev, field=item_code, new=name)
    return ev


# -- bulk ------------------------------------------------------------------------------------


def bulk(
    actor: User, func: Callable[..., Any], cards: Iterable[Card], **kwargs: Any
) -> tuple[int, list[tuple[Card, str]]]:
    """Apply one action to many cards; each in its own transaction, failures reported per card."""
    done, failed = 0, []
    for card in cards:
        try:
            func(actor, card, **kwargs)
            done += 1
        except ActionError as exc:
            failed.append((card, exc.message))
    return done, failed
