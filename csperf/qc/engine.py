"""QC forms (质检表): loading, validating and scoring one inspection. Pure Python, no Django.

A form is a YAML (or JSON) document in the scorecard templates' style::

    code: hotline-call          # [a-z0-9-]+
    version: 1                  # a review keeps the version it was scored with
    name: 热线通话质检表
    channel: call               # call | chat | email | ticket | other (informative)
    scale: 100                  # the review score is reported on this scale (default 100)
    pass_score: 80              # passed = score >= pass_score and no fatal error
    tolerance: 5                # recheck within ±5 points counts as consistent (质检吻合度)
    sections:
      - code: opening
        name: 开场
        items:
          - {code: greeting, name: 标准开场白, points: 5, na: true, options: [0, 3, 5]}
          - {code: leak, name: 泄露客户信息, kind: fatal, fails: review}
      - code: extra
        name: 加分项
        items:
          - {code: praise, name: 客户当场表扬, kind: bonus, points: 2}

Item kinds: ``scored`` (default: the inspector gives 0..points, or one of ``options``, or N/A when
``na: true``), ``fatal`` (致命错误: yes/no; ``fails: section`` zeroes its section, ``fails: review``
zeroes the whole review) and ``bonus`` (加分: 0..points, added after scaling, never above the scale).

Scoring: N/A items leave the denominator, so ``score = Σ earned / Σ possible × scale`` over the
applicable scored items, then bonus, then the review-level fatal. Any fatal error fails the review.
A bonus item left blank earns 0; a fatal item left blank is "no error". Only scored items must be
answered: a draft missing one has no total (``ReviewResult.complete`` is false).

Answer problems are :class:`AnswerProblem` s: besides the English message they carry the item's
number on the form, its name and the reason, so the web layer can word them in the user's language.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from csperf.kernel.problems import Problem
from csperf.kernel.words import NO_WORDS, YES_WORDS
from csperf.scoring.errors import ScoringError, join_path
from csperf.scoring.loader import LoadError, parse_document
from csperf.scoring.numbers import ZERO, engine_context, round2

CODE_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
CHANNELS = ("call", "chat", "email", "ticket", "other")
ITEM_KINDS = ("scored", "fatal", "bonus")
NA = "na"  # the answer that marks an item not applicable (不适用)


class FormError(ScoringError):
    """A QC form that cannot be loaded."""

    kind = "qc form"


class AnswerError(ScoringError):
    """Answers that do not fit the form (unknown item, value out of range, missing answer)."""

    kind = "qc answers"


# Why an answer was refused (AnswerProblem.reason).
MISSING = "missing"
UNKNOWN = "unknown"
NOT_YES_NO = "not_yes_no"
NOT_NA = "not_na"
NOT_A_SCORE = "not_a_score"
NOT_AN_OPTION = "not_an_option"
OUT_OF_RANGE = "out_of_range"


@dataclass(frozen=True)
class AnswerProblem(Problem):
    """A refused answer, with what a person needs to find it: the item's number and name."""

    item: str = ""  # the item code (the unknown key for UNKNOWN)
    number: int = 0  # the item's position on the form, from 1 (0: not on the form)
    name: str = ""
    reason: str = ""
    value: str = ""  # the answer as given
    allowed: tuple[str, ...] = ()  # the allowed scores (NOT_AN_OPTION) or (low, high)


class AnswerInvalid(ValueError):
    """One answer that does not fit its item (parse_answer)."""

    def __init__(self, message: str, *, reason: str, value: Any, allowed=()) -> None:
        super().__init__(message)
        self.reason = reason
        self.value = str(value).strip() if value is not None else ""
        self.allowed = tuple(str(a) for a in allowed)


@dataclass(frozen=True)
class Item:
    code: str
    name: str
    kind: str = "scored"
    points: Decimal = ZERO
    na: bool = False
    options: tuple[Decimal, ...] = ()
    fails: str = "review"  # fatal items only: section | review
    guide: str = ""


@dataclass(frozen=True)
class Section:
    code: str
    name: str
    items: tuple[Item, ...]

    @property
    def full(self) -> Decimal:
        return sum((i.points for i in self.items if i.kind == "scored"), ZERO)


