"""The SQL of an import: how each cell is typed, derived, defaulted and checked.

Every kind is typed by one pair of expressions (:func:`cell_sql`): ``canonical``, plain casts
that give the value of a cell already in canonical form (ISO times, plain numbers, canonical
words) and NULL otherwise; and ``lenient``, the slower reading of the other spellings (Chinese
words, ``HH:MM:SS``, ``2026/03/02``, ``1,234``, ``¥``). The fast pass first tries the strict
form (canonical, or an error naming :data:`STRICT`: the file is read again with the flexible
form); the flexible form is canonical, else lenient, and a cell that neither reads is a problem.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal

from csperf.ingest.hooks import HOOKS
from csperf.ingest.schema import SQL_TYPES, Column, RecordType, lower_strings
from csperf.kernel.i18n import gettext_noop, stored_message
from csperf.kernel.words import NO_WORDS, YES_WORDS

BAD_ROW = "csperf-bad-row"
STRICT = "csperf-not-canonical"
NOT_CANONICAL = "not canonical"

# the kernel's yes/no words, in a fixed order so that the generated SQL is the same every run
TRUE_WORDS = tuple(sorted(YES_WORDS))
FALSE_WORDS = tuple(sorted(NO_WORDS))


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
    "int": gettext_noop("not a whole number: %(value)s"),
    "duration": gettext_noop("not a duration (seconds or HH:MM:SS): %(value)s"),
    "decimal": gettext_noop("not a number: %(value)s"),
    "money": gettext_noop("not an amount: %(value)s"),
    "bool": gettext_noop("not a yes/no value (1/0, true/false, 是/否): %(value)s"),
    "timestamp": gettext_noop("not a date and time (YYYY-MM-DD HH:MM:SS): %(value)s"),
    "date": gettext_noop("not a date (YYYY-MM-DD): %(value)s"),
}


def message_sql(msgid: str, **params: str) -> str:
    """SQL of a problem's message: JSON of its msgid and its params (each an SQL expression),
    so that a page can show it in the reader's language; :func:`message_of` reads it back."""
    if not params:
        return lit(json.dumps({"msgid": msgid, "params": {}}, ensure_ascii=False))
    pairs = ", ".join(f"{lit(k)}, CAST({v} AS VARCHAR)" for k, v in params.items())
    return f"json_object('msgid', {lit(msgid)}, 'params', json_object({pairs}))"


def message_of(text: str) -> str:
    """A message from SQL (:func:`message_sql`) or a hook as a Message; other text as it is."""
    return stored_message(text) or text


MISSING = gettext_noop("required value missing")
AT_LEAST = gettext_noop("must be at least %(min)s, not %(value)s")
AT_MOST = gettext_noop("must be at most %(max)s, not %(value)s")
TOO_LATE = gettext_noop("must not be after %(last)s (implausibly far in the future), not %(value)s")


@dataclass(frozen=True)
class CellSQL:
    """The typing of one cell: ``canonical`` (NULL when the cell is not in canonical form) and
    ``lenient`` (the other spellings, only evaluated where canonical gave NULL)."""

    canonical: str
    lenient: str
    # SQL of the problem's message (None: the hint of the kind)
    message: str | None = None


def cell_sql(c: Column, raw: str) -> CellSQL:
    """The typing of column ``c`` of raw text cell ``raw`` (a SQL expression)."""
    s = f"NULLIF(trim({raw}), '')"
    k = c.kind
    if k == "str":
        canonical = (
            f"CASE WHEN NOT (starts_with({raw}, ' ') OR ends_with({raw}, ' '))"
            f" THEN NULLIF({raw}, '') END"
        )
        return CellSQL(canonical, s)
    if k == "enum":
        canon = ", ".join(lit(v) for v in (c.choices or {}))
        whens = " ".join(
            f"WHEN list_contains([{', '.join(lit(w.lower()) for w in words)}], lower({s}))"
            f" THEN {lit(value)}"
            for value, words in (c.choices or {}).items()
        )
        allowed = ", ".join(c.choices or {})
        return CellSQL(
            f"CASE WHEN list_contains([{canon}], {raw}) THEN {raw} END",
            f"CASE {whens} END" if whens else "NULL",
            message_sql(
                gettext_noop("%(value)s is not one of %(allowed)s"),
                value=f"quote_cell({raw})",
                allowed=lit(allowed),
            ),
        )
    if k == "int":
        d = f"TRY_CAST(replace({s}, ',', '') AS DECIMAL(38,6))"
        return CellSQL(
            f"CASE WHEN NOT contains({raw}, '.') THEN TRY_CAST({raw} AS BIGINT) END",
            # (TRY_: a whole number beyond 64 bits is a problem of its cell, not a failed import)
            f"CASE WHEN {d} = trunc({d}) THEN TRY_CAST({d} AS BIGINT) END",
        )
    if k in ("decimal", "money"):
        t = SQL_TYPES[k]
        return CellSQL(
            f"TRY_CAST({raw} AS {t})",
            f"TRY_CAST(replace(replace(replace({s}, ',', ''), '¥', ''), '￥', '') AS {t})",
        )
    if k == "duration":
        return CellSQL(
            f"TRY_CAST({raw} AS DECIMAL(14,3))",
            f"CASE WHEN contains({raw}, ':')"
            f" THEN TRY_CAST(epoch(TRY_CAST({s} AS INTERVAL)) AS DECIMAL(14,3)) END",
        )
    if k == "bool":
        return CellSQL(
            f"CASE WHEN list_contains(['true', 'false', '1', '0'], {raw})"
            f" THEN list_contains(['true', '1'], {raw}) END",
            f"CASE WHEN list_contains([{', '.join(map(lit, TRUE_WORDS))}], lower({s})) THEN TRUE"
            f" WHEN list_contains([{', '.join(map(lit, FALSE_WORDS))}], lower({s})) THEN FALSE END",
        )
    if k == "timestamp":
        # fractions of a second are cut (the lenient path), as a spreadsheet shows the time
        return CellSQL(
            f"CASE WHEN NOT (contains({raw}, '.') OR contains({raw}, '/'))"
            f" THEN TRY_CAST({raw} AS TIMESTAMP) END",
            f"date_trunc('second', TRY_CAST(replace({s}, '/', '-') AS TIMESTAMP))",
        )
    if k == "date":
        return CellSQL(
            f"TRY_CAST({raw} AS DATE)",
            f"CAST(TRY_CAST(replace({s}, '/', '-') AS TIMESTAMP) AS DATE)",
        )
    raise AssertionError(k)  # pragma: no cover - every other kind is computed by a hook


