"""Building and scoring a cycle's cards (run as the ``cycle.compute`` background job).

Each employee is evaluated where they were at the end of the period (or on their last day, for
leavers); moves inside the period are kept on the card. Eligibility and proration follow the
template: ``x-eligibility: {min_days: N}`` leaves out people employed fewer than N days of the
period, and ``days_worked`` / ``period_days`` feed the template's ``pay.prorate``.
"""

from __future__ import annotations

import gc
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from csperf.core import audit
from csperf.core.errors import ActionError
from csperf.cycles import gates
from csperf.cycles import inputs as cycle_inputs
from csperf.cycles.models import Cycle, ScorecardTemplate
from csperf.cycles.scope import CycleScope
from csperf.kernel.decimals import jsonable
from csperf.org.models import Assignment, Employee
from csperf.reviews import workflow
from csperf.reviews.models import EDITABLE, RELEASED, Card, CardStatus
from csperf.reviews.scoring import insert_cards, score_cards, settle, write_fields

if TYPE_CHECKING:
    from django.contrib.auth.models import User

Progress = Callable[..., None]


def _min_days(template: ScorecardTemplate) -> int:
    return template.parsed.eligibility.min_days


def _fill_from_cards(
    cycle: Cycle, template: ScorecardTemplate, entries: list[dict], values: dict
) -> None:
    """Values that are other cards' results: 员工管理 (team_mean_score) and ``x-from-card``
    (G5). A value entered by hand wins."""
    parsed = template.parsed
    found: dict[str, dict[str, Any]] = {}
    if cycle_inputs.TEAM_MEAN in parsed.value_names():
        means = cycle_inputs.unit_mean_scores(cycle, [e["employee"] for e in entries])
        for code, mean in means.items():
            found.setdefault(code, {})[cycle_inputs.TEAM_MEAN] = mean
    placed = [
        (e["employee"], e["placement"].team_id, e["placement"].team.department_id) for e in entries
    ]
    for code, got in cycle_inputs.from_card_values(cycle, parsed, placed).items():
        found.setdefault(code, {}).update(got)
    for code, got in found.items():
        vals = values.setdefault(code, {"values": {}}).setdefault("values", {})
        for name, value in got.items():
            vals.setdefault(name, value)


def _ineligible(template: ScorecardTemplate, inputs: dict[str, Any]) -> str | None:
    """Why the template's ``x-eligibility`` gives this employee no card (days worked,
    probation; G9), or None. Missing days worked count as eligible: the engine reports them."""
    rule = template.parsed.eligibility
    if not rule.checks_inputs:
        return None
    days = inputs.get("days_worked")
    return rule.reason(
        days_worked=Decimal(str(days)) if days is not None else None,
        probation=bool(inputs.get("probation")),
    )


def _history(employee_ids: list[int], template_code: str, before: str) -> dict[int, list[dict]]:
    """Earlier released cards of the same template, for the template's alerts."""
    out: dict[int, list[dict]] = defaultdict(list)
    rows = (
        Card.objects.filter(
            employee_id__in=employee_ids,
            template__code=template_code,
            status__in=RELEASED,
            cycle__period__lt=before,
        )
        .order_by("cycle__period")
        .values_list("employee_id", "cycle__period", "total", "grade", "rank", "rank_from_bottom")
    )
    for emp_id, period, total, grade, rank, bottom in rows:
        entry: dict[str, Any] = {"period": period}
        if total is not None:
            entry["total"] = jsonable(total)
        if grade:
            entry["grade"] = grade
        if rank is not None:
            entry["rank"] = rank
        if bottom is not None:
            entry["rank_from_bottom"] = bottom
        out[emp_id].append(entry)
    return out


def _assignments(employees: list[Employee]) -> dict[int, list[Assignment]]:
    """Every assignment of these people, oldest first, in one query (not two per person)."""
    out: dict[int, list[Assignment]] = defaultdict(list)
    rows = (
        Assignment.objects.filter(employee_id__in=[e.pk for e in employees])
        .select_related("team__department", "position")
        .order_by("employee_id", "start", "id")
    )
    for a in rows:
        out[a.employee_id].append(a)
    return out


def _placement_on(assignments: list[Assignment], day: Any) -> Assignment | None:
    """As :meth:`Employee.placement_on`: the latest assignment starting on or before ``day``."""
    found = None
    for a in assignments:
        if a.start > day:
            break
        found = a
    return found


