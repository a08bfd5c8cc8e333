"""Survey responses and callback plans into the records store, so the indicator engine computes
csat_mean, csat_top2, nps, the dealer CS index and callback_rate from them.

Each person a response counts for becomes one ``surveys`` row keyed
``<survey>:<response>:<role>:<employee>`` with that person's ``cs_score``; a callback plan becomes
a ``plans`` row (plan_code ``callbacks``, org_unit the employee code, actual = callbacks done).
Team-shared scores (车间) stay in csperf's own figures: the store's rows are about employees.
Writes happen after the database commit and are idempotent (rows are replaced by key).
"""

from __future__ import annotations

import json
import logging
from decimal import Decimal

import pyarrow as pa
from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from csperf.surveys.models import CallbackPlan, Credit, Response, ResponseStatus

log = logging.getLogger("csperf.surveys")
DEC = pa.decimal128(18, 3)
STORE_KIND = {
    "dealer": "callback",
    "csat": "csat",
    "nps": "nps",
    "callback": "callback",
    "collaboration": "collaboration",
}


def survey_rows(responses: list[Response]) -> pa.Table:
    out: dict[str, list] = {
        k: []
        for k in (
            "survey_id",
            "kind",
            "agent_id",
            "interaction_id",
            "customer_id",
            "surveyed_at",
            "status",
            "score",
            "nps",
            "answers",
            "cs_score",
        )
    }
    tz = timezone.get_current_timezone()
    for r in responses:
        sdef = r.survey.parsed
        for c in r.credits.all():
            if c.employee_id is None:
                continue
            qs = [q.code for q in sdef.questions if q.role == c.role]
            out["survey_id"].append(f"{r.survey.code}:{r.response_id}:{c.role}:{c.employee.code}")
            out["kind"].append(STORE_KIND.get(sdef.kind, "csat"))
            out["agent_id"].append(c.employee.code)
            out["interaction_id"].append(r.interaction_id or None)
            out["customer_id"].append(r.customer_id or None)
            out["surveyed_at"].append(
                timezone.localtime(r.surveyed_at, tz).replace(tzinfo=None, microsecond=0)
            )
            out["status"].append(r.status)
            out["score"].append(None if r.rating is None else Decimal(r.rating))
            out["nps"].append(r.nps)
            out["answers"].append(
                json.dumps({k: float(r.scores[k]) for k in qs if k in r.scores}, ensure_ascii=False)
                or None
            )
            out["cs_score"].append(
                None if c.cs is None else Decimal(c.cs).quantize(Decimal("0.001"))
            )
    return pa.table(
        {
            "survey_id": pa.array(out["survey_id"], pa.string()),
            "kind": pa.array(out["kind"], pa.string()),
            "agent_id": pa.array(out["agent_id"], pa.string()),
            "interaction_id": pa.array(out["interaction_id"], pa.string()),
            "customer_id": pa.array(out["customer_id"], pa.string()),
            "surveyed_at": pa.array(out["surveyed_at"], pa.timestamp("us")),
            "status": pa.array(out["status"], pa.string()),
            "score": pa.array(out["score"], DEC),
            "nps": pa.array(out["nps"], pa.int64()),
            "answers": pa.array(out["answers"], pa.string()),
            "cs_score": pa.array(out["cs_score"], DEC),
        }
    )


def write_responses(response_ids: list[int]) -> int:
    from csperf.ingest.importer import write_typed
    from csperf.ingest.schema import SURVEYS
    from csperf.ingest.store import open_store

    responses = list(
        Response.objects.filter(pk__in=response_ids)
        .select_related("survey")
        .prefetch_related("credits__employee")
    )
    tbl = survey_rows(responses)
    if tbl.num_rows == 0:
        return 0
    with open_store(settings.DATA_DIR) as store:
        write_typed(store, SURVEYS, [tbl], source="csperf.surveys")
    return tbl.num_rows


