"""The import page's words for the record types' columns, in the reader's language.

The record types' own names are in :mod:`csperf.core.record_types` (the audit log uses them too).
"""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext_lazy as _

from csperf.core.record_types import (  # noqa: F401  (the import page's names, one import)
    RECORD_TYPE_LABELS,
    label_by_name,
    one_row_is,
    record_type_label,
)

# A column's kind, as the blank template's "What to enter" sheet says it.
COLUMN_KIND_LABELS: dict[str, Any] = {
    "str": _("text"),
    "enum": _("one of the values listed"),
    "period": _("a period such as 2026-03, 2026-Q1, 2026-H2 or 2026"),
    "int": _("a whole number"),
    "duration": _("a duration in seconds or HH:MM:SS"),
    "decimal": _("a number"),
    "money": _("an amount of money (元)"),
    "bool": _("yes or no"),
    "timestamp": _("a date and time"),
    "date": _("a date"),
}

# The schema's notes on its columns (csperf.ingest.schema ``doc``), by their English text.
COLUMN_DOCS: dict[str, Any] = {
    d: label
    for d, label in (
        ("empty if never answered", _("empty if never answered")),
        (
            "customer tier, free text such as vip / normal (lower-cased on import)",
            _("customer tier, free text such as vip / normal (lower-cased on import)"),
        ),
        ("a link QC opens", _("a link QC opens")),
        ("system failure, cross-department ...", _("system failure, cross-department ...")),
        ("e.g. 不满意 for 不满意投诉", _("e.g. 不满意 for 不满意投诉")),
        (
            "question -> score (0–100) or label, as JSON or `q1=很好;q2=75`",
            _("question -> score (0–100) or label, as JSON or `q1=很好;q2=75`"),
        ),
        ("a spot check found the callback true", _("a spot check found the callback true")),
        ("workshop crews of the job (comma list)", _("workshop crews of the job (comma list)")),
        (
            "early 早班, middle 中班, night 夜班, late_night 大夜班, office 办公班",
            _("early 早班, middle 中班, night 夜班, late_night 大夜班, office 办公班"),
        ),
        (
            "optional: without it the key is employee_id|occurred_at|kind",
            _("optional: without it the key is employee_id|occurred_at|kind"),
        ),
        (
            "a kind of csperf/ingest/event_kinds.yaml (code or Chinese name)",
            _("a kind of csperf/ingest/event_kinds.yaml (code or Chinese name)"),
        ),
        ("what shows it happened: a link, a file", _("what shows it happened: a link, a file")),
        ("paying customers; default paid_orders", _("paying customers; default paid_orders")),
        (
            "a team, department, employee id, or `center` for the whole centre",
            _("a team, department, employee id, or `center` for the whole centre"),
        ),
        ("holds a bundled product (捆绑率)", _("holds a bundled product (捆绑率)")),
        ("a second contact is on file", _("a second contact is on file")),
        ("performance pay base (元)", _("performance pay base (元)")),
        (
            "on probation until this day (not assessed while on probation)",
            _("on probation until this day (not assessed while on probation)"),
        ),
        (
            "an employee id, a team or department code, or `center` for everyone",
            _("an employee id, a team or department code, or `center` for everyone"),
        ),
        ("the card input or item code", _("the card input or item code")),
        (
            "true: a target of the item `name` (targets.<item>); false: an input value",
            _("true: a target of the item `name` (targets.<item>); false: an input value"),
        ),
    )
}


def header_of(column: Any) -> str:
    """The header a blank template uses: the Chinese name where there is one (users write
    Chinese; the importer accepts both), else the column's own name."""
    for a in column.aliases:
        if re.search(r"[\u4e00-\u9fff]", a):
            return a
    return column.name


def column_kind(column: Any) -> str:
    label = COLUMN_KIND_LABELS.get(column.kind)
    return str(label) if label is not None else column.kind


def column_doc(column: Any) -> str:
    """The column's note in the reader's language (a note in Chinese only stays as written)."""
    label = COLUMN_DOCS.get(column.doc)
    return str(label) if label is not None else column.doc
