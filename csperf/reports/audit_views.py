"""The centre-wide audit log page and its Excel export (HR and the auditor only)."""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from csperf.core.errors import InvalidInput
from csperf.cycles.access import cycles_for_user
from csperf.cycles.models import Cycle
from csperf.exports.cells import workbook, write_cell
from csperf.reports import actions, audit_log
from csperf.reports.tables import XLSX_TYPE, safe_filename


def _xlsx(rows: list[audit_log.Row], filters: audit_log.Filters, more: bool) -> bytes:
    buf = io.BytesIO()
    wb = workbook(buf)  # text is never a formula (csperf.exports.cells)
    head = wb.add_format({"bold": True, "bg_color": "#EEF2F7", "border": 1})
    title = wb.add_format({"bold": True, "font_size": 13})
    muted = wb.add_format({"font_color": "#616E7C"})
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})
    ws = wb.add_worksheet(_("Audit log")[:31])
    write_cell(ws, 0, 0, _("Audit log"), title)
    shown = "; ".join(f"{k}={v}" for k, v in filters.query().items()) or _("no filter")
    note = _("Exported %(when)s · filters: %(filters)s") % {
        "when": timezone.localtime().strftime("%Y-%m-%d %H:%M"),
        "filters": shown,
    }
    if more:
        note += " · " + _("only the newest %(n)d rows") % {"n": audit_log.EXPORT_LIMIT}
    write_cell(ws, 1, 0, note, muted)
    for c, h in enumerate(audit_log.columns()):
        write_cell(ws, 3, c, h, head)
    for r, row in enumerate(rows, start=4):
        for c, v in enumerate(row.cells()):
            write_cell(ws, r, c, v, wrap if c == 7 else None)
    ws.set_column(0, 0, 19)
    ws.set_column(1, 6, 14)
    ws.set_column(7, 7, 60)
    ws.set_column(8, 8, 30)
    ws.freeze_panes(4, 1)
    wb.close()
    return buf.getvalue()


@login_required
def audit_page(request: HttpRequest) -> HttpResponse:
    """Every change, view and export in the centre, filtered, paged and exportable."""
    events = audit_log.events_for_user(request.user)
    context: dict[str, Any] = {
        "error": None,
        "cycles": Cycle.objects.order_by("-period", "-pk"),
        "actions": audit_log.action_choices((request.GET.get("action") or "")[:60]),
        "kinds": audit_log.kind_choices(),
        "columns": audit_log.columns(),
        "params": request.GET,
        "latest_cycle_id": cycles_for_user(request.user).values_list("pk", flat=True).first(),
    }
    try:
        filters = audit_log.parse_filters(request.GET)
    except InvalidInput as exc:
        context["error"] = exc
        return render(request, "reports/audit.html", context, status=422)
    events = audit_log.filtered(events, filters)
    query = filters.query()
    if request.GET.get("format") == "xlsx":
        picked = list(events[: audit_log.EXPORT_LIMIT + 1])
        more = len(picked) > audit_log.EXPORT_LIMIT
        picked = picked[: audit_log.EXPORT_LIMIT]
        data = actions.export_audit_log(
            request.user,
            data=_xlsx(audit_log.rows(picked), filters, more),
            rows=len(picked),
            query=urlencode(query),
        )
        resp = HttpResponse(data, content_type=XLSX_TYPE)
        name = safe_filename(f"audit-log-{timezone.localdate():%Y%m%d}.xlsx")
        resp["Content-Disposition"] = f'attachment; filename="{name}"'
        return resp
    page = Paginator(events, audit_log.PAGE_SIZE).get_page(request.GET.get("page"))
    context.update(
        {
            "filters": filters,
            "page": page,
            "rows": audit_log.rows(list(page.object_list)),
            "query": urlencode(query),
            "export_query": urlencode({**query, "format": "xlsx"}),
        }
    )
    return render(request, "reports/audit.html", context)
