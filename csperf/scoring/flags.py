"""A card's flags as a code and its parameters, and those as a sentence in the reader's language.

The engine writes each flag in a fixed English machine form (``basic.fcr: no data -> excluded``;
``no grade matches total 41.5``), stored with every card since the first release. :func:`parse`
reads that form back into ``{"code": ..., **params}`` and :func:`render` says it in zh-Hans or
English from a small catalogue of its own, so the package stays free of Django and old cards
(only the English text stored) display in either language. A flag of no known form — a veto's
reason, written by the template's author — is shown as written.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from csperf.scoring import explain as X

_TEXT: dict[str, dict[str, str]] = {
    X.ZH: {
        "item": "{where}：{text}",
        "excluded": "{why}，本项不计分",
        "kinds_ignored": "模板未列出的类别已忽略：{kinds}",
        "domain": "{name}：{why}，未计分",
        "outside": "{value} 超出取值范围 {span}（{unit}）",
        "not_whole": "{value} 不是整数（{unit}）",
        "kind_domain": "{kind}：{why}",
        "days_unchecked": "缺少出勤天数（days_worked），未检查最少出勤天数的考核资格",
        "section_zero": "{where}：全部项目不计分，本部分记 0 分",
        "section_one": "{where}：全部项目不计分，本部分系数按 1 计",
        "no_grade": "总分 {total} 不在任何等级范围内",
        "not_ranked": "未参与排名：本卡有输入错误",
        "no_pay_band": "绩效工资：总分 {total} 不在任何档位内",
    },
    X.EN: {
        "item": "{where}: {text}",
        "excluded": "{why}; not scored",
        "kinds_ignored": "kinds not in the rule ignored: {kinds}",
        "domain": "{name}: {why}; not scored",
        "outside": "{value} is outside {span} ({unit})",
        "not_whole": "{value} is not a whole number ({unit})",
        "kind_domain": "{kind}: {why}",
        "days_unchecked": "days worked missing: eligibility (minimum days worked) not checked",
        "section_zero": "{where}: every item excluded, the section scores 0",
        "section_one": "{where}: every item excluded, the section counts as factor 1",
        "no_grade": "no grade matches total {total}",
        "not_ranked": "not ranked: the card has input errors",
        "no_pay_band": "pay: no band matches total {total}",
    },
}
_LIST_SEP = {X.ZH: "、", X.EN: ", "}
# the units of csperf.scoring.extensions.UNITS as the reader says them
_UNITS: dict[str, dict[str, str]] = {
    X.ZH: {
        "share": "占比",
        "ratio": "比率",
        "signed_ratio": "增减率",
        "count": "计数",
        "mean": "平均值",
        "score": "分值",
        "flag": "是/否",
        "amount": "金额",
        "seconds": "秒",
        "minutes": "分钟",
        "hours": "小时",
        "days": "天数",
        "number": "数值",
    },
    X.EN: {
        "share": "share",
        "ratio": "ratio",
        "signed_ratio": "signed ratio",
        "count": "count",
        "mean": "mean",
        "score": "score",
        "flag": "yes/no",
        "amount": "amount",
        "seconds": "seconds",
        "minutes": "minutes",
        "hours": "hours",
        "days": "days",
        "number": "number",
    },
}

_DAYS = "days_worked missing: eligibility (min_days_worked) not checked"
_NOT_RANKED = "not ranked: the card has input errors"
_NO_GRADE = re.compile(r"^no grade matches total (?P<total>\S+)$")
_NO_PAY_BAND = re.compile(r"^pay: no band matches total (?P<total>\S+)$")
_SECTION = re.compile(
    r"^(?P<where>[\w-]+): every item excluded, section (?P<what>scores 0|counts as factor 1)$"
)
_DOMAIN = re.compile(r"^(?P<name>[\w.-]+): (?P<why>.+); not scored$")
_ITEM = re.compile(r"^(?P<where>[\w-]+\.[\w-]+): (?P<text>.+)$")
_KIND = re.compile(r"^(?P<kind>[^:]+): (?P<rest>.+)$")
_OUTSIDE = re.compile(r"^(?P<value>\S+) is outside (?P<span>.+) \((?P<unit>[\w-]+)\)$")
_NOT_WHOLE = re.compile(r"^(?P<value>\S+) is not a whole number \((?P<unit>[\w-]+)\)$")
_EXCLUDED = " -> excluded"
_KINDS_IGNORED = "kinds not in the rule ignored: "


def parse(text: str) -> dict[str, Any]:
    """The code and parameters of a flag in the engine's machine form; ``other`` keeps the text."""
    if text == _DAYS:
        return {"code": "days_unchecked"}
    if text == _NOT_RANKED:
        return {"code": "not_ranked"}
    if m := _NO_GRADE.match(text):
        return {"code": "no_grade", "total": m["total"]}
    if m := _NO_PAY_BAND.match(text):
        return {"code": "no_pay_band", "total": m["total"]}
    if m := _SECTION.match(text):
        code = "section_zero" if m["what"] == "scores 0" else "section_one"
        return {"code": code, "where": m["where"]}
    if m := _DOMAIN.match(text):
        return {"code": "domain", "name": m["name"], "why": _domain_why(m["why"])}
    if m := _ITEM.match(text):
        return {"code": "item", "where": m["where"], "flag": _item_flag(m["text"])}
    return {"code": "other", "text": text}


