"""Each item's explanation as structured parts, and those parts as a sentence in plain language.

The engine keeps its machine form (``ItemResult.explain``: ``1 vs target 0.85 from 20 -> 20/20``)
and, beside it, ``ItemResult.explain_parts``: the rule type and the numbers that decided the score
(JSON-friendly; stored with each card). :func:`render` turns the parts into one sentence in the
reader's language — ``保有率 100%，目标 86.5%，达标，得满 20 分``; ``迟到 2 次，每次扣 2 分，得 6 分``;
``本部分 3 项无数据，按 35 分折算到 88 分`` — from a small catalogue of its own (zh-Hans and English),
so that the package stays free of Django. Pages, the print view, the PDF, the xlsx card and the
API all call :func:`render`.

Scores are shown rounded to 2 decimals (as stored results are), values of a percentage unit
(``x-unit: share | ratio | signed_ratio``) and completion ratios as percentages.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

# -- building the parts (called by the engine) ------------------------------------------------


def band(entry: Any) -> dict[str, Any]:
    """A tier's condition: ``{"gte": 0.65}``; ``{}`` for the fallback (otherwise) tier."""
    return {
        op: getattr(entry, op)
        for op in ("gte", "gt", "lte", "lt")
        if getattr(entry, op) is not None
    }


def tiers(x: Decimal, entry: Any | None) -> dict[str, Any]:
    if entry is None:
        return {"rule": "tiers", "value": x, "matched": False}
    return {"rule": "tiers", "value": x, "matched": True, "band": band(entry)}


def relative(
    x: Decimal, peers: str, stat: str, peer: Decimal, ratio: Decimal, tiered: dict[str, Any]
) -> dict[str, Any]:
    return {
        "rule": "relative",
        "value": x,
        "peers": peers,
        "stat": stat,
        "peer": peer,
        "ratio": ratio,
        "matched": tiered.get("matched", False),
        "band": tiered.get("band", {}),
    }


def linear(x: Decimal, where: str, x0: Decimal, x1: Decimal | None = None) -> dict[str, Any]:
    """``where``: below (the first point), above (the last) or between ``x0`` and ``x1``."""
    out: dict[str, Any] = {"rule": "linear", "value": x, "where": where, "x0": x0}
    if x1 is not None:
        out["x1"] = x1
    return out


def step(
    rule: Any,
    x: Decimal,
    target: Decimal,
    short_steps: Decimal,
    excess_steps: Decimal,
    start: Decimal,
    limited: bool,
) -> dict[str, Any]:
    return {
        "rule": "step",
        "value": x,
        "target": target,
        "better": rule.better,
        "step": rule.step,
        "per_step": rule.per_step,
        "bonus_per_step": rule.bonus_per_step,
        "short_steps": short_steps,
        "excess_steps": excess_steps,
        "start": start,
        "limited": limited,
    }


def per_count(
    count: Decimal,
    per: Any,
    start: Decimal,
    *,
    kinds: dict[str, Decimal] | None = None,
    zero_at: Decimal | None = None,
    zeroed: bool = False,
    limited: bool = False,
    names: Any = None,
) -> dict[str, Any]:
    """``names``: the rule's ``x-kinds`` ({late: 迟到}), so that no kind is shown by its code."""
    out: dict[str, Any] = {"rule": "per_count", "count": count, "start": start}
    if kinds is not None:
        named = names if isinstance(names, dict) else {}
        out["kinds"] = [
            {"kind": str(named.get(k) or k), "count": c, "per": per[k]}
            for k, c in kinds.items()
            if c
        ]
    else:
        out["per"] = per
    if zeroed:
        out["zero_at"] = zero_at
    if limited:
        out["limited"] = True
    return out


def ratio(
    x: Decimal, target: Decimal, better: str, ratio_: Decimal, capped: Decimal | None
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "rule": "ratio",
        "value": x,
        "target": target,
        "better": better,
        "ratio": ratio_,
    }
    if capped is not None:
        out["cap"] = capped
    return out


def rated(mode: str, ratings: list[dict[str, Any]]) -> dict[str, Any]:
    """``mode``: one (a single rating), weighted (shares of the ratings present) or last;
    each rating ``{"role", "score", "level"?, "weight"?}``."""
    return {"rule": "rated", "mode": mode, "ratings": ratings}


