"""The one SQL typing of an import (csperf.ingest.plan): the strict form (canonical cells only,
the fast pass's first try) and the flexible form read the same value from a canonical cell; a
cell in another spelling makes the strict form raise and is read by the flexible one; a cell
neither reads is a problem with its message."""

from __future__ import annotations

import ast
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from csperf.ingest.plan import STRICT, flexible_sql, strict_sql
from csperf.ingest.schema import Column
from csperf.ingest.target import define_macros

OUTCOMES = {"answered": ["接通"], "abandoned": ["放弃"]}

# kind, canonical cell, other spelling, their value, a cell no form reads
CASES = [
    ("int", "12", "1,2", 12, "12.5"),
    ("decimal", "12.5", "1,2.5", Decimal("12.5"), "abc"),
    ("money", "12.50", "¥12.50", Decimal("12.50"), "12 元"),
    ("duration", "75", "00:01:15", Decimal(75), "1 min"),
    ("bool", "1", "是", True, "maybe"),
    ("timestamp", "2026-03-02 09:00:00", "2026/03/02 09:00:00", datetime(2026, 3, 2, 9), "soon"),
    ("date", "2026-03-02", "2026/03/02 09:00", date(2026, 3, 2), "2026-02-30"),
    ("enum", "answered", "接通", "answered", "lost"),
    ("str", "Alice", " Alice ", "Alice", None),
]


@pytest.fixture(scope="module")
def con():
    c = duckdb.connect()
    define_macros(c)
    yield c
    c.close()


def column(kind: str) -> Column:
    choices = {k: tuple(v) for k, v in OUTCOMES.items()} if kind == "enum" else None
    return Column("x", kind, choices=choices)


def one(con, sql: str, cell: str | None):
    return con.execute(f"SELECT {sql} FROM (SELECT CAST(? AS VARCHAR) AS raw)", [cell]).fetchone()


@pytest.mark.parametrize(("kind", "canonical", "other", "value", "bad"), CASES)
def test_strict_and_flexible_agree_on_canonical_cells(con, kind, canonical, other, value, bad):
    c = column(kind)
    assert one(con, strict_sql(c, "raw", "t"), canonical)[0] == value
    expr, fail, _ = flexible_sql(c, "raw", "t")
    assert one(con, expr, canonical)[0] == value
    assert one(con, expr, other)[0] == value
    for empty in ("", None):
        assert one(con, strict_sql(c, "raw", "t"), empty)[0] is None
        assert one(con, expr, empty)[0] is None
    if kind == "str":
        assert fail is None  # any text reads as text
    elif kind == "date":  # DuckDB's own date cast reads the other spellings already
        assert one(con, strict_sql(c, "raw", "t"), other)[0] == value
    else:
        with pytest.raises(duckdb.Error, match=STRICT):
            one(con, strict_sql(c, "raw", "t"), other)
        assert one(con, fail, canonical)[0] is False


@pytest.mark.parametrize(("kind", "canonical", "other", "value", "bad"), CASES[:-1])
def test_a_cell_no_form_reads_is_a_problem_quoting_it(con, kind, canonical, other, value, bad):
    expr, fail, msg = flexible_sql(column(kind), "raw", "t")
    assert one(con, f"{expr}, {fail}, {msg}", bad)[:2] == (None, True)
    assert f"'{bad}'" in one(con, msg, bad)[0]
    with pytest.raises(duckdb.Error, match=STRICT):
        one(con, strict_sql(column(kind), "raw", "t"), bad)


def test_ingest_modules_and_functions_stay_small():
    """Issue 17: no module of csperf.ingest over 800 lines, no function over 100."""
    root = Path(__file__).parents[2] / "csperf" / "ingest"
    too_long = []
    for f in sorted(root.rglob("*.py")):
        src = f.read_text(encoding="utf-8")
        if src.count("\n") > 800:
            too_long.append(f"{f.name}: {src.count(chr(10))} lines")
        for node in ast.walk(ast.parse(src)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                n = node.end_lineno - node.lineno + 1
                if n > 100:
                    too_long.append(f"{f.name}:{node.lineno} {node.name}: {n} lines")
    assert too_long == []
