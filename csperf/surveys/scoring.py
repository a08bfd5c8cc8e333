"""Survey figures: answer-to-score mappings, the dealer CS index, 1–5 means, top-2-box, NPS,
callback rate, and their grouping by person, team, month, quarter and year. Pure Python.

A survey definition (问卷) says how answers become scores and who each question is about::

    code: dealer-sales
    name: 销售满意度回访
    kind: dealer            # dealer (CS index) | csat (1–5) | nps (0–10) | callback
    labels: {很好: 100, 比较满意: 100, 一般: 75, 不满意: 25, 投诉: 0}   # added to the defaults
    questions:
      - {code: q1, text: 接待是否热情, weight: 25, role: sales}
      - ...
    roles:
      sales: {column: 销售顾问}                  # the import column naming the employee(s)
      workshop: {column: 维修班组, shared: team}  # team codes: each listed team gets the score
    followup_below: 60      # an answer scoring below this opens a CS follow-up task (CS 补救)
    followup_days: 3

The CS of one response for one role is Σ weight × answer / 100 over the role's questions, scaled
to 100 when the weights of the role do not add up to 100. With the dealer sales survey (four
questions of weight 25) this is exactly Σ 25 × answer/100. Refused and unreachable attempts are
kept for the success rate but never enter a mean.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from csperf.kernel.i18n import Message, gettext_noop
from csperf.kernel.problems import Problem
from csperf.scoring.errors import ScoringError, join_path
from csperf.scoring.loader import LoadError, parse_document
from csperf.scoring.numbers import ZERO, engine_context

HUNDRED = Decimal(100)
CODE_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
KINDS = ("dealer", "csat", "nps", "callback", "collaboration")
STATUSES = ("completed", "refused", "unreachable")

# The usual scale of dealer and service callbacks: 很好/比较满意/非常满意 -> 100,
# 一般/基本满意 -> 75, 不满意 -> 25, 投诉/非常不满意 -> 0.
DEFAULT_LABELS: dict[str, Decimal] = {
    "很好": HUNDRED,
    "非常满意": HUNDRED,
    "满意": HUNDRED,
    "比较满意": HUNDRED,
    "好": HUNDRED,
    "一般": Decimal(75),
    "基本满意": Decimal(75),
    "较差": Decimal(25),
    "不满意": Decimal(25),
    "非常不满意": ZERO,
    "投诉": ZERO,
}
STATUS_WORDS = {
    "completed": ("completed", "完成", "成功", "已完成", "回访成功"),
    "refused": ("refused", "拒访", "拒绝", "拒绝回访"),
    "unreachable": ("unreachable", "未接通", "无法联系", "无人接听", "空号", "关机"),
}


class SurveyError(ScoringError):
    kind = "survey"


@dataclass(frozen=True)
class Question:
    code: str
    text: str
    weight: Decimal
    role: str = "agent"


@dataclass(frozen=True)
class Role:
    code: str
    column: str  # import column that names the employee(s) or team(s)
    shared: str = ""  # "team": the column names teams; each gets the role's score


@dataclass(frozen=True)
class SurveyDef:
    code: str
    name: str
    kind: str
    labels: Mapping[str, Decimal]
    questions: tuple[Question, ...]
    roles: tuple[Role, ...]
    followup_below: Decimal = Decimal(60)
    followup_days: int = 3

    def role(self, code: str) -> Role | None:
        return next((r for r in self.roles if r.code == code), None)

    def question(self, code: str) -> Question | None:
        return next((q for q in self.questions if q.code == code), None)

    @property
    def role_codes(self) -> list[str]:
        out: list[str] = []
        for q in self.questions:
            if q.role not in out:
                out.append(q.role)
        return out


def load_survey(text: str, *, source: str = "<survey>") -> SurveyDef:
    try:
        doc = parse_document(text)
    except LoadError as exc:
        raise SurveyError(source, [exc.problem]) from None
    return survey_from_dict(doc.data, source=source, line_of=doc.line_of)


Err = Callable[[str, str], None]


def _labels(data: dict, err: Err) -> dict[str, Decimal]:
    labels = dict(DEFAULT_LABELS)
    raw_labels = data.get("labels") or {}
    if not isinstance(raw_labels, dict):
        err("labels", "must map answer labels to scores 0–100")
        raw_labels = {}
    for k, v in raw_labels.items():
        p = join_path("labels", str(k))
        try:
            d = Decimal(str(v))
        except InvalidOperation:
            err(p, f"{v!r} is not a score")
            continue
        if isinstance(v, bool) or not ZERO <= d <= HUNDRED:
            err(p, "must be a score between 0 and 100")
            continue
        labels[str(k).strip()] = d
    return labels


def _questions(data: dict, kind: Any, err: Err) -> list[Question]:
    questions: list[Question] = []
    raw_q = data.get("questions") or []
    if kind == "dealer" and not raw_q:
        err("questions", "a dealer CS survey needs its questions and their weights")
    if not isinstance(raw_q, list):
        err("questions", "must be a list")
        raw_q = []
    seen: set[str] = set()
    for i, q in enumerate(raw_q):
        p = join_path("questions", i)
        if not isinstance(q, dict):
            err(p, "must be a mapping of code, text, weight, role")
            continue
        qc = q.get("code")
        if not isinstance(qc, str) or not qc.strip():
            err(join_path(p, "code"), "is required")
            continue
        if qc in seen:
            err(join_path(p, "code"), f"question {qc!r} is defined twice")
        seen.add(qc)
        try:
            w = Decimal(str(q.get("weight", 25)))
        except InvalidOperation:
            err(join_path(p, "weight"), "must be a number")
            continue
        if w <= 0:
            err(join_path(p, "weight"), "must be above 0")
        role = str(q.get("role") or "agent")
        questions.append(Question(qc, str(q.get("text") or qc), w, role))
    return questions


def _roles(data: dict, questions: list[Question], err: Err) -> list[Role]:
    roles: list[Role] = []
    raw_roles = data.get("roles") or {}
    if not isinstance(raw_roles, dict):
        err("roles", "must map role codes to {column, shared}")
        raw_roles = {}
    for rc, spec in raw_roles.items():
        p = join_path("roles", str(rc))
        if not isinstance(spec, dict) or not isinstance(spec.get("column"), str):
            err(p, "must give the import column naming the employee(s): {column: 服务顾问}")
            continue
        shared = str(spec.get("shared") or "")
        if shared not in ("", "team"):
            err(join_path(p, "shared"), "must be team or left out")
        roles.append(Role(str(rc), spec["column"].strip(), shared))
    for q in questions:
        if q.role != "agent" and not any(r.code == q.role for r in roles):
            err("roles", f"question {q.code} is about role {q.role!r}, which roles does not define")
    return roles


def _followup(data: dict, err: Err) -> tuple[Decimal, int]:
    """Below which score a response gets a follow-up task, due how many days later."""
    fb = data.get("followup_below", 60)
    try:
        followup_below = Decimal(str(fb))
    except InvalidOperation:
        err("followup_below", "must be a score 0–100")
        followup_below = Decimal(60)
    fd = data.get("followup_days", 3)
    if isinstance(fd, bool) or not isinstance(fd, int) or fd < 0:
        err("followup_days", "must be a whole number of days")
        fd = 3
    return followup_below, fd


def survey_from_dict(data: Any, *, source: str = "<survey>", line_of: Any = None) -> SurveyDef:
    problems: list[Problem] = []

    def err(path: str, msg: str) -> None:
        problems.append(Problem(path, msg, line_of(path) if line_of else None))

    if not isinstance(data, dict):
        raise SurveyError(
            source, [Problem("", "a survey must be a mapping (code, name, questions …)")]
        )
    code = data.get("code")
    if not isinstance(code, str) or not CODE_RE.match(code):
        err("code", "is required: lower-case letters, digits, - or _")
        code = ""
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        err("name", "is required")
        name = ""
    kind = data.get("kind", "dealer")
    if kind not in KINDS:
        err("kind", f"must be one of {', '.join(KINDS)}")
    labels = _labels(data, err)
    questions = _questions(data, kind, err)
    roles = _roles(data, questions, err)
    followup_below, followup_days = _followup(data, err)
    if problems:
        raise SurveyError(source, problems)
    return SurveyDef(
        code=code,
        name=name.strip(),
        kind=kind,
        labels=labels,
        questions=tuple(questions),
        roles=tuple(roles),
        followup_below=followup_below,
        followup_days=followup_days,
    )


# -- answers ----------------------------------------------------------------------------------


def answer_score(survey: SurveyDef, raw: Any) -> Decimal | None:
    """A label or a number 0–100 -> score; blank -> None. Raises ValueError when unknown."""
    if raw is None:
        return None
    if isinstance(raw, bool):
        raise ValueError(Message(gettext_noop("%(value)r is not an answer"), {"value": raw}))
    if isinstance(raw, int | Decimal | float):
        d = Decimal(str(raw))
    else:
        s = str(raw).strip()
        if not s:
            return None
        if s in survey.labels:
            return survey.labels[s]
        try:
            d = Decimal(s)
        except InvalidOperation:
            known = "、".join(survey.labels)
            why = gettext_noop("%(value)r is neither a score 0–100 nor one of %(known)s")
            raise ValueError(Message(why, {"value": s, "known": known})) from None
    if not d.is_finite() or not ZERO <= d <= HUNDRED:
        raise ValueError(Message(gettext_noop("%(value)s is outside 0–100"), {"value": raw}))
    return d


def parse_status(raw: Any) -> str:
    s = str(raw or "").strip().lower()
    for status, words in STATUS_WORDS.items():
        if s in words:
            return status
    why = gettext_noop(
        "%(value)r is not a status (完成/拒访/未接通 or completed/refused/unreachable)"
    )
    raise ValueError(Message(why, {"value": raw}))


def cs_by_role(survey: SurveyDef, scores: Mapping[str, Decimal | None]) -> dict[str, Decimal]:
    """The CS index of one completed response per role: Σ w × a/100, scaled to 100.

    Questions left blank leave both the sum and the weights (the CS is over what was answered);
    a role with no answered question has no CS.
    """
    out: dict[str, Decimal] = {}
    with engine_context():
        for role in survey.role_codes:
            num = wsum = ZERO
            for q in survey.questions:
                if q.role != role:
                    continue
                a = scores.get(q.code)
                if a is None:
                    continue
                num += q.weight * a / HUNDRED
                wsum += q.weight
            if wsum:
                out[role] = num if wsum == HUNDRED else num / wsum * HUNDRED
    return out


def dissatisfied(
    survey: SurveyDef, scores: Mapping[str, Decimal | None], rating: int | None
) -> list[str]:
    """Why a response needs a follow-up (CS 补救): the low answers, or a 1–2 rating."""
    why = [
        f"{q.text}: {score}"
        for q in survey.questions
        if (score := scores.get(q.code)) is not None and score < survey.followup_below
    ]
    if rating is not None and rating <= 2:
        why.append(f"rating {rating}/5")
    return why


# -- aggregate figures ------------------------------------------------------------------------


def weighted_mean_1_5(counts: Mapping[int, int]) -> Decimal | None:
    """(a·1 + b·2 + c·3 + d·4 + e·5) / (a + b + c + d + e)."""
    for k in counts:
        if k not in (1, 2, 3, 4, 5):
            raise ValueError(f"{k} is not a 1–5 rating")
    n = sum(counts.values())
    if n == 0:
        return None
    with engine_context():
        return Decimal(sum(k * v for k, v in counts.items())) / n


def top2_box(ratings: Sequence[int], scale: int = 5) -> Decimal | None:
    """Share of ratings in the top two boxes (4–5 on a 5-point scale)."""
    if not ratings:
        return None
    with engine_context():
        return Decimal(sum(1 for r in ratings if r >= scale - 1)) / len(ratings)


def nps(values: Sequence[int]) -> Decimal | None:
    """Net promoter score in points: % promoters (9–10) − % detractors (0–6)."""
    if not values:
        return None
    for v in values:
        if not 0 <= v <= 10:
            raise ValueError(f"{v} is not a 0–10 answer")
    with engine_context():
        pro = sum(1 for v in values if v >= 9)
        det = sum(1 for v in values if v <= 6)
        return Decimal(pro - det) * HUNDRED / len(values)


def mean(values: Sequence[Decimal]) -> Decimal | None:
    if not values:
        return None
    with engine_context():
        return sum(values, ZERO) / len(values)


def rate(done: int, planned: int) -> Decimal | None:
    """回访率 = done / planned (None without a plan)."""
    if planned <= 0:
        return None
    with engine_context():
        return Decimal(done) / planned


# -- periods and grouping ---------------------------------------------------------------------

GRAINS = ("month", "quarter", "year")


def period_of(day: dt.date, grain: str, start_day: int = 1) -> str:
    """The period label a day falls in; with start_day 26, 2026-02-26 belongs to 2026-03."""
    if grain not in GRAINS:
        raise ValueError(f"grain must be one of {', '.join(GRAINS)}")
    y, m = day.year, day.month
    if start_day > 1 and day.day >= start_day:
        m += 1
        if m == 13:
            y, m = y + 1, 1
    if grain == "month":
        return f"{y:04d}-{m:02d}"
    if grain == "quarter":
        return f"{y:04d}-Q{(m - 1) // 3 + 1}"
    return f"{y:04d}"


@dataclass(frozen=True)
class Attempt:
    """One survey attempt as the figures see it (one row per person or team it is about)."""

    subject: str  # employee code or team code
    day: dt.date
    status: str  # completed | refused | unreachable
    cs: Decimal | None = None  # CS index of this subject in this response
    rating: int | None = None  # 1–5
    nps: int | None = None  # 0–10


@dataclass
class Figures:
    subject: str
    period: str
    attempts: int = 0
    completed: int = 0
    refused: int = 0
    unreachable: int = 0
    cs_mean: Decimal | None = None
    csat_mean: Decimal | None = None
    csat_top2: Decimal | None = None
    nps: Decimal | None = None
    cs_values: list[Decimal] = field(default_factory=list, repr=False)

    @property
    def success_rate(self) -> Decimal | None:
        return rate(self.completed, self.attempts)


def figures(
    attempts: Iterable[Attempt], grain: str = "month", *, start_day: int = 1
) -> dict[tuple[str, str], Figures]:
    """Figures per (subject, period). Ratios of a quarter or a year come from its rows, never
    from averaging monthly ratios (the quarter's CS is the mean over all its successful
    callbacks)."""
    groups: dict[tuple[str, str], list[Attempt]] = defaultdict(list)
    for a in attempts:
        if a.status not in STATUSES:
            raise ValueError(f"unknown status {a.status!r}")
        groups[(a.subject, period_of(a.day, grain, start_day))].append(a)
    out: dict[tuple[str, str], Figures] = {}
    for key in sorted(groups):
        rows = groups[key]
        done = [a for a in rows if a.status == "completed"]
        f = Figures(subject=key[0], period=key[1], attempts=len(rows), completed=len(done))
        f.refused = sum(1 for a in rows if a.status == "refused")
        f.unreachable = sum(1 for a in rows if a.status == "unreachable")
        f.cs_values = [a.cs for a in done if a.cs is not None]
        f.cs_mean = mean(f.cs_values)
        ratings = [a.rating for a in done if a.rating is not None]
        counts: dict[int, int] = defaultdict(int)
        for r in ratings:
            counts[r] += 1
        f.csat_mean = weighted_mean_1_5(counts)
        f.csat_top2 = top2_box(ratings)
        f.nps = nps([a.nps for a in done if a.nps is not None])
        out[key] = f
    return out


@dataclass(frozen=True)
class Credit:
    """Who one response counts for: a person (by role) or a team (a shared role)."""

    role: str
    subject: str  # employee code, or team code when ``team`` is true
    team: bool
    cs: Decimal | None


def split_names(text: Any) -> list[str]:
    """`E01, E02`, `E01、E02`, `E01/E02` -> ["E01", "E02"] (several people or teams on one job)."""
    if text is None:
        return []
    parts = re.split(r"[,，、/;；\s]+", str(text).strip())
    out: list[str] = []
    for p in parts:
        if p and p not in out:
            out.append(p)
    return out


def credits(
    survey: SurveyDef,
    scores: Mapping[str, Decimal | None],
    people: Mapping[str, Sequence[str]],
    *,
    completed: bool = True,
) -> list[Credit]:
    """Every person and team the response counts for, with their CS.

    ``people[role]`` lists the employee codes (or team codes for a shared role) named on the
    response; a role of kind ``shared: team`` gives each listed team the same score (a repair
    done by two teams counts the workshop score for both). Without ``roles`` in the survey the
    role ``agent`` is the interaction's agent.
    """
    cs = cs_by_role(survey, scores) if completed else {}
    out = []
    for role in survey.role_codes or ["agent"]:
        spec = survey.role(role)
        team = bool(spec and spec.shared == "team")
        for who in people.get(role, ()):
            out.append(Credit(role, who, team, cs.get(role)))
    return out