def formula(x: Any) -> dict[str, Any]:
    return {"rule": "formula", "value": x}


def formula_error(error: str) -> dict[str, Any]:
    return {"rule": "formula_error", "error": error}


def error() -> dict[str, Any]:
    return {"rule": "error"}


_PEER_ZERO = re.compile(r"^peer (mean|median|max) is 0$")
_NO_NAME = re.compile(r"^no data for (.+)$")
_NO_FEED = re.compile(r"^no data \((.+)\)$")


def missing(why: str, policy: str, labels: dict[str, str] | None = None) -> dict[str, Any]:
    """Why an item has no value (the engine's ``_Missing`` reasons) and what the template does
    then (``policy``: exclude, zero or full)."""
    out: dict[str, Any] = {"rule": "missing", "policy": policy}
    if why == "no data":
        out["why"] = "no_data"
    elif why == "value outside its domain":
        out["why"] = "outside"
    elif why == "bad value":
        out["why"] = "bad_value"
    elif why == "no rating":
        out["why"] = "no_rating"
    elif m := _PEER_ZERO.match(why):
        out.update(why="peer_zero", stat=m.group(1))
    elif m := _NO_NAME.match(why):
        name = m.group(1).removeprefix("v.")
        out.update(why="no_input", input=(labels or {}).get(name) or name)
    elif m := _NO_FEED.match(why):
        out.update(why="no_feed", feed=m.group(1))
    else:  # pragma: no cover - every reason the engine writes is listed above
        out.update(why="other", text=why)
    return out


def entered(raters: Any, present: list[str]) -> dict[str, Any] | None:
    """Who entered a value item's value (G6): the last rater present, or the weighted ones."""
    if not present:
        return None
    order = getattr(raters, "order", None)
    if order is not None:
        role = next((r for r in reversed(order) if r in present), None)
        return {"mode": "last", "roles": [role]} if role else None
    roles = [r for r, w in raters.weights if r in present and w]
    return {"mode": "weighted", "roles": roles} if roles else None


def finish(
    parts: dict[str, Any],
    *,
    name: str,
    percent: bool,
    score: Decimal | None,
    scale: Decimal,
    points: Decimal,
    contribution: Decimal | None,
) -> dict[str, Any]:
    """The parts every explanation shares: the item's name, whether its values are percentages
    and the score on the rule's scale, the item's points and its contribution."""
    out = dict(parts)
    out.update(
        name=name,
        percent=percent,
        score=score,
        scale=scale,
        points=points,
        contribution=contribution,
    )
    return out


# -- rendering --------------------------------------------------------------------------------

ZH = "zh-Hans"
EN = "en"

