"""Survey figures for pages and the API, over what the user may see (credits_for_user)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from csperf.surveys.access import credits_for_user
from csperf.surveys.models import CallbackPlan, Survey
from csperf.surveys.scoring import Attempt, figures, period_of, rate

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def survey_figures(
    user: User, survey: Survey, *, grain: str = "month", by: str = "employee"
) -> list[dict[str, Any]]:
    """Rows of {subject, name, period, attempts, completed, cs_mean, csat_mean, csat_top2, nps,
    planned, callback_rate} per employee (or team) and period."""
    qs = credits_for_user(user).filter(response__survey=survey)
    if by == "employee":
        qs = qs.filter(employee__isnull=False)
    names: dict[str, str] = {}
    attempts = []
    seen: set[tuple[int, str, str]] = set()
    tz = timezone.get_current_timezone()
    for c in qs.select_related("response", "employee", "team"):
        if by == "employee":
            subject, name = c.employee.code, c.employee.name
        else:
            subject, name = c.team.code, c.team.name
            # a response counts once per team and role even when two of its members are named
        key = (c.response_id, subject, c.role)
        if key in seen:
            continue
        seen.add(key)
        names[subject] = name
        r = c.response
        attempts.append(
            Attempt(
                subject=subject if by == "employee" else f"{subject}\x1f{c.role}",
                day=timezone.localtime(r.surveyed_at, tz).date(),
                status=r.status,
                cs=None if c.cs is None else Decimal(c.cs),
                rating=r.rating,
                nps=r.nps,
            )
        )
    planned: dict[tuple[str, str], int] = defaultdict(int)
    for p in CallbackPlan.objects.filter(survey=survey).select_related("employee", "team"):
        subj = p.employee.code if by == "employee" else p.team.code
        per = period_of(timezone.datetime.strptime(p.period + "-01", "%Y-%m-%d").date(), grain)
        planned[(subj, per)] += p.planned
    out = []
    for (subject, period), f in figures(attempts, grain).items():
        base, _sep, role = subject.partition("\x1f")
        plan = planned.get((base, period), 0) if not role or by == "employee" else 0
        out.append(
            {
                "subject": base,
                "role": role,
                "name": names.get(base, base),
                "period": period,
                "attempts": f.attempts,
                "completed": f.completed,
                "refused": f.refused,
                "unreachable": f.unreachable,
                "success_rate": f.success_rate,
                "cs_mean": f.cs_mean,
                "csat_mean": f.csat_mean,
                "csat_top2": f.csat_top2,
                "nps": f.nps,
                "planned": plan,
                "callback_rate": rate(f.completed, plan),
            }
        )
    return sorted(out, key=lambda r: (r["period"], r["subject"], r["role"]))
