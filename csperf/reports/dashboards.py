"""Figures behind the dashboards: indicator trends, intraday intervals, grades and rankings.

Every function returns a :class:`~csperf.reports.tables.Table` (what the page shows under the
chart and what the download contains) plus the chart's series, so a chart never shows a number
the table does not.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from csperf import metrics
from csperf.core.errors import InvalidInput
from csperf.metrics.indicators import unit_of
from csperf.reports import cache
from csperf.reports.access import Unit
from csperf.reports.tables import Table
from csperf.scoring import figures

GRAINS = ("day", "week", "month", "quarter")
MAX_BUCKETS = 120
DEFAULT_INDICATORS = ("answer_rate", "service_level", "aht", "csat_mean", "qc_score_mean")


def indicator_choices() -> list[dict[str, Any]]:
    """The indicators a dashboard can chart (available ones; no per-person-only ones)."""
    return [i for i in metrics.list_indicators(include_unavailable=False)]


def interval_choices() -> list[dict[str, Any]]:
    from csperf.metrics.indicators import LIB

    return [
        metrics.describe(i)
        for c, i in LIB.items()
        if i.available and i.is_calls_only and i.relative is None and i.rollup == "sum"
    ]


def indicator_label(code: str) -> str:
    from django.utils.translation import get_language

    try:
        d = metrics.describe(code)
    except metrics.MetricsError:
        raise InvalidInput(
            _("Unknown indicator %(code)s.") % {"code": code}, field="indicator"
        ) from None
    name = d["name_en"] if (get_language() or "").startswith("en") else d["name_zh"]
    # Ratios, seconds and money carry their unit in each figure (89.61%, 2:08, 1,591.60); the
    # other time units are plain numbers, so the title names them, never by their code.
    times = {"minutes": _("minutes"), "hours": _("hours"), "days": _("days")}
    return f"{name} ({times[d['unit']]})" if d.get("unit") in times else name


def _parse_day(raw: str, field: str) -> dt.date:
    try:
        return dt.date.fromisoformat(raw.strip())
    except ValueError:
        raise InvalidInput(
            _("%(value)s is not a date (YYYY-MM-DD).") % {"value": raw}, field=field
        ) from None


def buckets(first: dt.date, last: dt.date, grain: str) -> list[tuple[str, str]]:
    """(label, period text for the engine) of each day, week, month or quarter in [first, last].

    Weeks run Monday to Sunday; the first and last buckets are clipped to the range, so a partial
    month at either end counts only the days asked for.
    """
    if grain not in GRAINS:
        raise InvalidInput(_("Choose day, week, month or quarter."), field="grain")
    if last < first:
        raise InvalidInput(_("The end date is before the start date."), field="to")
    out: list[tuple[str, str]] = []
    start = first
    while start <= last:
        if grain == "day":
            end = start
            label = start.isoformat()
        elif grain == "week":
            end = start + dt.timedelta(days=6 - start.weekday())
            iso = start.isocalendar()
            label = f"{iso.year}-W{iso.week:02d}"
        elif grain == "month":
            nxt = (start.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
            end = nxt - dt.timedelta(days=1)
            label = f"{start.year}-{start.month:02d}"
        else:
            q = (start.month - 1) // 3
            nxt_month = 3 * q + 4
            nxt = (
                dt.date(start.year + 1, 1, 1)
                if nxt_month > 12
                else dt.date(start.year, nxt_month, 1)
            )
            end = nxt - dt.timedelta(days=1)
            label = f"{start.year}-Q{q + 1}"
        end = min(end, last)
        out.append((label, f"{start.isoformat()}..{end.isoformat()}"))
        start = end + dt.timedelta(days=1)
        if len(out) > MAX_BUCKETS:
            raise InvalidInput(
                _("Too many points (more than %(n)s); choose a coarser grain or a shorter range.")
                % {"n": MAX_BUCKETS},
                field="grain",
            )
    return out


def default_range(grain: str) -> tuple[dt.date, dt.date]:
    """The last full months of records (three months; a year for quarters)."""
    today = dt.date.today()
    last = today.replace(day=1) - dt.timedelta(days=1)
    months = 12 if grain == "quarter" else 3
    first = last.replace(day=1)
    for _i in range(months - 1):
        first = (first - dt.timedelta(days=1)).replace(day=1)
    if grain == "day":
        first = last.replace(day=1)
    return first, last


def chart_data(
    *, kind: str, title: str, x: list[Any], series: list[dict[str, Any]], unit: str | None
) -> dict[str, Any]:
    """What charts.js draws: the series, their unit (percent axes read 0–100 %) and the value
    axis fitted to the data (csperf.scoring.figures.axis), never ECharts' default bounds."""
    values = [v for s in series for v in s["data"]]
    return {
        "type": kind,
        "title": title,
        "x": x,
        "series": series,
        "percent": figures.is_percent(unit),
        "axis": figures.axis(values, unit),
    }


def indicator_unit(code: str) -> str | None:
    return unit_of(code)


def shared_unit(codes: list[str]) -> str | None:
    """The unit of all these indicators when they share one (one axis), else None."""
    units = {indicator_unit(c) for c in codes}
    return units.pop() if len(units) == 1 else None


def _float(v: Any) -> float | None:
    if v is None:
        return None
    if isinstance(v, Decimal):
        return float(v)
    return v


