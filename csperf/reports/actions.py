"""The downloads that leave a trail: each builds its file and writes the export row in one place.

Views fetch what the person may see (``cycles.access``, ``reviews.access``, ``reports.audit_log``)
and call these; the audit row is written here, never in a view.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from csperf.core import audit
from csperf.core.models import AuditEvent
from csperf.reports import exports

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from csperf.cycles.models import Cycle
    from csperf.reviews.models import Card


def export_summary(actor: User, *, cycle: Cycle, cards: Sequence[Card], with_pay: bool) -> bytes:
    """The cycle's summary workbook (pay only ``with_pay``), recorded as an export."""
    audit.record_access(actor, AuditEvent.Kind.EXPORT, cycle, detail=f"summary ({len(cards)})")
    return exports.summary_xlsx(cycle, list(cards), with_pay=with_pay)


def export_pay_sheet(actor: User, *, cycle: Cycle, cards: Sequence[Card]) -> bytes:
    """The cycle's pay sheet, recorded as an export (the view checks who may have it)."""
    audit.record_access(actor, AuditEvent.Kind.EXPORT, cycle, detail=f"pay sheet ({len(cards)})")
    return exports.pay_sheet_xlsx(cycle, list(cards))


def export_audit_log(actor: User, *, data: bytes, rows: int, query: str) -> bytes:
    """Record that ``actor`` downloaded ``rows`` rows of the audit log filtered by ``query``."""
    audit.record_access(
        actor, AuditEvent.Kind.EXPORT, actor, detail=f"audit log ({rows}) {query}"[:500]
    )
    return data


__all__ = ["export_audit_log", "export_pay_sheet", "export_summary"]