@dataclass(frozen=True)
class Form:
    code: str
    version: int
    name: str
    channel: str
    scale: Decimal
    pass_score: Decimal
    tolerance: Decimal
    sections: tuple[Section, ...]
    description: str = ""

    @property
    def full(self) -> Decimal:
        """Σ points of the scored items (the denominator when nothing is N/A)."""
        return sum((s.full for s in self.sections), ZERO)

    def items(self) -> list[tuple[Section, Item]]:
        return [(s, i) for s in self.sections for i in s.items]

    def item(self, code: str) -> Item:
        for _s, i in self.items():
            if i.code == code:
                return i
        raise KeyError(code)

    @property
    def item_codes(self) -> list[str]:
        return [i.code for _s, i in self.items()]

    def number(self, code: str) -> int:
        """The item's position on the form, counting every item from 1 (as the page shows)."""
        for n, (_s, it) in enumerate(self.items(), start=1):
            if it.code == code:
                return n
        return 0

    @property
    def required_count(self) -> int:
        """Items an inspector must score (bonus and fatal items have a default)."""
        return sum(1 for _s, it in self.items() if it.kind == "scored")

    def answered_count(self, answers: Mapping[str, Any]) -> int:
        """How many of the items to score have an answer."""
        return sum(
            1 for _s, it in self.items() if it.kind == "scored" and not _blank(answers.get(it.code))
        )


# -- loading ----------------------------------------------------------------------------------


class _Reader:
    def __init__(self, doc: Any) -> None:
        self.doc = doc
        self.problems: list[Problem] = []

    def err(self, path: str, message: str) -> None:
        self.problems.append(Problem(path, message, self.doc.line_of(path)))

    def text(self, obj: Mapping, key: str, path: str, *, required: bool = True) -> str:
        v = obj.get(key)
        if v is None:
            if required:
                self.err(join_path(path, key), "is required")
            return ""
        if not isinstance(v, str) or (required and not v.strip()):
            self.err(join_path(path, key), "must be a non-empty text")
            return ""
        return v.strip()

    def number(
        self, obj: Mapping, key: str, path: str, default: Decimal | None, *, low: Decimal = ZERO
    ) -> Decimal:
        v = obj.get(key)
        p = join_path(path, key)
        if v is None:
            if default is None:
                self.err(p, "is required")
                return ZERO
            return default
        if isinstance(v, bool) or not isinstance(v, int | Decimal):
            self.err(p, f"must be a number, not {v!r}")
            return default or ZERO
        d = Decimal(v)
        if d < low:
            self.err(p, f"must be at least {low}")
        return d

    def code(self, obj: Mapping, path: str) -> str:
        c = self.text(obj, "code", path)
        if c and not CODE_RE.match(c):
            self.err(join_path(path, "code"), f"{c!r} must be lower-case letters, digits, - or _")
        return c


FORM_KEYS = {
    "code",
    "version",
    "name",
    "channel",
    "scale",
    "pass_score",
    "tolerance",
    "sections",
    "description",
}
SECTION_KEYS = {"code", "name", "items", "description"}
ITEM_KEYS = {"code", "name", "kind", "points", "na", "options", "fails", "guide"}


