"""The QC engine's answer problems, worded for people: "第3项 耐心倾听: 7 不在 0–10 内".

The engine stays free of Django and reports why an answer was refused (``AnswerProblem``); this
module names the item by its number and name on the form and says what is wrong, via gettext.
"""

from __future__ import annotations

from functools import reduce

from django.utils.translation import gettext as _

from csperf.kernel.problems import Problem
from csperf.qc import engine


def item_label(*, number: int, name: str) -> str:
    """How a person finds an item on the form: its number (as the page shows it) and name."""
    if not number:
        return name
    return _("Item %(n)s %(name)s") % {"n": number, "name": name}


def _listing(values: tuple[str, ...]) -> str:
    return reduce(lambda a, b: _("%(a)s, %(b)s") % {"a": a, "b": b}, values) if values else ""


def _worded(p: engine.AnswerProblem) -> str:
    v = {"item": item_label(number=p.number, name=p.name), "value": p.value}
    if p.reason == engine.UNKNOWN:
        return _("The form has no item %(item)s.") % {"item": p.item}
    if p.reason == engine.MISSING:
        return _("%(item)s: not scored yet") % v
    if p.reason == engine.NOT_YES_NO:
        return _("%(item)s: %(value)s is not yes or no") % v
    if p.reason == engine.NOT_NA:
        return _("%(item)s: cannot be N/A") % v
    if p.reason == engine.NOT_AN_OPTION:
        return _("%(item)s: %(value)s is not one of the allowed scores %(allowed)s") % {
            **v,
            "allowed": _listing(p.allowed),
        }
    if p.reason == engine.OUT_OF_RANGE and len(p.allowed) == 2:
        low, high = p.allowed
        return _("%(item)s: %(value)s is not within %(low)s–%(high)s") % {
            **v,
            "low": low,
            "high": high,
        }
    return _("%(item)s: %(value)s is not a score") % v


def answer_problem(p: Problem) -> str:
    """One refused answer, naming the item: "第2项 客户身份核实: 7 不在 0–5 内"."""
    if not isinstance(p, engine.AnswerProblem):
        return p.message
    return _worded(p)


def missing_items(problems: list[Problem], *, limit: int = 10) -> str:
    """The items still to score, by number and name; other problems in full."""
    out = [
        item_label(number=p.number, name=p.name)
        if isinstance(p, engine.AnswerProblem) and p.reason == engine.MISSING
        else answer_problem(p)
        for p in problems[:limit]
    ]
    if len(problems) > limit:
        out.append(_("%(n)s more") % {"n": len(problems) - limit})
    return "; ".join(out)
