"""A cycle's summary (汇总表) and pay sheet as printable workbooks with signature lines.

Only cards the login may see, and of those only the ones whose scores it may see (an agent's own
card before publishing shows no scores), go into either file.
"""

from __future__ import annotations

import io
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from csperf.exports.cells import workbook
from csperf.reports.tables import plain
from csperf.reviews import workflow


def visible_scored(user: Any, cards: Any) -> list[Any]:
    return [c for c in cards if workflow.sees_scores(user, c)]


def _item_scores(card: Any) -> dict[str, Any]:
    out = {}
    for sec in (card.result or {}).get("sections", []):
        for it in sec.get("items", []):
            out[it["code"]] = it.get("score")
    return out


def _signatures(ws: Any, row: int, labels: list[str], fmt: Any) -> None:
    for i, label in enumerate(labels):
        ws.write(row, i * 3, f"{label}：", fmt)
        ws.write(row, i * 3 + 1, "______________", fmt)
        ws.write(row + 1, i * 3, f"{_('Date')}：", fmt)
        ws.write(row + 1, i * 3 + 1, "____年__月__日", fmt)


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


def summary_xlsx(cycle: Any, cards: list[Any]) -> bytes:
    """One sheet per template: every person's item scores, total, grade, rank, pay, status."""
    wb, buf, fmts = _book()
    groups: dict[int, list[Any]] = {}
    for c in cards:
        groups.setdefault(c.template_id, []).append(c)
    if not groups:
        ws = wb.add_worksheet(cycle.period)
        ws.write(0, 0, f"{cycle.name} · {_('Summary')}", fmts["title"])
        ws.write(2, 0, _("No scored card to show."), fmts["muted"])
    for n, group in enumerate(groups.values(), start=1):
        tpl = group[0].template
        parsed = tpl.parsed
        items = [(sec.label, it) for sec in parsed.sections for it in sec.items]
        ws = wb.add_worksheet(f"{n} {tpl.code}"[:31])
        ws.write(0, 0, f"{cycle.name} · {tpl.name} · {_('Summary')}（汇总表）", fmts["title"])
        ws.write(
            1,
            0,
            f"{_('Template')} {tpl.code} v{tpl.version} · {_('Exported')} "
            f"{timezone.localtime():%Y-%m-%d %H:%M}",
            fmts["muted"],
        )
        head = [
            _("Employee ID"),
            _("Employee"),
            _("Department"),
            _("Team"),
            _("Position"),
            *[f"{it.label}（{it.points}）" for _s, it in items],
            _("Total"),
            _("Grade"),
            _("Rank"),
            _("Performance pay"),
            _("Status"),
        ]
        for c, h in enumerate(head):
            ws.write(3, c, h, fmts["head"])
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
                    *[scores.get(it.code) for _s, it in items],
                    card.total,
                    card.grade,
                    card.rank,
                    card.pay,
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


def pay_sheet_xlsx(cycle: Any, cards: list[Any]) -> bytes:
    """The performance pay of each person: base, days, total, grade, pay; totals per department."""
    wb, buf, fmts = _book()
    ws = wb.add_worksheet(cycle.period)
    ws.write(0, 0, f"{cycle.name} · {_('Pay sheet')}（绩效工资表）", fmts["title"])
    ws.write(1, 0, f"{_('Exported')} {timezone.localtime():%Y-%m-%d %H:%M}", fmts["muted"])
    head = [
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
    ]
    for c, h in enumerate(head):
        ws.write(3, c, h, fmts["head"])
    ordered = sorted(cards, key=lambda c: (c.department.code, c.team.code, c.employee.code))
    r = 4
    sums: dict[str, Any] = {}
    for card in ordered:
        inputs = card.inputs or {}
        _write_row(
            ws,
            r,
            [
                card.employee.code,
                card.employee.name,
                card.department.name,
                card.team.name,
                card.position.name,
                inputs.get("pay_base", card.employee.pay_base),
                inputs.get("days_worked"),
                inputs.get("period_days"),
                card.total,
                card.grade,
                card.pay,
                str(card.get_status_display()),
            ],
            fmts,
        )
        if card.pay is not None:
            sums[card.department.name] = sums.get(card.department.name, 0) + card.pay
        r += 1
    r += 1
    ws.write(r, 0, _("Totals by department"), fmts["sign"])
    for name, total in sorted(sums.items()):
        r += 1
        ws.write(r, 2, name, fmts["cell"])
        ws.write_number(r, 10, float(total), fmts["num"])
    r += 1
    ws.write(r, 2, _("All"), fmts["sign"])
    ws.write_number(r, 10, float(sum(sums.values(), 0)), fmts["num"])
    ws.set_column(0, 4, 11)
    ws.set_column(5, 11, 10)
    ws.freeze_panes(4, 2)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    _signatures(ws, r + 3, [_("Prepared by"), _("Checked by"), _("Approved by")], fmts["sign"])
    wb.close()
    return buf.getvalue()
