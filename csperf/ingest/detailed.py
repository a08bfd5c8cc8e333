"""The detailed pass: only when the fast pass rejected a file, read it again batch by batch and
list every problem as ``file:row:column: message`` (the first 100 by row, and the total).
Nothing is stored."""

from __future__ import annotations

import duckdb

from csperf.ingest.hooks import apply_hooks
from csperf.ingest.plan import Plan, message_of, q
from csperf.ingest.problems import MAX_PROBLEMS, Problem
from csperf.ingest.readers import Source
from csperf.ingest.schema import SQL_TYPES, RecordType
from csperf.ingest.store import Store
from csperf.ingest.target import define_macros, keys_sql, ref_columns
from csperf.kernel.i18n import Message, gettext_noop


class _Found:
    """The problems found so far, kept in file order (row, then the file's column order)."""

    def __init__(self, plan: Plan, source_name: str) -> None:
        self.plan = plan
        self.source_name = source_name
        rt = plan.rt
        self.order = {
            c.name: plan.colmap.get(c.name, 1000 + i) for i, c in enumerate(rt.stored_columns)
        }
        self.found: list[tuple[int, int, Problem]] = []
        self.total = 0

    def add(self, row: int | None, col: str | None, msg: str) -> None:
        label = self.plan.label(col) if col else None
        problem = Problem(
            path="", file=self.source_name, row=row, column=label, message=message_of(msg)
        )
        self.found.append((row or 0, self.order.get(col or "", -1), problem))

    def result(self, reason: str) -> tuple[list[Problem], int]:
        self.found.sort(key=lambda x: (x[0], x[1]))
        problems = [p for _, _, p in self.found[:MAX_PROBLEMS]]
        if not problems:  # the fast pass saw a problem: say so rather than hide it
            why = reason or Message(
                gettext_noop("the file was rejected but no problem could be located")
            )
            return [Problem(path="", file=self.source_name, row=None, column=None, message=why)], 1
        return problems, max(self.total, len(problems))


def detailed_problems(
    plan: Plan, src: Source, *, store: Store, source_name: str, reason: str = ""
) -> tuple[list[Problem], int]:
    """Re-read a rejected file and list its problems (first 100 by row, and the total)."""
    rt = plan.rt
    con = _connect(store)
    found = _Found(plan, source_name)
    try:
        keycols = _key_columns(rt)
        con.execute(
            "CREATE TABLE _keys (_row BIGINT, "
            + ", ".join(f"{q(k)} {SQL_TYPES[rt.column(k).kind]}" for k in keycols)
            + ")"
        )
        typed_sql, type_fails = plan.typed_select()
        final_sql = plan.final_select(typed_sql)
        for batch in src.batches():
            con.register("_b", apply_hooks(rt, batch.table, plan.colmap))
            con.execute(f"CREATE OR REPLACE TEMP TABLE _final AS {final_sql}")
            failed = _type_problems(con, type_fails, found)
            _row_problems(con, plan, failed, found)
            con.execute(f"INSERT INTO _keys SELECT _row, {', '.join(map(q, keycols))} FROM _final")
            con.unregister("_b")
        if src.invalid_rows:
            # rows of another width than the header: the file's rows do not line up, so the
            # other problems' row numbers cannot be trusted; these are what to fix first
            placed = sorted(src.invalid_rows, key=lambda x: x[0] or 0)
            problems = [
                Problem(path="", file=source_name, row=r, column=None, message=m)
                for r, m in placed[:MAX_PROBLEMS]
            ]
            return problems, max(len(placed), src.invalid_total)
        _duplicate_problems(con, rt, found)
        _reference_problems(con, rt, found)
    finally:
        con.close()
    return found.result(reason)


def _connect(store: Store) -> duckdb.DuckDBPyConnection:
    """A local DuckDB holding the roster's ids."""
    con = duckdb.connect(config={"memory_limit": "2GB"})
    define_macros(con)
    ids = store.table("employees").select("id").to_pyarrow()
    con.register("_roster_arrow", ids)
    con.execute("CREATE TABLE roster_ids AS SELECT id FROM _roster_arrow")
    con.unregister("_roster_arrow")
    return con


