"""What if a cycle had been scored with another template (or an edited version of one)?

Scores the cards of a past cycle again with the candidate template, on the values and ratings the
cards hold, and compares grade, total and pay person by person. Nothing is written: the cycle,
its cards and the template library stay as they are until HR stores a new version and assigns it.
Values the candidate reads that the cards do not hold are taken from the records (as a compute
would); values neither gives stay missing, as the contract says.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils.translation import gettext as _

from csperf.core.errors import InvalidInput
from csperf.kernel.decimals import jsonable
from csperf.reviews.access import cards_for_user
from csperf.reviews.models import Card, Rating
from csperf.reviews.scoring import _dec, _number, employee_input
from csperf.scoring import InputError, Template, score

if TYPE_CHECKING:
    from django.contrib.auth.models import User


@dataclass
class Row:
    card: Any
    old_total: Decimal | None
    new_total: Decimal | None
    old_grade: str
    new_grade: str
    old_pay: Decimal | None
    new_pay: Decimal | None
    new_rank: int | None = None

    @property
    def total_delta(self) -> Decimal | None:
        if self.old_total is None or self.new_total is None:
            return None
        return self.new_total - self.old_total

    @property
    def pay_delta(self) -> Decimal | None:
        if self.old_pay is None or self.new_pay is None:
            return None
        return self.new_pay - self.old_pay

    @property
    def grade_changed(self) -> bool:
        return self.old_grade != self.new_grade

    @property
    def changed(self) -> bool:
        return self.grade_changed or bool(self.pay_delta) or bool(self.total_delta)


@dataclass
class Outcome:
    rows: list[Row] = field(default_factory=list)
    filled: list[str] = field(default_factory=list)  # value names taken from the records
    missing: list[str] = field(default_factory=list)  # value names nobody has

    @property
    def grade_changes(self) -> int:
        return sum(1 for r in self.rows if r.grade_changed)

    @property
    def pay_change(self) -> Decimal:
        return sum((r.pay_delta or Decimal(0) for r in self.rows), Decimal(0))

    @property
    def changed(self) -> list[Row]:
        return [r for r in self.rows if r.changed]


def _fill_from_records(
    template: Template, cards: list[Card], period: str
) -> tuple[dict, list[str]]:
    """Values the cards lack, from the records store; ``({code: {name: value}}, names)``."""
    held = set()
    for c in cards:
        held |= set(((c.inputs or {}).get("values") or {}).keys())
    wanted = template.value_names() - held
    if not wanted:
        return {}, []
    try:
        from csperf.metrics.scorecard import build_score_input

        data = build_score_input(
            wanted,
            period,
            template_code=template.code,
            period_start_day=template.period_start_day or 1,
            employees=[c.employee.code for c in cards],
            data_dir=settings.DATA_DIR,
        )
    except Exception:  # no records store, or people the records do not know: leave them missing
        return {}, []
    out = {str(e["id"]): e.get("values") or {} for e in data.get("employees", [])}
    got = sorted({k for v in out.values() for k in v})
    return out, got


def run(template: Template, cards: list[Card], period: str, source: str) -> Outcome:
    """Score ``cards`` (one cycle) with ``template``; compare with their stored results."""
    if not cards:
        return Outcome()
    ratings: dict[int, dict[str, dict[str, Any]]] = defaultdict(dict)
    for r in Rating.objects.filter(card__in=cards, value__isnull=False):
        ratings[r.card_id].setdefault(r.item_code, {})[r.role] = _number(r.value)
    extra, filled = _fill_from_records(template, cards, period)
    employees = []
    for c in cards:
        data = employee_input(c, ratings.get(c.pk, {}))
        data["values"] = {**extra.get(c.employee.code, {}), **data["values"]}
        employees.append(data)
    try:
        result = score(template, {"period": period, "employees": employees}, source=source)
    except InputError as exc:
        raise InvalidInput(str(exc), field="source") from None
    results = jsonable(result.to_dict())["results"]
    out = Outcome(filled=filled)
    have = set()
    for e in employees:
        have |= set(e["values"])
    out.missing = sorted(template.value_names() - have)
    for card, res in zip(cards, results, strict=True):
        out.rows.append(
            Row(
                card=card,
                old_total=card.total,
                new_total=_dec(res.get("total")),
                old_grade=card.grade,
                new_grade=res.get("grade") or "",
                old_pay=card.pay,
                new_pay=_dec(res.get("pay")),
                new_rank=res.get("rank"),
            )
        )
    out.rows.sort(
        key=lambda r: (
            not r.grade_changed,
            -(abs(r.pay_delta) if r.pay_delta is not None else 0),
            r.card.employee.code,
        )
    )
    return out


def cards_for(user: User, cycle: Any, template_code: str) -> list[Card]:
    """The cycle's cards of the template that ``user`` may see (through the card access helper)."""
    cards = list(
        cards_for_user(user, cycle_id=cycle.pk).filter(template__code=template_code).order_by("id")
    )
    if not cards:
        raise InvalidInput(
            _("No card of %(cycle)s uses template %(code)s.")
            % {"cycle": cycle.name, "code": template_code},
            field="cycle",
        )
    return cards
