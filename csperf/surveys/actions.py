"""Survey steps, each written once: add a survey, import responses, set callback plans, work and
close follow-up tasks (CS 补救). Each checks, locks, saves and audits."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from csperf.core import audit
from csperf.core.errors import InvalidInput, InvalidTransition, NotAllowed
from csperf.core.locking import lock
from csperf.kernel.i18n import Message
from csperf.kernel.periods import PeriodError, parse_period
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

if TYPE_CHECKING:
    from django.contrib.auth.models import User

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


def _said(text: object) -> str:
    """A message of a layer without Django (a kernel.i18n Message: csperf.ingest's readers,
    csperf.surveys.scoring) in the reader's language; other text as it is."""
    if not isinstance(text, Message):
        return str(text)
    params = {k: _said(v) if isinstance(v, Message) else v for k, v in text.params.items()}
    return _(text.msgid) % params if params else _(text.msgid)


def _norm(h: str) -> str:
    return str(h).strip().lower().replace(" ", "_")


# -- surveys ---------------------------------------------------------------------------------


def add_survey(actor: User, text: str, *, department: Any = None, owner: Any = None) -> Survey:
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
    raise ValueError(_("%(value)r is not a date and time (YYYY-MM-DD HH:MM:SS)") % {"value": text})


def _small_int(text: str, low: int, high: int) -> int | None:
    text = text.strip()
    if not text:
        return None
    try:
        v = Decimal(text)
    except Exception:
        raise ValueError(_("%(value)r is not a whole number") % {"value": text}) from None
    if v != v.to_integral_value() or not low <= v <= high:
        why = _("%(value)s is not a whole number %(low)s–%(high)s")
        raise ValueError(why % {"value": text, "low": low, "high": high})
    return int(v)


@dataclass
class _Problems:
    """What is wrong with an import file, each naming file:row:column; a bounded list."""

    fname: str
    lines: list[str] = field(default_factory=list)
    total: int = 0

    def bad(self, row: Any, column: str, msg: str) -> None:
        self.total += 1
        if len(self.lines) < MAX_PROBLEMS:
            self.lines.append(f"{self.fname}:{row}:{column}: {msg}")

    def fail(self) -> SurveyImportFailed:
        return SurveyImportFailed(self.lines, max(self.total, len(self.lines)))


def _columns(header: list[str], sdef: Any, fname: str) -> dict[str, int]:
    """Which column holds what (by code or text); refuses a header that lacks what it needs."""
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
    for i, h in enumerate(header):
        f = by_header.get(_norm(h))
        if f and f not in col:
            col[f] = i
    problems = [
        f"{fname}:1: "
        + _("required column missing: %(columns)s")
        % {"columns": " / ".join(FIXED_COLUMNS[need][2:4])}
        for need in ("response_id", "surveyed_at", "status")
        if need not in col
    ]
    role_cols = [f"role:{r.code}" for r in sdef.roles]
    if not any(c in col for c in ["agent", *role_cols]):
        names = ", ".join([FIXED_COLUMNS["agent"][1]] + [r.column for r in sdef.roles])
        why = _("no column names who the survey is about (%(columns)s)") % {"columns": names}
        problems.append(f"{fname}:1: {why}")
    if not any(k.startswith("q:") for k in col) and sdef.questions and "rating" not in col:
        codes = ", ".join(q.code for q in sdef.questions)
        problems.append(f"{fname}:1: " + _("no question column (%(codes)s)") % {"codes": codes})
    if problems:
        raise SurveyImportFailed(problems, len(problems))
    return col


