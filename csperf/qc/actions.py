"""Every QC step, written once: check the move, lock the row, save, audit.

Pages and API endpoints fetch objects through ``qc.access`` and call these functions.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from csperf.core import audit, locking
from csperf.core.errors import InvalidInput, InvalidTransition, NotAllowed
from csperf.kernel.periods import PeriodError, parse_period
from csperf.org.access import scope_for
from csperf.org.models import Employee
from csperf.qc import feed
from csperf.qc.access import can_inspect, is_inspector_of
from csperf.qc.consistency import calibrate
from csperf.qc.engine import AnswerError, FormError, item_differences, load_form, score_review
from csperf.qc.messages import answer_problem, missing_items
from csperf.qc.models import (
    CalibrationSession,
    Dispute,
    DisputeStatus,
    PlanStatus,
    QcForm,
    Review,
    ReviewKind,
    ReviewStatus,
    SamplingPlan,
)
from csperf.qc.people import inspectors_of, outside_experts
from csperf.qc.population import safe_link
from csperf.qc.sampling import (
    Inspector,
    Interaction,
    PlanError,
    assign,
    draw_sample,
    plan_from_dict,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User

DISPUTE_DAYS = 7  # an agent may dispute a review this many days after it was submitted


# -- helpers ---------------------------------------------------------------------------------


def _locked(review: Review) -> AbstractContextManager[Review]:
    """The review re-read under a row lock, inside a transaction (``core.locking``)."""
    return locking.locked(review, related=("form", "agent", "inspector", "parent"))


def _period(label: str) -> str:
    try:
        return parse_period(label.strip(), 1).label
    except (PeriodError, ValueError, AttributeError):  # ValueError: a year no date has (0000)
        raise InvalidInput(
            _("%(p)s is not a period (2026-03, 2026-Q1 …).") % {"p": label}, field="period"
        ) from None


def _require_inspector(actor: User, department_id: int) -> None:
    if not is_inspector_of(actor, department_id):
        raise NotAllowed(_("Only the department's QC inspectors or HR may do this."))


def _placement(agent: Employee, day=None):
    p = agent.placement_on(day or timezone.localdate())
    if p is None:
        p = agent.assignments.select_related("team__department").order_by("start").first()
    if p is None:
        raise InvalidInput(_("%(emp)s has no team.") % {"emp": agent}, field="agent")
    return p


def _form_errors(exc: Exception) -> InvalidInput:
    return InvalidInput(str(exc), field="source")


# -- forms -----------------------------------------------------------------------------------


def add_form(actor: User, text: str, *, source: str = "form.yaml") -> QcForm:
    """Store a new form or a new version of one. A version is never changed once stored."""
    if not scope_for(actor).hr and not scope_for(actor).inspected_department_ids:
        raise NotAllowed(_("Only HR or QC inspectors may add QC forms."))
    try:
        form = load_form(text, source=source)
    except FormError as exc:
        raise _form_errors(exc) from None
    with transaction.atomic():
        existing = (
            QcForm.objects.select_for_update().filter(code=form.code).order_by("-version").first()
        )
        if existing is not None:
            same = QcForm.objects.filter(code=form.code, version=form.version).first()
            if same is not None:
                if same.source == text:
                    return same
                raise InvalidInput(
                    _("%(code)s v%(v)s already exists with other content: raise the version.")
                    % {"code": form.code, "v": form.version},
                    field="source",
                )
            if form.version < existing.version:
                raise InvalidInput(
                    _("%(code)s is already at version %(v)s.")
                    % {"code": form.code, "v": existing.version},
                    field="source",
                )
        obj = QcForm.objects.create(
            code=form.code,
            version=form.version,
            name=form.name,
            channel=form.channel,
            source=text,
            created_by=actor,
        )
        audit.record(actor, "add_qc_form", obj, new={"code": form.code, "version": form.version})
    return obj


def ensure_builtin_forms(actor: User | None = None) -> list[QcForm]:
    """The built-in forms, stored on first use (no permission needed: they ship with csperf)."""
    from csperf.qc.forms import builtin_codes, builtin_text, load_builtin

    out = []
    for code in builtin_codes():
        f = load_builtin(code)
        obj = QcForm.objects.filter(code=f.code, version=f.version).first()
        if obj is None:
            try:
                obj = QcForm.objects.create(
                    code=f.code,
                    version=f.version,
                    name=f.name,
                    channel=f.channel,
                    source=builtin_text(code),
                )
            except IntegrityError:  # created meanwhile by another request
                obj = QcForm.objects.get(code=f.code, version=f.version)
        out.append(obj)
    return out


# -- sampling plans --------------------------------------------------------------------------


def create_plan(
    actor: User,
    *,
    name: str,
    period: str,
    department: Any,
    form: QcForm,
    params: dict,
    source: str = "calls",
) -> SamplingPlan:
    _require_inspector(actor, department.pk)
    label = _period(period)
    if not (name or "").strip():
        raise InvalidInput(_("The name is required."), field="name")
    if source not in SamplingPlan.Source.values:
        raise InvalidInput(_("Unknown interaction source %(s)s.") % {"s": source}, field="source")
    try:
        plan_from_dict(params)
    except PlanError as exc:
        raise InvalidInput(str(exc), field=f"params.{str(exc).split(':', 1)[0]}") from None
    with transaction.atomic():
        plan = SamplingPlan.objects.create(
            name=name.strip(),
            period=label,
            department=department,
            form=form,
            source=source,
            params=params,
            created_by=actor,
        )
        audit.record(
            actor,
            "create_qc_plan",
            plan,
            new={"period": label, "params": params, "form": str(form)},
        )
    return plan


def draw(
    actor: User,
    plan: SamplingPlan,
    *,
    interactions: Sequence[Interaction] | None = None,
    inspectors: Sequence[Any] | None = None,
    capacities: dict[int, int] | None = None,
) -> list[Review]:
    """Draw the plan's sample and assign it to the department's inspectors (or ``inspectors``).

    ``interactions`` defaults to the period's answered calls (or tickets) in the records store.
    Agents are the department's employees placed there at the end of the period.
    """
    _require_inspector(actor, plan.department_id)
    if plan.status != PlanStatus.DRAFT:
        raise InvalidTransition(_("The sample of this plan has already been drawn."))
    period = parse_period(plan.period, 1)
    agents = {
        e.code: e
        for e in Employee.objects.filter(
            assignments__team__department_id=plan.department_id, assignments__start__lte=period.last
        ).distinct()
        if (p := e.placement_on(period.last)) is not None
        and p.team.department_id == plan.department_id
    }
    if interactions is None:
        from csperf.qc.population import from_store

        try:
            interactions = from_store(plan.source, plan.period, agents)
        except Exception as exc:  # the store is missing or unreadable: say so, store nothing
            raise InvalidInput(
                _("Cannot read the interactions: %(err)s") % {"err": exc}, field="source"
            ) from None
    interactions = [i for i in interactions if i.agent in agents]
    if not interactions:
        raise InvalidInput(
            _("No interactions of the department's agents in %(p)s to sample from.")
            % {"p": plan.period},
            field="source",
        )
    users = list(inspectors) if inspectors is not None else inspectors_of(plan.department_id)
    if not users:
        raise InvalidInput(
            _("The department has no QC inspector to assign the sample to."), field="inspectors"
        )
    pool = _inspector_pool(users, plan.period, capacities or {})
    try:
        picks = draw_sample(plan_from_dict(plan.params), interactions)
        assignment = assign(picks, pool)
    except PlanError as exc:
        raise InvalidInput(str(exc), field="params") from None
    by_id = {str(u.pk): u for u in users}
    created = []
    with transaction.atomic():
        locked = locking.lock(plan)
        if locked.status != PlanStatus.DRAFT:
            raise InvalidTransition(_("The sample of this plan has already been drawn."))
        for agent_code in sorted(picks):
            emp = agents[agent_code]
            place = _placement(emp, period.last)
            created += [
                _sampled(plan, p, emp, place, by_id[assignment[p.interaction.id]])
                for p in picks[agent_code]
            ]
        Review.objects.bulk_create(created)
        locked.status = PlanStatus.DRAWN
        locked.drawn_at = timezone.now()
        locked.save(update_fields=["status", "drawn_at"])
        load = defaultdict(int)
        for r in created:
            load[r.inspector.username] += 1
        audit.record(
            actor,
            "draw_qc_sample",
            locked,
            field="status",
            old=PlanStatus.DRAFT,
            new=PlanStatus.DRAWN,
            reason=f"{len(created)} interactions; "
            + ", ".join(f"{k}: {v}" for k, v in sorted(load.items())),
        )
    plan.refresh_from_db()
    return created


def _inspector_pool(users: Sequence[Any], period: str, caps: dict[int, int]) -> list[Inspector]:
    """The inspectors with their capacity, their load this period and their own agent code."""
    current = defaultdict(int)
    for uid in Review.objects.filter(period=period, inspector__in=users).values_list(
        "inspector_id", flat=True
    ):
        current[uid] += 1
    own_code = {u.pk: _user_employee_code(u) for u in users}
    return [
        Inspector(
            id=str(u.pk),
            capacity=caps.get(u.pk, 0),
            load=current[u.pk],
            exclude_agents=frozenset({own_code[u.pk]} if own_code[u.pk] else ()),
        )
        for u in users
    ]


def _sampled(plan: SamplingPlan, pick: Any, agent: Employee, place: Any, inspector: Any) -> Review:
    """The (unsaved) review of one drawn interaction; its recording and transcript become links."""
    it = pick.interaction
    attrs = dict(it.attrs)
    links = {k: safe_link(attrs.pop(k, "")) for k in ("recording_url", "transcript_url")}
    return Review(
        kind=ReviewKind.INSPECTION,
        plan=plan,
        form=plan.form,
        period=plan.period,
        interaction_id=it.id,
        interaction={"queue": it.queue, "channel": it.channel, "rated": it.rated, **attrs},
        **links,
        pick_reason=pick.reason[:200],
        agent=agent,
        team=place.team,
        department=place.team.department,
        inspector=inspector,
    )


def _user_employee_code(user: User) -> str | None:
    code = Employee.objects.filter(user=user).values_list("code", flat=True).first()
    return code


def reassign(actor: User, review: Review, inspector: Any, reason: str = "") -> Review:
    _require_inspector(actor, review.department_id)
    if not is_inspector_of(inspector, review.department_id):
        raise InvalidInput(
            _("%(u)s is not a QC inspector of this department.") % {"u": inspector},
            field="inspector",
        )
    with _locked(review) as r:
        if not r.is_open:
            raise InvalidTransition(_("Only reviews not yet submitted can be reassigned."))
        if r.agent.user_id == inspector.pk:
            raise InvalidInput(_("Nobody inspects their own interactions."), field="inspector")
        old = r.inspector.username
        r.inspector = inspector
        r.save(update_fields=["inspector", "updated_at"])
        audit.record(
            actor,
            "reassign_qc",
            r,
            field="inspector",
            old=old,
            new=inspector.username,
            reason=reason,
        )
    return review


# -- the inspector's work --------------------------------------------------------------------


def _clean_answers(answers: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for k, v in answers.items():
        if isinstance(v, Decimal):
            v = str(v)
        if isinstance(v, str):
            v = v.strip()
        out[str(k)] = v
    return out


def _apply_result(r: Review, result) -> None:
    # A draft with items still to score has no total and no verdict: the answered items alone
    # would show 100.00 合格 after the first one.
    r.score = result.score if result.complete else None
    r.max_score = result.max_score
    r.fatal_count = result.fatal_count
    r.passed = result.passed if result.complete else None


def save(
    actor: User,
    review: Review,
    answers: dict[str, Any],
    comments: dict[str, str] | None = None,
    summary: str | None = None,
) -> Review:
    """Save the inspector's answers as a draft (partial answers allowed; values are checked)."""
    with _locked(review) as r:
        if r.inspector_id != actor.pk:
            raise NotAllowed(_("This review is assigned to someone else."))
        if not r.is_open:
            raise InvalidTransition(_("The review has been submitted."))
        merged = {**r.answers, **_clean_answers(answers)}
        try:
            result = score_review(r.form.parsed, merged, complete=False)
        except AnswerError as exc:
            p = exc.problems[0]
            raise InvalidInput(answer_problem(p), field=p.path) from None
        old = {"answers": r.answers, "score": r.score}
        r.answers = merged
        if comments is not None:
            r.comments = {
                k: v.strip() for k, v in {**r.comments, **comments}.items() if v and v.strip()
            }
        if summary is not None:
            r.summary = summary.strip()
        _apply_result(r, result)
        r.status = ReviewStatus.IN_PROGRESS
        r.save()
        audit.record(
            actor, "save_qc", r, field="answers", old=old, new={"answers": merged, "score": r.score}
        )
    return review


