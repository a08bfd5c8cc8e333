"""QC pages: the inspector's queue, the form, plans and their draw, disputes, rechecks,
consistency and calibration. Views validate and call qc.actions; they never change rows."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from csperf.core.errors import InvalidInput
from csperf.core.views import action_view
from csperf.org.access import departments_for_user, get_employee_for_user, scope_for
from csperf.qc import actions, reports
from csperf.qc.access import (
    can_inspect,
    get_dispute_for_user,
    get_plan_for_user,
    get_review_for_user,
    get_session_for_user,
    is_inspector_of,
    plans_for_user,
    reviews_for_user,
    sessions_for_user,
)
from csperf.qc.models import Dispute, DisputeStatus, QcForm, ReviewKind, ReviewStatus
from csperf.qc.people import inspectors_of, outside_experts

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def _this_month() -> str:
    return timezone.localdate().strftime("%Y-%m")


@login_required
def index(request: HttpRequest) -> HttpResponse:
    user = request.user
    scope = scope_for(user)
    mine = reviews_for_user(user).filter(inspector=user)
    context = {
        "queue": list(
            mine.filter(status__in=[ReviewStatus.ASSIGNED, ReviewStatus.IN_PROGRESS]).order_by(
                "period", "id"
            )[:500]
        ),
        "done_count": mine.filter(
            status__in=[ReviewStatus.SUBMITTED, ReviewStatus.DISPUTED]
        ).count(),
        "own": list(
            reviews_for_user(user)
            .filter(agent_id=scope.employee_id, kind=ReviewKind.INSPECTION)
            .order_by("-submitted_at")[:100]
        )
        if scope.employee_id
        else [],
        "open_disputes": list(
            Dispute.objects.filter(status=DisputeStatus.OPEN, review__in=reviews_for_user(user))
            .exclude(review__inspector=user)
            .select_related("review__agent")[:100]
        )
        if can_inspect(user)
        else [],
        "plans": list(plans_for_user(user)[:20]) if can_inspect(user) else [],
        "sessions": list(sessions_for_user(user)[:20]),
        "can_inspect": can_inspect(user),
        "period": _this_month(),
    }
    return render(request, "qc/index.html", context)


def _form_rows(review: Any, form: Any) -> list[dict[str, Any]]:
    """The form's sections and items, numbered as error messages name them (第3项 …)."""
    sections, number = [], 0
    for sec in form.sections:
        items = []
        for it in sec.items:
            number += 1
            value = review.answers.get(it.code)
            if it.kind == "bonus" and value in (None, ""):
                value = 0  # a bonus is 0 until scored
            items.append(
                {
                    "item": it,
                    "number": number,
                    "value": value,
                    "comment": review.comments.get(it.code, ""),
                    "options": [str(o) for o in it.options] if it.options else [],
                }
            )
        sections.append({"section": sec, "items": items})
    return sections


def _recheck_choices(user: User, review: Any) -> tuple[list[Any], list[Any]]:
    """(the department's other inspectors, HR and other departments' inspectors): who may be
    given the recheck, so that a department with a single inspector can have one."""
    if not is_inspector_of(user, review.department_id):
        return [], []
    skip = {review.inspector_id, review.agent.user_id}
    own = [u for u in inspectors_of(review.department_id) if u.pk not in skip]
    outside = [u for u in outside_experts(review.department_id) if u.pk not in skip]
    return own, outside


@login_required
def review_page(request: HttpRequest, review_id: int) -> HttpResponse:
    review = get_review_for_user(request.user, review_id)
    form = review.form.parsed
    editable = review.is_open and review.inspector_id == request.user.pk
    sees_detail = (
        review.status in (ReviewStatus.SUBMITTED, ReviewStatus.DISPUTED)
        or editable
        or can_inspect(request.user)
    )
    own, outside = _recheck_choices(request.user, review)
    answered, required = review.progress
    return render(
        request,
        "qc/review.html",
        {
            "review": review,
            "form": form,
            "sections": _form_rows(review, form) if sees_detail else [],
            "editable": editable,
            "in_progress": not review.has_result,
            "answered": answered,
            "required": required,
            "is_agent": review.agent.user_id == request.user.pk,
            "disputes": list(review.disputes.select_related("created_by", "resolved_by")),
            "can_judge": is_inspector_of(request.user, review.department_id)
            and (review.inspector_id != request.user.pk or scope_for(request.user).hr),
            "other_inspectors": own,
            "outside_experts": outside,
            "rechecks": list(review.rechecks.select_related("inspector")),
        },
    )


