"""Import record files: read, type, check, and store atomically.

How an import runs:

1. The header is matched to the record type's columns: exact names, the Chinese headers of
   :mod:`csperf.ingest.schema`, or ``--map SRC=DST``. Unknown columns are ignored (and reported).
2. Fast pass. Cells are typed in SQL (DuckDB) batch by batch and inserted inside one
   transaction; the first bad cell aborts the statement. Duplicate keys within the file and
   unknown employee ids are checked on the inserted rows; then rows of earlier imports with the
   same keys are deleted (re-importing replaces, never duplicates) and the transaction commits.
3. Only when the fast pass fails, a second, detailed pass re-reads the file and lists every
   problem as ``file:row:column: message`` (the first 100, with the total); nothing is stored.

With the embedded DuckDB store everything runs in its own transaction. With another Ibis backend
(PostgreSQL ...) the file is typed and checked in a local DuckDB first and the rows are then moved
in one transaction of that backend.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import duckdb
import pyarrow as pa

from csperf.ingest.limits import Limits
from csperf.ingest.limits import current as current_limits
from csperf.ingest.readers import ReadError, Source, open_table, too_many_rows
from csperf.ingest.schema import RECORD_TYPES, SQL_TYPES, Column, RecordType, lower_strings
from csperf.ingest.store import IMPORTS_TABLE, Store, StoreError, now
from csperf.metrics.periods import PeriodError, parse_period

MAX_PROBLEMS = 100
BAD_ROW = "csperf-bad-row"

TRUE_WORDS = ("1", "true", "t", "yes", "y", "是", "对", "√", "有")
FALSE_WORDS = ("0", "false", "f", "no", "n", "否", "无", "×")


@dataclass(frozen=True)
class Problem:
    file: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f":{self.row}"
            if self.column is not None:
                where += f":{self.column}"
        elif self.column is not None:
            where += f":{self.column}"
        return f"{where}: {self.message}"


class ImportFailed(Exception):
    """The file was rejected; nothing was stored. ``problems`` holds the first 100."""

    def __init__(self, problems: list[Problem], total: int | None = None) -> None:
        self.problems = problems
        self.total = total if total is not None else len(problems)
        super().__init__(self.summary())

    def summary(self) -> str:
        first = str(self.problems[0]) if self.problems else "rejected"
        if self.total > 1:
            return f"{first} (and {self.total - 1} more problems; nothing was imported)"
        return f"{first} (nothing was imported)"

    def report(self) -> str:
        lines = [str(p) for p in self.problems]
        if self.total > len(self.problems):
            lines.append(f"... {self.total - len(self.problems)} more problems not shown")
        lines.append(f"{self.total} problem(s); nothing was imported")
        return "\n".join(lines)


@dataclass
class ImportResult:
    type: str
    source: str
    rows: int
    replaced: int
    import_id: int
    ignored_columns: list[str] = field(default_factory=list)
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)
    # imported, but worth a look (a file with a header and no rows)
    warnings: list[str] = field(default_factory=list)


# ------------------------------------------------------------------------- header mapping


def _norm(h: str) -> str:
    return h.strip().lower().replace(" ", "_")


def resolve_header(
    rt: RecordType, header: list[str], mapping: dict[str, str] | None, fname: str
) -> tuple[dict[str, int], list[str]]:
    """Map file columns to fields: {field: column index}, and the ignored headers."""
    problems: list[Problem] = []
    fields = {c.name: c for c in rt.columns}
    by_alias: dict[str, str] = {}
    for c in rt.columns:
        by_alias[_norm(c.name)] = c.name
        for a in c.aliases:
            by_alias.setdefault(_norm(a), c.name)
    mapping = mapping or {}
    norm_map = {_norm(k): v.strip() for k, v in mapping.items()}
    for src, dst in mapping.items():
        if dst.strip() not in fields:
            problems.append(
                Problem(
                    fname,
                    None,
                    None,
                    f"--map {src}={dst}: {dst!r} is not a column of {rt.name}"
                    f" (columns: {', '.join(fields)})",
                )
            )
        if _norm(src) not in {_norm(h) for h in header}:
            problems.append(
                Problem(fname, 1, None, f"--map {src}={dst}: the file has no column {src!r}")
            )
    colmap: dict[str, int] = {}
    ignored: list[str] = []
    for i, h in enumerate(header):
        key = _norm(h)
        if not key:
            continue
        name = norm_map.get(key) or by_alias.get(key)
        if name is None or name not in fields:
            ignored.append(h)
            continue
        if name in colmap:
            other = header[colmap[name]]
            problems.append(
                Problem(fname, 1, h, f"column {name!r} is given twice (also as {other!r})")
            )
            continue
        colmap[name] = i
    for c in rt.columns:
        if c.required and c.name not in colmap and not _derivable(rt, c.name):
            problems.append(Problem(fname, 1, c.name, "required column missing"))
    if problems:
        raise ImportFailed(problems)
    return colmap, ignored


def _derivable(rt: RecordType, name: str) -> bool:
    return name in DERIVE.get(rt.name, {})


# ------------------------------------------------------------------------- SQL building


def q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def lit(v: object) -> str:
    if v is None:
        return "NULL"
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, int | Decimal):
        return str(v)
    return "'" + str(v).replace("'", "''") + "'"


KIND_HINT = {
    "int": "not a whole number",
    "duration": "not a duration (seconds or HH:MM:SS)",
    "decimal": "not a number",
    "money": "not an amount",
    "bool": "not a yes/no value (1/0, true/false, 是/否)",
    "timestamp": "not a date and time (YYYY-MM-DD HH:MM:SS)",
    "date": "not a date (YYYY-MM-DD)",
}


def _typed(c: Column, raw: str, table: str) -> tuple[str, str | None, str | None]:
    """(typed SQL, SQL that is true when the cell cannot be typed, SQL of its message).

    Every kind has a fast path for cells already in the canonical form (a plain CAST, which
    DuckDB evaluates lazily inside COALESCE/CASE) and a slower path for the other spellings."""
    s = f"NULLIF(trim({raw}), '')"
    hook = HOOKS.get(table, {}).get(c.name)
    if hook is not None:
        return (
            f"CAST({q('__' + c.name)} AS {SQL_TYPES[c.kind]})",
            f"{q('__err_' + c.name)} IS NOT NULL",
            q("__err_" + c.name),
        )
    k = c.kind
    if k == "str":
        plain = (
            f"CASE WHEN {raw} = '' THEN NULL WHEN starts_with({raw}, ' ') OR ends_with({raw}, ' ')"
            f" THEN {s} ELSE {raw} END"
        )
        expr = f"lower({plain})" if (table, c.name) in lower_strings() else plain
        return expr, None, None
    if k == "enum":
        canon = ", ".join(lit(v) for v in (c.choices or {}))
        whens = " ".join(
            f"WHEN list_contains([{', '.join(lit(w.lower()) for w in words)}], lower({s})) THEN {lit(value)}"
            for value, words in (c.choices or {}).items()
        )
        expr = f"CASE WHEN list_contains([{canon}], {raw}) THEN {raw} {whens} END"
        allowed = ", ".join(c.choices or {})
        msg = f"{lit('')} || quote_cell({raw}) || {lit(' is not one of ' + allowed)}"
    elif k == "int":
        d = f"TRY_CAST(replace({s}, ',', '') AS DECIMAL(38,6))"
        expr = (
            f"COALESCE(CASE WHEN NOT contains({raw}, '.') THEN TRY_CAST({raw} AS BIGINT) END,"
            f" CASE WHEN {d} = trunc({d}) THEN CAST({d} AS BIGINT) END)"
        )
        msg = None
    elif k in ("decimal", "money"):
        t = SQL_TYPES[k]
        expr = (
            f"COALESCE(TRY_CAST({raw} AS {t}),"
            f" TRY_CAST(replace(replace(replace({s}, ',', ''), '¥', ''), '￥', '') AS {t}))"
        )
        msg = None
    elif k == "duration":
        expr = (
            f"COALESCE(TRY_CAST({raw} AS DECIMAL(14,3)), CASE WHEN contains({raw}, ':')"
            f" THEN TRY_CAST(epoch(TRY_CAST({s} AS INTERVAL)) AS DECIMAL(14,3)) END)"
        )
        msg = None
    elif k == "bool":
        expr = (
            f"CASE WHEN list_contains(['true', 'false', '1', '0'], {raw}) THEN list_contains(['true', '1'], {raw})"
            f" WHEN list_contains([{', '.join(map(lit, TRUE_WORDS))}], lower({s})) THEN TRUE"
            f" WHEN list_contains([{', '.join(map(lit, FALSE_WORDS))}], lower({s})) THEN FALSE END"
        )
        msg = None
    elif k == "timestamp":
        slow = f"date_trunc('second', TRY_CAST(replace({s}, '/', '-') AS TIMESTAMP))"
        expr = f"CASE WHEN contains({raw}, '.') THEN {slow} ELSE COALESCE(TRY_CAST({raw} AS TIMESTAMP), {slow}) END"
        msg = None
    elif k == "date":
        expr = (
            f"COALESCE(TRY_CAST({raw} AS DATE),"
            f" CAST(TRY_CAST(replace({s}, '/', '-') AS TIMESTAMP) AS DATE))"
        )
        msg = None
    else:  # pragma: no cover - every kind is handled above or by a hook
        raise AssertionError(k)
    if msg is None:
        msg = f"{lit(KIND_HINT[k] + ': ')} || quote_cell({raw})"
    return expr, f"({expr}) IS NULL AND {s} IS NOT NULL", msg


STRICT = "csperf-not-canonical"
NOT_CANONICAL = "not canonical"


def _strict(c: Column, raw: str, table: str) -> str:
    """Typing for cells already in canonical form (ISO times, plain numbers, canonical words):
    plain CASTs, fast. Anything else raises, and the import falls back to the flexible typing."""
    err = f"error('{STRICT}')"
    k = c.kind
    if k == "str":
        expr = (
            f"CASE WHEN {raw} = '' THEN NULL WHEN starts_with({raw}, ' ') OR ends_with({raw}, ' ')"
            f" THEN {err} ELSE {raw} END"
        )
        return f"lower({expr})" if (table, c.name) in lower_strings() else expr
    if k == "enum":
        canon = ", ".join(lit(v) for v in (c.choices or {}))
        return f"CASE WHEN {raw} IS NULL THEN NULL WHEN list_contains([{canon}], {raw}) THEN {raw} ELSE {err} END"
    if k == "int":
        return f"CASE WHEN contains({raw}, '.') THEN {err} ELSE CAST({raw} AS BIGINT) END"
    if k in ("decimal", "money", "duration"):
        return f"CAST({raw} AS {SQL_TYPES[k]})"
    if k == "bool":
        return (
            f"CASE WHEN {raw} IS NULL THEN NULL WHEN list_contains(['true', '1'], {raw}) THEN TRUE"
            f" WHEN list_contains(['false', '0'], {raw}) THEN FALSE ELSE {err} END"
        )
    if k == "timestamp":
        return (
            f"CASE WHEN contains({raw}, '.') OR contains({raw}, '/') THEN {err}"
            f" ELSE CAST({raw} AS TIMESTAMP) END"
        )
    if k == "date":
        return f"CAST({raw} AS DATE)"
    raise AssertionError(k)  # pragma: no cover


# derived values, computed from the typed row before defaults apply
DERIVE: dict[str, dict[str, str]] = {
    "calls": {
        "wait_s": (
            "COALESCE(wait_s, CASE WHEN answered_at IS NOT NULL"
            " THEN CAST(epoch(answered_at) - epoch(offered_at) AS DECIMAL(14,3))"
            " WHEN list_contains(['abandoned', 'timeout', 'exited', 'blocked', 'no_answer', 'busy'], outcome)"
            " AND ended_at IS NOT NULL THEN CAST(epoch(ended_at) - epoch(offered_at) AS DECIMAL(14,3)) END)"
        ),
        "answered_at": (
            "COALESCE(answered_at, CASE WHEN list_contains(['answered', 'connected'], outcome) AND wait_s IS NOT NULL"
            " THEN offered_at + to_milliseconds(CAST(wait_s * 1000 AS BIGINT)) END)"
        ),
        "talk_s": (
            "COALESCE(talk_s, CASE WHEN answered_at IS NOT NULL AND ended_at IS NOT NULL"
            " THEN CAST(epoch(ended_at) - epoch(answered_at) AS DECIMAL(14,3)) END)"
        ),
    },
    "incidents": {
        "incident_id": (
            "COALESCE(incident_id, employee_id || '|' || strftime(occurred_at, '%Y-%m-%d %H:%M:%S')"
            " || '|' || kind)"
        ),
    },
}


@dataclass
class Plan:
    """The SQL of one import: typing, defaults, derivations and checks of one record type."""

    rt: RecordType
    colmap: dict[str, int]
    header: list[str]
    # a date or time after this day is a problem of its row (see latest_date); None: no bound
    not_after: dt.date | None = None

    def label(self, name: str) -> str:
        i = self.colmap.get(name)
        return self.header[i] if i is not None else name

    def typed_select(self) -> tuple[str, list[tuple[str, str, str]]]:
        """SELECT over the raw batch `_b` yielding _row, the stored columns and `_tbad`;
        and the type checks (field, condition over `_b`, message) for the detailed pass.

        Each cell is typed once (a materialized CTE); `_tbad` then compares typed and raw
        values instead of typing the cell again."""
        inner = ["_row"]
        outer = ["_row"]
        fails: list[tuple[str, str, str]] = []
        bad: list[str] = []
        for c in self.rt.stored_columns:
            hook = HOOKS.get(self.rt.name, {}).get(c.name)
            name = q(c.name)
            if c.name in self.colmap or hook is not None:
                raw = q(f"c{self.colmap[c.name]}") if c.name in self.colmap else "NULL"
                expr, fail, msg = _typed(c, raw, self.rt.name)
                inner.append(f"{expr} AS {name}")
                if fail:
                    fails.append((c.name, fail, msg))
                    if hook is not None:
                        inner.append(f"{q('__err_' + c.name)} AS {q('_e_' + c.name)}")
                        bad.append(f"{q('_e_' + c.name)} IS NOT NULL")
                    else:
                        # presence is looked at only where typing gave NULL (rare)
                        inner.append(f"{raw} AS {q('_r_' + c.name)}")
                        bad.append(
                            f"({name} IS NULL AND NULLIF(trim({q('_r_' + c.name)}), '') IS NOT NULL)"
                        )
            else:
                inner.append(f"CAST(NULL AS {SQL_TYPES[c.kind]}) AS {name}")
            outer.append(name)
        outer.append(f"({' OR '.join(bad) or 'FALSE'}) AS _tbad")
        sql = (
            f"WITH _t0 AS MATERIALIZED (SELECT {', '.join(inner)} FROM _b)"
            f" SELECT {', '.join(outer)} FROM _t0"
        )
        return sql, fails

    def strict_select(self) -> str | None:
        """The canonical-form typing of every column (None when a column needs a hook)."""
        parts = ["_row"]
        for c in self.rt.stored_columns:
            if HOOKS.get(self.rt.name, {}).get(c.name) is not None:
                return None
            if c.name in self.colmap:
                parts.append(
                    f"{_strict(c, q(f'c{self.colmap[c.name]}'), self.rt.name)} AS {q(c.name)}"
                )
            else:
                parts.append(f"CAST(NULL AS {SQL_TYPES[c.kind]}) AS {q(c.name)}")
        parts.append("FALSE AS _tbad")
        return "SELECT " + ", ".join(parts) + " FROM _b"

    def final_select(self, typed_sql: str) -> str:
        """The typed rows with derivations and defaults applied (columns as stored, no _import)."""
        derive = DERIVE.get(self.rt.name, {})
        d1 = ", ".join(
            f"{derive[c.name]} AS {q(c.name)}" if c.name in derive else q(c.name)
            for c in self.rt.stored_columns
        )
        d2 = ", ".join(
            f"COALESCE({q(c.name)}, CAST({lit(c.default)} AS {SQL_TYPES[c.kind]})) AS {q(c.name)}"
            if c.default is not None
            else q(c.name)
            for c in self.rt.stored_columns
        )
        return (
            f"WITH t AS ({typed_sql}), d1 AS (SELECT _row, _tbad, {d1} FROM t)"
            f" SELECT _row, _tbad, {d2} FROM d1"
        )

    def row_checks(self) -> list[tuple[str, str, str]]:
        """(field, condition on the final row that is wrong, message SQL)."""
        out: list[tuple[str, str, str]] = []
        for c in self.rt.columns:
            n = q(c.name)
            if c.required:
                out.append((c.name, f"{n} IS NULL", lit("required value missing")))
            if c.min is not None:
                out.append(
                    (
                        c.name,
                        f"{n} < {c.min}",
                        f"{lit(f'must be at least {c.min}, not ')} || CAST({n} AS VARCHAR)",
                    )
                )
            if c.max is not None:
                out.append(
                    (
                        c.name,
                        f"{n} > {c.max}",
                        f"{lit(f'must be at most {c.max}, not ')} || CAST({n} AS VARCHAR)",
                    )
                )
        if self.not_after is not None:
            last = self.not_after.isoformat()
            for c in self.rt.stored_columns:
                if c.kind not in ("date", "timestamp"):
                    continue
                # a column of the file, or the start of a period the file names (plans, values)
                field_name = c.name if c.name in self.colmap else c.name.removesuffix("_start")
                if field_name not in self.colmap or (
                    field_name != c.name and not self._hooked(c.name)
                ):
                    continue
                n = q(c.name)
                out.append(
                    (
                        field_name,
                        f"CAST({n} AS DATE) > DATE {lit(last)}",
                        f"{lit(f'must not be after {last} (implausibly far in the future), not ')}"
                        f" || CAST({n} AS VARCHAR)",
                    )
                )
        for col, cond, msg in self.rt.checks:
            out.append((col, f"COALESCE({cond}, FALSE)", lit(msg)))
        return out

    def _hooked(self, name: str) -> bool:
        return HOOKS.get(self.rt.name, {}).get(name) is not None

    def bad_condition(self) -> str:
        conds = ["_tbad"] + [cond for _, cond, _ in self.row_checks()]
        return " OR ".join(f"({c})" for c in conds)

    def stored_names(self) -> list[str]:
        return [c.name for c in self.rt.stored_columns]


# -------------------------------------------------------------------- per-type hooks


LABEL_SCORES = {
    "很好": 100,
    "非常满意": 100,
    "满意": 100,
    "比较满意": 100,
    "一般": 75,
    "基本满意": 75,
    "不满意": 25,
    "投诉": 0,
}


def parse_answers(text: str) -> tuple[dict[str, Decimal], Decimal]:
    """`q1=很好;q2=75` or a JSON object -> ({question: score 0–100}, CS = Σ 25 × score/100)."""
    text = text.strip()
    items: list[tuple[str, object]]
    if text.startswith("{"):
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError(f"not valid JSON: {exc.msg}") from None
        if not isinstance(obj, dict):
            raise ValueError("must be an object of question -> answer")
        items = list(obj.items())
    else:
        items = []
        for part in text.replace("；", ";").split(";"):
            part = part.strip()
            if not part:
                continue
            sep = "=" if "=" in part else (":" if ":" in part else "：" if "：" in part else None)
            if sep is None:
                raise ValueError(f"{part!r} is not question=answer")
            k, v = part.split(sep, 1)
            items.append((k.strip(), v.strip()))
    scores: dict[str, Decimal] = {}
    for k, v in items:
        if isinstance(v, str) and v.strip() in LABEL_SCORES:
            s = Decimal(LABEL_SCORES[v.strip()])
        else:
            try:
                s = Decimal(str(v).strip())
            except InvalidOperation:
                raise ValueError(
                    f"answer {k}={v!r} is neither a score 0–100 nor one of {', '.join(LABEL_SCORES)}"
                ) from None
            if not Decimal(0) <= s <= Decimal(100):
                raise ValueError(f"answer {k}={v} is outside 0–100")
        scores[str(k)] = s
    cs = sum((Decimal(25) * s / Decimal(100) for s in scores.values()), Decimal(0))
    return scores, cs


QUESTIONS = 6  # q1–q6 of a callback questionnaire are kept as columns


def numbered_answers(scores: dict[str, Decimal]) -> list[Decimal | None]:
    """q1…q6: by key (``q3``, ``Q3``, ``3``) when the answers are numbered, else in order."""
    numbered: dict[int, Decimal] = {}
    for key, value in scores.items():
        digits = key.strip().lower().removeprefix("q")
        if digits.isdigit():
            numbered[int(digits)] = value
    if len(numbered) != len(scores):  # named questions (整体满意度 …): their order is the number
        numbered = {i: v for i, v in enumerate(scores.values(), start=1)}
    return [numbered.get(i) for i in range(1, QUESTIONS + 1)]


def dealer_cs(answers: list[Decimal | None]) -> Decimal | None:
    """The dealer sales CS of one callback: Σ 25 × q_i/100 over questions 1–4 (0–100); a
    six-question survey never gives more than 100. None when a question 1–4 is unanswered."""
    first = answers[:4]
    if any(a is None for a in first):
        return None
    return sum((Decimal(25) * a / Decimal(100) for a in first), Decimal(0))  # type: ignore[operator]


def _hook_surveys(tbl: pa.Table, colmap: dict[str, int]) -> pa.Table:
    n = tbl.num_rows
    vals: list[str | None] = [None] * n
    cs: list[str | None] = [None] * n
    qs: list[list[str | None]] = [[None] * n for _ in range(QUESTIONS)]
    errs: list[str | None] = [None] * n
    if "answers" in colmap:
        for i, text in enumerate(tbl.column(f"c{colmap['answers']}").to_pylist()):
            if text is None or not text.strip():
                continue
            try:
                scores, _ = parse_answers(text)
            except ValueError as exc:
                errs[i] = str(exc)
                continue
            vals[i] = json.dumps(
                {k: float(v) if v != v.to_integral() else int(v) for k, v in scores.items()},
                ensure_ascii=False,
            )
            answers = numbered_answers(scores)
            for q, a in enumerate(answers):
                qs[q][i] = None if a is None else str(a)
            score = dealer_cs(answers)
            cs[i] = None if score is None else str(score)
    none = pa.array([None] * n, pa.string())
    tbl = (
        tbl.append_column("__answers", pa.array(vals, pa.string()))
        .append_column("__err_answers", pa.array(errs, pa.string()))
        .append_column("__cs_score", pa.array(cs, pa.string()))
        .append_column("__err_cs_score", none)
    )
    for q in range(QUESTIONS):
        tbl = tbl.append_column(f"__q{q + 1}", pa.array(qs[q], pa.string()))
        tbl = tbl.append_column(f"__err_q{q + 1}", none)
    return tbl


def _hook_plans(tbl: pa.Table, colmap: dict[str, int]) -> pa.Table:
    n = tbl.num_rows
    labels: list[str | None] = [None] * n
    starts: list[str | None] = [None] * n
    ends: list[str | None] = [None] * n
    errs: list[str | None] = [None] * n
    for i, text in enumerate(tbl.column(f"c{colmap['period']}").to_pylist()):
        if text is None or not text.strip():
            continue
        try:
            p = parse_period(text.strip(), 1)
        except PeriodError as exc:
            errs[i] = str(exc)
            continue
        labels[i], starts[i], ends[i] = p.label, p.start.isoformat(), p.end.isoformat()
    none = pa.array([None] * n, pa.string())
    return (
        tbl.append_column("__period", pa.array(labels, pa.string()))
        .append_column("__err_period", pa.array(errs, pa.string()))
        .append_column("__period_start", pa.array(starts, pa.string()))
        .append_column("__err_period_start", none)
        .append_column("__period_end", pa.array(ends, pa.string()))
        .append_column("__err_period_end", none)
    )


# table -> field -> the hook computing it (the hook adds __field and __err_field columns)
HOOKS: dict[str, dict[str, Callable[[pa.Table, dict[str, int]], pa.Table]]] = {
    "surveys": {
        "answers": _hook_surveys,
        "cs_score": _hook_surveys,
        **{f"q{i}": _hook_surveys for i in range(1, QUESTIONS + 1)},
    },
    "plans": {"period": _hook_plans, "period_start": _hook_plans, "period_end": _hook_plans},
    "values": {"period": _hook_plans, "period_start": _hook_plans, "period_end": _hook_plans},
}


def _apply_hooks(rt: RecordType, tbl: pa.Table, colmap: dict[str, int]) -> pa.Table:
    done = set()
    for hook in HOOKS.get(rt.name, {}).values():
        if hook not in done:
            tbl = hook(tbl, colmap)
            done.add(hook)
    return tbl


# ------------------------------------------------------------------------- the import


def _create_table_sql(
    name: str, rt: RecordType, *, temp: bool = False, with_row: bool = False
) -> str:
    cols = [f"{q(c.name)} {SQL_TYPES[c.kind]}" for c in rt.stored_columns]
    cols.append(f"{q('_row' if with_row else '_import')} BIGINT")
    return f"CREATE {'TEMP ' if temp else ''}TABLE {q(name)} ({', '.join(cols)})"


def _key_eq(rt: RecordType, a: str, b: str) -> str:
    return " AND ".join(f"{a}.{q(k)} = {b}.{q(k)}" for k in rt.key)


def _keys(rt: RecordType) -> str:
    return ", ".join(q(k) for k in rt.key)


class _Target:
    """Where the fast pass writes: the store's own table (DuckDB) or a local staging table."""

    def __init__(self, store: Store, rt: RecordType) -> None:
        self.store = store
        self.rt = rt
        self.native = store.kind == "duckdb"
        if self.native:
            self.con = store.duckdb
            self.table = rt.name
            self.roster = "SELECT id FROM employees"
        elif store.kind == "lake":
            # the lake's own in-memory DuckDB stages the import (csperf.ingest.lake)
            self.con = store.duckdb
            self.table = "stage"
            self.con.execute("DROP TABLE IF EXISTS stage")
            self.con.execute(_create_table_sql("stage", rt, temp=True))
            self.roster = "SELECT id FROM employees" + (
                " UNION ALL SELECT id FROM stage" if rt.name == "employees" else ""
            )
            store.table("employees")  # defines the roster's view
        else:
            tmp = tempfile.mkdtemp(prefix="csperf-stage-")
            self.con = duckdb.connect(config={"temp_directory": tmp, "memory_limit": "2GB"})
            self.table = "stage"
            self.con.execute(_create_table_sql("stage", rt))
            ids = store.table("employees").select("id").to_pyarrow()
            self.con.register("_roster_arrow", ids)
            self.con.execute("CREATE TABLE roster_ids AS SELECT id FROM _roster_arrow")
            self.con.unregister("_roster_arrow")
            self.roster = "SELECT id FROM roster_ids" + (
                " UNION ALL SELECT id FROM stage" if rt.name == "employees" else ""
            )
        _define_macros(self.con)

    def close(self) -> None:
        if self.native:
            return
        if self.store.kind == "lake":
            with contextlib.suppress(duckdb.Error):
                self.con.execute("DROP TABLE IF EXISTS stage")
            self.store.end_write()
        else:
            self.con.close()