_TEXT: dict[str, dict[str, str]] = {
    ZH: {
        "sep": "，",
        "clause": "；",
        "end": "",
        "got_full": "得满 {points} 分",
        "got": "得 {score} 分",
        "got_scaled": "按 {scale} 分制得 {score} 分，折合 {contribution} 分",
        "band": "属「{band}」档",
        "band_other": "其他情况",
        "and": " 且 ",
        "no_band": "不在任何一档",
        "value": "{name} {value}",
        "linear_below": "低于 {x0}",
        "linear_above": "达到 {x0}",
        "linear_between": "在 {x0} 至 {x1} 之间按比例计",
        "target": "目标 {target}",
        "target_lower": "目标 {target}（越低越好）",
        "met": "达标",
        "short_higher": "低于目标 {gap}，每低 {step} 扣 {per} 分",
        "short_lower": "高于目标 {gap}，每高 {step} 扣 {per} 分",
        "better_higher": "高于目标 {gap}，每高 {step} 加 {per} 分",
        "better_lower": "低于目标 {gap}，每低 {step} 加 {per} 分",
        "limited": "（受本项上下限限制）",
        "count": "{name} {count} 次",
        "count_start": "从 {start} 分起",
        "each_minus": "每次扣 {per} 分",
        "each_plus": "每次加 {per} 分",
        "zero_at": "达到 {zero_at} 次及以上",
        "kinds": "{name}：{list}",
        "kinds_none": "{name}：无",
        "kind": "{kind} {count} 次（{each}）",
        "list_sep": "、",
        "ratio": "完成 {ratio}",
        "ratio_cap": "完成 {ratio}，按上限 {cap} 计",
        "ratio_zero": "{name} 为 0，按上限 {cap} 计",
        "rating": "{role}：{rating}",
        "rating_weighted": "{role} {rating} × {weight}",
        "rating_last": "以{role}为准：{rating}",
        "level": "{level} 级（{score} 分）",
        "score_only": "{score} 分",
        "plus": " + ",
        "relative": "为{peers}{stat} {peer} 的 {ratio}",
        "formula": "按模板公式计算",
        "formula_error": "{name}：公式计算出错，记 0 分",
        "error": "{name}：输入有误，未计分",
        "entered_last": "以{role}填报为准",
        "entered_weighted": "由{roles}填报合成",
        "no_data": "{name}无数据",
        "no_feed": "{name}无数据（{feed}）",
        "outside": "{name}的数值超出取值范围",
        "bad_value": "{name}的数值有误",
        "no_rating": "{name}尚未评分",
        "peer_zero": "{name}：同组{stat}为 0，无法比较",
        "no_input": "{name}：缺少“{input}”的数据",
        "other": "{name}：{text}",
        "exclude": "本项不计分",
        "zero": "按规定记 0 分",
        "full": "按规定记满分",
        "rescale": "本部分 {n} 项无数据，按 {present} 分折算到 {all} 分，计 {contribution} 分",
    },
    EN: {
        "sep": ", ",
        "clause": "; ",
        "end": ".",
        "got_full": "full marks, {points} points",
        "got": "{score} points",
        "got_scaled": "{score} of {scale}, i.e. {contribution} points",
        "band": "band {band}",
        "band_other": "otherwise",
        "and": " and ",
        "no_band": "in no band",
        "value": "{name} {value}",
        "linear_below": "below {x0}",
        "linear_above": "at or above {x0}",
        "linear_between": "pro rata between {x0} and {x1}",
        "target": "target {target}",
        "target_lower": "target {target} (lower is better)",
        "met": "target met",
        "short_higher": "{gap} below target, minus {per} points per {step}",
        "short_lower": "{gap} above target, minus {per} points per {step}",
        "better_higher": "{gap} above target, plus {per} points per {step}",
        "better_lower": "{gap} below target, plus {per} points per {step}",
        "limited": " (within the item's limits)",
        "count": "{name} {count} times",
        "count_start": "starting from {start}",
        "each_minus": "minus {per} points each",
        "each_plus": "plus {per} points each",
        "zero_at": "{zero_at} times or more",
        "kinds": "{name}: {list}",
        "kinds_none": "{name}: none",
        "kind": "{kind} {count} times ({each})",
        "list_sep": ", ",
        "ratio": "{ratio} achieved",
        "ratio_cap": "{ratio} achieved, capped at {cap}",
        "ratio_zero": "{name} is 0, counted at the cap of {cap}",
        "rating": "{role}: {rating}",
        "rating_weighted": "{role} {rating} × {weight}",
        "rating_last": "the {role} rating counts: {rating}",
        "level": "level {level} ({score} points)",
        "score_only": "{score} points",
        "plus": " + ",
        "relative": "{ratio} of the {peers} {stat} {peer}",
        "formula": "by the template's formula",
        "formula_error": "{name}: the formula failed, 0 points",
        "error": "{name}: input error, not scored",
        "entered_last": "as entered by the {role}",
        "entered_weighted": "combined from the entries of {roles}",
        "no_data": "{name}: no data",
        "no_feed": "{name}: no data ({feed})",
        "outside": "{name}: the value is outside its range",
        "bad_value": "{name}: the value is invalid",
        "no_rating": "{name}: not rated yet",
        "peer_zero": "{name}: the peers' {stat} is 0, nothing to compare with",
        "no_input": "{name}: no data for “{input}”",
        "other": "{name}: {text}",
        "exclude": "not scored",
        "zero": "0 points as the template says",
        "full": "full marks as the template says",
        "rescale": "{n} item(s) of this section have no data: scaled from {present} to {all} "
        "points, {contribution} points",
    },
}