def plan_cycle(cycle: Cycle) -> tuple[list[dict[str, Any]], dict[str, list]]:
    """Who gets a card with which template, placement and days; and who is left out, why.

    Only people in the cycle's scope (departments, teams, positions) are planned; the others
    belong to another cycle of the period and are not reported as left out."""
    scope = CycleScope.of(cycle)
    period = cycle.period_obj
    first, last = period.date_range(1)
    by_position = {ct.position_id: ct.template for ct in cycle.templates.select_related("template")}
    overrides = {o.employee_id: o.template for o in cycle.overrides.select_related("template")}
    report: dict[str, list] = {"no_placement": [], "no_template": [], "not_eligible": []}
    plan = []
    employees = list(
        Employee.objects.select_related("user")  # who may log in: the rater gaps of the plan
        .filter(
            Q(hired_on__isnull=True) | Q(hired_on__lte=last),
            Q(left_on__isnull=True) | Q(left_on__gte=first),
        )
        .order_by("code")
    )
    history = _assignments(employees)
    for emp in employees:
        end = min(last, emp.left_on) if emp.left_on else last
        placement = _placement_on(history[emp.pk], end)
        if placement is None:
            if scope.every_unit:
                report["no_placement"].append({"code": emp.code, "name": emp.name})
            continue
        if not scope.includes(
            team_id=placement.team_id,
            department_id=placement.team.department_id,
            position_id=placement.position_id,
        ):
            continue
        template = overrides.get(emp.pk) or by_position.get(placement.position_id)
        if template is None:
            report["no_template"].append(
                {"code": emp.code, "name": emp.name, "position": placement.position.name}
            )
            continue
        start_day = template.period_start_day or 1
        f, last_day = period.date_range(start_day)
        if start_day != 1:
            end = min(last_day, emp.left_on) if emp.left_on else last_day
            placement = _placement_on(history[emp.pk], end) or placement
        days = emp.employed_days(f, last_day)
        if days < _min_days(template):
            report["not_eligible"].append({"code": emp.code, "name": emp.name, "days": days})
            continue
        moves = [
            {
                "from": a.start.isoformat(),
                "team": a.team.name,
                "position": a.position.name,
                "reason": a.reason,
            }
            for a in history[emp.pk]
            if f < a.start <= last_day
        ]
        plan.append(
            {
                "employee": emp,
                "template": template,
                "placement": placement,
                "days": days,
                "period_days": (last_day - f).days + 1,
                "moves": moves,
            }
        )
    return plan, report


CARD_FIELDS = ["template", "team", "department", "position", "chain", "inputs", "moves"]


def _card_inputs(
    cycle: Cycle, entry: dict[str, Any], got: dict[str, Any], history: list[dict]
) -> dict[str, Any]:
    """What the card stores as its inputs (the engine reads them back to rescore)."""
    emp = entry["employee"]
    inputs = {
        "values": jsonable(got.get("values") or {}),
        "targets": jsonable(got.get("targets") or {}),
        "pay_base": jsonable(got.get("pay_base", emp.pay_base)),
        "days_worked": jsonable(got.get("days_worked", entry["days"])),
        "period_days": jsonable(got.get("period_days", entry["period_days"])),
        "history": history,
    }
    probation = got.get("probation")
    if probation is None:
        probation = emp.on_probation(cycle.period_obj.date_range(1)[1])
    inputs["probation"] = bool(probation)
    missing = {k: v for k, v in (got.get("missing") or {}).items() if k not in inputs["values"]}
    if missing:
        inputs["missing"] = missing
    return inputs