def _define_macros(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        "CREATE OR REPLACE TEMP MACRO quote_cell(x) AS "
        "'''' || CASE WHEN length(x) > 40 THEN left(x, 40) || '…' ELSE x END || ''''"
    )


def _next_import_id(store: Store, con, native: bool) -> int:
    if store.kind == "lake":  # takes the lake's writer lock until the import ends
        return store.begin_write()
    if native:
        return int(
            con.execute(f"SELECT COALESCE(max(id), 0) + 1 FROM {IMPORTS_TABLE}").fetchone()[0]
        )
    t = store.table(IMPORTS_TABLE)
    v = t.id.max().to_pyarrow().as_py()
    return int(v or 0) + 1


def import_file(
    kind: str,
    path: str | Path,
    *,
    store: Store,
    mapping: dict[str, str] | None = None,
    encoding: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    limits: Limits | None = None,
) -> ImportResult:
    """Import one CSV or spreadsheet file of record type `kind` into `store`.

    `limits` bound what one file may hold (default: :func:`csperf.ingest.limits.current`)."""
    if kind == "queue_log":
        from csperf.ingest.queue_log import import_queue_log

        return import_queue_log(path, store=store, agent_map=mapping, progress=progress)
    if kind not in RECORD_TYPES:
        raise ImportFailed([Problem(str(path), None, None, f"unknown record type {kind!r}")])
    rt = RECORD_TYPES[kind]
    fname = str(path)
    lim = limits or current_limits()
    try:
        src = open_table(path, encoding=encoding, limits=lim)
    except ReadError as exc:
        raise ImportFailed(*_read_problems(fname, exc)) from None
    colmap, ignored = resolve_header(rt, src.header, mapping, fname)
    plan = Plan(rt, colmap, src.header, not_after=latest_date(rt, lim))
    try:
        res = _run(plan, src, store, fname, progress, ignored, path, encoding, lim)
    except ReadError as exc:
        raise ImportFailed(*_read_problems(fname, exc)) from None
    if res.rows == 0:
        res.warnings.append(f"{fname}: the file has a header but no rows; 0 rows imported")
    return res


