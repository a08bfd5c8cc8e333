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
from typing import Any

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


def current_cycle(user: Any) -> Cycle | None:
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


def hr_steps(user: Any, cycle: Cycle, today: dt.date) -> list[Step]:
    cards = cards_for_user(user, cycle_id=cycle.pk)
    in_play = cards.exclude(status=CardStatus.EXCLUDED)
    period_end = cycle.date_range()[1]
    detail_url = reverse("cycles:detail", args=[cycle.pk])
    opened = cycle.status != Cycle.Status.DRAFT
    steps = []

    # 导入: the last import of records that worked, due once the period is over
    last_import = (
        Job.objects.filter(kind=RECORDS_IMPORT, status=Job.Status.DONE)
        .order_by("-finished_at")
        .values_list("finished_at", flat=True)
        .first()
    )
    imported = _day(last_import)
    state = (
        DONE if imported and imported > period_end else (DUE if today > period_end else UPCOMING)
    )
    if opened and state != DONE:
        state = DONE  # rating opened on the records there were
    steps.append(
        Step(
            "import",
            _("Import"),
            state,
            imported or period_end,
            _("records imported up to %(day)s") % {"day": imported}
            if imported
            else (
                _("rated on the records in the store") if opened else _("no records imported yet")
            ),
            reverse("records_ui:index") if scope_for(user).hr else "",  # imports: HR only
        )
    )

    # 计算: computed after the last import
    computed = cycle.computed_at
    stale = bool(computed and last_import and last_import > computed and not opened)
    state = DONE if computed and not stale else (DUE if today > period_end else UPCOMING)
    steps.append(
        Step(
            "compute",
            _("Compute"),
            state,
            _day(computed),
            _("records imported after the last computation: compute again")
            if stale
            else (_("computed") if computed else _("not computed yet")),
            detail_url,
        )
    )

    # 缺失数据: cards below the cycle's minimum data coverage, neither excluded nor overridden
    low = [
        overrides
        for overrides in in_play.filter(coverage__lt=cycle.min_coverage).values_list(
            "gate_overrides", flat=True
        )
        if "data" not in (overrides or {})
    ]
    state = UPCOMING if not computed else DONE if not low else (OVERDUE if opened else DUE)
    steps.append(
        Step(
            "missing",
            _("Data gaps"),
            state,
            None,
            ngettext(
                "%(n)s card below the minimum data coverage",
                "%(n)s cards below the minimum data coverage",
                len(low),
            )
            % {"n": len(low)},
            detail_url,
        )
    )

    # 开评: opened on (the audit trail keeps the day)
    opened_at = (
        AuditEvent.objects.filter(cycle_id=cycle.pk, action="open_cycle")
        .order_by("at")
        .values_list("at", flat=True)
        .first()
    )
    steps.append(
        Step(
            "open",
            _("Open rating"),
            DONE if opened else (DUE if computed else UPCOMING),
            _day(opened_at),
            _("opened for rating") if opened else _("still being set up"),
            detail_url,
        )
    )

    # 催办: cards still waiting for a rater, due by the rating deadline
    pending = in_play.filter(status__in=REVIEW_STATUSES).count()
    steps.append(
        Step(
            "chase",
            _("Chase"),
            _due_state(pending, cycle.rating_deadline, today) if opened else UPCOMING,
            cycle.rating_deadline,
            ngettext("%(n)s card waiting for a rater", "%(n)s cards waiting for a rater", pending)
            % {"n": pending},
            f"{reverse('board:index')}?cycle={cycle.pk}",
        )
    )

    # 发布: every card in play released
    released = in_play.filter(status__in=RELEASED)
    unreleased = in_play.exclude(status__in=RELEASED).count()
    last_published = released.aggregate(m=Max("published_at"))["m"]
    if not opened:
        state = UPCOMING
    elif not unreleased and released.exists():
        state = DONE
    else:
        state = OVERDUE if today > cycle.rating_deadline else DUE
    steps.append(
        Step(
            "publish",
            _("Publish"),
            state,
            _day(last_published),
            ngettext("%(n)s card not published yet", "%(n)s cards not published yet", unreleased)
            % {"n": unreleased},
            f"{detail_url}?status={CardStatus.APPROVED}",
        )
    )

    # 申诉: the appeal window (last day any card may be appealed) and appeals still open
    window = released.aggregate(m=Max("appeal_deadline"))["m"]
    appeals = appeals_for_user(user).filter(card__cycle_id=cycle.pk, status__in=WAITING)
    waiting = appeals.count()
    late = appeals.filter(due_at__lt=timezone.now()).count()
    if not released.exists():
        state = UPCOMING
    elif late:
        state = OVERDUE
    elif waiting or (window and window >= timezone.now()):
        state = DUE
    else:
        state = DONE
    steps.append(
        Step(
            "appeals",
            _("Appeals"),
            state,
            _day(window),
            ngettext("%(n)s appeal open", "%(n)s appeals open", waiting) % {"n": waiting},
            reverse("reviews:appeals"),
        )
    )

    # 工资表: the pay sheet, once cards are published (done when someone downloaded it)
    exported = (
        AuditEvent.objects.filter(
            cycle_id=cycle.pk, kind=AuditEvent.Kind.EXPORT, reason__startswith="pay sheet"
        )
        .order_by("-at")
        .values_list("at", flat=True)
        .first()
    )
    state = DONE if exported and not unreleased else (DUE if released.exists() else UPCOMING)
    steps.append(
        Step(
            "pay",
            _("Payroll sheet"),
            state,
            _day(exported),
            _("downloaded") if exported else _("not downloaded yet"),
            reverse("reports:pay", args=[cycle.pk]),
        )
    )
    return steps


def rater_steps(user: Any, cycle: Cycle, today: dt.date) -> list[Step]:
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


def employee_steps(user: Any, cycle: Cycle, today: dt.date) -> list[Step]:
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


def timeline_for(user: Any) -> dict[str, Any] | None:
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