ROLES: dict[str, dict[str, str]] = {
    ZH: {
        "self": "自评",
        "supervisor": "上级",
        "reviewer": "复评",
        "qc": "质检",
        "inspector": "质检",
        "manager": "经理",
        "department_manager": "经理",
        "property_manager": "经理",
    },
    EN: {
        "self": "self-rating",
        "supervisor": "supervisor",
        "reviewer": "reviewer",
        "qc": "QC inspector",
        "inspector": "QC inspector",
        "manager": "manager",
        "department_manager": "manager",
        "property_manager": "manager",
    },
}
_PEERS = {
    ZH: {"team": "班组", "department": "部门", "all": "全体"},
    EN: {"team": "team", "department": "department", "all": "everyone's"},
}
_STATS = {
    ZH: {"mean": "平均值", "median": "中位数", "max": "最高值"},
    EN: {"mean": "mean", "median": "median", "max": "maximum"},
}


def language(code: str | None) -> str:
    """The catalogue for a language code: Chinese for ``zh*`` (and by default), else English."""
    if not code or code.lower().startswith("zh"):
        return ZH
    return EN


def role_label(role: str, lang: str | None = ZH) -> str:
    """A rater's name as the card prints it (自评 / 上级 / 复评 …)."""
    return ROLES[language(lang)].get(role, role)


def _dec(x: Any) -> Decimal | None:
    if x is None or isinstance(x, bool):
        return None
    try:
        return Decimal(str(x))
    except (InvalidOperation, ValueError):
        return None


def number(x: Any, places: int = 2) -> str:
    """``x`` rounded half-up to ``places`` decimals, without trailing zeros (17.50 -> 17.5)."""
    d = _dec(x)
    if d is None:
        return "—"
    if not d.is_finite():
        return str(d)
    q = d.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    text = format(q.normalize(), "f")
    return "0" if text in ("-0", "") else text


def money(x: Any) -> str:
    """An amount of money: two decimals and thousands separators (1591.6 -> 1,591.60)."""
    d = _dec(x)
    if d is None:
        return "—"
    return f"{d.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):,.2f}"


def percent(x: Any, places: int = 2) -> str:
    """A ratio as a percentage: 0.865 -> 86.5%."""
    d = _dec(x)
    return "—" if d is None else f"{number(d * 100, places)}%"


def shown(x: Any, is_percent: bool) -> str:
    """A target or band as written: a percentage for percentage units, else at most 4 decimals."""
    if isinstance(x, dict):
        return "、".join(f"{k} {number(v, 4)}" for k, v in x.items()) or "0"
    return percent(x) if is_percent else number(x, 4)


def measured(x: Any, is_percent: bool) -> str:
    """A measured value as every page shows it (csperf.scoring.figures): 2 decimals at most."""
    if isinstance(x, dict):
        return "、".join(f"{k} {number(v, 2)}" for k, v in x.items()) or "0"
    return percent(x) if is_percent else number(x, 2)


def _band(b: dict[str, Any], t: dict[str, str], fmt: Any) -> str:
    parts = [
        f"{sym}{fmt(b[op])}"
        for op, sym in (("gte", "≥"), ("gt", ">"), ("lte", "≤"), ("lt", "<"))
        if b.get(op) is not None
    ]
    return t["and"].join(parts) if parts else t["band_other"]


def _got(p: dict[str, Any], t: dict[str, str]) -> str:
    score, scale, points = _dec(p.get("score")), _dec(p.get("scale")), _dec(p.get("points"))
    contribution = p.get("base_contribution", p.get("contribution"))
    if score is None:
        return ""
    if scale is not None and scale == points:
        if score == scale and score != 0:
            return t["got_full"].format(points=number(points))
        return t["got"].format(score=number(score))
    return t["got_scaled"].format(
        score=number(score), scale=number(scale), contribution=number(contribution)
    )


def _head(p: dict[str, Any], t: dict[str, str]) -> str:
    """``保有率 86.5%``: the item's name and its measured value."""
    return t["value"].format(
        name=p.get("name") or "", value=measured(p.get("value"), bool(p.get("percent")))
    )


def _as_written(p: dict[str, Any], x: Any) -> str:
    return shown(x, bool(p.get("percent")))


def _tiers_core(p: dict[str, Any], lang: str, t: dict[str, str]) -> list[str]:
    head = _head(p, t)
    if not p.get("matched"):
        return [head, t["no_band"]]
    band_ = _band(p.get("band") or {}, t, lambda x: _as_written(p, x))
    return [head, t["band"].format(band=band_)]


