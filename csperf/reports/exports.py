"""A cycle's summary (汇总表) and pay sheet as printable workbooks with signature lines.

Only released cards (published and later) go into either file, and of those only the ones the
login may see. Pay is confidential: the summary has a pay column only for a login that may see
the pay of every card in it (HR, the auditor, an employee on their own card), and only on the
sheets of templates that have pay; the pay sheet itself is for HR and the auditor (the view
checks). Every item column is headed by the item's name and points and holds its score as a
number.
"""

from __future__ import annotations

import io
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from csperf.exports.cells import workbook
from csperf.reports.tables import plain
from csperf.reviews import workflow
from csperf.reviews.models import RELEASED
from csperf.scoring.flags import render_all

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def visible_scored(user: User, cards: Any) -> list[Any]:
    """The released cards of ``cards`` whose scores the login may see."""
    return [c for c in cards if c.status in RELEASED and workflow.sees_scores(user, c)]


def shows_pay(user: User, cards: list[Any]) -> bool:
    """A pay column only when the login may see the pay of every card listed."""
    return all(workflow.sees_pay(user, c) for c in cards)


def has_pay(template: Any) -> bool:
    """The template computes a performance pay (``pay:``); without it a card has no pay."""
    try:
        return template.parsed.pay is not None
    except Exception:  # a template that no longer parses: its cards keep their stored pay
        return False


def _points(value: Any) -> str:
    d = Decimal(str(value)).normalize()
    return format(d.quantize(Decimal(1)) if d == d.to_integral() else d, "f")


def item_heading(item: Any) -> str:
    """ "接通率 (20分)": the item's name and its points."""
    return _("%(item)s (%(points)s pts)") % {"item": item.label, "points": _points(item.points)}


def _item_scores(card: Any) -> dict[tuple[str, str], Any]:
    """{(section code, item code): score as a number} from the card's result."""
    out = {}
    for sec in (card.result or {}).get("sections", []):
        for it in sec.get("items", []):
            score = it.get("score")
            if isinstance(score, str):
                try:
                    score = float(score)
                except ValueError:
                    score = None
            out[(sec.get("code"), it["code"])] = score
    return out


def _signatures(ws: Any, row: int, labels: list[str], fmt: Any) -> None:
    for i, label in enumerate(labels):
        ws.write_string(row, i * 3, f"{label}：", fmt)
        ws.write_string(row, i * 3 + 1, "______________", fmt)
        ws.write_string(row + 1, i * 3, f"{_('Date')}：", fmt)
        ws.write_string(row + 1, i * 3 + 1, "____年__月__日", fmt)


def _book() -> tuple[Any, io.BytesIO, dict[str, Any]]:
    buf = io.BytesIO()
    wb = workbook(buf)  # text is never a formula (csperf.exports.cells)
    fmts = {
        "title": wb.add_format({"bold": True, "font_size": 14}),
        "head": wb.add_format(
            {"bold": True, "bg_color": "#EEF2F7", "border": 1, "text_wrap": True, "valign": "top"}
        ),
        "cell": wb.add_format({"border": 1}),
        "num": wb.add_format({"border": 1, "num_format": "0.00"}),
        "sign": wb.add_format({"bold": True}),
        "muted": wb.add_format({"font_color": "#616E7C"}),
    }
    return wb, buf, fmts


def _write_row(ws: Any, r: int, values: list[Any], fmts: dict[str, Any]) -> None:
    for c, v in enumerate(values):
        v = plain(v)
        if v is None or v == "":
            ws.write_blank(r, c, None, fmts["cell"])
        elif isinstance(v, int | float) and not isinstance(v, bool):
            ws.write_number(r, c, v, fmts["num"])
        else:
            ws.write_string(r, c, str(v), fmts["cell"])


def _title(ws: Any, row: int, text: str, fmt: Any) -> None:
    ws.write_string(row, 0, text, fmt)


