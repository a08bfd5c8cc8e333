"""Each record type in the reader's language: its name and what one row of it is.

The record types (csperf.ingest.schema) carry a Chinese label and an English "one row is" for
the importer's own messages; the import page and the audit log show these instead, through
gettext. A record type missing here shows its schema text (tests/web/test_record_type_labels.py
fails). Here in core so that every layer above (records_ui, reports) may use it.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

# record type -> (name, one row is)
RECORD_TYPE_LABELS: dict[str, tuple[Any, Any]] = {
    "calls": (_("Call records"), _("one call offered to the centre, inbound or outbound")),
    "tickets": (_("Tickets"), _("one service request")),
    "surveys": (
        _("Survey results"),
        _("one survey attempt about an interaction or an employee"),
    ),
    "qc_reviews": (_("QC records"), _("one inspected interaction (or one test call)")),
    "attendance": (_("Attendance"), _("one employee-day")),
    "incidents": (
        _("Rewards, penalties and events"),
        _("one praise, complaint, error, violation or other event recorded about a person"),
    ),
    "sales": (_("Sales results"), _("one employee-day of sales work")),
    "plans": (_("Plans and budgets"), _("one planned figure of an org unit")),
    "customers": (_("Customers"), _("one (key) customer")),
    "employees": (_("Employee roster"), _("one employee")),
    "values": (
        _("Monthly figures and targets"),
        _("one figure or target of a person or unit for a period"),
    ),
    "calendar": (
        _("Work calendar changes"),
        _("one day the centre works or rests against the national calendar"),
    ),
}


def record_type_label(rt: Any) -> str:
    """The record type's name in the reader's language."""
    labels = RECORD_TYPE_LABELS.get(rt.name)
    return str(labels[0]) if labels else rt.label_zh


def one_row_is(rt: Any) -> str:
    """What one row of the record type is, in the reader's language."""
    labels = RECORD_TYPE_LABELS.get(rt.name)
    return str(labels[1]) if labels else rt.one_row_is


def label_by_name(name: str) -> str:
    """The label of a record type named in a stored job, or the name as stored."""
    labels = RECORD_TYPE_LABELS.get(name)
    return str(labels[0]) if labels else name
