"""The month timeline on the home page: what is due from this person in the current cycle.

HR (and the auditor, who reads what HR reads) follow the whole month — 导入 → 计算 → 缺失数据 →
开评 → 催办 → 发布 → 申诉 → 工资表 — with the cycle's dates; a supervisor (or manager, inspector)
the ratings waiting for them and the appeals they answer; an employee their self-rating, the
publication of their card and their appeal window. Each step has a state (done, due, overdue,
upcoming), a date and a link. Every query goes through the access helpers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from django.db.models import Max, Min
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from csperf.core.models import AuditEvent, Job
from csperf.cycles.access import cycles_for_user
from csperf.cycles.models import Cycle
from csperf.org.access import scope_for
from csperf.reviews import workflow
from csperf.reviews.access import appeals_for_user, appeals_owed_by, cards_for_user
from csperf.reviews.models import RELEASED, REVIEW_STATUSES, WAITING, CardStatus

if TYPE_CHECKING:
    from django.contrib.auth.models import User

DONE, DUE, OVERDUE, UPCOMING = "done", "due", "overdue", "upcoming"
RECORDS_IMPORT = "records.import"


@dataclass
class Step:
    key: str
    label: str
    state: str
    date: dt.date | None = None
    detail: str = ""
    url: str = ""

    @property
    def state_label(self) -> str:
        return {
            DONE: _("done"),
            DUE: _("due"),
            OVERDUE: _("overdue"),
            UPCOMING: _("not yet"),
        }[self.state]


def _day(value: Any) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return timezone.localdate(value) if timezone.is_aware(value) else value.date()
    return value


def current_cycle(user: User) -> Cycle | None:
    """The cycle the month is about: of those open for rating (else of all), the one whose period
    ends last — the month before its quarter and year when they end together."""

    def latest(cycles: list[Cycle]) -> Cycle | None:
        def key(c: Cycle) -> tuple:
            start, end = c.date_range()
            return (end, start, c.pk)  # a later start is the shorter period

        return max(cycles, key=key, default=None)

    cycles = list(cycles_for_user(user))
    return latest([c for c in cycles if c.status == Cycle.Status.OPEN]) or latest(cycles)


def _due_state(pending: int, deadline: dt.date | None, today: dt.date) -> str:
    if not pending:
        return DONE
    return OVERDUE if deadline and today > deadline else DUE


@dataclass
class _HrMonth:
    """What HR's steps of one cycle share; each query runs once, when a step first needs it."""

    user: Any
    cycle: Cycle
    today: dt.date

    @cached_property
    def in_play(self) -> Any:
        cards = cards_for_user(self.user, cycle_id=self.cycle.pk)
        return cards.exclude(status=CardStatus.EXCLUDED)

    @cached_property
    def period_end(self) -> dt.date:
        return self.cycle.date_range()[1]

    @cached_property
    def detail_url(self) -> str:
        return reverse("cycles:detail", args=[self.cycle.pk])

    @property
    def opened(self) -> bool:
        return self.cycle.status != Cycle.Status.DRAFT

    @cached_property
    def last_import(self) -> Any:
        return (
            Job.objects.filter(kind=RECORDS_IMPORT, status=Job.Status.DONE)
            .order_by("-finished_at")
            .values_list("finished_at", flat=True)
            .first()
        )

    @cached_property
    def released(self) -> Any:
        return self.in_play.filter(status__in=RELEASED)

    @cached_property
    def any_released(self) -> bool:
        return self.released.exists()

    @cached_property
    def unreleased(self) -> int:
        return self.in_play.exclude(status__in=RELEASED).count()


def hr_steps(user: User, cycle: Cycle, today: dt.date) -> list[Step]:
    month = _HrMonth(user=user, cycle=cycle, today=today)
    return [step(month) for step in HR_STEPS]


def _import_step(m: _HrMonth) -> Step:
    """导入: the last import of records that worked, due once the period is over."""
    imported = _day(m.last_import)
    if (imported and imported > m.period_end) or m.opened:
        state = DONE  # once opened, rating went on with the records there were
    else:
        state = DUE if m.today > m.period_end else UPCOMING
    if imported:
        detail = _("records imported up to %(day)s") % {"day": imported}
    else:
        detail = (
            _("rated on the records in the store") if m.opened else _("no records imported yet")
        )
    url = reverse("records_ui:index") if scope_for(m.user).hr else ""  # imports: HR only
    return Step("import", _("Import"), state, imported or m.period_end, detail, url)