def submit(actor: User, review: Review) -> Review:
    """Submit: every item answered; the result is final (the agent sees it and may dispute).

    A submitted recheck stores its score on the reviewed inspection (recheck_score), which feeds
    the first inspector's consistency.
    """
    with _locked(review) as r:
        if r.inspector_id != actor.pk:
            raise NotAllowed(_("This review is assigned to someone else."))
        if not r.is_open:
            raise InvalidTransition(_("The review has already been submitted."))
        try:
            result = score_review(r.form.parsed, r.answers, complete=True)
        except AnswerError as exc:
            raise InvalidInput(
                _("Not every item is answered: %(items)s") % {"items": missing_items(exc.problems)},
                field=exc.problems[0].path,
            ) from None
        _apply_result(r, result)
        old = r.status
        r.status = ReviewStatus.SUBMITTED
        r.submitted_at = timezone.now()
        r.save()
        audit.record(
            actor, "submit_qc", r, field="status", old=old, new=r.status, reason=f"score {r.score}"
        )
        to_push = [r.pk]
        if r.kind == ReviewKind.RECHECK and r.parent_id:
            parent = Review.objects.select_for_update().get(pk=r.parent_id)
            old_rc = parent.recheck_score
            parent.recheck_score = r.score
            parent.save(update_fields=["recheck_score", "updated_at"])
            audit.record(
                actor, "recheck_qc", parent, field="recheck_score", old=old_rc, new=r.score
            )
            to_push = [parent.pk]
        if r.kind != ReviewKind.CALIBRATION:
            feed.push_on_commit(to_push)
    return review