def load_form(text: str, *, source: str = "<form>") -> Form:
    """Parse and validate a form; every problem is reported with its path and line."""
    try:
        doc = parse_document(text)
    except LoadError as exc:
        raise FormError(source, [exc.problem]) from None
    data = doc.data
    r = _Reader(doc)
    if not isinstance(data, dict):
        raise FormError(
            source, [Problem("", "a QC form must be a mapping (code, version, sections …)")]
        )
    for k in data:
        if k not in FORM_KEYS and not str(k).startswith("x-"):
            r.err(str(k), f"unknown key (expected one of {', '.join(sorted(FORM_KEYS))})")
    code = r.code(data, "")
    version = data.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        r.err("version", "must be a whole number >= 1")
        version = 1
    name = r.text(data, "name", "")
    channel = data.get("channel", "other")
    if channel not in CHANNELS:
        r.err("channel", f"must be one of {', '.join(CHANNELS)}")
    scale = r.number(data, "scale", "", Decimal(100))
    if scale == 0:
        r.err("scale", "must be above 0")
    pass_score = r.number(data, "pass_score", "", scale * Decimal("0.8"))
    if pass_score > scale:
        r.err("pass_score", f"is above the scale {scale}")
    tolerance = r.number(data, "tolerance", "", Decimal(5))
    sections: list[Section] = []
    raw_sections = data.get("sections")
    if not isinstance(raw_sections, list) or not raw_sections:
        r.err("sections", "must be a non-empty list")
        raw_sections = []
    seen_items: set[str] = set()
    seen_sections: set[str] = set()
    for si, sec in enumerate(raw_sections):
        sp = join_path("sections", si)
        if not isinstance(sec, dict):
            r.err(sp, "must be a mapping")
            continue
        for k in sec:
            if k not in SECTION_KEYS:
                r.err(join_path(sp, str(k)), "unknown key")
        scode = r.code(sec, sp)
        if scode in seen_sections:
            r.err(join_path(sp, "code"), f"section {scode!r} is defined twice")
        seen_sections.add(scode)
        sname = r.text(sec, "name", sp)
        raw_items = sec.get("items")
        if not isinstance(raw_items, list) or not raw_items:
            r.err(join_path(sp, "items"), "must be a non-empty list")
            raw_items = []
        items = [
            it
            for ii, raw in enumerate(raw_items)
            if (it := _load_item(r, raw, join_path(join_path(sp, "items"), ii), seen_items))
        ]
        sections.append(Section(scode, sname, tuple(items)))
    form = Form(
        code=code,
        version=version,
        name=name,
        channel=channel if channel in CHANNELS else "other",
        scale=scale,
        pass_score=pass_score,
        tolerance=tolerance,
        sections=tuple(sections),
        description=str(data.get("description") or ""),
    )
    if not r.problems and form.full == 0:
        r.err("sections", "the form has no scored item with points above 0")
    if r.problems:
        raise FormError(source, r.problems)
    return form


def _load_item(r: _Reader, raw: Any, path: str, seen: set[str]) -> Item | None:
    if not isinstance(raw, dict):
        r.err(path, "must be a mapping")
        return None
    for k in raw:
        if k not in ITEM_KEYS:
            r.err(join_path(path, str(k)), "unknown key")
    code = r.code(raw, path)
    if code in seen:
        r.err(
            join_path(path, "code"), f"item {code!r} is defined twice (codes are unique per form)"
        )
    seen.add(code)
    name = r.text(raw, "name", path)
    kind = raw.get("kind", "scored")
    if kind not in ITEM_KINDS:
        r.err(join_path(path, "kind"), f"must be one of {', '.join(ITEM_KINDS)}")
        kind = "scored"
    points = r.number(raw, "points", path, None if kind != "fatal" else ZERO)
    if kind != "fatal" and points == 0 and "points" in raw:
        r.err(join_path(path, "points"), "must be above 0")
    if kind == "fatal" and "points" in raw:
        r.err(
            join_path(path, "points"),
            "a fatal item has no points (it zeroes its section or review)",
        )
    na = raw.get("na", False)
    if not isinstance(na, bool):
        r.err(join_path(path, "na"), "must be true or false")
        na = False
    if na and kind != "scored":
        r.err(join_path(path, "na"), "only scored items can be N/A")
    options: list[Decimal] = []
    if "options" in raw:
        raw_opts = raw["options"]
        if kind != "scored" and kind != "bonus":
            r.err(join_path(path, "options"), "only scored and bonus items have options")
        elif not isinstance(raw_opts, list) or not raw_opts:
            r.err(join_path(path, "options"), "must be a non-empty list of scores")
        else:
            for oi, o in enumerate(raw_opts):
                op = join_path(join_path(path, "options"), oi)
                if isinstance(o, bool) or not isinstance(o, int | Decimal):
                    r.err(op, f"must be a number, not {o!r}")
                elif not ZERO <= Decimal(o) <= points:
                    r.err(op, f"must be between 0 and the item's points {points}")
                else:
                    options.append(Decimal(o))
            if len(set(options)) != len(options):
                r.err(join_path(path, "options"), "lists a score twice")
    fails = raw.get("fails", "review")
    if fails not in ("section", "review"):
        r.err(join_path(path, "fails"), "must be section or review")
        fails = "review"
    if "fails" in raw and kind != "fatal":
        r.err(join_path(path, "fails"), "only fatal items have fails")
    guide = raw.get("guide", "")
    if not isinstance(guide, str):
        r.err(join_path(path, "guide"), "must be text")
        guide = ""
    return Item(
        code=code,
        name=name,
        kind=kind,
        points=points,
        na=na,
        options=tuple(sorted(options)),
        fails=fails,
        guide=guide.strip(),
    )