def _answers_from_post(post: Any) -> tuple[dict[str, Any], dict[str, str]]:
    answers, comments = {}, {}
    for key in post:
        if key.startswith("a:"):
            answers[key[2:]] = post.get(key, "")
        elif key.startswith("c:"):
            comments[key[2:]] = post.get(key, "")
    # unchecked fatal boxes are not posted: every fatal item listed in "fatal_items" is "no" unless ticked
    for code in post.getlist("fatal_items"):
        answers.setdefault(code, "否")
    return answers, comments


@action_view
def save_review(request: HttpRequest, review_id: int) -> HttpResponse:
    review = get_review_for_user(request.user, review_id, log=False)
    answers, comments = _answers_from_post(request.POST)
    actions.save(request.user, review, answers, comments, request.POST.get("summary"))
    if request.POST.get("then") == "submit":
        actions.submit(request.user, review)
        messages.success(request, _("Submitted: %(score)s points.") % {"score": review.score})
        nxt = (
            reviews_for_user(request.user)
            .filter(
                inspector=request.user, status__in=[ReviewStatus.ASSIGNED, ReviewStatus.IN_PROGRESS]
            )
            .order_by("period", "id")
            .first()
        )
        if nxt is not None:
            return redirect("qc:review", nxt.pk)
        return redirect("qc:index")
    messages.success(request, _("Saved."))
    return redirect("qc:review", review.pk)


@action_view
def dispute(request: HttpRequest, review_id: int) -> HttpResponse:
    review = get_review_for_user(request.user, review_id, log=False)
    items = [
        {"item": key[len("dispute:") :], "reason": request.POST[key]}
        for key in request.POST
        if key.startswith("dispute:") and request.POST[key].strip()
    ]
    actions.file_dispute(request.user, review, items)
    messages.success(request, _("Your dispute has been filed."))
    return redirect("qc:review", review.pk)


@action_view
def resolve(request: HttpRequest, dispute_id: int) -> HttpResponse:
    d = get_dispute_for_user(request.user, dispute_id)
    actions.resolve_dispute(
        request.user,
        d,
        accept=request.POST.get("decision") == "accept",
        resolution=request.POST.get("resolution", ""),
        new_value=request.POST.get("new_value") or None,
    )
    messages.success(request, _("The dispute has been decided."))
    return redirect("qc:review", d.review_id)


def _user(pk: Any):
    try:
        return get_user_model().objects.get(pk=int(pk))
    except (ValueError, TypeError, get_user_model().DoesNotExist):
        raise InvalidInput(_("Choose an inspector."), field="inspector") from None


@action_view
def recheck(request: HttpRequest, review_id: int) -> HttpResponse:
    review = get_review_for_user(request.user, review_id, log=False)
    rc = actions.request_recheck(request.user, review, _user(request.POST.get("inspector")))
    messages.success(request, _("Recheck assigned to %(u)s.") % {"u": rc.inspector.username})
    return redirect("qc:review", review.pk)


@login_required
def plans(request: HttpRequest) -> HttpResponse:
    if not can_inspect(request.user) and not scope_for(request.user).sees_everything:
        raise Http404("no plans")
    actions.ensure_builtin_forms()
    if request.method == "POST":
        try:
            dept = (
                departments_for_user(request.user)
                .filter(pk=request.POST.get("department") or 0)
                .first()
            )
            if dept is None:
                raise InvalidInput(_("Choose a department."), field="department")
            form = QcForm.objects.filter(pk=request.POST.get("form") or 0).first()
            if form is None:
                raise InvalidInput(_("Choose a QC form."), field="form")
            params: dict[str, Any] = {
                "mode": request.POST.get("mode", "count"),
                "count": request.POST.get("count") or None,
                "share": request.POST.get("share") or None,
                "minimum": request.POST.get("minimum") or None,
                "maximum": request.POST.get("maximum") or None,
                "stratify": request.POST.get("stratify", ""),
                "seed": request.POST.get("seed") or request.POST.get("period", ""),
            }
            unrated = (request.POST.get("unrated_share") or "").strip()
            if unrated:
                params["rules"] = [
                    {"match": {"rated": False}, "share": unrated, "label": _("not rated")}
                ]
            plan = actions.create_plan(
                request.user,
                name=request.POST.get("name", ""),
                period=request.POST.get("period", ""),
                department=dept,
                form=form,
                params={k: v for k, v in params.items() if v not in (None, "")},
                source=request.POST.get("source", "calls"),
            )
        except InvalidInput as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Plan created."))
            return redirect("qc:plan", plan.pk)
    return render(
        request,
        "qc/plans.html",
        {
            "plans": plans_for_user(request.user),
            "forms": QcForm.objects.all(),
            "departments": [
                d for d in departments_for_user(request.user) if is_inspector_of(request.user, d.pk)
            ],
            "period": _this_month(),
        },
    )


