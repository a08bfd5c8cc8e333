"""A rule in words (评分标准), for printed cards and pages.

No raw input keys: kinds of a ``per_count`` rule are named by the rule's ``x-kinds``
(``{late: 迟到}``) or the caller's ``kind_names`` (the 奖惩/事件 catalogue), a formula's names by
the template's labels; values of a percentage unit are shown as percentages (≥65%).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from csperf.scoring.explain import role_label
from csperf.scoring.model import Item, LastRaters
from csperf.scoring.numbers import plain
from csperf.scoring.rules import Words, kind_of
from csperf.scoring.rules.words import describe_target, formula_in_words, kind_label, percent

__all__ = ["describe_rule", "describe_target", "formula_in_words", "kind_label"]


def describe_rule(
    item: Item,
    kind_names: Mapping[str, str] | None = None,
    labels: Mapping[str, str] | None = None,
) -> str:
    """One sentence (Chinese) that says how the item is scored. ``kind_names`` names per_count
    kinds the rule's ``x-kinds`` does not; ``labels`` names the inputs a formula reads."""
    rule = item.rule
    full = item.scale
    unit = item.unit
    fmt = percent if unit is not None and unit.percent else plain

    def target_words(target: Any) -> str:
        return fmt(target) if isinstance(target, Decimal) else describe_target(target)

    scale_note = (
        f"(按{plain(full)}分制, 折算为{plain(item.points)}分)" if full != item.points else ""
    )
    words = Words(full=full, fmt=fmt, target=target_words, kind_names=kind_names, labels=labels)
    text = kind_of(rule).describe(rule, words)
    if item.rated:
        raters = item.effective_raters
        if isinstance(raters, LastRaters):
            text += "; 以最后评分为准: " + " → ".join(role_label(r) for r in raters.order)
        else:
            text += "; " + ", ".join(
                f"{role_label(r)} {plain(w * 100)}%" for r, w in raters.weights
            )
    if item.missing != "exclude" and not item.rated:
        text += "; 无数据" + ("记0分" if item.missing == "zero" else "记满分")
    return text + scale_note