# -- disputes --------------------------------------------------------------------------------


def file_dispute(actor: User, review: Review, items: Iterable[dict[str, str]]) -> list[Dispute]:
    """The agent disputes items of a submitted inspection: [{item, reason}]."""
    items = [i for i in items if (i.get("reason") or "").strip()]
    if not items:
        raise InvalidInput(_("Name at least one item and say why."), field="items")
    with _locked(review) as r:
        if r.agent.user_id != actor.pk:
            raise NotAllowed(_("Only the inspected agent may dispute a review."))
        if r.kind != ReviewKind.INSPECTION or r.status not in (
            ReviewStatus.SUBMITTED,
            ReviewStatus.DISPUTED,
        ):
            raise InvalidTransition(_("Only submitted inspections can be disputed."))
        if r.submitted_at and timezone.now() > r.submitted_at + timedelta(days=DISPUTE_DAYS):
            raise InvalidTransition(
                _("The dispute window (%(d)s days after submission) has passed.")
                % {"d": DISPUTE_DAYS}
            )
        codes = set(r.form.parsed.item_codes)
        open_items = set(
            r.disputes.filter(status=DisputeStatus.OPEN).values_list("item_code", flat=True)
        )
        out = []
        for i, entry in enumerate(items):
            code = entry.get("item", "")
            if code not in codes:
                raise InvalidInput(
                    _("The form has no item %(item)s.") % {"item": code}, field=f"items[{i}].item"
                )
            if code in open_items:
                raise InvalidInput(
                    _("Item %(item)s is already disputed.") % {"item": code},
                    field=f"items[{i}].item",
                )
            d = Dispute.objects.create(
                review=r,
                item_code=code,
                reason=entry["reason"].strip(),
                old_value=r.answers.get(code),
                created_by=actor,
            )
            audit.record(
                actor, "dispute_qc", r, field=code, old=r.answers.get(code), reason=d.reason
            )
            out.append(d)
        if r.status != ReviewStatus.DISPUTED:
            r.status = ReviewStatus.DISPUTED
            r.save(update_fields=["status", "updated_at"])
    return out


