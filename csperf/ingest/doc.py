"""docs/records.md's record-type tables, written from the schema (a test keeps them identical):
``python -m csperf.ingest.doc``."""

from __future__ import annotations

from csperf.ingest.schema import RECORD_TYPES, Column, RecordType


def _notes(c: Column) -> str:
    parts = []
    if c.ref == "employees":
        parts.append("an employee id of the roster")
    if c.choices:
        codes = ", ".join(f"`{k}`" for k in c.choices)
        others = [s for k, spellings in c.choices.items() for s in spellings if s != k]
        parts.append(f"one of {codes}" + (f" (also: {', '.join(others)})" if others else ""))
    if c.min is not None:
        parts.append(f"≥ {c.min}")
    if c.max is not None:
        parts.append(f"≤ {c.max}")
    if c.doc:
        parts.append(c.doc)
    if c.default is not None:
        shown = str(c.default).lower() if isinstance(c.default, bool) else c.default
        parts.append(f"default `{shown}`")
    return "; ".join(parts)


def record_type_markdown(rt: RecordType) -> str:
    lines = [f"### {rt.name} — {rt.label_zh}", ""]
    where = f"Period column: `{rt.time}`." if rt.time else ""
    lines.append(
        f"One row is {rt.one_row_is}. Key: `{', '.join(rt.key)}` (re-importing a key replaces "
        f"its row). {where}".rstrip()
    )
    lines += [
        "",
        "| column | type | required | Chinese headers | checks / notes |",
        "|---|---|---|---|---|",
    ]
    for c in rt.columns:
        req = "yes" if c.required else ""
        lines.append(
            f"| `{c.name}` | {c.kind} | {req} | {'、'.join(c.aliases)} | {_notes(c)} |".replace(
                "  |", " |"
            )
        )
    if rt.checks:
        checks = "; ".join(f"`{col}` {msg}" for col, _, msg in rt.checks)
        lines += ["", f"Row checks: {checks}."]
    if rt.extra:
        extra = "; ".join(f"`{c.name}`" + (f" ({c.doc})" if c.doc else "") for c in rt.extra)
        lines += ["", f"Derived and stored: {extra}."]
    return "\n".join(lines)


def records_markdown() -> str:
    return "\n\n".join(record_type_markdown(rt) for rt in RECORD_TYPES.values()) + "\n"


if __name__ == "__main__":  # pragma: no cover - a maintainer's tool
    print(records_markdown(), end="")
