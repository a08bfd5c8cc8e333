"""Building and scoring a cycle's cards (run as the ``cycle.compute`` background job).

Each employee is evaluated where they were at the end of the period (or on their last day, for
leavers); moves inside the period are kept on the card. Eligibility and proration follow the
template: ``x-eligibility: {min_days: N}`` leaves out people employed fewer than N days of the
period, and ``days_worked`` / ``period_days`` feed the template's ``pay.prorate``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
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
from csperf.reviews.scoring import rescore, write_fields

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
        Employee.objects.filter(
            Q(hired_on__isnull=True) | Q(hired_on__lte=last),
            Q(left_on__isnull=True) | Q(left_on__gte=first),
        ).order_by("code")
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


def _store_cards(actor: User | None, template: Any, new: list[Card], updated: list[Card]) -> None:
    """Write a template group's cards in batches (10,000 cards: seconds, not a minute)."""
    Card.objects.bulk_create(new, batch_size=1000)
    audit.record_many(actor, "create_card", new, new={"template": str(template)})
    now = timezone.now()
    for card in updated:
        card.updated_at = now  # auto_now is Django's save(): set by hand for a direct UPDATE
    write_fields(updated, [*CARD_FIELDS, "updated_at"])


def _rescore_all(cycle: Cycle, actor: User) -> None:
    """Score every template group of the cycle; each changed total is audited."""
    template_ids = set(Card.objects.filter(cycle=cycle).values_list("template_id", flat=True))
    changes = rescore(cycle.pk, template_ids)
    for card in Card.objects.filter(pk__in=list(changes)).select_related("employee", "cycle"):
        old, new = changes[card.pk]
        if old is not None:
            audit.record(
                actor,
                "rescore",
                card,
                field="total",
                old=old,
                new=new,
                reason=_("cycle recomputed"),
            )


def _finish_report(
    cycle: Cycle, report: dict[str, Any], *, cards: int, created: int, kept: int
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
    # Stages nobody can rate are found now, not when the cards are already waiting.
    report["unrated_stages"] = gates.gaps_jsonable(gates.rater_gaps(cycle))
    Cycle.objects.filter(pk=cycle.pk).update(compute_report=report)
    return {
        "cards": cards,
        "score_errors": len(errors),
        "created": created,
        "unchanged_published": kept,
        "left_out": {k: len(v) for k, v in report.items() if k != "unrated_stages"},
        "unrated_stages": sum(len(g["cards"]) for g in report["unrated_stages"]),
    }


def compute_cycle(
    cycle: Cycle, progress: Progress | None = None, actor: User | None = None
) -> dict[str, Any]:
    progress = progress or (lambda *a, **k: None)
    if cycle.status == Cycle.Status.CLOSED:
        raise ActionError(_("The cycle is closed."))
    if cycle.status == Cycle.Status.ARCHIVED:
        raise ActionError(_("The cycle is archived."))
    plan, report = plan_cycle(cycle)
    total_steps = len(plan) + 1
    progress(0, total_steps, gettext_noop("Planning %(n)s cards"), {"n": len(plan)})
    groups: dict[int, list[dict]] = defaultdict(list)
    for entry in plan:
        groups[entry["template"].pk].append(entry)
    existing = {c.employee_id: c for c in Card.objects.filter(cycle=cycle)}
    planned_out: set[int] = set()
    done = created = kept = 0
    for entries in groups.values():
        template = entries[0]["template"]
        chain = workflow.chain_for(template.rater_roles or template.parsed.rater_roles())
        codes = [e["employee"].code for e in entries]
        values = cycle_inputs.collect(cycle, template, codes)
        _fill_from_cards(cycle, template, entries, values)
        history = _history([e["employee"].pk for e in entries], template.code, cycle.period)
        new_cards: list[Card] = []
        updated: list[Card] = []
        with transaction.atomic():
            for entry in entries:
                emp, placement = entry["employee"], entry["placement"]
                got = values.get(emp.code) or {}
                inputs = {
                    "values": jsonable(got.get("values") or {}),
                    "targets": jsonable(got.get("targets") or {}),
                    "pay_base": jsonable(got.get("pay_base", emp.pay_base)),
                    "days_worked": jsonable(got.get("days_worked", entry["days"])),
                    "period_days": jsonable(got.get("period_days", entry["period_days"])),
                    "history": history.get(emp.pk, []),
                }
                probation = got.get("probation")
                if probation is None:
                    probation = emp.on_probation(cycle.period_obj.date_range(1)[1])
                inputs["probation"] = bool(probation)
                missing = {
                    k: v for k, v in (got.get("missing") or {}).items() if k not in inputs["values"]
                }
                if missing:
                    inputs["missing"] = missing
                why = _ineligible(template, inputs)
                if why:
                    report["not_eligible"].append(
                        {"code": emp.code, "name": emp.name, "days": entry["days"], "why": why}
                    )
                    planned_out.add(emp.pk)
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
                    new_cards.append(card)
                else:
                    for k, v in fields.items():
                        setattr(card, k, v)
                    updated.append(card)
                done += 1
                progress(done, total_steps)
            _store_cards(actor, template, new_cards, updated)
            created += len(new_cards)
    # Draft (or excluded) cards of people no longer in the plan (left, moved to a position
    # without a card or out of the cycle's scope, no longer eligible).
    planned = {e["employee"].pk for e in plan} - planned_out
    removed = 0
    for card in Card.objects.filter(
        cycle=cycle, status__in=[CardStatus.DRAFT, CardStatus.EXCLUDED]
    ).exclude(employee_id__in=planned):
        audit.record(actor, "remove_card", card, reason=_("no longer in the cycle"))
        card.delete()
        removed += 1
    progress(len(plan), total_steps, gettext_noop("Scoring"))
    _rescore_all(cycle, actor)
    summary = _finish_report(cycle, report, cards=len(plan), created=created, kept=kept)
    summary["removed"] = removed
    from csperf.cycles.actions import mark_computed

    mark_computed(cycle)
    audit.record(actor, "computed", cycle, new=summary)
    progress(total_steps, total_steps, gettext_noop("Done"))
    return summary