def resolve_dispute(
    actor: User, dispute: Dispute, *, accept: bool, resolution: str, new_value: Any = None
) -> Dispute:
    """An inspector of the department (not the one who scored, unless HR) decides a dispute.
    Accepting with a new value rescores the review and rewrites its store row."""
    review = dispute.review
    _require_inspector(actor, review.department_id)
    if review.inspector_id == actor.pk and not scope_for(actor).hr:
        raise NotAllowed(_("Another inspector decides disputes of your own reviews."))
    resolution = (resolution or "").strip()
    if not resolution:
        raise InvalidInput(_("Say how the dispute was decided."), field="resolution")
    with _locked(review) as r:
        d = locking.lock(dispute)
        if d.status != DisputeStatus.OPEN:
            raise InvalidTransition(_("The dispute has already been decided."))
        changed = False
        if accept and new_value is not None and str(new_value).strip() != "":
            answers = {**r.answers, d.item_code: _clean_answers({"v": new_value})["v"]}
            try:
                result = score_review(r.form.parsed, answers, complete=True)
            except AnswerError as exc:
                raise InvalidInput(answer_problem(exc.problems[0]), field="new_value") from None
            old_score = r.score
            r.answers = answers
            _apply_result(r, result)
            d.new_value = answers[d.item_code]
            changed = True
            audit.record(
                actor, "correct_qc", r, field="score", old=old_score, new=r.score, reason=resolution
            )
        d.status = DisputeStatus.ACCEPTED if accept else DisputeStatus.REJECTED
        d.resolution = resolution
        d.resolved_by = actor
        d.resolved_at = timezone.now()
        d.save()
        audit.record(
            actor, "resolve_qc_dispute", r, field=d.item_code, new=d.status, reason=resolution
        )
        if not r.disputes.filter(status=DisputeStatus.OPEN).exists():
            r.status = ReviewStatus.SUBMITTED
        r.save()
        if changed:
            feed.push_on_commit([r.pk])
    dispute.refresh_from_db()
    return dispute


