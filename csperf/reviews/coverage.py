"""The data gate of one card: its data coverage, what it lacks, and why it may not be published.

A card's data coverage is the share of its record-fed weight whose value came from the records; a
card below its cycle's ``min_coverage`` (or with input errors) is held back unless HR overrode the
gate with a reason (``Card.gate_overrides``). The cycle-wide gates (opening rating, raters) are in
``csperf.cycles.gates``, which builds on these.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from csperf.metrics.feeds import feed_for, shown_label
from csperf.reviews.models import Card
from csperf.scoring.coverage import coverage as result_coverage
from csperf.scoring.coverage import uncovered as result_uncovered

DATA = "data"


def percent(value: Decimal | float | None) -> str:
    if value is None:
        return "—"
    return f"{(Decimal(str(value)) * 100).quantize(Decimal('1'))}%"


def card_coverage(card: Card) -> Decimal | None:
    """The stored coverage; for cards scored before coverage was stored, from their result."""
    if card.coverage is not None:
        return card.coverage
    if card.result is None:
        return None
    return result_coverage(card.template.parsed, card.result).quantize(Decimal("0.0001"))


def uncovered(card: Card) -> list[dict[str, str]]:
    """The record-fed items without data, each with the feed that did not deliver it."""
    if card.result is None:
        return []
    missing = (card.inputs or {}).get("missing") or {}
    lang = get_language()
    return [
        {
            "code": item.code,
            "name": item.label,
            "value": item.value or "",
            "feed": shown_label(
                item.value or "",
                template=card.template.code,
                stored=missing.get(item.value) or "",
                lang=lang,
            ),
        }
        for item in result_uncovered(card.template.parsed, card.result)
    ]


def from_other_cards(card: Card) -> frozenset[str]:
    """The card's items without data whose values other cards' totals fill (feed ``cards``):
    they arrive when those cards are released and the cycle is recomputed, after rating opens."""
    if card.result is None:
        return frozenset()
    code = card.template.code
    return frozenset(
        item.code
        for item in result_uncovered(card.template.parsed, card.result)
        if item.value and feed_for(item.value, template=code).kind == "cards"
    )


def opening_coverage(card: Card) -> Decimal | None:
    """Coverage as the opening gate sees it: items waiting for other cards are left out."""
    pending = from_other_cards(card)
    if not pending:
        return card_coverage(card)
    return result_coverage(card.template.parsed, card.result, pending=pending).quantize(
        Decimal("0.0001")
    )


def data_problem(
    card: Card, min_coverage: Decimal, *, opening: bool = False
) -> tuple[str, str] | None:
    """(kind, why) when the card's data holds it back: ``error`` or ``coverage``; else None.

    ``opening``: the gate of opening rating, where values that other cards' totals fill later
    are not yet due; publishing wants them."""
    if card.score_error:
        first = card.score_error.strip().splitlines()[0][:200]
        return "error", _("its inputs have errors: %(error)s") % {"error": first}
    cov = opening_coverage(card) if opening else card_coverage(card)
    if cov is None:
        return "coverage", _("it has no data: it was never scored")
    if cov < min_coverage:
        return "coverage", _("its data coverage %(coverage)s is below the minimum %(minimum)s") % {
            "coverage": percent(cov),
            "minimum": percent(min_coverage),
        }
    return None


def who(card: Card) -> str:
    return f"{card.employee.name} ({card.employee.code})"


def publish_refusal(card: Card) -> str | None:
    """Why this card may not be published (data gate, not overridden), or None."""
    problem = data_problem(card, card.cycle.min_coverage)
    if problem is None or DATA in (card.gate_overrides or {}):
        return None
    return _(
        "%(who)s cannot be published: %(why)s. Correct the data and recompute, or override "
        "the gate with a reason on the cycle page."
    ) % {"who": who(card), "why": problem[1]}
