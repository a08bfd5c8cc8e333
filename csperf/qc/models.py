"""QC forms, sampling plans, inspections (质检), disputes, rechecks (复检) and calibration sessions."""

from __future__ import annotations

from functools import cached_property, lru_cache

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from csperf.qc.engine import Form, load_form


@lru_cache(maxsize=64)
def _parse(source: str, label: str) -> Form:
    # Forms are immutable per version, so pages listing hundreds of reviews parse each once.
    return load_form(source, source=label)


class QcForm(models.Model):
    """One version of a QC form; a review keeps the version it was scored with."""

    code = models.CharField(_("code"), max_length=80)
    version = models.PositiveIntegerField(_("version"))
    name = models.CharField(_("name"), max_length=200)
    channel = models.CharField(_("channel"), max_length=20)
    source = models.TextField(_("form (YAML)"))
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["code", "-version"]
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="qc_form_version")]
        verbose_name = _("QC form")
        verbose_name_plural = _("QC forms")

    def __str__(self) -> str:
        return f"{self.name} ({self.code} v{self.version})"

    @cached_property
    def parsed(self) -> Form:
        return _parse(self.source, f"{self.code} v{self.version}")


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    DRAWN = "drawn", _("Sample drawn")
    CLOSED = "closed", _("Closed")


class SamplingPlan(models.Model):
    """Per agent and period: a count or a share of the interactions, with rules and strata."""

    class Source(models.TextChoices):
        CALLS = "calls", _("Calls")
        TICKETS = "tickets", _("Tickets and chats")

    name = models.CharField(_("name"), max_length=200)
    period = models.CharField(_("period"), max_length=10)
    department = models.ForeignKey("org.Department", on_delete=models.PROTECT, related_name="+")
    form = models.ForeignKey(QcForm, on_delete=models.PROTECT, related_name="plans")
    source = models.CharField(
        _("interactions"), max_length=10, choices=Source.choices, default=Source.CALLS
    )
    params = models.JSONField(_("sampling rules"), default=dict)
    status = models.CharField(max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    drawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-period", "-id"]
        verbose_name = _("sampling plan")
        verbose_name_plural = _("sampling plans")

    def __str__(self) -> str:
        return f"{self.name} · {self.period}"


class ReviewKind(models.TextChoices):
    INSPECTION = "inspection", _("Inspection")
    RECHECK = "recheck", _("Recheck")
    CALIBRATION = "calibration", _("Calibration")


class ReviewStatus(models.TextChoices):
    ASSIGNED = "assigned", _("Assigned")
    IN_PROGRESS = "in_progress", _("In progress")
    SUBMITTED = "submitted", _("Submitted")
    DISPUTED = "disputed", _("Disputed")


OPEN_REVIEW = frozenset({ReviewStatus.ASSIGNED, ReviewStatus.IN_PROGRESS})
DONE_REVIEW = frozenset({ReviewStatus.SUBMITTED, ReviewStatus.DISPUTED})


class Review(models.Model):
    """One inspected interaction: an inspection, a recheck of one, or a calibration entry."""

    kind = models.CharField(
        max_length=12, choices=ReviewKind.choices, default=ReviewKind.INSPECTION
    )
    plan = models.ForeignKey(
        SamplingPlan, null=True, blank=True, on_delete=models.PROTECT, related_name="reviews"
    )
    form = models.ForeignKey(QcForm, on_delete=models.PROTECT, related_name="reviews")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="rechecks"
    )
    session = models.ForeignKey(
        "CalibrationSession",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reviews",
    )
    period = models.CharField(_("period"), max_length=10, db_index=True)
    interaction_id = models.CharField(_("interaction"), max_length=120)
    interaction = models.JSONField(_("interaction details"), default=dict, blank=True)
    # Where the inspector listens to or reads the interaction (from the imported records).
    recording_url = models.CharField(_("recording"), max_length=1000, blank=True)
    transcript_url = models.CharField(_("transcript"), max_length=1000, blank=True)
    pick_reason = models.CharField(_("why sampled"), max_length=200, blank=True)
    agent = models.ForeignKey("org.Employee", on_delete=models.PROTECT, related_name="qc_reviews")
    # The agent's team when the review was created: decides who sees it.
    team = models.ForeignKey("org.Team", on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey("org.Department", on_delete=models.PROTECT, related_name="+")
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="qc_reviews"
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ReviewStatus.choices,
        default=ReviewStatus.ASSIGNED,
        db_index=True,
    )
    answers = models.JSONField(default=dict, blank=True)
    comments = models.JSONField(default=dict, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    score = models.DecimalField(_("score"), max_digits=8, decimal_places=2, null=True, blank=True)
    max_score = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    fatal_count = models.PositiveIntegerField(default=0)
    passed = models.BooleanField(null=True, blank=True)
    recheck_score = models.DecimalField(
        _("recheck score"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    feed_error = models.TextField(blank=True)  # the last failed write to the records store

    class Meta:
        ordering = ["-period", "status", "id"]
        indexes = [
            models.Index(fields=["inspector", "status"]),
            models.Index(fields=["agent", "period"]),
        ]
        verbose_name = _("QC review")
        verbose_name_plural = _("QC reviews")

    def __str__(self) -> str:
        return f"QC#{self.pk} {self.interaction_id} {self.agent.code}"

    @property
    def record_id(self) -> str:
        """The review's key in the records store (qc_reviews.review_id)."""
        return f"QC{self.pk}"

    @property
    def fatal(self) -> bool:
        return self.fatal_count > 0

    @property
    def pick_reason_words(self) -> str:
        """Why the interaction was sampled, in the reader's language."""
        from csperf.qc.reasons import pick_reason_words

        return pick_reason_words(self.pick_reason)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_REVIEW

    @property
    def progress(self) -> tuple[int, int]:
        """(items scored, items to score): a review has a total only when they are equal."""
        form = self.form.parsed
        return form.answered_count(self.answers), form.required_count

    @property
    def complete(self) -> bool:
        answered, required = self.progress
        return answered >= required

    @property
    def has_result(self) -> bool:
        """A total and a verdict to show: submitted, or a draft with every item scored (drafts
        saved before this rule kept a partial score; it is never shown)."""
        return not self.is_open or self.complete


class DisputeStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


class Dispute(models.Model):
    """The agent disputes one item of a submitted review (申诉)."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="disputes")
    item_code = models.CharField(_("item"), max_length=80)
    reason = models.TextField(_("reason"))
    status = models.CharField(
        max_length=10, choices=DisputeStatus.choices, default=DisputeStatus.OPEN
    )
    old_value = models.JSONField(null=True, blank=True)
    new_value = models.JSONField(null=True, blank=True)
    resolution = models.TextField(_("resolution"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("QC dispute")
        verbose_name_plural = _("QC disputes")

    def __str__(self) -> str:
        return f"dispute #{self.pk} on {self.item_code} of QC#{self.review_id}"


class CalibrationSession(models.Model):
    """Several inspectors score the same interaction; each is compared with the expert."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    title = models.CharField(_("title"), max_length=200)
    period = models.CharField(_("period"), max_length=10)
    form = models.ForeignKey(QcForm, on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey("org.Department", on_delete=models.PROTECT, related_name="+")
    interaction_id = models.CharField(_("interaction"), max_length=120)
    agent = models.ForeignKey("org.Employee", on_delete=models.PROTECT, related_name="+")
    expert = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    tolerance = models.DecimalField(_("tolerance"), max_digits=6, decimal_places=2)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("calibration session")
        verbose_name_plural = _("calibration sessions")

    def __str__(self) -> str:
        return f"{self.title} ({self.interaction_id})"
