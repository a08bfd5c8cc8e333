"""A card as a printable PDF with signature lines (考核人 / 被考核人 / 复核人, dates).

The Chinese text is drawn with an embedded CJK TrueType font: WenQuanYi Zen Hei from Debian's
``fonts-wqy-zenhei`` (``apt-get install fonts-wqy-zenhei``, in the README's install steps), or the
file ``CSPERF_PDF_FONT`` names. Only the glyphs used are embedded (a subset), so every reader
shows the same text, "·", "≥" and "×" included. Without such a font the PDF falls back to the
CID font STSong-Light, which readers draw with their own CJK font.

The columns are the xlsx card's (csperf.exports.scorecard_xlsx.card_columns): 考核维度, 考核项目,
分值, 目标, 评分规则, 实际值, the raters' columns (自评 / 上级 / 复评 …), 得分, 计算说明 in the
reader's language.
"""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from csperf.exports.scorecard_xlsx import input_labels, kind_names
from csperf.reports.tables import display
from csperf.scoring import describe_rule
from csperf.scoring.explain import money, number, percent, role_label

EMBEDDED = "CsperfCJK"
FALLBACK = "STSong-Light"
# Debian's fonts-wqy-zenhei (and fonts-wqy-microhei): TrueType, so reportlab can embed them.
FONT_FILES = (
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
)
_registered: str | None = None


def font_file() -> str | None:
    """The CJK font to embed: ``CSPERF_PDF_FONT`` if set (it must exist), else Debian's."""
    import os
    from pathlib import Path

    from django.core.exceptions import ImproperlyConfigured

    from csperf.web.env import env_str

    chosen = env_str("CSPERF_PDF_FONT", "")
    if chosen:
        if not Path(chosen).is_file():
            raise ImproperlyConfigured(f"CSPERF_PDF_FONT: no such font file: {chosen}")
        return chosen
    return next((f for f in FONT_FILES if os.path.isfile(f)), None)


def _font() -> str:
    global _registered
    if _registered is None:
        from reportlab.pdfbase import pdfmetrics

        path = font_file()
        if path is not None:
            from reportlab.pdfbase.ttfonts import TTFont

            pdfmetrics.registerFont(TTFont(EMBEDDED, path, subfontIndex=0))
            _registered = EMBEDDED
        else:
            from reportlab.pdfbase.cidfonts import UnicodeCIDFont

            pdfmetrics.registerFont(UnicodeCIDFont(FALLBACK))
            _registered = FALLBACK
    return _registered


def rules_in_words(parsed: Any) -> dict[str, str]:
    """Each item's rule in words (csperf.scoring.describe_rule), by item code."""
    out = {}
    kinds, labels = kind_names(), input_labels(parsed)
    for sec in parsed.sections:
        for it in sec.items:
            try:
                out[it.code] = describe_rule(it, kinds, labels)
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


def shown(value: Any, pct: bool) -> str:
    """A value, target or point count on the printed card: ratios of a percentage unit as
    percentages (86.5%), other numbers with at most 4 decimals, nothing as "—"."""
    if value is None or value == "":
        return "—"
    if isinstance(value, dict):
        return "、".join(f"{k} {number(v, 4)}" for k, v in value.items()) or "0"
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal, str)):
        return str(value)
    try:
        return percent(value) if pct else number(value, 4)
    except (ArithmeticError, ValueError):
        return str(value)


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
    lang = translation.get_language()
    parsed = card.template.parsed
    percent_items = {it.code for _s, it in parsed.items if it.unit is not None and it.unit.percent}
    header = [
        _("Section"),
        _("Item"),
        _("Points"),
        _("Target"),
        _("Rule"),
        _("Value"),
        *[role_label(c["role"], lang) for c in cols],
        _("Score"),
        _("Explanation"),
    ]
    data: list[list[Any]] = [[p(h, head) for h in header]]
    subtotals: list[int] = []
    for sec in view["sections"]:
        for i, it in enumerate(sec["items"]):
            pct = it["code"] in percent_items
            cells = [shown(c.get("value"), False) if c["applies"] else "" for c in it["cells"]]
            data.append(
                [
                    p(sec["name"] if i == 0 else ""),
                    p(it["name"]),
                    p(shown(it["points"], False)),
                    p(shown(it["target"], pct)),
                    p(rules.get(it["code"], ""), small),
                    p(shown(it["value"], pct)),
                    *[p(x) for x in cells],
                    p(
                        number(it["contribution"])
                        if show and it["contribution"] is not None
                        else "—"
                    ),
                    p(it["explain"] if show else "", small),
                ]
            )
        subtotals.append(len(data))
        data.append(
            [
                p(f"{sec['name']} {_('Subtotal')}"),
                p(""),
                p(shown(sec["full"], False)),
                *[p("") for _c in range(3 + len(cols))],
                p(number(sec["score"]) if show and sec["score"] is not None else "—"),
                p(""),
            ]
        )
    n_roles = len(cols)
    widths = [22, 30, 13, 16, 62, 18, *([13] * n_roles), 15]
    used = sum(widths)
    widths.append(max(40, 273 - used))
    table = Table(data, colWidths=[w * mm for w in widths], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9AA5B1")),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#EEF2F7")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                *[("BACKGROUND", (0, r), (-1, r), colors.HexColor("#F5F5F5")) for r in subtotals],
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
                p(
                    f"{_('Performance pay')}：{money(card.pay) if view.get('show_pay') and card.pay is not None else '—'}"
                ),
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