def _read_problems(fname: str, exc: ReadError) -> tuple[list[Problem], int]:
    """The problems of a ReadError, each placed at its row and column where it has one."""
    if exc.problems:
        return [Problem(fname, r, c, m) for r, c, m in exc.problems], exc.total
    return [_read_problem(fname, str(exc))], 1


def _read_problem(fname: str, msg: str) -> Problem:
    """`path:line: message` from a ReadError as a Problem."""
    rest = msg[len(fname) :] if msg.startswith(fname) else ": " + msg
    if rest.startswith(":") and rest[1:].split(":", 1)[0].isdigit():
        line, text = rest[1:].split(":", 1)
        return Problem(fname, int(line), None, text.strip())
    return Problem(fname, None, None, rest.lstrip(": ").strip())


def latest_date(rt: RecordType, limits: Limits, today: dt.date | None = None) -> dt.date:
    """The last plausible date of a record: `limits.future_days` after today; planning records
    (plans, values, the calendar) may also run to the end of next year."""
    today = today or dt.date.today()
    last = today + dt.timedelta(days=limits.future_days)
    if rt.name in PLANNING_TYPES:
        last = max(last, dt.date(today.year + 1, 12, 31))
    return last


PLANNING_TYPES = ("plans", "values", "calendar")


def _run(plan, src, store, fname, progress, ignored, path, encoding, limits) -> ImportResult:
    return run_import(
        plan,
        src,
        store=store,
        source_name=fname,
        progress=progress,
        ignored=ignored,
        reopen=lambda: open_table(path, encoding=encoding, limits=limits),
    )