def summary_xlsx(cycle: Any, cards: list[Any], *, with_pay: bool = False) -> bytes:
    """One sheet per template: every person's item scores, total, grade, rank, status, and pay
    where ``with_pay`` and the template has pay."""
    wb, buf, fmts = _book()
    groups: dict[int, list[Any]] = {}
    for c in cards:
        groups.setdefault(c.template_id, []).append(c)
    if not groups:
        ws = wb.add_worksheet(cycle.period)
        _title(ws, 0, f"{cycle.name} · {_('Summary')}", fmts["title"])
        _title(ws, 2, _("No published card to show."), fmts["muted"])
    for n, group in enumerate(groups.values(), start=1):
        tpl = group[0].template
        parsed = tpl.parsed
        items = [(sec.code, it) for sec in parsed.sections for it in sec.items]
        pay_column = with_pay and has_pay(tpl)
        ws = wb.add_worksheet(f"{n} {tpl.code}"[:31])
        _title(ws, 0, f"{cycle.name} · {tpl.name} · {_('Summary')}（汇总表）", fmts["title"])
        _title(
            ws,
            1,
            f"{_('Template')} {tpl.code} v{tpl.version} · {_('Exported')} "
            f"{timezone.localtime():%Y-%m-%d %H:%M} · {_('Published cards only')}",
            fmts["muted"],
        )
        head = [
            _("Employee ID"),
            _("Employee"),
            _("Department"),
            _("Team"),
            _("Position"),
            *[item_heading(it) for _s, it in items],
            _("Total"),
            _("Grade"),
            _("Rank"),
            *([_("Performance pay")] if pay_column else []),
            _("Status"),
        ]
        for c, h in enumerate(head):
            ws.write_string(3, c, h, fmts["head"])
        ordered = sorted(group, key=lambda c: (c.rank is None, c.rank or 0, c.employee.code))
        for r, card in enumerate(ordered, start=4):
            scores = _item_scores(card)
            _write_row(
                ws,
                r,
                [
                    card.employee.code,
                    card.employee.name,
                    card.department.name,
                    card.team.name,
                    card.position.name,
                    *[scores.get((sec, it.code)) for sec, it in items],
                    card.total,
                    card.grade,
                    card.rank,
                    *([card.pay] if pay_column else []),
                    str(card.get_status_display()),
                ],
                fmts,
            )
        last = 4 + len(ordered)
        ws.set_column(0, 4, 11)
        ws.set_column(5, len(head), 9)
        ws.freeze_panes(4, 2)
        ws.set_landscape()
        ws.fit_to_pages(1, 0)
        _signatures(ws, last + 2, [_("Prepared by"), _("Reviewer"), _("Approved by")], fmts["sign"])
    wb.close()
    return buf.getvalue()


def _pay_note(card: Any) -> str:
    if card.pay is not None:
        return ""
    if card.score_error:
        return _("Pay not computed: %(why)s") % {"why": card.score_error.splitlines()[0][:200]}
    flags = [f for f in card.flags if str(f).startswith("pay")]
    if flags:
        shown = render_all(flags, get_language())
        return _("Pay not computed: %(why)s") % {"why": "; ".join(shown)[:200]}
    return _("Pay not computed: rescore the card.")


def _pay_head() -> list[str]:
    return [
        _("Employee ID"),
        _("Employee"),
        _("Department"),
        _("Team"),
        _("Position"),
        _("Base pay"),
        _("Days worked"),
        _("Days in period"),
        _("Total"),
        _("Grade"),
        _("Performance pay"),
        _("Status"),
        _("Note"),
    ]


def _person(card: Any) -> list[Any]:
    return [
        card.employee.code,
        card.employee.name,
        card.department.name,
        card.team.name,
        card.position.name,
    ]


def _paid_row(card: Any) -> list[Any]:
    inputs = card.inputs or {}
    return [
        *_person(card),
        inputs.get("pay_base", card.employee.pay_base),
        inputs.get("days_worked"),
        inputs.get("period_days"),
        card.total,
        card.grade,
        card.pay,
        str(card.get_status_display()),
        _pay_note(card),
    ]


