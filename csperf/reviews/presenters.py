"""What one user sees of a card: the same structure feeds the pages and the API."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from csperf.org.access import scope_for
from csperf.reviews import workflow
from csperf.reviews.models import CardStatus, Rating


def available_actions(user: Any, card: Any) -> list[str]:
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
    if card.status == CardStatus.PUBLISHED and "self" in roles:
        out.append("acknowledge")
        if not card.appeal_deadline or timezone.now() <= card.appeal_deadline:
            out.append("appeal")
    if card.status == CardStatus.APPEALED and scope.hr:
        out.append("resolve_appeal")
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


def card_detail(user: Any, card: Any) -> dict[str, Any]:
    """Sections and items with the columns and scores this user may see."""
    template = card.template.parsed
    show_scores = workflow.sees_scores(user, card)
    columns = workflow.visible_roles(user, card)
    current = workflow.current_role(card)
    my_roles = workflow.rater_roles_of(user, card)
    editable_role = current if current in my_roles else None
    ratings: dict[str, dict[str, Rating]] = {}
    for r in Rating.objects.filter(card=card, role__in=columns):
        ratings.setdefault(r.item_code, {})[r.role] = r
    result_items: dict[str, dict[str, Any]] = {}
    result_sections: dict[str, dict[str, Any]] = {}
    for sec in (card.result or {}).get("sections", []):
        result_sections[sec["code"]] = sec
        for it in sec.get("items", []):
            result_items[it["code"]] = it
    evidence: dict[str, list] = {}
    for ev in card.evidence.all().order_by("uploaded_at"):
        evidence.setdefault(ev.item_code, []).append(ev)
    inputs_values = (card.inputs or {}).get("values") or {}
    sections = []
    for sec in template.sections:
        rs = result_sections.get(sec.code, {})
        items = []
        for it in sec.items:
            ri = result_items.get(it.code, {})
            item_roles = it.entry_roles
            cells = []
            for role in columns:
                if role not in item_roles:
                    cells.append({"role": role, "applies": False})
                    continue
                r = ratings.get(it.code, {}).get(role)
                cells.append(
                    {
                        "role": role,
                        "applies": True,
                        "value": r.value if r else None,
                        "comment": r.comment if r else "",
                        "editable": role == editable_role,
                    }
                )
            levels = []
            if it.rule.type == "levels":
                levels = [
                    {"level": lv.level, "score": lv.score, "anchor": lv.anchor or ""}
                    for lv in it.rule.levels
                ]
            items.append(
                {
                    "code": it.code,
                    "name": it.label,
                    "points": it.points,
                    "rule": it.rule.type,
                    "rated": it.rated or it.entered_by_raters,
                    "value_name": it.value or "",
                    # Before (or without) a successful scoring, show the input the card holds.
                    "value": ri.get("value") if ri else inputs_values.get(it.value or ""),
                    "value_shown": shown_value(
                        ri.get("value") if ri else inputs_values.get(it.value or "")
                    ),
                    "target": ri.get("target"),
                    "score": ri.get("score") if show_scores else None,
                    "scale": ri.get("scale"),
                    "contribution": ri.get("contribution") if show_scores else None,
                    "explain": ri.get("explain", "") if show_scores else "",
                    "cells": cells,
                    "levels": levels,
                    "editable": editable_role in item_roles if editable_role else False,
                    "evidence": evidence.get(it.code, []),
                }
            )
        sections.append(
            {
                "code": sec.code,
                "name": sec.label,
                "kind": sec.kind,
                "weight": sec.weight,
                "score": rs.get("score") if show_scores else None,
                "full": rs.get("full"),
                "items": items,
            }
        )
    return {
        "card": card,
        "sections": sections,
        "columns": [{"role": r, "label": workflow.ROLE_LABELS.get(r, r)} for r in columns],
        "show_scores": show_scores,
        "current_role": current,
        "editable_role": editable_role,
        "actions": available_actions(user, card),
        "flags": card.flags if show_scores else [],
        "alerts": (card.result or {}).get("alerts", []) if show_scores else [],
    }


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
