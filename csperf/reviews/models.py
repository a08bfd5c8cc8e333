"""A scorecard (考核表) per employee and cycle, its ratings, evidence files and appeals."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CardStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SELF_REVIEW = "self_review", _("Self review")
    SUPERVISOR_REVIEW = "supervisor_review", _("Supervisor review")
    INSPECTOR_REVIEW = "inspector_review", _("QC review")
    REVIEWER_REVIEW = "reviewer_review", _("Reviewer review")
    # a third rater after the reviewer (物业经理 after 间接上级 on the property card)
    MANAGER_REVIEW = "manager_review", _("Manager review")
    APPROVED = "approved", _("Approved")
    PUBLISHED = "published", _("Published")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    APPEALED = "appealed", _("Appealed")
    APPEAL_RESOLVED = "appeal_resolved", _("Appeal resolved")
    CLOSED = "closed", _("Closed")
    # Left out of the cycle by HR, with a reason (no data, nobody to rate it): never rated or
    # published until HR includes it again.
    EXCLUDED = "excluded", _("Excluded")


# Statuses in which the card's scores may still change (ratings, recompute).
EDITABLE = frozenset(
    {
        CardStatus.DRAFT,
        CardStatus.SELF_REVIEW,
        CardStatus.SUPERVISOR_REVIEW,
        CardStatus.INSPECTOR_REVIEW,
        CardStatus.REVIEWER_REVIEW,
        CardStatus.MANAGER_REVIEW,
        CardStatus.APPROVED,
    }
)
REVIEW_STATUSES = frozenset(
    {
        CardStatus.SELF_REVIEW,
        CardStatus.SUPERVISOR_REVIEW,
        CardStatus.INSPECTOR_REVIEW,
        CardStatus.REVIEWER_REVIEW,
        CardStatus.MANAGER_REVIEW,
    }
)
# Published and later: the employee sees the result; nothing changes without a reopen.
RELEASED = frozenset(
    {
        CardStatus.PUBLISHED,
        CardStatus.ACKNOWLEDGED,
        CardStatus.APPEALED,
        CardStatus.APPEAL_RESOLVED,
        CardStatus.CLOSED,
    }
)


class Card(models.Model):
    cycle = models.ForeignKey("cycles.Cycle", on_delete=models.PROTECT, related_name="cards")
    employee = models.ForeignKey("org.Employee", on_delete=models.PROTECT, related_name="cards")
    template = models.ForeignKey(
        "cycles.ScorecardTemplate", on_delete=models.PROTECT, related_name="+"
    )
    # Where the employee was at the end of the period (or on leaving): decides who rates and sees.
    team = models.ForeignKey("org.Team", on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey("org.Department", on_delete=models.PROTECT, related_name="+")
    position = models.ForeignKey("org.Position", on_delete=models.PROTECT, related_name="+")
    moves = models.JSONField(_("moves in the period"), default=list, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=CardStatus.choices,
        default=CardStatus.DRAFT,
        db_index=True,
    )
    chain = models.JSONField(_("rating chain"), default=list, blank=True)
    inputs = models.JSONField(default=dict, blank=True)
    result = models.JSONField(null=True, blank=True)
    total = models.DecimalField(_("total"), max_digits=12, decimal_places=2, null=True, blank=True)
    grade = models.CharField(_("grade"), max_length=40, blank=True)
    rank = models.IntegerField(_("rank"), null=True, blank=True)
    rank_from_bottom = models.IntegerField(null=True, blank=True)
    rank_label = models.CharField(max_length=40, blank=True)
    pay = models.DecimalField(_("pay"), max_digits=12, decimal_places=2, null=True, blank=True)
    # Why the last scoring of the card's group failed (bad input data); empty when it worked.
    score_error = models.TextField(blank=True)
    # The share of the record-fed weight whose value came from the records (scoring.coverage).
    coverage = models.DecimalField(
        _("data coverage"), max_digits=5, decimal_places=4, null=True, blank=True
    )
    excluded_reason = models.TextField(_("why excluded"), blank=True)
    # HR let the card go ahead despite a gate: {"data" | "raters": {reason, by, at, detail}}.
    gate_overrides = models.JSONField(default=dict, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    appeal_deadline = models.DateTimeField(_("appeal deadline"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["cycle", "team__code", "employee__code"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "employee"], name="one_card_per_cycle")
        ]
        verbose_name = _("scorecard")
        verbose_name_plural = _("scorecards")

    def __str__(self) -> str:
        return f"{self.employee.name} · {self.cycle.period}"

    @property
    def audit_card_id(self) -> int:
        return self.pk

    @property
    def audit_cycle_id(self) -> int:
        return self.cycle_id

    @property
    def editable(self) -> bool:
        return self.status in EDITABLE

    @property
    def released(self) -> bool:
        return self.status in RELEASED

    @property
    def flags(self) -> list[str]:
        """The engine's flags in their stored machine form (English)."""
        return list((self.result or {}).get("flags") or [])

    def flag_texts(self, names: dict[str, str] | None = None) -> list[str]:
        """The flags in the reader's language; ``names``: the template's labels by code
        (:func:`csperf.scoring.flags.names_of`), worked out here when not given."""
        from django.utils.translation import get_language

        from csperf.metrics.feeds import label_in
        from csperf.scoring import flags as card_flags

        stored = self.flags
        if not stored:
            return []
        if names is None:
            names = card_flags.names_of(self.template.parsed)
        return card_flags.render_all(stored, get_language(), names, feeds=label_in)