def _compute_step(m: _HrMonth) -> Step:
    """计算: computed after the last import."""
    computed = m.cycle.computed_at
    stale = bool(computed and m.last_import and m.last_import > computed and not m.opened)
    state = DONE if computed and not stale else (DUE if m.today > m.period_end else UPCOMING)
    if stale:
        detail = _("records imported after the last computation: compute again")
    else:
        detail = _("computed") if computed else _("not computed yet")
    return Step("compute", _("Compute"), state, _day(computed), detail, m.detail_url)


def _missing_step(m: _HrMonth) -> Step:
    """缺失数据: cards below the cycle's minimum data coverage, neither excluded nor overridden."""
    low = [
        overrides
        for overrides in m.in_play.filter(coverage__lt=m.cycle.min_coverage).values_list(
            "gate_overrides", flat=True
        )
        if "data" not in (overrides or {})
    ]
    if not m.cycle.computed_at:
        state = UPCOMING
    else:
        state = DONE if not low else (OVERDUE if m.opened else DUE)
    detail = ngettext(
        "%(n)s card below the minimum data coverage",
        "%(n)s cards below the minimum data coverage",
        len(low),
    ) % {"n": len(low)}
    return Step("missing", _("Data gaps"), state, None, detail, m.detail_url)


def _open_step(m: _HrMonth) -> Step:
    """开评: opened on (the audit trail keeps the day)."""
    opened_at = (
        AuditEvent.objects.filter(cycle_id=m.cycle.pk, action="open_cycle")
        .order_by("at")
        .values_list("at", flat=True)
        .first()
    )
    state = DONE if m.opened else (DUE if m.cycle.computed_at else UPCOMING)
    detail = _("opened for rating") if m.opened else _("still being set up")
    return Step("open", _("Open rating"), state, _day(opened_at), detail, m.detail_url)


def _chase_step(m: _HrMonth) -> Step:
    """催办: cards still waiting for a rater, due by the rating deadline."""
    pending = m.in_play.filter(status__in=REVIEW_STATUSES).count()
    deadline = m.cycle.rating_deadline
    return Step(
        "chase",
        _("Chase"),
        _due_state(pending, deadline, m.today) if m.opened else UPCOMING,
        deadline,
        ngettext("%(n)s card waiting for a rater", "%(n)s cards waiting for a rater", pending)
        % {"n": pending},
        f"{reverse('board:index')}?cycle={m.cycle.pk}",
    )


def _publish_step(m: _HrMonth) -> Step:
    """发布: every card in play released."""
    last_published = m.released.aggregate(m=Max("published_at"))["m"]
    if not m.opened:
        state = UPCOMING
    elif not m.unreleased and m.any_released:
        state = DONE
    else:
        state = OVERDUE if m.today > m.cycle.rating_deadline else DUE
    return Step(
        "publish",
        _("Publish"),
        state,
        _day(last_published),
        ngettext("%(n)s card not published yet", "%(n)s cards not published yet", m.unreleased)
        % {"n": m.unreleased},
        f"{m.detail_url}?status={CardStatus.APPROVED}",
    )


def _appeals_step(m: _HrMonth) -> Step:
    """申诉: the appeal window (last day any card may be appealed) and appeals still open."""
    window = m.released.aggregate(m=Max("appeal_deadline"))["m"]
    appeals = appeals_for_user(m.user).filter(card__cycle_id=m.cycle.pk, status__in=WAITING)
    waiting = appeals.count()
    if not m.any_released:
        state = UPCOMING
    elif appeals.filter(due_at__lt=timezone.now()).exists():
        state = OVERDUE
    elif waiting or (window and window >= timezone.now()):
        state = DUE
    else:
        state = DONE
    return Step(
        "appeals",
        _("Appeals"),
        state,
        _day(window),
        ngettext("%(n)s appeal open", "%(n)s appeals open", waiting) % {"n": waiting},
        reverse("reviews:appeals"),
    )


def _pay_step(m: _HrMonth) -> Step:
    """工资表: the pay sheet, once cards are published (done when someone downloaded it)."""
    exported = (
        AuditEvent.objects.filter(
            cycle_id=m.cycle.pk, kind=AuditEvent.Kind.EXPORT, reason__startswith="pay sheet"
        )
        .order_by("-at")
        .values_list("at", flat=True)
        .first()
    )
    state = DONE if exported and not m.unreleased else (DUE if m.any_released else UPCOMING)
    return Step(
        "pay",
        _("Payroll sheet"),
        state,
        _day(exported),
        _("downloaded") if exported else _("not downloaded yet"),
        reverse("reports:pay", args=[m.cycle.pk]),
    )


