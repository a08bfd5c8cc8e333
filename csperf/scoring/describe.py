"""A rule in words (评分标准), for printed cards and pages.

No raw input keys: kinds of a ``per_count`` rule are named by the rule's ``x-kinds``
(``{late: 迟到}``) or the caller's ``kind_names`` (the 奖惩/事件 catalogue), a formula's names by
the template's labels; values of a percentage unit are shown as percentages (≥65%).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from csperf.scoring.explain import role_label
from csperf.scoring.model import FULL, NONE, Assigned, ByPeriod, Item, LastRaters
from csperf.scoring.numbers import plain


def _bound(b: Decimal | str, full: Decimal) -> str:
    if b == NONE:
        return "不封顶"
    return f"满分({plain(full)})" if b == FULL else plain(b)  # type: ignore[arg-type]


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


def _tiers(tiers: list[Any], subject: str = "", fmt: Any = plain) -> str:
    return "; ".join(f"{subject}{_condition(t, fmt)} → {plain(t.score)}分" for t in tiers)


def _condition(entry: Any, fmt: Any) -> str:
    parts = [
        f"{sym}{fmt(getattr(entry, op))}"
        for op, sym in (("gte", "≥"), ("gt", ">"), ("lte", "≤"), ("lt", "<"))
        if getattr(entry, op) is not None
    ]
    return " 且 ".join(parts) if parts else "其他"


def _percent(x: Decimal) -> str:
    return f"{plain(x * 100, 2)}%".replace(".00%", "%")


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
    fmt = _percent if unit is not None and unit.percent else plain

    def target_words(target: Any) -> str:
        return fmt(target) if isinstance(target, Decimal) else describe_target(target)

    scale_note = (
        f"(按{plain(full)}分制, 折算为{plain(item.points)}分)" if full != item.points else ""
    )
    if rule.type == "tiers":
        text = _tiers(rule.tiers, fmt=fmt)
    elif rule.type == "linear":
        pts = ", ".join(f"{fmt(x)}→{plain(y)}分" for x, y in rule.points)
        below = (
            f"; 低于{fmt(rule.points[0][0])}得{plain(rule.below)}分"
            if rule.below is not None
            else ""
        )
        text = f"分段线性: {pts}, 之间按比例{below}"
    elif rule.type == "step":
        direction = "每低" if rule.better == "higher" else "每高"
        text = f"目标 {target_words(rule.target)}, {direction}{fmt(rule.step)}扣{plain(rule.per_step)}分"
        if rule.bonus_per_step:
            text += f", 每超{fmt(rule.step)}加{plain(rule.bonus_per_step)}分"
        if rule.rounding != "exact":
            text += " (不足一档按一档计)" if rule.rounding == "ceil" else " (不足一档不计)"
        text += f", 最低{_bound(rule.min, full)}分, 最高{_bound(rule.max, full)}分"
    elif rule.type == "per_count":
        if isinstance(rule.per, dict):
            per = ", ".join(
                f"{kind_label(rule, k, kind_names)}每次{'加' if v >= 0 else '扣'}{plain(abs(v))}分"
                for k, v in rule.per.items()
            )
        else:
            per = f"每次{'加' if rule.per >= 0 else '扣'}{plain(abs(rule.per))}分"
        text = f"起始{_bound(rule.start, full)}分, {per}"
        if rule.zero_at is not None:
            text += f", {plain(rule.zero_at)}次及以上得{_bound(rule.min, full)}分"
        text += f", 范围 {_bound(rule.min, full)}–{_bound(rule.max, full)}"
    elif rule.type == "ratio":
        how = "实际/目标" if rule.better == "higher" else "目标/实际"
        text = f"完成率({how}, 目标 {target_words(rule.target)}) × 满分, 封顶{_percent(rule.cap)}"
    elif rule.type == "levels":
        text = "; ".join(
            f"{lv.level}级 {plain(lv.score)}分" + (f" ({lv.anchor})" if lv.anchor else "")
            for lv in rule.levels
        )
    elif rule.type == "manual":
        text = f"评分人打分, {_bound(rule.min, full)}–{_bound(rule.max, full)}分"
    elif rule.type == "relative":
        stat = {"mean": "平均", "median": "中位数", "max": "最高"}[rule.stat]
        peers = {"team": "班组", "department": "部门", "all": "全体"}[rule.peers]
        text = f"与{peers}{stat}之比: " + _tiers(rule.tiers, fmt=_percent)
    else:
        text = f"按公式计算: {formula_in_words(rule.expr.text, labels)}"
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
