"""Template library pages: list, detail (YAML and the card with its rules in words), upload with
precise errors, and the what-if on a past cycle."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from csperf.core.errors import InvalidInput
from csperf.cycles import actions as cycle_actions
from csperf.cycles.access import (
    can_manage_cycles,
    cycles_for_user,
    get_cycle_for_user,
    get_template_for_user,
    templates_for_user,
)
from csperf.library import whatif
from csperf.reports.pdf import rules_in_words
from csperf.reviews.access import cards_for_user
from csperf.scoring import TemplateError, load_template


def _problems(message: str) -> list[dict[str, str]]:
    """``file:line: path: message`` lines split so the page can show where each problem is."""
    out = []
    for line in message.splitlines():
        parts = line.split(": ", 2)
        where = parts[0]
        file, _sep, lineno = where.rpartition(":")
        if not lineno.isdigit():
            file, lineno = where, ""
        if len(parts) == 3:
            out.append(
                {"file": file, "line": lineno, "path": parts[1], "message": parts[2], "text": line}
            )
        elif len(parts) == 2:
            out.append(
                {"file": file, "line": lineno, "path": "", "message": parts[1], "text": line}
            )
        else:
            out.append({"file": "", "line": "", "path": "", "message": line, "text": line})
    return out


def _sections(parsed: Any) -> list[dict[str, Any]]:
    rules = rules_in_words(parsed)
    return [
        {
            "label": sec.label,
            "kind": sec.kind,
            "weight": sec.weight,
            "items": [
                {
                    "code": it.code,
                    "label": it.label,
                    "points": it.points,
                    "value": it.value,
                    "rule": rules.get(it.code, ""),
                    "raters": it.entry_roles,
                }
                for it in sec.items
            ],
        }
        for sec in parsed.sections
    ]


@login_required
def template_list(request: HttpRequest) -> HttpResponse:
    templates = templates_for_user(request.user)
    latest: dict[str, Any] = {}
    versions: dict[str, int] = {}
    for t in templates:
        versions[t.code] = versions.get(t.code, 0) + 1
        if t.code not in latest or t.version > latest[t.code].version:
            latest[t.code] = t
    q = request.GET.get("q", "").strip()
    rows = sorted(latest.values(), key=lambda t: t.code)
    if q:
        rows = [
            t
            for t in rows
            if q.lower() in t.code.lower() or q in t.name or q in " ".join(t.positions)
        ]
    return render(
        request,
        "library/list.html",
        {
            "templates": rows,
            "versions": versions,
            "q": q,
            "can_manage": can_manage_cycles(request.user),
        },
    )


@login_required
def detail(request: HttpRequest, template_id: int) -> HttpResponse:
    tpl = get_template_for_user(request.user, template_id)
    parsed = tpl.parsed
    return render(
        request,
        "library/detail.html",
        {
            "tpl": tpl,
            "parsed": parsed,
            "sections": _sections(parsed),
            "grades": parsed.grades,
            "other_versions": templates_for_user(request.user)
            .filter(code=tpl.code)
            .exclude(pk=tpl.pk),
            "can_manage": can_manage_cycles(request.user),
        },
    )


@login_required
def source(request: HttpRequest, template_id: int) -> HttpResponse:
    tpl = get_template_for_user(request.user, template_id)
    resp = HttpResponse(tpl.source, content_type="text/yaml; charset=utf-8")
    resp["Content-Disposition"] = f'attachment; filename="{tpl.code}.v{tpl.version}.yaml"'
    return resp


@login_required
def upload(request: HttpRequest) -> HttpResponse:
    if not can_manage_cycles(request.user):
        raise Http404("uploads are for HR")
    problems: list[dict[str, str]] = []
    text = ""
    if request.GET.get("from"):
        text = get_template_for_user(request.user, request.GET["from"]).source
    if request.method == "POST":
        upload_file = request.FILES.get("file")
        name = "template.yaml"
        text = request.POST.get("source", "")
        if upload_file is not None:
            name = upload_file.name
            try:
                text = upload_file.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                problems = _problems(f"{name}: not UTF-8 text")
        if not problems:
            try:
                tpl = cycle_actions.add_template(request.user, text, source=name)
                messages.success(
                    request,
                    _("Template %(code)s v%(v)s saved.") % {"code": tpl.code, "v": tpl.version},
                )
                return redirect("library:detail", tpl.pk)
            except InvalidInput as exc:
                problems = _problems(exc.message)
    return render(request, "library/upload.html", {"problems": problems, "text": text or ""})


@login_required
def what_if(request: HttpRequest, template_id: int) -> HttpResponse:
    """Run this template (or an edited text of it) on a past cycle; nothing is stored."""
    if not can_manage_cycles(request.user):
        raise Http404("the what-if is for HR")
    tpl = get_template_for_user(request.user, template_id)
    cycles = [
        c
        for c in cycles_for_user(request.user)
        if cards_for_user(request.user, cycle_id=c.pk).filter(template__code=tpl.code).exists()
    ]
    context: dict[str, Any] = {
        "tpl": tpl,
        "cycles": cycles,
        "text": tpl.source,
        "problems": [],
        "outcome": None,
    }
    if request.method == "POST":
        text = request.POST.get("source") or tpl.source
        context["text"] = text
        name = f"{tpl.code}.what-if.yaml"
        try:
            candidate = load_template(text, source=name)
        except TemplateError as exc:
            context["problems"] = _problems(str(exc))
            return render(request, "library/what_if.html", context)
        try:
            cycle = get_cycle_for_user(request.user, request.POST.get("cycle"))
            cards = whatif.cards_for(request.user, cycle, tpl.code)
            context["cycle"] = cycle
            context["outcome"] = whatif.run(candidate, cards, cycle.period, name)
            context["edited"] = text.strip() != tpl.source.strip()
            context["show_all"] = bool(request.POST.get("all"))
        except InvalidInput as exc:
            context["problems"] = _problems(exc.message)
    return render(request, "library/what_if.html", context)