def done_count(plan: CallbackPlan) -> int:
    """Successful callbacks of the plan's employee in its month (回访完成数)."""
    from csperf.kernel.periods import parse_period

    p = parse_period(plan.period, 1)
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(p.start_ts, tz)
    end = timezone.make_aware(p.end_ts, tz)
    return (
        Credit.objects.filter(
            employee_id=plan.employee_id,
            response__survey_id=plan.survey_id,
            response__status=ResponseStatus.COMPLETED,
            response__surveyed_at__gte=start,
            response__surveyed_at__lt=end,
        )
        .values("response_id")
        .distinct()
        .count()
    )


def write_plans(survey_id: int, period: str) -> int:
    from csperf.ingest.importer import write_typed
    from csperf.ingest.schema import PLANS
    from csperf.ingest.store import open_store
    from csperf.kernel.periods import parse_period

    plans = list(
        CallbackPlan.objects.filter(survey_id=survey_id, period=period).select_related(
            "employee", "survey"
        )
    )
    if not plans:
        return 0
    p = parse_period(period, 1)
    tbl = pa.table(
        {
            "org_unit": pa.array([x.employee.code for x in plans], pa.string()),
            "period": pa.array([period] * len(plans), pa.string()),
            "plan_code": pa.array([f"callbacks:{x.survey.code}" for x in plans], pa.string()),
            "planned": pa.array([Decimal(x.planned) for x in plans], DEC),
            "actual": pa.array([Decimal(done_count(x)) for x in plans], DEC),
            "period_start": pa.array([p.start] * len(plans), pa.date32()),
            "period_end": pa.array(
                [p.end] * len(plans), pa.date32()
            ),  # exclusive, as the import stores it
        }
    )
    with open_store(settings.DATA_DIR) as store:
        write_typed(store, PLANS, [tbl], source="csperf.surveys")
    return len(plans)


def _write_responses_noting(response_ids: list[int]) -> None:
    try:
        write_responses(response_ids)
    except Exception as exc:  # the store is down or locked: keep the reason; sync_feeds retries
        log.warning("surveys: writing responses to the records store failed: %s", exc)
        Response.objects.filter(pk__in=response_ids).update(feed_error=str(exc)[:2000])
    else:
        Response.objects.filter(pk__in=response_ids).exclude(feed_error="").update(feed_error="")


def _write_plans_noting(survey_id: int, period: str) -> None:
    plans = CallbackPlan.objects.filter(survey_id=survey_id, period=period)
    try:
        write_plans(survey_id, period)
    except Exception as exc:
        log.warning("surveys: writing callback plans to the records store failed: %s", exc)
        plans.update(feed_error=str(exc)[:2000])
    else:
        plans.exclude(feed_error="").update(feed_error="")


def push_on_commit(response_ids: list[int]) -> None:
    def run() -> None:
        _write_responses_noting(response_ids)
        pairs = set(
            CallbackPlan.objects.filter(survey__responses__pk__in=response_ids)
            .values_list("survey_id", "period")
            .distinct()
        )
        for sid, period in pairs:
            _write_plans_noting(sid, period)

    transaction.on_commit(run)


def push_plans_on_commit(survey_id: int, period: str) -> None:
    transaction.on_commit(lambda: _write_plans_noting(survey_id, period))


def sync(responses: QuerySet[Response], plans: QuerySet[CallbackPlan]) -> tuple[int, int]:
    """Write these responses and plans again; raises the store's error (nothing is cleared then)."""
    ids = list(responses.values_list("pk", flat=True))
    n = 0
    for i in range(0, len(ids), 5000):
        n += write_responses(ids[i : i + 5000])
    pairs = sorted(set(plans.values_list("survey_id", "period")))
    p = sum(write_plans(sid, period) for sid, period in pairs)
    Response.objects.filter(pk__in=ids).exclude(feed_error="").update(feed_error="")
    CallbackPlan.objects.filter(pk__in=list(plans.values_list("pk", flat=True))).exclude(
        feed_error=""
    ).update(feed_error="")
    return n, p