def _unpaid_row(card: Any) -> list[Any]:
    return [
        *_person(card),
        None,
        None,
        None,
        card.total,
        card.grade,
        None,
        str(card.get_status_display()),
        _("No performance pay in template %(template)s") % {"template": card.template.code},
    ]


def _departments(ordered: list[Any], paid_ids: set[int]) -> dict[str, dict[str, Any]]:
    """Every department of the sheet, in code order, with its people and pay (0 when none)."""
    depts: dict[str, dict[str, Any]] = {}
    for card in ordered:
        d = depts.setdefault(
            card.department.code,
            {"name": card.department.name, "people": 0, "pay": Decimal(0)},
        )
        if card.pk in paid_ids:
            d["people"] += 1
            d["pay"] += card.pay or Decimal(0)
    return depts


def _write_totals(ws: Any, r: int, depts: dict[str, dict[str, Any]], fmts: dict[str, Any]) -> int:
    """The people with pay and the pay of each department and of all; the last row written."""
    ws.write_string(r, 0, _("Totals by department"), fmts["sign"])
    ws.write_string(r, 1, _("People with pay"), fmts["sign"])
    for d in depts.values():
        r += 1
        ws.write_string(r, 2, d["name"], fmts["cell"])
        ws.write_number(r, 1, d["people"], fmts["cell"])
        ws.write_number(r, 10, float(d["pay"]), fmts["num"])
    r += 1
    ws.write_string(r, 2, _("All"), fmts["sign"])
    ws.write_number(r, 1, sum(d["people"] for d in depts.values()), fmts["cell"])
    ws.write_number(r, 10, float(sum((d["pay"] for d in depts.values()), Decimal(0))), fmts["num"])
    return r


def _write_unpaid(ws: Any, r: int, unpaid: list[Any], fmts: dict[str, Any]) -> int:
    """The released cards whose template has no pay, if any; the last row written."""
    if not unpaid:
        return r
    r += 2
    ws.write_string(r, 0, _("Published cards whose template has no performance pay"), fmts["sign"])
    for card in unpaid:
        r += 1
        _write_row(ws, r, _unpaid_row(card), fmts)
    return r


def pay_sheet_xlsx(cycle: Any, cards: list[Any]) -> bytes:
    """The performance pay of each person whose template has pay: base, days, total, grade,
    pay; totals for every department; then the released cards whose template has no pay."""
    wb, buf, fmts = _book()
    ws = wb.add_worksheet(cycle.period)
    _title(ws, 0, f"{cycle.name} · {_('Pay sheet')}（绩效工资表）", fmts["title"])
    _title(
        ws,
        1,
        f"{_('Exported')} {timezone.localtime():%Y-%m-%d %H:%M} · {_('Published cards only')}",
        fmts["muted"],
    )
    for c, h in enumerate(_pay_head()):
        ws.write_string(3, c, h, fmts["head"])
    ordered = sorted(cards, key=lambda c: (c.department.code, c.team.code, c.employee.code))
    paid = [c for c in ordered if has_pay(c.template)]
    unpaid = [c for c in ordered if not has_pay(c.template)]
    depts = _departments(ordered, {c.pk for c in paid})
    r = 4
    for card in paid:
        _write_row(ws, r, _paid_row(card), fmts)
        r += 1
    if not paid:
        _title(ws, r, _("No published card with performance pay."), fmts["muted"])
        r += 1
    r = _write_totals(ws, r + 1, depts, fmts)
    r = _write_unpaid(ws, r, unpaid, fmts)
    ws.set_column(0, 4, 11)
    ws.set_column(5, 11, 10)
    ws.set_column(12, 12, 30)
    ws.freeze_panes(4, 2)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    _signatures(ws, r + 3, [_("Prepared by"), _("Checked by"), _("Approved by")], fmts["sign"])
    wb.close()
    return buf.getvalue()
