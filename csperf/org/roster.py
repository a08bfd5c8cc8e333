"""Loading the organisation from the records store's roster (the ``employees`` record type).

The roster names each person's team, department, position, supervisor and hire/leave dates
(docs/records.md). Loading is idempotent: known people are updated, a changed team or position
becomes a move effective on the load date (or the hire date for new people).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.db import transaction

from csperf.core import audit
from csperf.org.models import Assignment, Company, Department, Employee, Position, Team


def _code(text: str, prefix: str, taken: dict[str, str]) -> str:
    """A stable short code for a name (names are what the roster has)."""
    if text not in taken:
        taken[text] = f"{prefix}{len(taken) + 1:02d}"
    return taken[text]


def people_in_records(data_dir: str | Path | None) -> list[Any]:
    """The imported roster (record type ``employees``), by employee id."""
    from csperf.ingest.roster import read_roster
    from csperf.ingest.store import open_store

    with open_store(data_dir) as store:
        return sorted(read_roster(store).values(), key=lambda p: p.id)


TERMS = ("pay_base", "tier", "probation_end")  # the roster's terms of employment


def _sync_terms(emp: Employee, p: Any, actor: Any) -> None:
    """Pay base, tier (客服分级) and probation from the roster; a change is audited."""
    new = {
        "pay_base": p.pay_base,
        "tier": p.tier or "",
        "probation_end": p.probation_end,
    }
    changed = {k: v for k, v in new.items() if getattr(emp, k) != v}
    if not changed:
        return
    old = {k: getattr(emp, k) for k in changed}
    for k, v in changed.items():
        setattr(emp, k, v)
    emp.save(update_fields=list(changed))
    audit.record(actor, "terms", emp, old=old, new=changed, reason="roster")


def sync_roster(
    people: list[Any], *, actor: Any = None, company_name: str = "演示客服中心"
) -> dict[str, int]:
    today = dt.date.today()
    counts = {"departments": 0, "teams": 0, "positions": 0, "hired": 0, "moved": 0, "left": 0}
    with transaction.atomic():
        company, _ = Company.objects.get_or_create(code="main", defaults={"name": company_name})
        dept_codes = {d.name: d.code for d in Department.objects.all()}
        team_codes = {t.name: t.code for t in Team.objects.all()}
        pos_codes = {p.name: p.code for p in Position.objects.all()}
        for p in people:
            dept_code = _code(p.department or "-", "D", dept_codes)
            dept, created = Department.objects.get_or_create(
                code=dept_code, defaults={"company": company, "name": p.department or "-"}
            )
            counts["departments"] += created
            team_code = _code(p.team or "-", "T", team_codes)
            team, created = Team.objects.get_or_create(
                code=team_code, defaults={"department": dept, "name": p.team or "-"}
            )
            counts["teams"] += created
            pos_code = _code(p.position or "-", "P", pos_codes)
            position, created = Position.objects.get_or_create(
                code=pos_code, defaults={"name": p.position or "-"}
            )
            counts["positions"] += created
            emp = Employee.objects.filter(code=p.id).first()
            if emp is None:
                emp = Employee.objects.create(
                    code=p.id,
                    name=p.name,
                    hired_on=p.hired_at,
                    left_on=p.left_at,
                    pay_base=p.pay_base,
                    tier=p.tier or "",
                    probation_end=p.probation_end,
                )
                Assignment.objects.create(
                    employee=emp,
                    team=team,
                    position=position,
                    start=p.hired_at or dt.date(2000, 1, 1),
                    reason="roster",
                )
                audit.record(
                    actor,
                    "hire",
                    emp,
                    new={"team": team.code, "position": position.code},
                    reason="roster",
                )
                counts["hired"] += 1
                continue
            _sync_terms(emp, p, actor)
            if emp.left_on != p.left_at:
                audit.record(
                    actor,
                    "leave",
                    emp,
                    field="left_on",
                    old=emp.left_on,
                    new=p.left_at,
                    reason="roster",
                )
                emp.left_on = p.left_at
                emp.save(update_fields=["left_on"])
                counts["left"] += 1
            now = emp.placement_on(today)
            if now is None or now.team_id != team.pk or now.position_id != position.pk:
                start = max(today, p.hired_at or today)
                Assignment.objects.update_or_create(
                    employee=emp,
                    start=start,
                    defaults={"team": team, "position": position, "reason": "roster"},
                )
                audit.record(
                    actor,
                    "move",
                    emp,
                    new={"team": team.code, "position": position.code},
                    reason="roster",
                )
                counts["moved"] += 1
    return counts
