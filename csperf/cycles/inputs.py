"""Where the values a card reads come from.

The provider named by ``settings.CSPERF_INPUT_PROVIDER`` returns, for the employees of one template
in one cycle, ``{employee code: {"values": {...}, "targets": {...}, "days_worked": ..., ...}}``.
The default asks the indicator engine (csperf.metrics) and then lays the values entered by hand
(:class:`InputValue`) over them; ``manual_provider`` uses only the hand-entered values.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from csperf.core.errors import ActionError
from csperf.cycles.models import Cycle, InputValue, ScorecardTemplate

Inputs = dict[str, dict[str, Any]]


def manual_values(cycle: Cycle, codes: list[str]) -> Inputs:
    out: Inputs = {code: {"values": {}} for code in codes}
    for code, name, value in InputValue.objects.filter(
        cycle=cycle, employee__code__in=codes
    ).values_list("employee__code", "name", "value"):
        out[code]["values"][name] = value
    return out


def manual_provider(cycle: Cycle, template: ScorecardTemplate, codes: list[str]) -> Inputs:
    return manual_values(cycle, codes)


def metrics_provider(cycle: Cycle, template: ScorecardTemplate, codes: list[str]) -> Inputs:
    from csperf.metrics.scorecard import build_score_input

    parsed = template.parsed
    try:
        data = build_score_input(
            parsed,
            cycle.period,
            employees=codes,
            data_dir=settings.DATA_DIR,
            # someone added in the app but not (yet) in the imported roster keeps a card filled
            # from the values entered by hand, instead of failing the whole template group
            skip_unknown=True,
        )
    except Exception as exc:  # the engine's own errors name the record or indicator at fault
        raise ActionError(_("Computing the indicators failed: %(err)s") % {"err": exc}) from None
    out: Inputs = {}
    for emp in data.get("employees", []):
        code = str(emp.get("id"))
        out[code] = {k: v for k, v in emp.items() if k not in ("id", "name", "team", "department")}
    manual = manual_values(cycle, codes)
    for code, entry in manual.items():
        got = out.setdefault(code, {"values": {}})
        got.setdefault("values", {}).update(entry["values"])
        for name in entry["values"]:  # a value entered by hand is a delivered value
            (got.get("missing") or {}).pop(name, None)
    return out


def collect(cycle: Cycle, template: ScorecardTemplate, codes: list[str]) -> Inputs:
    provider = import_string(settings.CSPERF_INPUT_PROVIDER)
    return provider(cycle, template, codes)


TEAM_MEAN = "team_mean_score"  # 员工管理: a card that depends on other cards


def unit_mean_scores(cycle: Cycle, employees: list[Any]) -> dict[str, Any]:
    """``team_mean_score`` for managers: the mean total of their unit's released cards.

    The unit is what the employee's login leads (teams as supervisor, departments as manager);
    the cards are the published (or later) cards of the same cycle, the employee's own left out.
    Nobody released yet: no value (the item is missing, as the template says).
    """
    from decimal import Decimal

    from django.db.models import Avg, Q

    from csperf.org.models import Membership, Role
    from csperf.reviews.models import RELEASED, Card

    out: dict[str, Any] = {}
    for emp in employees:
        if emp.user_id is None:
            continue
        led = Membership.objects.filter(user_id=emp.user_id)
        teams = list(
            led.filter(role=Role.SUPERVISOR, team__isnull=False).values_list("team", flat=True)
        )
        depts = list(
            led.filter(role=Role.MANAGER, department__isnull=False).values_list(
                "department", flat=True
            )
        )
        if not teams and not depts:
            continue
        # the unit's released cards of this period and of the shorter periods inside it (a
        # quarterly manager card reads the staff's monthly cards of the quarter)
        mean = (
            Card.objects.filter(
                cycle__period__in=_periods_within(cycle.period),
                status__in=RELEASED,
                total__isnull=False,
            )
            .filter(Q(team_id__in=teams) | Q(department_id__in=depts))
            .exclude(employee=emp)
            .aggregate(m=Avg("total"))["m"]
        )
        if mean is not None:
            out[emp.code] = Decimal(str(mean))
    return out


def _periods_within(label: str) -> list[str]:
    """``label`` and every month, quarter and half inside it (2026-Q1 → 2026-Q1, 2026-01 …)."""
    from csperf.scoring import Period

    outer = Period.parse(label)
    found = [outer.label]
    for kind_months, fmt in ((1, "{y}-{m:02d}"), (3, "{y}-Q{q}"), (6, "{y}-H{h}")):
        if kind_months >= outer.months:
            continue
        for first in range(outer.first_month, outer.first_month + outer.months, kind_months):
            found.append(
                fmt.format(y=outer.year, m=first, q=(first - 1) // 3 + 1, h=1 if first < 7 else 2)
            )
    return found


def from_card_values(cycle: Cycle, parsed: Any, employees: list[Any]) -> dict[str, dict[str, Any]]:
    """Values that come from other cards (``x-from-card``, extension G5).

    For each such item, the released cards of the named template in the same period: the
    employee's own (scope ``self``) or those of the employee's team or department (as placed
    on this cycle's card plan). ``total`` takes the card's total (the mean when several),
    ``mean`` the mean. No released card: no value (the item is missing, as the template says).
    """
    from decimal import Decimal

    from django.db.models import Avg

    from csperf.reviews.models import RELEASED, Card

    wanted = [(i.value, i.from_card) for _, i in parsed.items if i.from_card is not None]
    out: dict[str, dict[str, Any]] = {}
    if not wanted:
        return out
    for emp, team_id, dept_id in employees:
        for value_name, spec in wanted:
            cards = Card.objects.filter(
                cycle__period=cycle.period,
                template__code=spec.template,
                status__in=RELEASED,
                total__isnull=False,
            )
            if spec.scope == "self":
                cards = cards.filter(employee=emp)
            elif spec.scope == "team":
                cards = cards.filter(team_id=team_id)
            else:
                cards = cards.filter(department_id=dept_id)
            mean = cards.aggregate(m=Avg("total"))["m"]
            if mean is not None:
                out.setdefault(emp.code, {})[value_name] = Decimal(str(mean))
    return out