def _relative_core(p: dict[str, Any], lang: str, t: dict[str, str]) -> list[str]:
    rel = t["relative"].format(
        peers=_PEERS[lang].get(p.get("peers", ""), p.get("peers", "")),
        stat=_STATS[lang].get(p.get("stat", ""), p.get("stat", "")),
        peer=_as_written(p, p.get("peer")),
        ratio=percent(p.get("ratio")),
    )
    if not p.get("matched"):
        return [_head(p, t), rel, t["no_band"]]
    return [_head(p, t), rel, t["band"].format(band=_band(p.get("band") or {}, t, percent))]


def _linear_core(p: dict[str, Any], lang: str, t: dict[str, str]) -> list[str]:
    key = {"below": "linear_below", "above": "linear_above"}.get(
        p.get("where", ""), "linear_between"
    )
    x0, x1 = _as_written(p, p.get("x0")), _as_written(p, p.get("x1"))
    return [_head(p, t), t[key].format(x0=x0, x1=x1)]


def _step_core(p: dict[str, Any], lang: str, t: dict[str, str]) -> list[str]:
    lower = p.get("better") == "lower"
    out = [_head(p, t), t["target"].format(target=_as_written(p, p.get("target")))]
    gap = _as_written(p, abs((_dec(p.get("value")) or 0) - (_dec(p.get("target")) or 0)))
    step_ = _as_written(p, p.get("step"))
    if _dec(p.get("short_steps")):
        key = "short_lower" if lower else "short_higher"
        out.append(t[key].format(gap=gap, step=step_, per=number(p.get("per_step"))))
    elif _dec(p.get("excess_steps")) and _dec(p.get("bonus_per_step")):
        key = "better_lower" if lower else "better_higher"
        out.append(t[key].format(gap=gap, step=step_, per=number(p.get("bonus_per_step"))))
    else:
        out.append(t["met"])
    return out


def _per_count_core(p: dict[str, Any], lang: str, t: dict[str, str]) -> list[str]:
    name = p.get("name") or ""
    start, scale = _dec(p.get("start")), _dec(p.get("scale"))
    if "kinds" in p:
        kinds = [
            t["kind"].format(
                kind=k.get("kind"), count=number(k.get("count"), 4), each=_each(k.get("per"), t)
            )
            for k in p["kinds"]
        ]
        out = [
            t["kinds"].format(name=name, list=t["list_sep"].join(kinds))
            if kinds
            else t["kinds_none"].format(name=name)
        ]
    else:
        out = [t["count"].format(name=name, count=number(p.get("count"), 4))]
    if p.get("zero_at") is not None:
        return [*out, t["zero_at"].format(zero_at=number(p["zero_at"], 4))]
    if start is not None and start != scale:
        out.append(t["count_start"].format(start=number(start)))
    if "kinds" not in p:
        out.append(_each(p.get("per"), t))
    return out


def _ratio_core(p: dict[str, Any], lang: str, t: dict[str, str]) -> list[str]:
    if _dec(p.get("value")) == 0 and p.get("better") == "lower":
        cap = percent(p.get("cap", p.get("ratio")))
        return [t["ratio_zero"].format(name=p.get("name") or "", cap=cap)]
    target_key = "target_lower" if p.get("better") == "lower" else "target"
    out = [_head(p, t), t[target_key].format(target=_as_written(p, p.get("target")))]
    if p.get("cap") is not None:
        out.append(t["ratio_cap"].format(ratio=percent(p.get("ratio")), cap=percent(p["cap"])))
    else:
        out.append(t["ratio"].format(ratio=percent(p.get("ratio"))))
    return out


def _rated_core(p: dict[str, Any], lang: str, t: dict[str, str]) -> list[str]:
    return [_rated(p, lang, t)]


def _formula_core(p: dict[str, Any], lang: str, t: dict[str, str]) -> list[str]:
    intro = [_head(p, t)] if p.get("value") is not None else []
    return [*intro, t["formula"]]


def _formula_error_core(p: dict[str, Any], lang: str, t: dict[str, str]) -> list[str]:
    return [t["formula_error"].format(name=p.get("name") or "")]


def _error_core(p: dict[str, Any], lang: str, t: dict[str, str]) -> list[str]:
    return [t["error"].format(name=p.get("name") or "")]