def run_import(
    plan: Plan,
    src: Source,
    *,
    store: Store,
    source_name: str,
    progress: Callable[[int, int], None] | None,
    ignored: list[str],
    reopen: Callable[[], Source],
) -> ImportResult:
    t0 = time.perf_counter()
    rt = plan.rt
    target = _Target(store, rt)
    con = target.con
    typed_sql, _ = plan.typed_select()
    final_sql = plan.final_select(typed_sql)
    names = plan.stored_names()
    cols = ", ".join(q(n) for n in names)
    bad = plan.bad_condition()
    failed = False
    reason = ""
    rows = 0
    con.execute("BEGIN TRANSACTION")
    try:
        import_id = _next_import_id(store, con, target.native)

        def insert_sql(final: str) -> str:
            return (
                f"INSERT INTO {q(target.table)} ({cols}, _import) SELECT {cols}, {import_id} FROM"
                f" ({final}) WHERE CASE WHEN {bad} THEN error('{BAD_ROW} ' || _row) ELSE TRUE END"
            )

        insert = insert_sql(final_sql)
        strict = plan.strict_select()
        fast = bool(src.duckdb_csv) and rt.name not in HOOKS and strict is not None
        if fast:
            # fast path: DuckDB reads, types and checks the whole file in one parallel statement;
            # row numbers are only needed when it fails, and then the detailed pass finds them.
            # First with plain CASTs for canonical cells; a file with other spellings (Chinese
            # words, HH:MM:SS, 2026/03/02 …) is read again with the flexible typing.
            failed, rows, reason = _insert_csv(
                con, insert_sql(plan.final_select(strict)), src, plan, progress
            )
            if failed and reason == NOT_CANONICAL:
                con.execute("ROLLBACK")
                con.execute("BEGIN TRANSACTION")
                failed, rows, reason = _insert_csv(con, insert, src, plan, progress)
            if failed and reason:
                # DuckDB could not read it as a strict CSV (a row of another width, a line
                # longer than a field may be, a stray quote): the batch reader reads it again
                # and names the rows of such problems (or imports a file it can read).
                con.execute("ROLLBACK")
                con.execute("BEGIN TRANSACTION")
                failed, rows, reason, fast = False, 0, "", False
            elif not failed and rows > src.limits.rows:
                msg = too_many_rows(src.limits)
                raise ReadError(f"{source_name}: {msg}", [(None, None, msg)])
        if not fast:
            for batch in src.batches():
                tbl = _apply_hooks(rt, batch.table, plan.colmap)
                con.register("_b", tbl)
                try:
                    con.execute(insert)
                except duckdb.Error as exc:
                    if BAD_ROW in str(exc):
                        failed = True
                        break
                    raise
                finally:
                    con.unregister("_b")
                rows += tbl.num_rows
                if progress:
                    progress(batch.bytes_read, src.total)
        if src.invalid_rows:
            failed = True
        if not failed:
            failed = _has_duplicates(con, target, import_id) or _has_bad_refs(
                con, target, import_id
            )
        if failed:
            con.execute("ROLLBACK")
        else:
            replaced = _replace_and_log(con, target, import_id, source_name, rows)
            con.execute("COMMIT")
            if not target.native:
                replaced = _transfer(store, target, import_id, source_name, rows)
    except BaseException:
        with contextlib.suppress(duckdb.Error):
            con.execute("ROLLBACK")
        raise
    finally:
        target.close()
    if failed:
        problems, total = detailed_problems(
            plan, reopen(), store=store, source_name=source_name, reason=reason
        )
        raise ImportFailed(problems, total)
    return ImportResult(
        type=rt.name,
        source=source_name,
        rows=rows,
        replaced=replaced,
        import_id=import_id,
        ignored_columns=ignored,
        seconds=time.perf_counter() - t0,
    )


