"""Import record files (xlsx, csv) from the browser as a background job; blank templates."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from csperf.core.errors import ActionError
from csperf.core.models import Job
from csperf.cycles.access import can_manage_cycles
from csperf.exports.cells import csv_row, workbook
from csperf.ingest.limits import size
from csperf.ingest.schema import RECORD_TYPES
from csperf.org.access import get_job_for_user
from csperf.records_ui import actions
from csperf.records_ui.actions import KIND
from csperf.records_ui.labels import (
    column_doc,
    column_kind,
    header_of,
    label_by_name,
    one_row_is,
    record_type_label,
)
from csperf.records_ui.problems import rendered_problems
from csperf.reports.tables import XLSX_TYPE

IMPORTABLE = [k for k in RECORD_TYPES]


def _require_hr(request: HttpRequest) -> None:
    # Records feed everyone's scores: only HR performance admins import them.
    if not can_manage_cycles(request.user):
        raise Http404("imports are for HR")


def _kinds() -> list[dict[str, Any]]:
    # Columns by the header the reader writes: Chinese in Chinese, the column name in English.
    chinese = (get_language() or "").startswith("zh")
    return [
        {
            "name": rt.name,
            "label": record_type_label(rt),
            "one_row_is": one_row_is(rt),
            "required": [
                {"header": header_of(c) if chinese else c.name, "name": c.name}
                for c in rt.columns
                if c.required
            ],
            "columns": rt.columns,
        }
        for rt in RECORD_TYPES.values()
    ]


def _describe(column: Any) -> str:
    parts = [column_kind(column)]
    if column.required:
        parts.append(_("required"))
    if column.choices:
        parts.append(" / ".join(column.choices))
    if column.min is not None or column.max is not None:
        parts.append(
            f"[{column.min if column.min is not None else ''}, {column.max if column.max is not None else ''}]"
        )
    if column.ref:
        parts.append(_("an employee ID of the roster"))
    if column.doc:
        parts.append(column_doc(column))
    return "; ".join(str(p) for p in parts)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    _require_hr(request)
    if request.method == "POST":
        try:
            job = actions.start_import(
                request.user,
                request.POST.get("kind", ""),
                request.FILES.get("file"),
                encoding=request.POST.get("encoding", ""),
            )
        except ActionError as exc:
            messages.error(request, exc.message)
            return redirect("records_ui:index")
        messages.success(request, _("The import runs in the background; you may leave this page."))
        return redirect("records_ui:import", job.pk)
    recent = list(Job.objects.filter(kind=KIND).select_related("created_by")[:20])
    for job in recent:
        job.kind_label = label_by_name((job.params or {}).get("kind", ""))
    return render(
        request,
        "records_ui/index.html",
        {
            "kinds": _kinds(),
            "recent": recent,
            "upload_limit": size(actions.upload_limit()),
            # ?kind=calls: the missing-data report links here with the type chosen
            "chosen_kind": request.GET.get("kind", ""),
        },
    )


@login_required
def blank(request: HttpRequest, kind: str, fmt: str) -> HttpResponse:
    """An empty file with the right headers, and (xlsx) a sheet explaining each column."""
    if kind not in RECORD_TYPES or fmt not in ("xlsx", "csv"):
        raise Http404("no such template")
    rt = RECORD_TYPES[kind]
    headers = [header_of(c) for c in rt.columns]
    if fmt == "csv":
        buf = io.StringIO()
        buf.write("\ufeff")
        csv.writer(buf).writerow(csv_row(headers))
        resp = HttpResponse(buf.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        out = io.BytesIO()
        wb = workbook(out)
        bold = wb.add_format({"bold": True, "bg_color": "#EEF2F7", "border": 1})
        req = wb.add_format({"bold": True, "bg_color": "#FFE3E3", "border": 1})
        ws = wb.add_worksheet(rt.name)
        for i, (c, h) in enumerate(zip(rt.columns, headers, strict=True)):
            ws.write(0, i, h, req if c.required else bold)
            ws.write_comment(0, i, f"{c.name}: {_describe(c)}")
            ws.set_column(i, i, max(10, len(h) * 2 + 2))
        ws.freeze_panes(1, 0)
        doc = wb.add_worksheet(_("Columns"))
        for i, h in enumerate([_("Header"), _("Also accepted"), _("Required"), _("What to enter")]):
            doc.write(0, i, h, bold)
        for r, c in enumerate(rt.columns, start=1):
            doc.write(r, 0, header_of(c))
            doc.write(r, 1, ", ".join([c.name, *c.aliases]))
            doc.write(r, 2, _("yes") if c.required else "")
            doc.write(r, 3, _describe(c))
        doc.set_column(0, 1, 24)
        doc.set_column(3, 3, 80)
        wb.close()
        resp = HttpResponse(out.getvalue(), content_type=XLSX_TYPE)
    resp["Content-Disposition"] = f'attachment; filename="{kind}-template.{fmt}"'
    return resp


def _job(request: HttpRequest, job_id: int) -> Job:
    _require_hr(request)
    return get_job_for_user(request.user, job_id, kind=KIND)


@login_required
def import_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _job(request, job_id)
    result = job.result or {}
    kind = (job.params or {}).get("kind", "")
    return render(
        request,
        "records_ui/import.html",
        {
            "job": job,
            "problems": rendered_problems(result.get("problems") or [], kind=kind),
            "problem_total": result.get("total", 0),
            "rt": RECORD_TYPES.get(job.params.get("kind", "")),
            "kind_label": label_by_name(job.params.get("kind", "")),
        },
    )


@login_required
def problems_csv(request: HttpRequest, job_id: int) -> HttpResponse:
    """The error report as a spreadsheet a person can sort and fix the file from."""
    job = _job(request, job_id)
    kind = (job.params or {}).get("kind", "")
    problems = rendered_problems((job.result or {}).get("problems") or [], kind=kind)
    buf = io.StringIO()
    buf.write("\ufeff")
    w = csv.writer(buf)
    w.writerow([_("File"), _("Row"), _("Column"), _("Problem")])
    for p in problems:  # a problem quotes the file's own cells: never a formula
        w.writerow(csv_row([p["file"], p["row"] or "", p["column_text"], p["text"]]))
    resp = HttpResponse(buf.getvalue(), content_type="text/csv; charset=utf-8")
    resp["Content-Disposition"] = f'attachment; filename="import-{job.pk}-problems.csv"'
    return resp
