"""Loading the organisation from the records store's roster (the ``employees`` record type).

The roster names each person's team, department, position, supervisor and hire/leave dates
(docs/records.md). Loading is idempotent: known people are updated, a changed team or position
becomes a move effective on the load date (or the hire date for new people).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _

from csperf.core.errors import ActionError, InvalidInput
from csperf.org import actions
from csperf.org.models import Company, Department, Employee, Position, Team

if TYPE_CHECKING:
    from django.contrib.auth.models import User


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


ROSTER = "roster"  # the reason on every assignment and audit row the load writes


def _terms(p: Any) -> dict[str, Any]:
    return {"pay_base": p.pay_base, "tier": p.tier or "", "probation_end": p.probation_end}


def _unit(model: Any, code: str, defaults: dict[str, Any], counts: dict[str, int], key: str):
    obj, created = model.objects.get_or_create(code=code, defaults=defaults)
    counts[key] += created
    return obj


def _move_start(p: Any, today: dt.date) -> dt.date:
    """From today (or the hire date, if later); a leaver's last placement is on their last day."""
    start = max(today, p.hired_at or today)
    if p.left_at and start > p.left_at:
        start = max(p.left_at, p.hired_at or p.left_at)
    return start


def _sync_person(
    p: Any, team: Team, position: Position, actor: User | None, today: dt.date
) -> list[str]:
    """Hire, or bring terms, leaving date and placement up to date; the steps taken."""
    emp = Employee.objects.filter(code=p.id).first()
    if emp is None:
        actions.do_hire(
            actor,
            code=p.id,
            name=p.name,
            team=team,
            position=position,
            hired_on=p.hired_at,
            left_on=p.left_at,
            terms=_terms(p),
            reason=ROSTER,
        )
        return ["hired"]
    done = []
    actions.sync_terms(actor, emp, _terms(p), ROSTER)
    if emp.left_on != p.left_at:
        emp = actions.do_leave(actor, emp, left_on=p.left_at, reason=ROSTER)
        done.append("left")
    now = emp.placement_on(today)
    if now is None or now.team_id != team.pk or now.position_id != position.pk:
        actions.do_move(
            actor,
            emp,
            team=team,
            position=position,
            effective=_move_start(p, today),
            reason=ROSTER,
            replace=True,
        )
        done.append("moved")
    return done


def sync_roster(
    people: list[Any], *, actor: User | None = None, company_name: str = "演示客服中心"
) -> dict[str, int]:
    """Load the roster through ``org.actions`` (hire, move, leave, terms: each audited).

    All or nothing: a refused row (a leaving date before the hire date, say) stops the load
    with an error naming the row's employee id.
    """
    today = dt.date.today()
    counts = {"departments": 0, "teams": 0, "positions": 0, "hired": 0, "moved": 0, "left": 0}
    with transaction.atomic():
        company, _created = Company.objects.get_or_create(
            code="main", defaults={"name": company_name}
        )
        dept_codes = {d.name: d.code for d in Department.objects.all()}
        team_codes = {t.name: t.code for t in Team.objects.all()}
        pos_codes = {p.name: p.code for p in Position.objects.all()}
        for p in people:
            dept = _unit(
                Department,
                _code(p.department or "-", "D", dept_codes),
                {"company": company, "name": p.department or "-"},
                counts,
                "departments",
            )
            team = _unit(
                Team,
                _code(p.team or "-", "T", team_codes),
                {"department": dept, "name": p.team or "-"},
                counts,
                "teams",
            )
            position = _unit(
                Position,
                _code(p.position or "-", "P", pos_codes),
                {"name": p.position or "-"},
                counts,
                "positions",
            )
            try:
                steps = _sync_person(p, team, position, actor, today)
            except ActionError as exc:
                raise InvalidInput(
                    _("Roster, employee %(id)s: %(error)s") % {"id": p.id, "error": exc.message},
                    field=exc.field,
                ) from None
            for step in steps:
                counts[step] += 1
    return counts
