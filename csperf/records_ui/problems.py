"""Import problems as the import job keeps them, and shown in the reader's language.

The importer (csperf.ingest, no Django) words each problem as a msgid and its params
(csperf.kernel.i18n.Message). The job keeps both beside the English text; a page, the problem
CSV and the API translate the msgid when they show it, so each reader sees their own language.
Params that are our own words are translated too: a nested message, a column of the record type
(by its Chinese header), a record type (by its label).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from contextlib import nullcontext
from typing import Any

from django.utils import translation
from django.utils.translation import gettext

from csperf.ingest.header import MISSING_COLUMN
from csperf.ingest.schema import RECORD_TYPES
from csperf.kernel.i18n import Message
from csperf.kernel.problems import Problem
from csperf.records_ui.labels import header_of, label_by_name

COLUMN_PARAMS = ("field", "dst")  # params naming a column of the record type
TYPE_PARAMS = ("type",)  # params naming a record type
CJK = re.compile(r"[\u4e00-\u9fff]")
CHOICE_PARAMS = ("allowed",)  # params listing an enumeration's values (``inbound, outbound``)


def stored_problem(problem: Problem, *, name: str, path: str) -> dict[str, Any]:
    """A problem as the job's result keeps it (JSON): where, the English message, its msgid and
    params; the upload's path on the server is replaced by the file's name everywhere."""
    return {
        "file": name,
        "row": problem.row,
        "column": problem.column,
        "message": problem.message.replace(path, name),
        "msgid": problem.msgid,
        "params": _stored_params(problem.params, path=path, name=name),
        "code": problem.code,
    }


def _stored_params(
    params: Mapping[str, object] | None, *, path: str, name: str
) -> dict[str, Any] | None:
    if params is None:
        return None
    out: dict[str, Any] = {}
    for key, value in params.items():
        if isinstance(value, Message):
            out[key] = {
                "msgid": value.msgid,
                "params": _stored_params(value.params, path=path, name=name),
            }
        elif value is None or isinstance(value, bool | int | float):
            out[key] = value
        else:
            out[key] = str(value).replace(path, name)
    return out


def render_problem(
    problem: Problem | Mapping[str, Any], *, language: str | None = None, kind: str = ""
) -> str:
    """The problem's message in ``language`` (default: the active one); ``kind``, the record
    type, lets a column it names show by its header. A problem kept without a msgid (an older
    job) shows its English text."""
    if isinstance(problem, Problem):
        msgid, params, message = problem.msgid, problem.params, problem.message
    else:
        msgid, params, message = problem.get("msgid"), problem.get("params"), problem["message"]
    if not msgid:
        return str(message)
    override = translation.override(language) if language else nullcontext()
    with override:
        return _render(str(msgid), params, kind)


def render_column(
    column: str | None, *, code: str | None = None, kind: str = "", language: str | None = None
) -> str:
    """A problem's column: the file's own header as written; a required column the file lacks
    (named by its field) by its Chinese header when the reader reads Chinese."""
    if not column:
        return ""
    if code != MISSING_COLUMN:
        return column
    override = translation.override(language) if language else nullcontext()
    with override:
        return _column_word(column, kind)


def rendered_problems(
    problems: list[Mapping[str, Any]], *, kind: str = "", language: str | None = None
) -> list[dict[str, Any]]:
    """The job's stored problems with ``text`` (the message) and ``column_text`` in the
    reader's language, for the import page, its CSV and the API."""
    return [
        {
            **p,
            "text": render_problem(p, kind=kind, language=language),
            "column_text": render_column(
                p.get("column"), code=p.get("code"), kind=kind, language=language
            ),
        }
        for p in problems
    ]


def _render(msgid: str, params: Mapping[str, Any] | None, kind: str) -> str:
    text = gettext(msgid)
    if not params:
        return text
    values = {key: _param(key, value, kind) for key, value in params.items()}
    try:
        return text % values
    except (KeyError, ValueError, TypeError):  # a translation that does not fit: the English
        return msgid % values


def _param(key: str, value: Any, kind: str) -> Any:
    if isinstance(value, Mapping) and "msgid" in value:  # a nested message, as a job keeps it
        return _render(str(value["msgid"]), value.get("params"), kind)
    if isinstance(value, Message):  # a nested message, as the importer made it
        return _render(value.msgid, value.params, kind)
    if key in COLUMN_PARAMS and isinstance(value, str):
        return _column_word(value, kind)
    if key in TYPE_PARAMS and isinstance(value, str):
        return label_by_name(value)
    if key in CHOICE_PARAMS and isinstance(value, str):
        return _choices_word(value, kind)
    return value


def _choices_word(allowed: str, kind: str) -> str:
    """An enumeration's values as a Chinese reader reads them: each value the file may hold
    with its Chinese word, ``inbound（呼入）、outbound（呼出）``; the English list otherwise."""
    if not (translation.get_language() or "").startswith("zh"):
        return allowed
    words = _chinese_choices(kind)
    return "、".join(f"{v}（{words[v]}）" if v in words else v for v in allowed.split(", ") if v)


def _chinese_choices(kind: str) -> dict[str, str]:
    """value -> its first Chinese word, over the enumerations of ``kind`` (every record type's
    when the kind is not known)."""
    types = [RECORD_TYPES[kind]] if kind in RECORD_TYPES else list(RECORD_TYPES.values())
    out: dict[str, str] = {}
    for rt in types:
        for c in rt.columns:
            for value, aliases in (c.choices or {}).items():
                chinese = next((a for a in aliases if CJK.search(a)), None)
                if chinese:
                    out.setdefault(value, chinese)
    return out


def _column_word(name: str, kind: str) -> str:
    rt = RECORD_TYPES.get(kind)
    chinese = (translation.get_language() or "").startswith("zh")
    if rt is None or not chinese or name not in {c.name for c in rt.columns}:
        return name
    return header_of(rt.column(name))


__all__ = ["render_column", "render_problem", "rendered_problems", "stored_problem"]
