"""Company -> departments -> teams -> employees, positions (岗位), moves and role memberships."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    AGENT = "agent", _("Agent")
    SUPERVISOR = "supervisor", _("Supervisor")
    INSPECTOR = "inspector", _("QC inspector")
    MANAGER = "manager", _("Department manager")
    HR = "hr", _("HR performance admin")
    AUDITOR = "auditor", _("Auditor")


class Company(models.Model):
    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        verbose_name = _("company")
        verbose_name_plural = _("companies")

    def __str__(self) -> str:
        return self.name


class Department(models.Model):
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="departments")
    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        ordering = ["code"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="teams")
    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        ordering = ["department__code", "code"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self) -> str:
        return self.name


class Position(models.Model):
    """A job position (岗位); its default scorecard template is named by template code."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200, unique=True)
    default_template_code = models.CharField(_("default template"), max_length=80, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("position")
        verbose_name_plural = _("positions")

    def __str__(self) -> str:
        return self.name


class Employee(models.Model):
    code = models.CharField(_("employee ID"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="employee",
    )
    hired_on = models.DateField(_("hired on"), null=True, blank=True)
    left_on = models.DateField(_("left on"), null=True, blank=True)
    pay_base = models.DecimalField(
        _("pay base"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    tier = models.CharField(_("tier"), max_length=40, blank=True)  # 客服分级: 初级/中级/高级/资深
    probation_end = models.DateField(_("on probation until"), null=True, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("employee")
        verbose_name_plural = _("employees")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def placement_on(self, day: dt.date) -> Assignment | None:
        """Where the employee was on ``day``: the latest assignment starting on or before it."""
        return (
            self.assignments.filter(start__lte=day)
            .select_related("team__department", "position")
            .order_by("-start", "-id")
            .first()
        )

    def on_probation(self, last: dt.date) -> bool:
        """Still on probation on ``last`` (未满试用期: not assessed, no performance pay)."""
        return self.probation_end is not None and self.probation_end > last

    def employed_days(self, first: dt.date, last: dt.date) -> int:
        start = max(first, self.hired_on) if self.hired_on else first
        end = min(last, self.left_on) if self.left_on else last
        return max(0, (end - start).days + 1)


class Assignment(models.Model):
    """The employee's team and position from ``start`` until the next assignment (a move)."""

    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="assignments")
    team = models.ForeignKey(
        Team, verbose_name=_("team"), on_delete=models.PROTECT, related_name="+"
    )
    position = models.ForeignKey(
        Position, verbose_name=_("position"), on_delete=models.PROTECT, related_name="+"
    )
    start = models.DateField(_("effective from"))
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        ordering = ["employee", "start", "id"]
        constraints = [
            models.UniqueConstraint(fields=["employee", "start"], name="one_assignment_per_day")
        ]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")

    def __str__(self) -> str:
        return f"{self.employee.code} {self.team.code}/{self.position.code} {self.start}"


class Membership(models.Model):
    """A role held by a login, limited to a team (supervisor) or a department (manager, inspector).

    Agents need no membership: a login linked to an employee sees that employee's cards.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.CASCADE, related_name="memberships"
    )
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.CASCADE, related_name="memberships"
    )

    class Meta:
        verbose_name = _("role membership")
        verbose_name_plural = _("role memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "team", "department"], name="unique_membership"
            )
        ]

    def __str__(self) -> str:
        where = self.team or self.department or ""
        return f"{self.user} {self.get_role_display()} {where}".strip()