def _domain_why(why: str) -> dict[str, Any]:
    if m := _OUTSIDE.match(why):
        return {"code": "outside", **m.groupdict()}
    if m := _NOT_WHOLE.match(why):
        return {"code": "not_whole", **m.groupdict()}
    if m := _KIND.match(why):
        inner = _domain_why(m["rest"])
        if inner["code"] != "other":
            return {"code": "kind_domain", "kind": m["kind"], "why": inner}
    return {"code": "other", "text": why}


def _item_flag(text: str) -> dict[str, Any]:
    """What the engine says about one item: a missing reason, its exclusion or ignored kinds."""
    if text.startswith(_KINDS_IGNORED):
        kinds = [k for k in text.removeprefix(_KINDS_IGNORED).split(", ") if k]
        return {"code": "kinds_ignored", "kinds": kinds}
    excluded = text.endswith(_EXCLUDED)
    why = X.missing(text.removesuffix(_EXCLUDED), "exclude")
    if why.get("why") == "other":
        return {"code": "other", "text": text}
    why.pop("rule", None)
    why.pop("policy", None)
    return {"code": "excluded" if excluded else "missing", **why}


def names_of(template: Any) -> dict[str, str]:
    """The labels :func:`render` shows for a template's section and item codes."""
    out: dict[str, str] = {}
    for section in template.sections:
        out[section.code] = section.label
        for item in section.items:
            out[f"{section.code}.{item.code}"] = item.label
    return out


# A stored feed label (quoted in ``no data (label)``) and the reader's language -> the words
# shown; the caller's (csperf.metrics.feeds.label_in), since this package knows no feeds.
FeedWords = Callable[[str, str], str]


def render(
    flag: str | Mapping[str, Any],
    lang: str | None = X.ZH,
    names: Mapping[str, str] | None = None,
    *,
    feeds: FeedWords | None = None,
) -> str:
    """One flag as a sentence in ``lang``; ``names`` maps item and section codes to their labels
    (``{"fcr": "一次解决率"}``) so that no item is shown by its code where its name is known;
    ``feeds`` says a feed's stored label in ``lang``."""
    lang = X.language(lang)
    p = parse(flag) if isinstance(flag, str) else dict(flag)
    t = _TEXT[lang]
    code = p.get("code")
    named = names or {}
    if code == "item":
        where = str(p.get("where", ""))
        label = named.get(where) or named.get(where.rpartition(".")[2]) or where
        return _item_text(p.get("flag") or {}, label, lang, feeds)
    if code == "domain":
        name = str(p.get("name", ""))
        return t["domain"].format(
            name=named.get(name) or name, why=_why_text(p.get("why") or {}, lang)
        )
    if code in ("section_zero", "section_one"):
        where = str(p.get("where", ""))
        return t[code].format(where=named.get(where) or where)
    if code in t:
        return t[code].format(**{k: v for k, v in p.items() if k != "code"})
    return str(p.get("text", ""))


def render_all(
    flags: Iterable[Any],
    lang: str | None = X.ZH,
    names: Mapping[str, str] | None = None,
    *,
    feeds: FeedWords | None = None,
) -> list[str]:
    """Every flag of a card (as stored: strings, or parsed dicts) in ``lang``."""
    return [
        render(f if isinstance(f, (str, Mapping)) else str(f), lang, names, feeds=feeds)
        for f in flags
    ]


def _item_text(p: dict[str, Any], label: str, lang: str, feeds: FeedWords | None) -> str:
    t = _TEXT[lang]
    code = p.get("code")
    if code == "kinds_ignored":
        kinds = _LIST_SEP[lang].join(str(k) for k in p.get("kinds", []))
        return t["item"].format(where=label, text=t["kinds_ignored"].format(kinds=kinds))
    if code in ("missing", "excluded"):
        why = (
            X._TEXT[lang]
            .get(p.get("why", ""), X._TEXT[lang]["other"])
            .format(
                name=label,
                feed=feeds(p.get("feed", ""), lang) if feeds else p.get("feed", ""),
                input=p.get("input", ""),
                stat=X._STATS[lang].get(p.get("stat", ""), p.get("stat", "")),
                text=p.get("text", ""),
            )
        )
        return t["excluded"].format(why=why) if code == "excluded" else why
    return t["item"].format(where=label, text=p.get("text", ""))


def _why_text(p: dict[str, Any], lang: str) -> str:
    t = _TEXT[lang]
    code = p.get("code")
    if code == "kind_domain":
        return t["kind_domain"].format(
            kind=p.get("kind", ""), why=_why_text(p.get("why") or {}, lang)
        )
    if code in ("outside", "not_whole"):
        words = {k: v for k, v in p.items() if k != "code"}
        unit = str(words.get("unit", ""))
        words["unit"] = _UNITS[lang].get(unit, unit)
        return t[code].format(**words)
    return str(p.get("text", ""))
