"""A card as a printable PDF with signature lines (考核人 / 被考核人 / 复核人, dates).

The Chinese text uses reportlab's built-in CID font STSong-Light (Adobe's Asian font pack
names it; every PDF reader maps it to a Song/Ming face). It needs no font file, so the PDF works
on a fresh machine from ``pip install`` alone, and the files stay small; the glyphs are drawn
by the reader's own CJK font instead of being embedded.
"""

from __future__ import annotations

import io
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from csperf.reports.tables import display
from csperf.scoring import describe_rule

FONT = "STSong-Light"
_registered = False


def _font() -> str:
    global _registered
    if not _registered:
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.cidfonts import UnicodeCIDFont

        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
        _registered = True
    return FONT


def rules_in_words(parsed: Any) -> dict[str, str]:
    """Each item's rule in words (csperf.scoring.describe_rule), by item code."""
    out = {}
    for sec in parsed.sections:
        for it in sec.items:
            try:
                out[it.code] = describe_rule(it)
            except Exception:  # a rule the describer does not know still prints its type
                out[it.code] = it.rule.type
    return out


def signature_labels() -> list[str]:
    """考核人 / 被考核人 / 复核人, with the English words when the page is in English."""
    out = []
    for zh, label in (
        ("考核人", _("Assessor")),
        ("被考核人", _("Assessed employee")),
        ("复核人", _("Reviewer")),
    ):
        out.append(zh if str(label) == zh else f"{zh} {label}")
    return out


def card_pdf(view: dict[str, Any]) -> bytes:
    """``view`` is the card as this user sees it (csperf.reviews.presenters.card_detail)."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    font = _font()
    card = view["card"]
    rules = rules_in_words(card.template.parsed)
    base = ParagraphStyle("base", fontName=font, fontSize=8.5, leading=11, wordWrap="CJK")
    small = ParagraphStyle("small", parent=base, fontSize=7.5, leading=9.5)
    head = ParagraphStyle("head", parent=base, fontSize=8.5, leading=11, textColor=colors.black)
    title = ParagraphStyle("title", parent=base, fontSize=15, leading=20, alignment=1)
    sub = ParagraphStyle("sub", parent=base, fontSize=9.5, leading=13, alignment=1)

    def p(text: Any, style: ParagraphStyle = base) -> Paragraph:
        from xml.sax.saxutils import escape

        return Paragraph(escape("" if text is None else str(text)), style)

    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=landscape(A4),
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title=f"{card.template.name} {card.employee.name} {card.cycle.period}",
        author="csperf",
    )
    story: list[Any] = [
        p(f"{card.template.name}", title),
        p(
            f"{_('Period')} {card.cycle.period} · {card.employee.name}（{card.employee.code}）· "
            f"{card.department.name} / {card.team.name} · {card.position.name} · "
            f"{card.get_status_display()}",
            sub,
        ),
        Spacer(1, 4 * mm),
    ]
    show = view["show_scores"]
    cols = view["columns"]
    header = [
        _("Section"),
        _("Item"),
        _("Points"),
        _("Value"),
        _("Target"),
        _("Rule"),
        *[str(c["label"]) for c in cols],
        _("Score"),
        _("Explanation"),
    ]
    data: list[list[Any]] = [[p(h, head) for h in header]]
    for sec in view["sections"]:
        for i, it in enumerate(sec["items"]):
            cells = [display(c.get("value")) if c["applies"] else "·" for c in it["cells"]]
            data.append(
                [
                    p(sec["name"] if i == 0 else ""),
                    p(it["name"]),
                    p(display(it["points"])),
                    p(display(it["value"])),
                    p(display(it["target"])),
                    p(rules.get(it["code"], ""), small),
                    *[p(x) for x in cells],
                    p(display(it["score"]) if show else "—"),
                    p(it["explain"] if show else "", small),
                ]
            )
    n_roles = len(cols)
    widths = [22, 30, 13, 18, 16, 70, *([15] * n_roles), 15]
    used = sum(widths)
    widths.append(max(40, 273 - used))
    table = Table(data, colWidths=[w * mm for w in widths], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9AA5B1")),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#EEF2F7")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    story += [table, Spacer(1, 4 * mm)]
    if show:
        summary = [
            [
                p(f"{_('Total')}：{display(card.total)}"),
                p(f"{_('Grade')}：{card.grade or '—'}"),
                p(f"{_('Rank')}：{display(card.rank)} {card.rank_label}"),
                p(f"{_('Performance pay')}：{display(card.pay)}"),
            ]
        ]
        story += [Table(summary, colWidths=[68 * mm] * 4), Spacer(1, 2 * mm)]
        if view.get("alerts"):
            story.append(p(f"{_('Alerts')}：" + "；".join(str(a) for a in view["alerts"]), small))
    else:
        story.append(p(_("Scores are shown once the card is published.")))
    story.append(Spacer(1, 10 * mm))
    sign_rows = [
        [
            p(f"{label}：________________"),
            p(f"{_('Date')}：______年____月____日"),
        ]
        for label in signature_labels()
    ]
    story.append(Table(sign_rows, colWidths=[100 * mm, 80 * mm], rowHeights=[10 * mm] * 3))
    story.append(Spacer(1, 4 * mm))
    story.append(
        p(
            f"csperf · {card.template.code} v{card.template.version} · "
            f"{_('Printed')} {timezone.localtime():%Y-%m-%d %H:%M}",
            small,
        )
    )
    doc.build(story)
    return buf.getvalue()
