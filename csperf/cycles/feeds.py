"""QC reviews, survey responses and 奖惩/事件 written to the records store, and the ones that did not
get there.

The QC, survey and events pages keep their own figures in the application database; the cards take
theirs from the records store, which those apps write to after each commit. When a write fails (the store
locked by an import, a full disk), the rows carry the error; the cycle page lists them and
:func:`sync` (the cycle page's button, or ``csperf manage sync_feeds``) writes them again.
"""

from __future__ import annotations

from typing import Any

from csperf.events import feed as events_feed
from csperf.events.models import Event, EventsClosed
from csperf.qc import feed as qc_feed
from csperf.qc.models import Review
from csperf.surveys import feed as survey_feed
from csperf.surveys.models import CallbackPlan, Response


def pending() -> dict[str, int]:
    """How many rows of each feed failed their last write to the store."""
    return {
        "qc_reviews": Review.objects.exclude(feed_error="").count(),
        "survey_responses": Response.objects.exclude(feed_error="").count(),
        "callback_plans": CallbackPlan.objects.exclude(feed_error="").count(),
        "events": Event.objects.exclude(feed_error="").count(),
        "events_closed": EventsClosed.objects.exclude(feed_error="").count(),
    }


def last_error() -> str:
    for model in (Review, Response, CallbackPlan, Event, EventsClosed):
        row = model.objects.exclude(feed_error="").order_by("-pk").only("feed_error").first()
        if row is not None:
            return row.feed_error
    return ""


def sync(*, everything: bool = False) -> dict[str, Any]:
    """Write the failed rows again (or every row, ``everything``); raises the store's error."""
    reviews = Review.objects.all() if everything else Review.objects.exclude(feed_error="")
    responses = Response.objects.all() if everything else Response.objects.exclude(feed_error="")
    plans = (
        CallbackPlan.objects.all() if everything else CallbackPlan.objects.exclude(feed_error="")
    )
    events = Event.objects.all() if everything else Event.objects.exclude(feed_error="")
    closings = (
        EventsClosed.objects.all() if everything else EventsClosed.objects.exclude(feed_error="")
    )
    written_reviews = qc_feed.sync(reviews)
    written_responses, written_plans = survey_feed.sync(responses, plans)
    written_events, written_closings = events_feed.sync(events, closings)
    return {
        "qc_reviews": written_reviews,
        "survey_responses": written_responses,
        "callback_plans": written_plans,
        "events": written_events,
        "events_closed": written_closings,
    }
