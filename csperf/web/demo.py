"""The demo centre behind `csperf demo`: records, organisation, templates, logins and cycles.

The records cover at least the last full year, so that besides last month's cycle the demo
computes the cycles of the last full quarter and the last full year: each cycle pins the
built-in templates of its own period kind (monthly cards in the month, the quarterly 客服部经理,
客服部门 … cards in the quarter, the 呼叫中心事业部 PBC in the year); people whose card is of
another kind get none in that cycle (listed as "no template" in its compute report).

Idempotent: a second run reuses what the first one made (the SQLite database and the records
store in the data directory).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.db import transaction

if TYPE_CHECKING:
    from django.contrib.auth.models import User

DEMO_PASSWORD = "demo"
AGENT1_POSITION = "电话专员"  # a monthly card rated 自评 → 上级: the whole chain shows
AGENT2_POSITION = "话务员"  # a hotline agent of another team
LOGINS = [
    ("hr", "HR performance admin"),
    ("auditor", "Auditor (read-only)"),
    ("manager1", "Department manager / reviewer"),
    ("supervisor1", "Team supervisor"),
    ("inspector1", "QC inspector"),
    ("agent1", "Agent"),
    ("agent2", "Agent (another team)"),
]


def load_builtin_templates(actor: User | None = None) -> list[Any]:
    from csperf.cycles.actions import add_template
    from csperf.cycles.models import ScorecardTemplate
    from csperf.templates import builtin_paths

    loaded = []
    for path in builtin_paths():
        text = path.read_text(encoding="utf-8")
        code, version = _code_and_version(text)
        existing = ScorecardTemplate.objects.filter(code=code, version=version).first()
        loaded.append(existing or add_template(actor, text, source=path.name, builtin=True))
    return loaded


def _code_and_version(text: str) -> tuple[str, int]:
    """A template's code and version from its top-level keys (parsing a template is slow; the
    template is parsed when it is added)."""
    code = re.search(r"^code:\s*(\S+)\s*$", text, re.MULTILINE)
    version = re.search(r"^version:\s*(\d+)\s*$", text, re.MULTILINE)
    if code and version:
        return code.group(1), int(version.group(1))
    from csperf.scoring import load_template

    parsed = load_template(text)
    return parsed.code, parsed.version


def link_positions(templates: list[Any]) -> None:
    """Positions take the template whose ``x-positions`` names them (monthly ones first)."""
    from csperf.org.models import Position

    for tpl in sorted(templates, key=lambda t: (t.period != "month", t.code)):
        for name in tpl.positions:
            Position.objects.filter(name=name, default_template_code="").update(
                default_template_code=tpl.code
            )


def _user(username: str, *, first_name: str = "") -> Any:
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=username, defaults={"first_name": first_name}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    return user


def create_logins(people: list[Any]) -> dict[str, Any]:
    """One login per role, attached to real people of the demo roster.

    agent1 is a 电话专员, whose monthly card starts with a self-rating (the whole chain shows);
    agent2 a hotline 话务员 of another team; supervisor1 is agent1's supervisor (班长), manager1
    their department's manager (the supervisor's supervisor, 呼叫中心经理), inspector1 a QC
    inspector of that department. People on probation are not picked.
    """
    from csperf.org.models import Employee, Membership, Position, Role

    by_id = {p.id: p for p in people}
    today = dt.date.today()
    active = [p for p in people if p.left_at is None and not p.on_probation(today)]
    chains = {
        pos.name: (tpl.rater_roles if tpl else None)
        for pos in Position.objects.all()
        for tpl in [_latest(pos.default_template_code)]
        if tpl is None or tpl.period == "month"
    }
    scored = [p for p in active if chains.get(p.position) is not None]
    if not scored:
        raise RuntimeError("no position of the demo roster has a built-in template")
    rated = [p for p in scored if "self" in (chains[p.position] or [])]
    first = next(
        (p for p in rated if p.position == AGENT1_POSITION), rated[0] if rated else scored[0]
    )
    others = [p for p in scored if p.team != first.team]
    second = next(
        (p for p in others if p.position == AGENT2_POSITION), others[0] if others else None
    )
    if second is None:
        raise RuntimeError("the demo roster has a single team; agent1 and agent2 need two")
    boss = by_id.get(first.supervisor or "")
    manager = by_id.get(boss.supervisor or "") if boss else None
    inspector = next(
        (
            p
            for p in active
            if p.department == first.department and p.position == "质检员" and p is not first
        ),
        None,
    )

    def person(username: str, p: Any | None) -> Any:
        emp = Employee.objects.filter(code=p.id).first() if p else None
        user = _user(username, first_name=emp.name if emp else "")
        if (
            emp is not None
            and emp.user_id is None
            and not Employee.objects.filter(user=user).exists()
        ):
            emp.user = user
            emp.save(update_fields=["user"])
        return user

    users = {
        "agent1": person("agent1", first),
        "agent2": person("agent2", second),
        "supervisor1": person("supervisor1", boss),
        "manager1": person("manager1", manager),
        "inspector1": person("inspector1", inspector),
        "hr": _user("hr", first_name="人力资源"),
        "auditor": _user("auditor", first_name="审计"),
    }
    team = Employee.objects.get(code=first.id).placement_on(dt.date.today()).team
    Membership.objects.get_or_create(user=users["supervisor1"], role=Role.SUPERVISOR, team=team)
    Membership.objects.get_or_create(
        user=users["manager1"], role=Role.MANAGER, department=team.department
    )
    Membership.objects.get_or_create(
        user=users["inspector1"], role=Role.INSPECTOR, department=team.department
    )
    Membership.objects.get_or_create(user=users["hr"], role=Role.HR)
    Membership.objects.get_or_create(user=users["auditor"], role=Role.AUDITOR)
    return users


def staff_logins(people: list[Any]) -> dict[str, Any]:
    """A login for everyone who rates or is rated, so that every stage of every chain has a
    rater and access can be tried team by team.

    Every team's supervisor (the person most of the team reports to) gets ``sup-`` + the team
    code in lower case, every department's manager (the person its supervisors report to)
    ``mgr-`` + the department code, a department whose cards have a QC stage ``qc-`` + the
    department code (one of its 质检员), and every other person their employee code in lower case
    (their self-rating). A person who already has a login (the named personas) keeps it; the
    ``sup-``/``mgr-`` login then holds the role without being that person.
    """
    from collections import Counter

    from django.contrib.auth.hashers import make_password

    from csperf.org.models import Department, Employee, Membership, Position, Role, Team

    hashed = make_password(DEMO_PASSWORD)  # hashed once: a demo centre has hundreds of people
    User = get_user_model()
    by_id = {p.id: p for p in people}
    employees = {e.code: e for e in Employee.objects.select_related("user")}
    made: dict[str, Any] = {}

    def login(username: str, code: str | None) -> Any:
        emp = employees.get(code or "")
        name = emp.name if emp else ""
        user, _created = User.objects.get_or_create(
            username=username, defaults={"first_name": name, "password": hashed}
        )
        if emp is not None and emp.user_id is None and not hasattr(user, "employee"):
            emp.user = user
            emp.save(update_fields=["user"])
        made[username] = user
        return user

    def boss_of(members: list[Any]) -> str | None:
        bosses = Counter(p.supervisor for p in members if p.supervisor and p.supervisor != p.id)
        return bosses.most_common(1)[0][0] if bosses else None

    teams = {t.name: t for t in Team.objects.select_related("department")}
    depts = {d.name: d for d in Department.objects.all()}
    team_boss: dict[str, str | None] = {}
    for name, team in teams.items():
        members = [p for p in people if p.team == name]
        boss = boss_of(members)
        team_boss[name] = boss
        user = login(f"sup-{team.code.lower()}", boss)
        Membership.objects.get_or_create(user=user, role=Role.SUPERVISOR, team=team)
    for dept in depts.values():
        bosses = [
            by_id[b] for t, b in team_boss.items() if b in by_id and teams[t].department == dept
        ]
        manager = boss_of(bosses)
        user = login(f"mgr-{dept.code.lower()}", manager)
        Membership.objects.get_or_create(user=user, role=Role.MANAGER, department=dept)
    chains = {
        pos.name: set(tpl.rater_roles or []) if tpl else set()
        for pos in Position.objects.all()
        for tpl in [_latest(pos.default_template_code)]
    }
    for name, dept in depts.items():
        staff = [p for p in people if p.department == name]
        if not any(chains.get(p.position, set()) & {"qc", "inspector"} for p in staff):
            continue
        inspector = next((p.id for p in staff if p.position == "质检员"), None)
        user = login(f"qc-{dept.code.lower()}", inspector)
        Membership.objects.get_or_create(user=user, role=Role.INSPECTOR, department=dept)
    for code, emp in employees.items():
        if emp.user_id is None:
            login(code.lower(), code)
    return made


def _latest(code: str) -> Any:
    from csperf.cycles.actions import latest_template

    return latest_template(code) if code else None


def ensure_records(
    data_dir: Path, *, agents: int, months: int, seed: int, say: Callable[[str], None]
) -> None:
    """Generate the demo records once (what `csperf demo-data` does)."""
    from csperf.ingest.store import records_exist

    if records_exist(data_dir):
        say(f"records: reusing the records in {data_dir}")
        return
    from csperf.ingest.demo import generate_demo
    from csperf.ingest.store import open_store

    say(f"records: generating a demo centre ({agents} agents, {months} months) …")
    store = open_store(data_dir, create=True)
    try:
        res = generate_demo(store, agents=agents, months=months, seed=seed)
    finally:
        store.close()
    say(f"records: {res.employees} employees, {sum(res.rows.values())} records in {store.where}")


def last_full_periods(month: str) -> dict[str, str]:
    """The last full month, quarter and year up to and including ``month``."""
    y, m = int(month[:4]), int(month[5:7])
    q_year, q = (y, m // 3) if m >= 3 else (y - 1, 4)
    return {
        "month": f"{y:04d}-{m:02d}",
        "quarter": f"{q_year:04d}-Q{q}",
        "year": f"{y if m == 12 else y - 1:04d}",
    }


def months_to_cover(month: str) -> int:
    """Months of records from January of the last full year up to ``month``."""
    m = int(month[5:7])
    return m if m == 12 else 12 + m


def records_start(data_dir: Path) -> dt.date | None:
    """The first day of the records (attendance), or None without any."""
    from csperf.ingest.store import open_store

    with open_store(data_dir) as store:
        t = store.table("attendance")
        return t.date.min().to_pyarrow().as_py()


def _cycle(hr: Any, period: str, say: Callable[[str], None]) -> Any:
    """Create (or find), compute and open the cycle of ``period``."""
    from csperf.core import jobs
    from csperf.core.models import Job
    from csperf.cycles import actions as cycle_actions
    from csperf.cycles.models import Cycle

    cycle = Cycle.objects.filter(period=period).first()
    if cycle is None:
        cycle = cycle_actions.create_cycle(hr, period=period)
        say(f"cycle {period}: created ({cycle.templates.count()} positions with a card)")
    if cycle.computed_at is None:
        job = cycle_actions.request_compute(hr, cycle)
        say(f"cycle {period}: computing indicators and scores …")
        claimed = jobs.claim_next()
        if claimed is not None:
            jobs.run_job(claimed)
        job.refresh_from_db()
        if job.status != Job.Status.DONE:
            raise RuntimeError(f"computing the cycle {period} failed: {job.error}")
        cycle.refresh_from_db()
        say(f"cycle {period}: {job.result.get('cards')} cards")
    if cycle.status == Cycle.Status.DRAFT:
        cycle_actions.open_cycle(hr, cycle)
    return cycle


def setup_demo(
    data_dir: Path,
    *,
    agents: int = 40,
    months: int = 3,
    seed: int = 7,
    say: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Make the demo ready to serve; returns last month's cycle, every cycle computed (month,
    quarter, year) and the logins. ``months`` is a minimum: new records always reach back to
    January of the last full year."""
    from csperf.ingest.demo import last_full_month
    from csperf.org.models import Employee
    from csperf.org.roster import people_in_records, sync_roster

    periods = last_full_periods(last_full_month())
    months = max(months, months_to_cover(periods["month"]))
    ensure_records(data_dir, agents=agents, months=months, seed=seed, say=say)
    people = people_in_records(data_dir)
    if not Employee.objects.exists():
        say("organisation: loading the roster …")
        counts = sync_roster(people)
        say(
            f"organisation: {counts['hired']} people, {counts['teams']} teams, {counts['departments']} departments"
        )
    with transaction.atomic():
        templates = load_builtin_templates()
        link_positions(templates)
        users = create_logins(people)
        staff_logins(people)
    start = records_start(data_dir)
    kinds = {t.period for t in templates if set(t.positions) & {p.position for p in people}}
    cycles = []
    for kind in ("month", "quarter", "year"):
        period = periods[kind]
        if kind not in kinds:
            continue
        if kind != "month" and (start is None or start > _first_day(period)):
            say(f"cycle {period}: skipped (the records begin on {start})")
            continue
        cycles.append(_cycle(users["hr"], period, say))
    return {"cycle": cycles[0], "cycles": cycles, "users": users}


def _first_day(period: str) -> dt.date:
    from csperf.kernel.periods import parse_period

    return parse_period(period).start
