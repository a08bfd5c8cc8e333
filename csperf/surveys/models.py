"""Surveys (问卷), imported responses, who they count for, callback plans and follow-up tasks."""

from __future__ import annotations

from functools import cached_property

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from csperf.surveys.scoring import SurveyDef, load_survey


class Survey(models.Model):
    code = models.CharField(_("code"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20)
    source = models.TextField(_("definition (YAML)"))
    department = models.ForeignKey(
        "org.Department",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty: the survey is about the whole centre."),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("survey owner"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @cached_property
    def parsed(self) -> SurveyDef:
        return load_survey(self.source, source=self.code)


class ResponseStatus(models.TextChoices):
    COMPLETED = "completed", _("Completed")
    REFUSED = "refused", _("Refused")
    UNREACHABLE = "unreachable", _("Unreachable")


class SurveyImport(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="imports")
    file_name = models.CharField(max_length=300)
    rows = models.PositiveIntegerField(default=0)
    replaced = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.rows})"


class Response(models.Model):
    """One survey attempt (a callback), completed or not."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    response_id = models.CharField(_("survey ID"), max_length=120)
    imported = models.ForeignKey(
        SurveyImport, null=True, on_delete=models.SET_NULL, related_name="responses"
    )
    surveyed_at = models.DateTimeField(_("surveyed at"), db_index=True)
    status = models.CharField(_("status"), max_length=12, choices=ResponseStatus.choices)
    customer_id = models.CharField(_("customer"), max_length=120, blank=True)
    interaction_id = models.CharField(_("interaction"), max_length=120, blank=True)
    answers = models.JSONField(_("answers"), default=dict, blank=True)  # as given
    feed_error = models.TextField(blank=True)  # the last failed write to the records store
    scores = models.JSONField(default=dict, blank=True)  # question -> 0–100
    rating = models.PositiveSmallIntegerField(_("rating (1–5)"), null=True, blank=True)
    nps = models.PositiveSmallIntegerField(
        _("likelihood to recommend (0–10)"), null=True, blank=True
    )
    row = models.PositiveIntegerField(null=True, blank=True)  # row of the imported file

    class Meta:
        ordering = ["-surveyed_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "response_id"], name="survey_response_once")
        ]
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")

    def __str__(self) -> str:
        return f"{self.survey.code}:{self.response_id}"


class Credit(models.Model):
    """Who a response counts for: an employee in a role, or a team sharing a score (车间)."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="credits")
    role = models.CharField(_("role"), max_length=40)
    employee = models.ForeignKey(
        "org.Employee", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    team = models.ForeignKey("org.Team", on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey("org.Department", on_delete=models.PROTECT, related_name="+")
    shared = models.BooleanField(default=False)  # a team-level credit
    cs = models.DecimalField(_("CS"), max_digits=9, decimal_places=4, null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["employee"]), models.Index(fields=["team"])]

    def __str__(self) -> str:
        who = self.employee.code if self.employee_id else self.team.code
        return f"{self.response} {self.role} {who}"


class CallbackPlan(models.Model):
    """How many callbacks an employee (or a team) is to make in a period (回访计划)."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="plans")
    period = models.CharField(_("period"), max_length=10)
    employee = models.ForeignKey("org.Employee", on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey("org.Team", on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey("org.Department", on_delete=models.PROTECT, related_name="+")
    planned = models.PositiveIntegerField(_("planned"))
    feed_error = models.TextField(blank=True)  # the last failed write to the records store

    class Meta:
        ordering = ["period", "employee__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "period", "employee"], name="one_callback_plan"
            )
        ]

    def __str__(self) -> str:
        return f"{self.survey.code} {self.period} {self.employee.code}: {self.planned}"


class FollowUpStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    CLOSED = "closed", _("Closed")


class FollowUp(models.Model):
    """CS 补救: a dissatisfied answer is followed up by an owner before a due date."""

    class Outcome(models.TextChoices):
        RESOLVED = "resolved", _("Customer satisfied")
        UNRESOLVED = "unresolved", _("Still dissatisfied")
        UNREACHABLE = "unreachable", _("Customer unreachable")

    response = models.OneToOneField(Response, on_delete=models.CASCADE, related_name="followup")
    reason = models.TextField(_("why"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("owner"),
    )
    team = models.ForeignKey(
        "org.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        "org.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    due_on = models.DateField(_("due on"))
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=FollowUpStatus.choices,
        default=FollowUpStatus.OPEN,
        db_index=True,
    )
    notes = models.TextField(_("notes"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["status", "due_on", "id"]
        verbose_name = _("follow-up task")
        verbose_name_plural = _("follow-up tasks")

    def __str__(self) -> str:
        return f"CS 补救 #{self.pk} ({self.response})"

    @property
    def overdue(self) -> bool:
        from django.utils import timezone

        if self.status == FollowUpStatus.CLOSED:
            return bool(self.closed_at and timezone.localdate(self.closed_at) > self.due_on)
        return timezone.localdate() > self.due_on
