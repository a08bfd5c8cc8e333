"""Scoring cards with the engine: a cycle's cards of one template are scored together
(ranks and peer statistics need the whole group); only cards whose scores may still change
are written, so published cards never change as a side effect."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Collection, Iterable
from decimal import Decimal
from typing import Any

from django.db import connections, router
from django.utils import timezone
from django.utils.translation import gettext as _

from csperf.core.errors import ActionError
from csperf.kernel.decimals import jsonable
from csperf.reviews.models import EDITABLE, Card, CardStatus, Rating
from csperf.scoring import ScoringError, score
from csperf.scoring.coverage import coverage


def _number(v: Decimal) -> Decimal | int:
    return int(v) if v == v.to_integral_value() else v.normalize()


def employee_input(card: Card, ratings: dict[str, dict[str, Any]]) -> dict[str, Any]:
    inputs = card.inputs or {}
    data: dict[str, Any] = {
        "id": card.employee.code,
        "name": card.employee.name,
        "team": card.team.code,
        "department": card.department.code,
        "values": inputs.get("values") or {},
        "targets": inputs.get("targets") or {},
        "ratings": ratings,
        "history": inputs.get("history") or [],
    }
    for key in ("pay_base", "days_worked", "period_days", "probation", "missing"):
        if inputs.get(key) is not None:
            data[key] = inputs[key]
    return data


def _who(cards: list[Card]) -> Any:
    """Name the people, not their index in the run: employees[3] -> employees[3] (E004 赵六)."""

    def who(m: re.Match) -> str:
        i = int(m.group(1))
        return (
            f"{m.group(0)} ({cards[i].employee.code} {cards[i].employee.name})"
            if i < len(cards)
            else m.group(0)
        )

    return lambda text: re.sub(r"employees\[(\d+)\]", who, text)


def score_group(cards: list[Card]) -> dict[int, tuple[dict[str, Any] | None, str]]:
    """Score cards of one cycle and one template together.

    Returns each card's (result, error): one person's bad input is that card's error (the card
    is scored without it and held) and never blocks the others; a card the template's
    eligibility leaves out has no result. A template that cannot score the period at all
    raises :class:`ActionError`. Cards HR excluded from the cycle are left out of the run
    (their peers are ranked without them) and get no result.
    """
    return {c.pk: got for c, got in zip(cards, score_cards(cards), strict=True)}


def score_cards(cards: list[Card]) -> list[tuple[dict[str, Any] | None, str]]:
    """:func:`score_group` by position, for cards not stored yet (a cycle's new cards are
    scored in memory and inserted once, with their scores)."""
    out: list[tuple[dict[str, Any] | None, str]] = [(None, "")] * len(cards)
    scored = [(i, c) for i, c in enumerate(cards) if c.status != CardStatus.EXCLUDED]
    if not scored:
        return out
    cards = [c for _, c in scored]
    template = cards[0].template
    cycle = cards[0].cycle
    ratings: dict[int, dict[str, dict[str, Any]]] = defaultdict(dict)
    stored = [c.pk for c in cards if c.pk is not None]
    for r in Rating.objects.filter(card_id__in=stored, value__isnull=False):
        ratings[r.card_id].setdefault(r.item_code, {})[r.role] = _number(r.value)
    data = {
        "period": cycle.period,
        "employees": [employee_input(c, ratings.get(c.pk, {})) for c in cards],
    }
    name = _who(cards)
    try:
        run = score(template.parsed, data, source=f"{cycle.name}/{template.code}", strict=False)
    except ScoringError as exc:
        raise ActionError(name(str(exc))) from None
    results = {r.id: r for r in run.results}
    ineligible = {x.id: x.reason for x in run.ineligible}
    for i, card in scored:
        code = card.employee.code
        if code in ineligible:
            out[i] = (None, _("Not eligible: %(why)s") % {"why": ineligible[code]})
            continue
        res = results[code]
        out[i] = (jsonable(res.to_dict(explain_parts=True)), name("\n".join(res.errors)))
    return out


def _dec(v: Any) -> Decimal | None:
    return None if v is None else Decimal(str(v))


def _coverage(card: Card, result: dict[str, Any]) -> Decimal:
    return coverage(card.template.parsed, result).quantize(Decimal("0.0001"))


def apply_result(card: Card, result: dict[str, Any]) -> list[str]:
    """Copy an engine result (and its data coverage) onto the card; returns the changed fields."""
    new = {
        "result": result,
        "total": _dec(result.get("total")),
        "grade": result.get("grade") or "",
        "rank": result.get("rank"),
        "rank_from_bottom": result.get("rank_from_bottom"),
        "rank_label": result.get("rank_label") or "",
        "pay": _dec(result.get("pay")),
        "coverage": _coverage(card, result),
    }
    changed = []
    deferred = card.get_deferred_fields()  # not read (a recompute rewrites it): not compared
    for field, value in new.items():
        if field in deferred or getattr(card, field) != value:
            setattr(card, field, value)
            changed.append(field)
    return changed


def rescore(
    cycle_id: int, template_ids: Iterable[int], *, also: Iterable[int] = (), strict: bool = False
) -> dict[int, tuple]:
    """Rescore the groups; write editable cards and the cards in ``also`` (an appeal, a reopen).

    A group whose input the engine rejects keeps its old scores and records the error on its
    cards (``strict`` raises instead: an appeal correction must not pass silently).

    Returns {card id: (old total, new total)} for the cards written whose total changed.
    """
    also = set(also)
    changes: dict[int, tuple] = {}
    for template_id in set(template_ids):
        cards = list(
            Card.objects.filter(cycle_id=cycle_id, template_id=template_id)
            .select_related("employee", "team", "department", "cycle", "template")
            .order_by("id")
        )
        try:
            results = score_cards(cards)
        except ActionError as exc:
            # Bad data for this template must not stop the rest of the cycle: the cards say why.
            writable = [c.pk for c in cards if c.status in EDITABLE or c.pk in also]
            Card.objects.filter(pk__in=writable).update(score_error=exc.message[:4000])
            if strict:
                raise
            continue
        dirty, written, changed = settle(cards, results, also=also, strict=strict)
        changes.update({card.pk: totals for card, totals in changed})
        write_fields(dirty, [*sorted(written), "updated_at"])
    return changes


def settle(
    cards: list[Card],
    results: list[tuple[dict[str, Any] | None, str]],
    *,
    also: Collection[int] = (),
    strict: bool = False,
) -> tuple[list[Card], set[str], list[tuple[Card, tuple]]]:
    """Put each writable card's (result, error) on it, in memory.

    Returns the cards that changed, the fields that changed on any of them and, for each card
    whose total changed, (card, (old total, new total))."""
    now = timezone.now()
    dirty: list[Card] = []
    written: set[str] = set()
    changes: list[tuple[Card, tuple]] = []
    for card, (result, error) in zip(cards, results, strict=True):
        if card.status not in EDITABLE and card.pk not in also:
            continue
        if strict and error:
            raise ActionError(error)
        old_total = card.total
        fields = apply_result(card, result) if result is not None else []
        if card.score_error != error[:4000]:
            card.score_error = error[:4000]
            fields.append("score_error")
        if fields:
            card.updated_at = now  # auto_now is applied by save() only
            dirty.append(card)
            written.update(fields)
        if old_total != card.total:
            changes.append((card, (old_total, card.total)))
    return dirty, written, changes


def write_fields(cards: list[Card], fields: list[str]) -> None:
    """Store these fields of the cards: one parametrised UPDATE run for every card (executemany).

    bulk_update builds a CASE per field and card, which costs more than the scoring itself for
    10,000 cards. A field unchanged on a card is written with the value it already has."""
    if not cards:
        return
    conn = connections[router.db_for_write(Card)]
    qn = conn.ops.quote_name
    model_fields = [Card._meta.get_field(f) for f in fields]
    sets = ", ".join(f"{qn(f.column)} = %s" for f in model_fields)
    sql = f"UPDATE {qn(Card._meta.db_table)} SET {sets} WHERE {qn(Card._meta.pk.column)} = %s"
    rows = [
        [f.get_db_prep_save(getattr(c, f.attname), conn) for f in model_fields] + [c.pk]
        for c in cards
    ]
    with conn.cursor() as cur:
        cur.executemany(sql, rows)


def insert_cards(cards: list[Card]) -> None:
    """Insert new cards: one parametrised INSERT run for all of them (executemany), their ids
    read back in one query. bulk_create compiles every value of every row through the SQL
    compiler, which for 10,000 cards costs more than scoring them."""
    if not cards:
        return
    conn = connections[router.db_for_write(Card)]
    qn = conn.ops.quote_name
    now = timezone.now()
    for card in cards:
        card.updated_at = now  # auto_now is applied by save() and bulk_create only
    fields = [f for f in Card._meta.concrete_fields if not f.primary_key]
    sql = (
        f"INSERT INTO {qn(Card._meta.db_table)} ({', '.join(qn(f.column) for f in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    rows = [[f.get_db_prep_save(getattr(c, f.attname), conn) for f in fields] for c in cards]
    with conn.cursor() as cur:
        cur.executemany(sql, rows)
    # one card per cycle and employee (a constraint): that pair finds each new card's id
    ids = dict(
        ((cycle_id, emp_id), pk)
        for cycle_id, emp_id, pk in Card.objects.using(conn.alias)
        .filter(cycle_id__in={c.cycle_id for c in cards})
        .order_by()
        .values_list("cycle_id", "employee_id", "pk")
    )
    for card in cards:
        card.pk = ids[(card.cycle_id, card.employee_id)]
        card._state.adding = False
        card._state.db = conn.alias