def _plan_group(
    cycle: Cycle,
    entries: list[dict],
    existing: dict[int, Card],
    report: dict[str, Any],
    tick: Callable[[], None],
) -> tuple[list[Card], list[Card], set[int], int]:
    """One template group's cards, in memory: new ones, planned existing ones with their new
    placement and inputs, the people the eligibility leaves out and how many are published."""
    template = entries[0]["template"]
    chain = workflow.chain_for(template.rater_roles or template.parsed.rater_roles())
    values = cycle_inputs.collect(cycle, template, [e["employee"].code for e in entries])
    _fill_from_cards(cycle, template, entries, values)
    history = _history([e["employee"].pk for e in entries], template.code, cycle.period)
    new: list[Card] = []
    updated: list[Card] = []
    left_out: set[int] = set()
    kept = 0
    for entry in entries:
        emp, placement = entry["employee"], entry["placement"]
        inputs = _card_inputs(cycle, entry, values.get(emp.code) or {}, history.get(emp.pk, []))
        why = _ineligible(template, inputs)
        if why:
            report["not_eligible"].append(
                {"code": emp.code, "name": emp.name, "days": entry["days"], "why": why}
            )
            left_out.add(emp.pk)
            continue
        card = existing.get(emp.pk)
        if card is not None and card.status not in EDITABLE | {CardStatus.EXCLUDED}:
            kept += 1  # published: never changed by a recompute (reopen it first)
            continue
        fields = {
            "template": template,
            "team": placement.team,
            "department": placement.team.department,
            "position": placement.position,
            "chain": chain,
            "inputs": inputs,
            "moves": entry["moves"],
        }
        if card is None:
            card = Card(cycle=cycle, employee=emp, status=CardStatus.DRAFT, **fields)
            new.append(card)
        else:
            for k, v in fields.items():
                setattr(card, k, v)
            updated.append(card)
        tick()
    return new, updated, left_out, kept


def _existing_cards(cycle: Cycle) -> dict[int, Card]:
    """The cycle's cards by employee, with what scoring reads (the stored result is read only
    for the cards a recompute does not rewrite: :func:`_load_results`)."""
    cards = (
        Card.objects.filter(cycle=cycle)
        .select_related("employee__user", "team", "department", "template")
        .defer("result")
    )
    out = {}
    for card in cards:
        card.cycle = cycle
        out[card.employee_id] = card
    return out


def _load_results(cards: list[Card]) -> None:
    """The stored result of these cards, in one query (scoring compares it with the new one)."""
    by_pk = {c.pk: c for c in cards if "result" in c.get_deferred_fields()}
    for pk, result in Card.objects.filter(pk__in=list(by_pk)).values_list("pk", "result"):
        by_pk[pk].result = result


def _score_in_memory(cards: list[Card], rewritten: set[int]) -> tuple[list, dict[int, set[str]]]:
    """Score every template group of the cards (the cycle's cards as they will be stored).

    Returns the total changes [(card, (old, new))] and, for each card to write (by ``id()``),
    the score fields that changed; ``rewritten``: ``id()`` of the cards written anyway."""
    groups: dict[int, list[Card]] = defaultdict(list)
    for card in cards:
        groups[card.template_id].append(card)
    changes: list = []
    fields_of: dict[int, set[str]] = {}
    for group in groups.values():
        if not any(c.status in EDITABLE for c in group):
            continue  # nothing in it may change (published cards are never rescored)
        group.sort(key=lambda c: (c.pk is None, c.pk or 0))  # stored first, as rescore orders
        _load_results([c for c in group if c.status in EDITABLE and id(c) not in rewritten])
        try:
            results = score_cards(group)
        except ActionError as exc:
            # Bad data for this template must not stop the rest of the cycle: the cards say why.
            for card in group:
                if card.status in EDITABLE:
                    card.score_error = exc.message[:4000]
                    fields_of.setdefault(id(card), set()).add("score_error")
            continue
        dirty, written, changed = settle(group, results)
        changes.extend(changed)
        for card in dirty:
            fields_of.setdefault(id(card), set()).update(written | {"updated_at"})
    return changes, fields_of


def _write(
    actor: User | None,
    new: dict[Any, list[Card]],
    writes: list[tuple[Card, set[str]]],
    removed: list[Card],
) -> None:
    """Store the cycle's cards at once: removed ones deleted, new ones inserted with their
    scores, changed ones updated (one executemany each)."""
    for card in removed:
        audit.record(actor, "remove_card", card, reason=_("no longer in the cycle"))
    Card.objects.filter(pk__in=[c.pk for c in removed]).delete()
    for template, cards in new.items():
        insert_cards(cards)
        audit.record_many(actor, "create_card", cards, new={"template": str(template)})
    same: dict[tuple[str, ...], list[Card]] = defaultdict(list)
    for card, fields in writes:
        same[tuple(sorted(fields))].append(card)
    for fields, cards in same.items():
        write_fields(cards, list(fields))


