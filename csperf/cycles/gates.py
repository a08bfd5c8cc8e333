"""What holds a card back from rating or publishing, and who can fix it.

Two gates, checked when rating opens (``open_cycle``) and, for data, when a card is published:

* **data**: the card's inputs have errors (``score_error``), or its data coverage — the share of
  its record-fed weight whose value came from the records — is below the cycle's
  ``min_coverage``. A card never scored counts as no data at all.
* **raters**: a stage of the card's chain that nobody may rate (a team without a supervisor, a
  department without a manager or QC inspector, an employee without a login for the self
  stage). Such a card would wait forever.

The data gate of one card (coverage, publish refusal) is ``csperf.reviews.coverage``: the cards
check it when one is published, and the cards sit below the cycles. HR clears a card by fixing
the cause, by excluding the card from the cycle, or by overriding the gate with a reason
(``Card.gate_overrides``); every decision is audited by the actions.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from csperf.core.errors import InvalidTransition
from csperf.cycles.models import Cycle
from csperf.org.models import Membership, Role
from csperf.reviews import workflow
from csperf.reviews.coverage import DATA, card_coverage, data_problem, percent, who
from csperf.reviews.models import REVIEW_STATUSES, Card, CardStatus

RATERS = "raters"
# Cards that still have stages ahead of them: these can be stuck.
WAITING = frozenset({CardStatus.DRAFT, *REVIEW_STATUSES})


class GateRefused(InvalidTransition):
    """Rating cannot open (409): ``blocked`` lists each card held back and why."""

    def __init__(self, message: str, *, blocked: list[dict[str, Any]]) -> None:
        super().__init__(message)
        self.blocked = blocked


# -- raters ----------------------------------------------------------------------------------


@dataclass
class Holders:
    """Which units have an active person for each role."""

    supervised_teams: set[int] = field(default_factory=set)
    managed_departments: set[int] = field(default_factory=set)
    inspected_departments: set[int] = field(default_factory=set)

    @classmethod
    def load(cls) -> Holders:
        h = cls()
        rows = Membership.objects.filter(user__is_active=True).values_list(
            "role", "team_id", "department_id"
        )
        for role, team_id, dept_id in rows:
            if role == Role.SUPERVISOR and team_id:
                h.supervised_teams.add(team_id)
            elif role == Role.MANAGER and dept_id:
                h.managed_departments.add(dept_id)
            elif role == Role.INSPECTOR and dept_id:
                h.inspected_departments.add(dept_id)
        return h

    def has(self, role: str, subject: dict[str, Any]) -> bool:
        if role == "self":
            return subject["has_login"]
        if role == "supervisor":
            return subject["team_id"] in self.supervised_teams
        if role in workflow.MANAGER_ROLES:
            return subject["department_id"] in self.managed_departments
        if role in ("qc", "inspector"):
            return subject["department_id"] in self.inspected_departments
        return False


def stages_ahead(chain: list[str], status: str) -> list[str]:
    """The chain roles still to rate: all of them before rating opens, else from the current."""
    if status == CardStatus.DRAFT:
        return list(chain)
    for i, role in enumerate(chain):
        if workflow.ROLE_STAGE.get(role) == status:
            return list(chain[i:])
    return []


def _subject_of_card(card: Card) -> dict[str, Any]:
    user = card.employee.user
    return {
        "card": card,
        "card_id": card.pk,
        "code": card.employee.code,
        "name": card.employee.name,
        "team_id": card.team_id,
        "team": card.team.name,
        "department_id": card.department_id,
        "department": card.department.name,
        "chain": list(card.chain or []),
        "status": card.status,
        "has_login": user is not None and user.is_active,
        "overridden": RATERS in (card.gate_overrides or {}),
    }


def _subject_of_plan(entry: dict[str, Any]) -> dict[str, Any]:
    emp, placement, template = entry["employee"], entry["placement"], entry["template"]
    user = emp.user
    return {
        "card": None,
        "card_id": None,
        "code": emp.code,
        "name": emp.name,
        "team_id": placement.team_id,
        "team": placement.team.name,
        "department_id": placement.team.department_id,
        "department": placement.team.department.name,
        "chain": list(template.rater_roles or template.parsed.rater_roles()),
        "status": CardStatus.DRAFT,
        "has_login": user is not None and user.is_active,
        "overridden": False,
    }


def missing_roles(subject: dict[str, Any], holders: Holders) -> list[str]:
    ahead = stages_ahead(subject["chain"], subject["status"])
    return [role for role in ahead if not holders.has(role, subject)]


def _unit(role: str, subject: dict[str, Any]) -> str:
    """The unit whose missing rater holds the card: a team or a department."""
    if role in ("self", "supervisor"):
        return subject["team"]
    return subject["department"]


def fix_text(role: str, unit: str) -> str:
    """What HR does so that the stage has a rater."""
    if role == "self":
        return _(
            "Give these employees of %(team)s a login (Logins and roles: a new login with "
            "their employee ID)."
        ) % {"team": unit}
    if role == "supervisor":
        return _("Assign a supervisor to team %(team)s.") % {"team": unit}
    if role in workflow.MANAGER_ROLES:
        return _("Assign a department manager to %(department)s.") % {"department": unit}
    return _("Assign a QC inspector to %(department)s.") % {"department": unit}


def relabel(groups: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Stored groups (JSON) in the reader's language: the stage and the fix are words."""
    return [
        {
            **g,
            "stage": str(workflow.ROLE_LABELS.get(g["role"], g["role"])),
            "fix": fix_text(g["role"], g["unit"]),
        }
        for g in groups
    ]


