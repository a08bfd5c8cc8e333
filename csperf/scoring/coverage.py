"""Data coverage of a scored card: how much of its record-fed weight had data.

``coverage`` is the share of the base weight of the card's record-fed items (items with a
``value``; rated items are not in the denominator) whose value was there for the period. An
item's base weight is its points × its section's weight, over the base sections. A card with no
record-fed item is fully covered. A missing value scored by ``missing: zero`` or ``full`` still
counts as uncovered: the score came from the policy, not from data.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from csperf.scoring.model import Item, Section, Template


def _values(result: dict[str, Any]) -> dict[str, Any]:
    return {
        item["code"]: item.get("value")
        for section in result.get("sections") or []
        for item in section.get("items") or []
    }


def _record_fed(template: Template) -> list[tuple[Section, Item]]:
    """The base items whose value the records feed (rated items are not: raters give them)."""
    return [
        (section, item)
        for section in template.sections
        if section.kind == "base"
        for item in section.items
        if item.value is not None and not item.rated
    ]


def coverage(
    template: Template, result: dict[str, Any], *, pending: frozenset[str] = frozenset()
) -> Decimal:
    """``result`` is one employee's result as :meth:`EmployeeResult.to_dict` gives it.

    ``pending`` names items left out of the share: values that arrive later than the records
    (other cards' totals, filled once those cards are released)."""
    values = _values(result)
    fed = Decimal(0)
    total = Decimal(0)
    for section, item in _record_fed(template):
        if item.code in pending:
            continue
        weight = item.points * section.effective_weight
        total += weight
        if values.get(item.code) is not None:
            fed += weight
    if total == 0:
        return Decimal(1)
    return fed / total


def uncovered(template: Template, result: dict[str, Any]) -> list[Item]:
    """The record-fed base items without data, in the template's order."""
    values = _values(result)
    return [item for _section, item in _record_fed(template) if values.get(item.code) is None]


def uncovered_items(template: Template, result: dict[str, Any]) -> list[str]:
    """The record-fed base items without data, by name."""
    return [item.label for item in uncovered(template, result)]