def _insert_csv(con, insert: str, src: Source, plan: Plan, progress) -> tuple[bool, int, str]:
    """INSERT … FROM read_csv(all text); returns (failed, rows, DuckDB's reason)."""
    import threading

    path, delim = src.duckdb_csv
    ncols = len(src.header)
    cols = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(ncols)) + "}"
    reader = (
        f"(SELECT *, CAST(0 AS BIGINT) AS _row FROM read_csv({lit(path)}, columns = {cols},"
        f" header = true, auto_detect = false, delim = {lit(delim)}, quote = '\"', escape = '\"',"
        f" strict_mode = true, null_padding = false,"
        f" max_line_size = {src.limits.field_bytes}))"
    )
    sql = insert.replace(" FROM _b", f" FROM {reader}")
    done = threading.Event()

    def watch() -> None:  # DuckDB reports its own progress; relay it to the bar
        while not done.wait(0.5):
            try:
                pct = con.query_progress()
            except Exception:
                return
            if progress and pct and pct > 0:
                progress(int(src.total * min(pct, 100) / 100), src.total)

    t = threading.Thread(target=watch, daemon=True)
    t.start()
    try:
        res = con.execute(sql).fetchall()
    except duckdb.Error as exc:
        msg = str(exc)
        if STRICT in msg or "Conversion Error" in msg or "Could not convert" in msg:
            return True, 0, NOT_CANONICAL
        if BAD_ROW in msg or "CSV" in msg or "csv" in msg:
            return True, 0, "" if BAD_ROW in msg else msg.splitlines()[0]
        raise
    finally:
        done.set()
        t.join()
    if progress:
        progress(src.total, src.total)
    return False, (int(res[0][0]) if res else 0), ""