# -- rechecks (复检) -------------------------------------------------------------------------


def request_recheck(actor: User, review: Review, inspector: Any) -> Review:
    """A second inspection of the same interaction by another inspector: one of the department's,
    or HR or another department's inspector as the expert (a department may have only one)."""
    _require_inspector(actor, review.department_id)
    if review.kind != ReviewKind.INSPECTION or review.status not in (
        ReviewStatus.SUBMITTED,
        ReviewStatus.DISPUTED,
    ):
        raise InvalidTransition(_("Only submitted inspections can be rechecked."))
    if inspector.pk == review.inspector_id:
        raise InvalidInput(_("A recheck is done by another inspector."), field="inspector")
    if not can_inspect(inspector):
        raise InvalidInput(
            _("%(u)s is neither a QC inspector nor HR.") % {"u": inspector}, field="inspector"
        )
    if inspector.pk == review.agent.user_id:
        raise InvalidInput(_("Nobody inspects their own interactions."), field="inspector")
    with transaction.atomic():
        if (
            Review.objects.select_for_update()
            .filter(parent=review, kind=ReviewKind.RECHECK)
            .exists()
        ):
            raise InvalidTransition(_("This review already has a recheck."))
        rc = Review.objects.create(
            kind=ReviewKind.RECHECK,
            parent=review,
            plan=review.plan,
            form=review.form,
            period=review.period,
            interaction_id=review.interaction_id,
            interaction=review.interaction,
            recording_url=review.recording_url,
            transcript_url=review.transcript_url,
            pick_reason="recheck",
            agent=review.agent,
            team=review.team,
            department=review.department,
            inspector=inspector,
        )
        audit.record(
            actor,
            "request_recheck",
            review,
            new={"recheck": rc.pk, "inspector": inspector.username},
        )
    return rc


def recheck_sample(
    actor: User, period: str, department: Any, share: Decimal, seed: str = "0"
) -> list[Review]:
    """Recheck a seeded random share of each inspector's submitted inspections of the period,
    each by another inspector of the department (the least loaded with rechecks), or, where the
    department has no other, by HR or another department's inspector."""
    import random

    _require_inspector(actor, department.pk)
    label = _period(period)
    if not Decimal(0) < share <= 1:
        raise InvalidInput(_("The share must be above 0 and at most 1."), field="share")
    users = inspectors_of(department.pk)
    outside = outside_experts(department.pk)
    if len(users) < 2 and not outside:
        raise InvalidInput(_("Rechecks need at least two inspectors."), field="department")
    done = Review.objects.filter(
        period=label,
        department=department,
        kind=ReviewKind.INSPECTION,
        status__in=[ReviewStatus.SUBMITTED, ReviewStatus.DISPUTED],
        rechecks__isnull=True,
    ).order_by("id")
    by_insp: dict[int, list[Review]] = defaultdict(list)
    for r in done:
        by_insp[r.inspector_id].append(r)
    load = defaultdict(int)
    out = []
    for insp_id in sorted(by_insp):
        rows = by_insp[insp_id]
        k = max(1, int((share * len(rows)).to_integral_value()))
        for r in random.Random(f"{seed}\x1f{label}\x1f{insp_id}").sample(rows, min(k, len(rows))):
            others = [u for u in users if u.pk != insp_id and u.pk != r.agent.user_id] or [
                u for u in outside if u.pk != insp_id and u.pk != r.agent.user_id
            ]
            if not others:
                continue
            who = min(others, key=lambda u: (load[u.pk], u.username))
            load[who.pk] += 1
            out.append(request_recheck(actor, r, who))
    return out


