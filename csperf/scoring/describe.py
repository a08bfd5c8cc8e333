"""A rule in words (评分标准), for printed cards and pages."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

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


def _tiers(tiers: list[Any], subject: str = "") -> str:
    return "; ".join(f"{subject}{t.describe()} → {plain(t.score)}分" for t in tiers)


def describe_rule(item: Item) -> str:
    """One sentence (Chinese) that says how the item is scored."""
    rule = item.rule
    full = item.scale
    scale_note = (
        f"(按{plain(full)}分制, 折算为{plain(item.points)}分)" if full != item.points else ""
    )
    if rule.type == "tiers":
        text = _tiers(rule.tiers)
    elif rule.type == "linear":
        pts = ", ".join(f"{plain(x)}→{plain(y)}" for x, y in rule.points)
        below = (
            f"; 低于{plain(rule.points[0][0])}得{plain(rule.below)}分"
            if rule.below is not None
            else ""
        )
        text = f"分段线性: {pts}, 之间按比例{below}"
    elif rule.type == "step":
        direction = "每低" if rule.better == "higher" else "每高"
        text = f"目标 {describe_target(rule.target)}, {direction}{plain(rule.step)}扣{plain(rule.per_step)}分"
        if rule.bonus_per_step:
            text += f", 每超{plain(rule.step)}加{plain(rule.bonus_per_step)}分"
        if rule.rounding != "exact":
            text += " (不足一档按一档计)" if rule.rounding == "ceil" else " (不足一档不计)"
        text += f", 最低{_bound(rule.min, full)}分, 最高{_bound(rule.max, full)}分"
    elif rule.type == "per_count":
        if isinstance(rule.per, dict):
            per = ", ".join(
                f"{k}每次{'+' if v >= 0 else ''}{plain(v)}" for k, v in rule.per.items()
            )
        else:
            per = f"每次{'+' if rule.per >= 0 else ''}{plain(rule.per)}分"
        text = f"起始{_bound(rule.start, full)}分, {per}"
        if rule.zero_at is not None:
            text += f", {plain(rule.zero_at)}次及以上得{_bound(rule.min, full)}分"
        text += f", 范围 {_bound(rule.min, full)}–{_bound(rule.max, full)}"
    elif rule.type == "ratio":
        how = "实际/目标" if rule.better == "higher" else "目标/实际"
        text = f"完成率({how}, 目标 {describe_target(rule.target)}) × 满分, 封顶{plain(rule.cap)}倍"
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
        text = f"与{peers}{stat}之比: " + _tiers(rule.tiers)
    else:
        text = f"公式: {rule.expr.text}"
    if item.rated:
        raters = item.effective_raters
        names = {"self": "自评", "supervisor": "上级", "reviewer": "复评"}
        if isinstance(raters, LastRaters):
            text += "; 以最后评分为准: " + " → ".join(names.get(r, r) for r in raters.order)
        else:
            text += "; " + ", ".join(
                f"{names.get(r, r)} {plain(w * 100)}%" for r, w in raters.weights
            )
    if item.missing != "exclude" and not item.rated:
        text += "; 无数据" + ("记0分" if item.missing == "zero" else "记满分")
    return text + scale_note