def _finish_report(
    cycle: Cycle, report: dict[str, Any], stored: list[Card], *, cards: int, created: int, kept: int
) -> dict[str, Any]:
    """Store the compute report (score errors, stages nobody can rate); return the summary."""
    errors = sorted(
        set(
            Card.objects.filter(cycle=cycle)
            .exclude(score_error="")
            .values_list("template__code", "score_error")
        )
    )
    report["score_errors"] = [{"template": code, "error": err} for code, err in errors]
    # Stages nobody can rate are found now, not when the cards are already waiting; from the
    # cards as just stored (not read back), in the order the gaps page lists them.
    waiting = sorted(
        (c for c in stored if c.status in gates.WAITING),
        key=lambda c: (c.team.code, c.employee.code),
    )
    report["unrated_stages"] = gates.gaps_jsonable(gates.rater_gaps(cycle, waiting))
    Cycle.objects.filter(pk=cycle.pk).update(compute_report=report)
    return {
        "cards": cards,
        "score_errors": len(errors),
        "created": created,
        "unchanged_published": kept,
        "left_out": {k: len(v) for k, v in report.items() if k != "unrated_stages"},
        "unrated_stages": sum(len(g["cards"]) for g in report["unrated_stages"]),
    }


@contextmanager
def _collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while a cycle is computed: 10,000 cards are a million
    live objects (results, explanations) and every full collection walks them all (measured:
    a third of the scoring time). Memory is freed by reference counting meanwhile."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def compute_cycle(
    cycle: Cycle, progress: Progress | None = None, actor: User | None = None
) -> dict[str, Any]:
    """Plan, fill, score and store the cycle's cards: everything is worked out in memory and
    written at the end in one transaction (new cards inserted once, with their scores)."""
    if cycle.status == Cycle.Status.CLOSED:
        raise ActionError(_("The cycle is closed."))
    if cycle.status == Cycle.Status.ARCHIVED:
        raise ActionError(_("The cycle is archived."))
    with _collector_paused():
        return _compute(cycle, progress or (lambda *a, **k: None), actor)


def _compute(cycle: Cycle, progress: Progress, actor: User | None) -> dict[str, Any]:
    plan, report = plan_cycle(cycle)
    total_steps = len(plan) + 1
    progress(0, total_steps, gettext_noop("Planning %(n)s cards"), {"n": len(plan)})
    groups: dict[int, list[dict]] = defaultdict(list)
    for entry in plan:
        groups[entry["template"].pk].append(entry)
    existing = _existing_cards(cycle)
    done = [0]

    def tick() -> None:
        done[0] += 1
        progress(done[0], total_steps)

    new: dict[Any, list[Card]] = {}
    rewritten: list[Card] = []
    planned = {e["employee"].pk for e in plan}
    kept = 0
    for entries in groups.values():
        group_new, updated, left_out, group_kept = _plan_group(
            cycle, entries, existing, report, tick
        )
        new[entries[0]["template"]] = group_new
        rewritten.extend(updated)
        planned -= left_out
        kept += group_kept
    # Draft (or excluded) cards of people no longer in the plan (left, moved to a position
    # without a card or out of the cycle's scope, no longer eligible).
    removed = [
        c
        for c in existing.values()
        if c.status in (CardStatus.DRAFT, CardStatus.EXCLUDED) and c.employee_id not in planned
    ]
    gone = {c.pk for c in removed}
    cards = [c for c in existing.values() if c.pk not in gone]
    cards += [c for group in new.values() for c in group]
    progress(len(plan), total_steps, gettext_noop("Scoring"))
    changes, fields_of = _score_in_memory(cards, {id(c) for c in rewritten})
    writes = [(c, {*CARD_FIELDS, "updated_at", *fields_of.pop(id(c), ())}) for c in rewritten]
    now = timezone.now()
    for card in rewritten:
        card.updated_at = now  # auto_now is Django's save(): set by hand for a direct UPDATE
    by_id = {id(c): c for c in cards if c.pk is not None}
    writes += [(by_id[key], fields) for key, fields in fields_of.items() if key in by_id]
    with transaction.atomic():
        _write(actor, new, writes, removed)
        for card, (old, total) in changes:
            if old is not None:
                audit.record(
                    actor,
                    "rescore",
                    card,
                    field="total",
                    old=old,
                    new=total,
                    reason=_("cycle recomputed"),
                )
    created = sum(len(group) for group in new.values())
    summary = _finish_report(cycle, report, cards, cards=len(plan), created=created, kept=kept)
    summary["removed"] = len(removed)
    from csperf.cycles.actions import mark_computed

    mark_computed(cycle)
    audit.record(actor, "computed", cycle, new=summary)
    progress(total_steps, total_steps, gettext_noop("Done"))
    return summary