# -- calibration -----------------------------------------------------------------------------


def create_calibration(
    actor: User,
    *,
    title: str,
    period: str,
    form: QcForm,
    agent: Employee,
    interaction_id: str,
    expert: Any,
    inspectors: Sequence[Any],
    tolerance: Decimal | None = None,
    recording_url: str = "",
    transcript_url: str = "",
) -> CalibrationSession:
    """Links to the recording or transcript: as given, else those of a sampled review of it."""
    place = _placement(agent)
    dept = place.team.department
    _require_inspector(actor, dept.pk)
    if not (interaction_id or "").strip():
        raise InvalidInput(_("Name the interaction to calibrate on."), field="interaction_id")
    people = [u for u in inspectors if u.pk != expert.pk]
    if not people:
        raise InvalidInput(
            _("Choose at least one inspector besides the expert."), field="inspectors"
        )
    links = {"recording_url": safe_link(recording_url), "transcript_url": safe_link(transcript_url)}
    if not any(links.values()):
        links = _known_links(interaction_id.strip(), agent)
    with transaction.atomic():
        s = CalibrationSession.objects.create(
            title=(title or "").strip() or _("Calibration %(i)s") % {"i": interaction_id},
            period=_period(period),
            form=form,
            department=dept,
            interaction_id=interaction_id.strip(),
            agent=agent,
            expert=expert,
            tolerance=form.parsed.tolerance if tolerance is None else tolerance,
            created_by=actor,
        )
        for u in [expert, *people]:
            Review.objects.create(
                kind=ReviewKind.CALIBRATION,
                session=s,
                form=form,
                period=s.period,
                interaction_id=s.interaction_id,
                pick_reason="calibration",
                **links,
                agent=agent,
                team=place.team,
                department=dept,
                inspector=u,
            )
        audit.record(
            actor,
            "create_calibration",
            s,
            new={"expert": expert.username, "inspectors": [u.username for u in people]},
        )
    return s


def _known_links(interaction_id: str, agent: Employee) -> dict[str, str]:
    known = (
        Review.objects.filter(interaction_id=interaction_id, agent=agent)
        .exclude(recording_url="", transcript_url="")
        .order_by("-id")
        .values("recording_url", "transcript_url")
        .first()
    )
    return known or {"recording_url": "", "transcript_url": ""}


def calibration_result(session: CalibrationSession):
    """The comparison with the expert, over the submitted entries (None until the expert's)."""
    reviews = list(
        session.reviews.select_related("inspector").filter(status=ReviewStatus.SUBMITTED)
    )
    expert = next((r for r in reviews if r.inspector_id == session.expert_id), None)
    if expert is None:
        return None
    form = session.form.parsed
    others = [r for r in reviews if r.inspector_id != session.expert_id]
    return calibrate(
        Decimal(expert.score),
        {r.inspector.username: Decimal(r.score) for r in others},
        {r.inspector.username: item_differences(form, expert.answers, r.answers) for r in others},
        item_count=len(form.item_codes),
        max_score=form.scale,
        tolerance=Decimal(session.tolerance),
    )


def close_calibration(actor: User, session: CalibrationSession) -> CalibrationSession:
    _require_inspector(actor, session.department_id)
    with transaction.atomic():
        s = locking.lock(session)
        if s.status != CalibrationSession.Status.OPEN:
            raise InvalidTransition(_("The session is already closed."))
        if not s.reviews.filter(inspector_id=s.expert_id, status=ReviewStatus.SUBMITTED).exists():
            raise InvalidTransition(_("The expert has not submitted yet."))
        s.status = CalibrationSession.Status.CLOSED
        s.closed_at = timezone.now()
        s.save(update_fields=["status", "closed_at"])
        open_entries = s.reviews.filter(
            status__in=[ReviewStatus.ASSIGNED, ReviewStatus.IN_PROGRESS]
        )
        audit.record(
            actor,
            "close_calibration",
            s,
            field="status",
            old="open",
            new="closed",
            reason=f"{open_entries.count()} entries not submitted",
        )
    session.refresh_from_db()
    return session