@dataclass
class _RowReader:
    """Reads one row at a time into the record ``_store_rows`` saves, noting what is wrong."""

    sdef: Any
    header: dict[str, str]  # field -> the column's heading, for the problem lines
    problems: _Problems
    employees: dict[str, Employee]
    teams: dict[str, Team]
    seen: dict[str, int] = field(default_factory=dict)

    def read(self, rownum: int, cell: dict[str, str]) -> dict[str, Any] | None:
        bad, header = self.problems.bad, self.header
        rid = cell["response_id"]
        if not rid:
            bad(rownum, header["response_id"], _("empty"))
            return None
        if rid in self.seen:
            msg = _("%(id)s is also on row %(row)s") % {"id": rid, "row": self.seen[rid]}
            bad(rownum, header["response_id"], msg)
            return None
        self.seen[rid] = rownum
        rec: dict[str, Any] = {"row": rownum, "response_id": rid}
        try:
            rec["surveyed_at"] = _parse_time(cell["surveyed_at"])
        except ValueError as exc:
            bad(rownum, header["surveyed_at"], str(exc))
        try:
            rec["status"] = parse_status(cell["status"])
        except ValueError as exc:
            bad(rownum, header["status"], _said(exc.args[0]))
            return None
        for f, low, high in (("rating", 1, 5), ("nps", 0, 10)):
            try:
                rec[f] = _small_int(cell.get(f, ""), low, high)
            except ValueError as exc:
                bad(rownum, header[f], str(exc))
        rec["customer_id"] = cell.get("customer_id", "")
        rec["interaction_id"] = cell.get("interaction_id", "")
        rec["answers"], rec["scores"] = self._answers(rownum, cell)
        answered = rec["scores"] or rec.get("rating") is not None or rec.get("nps") is not None
        if rec["status"] == "completed" and not answered:
            bad(rownum, header.get("status", "status"), _("a completed survey without any answer"))
        rec["people"] = self._people(rownum, cell)
        if not any(rec["people"].values()):
            bad(rownum, "", _("names nobody the survey is about"))
        return rec

    def _answers(self, rownum: int, cell: dict[str, str]) -> tuple[dict, dict]:
        answers, scores = {}, {}
        for q in self.sdef.questions:
            raw = cell.get(f"q:{q.code}", "")
            if not raw:
                continue
            answers[q.code] = raw
            try:
                scores[q.code] = answer_score(self.sdef, raw)
            except ValueError as exc:
                self.problems.bad(rownum, self.header[f"q:{q.code}"], _said(exc.args[0]))
        return answers, scores

    def _people(self, rownum: int, cell: dict[str, str]) -> dict[str, list]:
        """Each role's people (a team for a role shared by the team), looked up by code."""
        people: dict[str, list] = {}
        for role in self.sdef.role_codes or ["agent"]:
            spec = self.sdef.role(role)
            key = f"role:{role}" if spec else "agent"
            by_team = bool(spec and spec.shared == "team")
            known: dict[str, Any] = self.teams if by_team else self.employees
            found = []
            for n in split_names(cell.get(key, "")):
                if n in known:
                    found.append(known[n])
                elif by_team:
                    self.problems.bad(rownum, self.header[key], _("no team %(t)s") % {"t": n})
                else:
                    self.problems.bad(rownum, self.header[key], _("no employee %(e)s") % {"e": n})
            people[role] = found
        return people