class Rating(models.Model):
    """One rater's level or score for one item, with the rater's comment."""

    card = models.ForeignKey(Card, on_delete=models.CASCADE, related_name="ratings")
    item_code = models.CharField(max_length=80)
    role = models.CharField(max_length=30)
    value = models.DecimalField(max_digits=12, decimal_places=4, null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    rater = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["card", "item_code", "role"], name="one_rating")
        ]

    def __str__(self) -> str:
        return f"{self.item_code}/{self.role}={self.value}"

    @property
    def audit_card_id(self) -> int:
        return self.card_id

    @property
    def audit_cycle_id(self) -> int | None:
        return None


def _evidence_path(instance: Evidence, filename: str) -> str:
    return f"evidence/{instance.card.cycle_id}/{instance.card_id}/{filename}"


class Evidence(models.Model):
    card = models.ForeignKey(Card, on_delete=models.CASCADE, related_name="evidence")
    item_code = models.CharField(max_length=80)
    file = models.FileField(upload_to=_evidence_path)
    name = models.CharField(max_length=200)
    size = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The chain role it was attached for: who may read it before publication is who reads
    # that rater's column (reviews.workflow.sees_evidence). Blank on files attached before.
    role = models.CharField(max_length=40, blank=True, default="")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name

    @property
    def audit_card_id(self) -> int:
        return self.card_id

    @property
    def audit_cycle_id(self) -> int | None:
        return None


class AppealStage(models.TextChoices):
    """Who owes the answer: the rater who decided the items first, HR last."""

    RATER = "rater", _("Rater")
    HR = "hr", _("HR")


class Appeal(models.Model):
    """One appeal of some items of a card, answered by one desk.

    Filing splits the employee's items by who decided them (csperf.reviews.workflow.deciding_role):
    each group is an appeal of its own, answered first by that rater (accept with corrections, or
    reject with a reason); a rejected appeal may be escalated to HR, who decides last.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for an answer")
        ESCALATED = "escalated", _("Escalated to HR")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")

    card = models.ForeignKey(Card, on_delete=models.CASCADE, related_name="appeals")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    stage = models.CharField(
        _("stage"), max_length=10, choices=AppealStage.choices, default=AppealStage.RATER
    )
    # The chain role that answers at the rater stage (supervisor, reviewer …) or "hr".
    responder_role = models.CharField(_("answered by"), max_length=30, default="hr")
    # Appeals filed together (one form, several deciders) share this number on their card.
    filing = models.PositiveIntegerField(default=1)
    reason = models.TextField(_("reason"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # When the answer of the current stage is due (empty once decided).
    due_at = models.DateTimeField(_("answer due"), null=True, blank=True)
    # The rater's answer, kept when the appeal goes on to HR.
    rater_resolution = models.TextField(blank=True)
    rater_resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    rater_resolved_at = models.DateTimeField(null=True, blank=True)
    # Until when the employee may escalate a rejection to HR.
    escalate_by = models.DateTimeField(_("escalate by"), null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    escalation_reason = models.TextField(_("reason for escalating"), blank=True)
    # The latest decision (the final one once decided by HR or accepted by the rater).
    resolution = models.TextField(_("resolution"), blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    old_total = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    new_total = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"appeal #{self.pk} on card #{self.card_id}"

    @property
    def audit_card_id(self) -> int:
        return self.card_id

    @property
    def audit_cycle_id(self) -> int | None:
        return None

    @property
    def waiting(self) -> bool:
        """Someone owes an answer."""
        return self.status in WAITING

    @property
    def overdue(self) -> bool:
        return self.waiting and self.due_at is not None and timezone.now() > self.due_at

    @property
    def escalatable(self) -> bool:
        """Rejected by the rater, and the employee's time to escalate has not run out."""
        return (
            self.status == self.Status.REJECTED
            and self.stage == AppealStage.RATER
            and self.escalate_by is not None
            and timezone.now() <= self.escalate_by
        )


# Appeals someone still has to answer.
WAITING = frozenset({Appeal.Status.OPEN, Appeal.Status.ESCALATED})


class AppealItem(models.Model):
    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="items")
    item_code = models.CharField(max_length=80)
    reason = models.TextField(_("reason"))
    corrected = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.item_code}: {self.reason[:40]}"
