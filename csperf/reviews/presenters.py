"""What one user sees of a card: the same structure feeds the pages and the API."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils import translation

from csperf.metrics.indicators import unit_of
from csperf.org.access import scope_for
from csperf.reviews import appeal_rules, workflow
from csperf.reviews.models import AppealStage, CardStatus, Rating
from csperf.scoring import figures
from csperf.scoring.rules import kind_of

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def available_actions(user: User, card: Any) -> list[str]:
    """The workflow steps this user may try on this card now (buttons on the page)."""
    scope = scope_for(user)
    roles = workflow.rater_roles_of(user, card)
    current = workflow.current_role(card)
    out: list[str] = []
    if card.status == CardStatus.DRAFT and scope.hr:
        out.append("start")
    if current and current in roles:
        out += ["rate", "submit"]
        if workflow.previous_status(card, current):
            out.append("return")
    at_last_stage = bool(card.chain) and card.status == workflow.ROLE_STAGE.get(card.chain[-1])
    may_approve = scope.hr or card.department_id in scope.managed_department_ids
    if at_last_stage and may_approve and "approve" not in out:
        out.append("approve")
    if card.status == CardStatus.APPROVED and scope.hr:
        out.append("publish")
    out += _appeal_actions(user, scope, card)
    if scope.hr and card.status in (
        CardStatus.PUBLISHED,
        CardStatus.ACKNOWLEDGED,
        CardStatus.APPEAL_RESOLVED,
    ):
        out.append("close")
    if scope.hr and card.status in (
        CardStatus.APPROVED,
        CardStatus.PUBLISHED,
        CardStatus.ACKNOWLEDGED,
        CardStatus.APPEAL_RESOLVED,
        CardStatus.CLOSED,
    ):
        out.append("reopen")
    return out


def _appeal_actions(user: User, scope: Any, card: Any) -> list[str]:
    """The employee acknowledges and appeals whatever the template's rating stages (the chain
    need not name ``self``); raters and HR answer the appeals they owe."""
    own = scope.employee_id is not None and scope.employee_id == card.employee_id
    out = []
    if card.status == CardStatus.PUBLISHED and own:
        out.append("acknowledge")
        if appeal_rules.window_open(card):
            out.append("appeal")
    if card.status in (CardStatus.APPEALED, CardStatus.APPEAL_RESOLVED):
        appeals = list(card.appeals.all())
        if any(appeal_rules.may_answer(user, a) for a in appeals):
            out.append("resolve_appeal")
        if any(appeal_rules.may_escalate(user, a) for a in appeals):
            out.append("escalate_appeal")
    return out


def appeal_view(user: User, appeal: Any, template: Any = None) -> dict[str, Any]:
    """One appeal as the pages and the API show it to this user (what it may do included)."""
    template = template or appeal.card.template.parsed
    names = {it.code: it for _s, it in template.items}
    items = []
    for ai in appeal.items.all():
        item = names.get(ai.item_code)
        items.append(
            {
                "item": ai.item_code,
                "name": item.label if item else ai.item_code,
                "reason": ai.reason,
                "corrected": ai.corrected,
                "hint": appeal_rules.correction_hint(template, item) if item else "",
                "levels": [lv.level for lv in kind_of(item.rule).listed_levels(item.rule)]
                if item is not None
                else [],
            }
        )
    may = []
    if appeal_rules.may_answer(user, appeal):
        may.append("resolve")
    if appeal_rules.may_escalate(user, appeal):
        may.append("escalate")
    return {
        "appeal": appeal,
        "items": items,
        "desk": appeal_rules.desk_label(
            appeal_rules.HR_DESK if appeal.stage == AppealStage.HR else appeal.responder_role
        ),
        "rater_desk": appeal_rules.desk_label(appeal.responder_role),
        "overdue": appeal.overdue,
        "actions": may,
    }


def appeal_json(user: User, appeal: Any) -> dict[str, Any]:
    """One appeal for the API: its stage, who owes the answer by when, and what the caller may do."""
    view = appeal_view(user, appeal)
    siblings = appeal.card.appeals.filter(filing=appeal.filing).exclude(pk=appeal.pk)
    card = appeal.card
    return {
        "id": appeal.pk,
        "card_id": appeal.card_id,
        "employee_code": card.employee.code,
        "employee_name": card.employee.name,
        "period": card.cycle.period,
        "filing": appeal.filing,
        "filed_with": sorted(siblings.values_list("pk", flat=True)),
        "status": appeal.status,
        "status_label": str(appeal.get_status_display()),
        "stage": appeal.stage,
        "responder_role": appeal.responder_role,
        "waiting_for": view["desk"] if appeal.waiting else None,
        "reason": appeal.reason,
        "items": [
            {
                "item": i["item"],
                "name": i["name"],
                "reason": i["reason"],
                "corrected": i["corrected"],
            }
            for i in view["items"]
        ],
        "created_at": appeal.created_at,
        "due_at": appeal.due_at,
        "overdue": view["overdue"],
        "rater_resolution": appeal.rater_resolution,
        "rater_resolved_at": appeal.rater_resolved_at,
        "escalate_by": appeal.escalate_by if appeal.escalatable else None,
        "escalated_at": appeal.escalated_at,
        "escalation_reason": appeal.escalation_reason,
        "resolution": appeal.resolution,
        "resolved_at": appeal.resolved_at,
        "old_total": appeal.old_total,
        "new_total": appeal.new_total,
        "actions": view["actions"],
    }


def home_appeals(user: User) -> dict[str, Any]:
    """The home page's appeals: those the user owes (soonest due first, overdue marked), their
    own still open or escalatable, and for HR how many are overdue anywhere."""
    from csperf.reviews.access import appeals_for_user, appeals_owed_by, overdue

    scope = scope_for(user)
    mine = []
    if scope.employee_id:
        for a in appeals_for_user(user).filter(card__employee_id=scope.employee_id)[:20]:
            if a.waiting or a.escalatable:
                mine.append(appeal_view(user, a))
    return {
        "appeals_owed": [appeal_view(user, a) for a in appeals_owed_by(user)[:50]],
        "appeals_mine": mine,
        "appeals_overdue": overdue(appeals_for_user(user)).count() if scope.hr else 0,
    }


def appeal_preview(card: Any) -> list[dict[str, str]]:
    """The card's items with who would answer an appeal of each now (shown on the appeal form)."""
    items = [it for _s, it in card.template.parsed.items]
    desks = {
        code: appeal_rules.desk_label(desk)
        for desk, group in appeal_rules.route(card, [it.code for it in items]).items()
        for code in group
    }
    return [{"code": it.code, "name": it.label, "desk": desks[it.code]} for it in items]