def _has_duplicates(con, target: _Target, import_id: int) -> bool:
    """Duplicate keys among the rows of this import. A 64-bit hash of the key finds candidates
    quickly; only when there are some is the exact (slower) check run."""
    keys = _keys(target.rt)
    t = q(target.table)
    cand = con.execute(
        f"SELECT 1 FROM {t} WHERE _import = {import_id} GROUP BY hash({keys})"
        " HAVING count(*) > 1 LIMIT 1"
    ).fetchall()
    if not cand:
        return False
    r = con.execute(
        f"SELECT 1 FROM {t} WHERE _import = {import_id} GROUP BY {keys} HAVING count(*) > 1 LIMIT 1"
    ).fetchall()
    return bool(r)


def _ref_columns(rt: RecordType) -> list[str]:
    return [c.name for c in rt.columns if c.ref == "employees"]


def _has_bad_refs(con, target: _Target, import_id: int) -> bool:
    for col in _ref_columns(target.rt):
        r = con.execute(
            f"SELECT 1 FROM {q(target.table)} c WHERE c._import = {import_id} AND c.{q(col)} IS NOT NULL"
            f" AND c.{q(col)} NOT IN ({target.roster}) LIMIT 1"
        ).fetchall()
        if r:
            return True
    return False


def _replace_and_log(con, target: _Target, import_id: int, source: str, rows: int) -> int:
    rt = target.rt
    replaced = 0
    if target.native:
        keys = _keys(rt)
        older = con.execute(
            f"SELECT 1 FROM {q(rt.name)} WHERE _import <> {import_id} LIMIT 1"
        ).fetchall()
        r = (
            []
            if not older
            else con.execute(
                f"DELETE FROM {q(rt.name)} o USING (SELECT {keys} FROM {q(rt.name)}"
                f" WHERE _import = {import_id}) n WHERE o._import <> {import_id} AND {_key_eq(rt, 'o', 'n')}"
            ).fetchall()
        )
        replaced = int(r[0][0]) if r else 0
        con.execute(
            f"INSERT INTO {IMPORTS_TABLE} VALUES (?, ?, ?, ?, ?, ?)",
            [import_id, rt.name, source, rows, replaced, now()],
        )
    return replaced


