"""The web's printed card: the CLI's workbook (csperf.exports.scorecard_xlsx) built from the card
as one user sees it (csperf.reviews.presenters.card_detail), so the download never shows a
column, score or pay the card page hides from that user."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import translation

from csperf.exports.scorecard_xlsx import Seen, card_workbook
from csperf.kernel.decimals import to_decimal
from csperf.reviews.print_labels import card_words
from csperf.scoring import EmployeeResult, ScoreRun
from csperf.scoring.results import ItemResult, SectionResult

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _dec(value: Any) -> Any:
    """A stored figure as a Decimal (a JSON number, or numeric text as inputs written before
    csperf.kernel.decimals were stored); counts by kind as Decimals; other text as it is."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        try:
            return to_decimal(value)
        except ValueError:
            return value
    if isinstance(value, dict):
        return {k: _dec(v) for k, v in value.items()}
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return value


def _item(it: dict[str, Any]) -> ItemResult:
    return ItemResult(
        code=it["code"],
        name=it["name"],
        value=_dec(it["value"]),
        target=_dec(it["target"]),
        score=_dec(it["score"]),
        scale=_dec(it["scale"]) or Decimal(0),
        points=_dec(it["points"]),
        contribution=_dec(it["contribution"]),
        explain=it["explain"],  # already in the reader's language
    )


def _section(sec: dict[str, Any]) -> SectionResult:
    return SectionResult(
        code=sec["code"],
        name=sec["name"],
        kind=sec["kind"],
        weight=sec["weight"],
        score=_dec(sec["score"]),
        full=_dec(sec["full"]) or Decimal(0),
        items=[_item(it) for it in sec["items"]],
    )


def _result(view: dict[str, Any]) -> EmployeeResult:
    """The card as the engine's result, holding only the figures ``view`` shows."""
    card, scores = view["card"], view["show_total"]  # the result: workflow.sees_scores
    return EmployeeResult(
        id=card.employee.code,
        name=card.employee.name,
        team=card.team.name,
        department=card.department.name,
        position=card.position.name,
        total=card.total if scores else None,
        unrounded_total=card.total if scores else None,
        grade=card.grade if scores else None,
        sections=[_section(sec) for sec in view["sections"]],
        flags=list(view["flag_codes"]),
        rank=card.rank if scores else None,
        rank_label=card.rank_label if scores else None,
        pay=card.pay if view["show_pay"] else None,
        alerts=[str(a) for a in view["alerts"]],
    )


def _ratings(view: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The visible raters' entries by item and role."""
    out: dict[str, dict[str, Any]] = {}
    for sec in view["sections"]:
        for it in sec["items"]:
            for cell in it["cells"]:
                if cell["applies"] and cell.get("value") is not None:
                    out.setdefault(it["code"], {})[cell["role"]] = cell["value"]
    return out


def seen_of(view: dict[str, Any]) -> Seen:
    """What the card page lets this reader see, for the workbook."""
    return Seen(
        roles=tuple(c["role"] for c in view["columns"]),
        scores=view["show_scores"],
        pay=view["show_pay"],
        withheld=frozenset(
            it["code"] for sec in view["sections"] for it in sec["items"] if it["withheld"]
        ),
    )


def card_xlsx(view: dict[str, Any]) -> bytes:
    """``view`` (csperf.reviews.presenters.card_detail) as the printable workbook, its
    headings, labels and explanations in the reader's language."""
    card = view["card"]
    result = _result(view)
    run = ScoreRun(template=card.template.parsed, period=card.cycle.period_obj, results=[result])
    lang = translation.get_language() or "zh-hans"
    return card_workbook(run, result, _ratings(view), seen_of(view), lang, card_words())