@dataclass
class _Seen:
    """What one user may see of one card, shared by the card's items."""

    show_scores: bool
    columns: list[str]
    hidden: set[str]
    editable_role: str | None
    ratings: dict[str, dict[str, Rating]]
    result_items: dict[str, dict[str, Any]]
    evidence: dict[str, list]
    inputs_values: dict[str, Any]
    specs: Any


def _cells(seen: _Seen, it: Any) -> list[dict[str, Any]]:
    """One cell per visible rating column: the rating, or that the column does not rate it."""
    cells: list[dict[str, Any]] = []
    for role in seen.columns:
        if role not in it.entry_roles:
            cells.append({"role": role, "applies": False})
            continue
        r = seen.ratings.get(it.code, {}).get(role)
        cells.append(
            {
                "role": role,
                "applies": True,
                "value": r.value if r else None,
                "comment": r.comment if r else "",
                "editable": role == seen.editable_role,
            }
        )
    return cells


def _levels(it: Any) -> list[dict[str, Any]]:
    return [
        {"level": lv.level, "score": lv.score, "anchor": lv.anchor or ""}
        for lv in kind_of(it.rule).listed_levels(it.rule)
    ]


def _named_kinds(it: Any, value: Any) -> Any:
    """Counts by kind ({shouting: 0}) with each kind by its name, as the rule in words names it
    (the rule's ``x-kinds``, else the event catalogue's name); other values as they are."""
    if not isinstance(value, dict):
        return value
    from csperf.exports.scorecard_xlsx import kind_names
    from csperf.scoring.rules.words import kind_label

    names = kind_names()
    return {kind_label(it.rule, str(k), names): v for k, v in value.items()}


def _item_view(seen: _Seen, it: Any) -> tuple[dict[str, Any], bool]:
    """The item's row, and whether a hidden column rates it (its derived figures withheld)."""
    ri = seen.result_items.get(it.code, {})
    # An item a hidden column rates: its score, value and explanation come from that
    # column, so they are withheld with it (confidentiality of later raters).
    derived_hidden = bool(seen.hidden.intersection(it.entry_roles))
    show_item = seen.show_scores and not derived_hidden
    value = ri.get("value") if ri else seen.inputs_values.get(it.value or "")
    if derived_hidden:
        value = None
    unit = figures.item_unit(it, seen.specs, indicator_units=unit_of)
    row = {
        "code": it.code,
        "name": it.label,
        "points": it.points,
        "rule": it.rule.type,
        "rated": it.rated or it.entered_by_raters,
        "value_name": it.value or "",
        # Before (or without) a successful scoring, show the input the card holds.
        "value": value,
        "unit": unit,
        "value_shown": figures.figure(
            _named_kinds(it, value), unit, lang=translation.get_language()
        ),
        "target": ri.get("target"),
        "score": ri.get("score") if show_item else None,
        "scale": ri.get("scale"),
        "contribution": ri.get("contribution") if show_item else None,
        # in the reader's language (csperf.scoring.explain); the engine's own form beside it
        "explain": explain_text(ri) if show_item else "",
        "explain_code": ri.get("explain", "") if show_item else "",
        "cells": _cells(seen, it),
        "levels": _levels(it),
        "editable": bool(seen.editable_role) and seen.editable_role in it.entry_roles,
        "evidence": seen.evidence.get(it.code, []),
        # value, score and explanation withheld with a hidden column (the printed card says so)
        "withheld": derived_hidden,
    }
    return row, derived_hidden


