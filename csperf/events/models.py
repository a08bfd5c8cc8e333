"""奖惩/事件 recorded about a person, and the declaration that a unit's events of a period are
all recorded (本期事件已登记完毕).

Both reach the cards through the records store (``feed.py``): an event is one ``incidents`` row
keyed ``EV<id>``; a declaration is the ``values`` row ``events_recorded`` of the unit and period,
without which an events-fed card input is reported missing instead of scoring a silent zero.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from csperf.ingest.events import EventKind, event_kinds


def validate_kind(code: str) -> None:
    """The kind must be one of csperf/ingest/event_kinds.yaml (kinds are data, not choices)."""
    if code not in event_kinds():
        raise ValidationError(_("%(kind)s is not a kind of event.") % {"kind": code}, code="kind")


class EventStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    VOID = "void", _("Void")


class Event(models.Model):
    """One praise, complaint, error, violation … recorded about a person. Never deleted: a
    mistaken event is voided (the row stays, the store row is written again with count 0)."""

    employee = models.ForeignKey(
        "org.Employee", verbose_name=_("employee"), on_delete=models.PROTECT, related_name="events"
    )
    # The employee's team on the day of the event: decides who sees it and which closing covers it.
    team = models.ForeignKey("org.Team", on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey("org.Department", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=60, validators=[validate_kind], db_index=True)
    occurred_on = models.DateField(_("date"), db_index=True)
    count = models.DecimalField(_("count"), max_digits=12, decimal_places=3, default=1)
    points = models.DecimalField(
        _("points"), max_digits=12, decimal_places=3, null=True, blank=True
    )
    amount = models.DecimalField(
        _("amount"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    evidence = models.TextField(_("evidence"))  # what shows it happened: a link, a document number
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(
        _("status"), max_length=10, choices=EventStatus.choices, default=EventStatus.ACTIVE
    )
    void_reason = models.TextField(_("reason for voiding"), blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    voided_at = models.DateTimeField(null=True, blank=True)
    feed_error = models.TextField(blank=True)  # the last failed write to the records store

    class Meta:
        ordering = ["-occurred_on", "-id"]
        indexes = [models.Index(fields=["employee", "occurred_on"])]
        constraints = [
            models.CheckConstraint(condition=Q(count__gte=0), name="event_count_not_negative")
        ]
        verbose_name = _("event")
        verbose_name_plural = _("events")

    def __str__(self) -> str:
        return f"EV{self.pk} {self.employee.code} {self.kind_name} {self.occurred_on}"

    @property
    def record_id(self) -> str:
        """The event's key in the records store (incidents.incident_id)."""
        return f"EV{self.pk}"

    @property
    def kind_info(self) -> EventKind | None:
        return event_kinds().get(self.kind)

    @property
    def kind_name(self) -> str:
        info = self.kind_info
        return info.name if info else self.kind

    @property
    def kind_group(self) -> str:
        info = self.kind_info
        return info.group if info else ""

    @property
    def measure(self) -> str:
        info = self.kind_info
        return info.measure if info else "count"

    @property
    def is_void(self) -> bool:
        return self.status == EventStatus.VOID


class CloseScope(models.TextChoices):
    TEAM = "team", _("Team")
    DEPARTMENT = "department", _("Department")
    CENTER = "center", _("Whole centre")


class EventsClosed(models.Model):
    """The declaration that a unit's events of a period are all recorded.

    A reopen keeps the row (``reopened`` with who, when and why) instead of deleting it: the store
    row must be written again with value 0, and a failed write needs a row to keep its error on
    and to be retried from; the page also shows the history. At most one row per unit and period
    is not reopened (a later close is a new row).
    """

    scope = models.CharField(_("scope"), max_length=12, choices=CloseScope.choices)
    team = models.ForeignKey(
        "org.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        "org.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    unit_key = models.CharField(max_length=40, editable=False)  # team:<pk>, department:<pk>, center
    period = models.CharField(_("period"), max_length=10, db_index=True)
    # The store subjects written for the unit (its code, and its name when the roster may use it),
    # kept so a reopen writes 0 to exactly the rows the close wrote 1 to.
    subjects = models.JSONField(default=list, editable=False)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(auto_now_add=True)
    reopened = models.BooleanField(_("reopened"), default=False)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reopened_at = models.DateTimeField(null=True, blank=True)
    reopen_reason = models.TextField(_("reason for reopening"), blank=True)
    feed_error = models.TextField(blank=True)  # the last failed write to the records store

    class Meta:
        ordering = ["-period", "unit_key", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit_key", "period"],
                condition=Q(reopened=False),
                name="events_closed_once_per_unit_and_period",
            ),
            models.CheckConstraint(
                condition=(
                    Q(scope="team", team__isnull=False, department__isnull=True)
                    | Q(scope="department", team__isnull=True, department__isnull=False)
                    | Q(scope="center", team__isnull=True, department__isnull=True)
                ),
                name="events_closed_unit_matches_scope",
            ),
        ]
        verbose_name = _("events declared complete")
        verbose_name_plural = _("events declared complete")

    def __str__(self) -> str:
        return f"{self.unit_label} {self.period}"

    @property
    def unit(self):
        return self.team if self.scope == CloseScope.TEAM else self.department

    @property
    def unit_label(self) -> str:
        if self.scope == CloseScope.CENTER:
            return str(CloseScope.CENTER.label)
        return str(self.unit)