# -- answers and scoring ----------------------------------------------------------------------


@dataclass(frozen=True)
class ItemResult:
    code: str
    section: str
    kind: str
    value: Decimal | None  # the points given (scored, bonus); None when N/A or unanswered
    na: bool
    fatal: bool  # fatal items: the error was found
    possible: Decimal  # points in the denominator (0 when N/A, bonus or fatal)


@dataclass(frozen=True)
class SectionResult:
    code: str
    name: str
    earned: Decimal
    possible: Decimal
    fatal: bool  # zeroed by one of its fatal items


@dataclass(frozen=True)
class ReviewResult:
    form: str
    version: int
    score: Decimal  # on the form's scale, rounded half-up to 2 decimals
    max_score: Decimal  # the form's scale
    earned: Decimal
    possible: Decimal
    bonus: Decimal  # bonus points actually added (after the cap at the scale)
    fatal: bool  # any fatal error (section or review)
    fatal_count: int
    review_fatal: bool  # the whole review was zeroed
    passed: bool
    sections: tuple[SectionResult, ...]
    items: tuple[ItemResult, ...]
    missing: tuple[str, ...] = field(default=())  # items without an answer (drafts only)

    @property
    def complete(self) -> bool:
        """Every item to score is answered: only then are the score and the verdict a result."""
        return not self.missing

    @property
    def percent(self) -> Decimal:
        return round2(self.score / self.max_score * 100)


def parse_answer(item: Item, raw: Any, path: str) -> tuple[Decimal | None, bool, bool]:
    """One raw answer -> (value, na, fatal). Raises AnswerInvalid (a ValueError) saying why."""
    if item.kind == "fatal":
        if isinstance(raw, bool):
            return None, False, raw
        s = str(raw).strip().lower() if raw is not None else ""
        if s in YES_WORDS:
            return None, False, True
        if s in NO_WORDS or not s:  # a fatal box left empty is not ticked
            return None, False, False
        raise AnswerInvalid(f"{path}: {raw!r} is not yes/no (是/否)", reason=NOT_YES_NO, value=raw)
    if item.kind == "bonus" and _blank(raw):
        return ZERO, False, False  # a bonus is earned only once scored
    if isinstance(raw, str) and raw.strip().lower() in (NA, "n/a", "不适用"):
        if not item.na:
            raise AnswerInvalid(
                f"{path}: item {item.code} ({item.name}) cannot be N/A", reason=NOT_NA, value=raw
            )
        return None, True, False
    bad = AnswerInvalid(f"{path}: {raw!r} is not a score", reason=NOT_A_SCORE, value=raw)
    if isinstance(raw, bool):
        raise bad
    try:
        v = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        raise bad from None
    if not v.is_finite():
        raise bad
    if item.options:
        if v not in item.options:
            opts = ", ".join(str(o) for o in item.options)
            raise AnswerInvalid(
                f"{path}: {v} is not one of the allowed scores {opts}",
                reason=NOT_AN_OPTION,
                value=v,
                allowed=item.options,
            )
    elif not ZERO <= v <= item.points:
        raise AnswerInvalid(
            f"{path}: {v} is outside 0–{item.points}",
            reason=OUT_OF_RANGE,
            value=v,
            allowed=(ZERO, item.points),
        )
    return v, False, False


def _blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def _problem(form: Form, it: Item, path: str, message: str, **kw: Any) -> AnswerProblem:
    return AnswerProblem(
        path, message, item=it.code, number=form.number(it.code), name=it.name, **kw
    )


def _unknown_items(form: Form, answers: Mapping[str, Any], source: str) -> list[Problem]:
    codes = set(form.item_codes)
    return [
        AnswerProblem(
            f"{source}.{k}",
            f"the form {form.code} v{form.version} has no item {k!r}",
            item=str(k),
            reason=UNKNOWN,
        )
        for k in answers
        if k not in codes
    ]


@dataclass
class _Tally:
    """What the items of one review add up to while it is scored."""

    problems: list[Problem] = field(default_factory=list)
    items: list[ItemResult] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    fatal_count: int = 0
    review_fatal: bool = False
    bonus: Decimal = ZERO


