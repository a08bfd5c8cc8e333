"""The pieces of a rule's description (评分标准) that several rule types share.

No raw input keys: kinds of a ``per_count`` rule are named by the rule's ``x-kinds``
(``{late: 迟到}``) or the caller's ``kind_names``, a formula's names by the template's labels.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from csperf.scoring.model import NONE, Assigned, ByPeriod
from csperf.scoring.numbers import plain


def bound(b: Decimal | str, full: Decimal) -> str:
    """A min/max/start in words: 满分(20) for ``full``, 不封顶 for ``none``."""
    if b == NONE:
        return "不封顶"
    return f"满分({plain(full)})" if isinstance(b, str) else plain(b)


def percent(x: Decimal) -> str:
    return f"{plain(x * 100, 2)}%".replace(".00%", "%")


def describe_target(target: Any) -> str:
    if isinstance(target, Decimal):
        return plain(target)
    if isinstance(target, ByPeriod):
        parts = [f"{label}: {plain(v)}" for label, v in target.labelled()]
        if target.default is not None:
            parts.append(f"其他: {plain(target.default)}")
        return "按期间(" + "; ".join(parts) + ")"
    if isinstance(target, Assigned):
        return "个人目标"
    return "—"


def tiers(entries: list[Any], subject: str = "", fmt: Callable[[Decimal], str] = plain) -> str:
    return "; ".join(f"{subject}{condition(t, fmt)} → {plain(t.score)}分" for t in entries)


def condition(entry: Any, fmt: Callable[[Decimal], str]) -> str:
    parts = [
        f"{sym}{fmt(getattr(entry, op))}"
        for op, sym in (("gte", "≥"), ("gt", ">"), ("lte", "≤"), ("lt", "<"))
        if getattr(entry, op) is not None
    ]
    return " 且 ".join(parts) if parts else "其他"


def kind_label(rule: Any, kind: str, kind_names: Mapping[str, str] | None = None) -> str:
    """A per_count kind's name: the rule's ``x-kinds``, else ``kind_names``, else its code."""
    own = rule.extensions.get("x-kinds") if hasattr(rule, "extensions") else None
    if isinstance(own, dict) and own.get(kind):
        return str(own[kind])
    return (kind_names or {}).get(kind) or kind


_FORMULA_WORDS = {
    "value": "实际值",
    "target": "目标值",
    "full": "满分",
    "points": "分值",
    "peer_mean": "参评全体平均值",
}
_NAME = re.compile(r"\bv\.([A-Za-z_][A-Za-z0-9_]*)|\b([A-Za-z_][A-Za-z0-9_]*)\b(\s*\()?")


def formula_in_words(text: str, labels: Mapping[str, str] | None = None) -> str:
    """A formula with its names in words: ``min(full, full * value / peer_mean)`` ->
    ``min(满分, 满分 × 实际值 / 参评全体平均值)``; ``v.name`` by the input's label."""

    def name(m: re.Match[str]) -> str:
        if m.group(1):
            return (labels or {}).get(m.group(1)) or "输入值"
        word, call = m.group(2), m.group(3) or ""
        keyword = {"and": "且", "or": "或", "not": "非", "if": "若", "else": "否则"}.get(word)
        if keyword:
            return keyword + (" (" if call else "")
        if call:  # a function (min, max, floor …) keeps its name
            return word + call
        return _FORMULA_WORDS.get(word, word)

    return _NAME.sub(name, text).replace("*", "×").replace(">=", "≥").replace("<=", "≤")
