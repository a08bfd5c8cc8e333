"""Survey steps, each written once: add a survey, import responses, set callback plans, work and
close follow-up tasks (CS 补救). Each checks, locks, saves and audits."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from csperf.core import audit
from csperf.core.errors import InvalidInput, InvalidTransition, NotAllowed
from csperf.metrics.periods import PeriodError, parse_period
from csperf.org.access import scope_for
from csperf.org.models import Employee, Membership, Role, Team
from csperf.surveys import feed
from csperf.surveys.access import can_manage_survey, can_work_followup
from csperf.surveys.models import (
    CallbackPlan,
    Credit,
    FollowUp,
    FollowUpStatus,
    Response,
    Survey,
    SurveyImport,
)
from csperf.surveys.scoring import (
    SurveyError,
    answer_score,
    credits,
    dissatisfied,
    load_survey,
    parse_status,
    split_names,
)

MAX_PROBLEMS = 100

# header -> field; the survey's role columns and question codes/texts are added per survey
FIXED_COLUMNS = {
    "response_id": ("survey_id", "response_id", "回访编号", "调研编号", "编号", "问卷编号"),
    "surveyed_at": ("surveyed_at", "回访时间", "调研时间", "时间", "回访日期"),
    "status": ("status", "状态", "回访状态", "回访结果"),
    "customer_id": ("customer_id", "客户编号", "客户", "客户号码"),
    "interaction_id": ("interaction_id", "关联编号", "通话编号", "工单号", "维修单号", "订单号"),
    "agent": ("agent_id", "坐席工号", "工号", "被评价人", "坐席"),
    "rating": ("rating", "score", "评分", "满意度评分", "满意度"),
    "nps": ("nps", "推荐值", "推荐意愿"),
}


class SurveyImportFailed(InvalidInput):
    """The file was rejected; nothing was stored. ``problems`` lists `file:row:column: message`."""

    def __init__(self, problems: list[str], total: int) -> None:
        more = f" (+{total - 1})" if total > 1 else ""
        super().__init__(problems[0] + more + _(" — nothing was imported."), field="file")
        self.problems = problems
        self.total = total


def _norm(h: str) -> str:
    return str(h).strip().lower().replace(" ", "_")


# -- surveys ---------------------------------------------------------------------------------


def add_survey(actor: Any, text: str, *, department: Any = None, owner: Any = None) -> Survey:
    """A new survey, or a new definition of an existing one (HR or its owner/manager)."""
    try:
        sdef = load_survey(text, source="survey")
    except SurveyError as exc:
        raise InvalidInput(str(exc), field="source") from None
    with transaction.atomic():
        existing = Survey.objects.select_for_update().filter(code=sdef.code).first()
        if existing is not None:
            if not can_manage_survey(actor, existing):
                raise NotAllowed(_("Only HR or the survey's owner may change it."))
            old = existing.source
            existing.source, existing.name, existing.kind = text, sdef.name, sdef.kind
            existing.save()
            audit.record(actor, "change_survey", existing, field="source", old=old, new=text)
            return existing
        if not (
            scope_for(actor).hr
            or (department is not None and department.pk in scope_for(actor).managed_department_ids)
        ):
            raise NotAllowed(_("Only HR or a department manager may add a survey."))
        s = Survey.objects.create(
            code=sdef.code,
            name=sdef.name,
            kind=sdef.kind,
            source=text,
            department=department,
            owner=owner or actor,
        )
        audit.record(actor, "add_survey", s, new={"code": s.code, "kind": s.kind})
    return s


def ensure_builtin_surveys() -> list[Survey]:
    from csperf.surveys.definitions import builtin_codes, builtin_text, load_builtin

    out = []
    for code in builtin_codes():
        d = load_builtin(code)
        s, _created = Survey.objects.get_or_create(
            code=d.code, defaults={"name": d.name, "kind": d.kind, "source": builtin_text(code)}
        )
        out.append(s)
    return out


# -- import ----------------------------------------------------------------------------------


def _parse_time(text: str) -> dt.datetime:
    text = text.strip().replace("/", "-").replace("T", " ")
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text, fmt)
        except ValueError:
            continue
    raise ValueError(f"{text!r} is not a date and time (YYYY-MM-DD HH:MM:SS)")


def _small_int(text: str, low: int, high: int) -> int | None:
    text = text.strip()
    if not text:
        return None
    try:
        v = Decimal(text)
    except Exception:
        raise ValueError(f"{text!r} is not a whole number") from None
    if v != v.to_integral_value() or not low <= v <= high:
        raise ValueError(f"{text} is not a whole number {low}–{high}")
    return int(v)


def import_responses(
    actor: Any, survey: Survey, path: str | Path, *, file_name: str | None = None
) -> SurveyImport:
    """Import a CSV or spreadsheet of responses: all rows or none.

    One row is one attempt. Columns: 回访编号, 回访时间, 状态 (完成/拒访/未接通), the survey's
    questions (by code or text: 很好/一般/… or 0–100), 评分 (1–5), 推荐值 (0–10), and the people:
    坐席工号, or each role's column (服务顾问, 维修技师, 维修班组 …; several separated by 、 or ,).
    Re-importing a response id replaces its answers (its follow-up task is kept).
    """
    from csperf.ingest.readers import ReadError, open_table

    if not can_manage_survey(actor, survey):
        raise NotAllowed(_("Only HR or the survey's owner may import responses."))
    sdef = survey.parsed
    fname = file_name or Path(path).name
    try:
        src = open_table(path)
    except ReadError as exc:
        raise SurveyImportFailed([f"{fname}: {str(exc).split(': ', 1)[-1]}"], 1) from None
    # -- header
    wanted: dict[str, tuple[str, ...]] = dict(FIXED_COLUMNS)
    for role in sdef.roles:
        wanted[f"role:{role.code}"] = (role.column, role.code)
    for q in sdef.questions:
        wanted[f"q:{q.code}"] = (q.code, q.text)
    by_header = {}
    for field_name, names in wanted.items():
        for n in names:
            by_header.setdefault(_norm(n), field_name)
    col: dict[str, int] = {}
    problems: list[str] = []
    for i, h in enumerate(src.header):
        f = by_header.get(_norm(h))
        if f and f not in col:
            col[f] = i
    for need in ("response_id", "surveyed_at", "status"):
        if need not in col:
            problems.append(
                f"{fname}:1: {_('required column missing')}: {' / '.join(FIXED_COLUMNS[need][2:4])}"
            )
    role_cols = [f"role:{r.code}" for r in sdef.roles]
    if not any(c in col for c in ["agent", *role_cols]):
        names = ", ".join([FIXED_COLUMNS["agent"][1]] + [r.column for r in sdef.roles])
        problems.append(f"{fname}:1: {_('no column names who the survey is about')} ({names})")
    if not any(k.startswith("q:") for k in col) and sdef.questions and "rating" not in col:
        problems.append(
            f"{fname}:1: {_('no question column')} ({', '.join(q.code for q in sdef.questions)})"
        )
    if problems:
        raise SurveyImportFailed(problems, len(problems))
    # -- rows
    employees = {e.code: e for e in Employee.objects.all()}
    teams = {t.code: t for t in Team.objects.select_related("department")}
    teams.update({t.name: t for t in teams.values()})
    parsed_rows: list[dict[str, Any]] = []
    total_problems = 0
    seen: dict[str, int] = {}

    def bad(row: int, column: str, msg: str) -> None:
        nonlocal total_problems
        total_problems += 1
        if len(problems) < MAX_PROBLEMS:
            problems.append(f"{fname}:{row}:{column}: {msg}")

    for batch in src.batches():
        tbl = batch.table
        cols = {f: tbl.column(f"c{i}").to_pylist() for f, i in col.items()}
        rows = tbl.column("_row").to_pylist()
        for j, rownum in enumerate(rows):
            cell = {f: (v[j] or "").strip() for f, v in cols.items()}
            header = {f: src.header[i] for f, i in col.items()}
            rec: dict[str, Any] = {"row": rownum}
            rid = cell["response_id"]
            if not rid:
                bad(rownum, header["response_id"], _("empty"))
                continue
            if rid in seen:
                bad(
                    rownum,
                    header["response_id"],
                    _("%(id)s is also on row %(row)s") % {"id": rid, "row": seen[rid]},
                )
                continue
            seen[rid] = rownum
            rec["response_id"] = rid
            try:
                rec["surveyed_at"] = _parse_time(cell["surveyed_at"])
            except ValueError as exc:
                bad(rownum, header["surveyed_at"], str(exc))
            try:
                rec["status"] = parse_status(cell["status"])
            except ValueError as exc:
                bad(rownum, header["status"], str(exc))
                continue
            for f, low, high in (("rating", 1, 5), ("nps", 0, 10)):
                try:
                    rec[f] = _small_int(cell.get(f, ""), low, high)
                except ValueError as exc:
                    bad(rownum, header[f], str(exc))
            rec["customer_id"] = cell.get("customer_id", "")
            rec["interaction_id"] = cell.get("interaction_id", "")
            answers, scores = {}, {}
            for q in sdef.questions:
                raw = cell.get(f"q:{q.code}", "")
                if not raw:
                    continue
                answers[q.code] = raw
                try:
                    scores[q.code] = answer_score(sdef, raw)
                except ValueError as exc:
                    bad(rownum, header[f"q:{q.code}"], str(exc))
            if (
                rec["status"] == "completed"
                and not scores
                and rec.get("rating") is None
                and rec.get("nps") is None
            ):
                bad(
                    rownum,
                    header.get("status", "status"),
                    _("a completed survey without any answer"),
                )
            rec["answers"], rec["scores"] = answers, scores
            people: dict[str, list] = {}
            roles = sdef.role_codes or ["agent"]
            for role in roles:
                spec = sdef.role(role)
                key = f"role:{role}" if spec else "agent"
                names = split_names(cell.get(key, ""))
                if spec and spec.shared == "team":
                    found = []
                    for n in names:
                        if n not in teams:
                            bad(rownum, header[key], _("no team %(t)s") % {"t": n})
                        else:
                            found.append(teams[n])
                    people[role] = found
                else:
                    found = []
                    for n in names:
                        if n not in employees:
                            bad(rownum, header[key], _("no employee %(e)s") % {"e": n})
                        else:
                            found.append(employees[n])
                    people[role] = found
            if not any(people.values()):
                bad(rownum, "", _("names nobody the survey is about"))
            rec["people"] = people
            parsed_rows.append(rec)
    if src.invalid_rows:
        for r, msg in src.invalid_rows:
            total_problems += 1
            problems.append(f"{fname}:{r or '?'}: {msg}")
    if problems:
        raise SurveyImportFailed(problems, max(total_problems, len(problems)))
    if not parsed_rows:
        raise SurveyImportFailed([f"{fname}: {_('the file has no rows')}"], 1)
    return _store_rows(actor, survey, parsed_rows, fname)


def _supervisor_of(team: Team) -> Any:
    m = (
        Membership.objects.filter(role=Role.SUPERVISOR, team=team)
        .select_related("user")
        .order_by("id")
        .first()
    )
    return m.user if m else None


def _store_rows(actor: Any, survey: Survey, rows: list[dict[str, Any]], fname: str) -> SurveyImport:
    sdef = survey.parsed
    tz = timezone.get_current_timezone()
    changed: list[int] = []
    with transaction.atomic():
        imp = SurveyImport.objects.create(
            survey=survey, file_name=fname[:300], rows=len(rows), created_by=actor
        )
        existing = {
            r.response_id: r
            for r in Response.objects.select_for_update().filter(
                survey=survey, response_id__in=[x["response_id"] for x in rows]
            )
        }
        for rec in rows:
            at = timezone.make_aware(rec["surveyed_at"], tz)
            fields = {
                "imported": imp,
                "surveyed_at": at,
                "status": rec["status"],
                "customer_id": rec["customer_id"][:120],
                "interaction_id": rec["interaction_id"][:120],
                "answers": rec["answers"],
                "scores": {k: str(v) for k, v in rec["scores"].items()},
                "rating": rec.get("rating"),
                "nps": rec.get("nps"),
                "row": rec["row"],
            }
            resp = existing.get(rec["response_id"])
            if resp is not None:
                for k, v in fields.items():
                    setattr(resp, k, v)
                resp.save()
                resp.credits.all().delete()
                imp.replaced += 1
            else:
                resp = Response.objects.create(
                    survey=survey, response_id=rec["response_id"], **fields
                )
            day = rec["surveyed_at"].date()
            people_codes = {role: [p.code for p in found] for role, found in rec["people"].items()}
            by_code = {p.code: p for found in rec["people"].values() for p in found}
            first_team = None
            for c in credits(
                sdef, rec["scores"], people_codes, completed=rec["status"] == "completed"
            ):
                obj = by_code[c.subject]
                if c.team:
                    team = obj
                    emp = None
                else:
                    emp = obj
                    place = (
                        emp.placement_on(day)
                        or emp.assignments.select_related("team__department").first()
                    )
                    if place is None:
                        raise SurveyImportFailed(
                            [f"{fname}:{rec['row']}: " + _("%(e)s has no team") % {"e": emp.code}],
                            1,
                        )
                    team = place.team
                first_team = first_team or team
                Credit.objects.create(
                    response=resp,
                    role=c.role,
                    employee=emp,
                    team=team,
                    department=team.department,
                    shared=c.team,
                    cs=c.cs,
                )
            if rec["status"] == "completed":
                why = dissatisfied(sdef, rec["scores"], rec.get("rating"))
                if why and not hasattr(resp, "followup"):
                    owner = (_supervisor_of(first_team) if first_team else None) or survey.owner
                    f = FollowUp.objects.create(
                        response=resp,
                        reason="; ".join(why),
                        owner=owner,
                        team=first_team,
                        department=first_team.department if first_team else None,
                        due_on=day + dt.timedelta(days=sdef.followup_days),
                    )
                    audit.record(
                        actor,
                        "open_followup",
                        f,
                        new={"owner": str(owner or ""), "due": f.due_on},
                        reason=f.reason,
                    )
            changed.append(resp.pk)
        imp.save(update_fields=["replaced"])
        audit.record(
            actor,
            "import_survey",
            survey,
            new={"file": fname, "rows": len(rows), "replaced": imp.replaced},
        )
        feed.push_on_commit(changed)
    return imp


# -- callback plans --------------------------------------------------------------------------


def set_callback_plan(
    actor: Any, survey: Survey, *, period: str, employee: Employee, planned: int
) -> CallbackPlan:
    if not can_manage_survey(actor, survey) and not scope_for(actor).supervised_team_ids:
        raise NotAllowed(_("Only HR, the survey's owner or a supervisor may plan callbacks."))
    try:
        p = parse_period(period.strip(), 1)
    except (PeriodError, AttributeError):
        raise InvalidInput(
            _("%(p)s is not a period (2026-03 …).") % {"p": period}, field="period"
        ) from None
    if p.kind != "month":
        raise InvalidInput(_("Callbacks are planned per month."), field="period")
    if planned is None or int(planned) < 0:
        raise InvalidInput(_("The planned count must be 0 or more."), field="planned")
    place = employee.placement_on(p.last)
    if place is None:
        raise InvalidInput(
            _("%(e)s has no team in %(p)s.") % {"e": employee, "p": p.label}, field="employee"
        )
    scope = scope_for(actor)
    if not can_manage_survey(actor, survey) and place.team_id not in scope.supervised_team_ids:
        raise NotAllowed(_("You may only plan callbacks for your own team."))
    with transaction.atomic():
        obj = (
            CallbackPlan.objects.select_for_update()
            .filter(survey=survey, period=p.label, employee=employee)
            .first()
        )
        old = obj.planned if obj else None
        if obj is None:
            obj = CallbackPlan.objects.create(
                survey=survey,
                period=p.label,
                employee=employee,
                team=place.team,
                department=place.team.department,
                planned=int(planned),
            )
        else:
            obj.planned = int(planned)
            obj.save(update_fields=["planned"])
        audit.record(actor, "plan_callbacks", obj, field="planned", old=old, new=obj.planned)
        feed.push_plans_on_commit(survey.pk, p.label)
    return obj


# -- follow-up tasks (CS 补救) ---------------------------------------------------------------


def _locked_followup(f: FollowUp) -> FollowUp:
    return FollowUp.objects.select_for_update().select_related("response").get(pk=f.pk)


def work_followup(
    actor: Any, f: FollowUp, *, notes: str, owner: Any = None, due_on: dt.date | None = None
) -> FollowUp:
    """Record progress (notes), hand the task to another owner or move its due date."""
    if not can_work_followup(actor, f):
        raise NotAllowed(_("Only the task's owner, their supervisor or HR may work on it."))
    with transaction.atomic():
        x = _locked_followup(f)
        if x.status == FollowUpStatus.CLOSED:
            raise InvalidTransition(_("The task is closed."))
        old = {"status": x.status, "owner": str(x.owner or ""), "due": x.due_on}
        if notes and notes.strip():
            stamp = timezone.localtime().strftime("%Y-%m-%d %H:%M")
            x.notes = (
                x.notes + "\n" if x.notes else ""
            ) + f"[{stamp} {actor.get_username()}] {notes.strip()}"
        if owner is not None:
            x.owner = owner
        if due_on is not None:
            x.due_on = due_on
        x.status = FollowUpStatus.IN_PROGRESS
        x.save()
        audit.record(
            actor,
            "work_followup",
            x,
            old=old,
            new={"status": x.status, "owner": str(x.owner or ""), "due": x.due_on},
            reason=notes or "",
        )
    f.refresh_from_db()
    return f


def close_followup(actor: Any, f: FollowUp, *, outcome: str, notes: str) -> FollowUp:
    if not can_work_followup(actor, f):
        raise NotAllowed(_("Only the task's owner, their supervisor or HR may close it."))
    if outcome not in FollowUp.Outcome.values:
        raise InvalidInput(_("Choose the outcome."), field="outcome")
    if not (notes or "").strip():
        raise InvalidInput(_("Say what was done for the customer."), field="notes")
    with transaction.atomic():
        x = _locked_followup(f)
        if x.status == FollowUpStatus.CLOSED:
            raise InvalidTransition(_("The task is already closed."))
        old = x.status
        stamp = timezone.localtime().strftime("%Y-%m-%d %H:%M")
        x.notes = (
            x.notes + "\n" if x.notes else ""
        ) + f"[{stamp} {actor.get_username()}] {notes.strip()}"
        x.outcome = outcome
        x.status = FollowUpStatus.CLOSED
        x.closed_at = timezone.now()
        x.closed_by = actor
        x.save()
        audit.record(
            actor,
            "close_followup",
            x,
            field="status",
            old=old,
            new=x.status,
            reason=f"{outcome}: {notes.strip()}",
        )
    f.refresh_from_db()
    return f