def _seen(user: User, card: Any) -> _Seen:
    columns = workflow.visible_columns(user, card)
    current = workflow.current_role(card)
    ratings: dict[str, dict[str, Rating]] = {}
    for r in Rating.objects.filter(card=card, role__in=columns):
        ratings.setdefault(r.item_code, {})[r.role] = r
    result_items = {
        it["code"]: it
        for sec in (card.result or {}).get("sections", [])
        for it in sec.get("items", [])
    }
    evidence: dict[str, list] = {}
    for ev in card.evidence.select_related("uploaded_by").order_by("uploaded_at"):
        # a later rater's file stays with their column (workflow.sees_evidence)
        if workflow.sees_evidence(user, card, ev):
            evidence.setdefault(ev.item_code, []).append(ev)
    return _Seen(
        show_scores=workflow.sees_item_scores(user, card),
        columns=columns,
        hidden=set(workflow.hidden_columns(user, card)),
        editable_role=current if current in workflow.rater_roles_of(user, card) else None,
        ratings=ratings,
        result_items=result_items,
        evidence=evidence,
        inputs_values=(card.inputs or {}).get("values") or {},
        specs=card.template.parsed.input_specs(),
    )


def card_detail(user: User, card: Any) -> dict[str, Any]:
    """Sections and items with the columns and scores this user may see.

    ``show_scores``: item and section figures; ``show_total``: the card's result (total, grade,
    rank, flags, alerts: ``workflow.sees_scores``); ``show_pay``: its pay.
    """
    seen = _seen(user, card)
    show_scores = seen.show_scores
    show_total = workflow.sees_scores(user, card)
    result_sections = {sec["code"]: sec for sec in (card.result or {}).get("sections", [])}
    sections = []
    for sec in card.template.parsed.sections:
        rows = [_item_view(seen, it) for it in sec.items]
        section_hidden = any(hidden for _row, hidden in rows)
        rs = result_sections.get(sec.code, {})
        sections.append(
            {
                "code": sec.code,
                "name": sec.label,
                "kind": sec.kind,
                "weight": sec.weight,
                "score": rs.get("score") if show_scores and not section_hidden else None,
                "full": rs.get("full"),
                "items": [row for row, _hidden in rows],
            }
        )
    return {
        "card": card,
        "sections": sections,
        "columns": [{"role": r, "label": workflow.ROLE_LABELS.get(r, r)} for r in seen.columns],
        "show_scores": show_scores,
        "show_total": show_total,
        "show_pay": workflow.sees_pay(user, card),
        "current_role": workflow.current_role(card),
        "editable_role": seen.editable_role,
        "actions": available_actions(user, card),
        "flags": card.flag_texts() if show_total else [],
        "flag_codes": card.flags if show_total else [],
        "alerts": (card.result or {}).get("alerts", []) if show_total else [],
        "coverage": coverage_view(card),
    }


def coverage_view(card: Any) -> dict[str, Any]:
    """The card's data coverage against its cycle's minimum, the items without data (with the
    feed that did not deliver each), HR's exclusion and gate overrides."""
    from csperf.reviews import coverage as card_gate

    share = card_gate.card_coverage(card)
    minimum = card.cycle.min_coverage
    return {
        "value": float(share) if share is not None else None,
        "percent": card_gate.percent(share),
        "minimum": float(minimum),
        "minimum_percent": card_gate.percent(minimum),
        "below": share is None or share < minimum,
        "uncovered": card_gate.uncovered(card),
        "overrides": dict(card.gate_overrides or {}),
        "excluded_reason": card.excluded_reason if card.status == CardStatus.EXCLUDED else "",
    }


def explain_text(item_result: dict[str, Any], lang: str | None = None) -> str:
    """One stored item result's explanation as a sentence in ``lang`` (default: the language
    of the current request, so pages, print, PDF and API say the same)."""
    from django.utils import translation

    from csperf.scoring.explain import text_for

    return text_for(item_result, lang or translation.get_language())


def shown_value(value: Any) -> str:
    """A value as people read it: at most 4 decimals (0.9797979… -> 0.9798), counts by kind listed."""
    from decimal import Decimal, InvalidOperation

    from csperf.scoring.numbers import plain

    if value is None:
        return "—"
    if isinstance(value, dict):
        return ", ".join(f"{k} {shown_value(v)}" for k, v in value.items()) or "0"
    if isinstance(value, bool):
        return str(value)
    try:
        return plain(Decimal(str(value)), 4)
    except (InvalidOperation, ValueError):
        return str(value)