def _transfer(store: Store, target: _Target, import_id: int, source: str, rows: int) -> int:
    """Move the checked rows of a local staging table into a non-DuckDB store, atomically."""
    rt = target.rt
    names = [*(c.name for c in rt.stored_columns), "_import"]
    if store.kind == "lake":  # one Delta commit per table (csperf.ingest.lake)
        return store.commit_import(rt, target.con, "stage", import_id, source, rows)
    if store.kind == "postgres":
        return _transfer_postgres(store, target, names, import_id, source, rows)
    # other Ibis backends: insert through Ibis (atomic only where the backend has transactions)
    arrow = target.con.execute(f"SELECT {', '.join(map(q, names))} FROM stage").fetch_arrow_table()
    stage = f"_csperf_stage_{import_id}"
    store.con.create_table(stage, arrow, overwrite=True)
    try:
        cond = " AND ".join(f"s.{q(k)} = t.{q(k)}" for k in rt.key)
        store.con.raw_sql(
            f"DELETE FROM {q(rt.name)} t WHERE EXISTS (SELECT 1 FROM {q(stage)} s WHERE {cond})"
        )
        store.con.insert(rt.name, store.con.table(stage))
        store.con.insert(
            IMPORTS_TABLE,
            pa.table(
                {
                    "id": [import_id],
                    "type": [rt.name],
                    "source": [source],
                    "rows": [rows],
                    "replaced": [0],
                    "imported_at": [now()],
                }
            ),
        )
    finally:
        store.con.drop_table(stage, force=True)
    return 0


def _transfer_postgres(
    store: Store, target: _Target, names: list[str], import_id: int, source: str, rows: int
) -> int:
    pg = store.con.con  # the psycopg connection under Ibis
    qcols = ", ".join(q(n) for n in names)
    with tempfile.TemporaryDirectory(prefix="csperf-copy-") as tmp:
        csv_path = Path(tmp) / "stage.csv"
        target.con.execute(
            f"COPY (SELECT {qcols} FROM stage) TO '{csv_path}' (FORMAT csv, HEADER false)"
        )
        rt = target.rt
        with pg.transaction(), pg.cursor() as cur:
            cur.execute(f"CREATE TEMP TABLE _csperf_stage (LIKE {q(rt.name)}) ON COMMIT DROP")
            with (
                cur.copy(f"COPY _csperf_stage ({qcols}) FROM STDIN WITH (FORMAT csv)") as cp,
                csv_path.open("rb") as f,
            ):
                while chunk := f.read(1 << 20):
                    cp.write(chunk)
            cur.execute(
                f"DELETE FROM {q(rt.name)} o USING _csperf_stage n WHERE {_key_eq(rt, 'o', 'n')}"
            )
            replaced = cur.rowcount
            cur.execute(f"INSERT INTO {q(rt.name)} ({qcols}) SELECT {qcols} FROM _csperf_stage")
            cur.execute(
                f"INSERT INTO {IMPORTS_TABLE} (id, type, source, rows, replaced, imported_at)"
                " VALUES (%s, %s, %s, %s, %s, %s)",
                (import_id, rt.name, source, rows, max(replaced, 0), now()),
            )
    return max(replaced, 0)


# --------------------------------------------------------------- the detailed pass


