"""From a value on a card to the records behind it (csperf.metrics' explain)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from csperf import metrics
from csperf.core.errors import InvalidInput
from csperf.reports.tables import Table

RECORD_LIMIT = 200


def indicator_of(value_name: str, template: str | None = None) -> tuple[str, dict[str, Any]] | None:
    """The indicator (and its fixed parameters) a template value name is computed by, as the
    feed registry says (docs/feeds.md); None for other feeds."""
    from csperf.metrics.feeds import FeedError, feed_for
    from csperf.metrics.indicators import LIB

    try:
        feed = feed_for(value_name, template=template)
    except FeedError:
        return None
    if feed.kind == "indicator" and feed.level in (None, "employee") and feed.name in LIB:
        return feed.name, dict(feed.params)
    return None


def item_of(card: Any, item_code: str) -> Any:
    for sec in card.template.parsed.sections:
        for it in sec.items:
            if it.code == item_code:
                return it
    raise InvalidInput(_("The card has no item %(code)s.") % {"code": item_code}, field="item")


def explain_item(card: Any, item_code: str, limit: int = RECORD_LIMIT) -> dict[str, Any]:
    """What a card's item value is made of.

    ``{"item", "value_name", "manual": InputValue|None, "indicator", "explain", "tables"}``;
    ``explain`` is None when the value does not come from one indicator (entered by hand,
    a rating, a value the records do not give).
    """
    from csperf.cycles.models import InputValue

    item = item_of(card, item_code)
    name = item.value or ""
    manual = (
        InputValue.objects.filter(cycle=card.cycle, employee=card.employee, name=name).first()
        if name
        else None
    )
    found = indicator_of(name, card.template.code) if name else None
    out: dict[str, Any] = {
        "item": item,
        "value_name": name,
        "manual": manual,
        "indicator": found[0] if found else None,
        "explain": None,
        "tables": [],
    }
    if found is None or manual is not None:
        return out
    code, params = found
    try:
        data = metrics.explain(
            code,
            card.employee.code,
            card.cycle.period,
            level="employee",
            params={code: params} if params else None,
            period_start_day=card.template.period_start_day or 1,
            limit=limit,
            data_dir=settings.DATA_DIR,
        )
    except metrics.MetricsError as exc:
        out["error"] = str(exc)
        return out
    out["explain"] = data
    for part in data["parts"]:
        recs = part["records"]
        cols = list(recs[0].keys()) if recs else []
        table = Table(
            title=f"{part['role']} · {part['source']}",
            columns=cols,
            rows=[[r.get(c) for c in cols] for r in recs],
        )
        out["tables"].append({"part": part, "table": table, "truncated": part["count"] > len(recs)})
    return out


def explain_table(result: dict[str, Any]) -> Table:
    """Every part's records in one table (for the CSV / XLSX download)."""
    cols: list[str] = []
    for t in result["tables"]:
        for c in t["table"].columns:
            if c not in cols:
                cols.append(c)
    table = Table(title=result["indicator"] or "records", columns=[_("Part"), _("Source"), *cols])
    for t in result["tables"]:
        part = t["part"]
        for r in t["table"].as_dicts():
            table.rows.append([part["role"], part["source"], *[r.get(c) for c in cols]])
    return table
