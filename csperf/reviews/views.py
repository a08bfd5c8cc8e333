"""Card pages: the scorecard with its rating columns, workflow buttons, appeals and history."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from csperf.core.errors import InvalidInput
from csperf.core.models import AuditEvent
from csperf.core.pages import parts_for
from csperf.core.views import action_view
from csperf.reviews import actions, rating_form, workflow
from csperf.reviews.access import (
    get_card_for_user,
    get_evidence_for_user,
)
from csperf.reviews.presenters import appeal_preview, appeal_view, card_detail
from csperf.reviews.printed import CONTENT_TYPE, card_xlsx
from csperf.reviews.transitions import run_step


@login_required
def card_page(request: HttpRequest, card_id: int) -> HttpResponse:
    card = get_card_for_user(request.user, card_id)
    view = card_detail(request.user, card)
    template = card.template.parsed
    appeals = [
        appeal_view(request.user, a, template)
        for a in card.appeals.prefetch_related("items").select_related(
            "created_by", "resolved_by", "rater_resolved_by"
        )
    ]
    # Who would answer an appeal of each item, shown on the appeal form.
    desks = appeal_preview(card) if "appeal" in view["actions"] else []
    roles_for_reopen = [{"role": r, "label": workflow.ROLE_LABELS.get(r, r)} for r in card.chain]
    return render(
        request,
        "reviews/card.html",
        {
            **view,
            "appeals": appeals,
            "appeal_desks": desks,
            "reopen_roles": roles_for_reopen,
            # the improvement plans of a failing card (csperf.board.parts), the card's
            # history in words (csperf.reports.parts)
            **parts_for("reviews.card", request, card),
        },
    )


@action_view
def save_ratings(request: HttpRequest, card_id: int) -> HttpResponse:
    card = get_card_for_user(request.user, card_id, log=False)
    entries = rating_form.posted_entries(request.POST)
    actions.save_ratings(request.user, card, entries)
    messages.success(request, _("Ratings saved."))
    if request.POST.get("then") == "submit":
        run_step(request.user, card, "submit", reason=request.POST.get("reason", ""))
        messages.success(request, _("Submitted."))
    return redirect("reviews:card", card.pk)


@action_view
def step(request: HttpRequest, card_id: int) -> HttpResponse:
    card = get_card_for_user(request.user, card_id, log=False)
    run_step(
        request.user,
        card,
        request.POST.get("step", ""),
        reason=request.POST.get("reason", ""),
        to_role=request.POST.get("to_role") or None,
    )
    messages.success(request, _("Done: %(status)s.") % {"status": card.get_status_display()})
    return redirect("reviews:card", card.pk)


@action_view
def appeal(request: HttpRequest, card_id: int) -> HttpResponse:
    card = get_card_for_user(request.user, card_id, log=False)
    items = [
        {"item": key.split(":", 1)[1], "reason": request.POST[key]}
        for key in request.POST
        if key.startswith("appeal:") and request.POST[key].strip()
    ]
    actions.file_appeal(request.user, card, items, request.POST.get("reason", ""))
    messages.success(request, _("Your appeal has been filed."))
    return redirect("reviews:card", card.pk)


@action_view
def upload_evidence(request: HttpRequest, card_id: int) -> HttpResponse:
    card = get_card_for_user(request.user, card_id, log=False)
    upload = request.FILES.get("file")
    if upload is None:
        raise InvalidInput(_("Choose a file."), field="file")
    actions.add_evidence(request.user, card, request.POST.get("item", ""), upload)
    messages.success(request, _("File attached."))
    return redirect("reviews:card", card.pk)


@login_required
def download_evidence(request: HttpRequest, evidence_id: int) -> HttpResponse:
    ev = get_evidence_for_user(request.user, evidence_id)
    return FileResponse(ev.file.open("rb"), as_attachment=True, filename=ev.name)


@login_required
def export_card(request: HttpRequest, card_id: int) -> HttpResponse:
    """The card as the CLI's printable workbook (评分标准, rater columns, signature lines with
    dates, print setup), holding only what the card page shows this user."""
    card = get_card_for_user(request.user, card_id, purpose=AuditEvent.Kind.EXPORT)
    response = HttpResponse(card_xlsx(card_detail(request.user, card)), content_type=CONTENT_TYPE)
    response["Content-Disposition"] = (
        f'attachment; filename="card-{card.pk}-{card.cycle.period}.xlsx"'
    )
    return response
