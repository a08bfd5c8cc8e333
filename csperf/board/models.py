"""Improvement plans (绩效改进计划) that follow from a failing card."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PlanStatus(models.TextChoices):
    OPEN = "open", _("In progress")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class ImprovementPlan(models.Model):
    """What the employee and their supervisor agreed to change after a failing card.

    The effect is not stored: it is read from the employee's next card (see ``board.effects``),
    so a recompute or an appeal of that card shows at once.
    """

    card = models.ForeignKey(
        "reviews.Card",
        verbose_name=_("scorecard"),
        on_delete=models.PROTECT,
        related_name="improvement_plans",
    )
    # Denormalised from the card: plans are listed per employee across cycles.
    employee = models.ForeignKey(
        "org.Employee", verbose_name=_("employee"), on_delete=models.PROTECT, related_name="+"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    problem = models.TextField(_("what must improve"))
    actions = models.TextField(_("actions"), help_text=_("One action per line."))
    target = models.CharField(_("target"), max_length=300, blank=True)
    deadline = models.DateField(_("deadline"))
    status = models.CharField(
        _("status"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.OPEN
    )
    outcome = models.TextField(_("outcome"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # A cancelled plan may be replaced; otherwise one plan per card.
            models.UniqueConstraint(
                fields=["card"],
                condition=~Q(status="cancelled"),
                name="one_live_plan_per_card",
            )
        ]
        verbose_name = _("improvement plan")
        verbose_name_plural = _("improvement plans")

    def __str__(self) -> str:
        return f"{self.employee.name} · {self.card.cycle.period}"

    @property
    def audit_card_id(self) -> int:
        return self.card_id

    @property
    def audit_cycle_id(self) -> int:
        return self.card.cycle_id

    @property
    def action_lines(self) -> list[str]:
        return [line.strip() for line in self.actions.splitlines() if line.strip()]

    @property
    def overdue(self) -> bool:
        return self.status == PlanStatus.OPEN and timezone.localdate() > self.deadline
