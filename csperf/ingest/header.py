"""Header mapping: a file's columns matched to the fields of its record type."""

from __future__ import annotations

from csperf.ingest.plan import DERIVE
from csperf.ingest.problems import ImportFailed, Problem
from csperf.ingest.schema import RecordType
from csperf.kernel.i18n import Message, gettext_noop

MISSING_COLUMN = "missing_column"  # the code of a required column the file lacks


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
                    path="",
                    file=fname,
                    row=None,
                    column=None,
                    message=Message(
                        gettext_noop(
                            "--map %(src)s=%(dst)s: '%(dst)s' is not a column of %(type)s"
                            " (columns: %(columns)s)"
                        ),
                        {"src": src, "dst": dst, "type": rt.name, "columns": ", ".join(fields)},
                    ),
                )
            )
        if _norm(src) not in {_norm(h) for h in header}:
            problems.append(
                Problem(
                    path="",
                    file=fname,
                    row=1,
                    column=None,
                    message=Message(
                        gettext_noop("--map %(src)s=%(dst)s: the file has no column '%(src)s'"),
                        {"src": src, "dst": dst},
                    ),
                )
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
                Problem(
                    path="",
                    file=fname,
                    row=1,
                    column=h,
                    message=Message(
                        gettext_noop("column '%(field)s' is given twice (also as '%(other)s')"),
                        {"field": name, "other": other},
                    ),
                )
            )
            continue
        colmap[name] = i
    for c in rt.columns:
        if c.required and c.name not in colmap and not _derivable(rt, c.name):
            problems.append(
                Problem(
                    path="",
                    file=fname,
                    row=1,
                    column=c.name,  # the field: the file has no header for it
                    message=Message(gettext_noop("required column missing")),
                    code=MISSING_COLUMN,
                )
            )
    if problems:
        raise ImportFailed(problems)
    return colmap, ignored


def _derivable(rt: RecordType, name: str) -> bool:
    return name in DERIVE.get(rt.name, {})
