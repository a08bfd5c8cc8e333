"""Dashboards, cycle results and exports, printable cards, drill-down and "my trend"."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from csperf import metrics
from csperf.core.errors import InvalidInput
from csperf.core.models import AuditEvent
from csperf.cycles.access import cycles_for_user, get_cycle_for_user
from csperf.org.access import scope_for
from csperf.reports import actions, dashboards, drill, exports
from csperf.reports.access import levels_for_user, require_units, units_for_user
from csperf.reports.pdf import card_pdf, rules_in_words, signature_labels
from csperf.reports.tables import XLSX_TYPE, Table, download, safe_filename
from csperf.reviews import workflow
from csperf.reviews.access import cards_for_user, get_card_for_user, log_list_view
from csperf.reviews.models import RELEASED, CardStatus
from csperf.reviews.presenters import card_detail


def _level_labels() -> dict[str, str]:
    return {"center": _("Centre"), "department": _("Department"), "team": _("Team")}


def _grain_labels() -> dict[str, str]:
    return {"day": _("Day"), "week": _("Week"), "month": _("Month"), "quarter": _("Quarter")}


def _render(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    latest = cycles_for_user(request.user).values_list("pk", flat=True).first()
    context.setdefault("latest_cycle_id", latest)
    return render(request, template, context)


def _date(raw: str | None, default: dt.date, field: str) -> dt.date:
    if not raw:
        return default
    return dashboards._parse_day(raw, field)


def _attachment(data: bytes, filename: str, content_type: str = XLSX_TYPE) -> HttpResponse:
    resp = HttpResponse(data, content_type=content_type)
    resp["Content-Disposition"] = f'attachment; filename="{safe_filename(filename)}"'
    return resp


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """Indicator trends of the centre, departments or teams by day, week, month or quarter."""
    levels = levels_for_user(request.user)
    if not levels:
        # Agents have no unit figures to see: their own trend is theirs.
        return my_trend(request)
    level = request.GET.get("level") or levels[0]
    if level not in levels:
        raise Http404("no such level")
    grain = request.GET.get("grain") or "month"
    indicator = request.GET.get("indicator") or dashboards.DEFAULT_INDICATORS[0]
    context: dict[str, Any] = {
        "levels": [(lv, _level_labels()[lv]) for lv in levels],
        "level": level,
        "grains": list(_grain_labels().items()),
        "grain": grain,
        "indicators": dashboards.indicator_choices(),
        "indicator": indicator,
        "all_units": units_for_user(request.user, level),
        "error": None,
    }
    try:
        d_first, d_last = dashboards.default_range(grain)
        first = _date(request.GET.get("from"), d_first, "from")
        last = _date(request.GET.get("to"), d_last, "to")
        context.update({"first": first, "last": last})
        units = require_units(request.user, level, request.GET.getlist("unit"))
        context["units"] = [u.code for u in units]
        table, chart = dashboards.trend(units, indicator, grain, first, last)
        got = download(request, table, f"trend-{indicator}-{level}-{grain}-{first}-{last}")
        if got is not None:
            return got
        context.update({"table": table, "chart": chart})
    except InvalidInput as exc:
        context["error"] = exc
    return _render(request, "reports/dashboard.html", context)


@login_required
def intraday(request: HttpRequest) -> HttpResponse:
    levels = levels_for_user(request.user)
    if not levels:
        raise Http404("no unit to show")
    level = request.GET.get("level") or levels[0]
    if level not in levels:
        raise Http404("no such level")
    choices = dashboards.interval_choices()
    codes = [c["code"] for c in choices]
    wanted = request.GET.getlist("indicator") or [
        c for c in ("calls_offered", "calls_answered", "calls_handled") if c in codes
    ]
    context: dict[str, Any] = {
        "levels": [(lv, _level_labels()[lv]) for lv in levels],
        "level": level,
        "indicators": choices,
        "wanted": wanted,
        "all_units": units_for_user(request.user, level),
        "minutes_choices": [15, 30, 60],
        "error": None,
    }
    try:
        _first, last = dashboards.default_range("day")
        day = _date(request.GET.get("date"), last, "date")
        try:
            minutes = int(request.GET.get("minutes") or 30)
        except ValueError:
            raise InvalidInput(_("Minutes must be a whole number."), field="minutes") from None
        if minutes not in (5, 10, 15, 20, 30, 60, 120):
            raise InvalidInput(_("Choose 15, 30 or 60 minutes."), field="minutes")
        unit = require_units(request.user, level, request.GET.getlist("unit")[:1])[0]
        context.update({"day": day, "minutes": minutes, "unit": unit.code})
        table, chart = dashboards.intraday(unit, day, minutes, wanted)
        got = download(request, table, f"intraday-{unit.code}-{day}-{minutes}min")
        if got is not None:
            return got
        context.update({"table": table, "chart": chart})
    except InvalidInput as exc:
        context["error"] = exc
    return _render(request, "reports/intraday.html", context)


def _scored_cards(request: HttpRequest, cycle: Any) -> list[Any]:
    cards = cards_for_user(request.user, cycle_id=cycle.pk)
    team = request.GET.get("team")
    dept = request.GET.get("department")
    if team:
        cards = cards.filter(team__code=team)
    if dept:
        cards = cards.filter(department__code=dept)
    # Only released cards: drafts and cards still being rated are not results yet.
    shown = exports.visible_scored(
        request.user, cards.filter(status__in=RELEASED).exclude(total__isnull=True)
    )
    log_list_view(
        request.user, cycle, sum(1 for c in shown if c.employee.user_id != request.user.pk)
    )
    return shown


@login_required
def cycle_results(request: HttpRequest, cycle_id: int) -> HttpResponse:
    """Grade distribution and ranking of a cycle (the cards this login may see the scores of)."""
    cycle = get_cycle_for_user(request.user, cycle_id)
    cards = _scored_cards(request, cycle)
    waiting = cards_for_user(request.user, cycle_id=cycle.pk).exclude(
        status__in=[*RELEASED, CardStatus.EXCLUDED]
    )
    if request.GET.get("team"):
        waiting = waiting.filter(team__code=request.GET["team"])
    unreleased = waiting.count()
    grades, chart = dashboards.grade_distribution(cards)
    ranking = dashboards.ranking(cards)
    which = request.GET.get("table", "ranking")
    got = download(
        request,
        grades if which == "grades" else ranking,
        f"{which}-{cycle.period}",
    )
    if got is not None:
        return got
    scope = scope_for(request.user)
    by_team: dict[str, list[Any]] = {}
    for c in cards:
        by_team.setdefault(c.team.name, []).append(c)
    return _render(
        request,
        "reports/cycle.html",
        {
            "cycle": cycle,
            "cycles": cycles_for_user(request.user)[:24],
            "grades": grades,
            "chart": chart,
            "ranking": ranking,
            "cards": cards,
            "ranked": dashboards.rank_order(cards),
            "grades_query": "table=grades"
            + (f"&team={request.GET['team']}" if request.GET.get("team") else ""),
            "pay_sheet": scope.sees_everything,
            "teams": sorted({(c.team.code, c.team.name) for c in cards}),
            "filter_team": request.GET.get("team", ""),
            "unreleased": unreleased,
        },
    )


@login_required
def cycle_summary(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = get_cycle_for_user(request.user, cycle_id)
    cards = _scored_cards(request, cycle)
    # Pay is confidential: supervisors and managers get the summary without the pay column.
    with_pay = exports.shows_pay(request.user, cards)
    data = actions.export_summary(request.user, cycle=cycle, cards=cards, with_pay=with_pay)
    return _attachment(data, f"summary-{cycle.period}.xlsx")


@login_required
def pay_sheet(request: HttpRequest, cycle_id: int) -> HttpResponse:
    """Pay of everyone in the cycle: HR and auditors only (pay is not a team-level figure)."""
    cycle = get_cycle_for_user(request.user, cycle_id)
    if not scope_for(request.user).sees_everything:
        raise Http404("no pay sheet")
    cards = _scored_cards(request, cycle)
    data = actions.export_pay_sheet(request.user, cycle=cycle, cards=cards)
    return _attachment(data, f"pay-{cycle.period}.xlsx")


def _card_view(request: HttpRequest, card_id: int, purpose: str) -> dict[str, Any]:
    card = get_card_for_user(request.user, card_id, purpose=purpose)
    view = card_detail(request.user, card)
    rules = rules_in_words(card.template.parsed)
    for sec in view["sections"]:
        for it in sec["items"]:
            it["rule_words"] = rules.get(it["code"], "")
            it["traceable"] = (
                bool(it["value_name"])
                and drill.indicator_of(it["value_name"], card.template.code) is not None
            )
    view["signatures"] = signature_labels()
    return view


@login_required
def card_print(request: HttpRequest, card_id: int) -> HttpResponse:
    """The card as a printable page with the rule of each item in words and signature lines."""
    view = _card_view(request, card_id, AuditEvent.Kind.VIEW)
    return _render(request, "reports/card_print.html", view)


@login_required
def card_pdf_view(request: HttpRequest, card_id: int) -> HttpResponse:
    view = _card_view(request, card_id, AuditEvent.Kind.EXPORT)
    card = view["card"]
    resp = HttpResponse(card_pdf(view), content_type="application/pdf")
    name = safe_filename(f"card-{card.employee.code}-{card.cycle.period}.pdf")
    disposition = "attachment" if request.GET.get("download") else "inline"
    resp["Content-Disposition"] = f'{disposition}; filename="{name}"'
    return resp


@login_required
def explain_item(request: HttpRequest, card_id: int, item_code: str) -> HttpResponse:
    """The records behind one value of a card (within the card's access)."""
    card = get_card_for_user(request.user, card_id)
    try:
        fmt = request.GET.get("format", "")
        result = drill.explain_item(card, item_code, limit=20000 if fmt else drill.RECORD_LIMIT)
    except InvalidInput:
        raise Http404("no such item") from None
    if result["explain"] is not None:
        got = download(
            request,
            drill.explain_table(result),
            f"records-{card.employee.code}-{card.cycle.period}-{item_code}",
        )
        if got is not None:
            return got
    desc = None
    if result["indicator"]:
        desc = metrics.describe(result["indicator"])
    return _render(request, "reports/explain.html", {"card": card, "r": result, "desc": desc})


def _my_trend_data(request: HttpRequest) -> dict[str, Any]:
    scope = scope_for(request.user)
    if not scope.employee_id:
        raise Http404("no employee")
    cards = [
        c
        for c in cards_for_user(request.user)
        .filter(employee_id=scope.employee_id, status__in=RELEASED)
        .order_by("cycle__period")
        if workflow.sees_scores(request.user, c)
    ]
    table = Table(
        title=_("My results"),
        columns=[
            _("Period"),
            _("Template"),
            _("Total"),
            _("Grade"),
            _("Rank"),
            _("Performance pay"),
        ],
        numeric={2, 4, 5},
        units={2: "score", 4: "count", 5: "amount"},
    )
    items: dict[str, dict[str, Any]] = {}
    for c in cards:
        table.rows.append([c.cycle.period, c.template.name, c.total, c.grade, c.rank, c.pay])
        # A stored result names its items by code; a person reads the template's item names.
        names = {it.code: it.name for sec in c.template.parsed.sections for it in sec.items}
        for sec in (c.result or {}).get("sections", []):
            for it in sec.get("items", []):
                name = names.get(it["code"], it["code"])
                items.setdefault(name, {})[c.cycle.period] = it.get("score")
    periods = [r[0] for r in table.rows]
    item_table = Table(
        title=_("My item scores"),
        columns=[_("Item"), *periods],
        numeric=set(range(1, len(periods) + 1)),
        units=dict.fromkeys(range(1, len(periods) + 1), "score"),
    )
    for name, by in items.items():
        item_table.rows.append([name, *[by.get(p) for p in periods]])

    def f(v: Any) -> Any:
        return float(v) if v is not None else None

    chart = dashboards.chart_data(
        kind="line",
        title=_("My total over the months"),
        x=periods,
        series=[{"name": _("Total"), "data": [f(r[2]) for r in table.rows]}],
        unit="score",
    )
    return {"cards": cards, "table": table, "item_table": item_table, "chart": chart}


@login_required
def my_trend(request: HttpRequest) -> HttpResponse:
    """My published results over the months (an agent's own cards only)."""
    data = _my_trend_data(request)
    got = download(request, data["table"], "my-results")
    if got is not None:
        return got
    return _render(request, "reports/my_trend.html", data)


@login_required
def my_trend_json(request: HttpRequest) -> JsonResponse:
    data = _my_trend_data(request)
    return JsonResponse(
        {
            "chart": data["chart"],
            "rows": [[str(v) if v is not None else None for v in r] for r in data["table"].rows],
            "columns": data["table"].columns,
        }
    )


@login_required
def index(request: HttpRequest) -> HttpResponse:
    return dashboard(request)
