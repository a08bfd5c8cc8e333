"""Scorecard templates (versioned), cycles and the templates a cycle uses."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import lru_cache

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from csperf.scoring import Period, Template, load_template


@lru_cache(maxsize=64)
def _parse(source: str, name: str) -> Template:
    return load_template(source, source=name)


class ScorecardTemplate(models.Model):
    """One version of a scorecard template (考核表). Versions are never edited, only added."""

    code = models.CharField(_("code"), max_length=80)
    version = models.PositiveIntegerField(_("version"))
    name = models.CharField(_("name"), max_length=200)
    period = models.CharField(_("period kind"), max_length=10)
    period_start_day = models.PositiveSmallIntegerField(default=1)
    source = models.TextField(_("template text"))
    positions = models.JSONField(_("positions"), default=list, blank=True)
    rater_roles = models.JSONField(default=list, blank=True)
    builtin = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="template_code_version")
        ]
        verbose_name = _("scorecard template")
        verbose_name_plural = _("scorecard templates")

    def __str__(self) -> str:
        return f"{self.name} ({self.code} v{self.version})"

    @property
    def parsed(self) -> Template:
        return _parse(self.source, f"{self.code}.v{self.version}")


class Cycle(models.Model):
    """One evaluation period of the organisation (e.g. the 2026-03 monthly cycle)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Setting up")
        OPEN = "open", _("Rating")
        CLOSED = "closed", _("Closed")
        # An opened or closed cycle is never deleted: archiving withdraws it from the lists.
        ARCHIVED = "archived", _("Archived")

    name = models.CharField(_("name"), max_length=200)
    period = models.CharField(_("period"), max_length=10, db_index=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    rating_deadline = models.DateField(_("ratings due"))
    appeal_days = models.PositiveSmallIntegerField(_("appeal window (days)"), default=7)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    computed_at = models.DateTimeField(null=True, blank=True)
    # Who was left out of the last compute and why (no placement, no template, not eligible).
    compute_report = models.JSONField(default=dict, blank=True)
    # Rating opens and cards are published only when this share of the record-fed weight had data.
    min_coverage = models.DecimalField(
        _("minimum data coverage"),
        max_digits=4,
        decimal_places=3,
        default=Decimal("0.8"),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))],
    )
    # Who the cycle is for: people in these departments or teams (none: every unit) holding
    # these positions (none: every position). Two cycles of one period never share a person.
    departments = models.ManyToManyField(
        "org.Department", verbose_name=_("departments"), blank=True, related_name="+"
    )
    teams = models.ManyToManyField(
        "org.Team", verbose_name=_("teams"), blank=True, related_name="+"
    )
    positions = models.ManyToManyField(
        "org.Position", verbose_name=_("positions"), blank=True, related_name="+"
    )
    archived_at = models.DateTimeField(null=True, blank=True)
    archived_reason = models.TextField(_("why archived"), blank=True)
    # 结果公示: HR may show the released results (name, total, grade, rank; never pay) of a
    # department to its members between two dates (inclusive).
    disclose_results = models.BooleanField(_("publish results to the department"), default=False)
    disclose_from = models.DateField(_("results shown from"), null=True, blank=True)
    disclose_until = models.DateField(_("results shown until"), null=True, blank=True)

    class Meta:
        ordering = ["-period", "-id"]
        verbose_name = _("cycle")
        verbose_name_plural = _("cycles")

    def __str__(self) -> str:
        return self.name

    @property
    def audit_cycle_id(self) -> int:
        return self.pk

    def disclosed_on(self, day: dt.date) -> bool:
        """Whether the department results page is open to members on ``day``."""
        return bool(
            self.disclose_results
            and self.disclose_from
            and self.disclose_until
            and self.disclose_from <= day <= self.disclose_until
        )

    @property
    def period_obj(self) -> Period:
        return Period.parse(self.period)

    def date_range(self, start_day: int = 1) -> tuple[dt.date, dt.date]:
        return self.period_obj.date_range(start_day)

    @property
    def overdue(self) -> bool:
        from django.utils import timezone

        return self.status == self.Status.OPEN and timezone.localdate() > self.rating_deadline


class CycleTemplate(models.Model):
    """The template (pinned version) a position uses in a cycle."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="templates")
    position = models.ForeignKey(
        "org.Position", verbose_name=_("position"), on_delete=models.PROTECT
    )
    template = models.ForeignKey(
        ScorecardTemplate, verbose_name=_("template"), on_delete=models.PROTECT
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["cycle", "position"], name="cycle_position")]

    @property
    def audit_cycle_id(self) -> int:
        return self.cycle_id

    def __str__(self) -> str:
        return f"{self.position} -> {self.template}"


class CycleOverride(models.Model):
    """A per-employee template that replaces the position's one in this cycle."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="overrides")
    employee = models.ForeignKey(
        "org.Employee", verbose_name=_("employee"), on_delete=models.PROTECT
    )
    template = models.ForeignKey(
        ScorecardTemplate, verbose_name=_("template"), on_delete=models.PROTECT
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cycle", "employee"], name="cycle_employee_override")
        ]

    @property
    def audit_cycle_id(self) -> int:
        return self.cycle_id

    def __str__(self) -> str:
        return f"{self.employee} -> {self.template}"


class InputValue(models.Model):
    """A value entered by hand for one employee in one cycle (overrides the computed one)."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="input_values")
    employee = models.ForeignKey("org.Employee", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("value name"), max_length=80)
    value = models.JSONField(_("value"), null=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    entered_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "employee", "name"], name="cycle_employee_value"
            )
        ]

    @property
    def audit_cycle_id(self) -> int:
        return self.cycle_id

    def __str__(self) -> str:
        return f"{self.employee.code}.{self.name}={self.value}"
