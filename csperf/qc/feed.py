"""QC results into the records store, so the indicator engine computes qc_score_mean,
qc_pass_rate, fatal_errors, qc_count and qc_consistency from them like from imported rows.

Each submitted inspection becomes one ``qc_reviews`` row keyed ``QC<id>`` (written again, i.e.
replaced, when a dispute or a recheck changes it). The store is not the web database, so the write
happens after the database commit; a failure is kept on the review (``feed_error``) and
:func:`sync_period` writes a whole period again (idempotent: rows are replaced by key).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from decimal import Decimal

import pyarrow as pa
from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from csperf.qc.models import DONE_REVIEW, Review, ReviewKind

log = logging.getLogger("csperf.qc")

DEC = pa.decimal128(18, 3)


def _employee_code(user) -> str | None:
    emp = getattr(user, "employee", None) if user is not None else None
    try:
        return emp.code if emp else None
    except Exception:  # RelatedObjectDoesNotExist: a login without an employee record
        return None


def placed_at(r: Review, tz) -> dt.datetime:
    """When the row counts: the submission (local wall-clock time, as the store keeps it), moved
    into the review's period when it falls outside, so a March sample inspected on 2 April
    counts for March's cards."""
    from csperf.kernel.periods import parse_period

    at = timezone.localtime(r.submitted_at or timezone.now(), tz).replace(
        tzinfo=None, microsecond=0
    )
    p = parse_period(r.period, 1)
    if at < p.start_ts:
        return p.start_ts
    if at >= p.end_ts:
        return p.end_ts - dt.timedelta(seconds=1)
    return at


def rows_for(reviews: Iterable[Review]) -> pa.Table:
    cols: dict[str, list] = {
        k: []
        for k in (
            "review_id",
            "interaction_id",
            "agent_id",
            "inspector_id",
            "reviewed_at",
            "score",
            "max_score",
            "fatal",
            "recheck_score",
            "kind",
            "origin",
        )
    }
    tz = timezone.get_current_timezone()
    for r in reviews:
        cols["review_id"].append(r.record_id)
        cols["interaction_id"].append(r.interaction_id)
        cols["agent_id"].append(r.agent.code)
        cols["inspector_id"].append(_employee_code(r.inspector))
        cols["reviewed_at"].append(placed_at(r, tz))
        cols["score"].append(Decimal(r.score))
        cols["max_score"].append(Decimal(r.max_score))
        cols["fatal"].append(r.fatal_count > 0)
        cols["recheck_score"].append(None if r.recheck_score is None else Decimal(r.recheck_score))
        cols["kind"].append("review")
        cols["origin"].append("internal")
    return pa.table(
        {
            "review_id": pa.array(cols["review_id"], pa.string()),
            "interaction_id": pa.array(cols["interaction_id"], pa.string()),
            "agent_id": pa.array(cols["agent_id"], pa.string()),
            "inspector_id": pa.array(cols["inspector_id"], pa.string()),
            "reviewed_at": pa.array(cols["reviewed_at"], pa.timestamp("us")),
            "score": pa.array(cols["score"], DEC),
            "max_score": pa.array(cols["max_score"], DEC),
            "fatal": pa.array(cols["fatal"], pa.bool_()),
            "recheck_score": pa.array(cols["recheck_score"], DEC),
            "kind": pa.array(cols["kind"], pa.string()),
            "origin": pa.array(cols["origin"], pa.string()),
        }
    )


def write(reviews: list[Review]) -> int:
    """Write the rows now; raises the store's error."""
    from csperf.ingest.importer import write_typed
    from csperf.ingest.schema import QC_REVIEWS
    from csperf.ingest.store import open_store

    reviews = [r for r in reviews if r.kind == ReviewKind.INSPECTION and r.status in DONE_REVIEW]
    if not reviews:
        return 0
    with open_store(settings.DATA_DIR) as store:
        write_typed(store, QC_REVIEWS, [rows_for(reviews)], source="csperf.qc")
    return len(reviews)


def push_on_commit(review_ids: list[int]) -> None:
    """After the current transaction commits, write these reviews to the store."""

    def run() -> None:
        qs = Review.objects.filter(pk__in=review_ids).select_related("agent", "inspector__employee")
        reviews = list(qs)
        try:
            write(reviews)
        except Exception as exc:  # the store is down or locked: keep the reason, retry by sync
            log.warning("qc: writing %s reviews to the records store failed: %s", len(reviews), exc)
            Review.objects.filter(pk__in=review_ids).update(feed_error=str(exc)[:2000])
        else:
            Review.objects.filter(pk__in=review_ids).exclude(feed_error="").update(feed_error="")

    transaction.on_commit(run)


def sync(qs: QuerySet[Review]) -> int:
    """Write every submitted inspection of ``qs`` again (e.g. one period)."""
    reviews = list(
        qs.filter(kind=ReviewKind.INSPECTION, status__in=DONE_REVIEW).select_related(
            "agent", "inspector__employee"
        )
    )
    n = write(reviews)
    Review.objects.filter(pk__in=[r.pk for r in reviews]).update(feed_error="")
    return n