def _lowered(c: Column, table: str, expr: str) -> str:
    return f"lower({expr})" if (table, c.name) in lower_strings() else expr


def strict_sql(c: Column, raw: str, table: str) -> str:
    """The value of a canonical cell; any other non-empty cell raises :data:`STRICT`."""
    cell = cell_sql(c, raw)
    fail = f"CASE WHEN NULLIF({raw}, '') IS NOT NULL THEN error('{STRICT}') END"
    return _lowered(c, table, f"COALESCE({cell.canonical}, {fail})")


def flexible_sql(c: Column, raw: str, table: str) -> tuple[str, str | None, str | None]:
    """(typed value, condition true when the cell cannot be typed, SQL of its message);
    no condition for text, which always reads."""
    cell = cell_sql(c, raw)
    expr = _lowered(c, table, f"COALESCE({cell.canonical}, {cell.lenient})")
    if c.kind == "str":  # any text is a string
        return expr, None, None
    s = f"NULLIF(trim({raw}), '')"
    hint = KIND_HINT.get(c.kind, gettext_noop("not valid: %(value)s"))
    msg = cell.message or message_sql(hint, value=f"quote_cell({raw})")
    return expr, f"({expr}) IS NULL AND {s} IS NOT NULL", msg


def hooked_sql(c: Column) -> tuple[str, str, str]:
    """A cell a hook computed (:mod:`csperf.ingest.hooks`): its value, failure and message."""
    err = q("__err_" + c.name)
    return f"CAST({q('__' + c.name)} AS {SQL_TYPES[c.kind]})", f"{err} IS NOT NULL", err


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
                typed = hooked_sql(c) if hook is not None else flexible_sql(c, raw, self.rt.name)
                expr, fail, msg = typed  # the one typing of csperf.ingest.plan
                inner.append(f"{expr} AS {name}")
                if fail and msg:
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
        """The typing of canonical cells only, any other raising :data:`STRICT` (None when a
        column needs a hook)."""
        parts = ["_row"]
        for c in self.rt.stored_columns:
            if self._hooked(c.name):
                return None
            if c.name in self.colmap:
                raw = q(f"c{self.colmap[c.name]}")
                parts.append(f"{strict_sql(c, raw, self.rt.name)} AS {q(c.name)}")
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
                out.append((c.name, f"{n} IS NULL", message_sql(MISSING)))
            if c.min is not None:
                out.append(
                    (
                        c.name,
                        f"{n} < {c.min}",
                        message_sql(AT_LEAST, min=lit(str(c.min)), value=n),
                    )
                )
            if c.max is not None:
                out.append(
                    (
                        c.name,
                        f"{n} > {c.max}",
                        message_sql(AT_MOST, max=lit(str(c.max)), value=n),
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
                        message_sql(TOO_LATE, last=lit(last), value=n),
                    )
                )
        for col, cond, msg in self.rt.checks:
            out.append((col, f"COALESCE({cond}, FALSE)", message_sql(msg)))
        return out

    def _hooked(self, name: str) -> bool:
        return HOOKS.get(self.rt.name, {}).get(name) is not None

    def bad_condition(self) -> str:
        conds = ["_tbad"] + [cond for _, cond, _ in self.row_checks()]
        return " OR ".join(f"({c})" for c in conds)

    def stored_names(self) -> list[str]:
        return [c.name for c in self.rt.stored_columns]
