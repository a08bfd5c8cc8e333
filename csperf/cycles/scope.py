"""Who a cycle is for: departments, teams and positions (none of a kind: all of that kind).

A person is in a cycle's scope when their unit is one of its departments or teams (or the cycle
names no unit) and their position is one of its positions (or it names none). Two cycles of the
same period must never share a person, or everyone in both gets two cards.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from csperf.cycles.models import Cycle
from csperf.org.models import Department, Position, Team


@dataclass(frozen=True)
class CycleScope:
    department_ids: frozenset[int] = frozenset()
    team_ids: frozenset[int] = frozenset()
    position_ids: frozenset[int] = frozenset()

    @classmethod
    def of(cls, cycle: Cycle) -> CycleScope:
        return cls(
            department_ids=frozenset(cycle.departments.values_list("pk", flat=True)),
            team_ids=frozenset(cycle.teams.values_list("pk", flat=True)),
            position_ids=frozenset(cycle.positions.values_list("pk", flat=True)),
        )

    @property
    def every_unit(self) -> bool:
        return not self.department_ids and not self.team_ids

    @property
    def everyone(self) -> bool:
        return self.every_unit and not self.position_ids

    def includes(self, *, team_id: int, department_id: int, position_id: int) -> bool:
        unit = self.every_unit or team_id in self.team_ids or department_id in self.department_ids
        return unit and (not self.position_ids or position_id in self.position_ids)

    def _teams(self) -> frozenset[int]:
        """The teams the units name: the listed teams and every team of a listed department."""
        of_departments = Team.objects.filter(department_id__in=self.department_ids)
        return self.team_ids | frozenset(of_departments.values_list("pk", flat=True))

    def overlaps(self, other: CycleScope) -> bool:
        """Could one person be in both? (An empty scope overlaps everything.)"""
        positions = (
            not self.position_ids
            or not other.position_ids
            or bool(self.position_ids & other.position_ids)
        )
        if not positions:
            return False
        if self.every_unit or other.every_unit:
            return True
        return bool(self.department_ids & other.department_ids) or bool(
            self._teams() & other._teams()
        )

    def label(self) -> str:
        """The scope in words, e.g. “客服一部、三组 · 客服专员”, or “everyone”."""
        if self.everyone:
            return _("everyone")
        units = [
            *Department.objects.filter(pk__in=self.department_ids).values_list("name", flat=True),
            *Team.objects.filter(pk__in=self.team_ids).values_list("name", flat=True),
        ]
        positions = list(
            Position.objects.filter(pk__in=self.position_ids).values_list("name", flat=True)
        )
        parts = ["、".join(units) if units else _("every unit")]
        parts.append("、".join(positions) if positions else _("every position"))
        return " · ".join(parts)

    def as_codes(self) -> dict[str, list[str]]:
        return {
            "departments": sorted(
                Department.objects.filter(pk__in=self.department_ids).values_list("code", flat=True)
            ),
            "teams": sorted(
                Team.objects.filter(pk__in=self.team_ids).values_list("code", flat=True)
            ),
            "positions": sorted(
                Position.objects.filter(pk__in=self.position_ids).values_list("code", flat=True)
            ),
        }