def detailed_problems(
    plan: Plan, src: Source, *, store: Store, source_name: str, reason: str = ""
) -> tuple[list[Problem], int]:
    """Re-read a rejected file and list its problems (first 100 by row, and the total)."""
    rt = plan.rt
    con = duckdb.connect(config={"memory_limit": "2GB"})
    _define_macros(con)
    ids = store.table("employees").select("id").to_pyarrow()
    con.register("_roster_arrow", ids)
    con.execute("CREATE TABLE roster_ids AS SELECT id FROM _roster_arrow")
    con.unregister("_roster_arrow")
    keycols = list(dict.fromkeys([*rt.key, *_ref_columns(rt)]))
    if rt.name == "employees" and "id" not in keycols:
        keycols.append("id")
    con.execute(
        "CREATE TABLE _keys (_row BIGINT, "
        + ", ".join(f"{q(k)} {SQL_TYPES[rt.column(k).kind]}" for k in keycols)
        + ")"
    )
    typed_sql, type_fails = plan.typed_select()
    final_sql = plan.final_select(typed_sql)
    # problems of one row are listed in the order of the file's columns
    order = {c.name: plan.colmap.get(c.name, 1000 + i) for i, c in enumerate(rt.stored_columns)}
    found: list[tuple[int, int, Problem]] = []
    total = 0

    def add(row: int | None, col: str | None, msg: str) -> None:
        found.append(
            (
                row or 0,
                order.get(col or "", -1),
                Problem(source_name, row, plan.label(col) if col else None, msg),
            )
        )

    for batch in src.batches():
        tbl = _apply_hooks(rt, batch.table, plan.colmap)
        con.register("_b", tbl)
        con.execute(f"CREATE OR REPLACE TEMP TABLE _final AS {final_sql}")
        checks: list[tuple[str, str, str, str]] = []
        for name, cond, msg in type_fails:
            # conditions over raw cells: evaluate on the raw batch joined with its typed row
            checks.append(("_b", name, cond, msg))
        for name, cond, msg in plan.row_checks():
            # skip the row checks of cells that already failed to type (reported once)
            checks.append(("_final", name, cond, msg))
        failed_type: set[tuple[int, str]] = set()
        for where, name, cond, msg in checks:
            if where == "_b":
                sql = (
                    f"SELECT _row, {msg}, count(*) OVER () FROM _b"
                    f" WHERE {cond} ORDER BY _row LIMIT {MAX_PROBLEMS}"
                )
                n_sql = f"SELECT _row FROM _b WHERE {cond}"
                for (r,) in con.execute(n_sql).fetchall():
                    failed_type.add((r, name))
            else:
                sql = (
                    f"SELECT _row, {msg}, count(*) OVER () FROM _final WHERE {cond}"
                    f" ORDER BY _row LIMIT {MAX_PROBLEMS}"
                )
            res = con.execute(sql).fetchall()
            if where == "_final" and failed_type:
                res = [r for r in res if (r[0], name) not in failed_type]
                cnt_sql = f"SELECT _row FROM _final WHERE {cond}"
                total += sum(
                    1 for (r,) in con.execute(cnt_sql).fetchall() if (r, name) not in failed_type
                )
            elif res:
                total += int(res[0][2])
            for r, m, _ in res:
                add(r, name, m)
        con.execute(f"INSERT INTO _keys SELECT _row, {', '.join(map(q, keycols))} FROM _final")
        con.unregister("_b")
    if src.invalid_rows:
        # rows of another width than the header: the file's rows do not line up, so the other
        # problems' row numbers cannot be trusted; these are what to fix first
        con.close()
        placed = sorted(src.invalid_rows, key=lambda x: x[0] or 0)
        problems = [Problem(source_name, r, None, m) for r, m in placed[:MAX_PROBLEMS]]
        return problems, max(len(placed), src.invalid_total)
    # duplicate keys within the file
    keys = _keys(rt)
    notnull = " AND ".join(f"{q(k)} IS NOT NULL" for k in rt.key)
    dups = con.execute(
        f"SELECT _row, {keys}, first, count(*) OVER () FROM (SELECT _row, {keys},"
        f" min(_row) OVER (PARTITION BY {keys}) AS first FROM _keys WHERE {notnull})"
        f" WHERE _row <> first ORDER BY _row LIMIT {MAX_PROBLEMS}"
    ).fetchall()
    if dups:
        total += int(dups[0][-1])
    for rec in dups:
        r, *kv, first, _ = rec
        label = ", ".join(f"{k}={v}" for k, v in zip(rt.key, kv, strict=True))
        add(r, rt.key[0], f"duplicate key {label} (already in row {first})")
    # references to the roster
    roster = "SELECT id FROM roster_ids" + (
        " UNION ALL SELECT id FROM _keys" if rt.name == "employees" else ""
    )
    for col in _ref_columns(rt):
        res = con.execute(
            f"SELECT _row, {q(col)}, count(*) OVER () FROM _keys WHERE {q(col)} IS NOT NULL"
            f" AND {q(col)} NOT IN ({roster}) ORDER BY _row LIMIT {MAX_PROBLEMS}"
        ).fetchall()
        if res:
            total += int(res[0][2])
        for r, v, _ in res:
            add(r, col, f"{v!r} is not an employee id of the roster (import employees first)")
    con.close()
    found.sort(key=lambda x: (x[0], x[1]))
    problems = [p for _, _, p in found[:MAX_PROBLEMS]]
    if not problems:  # should not happen: the fast pass saw a problem; say so rather than hide it
        problems = [
            Problem(
                source_name,
                None,
                None,
                reason or "the file was rejected but no problem could be located",
            )
        ]
        total = 1
    return problems, max(total, len(problems))


def write_typed(
    store: Store,
    rt: RecordType,
    batches: Iterable[pa.Table],
    *,
    source: str,
) -> ImportResult:
    """Store already-typed rows (demo data, converters) with the same replace semantics."""
    t0 = time.perf_counter()
    target = _Target(store, rt)
    con = target.con
    names = [c.name for c in rt.stored_columns]
    cols = ", ".join(q(n) for n in names)
    rows = 0
    con.execute("BEGIN TRANSACTION")
    try:
        import_id = _next_import_id(store, con, target.native)
        for tbl in batches:
            con.register("_t", tbl)
            sel = ", ".join(
                q(n) if n in tbl.column_names else f"CAST(NULL AS {SQL_TYPES[rt.column(n).kind]})"
                for n in names
            )
            con.execute(
                f"INSERT INTO {q(target.table)} ({cols}, _import) SELECT {sel}, {import_id} FROM _t"
            )
            con.unregister("_t")
            rows += tbl.num_rows
        replaced = _replace_and_log(con, target, import_id, source, rows)
        con.execute("COMMIT")
        if not target.native:
            replaced = _transfer(store, target, import_id, source, rows)
    except BaseException:
        with contextlib.suppress(duckdb.Error):
            con.execute("ROLLBACK")
        raise
    finally:
        target.close()
    return ImportResult(
        rt.name, source, rows, replaced, import_id, seconds=time.perf_counter() - t0
    )


def iter_batches(tbl: pa.Table, size: int = 500_000) -> Iterator[pa.Table]:
    for lo in range(0, tbl.num_rows, size):
        yield tbl.slice(lo, size)


__all__ = [
    "ImportFailed",
    "ImportResult",
    "Problem",
    "StoreError",
    "import_file",
    "write_typed",
]