def trend(
    units: list[Unit], indicator: str, grain: str, first: dt.date, last: dt.date
) -> tuple[Table, dict[str, Any]]:
    """One indicator of some units, per bucket: the table (bucket x unit) and the chart."""
    label = indicator_label(indicator)
    level = units[0].level
    spans = buckets(first, last, grain)
    unit = indicator_unit(indicator)
    table = Table(
        title=label,
        columns=[_("Period"), *[u.label for u in units]],
        numeric=set(range(1, len(units) + 1)),
        units=dict.fromkeys(range(1, len(units) + 1), unit) if unit else {},
    )
    codes = [u.code for u in units]
    try:
        # every unit of the level at once (the engine computes them all anyway), so that each
        # person's units come from the same kept figures
        values = cache.cached(
            cache.records_state(),
            ("trend", level, indicator, tuple(spans)),
            lambda: _trend_values(level, indicator, [span for _label, span in spans]),
        )
    except metrics.MetricsError as exc:
        raise InvalidInput(str(exc), field="indicator") from None
    for (bucket_label, _span), by in zip(spans, values, strict=True):
        table.rows.append([bucket_label, *[by.get(code) for code in codes]])
    chart = chart_data(
        kind="line",
        title=label,
        x=[r[0] for r in table.rows],
        series=[
            {"name": u.label, "data": [_float(r[i + 1]) for r in table.rows]}
            for i, u in enumerate(units)
        ],
        unit=unit,
    )
    return table, chart


def _trend_values(level: str, indicator: str, spans: list[str]) -> list[dict[str, Any]]:
    """{unit code: value} of each span, for every unit of the level."""
    with metrics.Engine.open(settings.DATA_DIR) as eng:
        out = []
        for span in spans:
            rows = eng.compute(span, level, [indicator])
            out.append({r["subject"]: r.get(indicator) for r in rows})
        return out


def intraday(
    unit: Unit, day: dt.date, minutes: int, indicators: list[str]
) -> tuple[Table, dict[str, Any]]:
    """Call indicators per interval of one day for one unit (centre, department or team)."""
    try:
        with metrics.Engine.open(settings.DATA_DIR) as eng:
            rows = eng.intervals(day, None, minutes, indicators, level=unit.level)
    except metrics.MetricsError as exc:
        raise InvalidInput(str(exc), field="indicator") from None
    mine = [r for r in rows if r["subject"] == unit.code]
    if not mine:  # no call of this unit that day: every interval is zero, not missing
        seen: dict[Any, dict[str, Any]] = {}
        for r in rows:
            seen.setdefault(r["interval_start"], {"interval_start": r["interval_start"]})
        if not seen:
            start = dt.datetime.combine(day, dt.time())
            for i in range(-(-1440 // minutes)):
                t = start + dt.timedelta(minutes=i * minutes)
                seen[t] = {"interval_start": t}
        mine = [{**v, **dict.fromkeys(indicators, 0)} for v in seen.values()]
    rows = mine
    labels = [indicator_label(c) for c in indicators]
    table = Table(
        title=f"{unit.label} {day.isoformat()}",
        columns=[_("Interval"), *labels],
        numeric=set(range(1, len(indicators) + 1)),
        units={i + 1: u for i, c in enumerate(indicators) if (u := indicator_unit(c))},
    )
    for r in rows:
        table.rows.append([r["interval_start"].strftime("%H:%M"), *[r.get(c) for c in indicators]])
    chart = chart_data(
        kind="bar",
        title=table.title,
        x=[r[0] for r in table.rows],
        series=[
            {"name": lab, "data": [_float(r[i + 1]) for r in table.rows]}
            for i, lab in enumerate(labels)
        ],
        unit=shared_unit(indicators),
    )
    return table, chart


def grade_distribution(cards: list[Any]) -> tuple[Table, dict[str, Any]]:
    counts = Counter(c.grade or _("(none)") for c in cards)
    order = sorted(counts, key=lambda g: (-counts[g], g))
    # Keep the template's own order of grades when the cards share one template.
    tpl_order: list[str] = []
    for c in cards:
        for g in c.template.parsed.grades:
            if g.grade not in tpl_order:
                tpl_order.append(g.grade)
    order = [g for g in tpl_order if g in counts] + [g for g in order if g not in tpl_order]
    total = sum(counts.values()) or 1
    table = Table(
        title=_("Grade distribution"),
        columns=[_("Grade"), _("Cards"), _("Share")],
        numeric={1, 2},
        units={1: "count", 2: "ratio"},
    )
    for g in order:
        table.rows.append(
            [g, counts[g], (Decimal(counts[g]) / Decimal(total)).quantize(Decimal("0.001"))]
        )
    chart = chart_data(
        kind="bar",
        title=table.title,
        x=order,
        series=[{"name": _("Cards"), "data": [counts[g] for g in order]}],
        unit="count",
    )
    return table, chart


def rank_order(cards: list[Any]) -> list[Any]:
    """Highest total first (ranks are per template, so the order goes by total)."""
    return sorted(cards, key=lambda c: (c.total is None, -(c.total or 0), c.employee.code))


def ranking(cards: list[Any]) -> Table:
    table = Table(
        title=_("Ranking"),
        columns=[
            _("Rank"),
            _("Employee ID"),
            _("Employee"),
            _("Department"),
            _("Team"),
            _("Template"),
            _("Total"),
            _("Grade"),
            _("Label"),
        ],
        numeric={0, 6},
        units={0: "count", 6: "score"},
    )
    for c in rank_order(cards):
        table.rows.append(
            [
                c.rank,
                c.employee.code,
                c.employee.name,
                c.department.name,
                c.team.name,
                c.template.code,
                c.total,
                c.grade,
                c.rank_label,
            ]
        )
    return table