def group_gaps(subjects: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Cards with a stage nobody can rate, grouped by stage and unit, each group with its fix."""
    holders = Holders.load()
    groups: dict[tuple[str, str], dict[str, Any]] = {}
    order = list(workflow.ROLE_STAGE)
    for subject in subjects:
        for role in missing_roles(subject, holders):
            unit = _unit(role, subject)
            key = (role, unit)
            if key not in groups:
                groups[key] = {
                    "role": role,
                    "stage": str(workflow.ROLE_LABELS.get(role, role)),
                    "unit": unit,
                    "fix": fix_text(role, unit),
                    "url": reverse("org:access"),
                    "cards": [],
                }
            groups[key]["cards"].append(subject)
    out = sorted(groups.values(), key=lambda g: (order.index(g["role"]), g["unit"]))
    for g in out:
        g["open"] = sum(1 for s in g["cards"] if not s["overridden"])
    return out


def _gap_cards(cards: Iterable[Card]) -> list[dict[str, Any]]:
    return [_subject_of_card(c) for c in cards]


def rater_gaps(cycle: Cycle, cards: Iterable[Card] | None = None) -> list[dict[str, Any]]:
    """Stuck stages of the cycle's waiting cards; before any card exists, as planned."""
    if cards is None:
        cards = (
            Card.objects.filter(cycle=cycle, status__in=WAITING)
            .select_related("employee__user", "team", "department")
            .order_by("team__code", "employee__code")
        )
    cards = list(cards)
    if cards or cycle.cards.exists():
        return group_gaps(_gap_cards(c for c in cards if c.status in WAITING))
    from csperf.cycles.compute import plan_cycle

    plan, _report = plan_cycle(cycle)
    return group_gaps(_subject_of_plan(e) for e in plan)


def gaps_jsonable(groups: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "role": g["role"],
            "stage": g["stage"],
            "unit": g["unit"],
            "fix": g["fix"],
            "url": g["url"],
            "open": g["open"],
            "cards": [
                {
                    "card_id": s["card_id"],
                    "code": s["code"],
                    "name": s["name"],
                    "overridden": s["overridden"],
                }
                for s in g["cards"]
            ],
        }
        for g in groups
    ]


# -- the gate of opening ---------------------------------------------------------------------


def card_problems(card: Card, holders: Holders) -> list[dict[str, Any]]:
    """Every gate this card fails now, overridden or not: {kind, gate, why, overridden}."""
    out = []
    overrides = card.gate_overrides or {}
    problem = data_problem(card, card.cycle.min_coverage, opening=True)
    if problem is not None:
        kind, why = problem
        out.append({"kind": kind, "gate": DATA, "why": why, "overridden": DATA in overrides})
    subject = _subject_of_card(card)
    for role in missing_roles(subject, holders):
        unit = _unit(role, subject)
        why = _("nobody may rate its %(stage)s stage (%(unit)s)") % {
            "stage": workflow.ROLE_LABELS.get(role, role),
            "unit": unit,
        }
        out.append({"kind": RATERS, "gate": RATERS, "why": why, "overridden": RATERS in overrides})
    return out


def blocked(cards: Iterable[Card]) -> list[dict[str, Any]]:
    """The cards the gates hold back (not overridden): {card, kind, why} per problem."""
    holders = Holders.load()
    out = []
    for card in cards:
        for p in card_problems(card, holders):
            if not p["overridden"]:
                out.append({"card": card, "kind": p["kind"], "why": p["why"]})
    return out


def opening_cards(cycle: Cycle):
    """The cards opening would start: the cycle's draft cards."""
    return (
        Card.objects.filter(cycle=cycle, status=CardStatus.DRAFT)
        .select_related("employee__user", "team", "department", "template", "cycle")
        .order_by("team__code", "employee__code")
    )


def blocked_jsonable(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "card": r["card"].pk,
            "employee_code": r["card"].employee.code,
            "employee_name": r["card"].employee.name,
            "team": r["card"].team.name,
            "kind": r["kind"],
            "coverage": _float(card_coverage(r["card"])),
            "why": r["why"],
        }
        for r in rows
    ]


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def refusal_message(rows: list[dict[str, Any]], limit: int = 20) -> str:
    """The 409 message: how many cards, and each by name with why (the first ``limit``)."""
    cards = {r["card"].pk for r in rows}
    lines = [
        _(
            "Rating cannot open: %(n)s cards are held back. Exclude them from the cycle or "
            "override each with a reason (or fix the data or the raters and try again):"
        )
        % {"n": len(cards)}
    ]
    for r in rows[:limit]:
        lines.append(f"{who(r['card'])}: {r['why']}")
    if len(rows) > limit:
        lines.append(_("…and %(n)s more.") % {"n": len(rows) - limit})
    return "\n".join(lines)


# -- the cycle page --------------------------------------------------------------------------


def coverage_meters(cards: Iterable[Card], min_coverage: Decimal) -> dict[str, list[dict]]:
    """Mean coverage per team and per template, with the number of cards below the minimum."""
    by: dict[str, dict[str, list[Decimal]]] = {"teams": defaultdict(list), "templates": {}}
    by["templates"] = defaultdict(list)
    for card in cards:
        if card.status == CardStatus.EXCLUDED:
            continue
        cov = card_coverage(card)
        value = cov if cov is not None else Decimal(0)
        by["teams"][f"{card.department.name} / {card.team.name}"].append(value)
        by["templates"][f"{card.template.name} ({card.template.code})"].append(value)
    out: dict[str, list[dict]] = {}
    for kind, rows in by.items():
        out[kind] = [
            {
                "name": name,
                "mean": (mean := sum(values, Decimal(0)) / len(values)),
                "percent": percent(mean),
                "cards": len(values),
                "below": sum(1 for v in values if v < min_coverage),
            }
            for name, values in sorted(rows.items())
        ]
    return out