@login_required
def plan_page(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, plan_id)
    return render(
        request,
        "qc/plan.html",
        {
            "plan": plan,
            "workload": reports.workload_rows(plan),
            # Through the review access helper: a manager sees finished reviews only.
            "reviews": reviews_for_user(request.user)
            .filter(plan=plan, kind=ReviewKind.INSPECTION)
            .select_related("agent", "inspector")[:1000],
            "can_draw": is_inspector_of(request.user, plan.department_id),
        },
    )


@action_view
def draw(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, plan_id)
    made = actions.draw(request.user, plan)
    messages.success(request, _("%(n)s interactions drawn and assigned.") % {"n": len(made)})
    return redirect("qc:plan", plan.pk)


@action_view
def recheck_sample(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, plan_id)
    try:
        share = Decimal((request.POST.get("share") or "").strip().rstrip("%")) / (
            100 if (request.POST.get("share") or "").strip().endswith("%") else 1
        )
    except InvalidOperation:
        raise InvalidInput(
            _("The share must be a number such as 0.1 or 10%."), field="share"
        ) from None
    made = actions.recheck_sample(
        request.user, plan.period, plan.department, share, seed=f"recheck-{plan.pk}"
    )
    messages.success(request, _("%(n)s rechecks assigned.") % {"n": len(made)})
    return redirect("qc:plan", plan.pk)


@login_required
def consistency_page(request: HttpRequest) -> HttpResponse:
    period = request.GET.get("period") or _this_month()
    by = "team" if request.GET.get("by") == "team" else "agent"
    return render(
        request,
        "qc/consistency.html",
        {
            "period": period,
            "by": by,
            "rows": reports.consistency_rows(request.user, period),
            "summary": reports.summary_rows(request.user, period, by),
            "sessions": sessions_for_user(request.user).filter(period=period),
            "calibration_history": reports.calibration_history_rows(request.user),
        },
    )


@login_required
def calibration_new(request: HttpRequest) -> HttpResponse:
    if not can_inspect(request.user):
        raise Http404("not an inspector")
    actions.ensure_builtin_forms()
    if request.method == "POST":
        try:
            form = QcForm.objects.filter(pk=request.POST.get("form") or 0).first()
            if form is None:
                raise InvalidInput(_("Choose a QC form."), field="form")
            try:
                agent = get_employee_for_user(request.user, int(request.POST.get("agent") or 0))
            except (Http404, ValueError):
                raise InvalidInput(_("Choose the agent."), field="agent") from None
            s = actions.create_calibration(
                request.user,
                title=request.POST.get("title", ""),
                period=request.POST.get("period", ""),
                form=form,
                agent=agent,
                interaction_id=request.POST.get("interaction_id", ""),
                expert=_user(request.POST.get("expert")),
                inspectors=[_user(x) for x in request.POST.getlist("inspectors")],
                recording_url=request.POST.get("recording_url", ""),
                transcript_url=request.POST.get("transcript_url", ""),
            )
        except InvalidInput as exc:
            messages.error(request, exc.message)
        else:
            return redirect("qc:calibration", s.pk)
    from csperf.org.access import employees_for_user

    scope = scope_for(request.user)
    inspectors = (
        get_user_model()
        .objects.filter(
            memberships__role="inspector",
            memberships__department_id__in=scope.inspected_department_ids or [0],
        )
        .distinct()
        if not scope.hr
        else get_user_model().objects.filter(memberships__role="inspector").distinct()
    )
    return render(
        request,
        "qc/calibration_new.html",
        {
            "forms": QcForm.objects.all(),
            "agents": employees_for_user(request.user)[:500],
            "inspectors": inspectors,
            "period": _this_month(),
        },
    )


@login_required
def calibration_page(request: HttpRequest, session_id: int) -> HttpResponse:
    s = get_session_for_user(request.user, session_id)
    entries = list(s.reviews.select_related("inspector"))
    result = actions.calibration_result(s)
    return render(
        request,
        "qc/calibration.html",
        {
            "s": s,
            "entries": entries,
            "result": result,
            "mine": next((e for e in entries if e.inspector_id == request.user.pk), None),
            "can_close": is_inspector_of(request.user, s.department_id),
        },
    )


@action_view
def calibration_close(request: HttpRequest, session_id: int) -> HttpResponse:
    s = get_session_for_user(request.user, session_id)
    actions.close_calibration(request.user, s)
    messages.success(request, _("Session closed."))
    return redirect("qc:calibration", s.pk)


@login_required
def form_page(request: HttpRequest, form_id: int) -> HttpResponse:
    if not (scope_for(request.user).is_staff_role or scope_for(request.user).employee_id):
        raise Http404("no such form")
    f = QcForm.objects.filter(pk=form_id).first()
    if f is None:
        raise Http404("no such form")
    return render(request, "qc/form.html", {"f": f, "form": f.parsed})