HR_STEPS = (
    _import_step,
    _compute_step,
    _missing_step,
    _open_step,
    _chase_step,
    _publish_step,
    _appeals_step,
    _pay_step,
)


def rater_steps(user: User, cycle: Cycle, today: dt.date) -> list[Step]:
    """Ratings waiting for this person (their turn on their teams' cards) and the appeals they
    answer."""
    scope = scope_for(user)
    cards = cards_for_user(user, cycle_id=cycle.pk).filter(status__in=REVIEW_STATUSES)
    if scope.employee_id:
        cards = cards.exclude(employee_id=scope.employee_id)
    mine = [
        c
        for c in cards
        if (r := workflow.current_role(c)) and r in workflow.rater_roles_of(user, c)
    ]
    steps = []
    if cycle.status != Cycle.Status.DRAFT:
        steps.append(
            Step(
                "rate",
                _("Rate my team"),
                _due_state(len(mine), cycle.rating_deadline, today),
                cycle.rating_deadline,
                ngettext(
                    "%(n)s card waiting for my rating",
                    "%(n)s cards waiting for my rating",
                    len(mine),
                )
                % {"n": len(mine)},
                f"{reverse('board:index')}?cycle={cycle.pk}",
            )
        )
    owed = appeals_owed_by(user).filter(card__cycle_id=cycle.pk)
    n = owed.count()
    first_due = owed.aggregate(m=Min("due_at"))["m"]
    steps.append(
        Step(
            "answer",
            _("Answer appeals"),
            DONE if not n else (OVERDUE if first_due and first_due < timezone.now() else DUE),
            _day(first_due),
            ngettext("%(n)s appeal to answer", "%(n)s appeals to answer", n) % {"n": n},
            reverse("reviews:appeals"),
        )
    )
    return steps


def employee_steps(user: User, cycle: Cycle, today: dt.date) -> list[Step]:
    """The employee's own card: self-rating, publication, appeal window."""
    scope = scope_for(user)
    card = cards_for_user(user, cycle_id=cycle.pk).filter(employee_id=scope.employee_id).first()
    if card is None:
        return []
    url = reverse("reviews:card", args=[card.pk])
    steps = []
    if "self" in (card.chain or []):
        waiting = card.status == CardStatus.SELF_REVIEW
        if waiting:
            state = _due_state(1, cycle.rating_deadline, today)
        elif card.status in (CardStatus.DRAFT, CardStatus.EXCLUDED):
            state = UPCOMING
        else:
            state = DONE
        steps.append(
            Step(
                "self",
                _("Rate myself"),
                state,
                cycle.rating_deadline,
                _("my self-rating is due") if waiting else "",
                url,
            )
        )
    released = card.status in RELEASED
    steps.append(
        Step(
            "published",
            _("Publication"),
            DONE if released else UPCOMING,
            _day(card.published_at),
            _("my result is published") if released else _("my result is not published yet"),
            url,
        )
    )
    if released:
        now = timezone.now()
        open_appeal = card.appeals.filter(status__in=WAITING).exists()
        window_open = bool(card.appeal_deadline and card.appeal_deadline >= now)
        if open_appeal:
            state, detail = DUE, _("my appeal is waiting for an answer")
        elif window_open and card.status == CardStatus.PUBLISHED:
            state, detail = DUE, _("I may acknowledge my result or appeal until this day")
        else:
            state, detail = DONE, _("the appeal window is closed")
    else:
        state, detail = UPCOMING, _("opens when my result is published")
    steps.append(
        Step(
            "appeal",
            _("Appeal window"),
            state,
            _day(card.appeal_deadline),
            detail,
            url,
        )
    )
    return steps


def timeline_for(user: User) -> dict[str, Any] | None:
    """The cycle and one lane of steps per role this person holds (None: no cycle to show)."""
    cycle = current_cycle(user)
    if cycle is None:
        return None
    scope = scope_for(user)
    today = timezone.localdate()
    lanes = []
    if scope.sees_everything:
        lanes.append(
            {
                "key": "hr",
                "title": _("The month"),
                "steps": hr_steps(user, cycle, today),
            }
        )
    if scope.supervised_team_ids or scope.department_ids:
        lanes.append(
            {
                "key": "rater",
                "title": _("My team"),
                "steps": rater_steps(user, cycle, today),
            }
        )
    if scope.employee_id:
        steps = employee_steps(user, cycle, today)
        if steps:
            lanes.append({"key": "employee", "title": _("My scorecard"), "steps": steps})
    if not lanes:
        return None
    return {"cycle": cycle, "lanes": lanes}
