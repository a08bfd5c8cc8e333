"""QC figures for pages and the API, over the reviews a user may see."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from csperf.qc.access import reviews_for_user
from csperf.qc.consistency import Recheck, calibration_history, consistency
from csperf.qc.models import DONE_REVIEW, ReviewKind, ReviewStatus

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def consistency_rows(user: User, period: str) -> list[dict[str, Any]]:
    """质检吻合度 per inspector over the period's rechecked inspections."""
    qs = reviews_for_user(user).filter(
        period=period,
        kind=ReviewKind.INSPECTION,
        status__in=DONE_REVIEW,
        recheck_score__isnull=False,
    )
    rechecks = [
        Recheck(
            inspector=r.inspector.username,
            score=Decimal(r.score),
            recheck_score=Decimal(r.recheck_score),
            max_score=Decimal(r.max_score),
            tolerance=r.form.parsed.tolerance,
        )
        for r in qs
    ]
    return [vars(c) for c in consistency(rechecks).values()]


def summary_rows(user: User, period: str, by: str = "agent") -> list[dict[str, Any]]:
    """qc_count, mean score (as % of the maximum), pass rate and fatal errors per agent or team."""
    qs = reviews_for_user(user).filter(
        period=period, kind=ReviewKind.INSPECTION, status__in=DONE_REVIEW
    )
    groups: dict[str, list] = defaultdict(list)
    names: dict[str, str] = {}
    for r in qs:
        key = r.agent.code if by == "agent" else r.team.code
        names[key] = r.agent.name if by == "agent" else r.team.name
        groups[key].append(r)
    out = []
    for key in sorted(groups):
        rows = groups[key]
        n = len(rows)
        out.append(
            {
                "subject": key,
                "name": names[key],
                "count": n,
                "mean": sum(Decimal(r.score) / Decimal(r.max_score) * 100 for r in rows) / n,
                "pass_rate": Decimal(sum(1 for r in rows if r.passed)) / n,
                "fatal": sum(r.fatal_count for r in rows),
            }
        )
    return out


def workload_rows(plan) -> list[dict[str, Any]]:
    """Per inspector: assigned, in progress, submitted (质检量) for one plan.

    Every row has every status (0 when none) and ``done`` = submitted + disputed: a page must not
    fail on an inspector whose reviews are all in one state.
    """
    counts: dict[str, dict[str, int]] = defaultdict(
        lambda: {**dict.fromkeys(ReviewStatus.values, 0), "total": 0}
    )
    for username, status in plan.reviews.filter(kind=ReviewKind.INSPECTION).values_list(
        "inspector__username", "status"
    ):
        counts[username][status] += 1
        counts[username]["total"] += 1
    return [
        {"inspector": k, **v, "done": sum(v[s] for s in DONE_REVIEW)}
        for k, v in sorted(counts.items())
    ]


def calibration_history_rows(user: User, limit: int = 200) -> list[Any]:
    """Each inspector across the closed calibration sessions the user may see, oldest first."""
    from csperf.qc.access import sessions_for_user
    from csperf.qc.actions import calibration_result
    from csperf.qc.models import CalibrationSession

    sessions = sessions_for_user(user).filter(status=CalibrationSession.Status.CLOSED)
    latest = list(sessions.order_by("-created_at", "-id")[:limit])
    results = [r for s in reversed(latest) if (r := calibration_result(s)) is not None]
    return calibration_history(results)