def _missing_core(p: dict[str, Any], lang: str, t: dict[str, str]) -> list[str]:
    why = p.get("why", "no_data")
    head = t.get(why, t["other"]).format(
        name=p.get("name") or "",
        feed=p.get("feed", ""),
        input=p.get("input", ""),
        stat=_STATS[lang].get(p.get("stat", ""), p.get("stat", "")),
        text=p.get("text", ""),
    )
    return [head, t[{"zero": "zero", "full": "full"}.get(p.get("policy", ""), "exclude")]]


Core = Callable[[dict[str, Any], str, dict[str, str]], list[str]]

# What the parts of each kind say before the score, by the parts' ``rule``: the rule types'
# own (levels and manual both give "rated") and the engine's (formula_error, error, missing).
_SCORED_CORES: dict[str, Core] = {
    "tiers": _tiers_core,
    "relative": _relative_core,
    "linear": _linear_core,
    "step": _step_core,
    "per_count": _per_count_core,
    "ratio": _ratio_core,
    "rated": _rated_core,
    "formula": _formula_core,
}
_CORES: dict[str, Core] = {
    **_SCORED_CORES,
    "formula_error": _formula_error_core,
    "error": _error_core,
    "missing": _missing_core,
}


def _core(p: dict[str, Any], lang: str, t: dict[str, str]) -> list[str]:
    """The clauses before the score: what was measured and which part of the rule applied."""
    core = _CORES.get(p.get("rule") or "")
    if core is None:  # pragma: no cover - parts of an unknown rule
        return [p.get("name") or ""]
    return core(p, lang, t)


def _each(per: Any, t: dict[str, str]) -> str:
    d = _dec(per) or Decimal(0)
    return t["each_minus" if d < 0 else "each_plus"].format(per=number(abs(d)))


def _rating(r: dict[str, Any], t: dict[str, str]) -> str:
    if r.get("level") is not None:
        return t["level"].format(level=r["level"], score=number(r.get("score")))
    return t["score_only"].format(score=number(r.get("score")))


def _rated(p: dict[str, Any], lang: str, t: dict[str, str]) -> str:
    ratings = p.get("ratings") or []
    if not ratings:
        return ""
    if p.get("mode") == "last":
        r = ratings[0]
        return t["rating_last"].format(
            role=role_label(r.get("role", ""), lang), rating=_rating(r, t)
        )
    if len(ratings) == 1:
        r = ratings[0]
        return t["rating"].format(role=role_label(r.get("role", ""), lang), rating=_rating(r, t))
    return t["plus"].join(
        t["rating_weighted"].format(
            role=role_label(r.get("role", ""), lang),
            rating=_rating(r, t),
            weight=percent(r.get("weight")),
        )
        for r in ratings
    )


def render(parts: dict[str, Any] | None, lang: str | None = ZH) -> str:
    """One item's explanation in ``lang`` (zh-Hans or English), from its parts."""
    if not parts:
        return ""
    lang = language(lang)
    t = _TEXT[lang]
    clauses = [c for c in _core(parts, lang, t) if c]
    rule = parts.get("rule")
    if rule in _SCORED_CORES:
        got = _got(parts, t)
        if got:
            clauses.append(got + (t["limited"] if parts.get("limited") else ""))
    elif rule == "missing" and parts.get("policy") in ("zero", "full"):
        scale, points = _dec(parts.get("scale")), _dec(parts.get("points"))
        if parts.get("policy") == "full" and scale != points:
            clauses.append(_got(parts, t))
    text = t["sep"].join(clauses)
    entered = parts.get("entered")
    if entered:
        roles = [role_label(r, lang) for r in entered.get("roles") or []]
        key = "entered_last" if entered.get("mode") == "last" else "entered_weighted"
        text = t["sep"].join(
            [t[key].format(role=roles[0] if roles else "", roles=t["list_sep"].join(roles)), text]
        )
    rescale = parts.get("rescale")
    if rescale:
        text += t["clause"] + t["rescale"].format(
            n=rescale.get("excluded"),
            present=number(rescale.get("present")),
            all=number(rescale.get("all")),
            contribution=number(parts.get("contribution")),
        )
    return text + t["end"] if text else ""


def text_for(item: dict[str, Any], lang: str | None = ZH) -> str:
    """The explanation of one stored item result (a card's ``result``): rendered from its
    ``explain_parts``, or its machine ``explain`` for results stored before the parts existed."""
    parts = item.get("explain_parts")
    if parts:
        return render(parts, lang)
    return str(item.get("explain") or "")
