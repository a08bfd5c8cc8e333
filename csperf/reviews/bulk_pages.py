"""The confirmation page of a bulk step, shared by the team board and the cycle page.

The first POST shows what the step will do and what it will skip (``reviews.bulk.plan``); the
second, with ``confirm`` and a reason, does it to the cards that page listed — never to cards
the person did not see — through ``reviews.bulk.run_bulk``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from csperf.core.errors import ActionError
from csperf.org.readonly import require_may_act
from csperf.reviews import bulk

SHOWN_IN_MESSAGES = 10


def _ids(request: HttpRequest) -> list[int]:
    return [int(x) for x in request.POST.getlist("card") if str(x).isdigit()]


def _page(
    request: HttpRequest,
    plan: bulk.BulkPlan,
    *,
    hidden: list[tuple[str, Any]],
    action_url: str,
    back_url: str,
    error: str = "",
) -> HttpResponse:
    fields = [*hidden, *(("card", c.pk) for c in plan.will), ("confirm", "1")]
    context = {
        "plan": plan,
        "fields": fields,
        "action_url": action_url,
        "back_url": back_url,
        "error": error,
        "reason": request.POST.get("reason", ""),
    }
    return render(request, "reviews/bulk_confirm.html", context, status=422 if error else 200)


def _report(request: HttpRequest, result: bulk.BulkResult) -> None:
    messages.success(request, _("%(n)s cards done.") % {"n": len(result.done)})
    left = [(s.card, s.reason) for s in result.skipped] + result.failed
    for card, why in left[:SHOWN_IN_MESSAGES]:
        messages.warning(request, f"{card.employee.name}: {why}")
    if len(left) > SHOWN_IN_MESSAGES:
        messages.warning(
            request, _("…and %(n)s more not done.") % {"n": len(left) - SHOWN_IN_MESSAGES}
        )


def confirm_or_run(
    request: HttpRequest,
    *,
    step: str,
    cards: QuerySet,
    hidden: list[tuple[str, Any]],
    action_url: str,
    back_url: str,
) -> HttpResponse:
    """Show the plan of ``step`` over ``cards`` (already scoped), or run it once confirmed."""
    require_may_act(request.user)
    cards = cards.select_related("employee", "cycle", "template", "team", "department").order_by(
        "team__code", "employee__code"
    )
    if not request.POST.get("confirm"):
        plan = bulk.plan(request.user, step, cards)
        return _page(request, plan, hidden=hidden, action_url=action_url, back_url=back_url)
    chosen = cards.filter(pk__in=_ids(request))
    try:
        result = bulk.run_bulk(request.user, step, chosen, request.POST.get("reason", ""))
    except ActionError as exc:
        if exc.field != "reason":
            raise
        plan = bulk.plan(request.user, step, chosen)
        return _page(
            request,
            plan,
            hidden=hidden,
            action_url=action_url,
            back_url=back_url,
            error=exc.message,
        )
    _report(request, result)
    return redirect(back_url)