def _score_section(
    form: Form, sec: Section, answers: Mapping[str, Any], tally: _Tally, complete: bool, source: str
) -> SectionResult:
    earned = possible = ZERO
    sec_fatal = False
    for it in sec.items:
        raw = answers.get(it.code)
        path = f"{source}.{it.code}"
        if _blank(raw) and it.kind == "scored":
            tally.missing.append(it.code)
            if complete:
                tally.problems.append(
                    _problem(form, it, path, f"{it.name}: no answer", reason=MISSING)
                )
            tally.items.append(ItemResult(it.code, sec.code, it.kind, None, False, False, ZERO))
            continue
        try:
            value, na, fatal = parse_answer(it, raw, path)
        except AnswerInvalid as exc:
            message = str(exc).split(": ", 1)[-1]
            tally.problems.append(
                _problem(
                    form,
                    it,
                    path,
                    message,
                    reason=exc.reason,
                    value=exc.value,
                    allowed=exc.allowed,
                )
            )
            continue
        possible_i = ZERO
        if it.kind == "scored" and not na:
            assert value is not None
            earned += value
            possible_i = it.points
            possible += it.points
        elif it.kind == "bonus":
            tally.bonus += value or ZERO
        elif it.kind == "fatal" and fatal:
            tally.fatal_count += 1
            if it.fails == "review":
                tally.review_fatal = True
            else:
                sec_fatal = True
        tally.items.append(ItemResult(it.code, sec.code, it.kind, value, na, fatal, possible_i))
    if sec_fatal:
        earned = ZERO
    return SectionResult(sec.code, sec.name, earned, possible, sec_fatal)


def score_review(
    form: Form, answers: Mapping[str, Any], *, complete: bool = True, source: str = "answers"
) -> ReviewResult:
    """Score the answers ``{item code: points | "na" | yes/no}``.

    ``complete=True`` (submitting) requires an answer for every scored item; bonus items left
    blank earn 0 and fatal items left blank count as "no error". ``complete=False`` (saving a
    draft) checks what is there and lists the missing items; the score of a draft that misses
    some is only what the answered items give, never a total to show (see ``complete``).
    """
    tally = _Tally(problems=_unknown_items(form, answers, source))
    with engine_context():
        sections = [
            _score_section(form, sec, answers, tally, complete, source) for sec in form.sections
        ]
        if tally.problems:
            raise AnswerError(source, tally.problems)
        total_earned = sum((s.earned for s in sections), ZERO)
        total_possible = sum((s.possible for s in sections), ZERO)
        # Everything N/A: nothing to judge, so the review stands at full marks (before fatal).
        base = form.scale if total_possible == 0 else total_earned / total_possible * form.scale
        added = min(tally.bonus, max(ZERO, form.scale - base))
        score = base + added
        if tally.review_fatal:
            score = ZERO
            added = ZERO
        score = round2(score)
    fatal_any = tally.fatal_count > 0
    return ReviewResult(
        form=form.code,
        version=form.version,
        score=score,
        max_score=form.scale,
        earned=total_earned,
        possible=total_possible,
        bonus=added,
        fatal=fatal_any,
        fatal_count=tally.fatal_count,
        review_fatal=tally.review_fatal,
        passed=score >= form.pass_score and not fatal_any,
        sections=tuple(sections),
        items=tuple(tally.items),
        missing=tuple(tally.missing),
    )


def _parsed_or_none(it: Item, raw: Any) -> tuple[Decimal | None, bool, bool] | None:
    # a blank bonus is 0, as when scoring; other blanks are "not answered"
    if _blank(raw) and it.kind != "bonus":
        return None
    return parse_answer(it, raw, it.code)


def item_differences(form: Form, a: Mapping[str, Any], b: Mapping[str, Any]) -> list[str]:
    """Codes of the items two inspectors answered differently (for rechecks and calibration)."""
    out = []
    for _s, it in form.items():
        try:
            va, vb = (_parsed_or_none(it, x.get(it.code)) for x in (a, b))
        except ValueError:
            out.append(it.code)
            continue
        if it.kind == "fatal":
            fa = bool(va and va[2])
            fb = bool(vb and vb[2])
            if fa != fb:
                out.append(it.code)
        elif va != vb:
            out.append(it.code)
    return out