def _key_columns(rt: RecordType) -> list[str]:
    keycols = list(dict.fromkeys([*rt.key, *ref_columns(rt)]))
    if rt.name == "employees" and "id" not in keycols:
        keycols.append("id")
    return keycols


def _type_problems(con, type_fails: list[tuple[str, str, str]], found: _Found) -> set:
    """Cells that cannot be typed (conditions over the raw batch `_b`); returns their
    (row, field), whose row checks are then not reported again."""
    failed: set[tuple[int, str]] = set()
    for name, cond, msg in type_fails:
        for (r,) in con.execute(f"SELECT _row FROM _b WHERE {cond}").fetchall():
            failed.add((r, name))
        res = con.execute(
            f"SELECT _row, {msg}, count(*) OVER () FROM _b"
            f" WHERE {cond} ORDER BY _row LIMIT {MAX_PROBLEMS}"
        ).fetchall()
        if res:
            found.total += int(res[0][2])
        for r, m, _ in res:
            found.add(r, name, m)
    return failed


def _row_problems(con, plan: Plan, failed: set[tuple[int, str]], found: _Found) -> None:
    """The checks of the typed rows (`_final`): required, ranges, dates, the type's checks."""
    for name, cond, msg in plan.row_checks():
        res = con.execute(
            f"SELECT _row, {msg}, count(*) OVER () FROM _final WHERE {cond}"
            f" ORDER BY _row LIMIT {MAX_PROBLEMS}"
        ).fetchall()
        if failed:
            res = [r for r in res if (r[0], name) not in failed]
            rows = con.execute(f"SELECT _row FROM _final WHERE {cond}").fetchall()
            found.total += sum(1 for (r,) in rows if (r, name) not in failed)
        elif res:
            found.total += int(res[0][2])
        for r, m, _ in res:
            found.add(r, name, m)


def _duplicate_problems(con, rt: RecordType, found: _Found) -> None:
    """Keys given twice within the file: each later row names the first."""
    keys = keys_sql(rt)
    notnull = " AND ".join(f"{q(k)} IS NOT NULL" for k in rt.key)
    dups = con.execute(
        f"SELECT _row, {keys}, first, count(*) OVER () FROM (SELECT _row, {keys},"
        f" min(_row) OVER (PARTITION BY {keys}) AS first FROM _keys WHERE {notnull})"
        f" WHERE _row <> first ORDER BY _row LIMIT {MAX_PROBLEMS}"
    ).fetchall()
    if dups:
        found.total += int(dups[0][-1])
    for rec in dups:
        r, *kv, first, _ = rec
        label = ", ".join(f"{k}={v}" for k, v in zip(rt.key, kv, strict=True))
        found.add(
            r,
            rt.key[0],
            Message(
                gettext_noop("duplicate key %(key)s (already in row %(first)s)"),
                {"key": label, "first": first},
            ),
        )


def _reference_problems(con, rt: RecordType, found: _Found) -> None:
    """Employee ids that are not in the roster (nor, for the roster itself, in the file)."""
    roster = "SELECT id FROM roster_ids" + (
        " UNION ALL SELECT id FROM _keys" if rt.name == "employees" else ""
    )
    for col in ref_columns(rt):
        res = con.execute(
            f"SELECT _row, {q(col)}, count(*) OVER () FROM _keys WHERE {q(col)} IS NOT NULL"
            f" AND {q(col)} NOT IN ({roster}) ORDER BY _row LIMIT {MAX_PROBLEMS}"
        ).fetchall()
        if res:
            found.total += int(res[0][2])
        for r, v, _ in res:
            found.add(
                r,
                col,
                Message(
                    gettext_noop(
                        "'%(value)s' is not an employee id of the roster (import employees first)"
                    ),
                    {"value": v},
                ),
            )