def import_responses(
    actor: User, survey: Survey, path: str | Path, *, file_name: str | None = None
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
    fname = file_name or Path(path).name
    try:
        src = open_table(path)
    except ReadError as exc:
        raise _read_failed(exc, fname) from None
    col = _columns(src.header, survey.parsed, fname)
    problems = _Problems(fname)
    teams = {t.code: t for t in Team.objects.select_related("department")}
    teams.update({t.name: t for t in teams.values()})
    reader = _RowReader(
        sdef=survey.parsed,
        header={f: src.header[i] for f, i in col.items()},
        problems=problems,
        employees={e.code: e for e in Employee.objects.all()},
        teams=teams,
    )
    parsed_rows: list[dict[str, Any]] = []
    for batch in src.batches():
        tbl = batch.table
        cols = {f: tbl.column(f"c{i}").to_pylist() for f, i in col.items()}
        for j, rownum in enumerate(tbl.column("_row").to_pylist()):
            rec = reader.read(rownum, {f: (v[j] or "").strip() for f, v in cols.items()})
            if rec is not None:
                parsed_rows.append(rec)
    for r, msg in src.invalid_rows or ():
        problems.total += 1
        problems.lines.append(f"{fname}:{r or '?'}: {_said(msg)}")
    if problems.lines:
        raise problems.fail()
    if not parsed_rows:
        raise SurveyImportFailed([f"{fname}: " + _("the file has no rows")], 1)
    return _store_rows(actor, survey, parsed_rows, fname)


def _read_failed(exc: Exception, fname: str) -> SurveyImportFailed:
    """The reader's refusal (csperf.ingest.sources.ReadError) in the reader's language, each
    problem at its file:row:column."""
    lines = []
    for row, column, message in getattr(exc, "problems", None) or [(None, None, str(exc))]:
        where = ":".join(str(x) for x in (fname, row, column) if x not in (None, ""))
        lines.append(f"{where}: {_said(message)}")
    return SurveyImportFailed(lines, max(getattr(exc, "total", 0), len(lines)))


def _supervisor_of(team: Team) -> Any:
    m = (
        Membership.objects.filter(role=Role.SUPERVISOR, team=team)
        .select_related("user")
        .order_by("id")
        .first()
    )
    return m.user if m else None


def _save_response(
    survey: Survey, imp: SurveyImport, existing: dict[str, Response], rec: dict[str, Any]
) -> Response:
    """The response of the row, new or replacing the one imported before (its credits go)."""
    fields = {
        "imported": imp,
        "surveyed_at": timezone.make_aware(rec["surveyed_at"], timezone.get_current_timezone()),
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
    if resp is None:
        return Response.objects.create(survey=survey, response_id=rec["response_id"], **fields)
    for k, v in fields.items():
        setattr(resp, k, v)
    resp.save()
    resp.credits.all().delete()
    imp.replaced += 1
    return resp


def _credit(sdef: Any, resp: Response, rec: dict[str, Any], fname: str) -> Team | None:
    """Credit the response to the people (or teams) it names; returns the first team."""
    day = rec["surveyed_at"].date()
    people_codes = {role: [p.code for p in found] for role, found in rec["people"].items()}
    by_code = {p.code: p for found in rec["people"].values() for p in found}
    first_team = None
    for c in credits(sdef, rec["scores"], people_codes, completed=rec["status"] == "completed"):
        obj = by_code[c.subject]
        emp = None if c.team else obj
        team = obj if c.team else _team_on(obj, day, f"{fname}:{rec['row']}")
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
    return first_team


def _team_on(emp: Employee, day: dt.date, where: str) -> Team:
    place = emp.placement_on(day) or emp.assignments.select_related("team__department").first()
    if place is None:
        raise SurveyImportFailed([f"{where}: " + _("%(e)s has no team") % {"e": emp.code}], 1)
    return place.team


def _open_followup(
    actor: User, survey: Survey, resp: Response, rec: dict[str, Any], team: Team | None
) -> None:
    """A dissatisfied completed response gets a follow-up task (补救), once."""
    sdef = survey.parsed
    why = dissatisfied(sdef, rec["scores"], rec.get("rating"))
    if not why or hasattr(resp, "followup"):
        return
    owner = (_supervisor_of(team) if team else None) or survey.owner
    f = FollowUp.objects.create(
        response=resp,
        reason="; ".join(why),
        owner=owner,
        team=team,
        department=team.department if team else None,
        due_on=rec["surveyed_at"].date() + dt.timedelta(days=sdef.followup_days),
    )
    audit.record(
        actor,
        "open_followup",
        f,
        new={"owner": str(owner or ""), "due": f.due_on},
        reason=f.reason,
    )


def _store_rows(
    actor: User, survey: Survey, rows: list[dict[str, Any]], fname: str
) -> SurveyImport:
    sdef = survey.parsed
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
            resp = _save_response(survey, imp, existing, rec)
            first_team = _credit(sdef, resp, rec, fname)
            if rec["status"] == "completed":
                _open_followup(actor, survey, resp, rec, first_team)
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
    actor: User, survey: Survey, *, period: str, employee: Employee, planned: int
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
    return lock(f, related=("response",))


def work_followup(
    actor: User, f: FollowUp, *, notes: str, owner: Any = None, due_on: dt.date | None = None
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


def close_followup(actor: User, f: FollowUp, *, outcome: str, notes: str) -> FollowUp:
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
