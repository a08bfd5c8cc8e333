"""Small builders for engine tests: templates as dicts, one item or section at a time."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from csperf.scoring import ScoreRun, Template, score, template_from_data

D = Decimal


def template(sections: list[dict[str, Any]], **extra: Any) -> Template:
    data = {"code": "t", "version": 1, "period": "month", "sections": sections, **extra}
    return template_from_data(data)


def one_item(
    rule: dict[str, Any], *, points: Any = 10, value: str | None = "x", **item: Any
) -> Template:
    spec: dict[str, Any] = {"code": "i", "points": points, "rule": rule, **item}
    if value is not None and rule.get("type") not in ("levels", "manual"):
        spec["value"] = value
    return template([{"code": "s", "items": [spec]}])


def run(t: Template, *employees: dict[str, Any], period: str = "2026-03") -> ScoreRun:
    emps = [{"id": f"E{i}", **e} for i, e in enumerate(employees, start=1)]
    return score(t, {"period": period, "employees": emps})


def item_score(rule: dict[str, Any], value: Any, **kw: Any) -> Decimal | None:
    """The rule's score (on its scale) for one value."""
    t = one_item(rule, **kw)
    return run(t, {"values": {"x": value}}).results[0].item("i").score
