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
from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from csperf.exports.scorecard_xlsx import input_labels, kind_names, rater_headings
from csperf.reports.tables import display
from csperf.reviews.print_labels import card_words
from csperf.scoring import describe_rule, figures
from csperf.scoring.explain import money

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

    chosen = os.environ.get("CSPERF_PDF_FONT", "").strip()
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
    """考核人 / 被考核人 / 复核人 in the reader's language (the xlsx card's words)."""
    words = card_words()
    return [words[signer] for signer in ("考核人", "被考核人", "复核人")]


def labelled(label: str, value: Any) -> str:
    """``label: value`` with the reader's colon (the full-width "：" in Chinese)."""
    return pgettext("printed card", "{label}: {value}").format(label=label, value=value)


def shown(value: Any, unit: str | None = None) -> str:
    """A value, target or point count on the printed card as the pages show it
    (csperf.scoring.figures): ratios as 98.99%, seconds as 2:08, others to 2 decimals."""
    return figures.figure(value, unit, lang=translation.get_language())


class _Paragraphs:
    """The card's paragraph styles in the CJK font, and ``p`` to make a cell of text."""

    def __init__(self, font: str) -> None:
        from reportlab.lib import colors
        from reportlab.lib.styles import ParagraphStyle

        self.base = ParagraphStyle("base", fontName=font, fontSize=8.5, leading=11, wordWrap="CJK")
        self.small = ParagraphStyle("small", parent=self.base, fontSize=7.5, leading=9.5)
        self.head = ParagraphStyle(
            "head", parent=self.base, fontSize=8.5, leading=11, textColor=colors.black
        )
        self.title = ParagraphStyle("title", parent=self.base, fontSize=15, leading=20, alignment=1)
        self.sub = ParagraphStyle("sub", parent=self.base, fontSize=9.5, leading=13, alignment=1)

    def p(self, text: Any, style: Any = None) -> Any:
        from xml.sax.saxutils import escape

        from reportlab.platypus import Paragraph

        return Paragraph(escape("" if text is None else str(text)), style or self.base)


def _heading(card: Any, ps: _Paragraphs) -> list[Any]:
    """The template's name, then period · employee · department / team · position · status."""
    from reportlab.lib.units import mm
    from reportlab.platypus import Spacer

    parts = [
        f"{_('Period')} {card.cycle.period}",
        pgettext("printed card", "{name} ({code})").format(
            name=card.employee.name, code=card.employee.code
        ),
        f"{card.department.name} / {card.team.name}",
        card.position.name,
        card.get_status_display(),
    ]
    return [
        ps.p(f"{card.template.name}", ps.title),
        ps.p(dotted(parts), ps.sub),
        Spacer(1, 4 * mm),
    ]


def dotted(parts: list[str]) -> str:
    """``a · b · c``; after a full-width bracket (``张三（E001）``), which has its own space,
    the "·" follows without one."""
    out = str(parts[0]) if parts else ""
    for part in parts[1:]:
        out += ("· " if out.endswith(("）", "】", "」", "》")) else " · ") + str(part)
    return out


def _header_row(cols: list[dict[str, Any]], ps: _Paragraphs) -> list[Any]:
    lang = translation.get_language()
    header = [
        _("Section"),
        _("Item"),
        _("Points"),
        _("Target"),
        _("Rule"),
        _("Value"),
        *rater_headings([c["role"] for c in cols], lang),
        _("Score"),
        _("Explanation"),
    ]
    return [ps.p(h, ps.head) for h in header]


def _item_row(
    sec: dict[str, Any], i: int, it: dict[str, Any], rule: str, show: bool, ps: _Paragraphs
) -> list[Any]:
    """One item: its figures by unit, the raters' cells, its score and explanation if shown."""
    p = ps.p
    unit = it.get("unit")
    cells = [shown(c.get("value")) if c["applies"] else "" for c in it["cells"]]
    score = it["contribution"]
    return [
        p(sec["name"] if i == 0 else ""),
        p(it["name"]),
        p(shown(it["points"])),
        p(shown(it["target"], unit)),
        p(rule, ps.small),
        p(shown(it["value"], unit)),
        *[p(x) for x in cells],
        p(figures.score(score) if show and score is not None else "—"),
        p(it["explain"] if show else "", ps.small),
    ]


def _subtotal_row(sec: dict[str, Any], n_roles: int, show: bool, ps: _Paragraphs) -> list[Any]:
    p = ps.p
    return [
        p(f"{sec['name']} {_('Subtotal')}"),
        p(""),
        p(shown(sec["full"])),
        *[p("") for _c in range(3 + n_roles)],
        p(figures.score(sec["score"]) if show and sec["score"] is not None else "—"),
        p(""),
    ]


def _items_table(view: dict[str, Any], ps: _Paragraphs) -> Any:
    """The items of every section with a shaded subtotal row after each section."""
    from reportlab.lib import colors
    from reportlab.lib.units import mm
    from reportlab.platypus import Table, TableStyle

    show, cols = view["show_scores"], view["columns"]
    rules = rules_in_words(view["card"].template.parsed)
    data: list[list[Any]] = [_header_row(cols, ps)]
    subtotals: list[int] = []
    for sec in view["sections"]:
        for i, it in enumerate(sec["items"]):
            data.append(_item_row(sec, i, it, rules.get(it["code"], ""), show, ps))
        subtotals.append(len(data))
        data.append(_subtotal_row(sec, len(cols), show, ps))
    # Rater headings ("Supervisor") and scores such as 11713.00 fit their column on one line;
    # four or more raters share what the 273 mm of a landscape A4 leave them.
    rater = min(21, 55 / max(1, len(cols)))  # "Supervisor" is 13.9 mm at 8.5 pt, plus padding
    widths = [22, 30, 13, 16, 61, 18, *([rater] * len(cols)), 18]
    widths.append(max(40, 273 - sum(widths)))
    table = Table(data, colWidths=[w * mm for w in widths], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9AA5B1")),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#EEF2F7")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                *[("BACKGROUND", (0, r), (-1, r), colors.HexColor("#F5F5F5")) for r in subtotals],
                # "业绩 Subtotal" over the item column too, not broken inside its word
                *[("SPAN", (0, r), (1, r)) for r in subtotals],
            ]
        )
    )
    return table


def _totals(view: dict[str, Any], ps: _Paragraphs) -> list[Any]:
    """Total, grade, rank and pay (pay only for who may see it) and the alerts, once shown."""
    from reportlab.lib.units import mm
    from reportlab.platypus import Spacer, Table

    p, card = ps.p, view["card"]
    if not view["show_total"]:  # the result: workflow.sees_scores
        return [p(_("Scores are shown once the card is published."))]
    pay = money(card.pay) if view.get("show_pay") and card.pay is not None else "—"
    summary = [
        [
            p(labelled(_("Total"), figures.score(card.total))),
            p(labelled(_("Grade"), card.grade or "—")),
            p(labelled(_("Rank"), f"{display(card.rank) or '—'} {card.rank_label}")),
            p(labelled(_("Performance pay"), pay)),
        ]
    ]
    out = [Table(summary, colWidths=[68 * mm] * 4), Spacer(1, 2 * mm)]
    if view.get("alerts"):
        alerts = "；".join(str(a) for a in view["alerts"])
        out.append(p(labelled(_("Alerts"), alerts), ps.small))
    return out


def _signing(card: Any, ps: _Paragraphs) -> list[Any]:
    """The signature lines with dates, then the template and when the card was printed."""
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, Spacer, Table

    p = ps.p
    # Translators: a date left blank, to fill in by hand beside a signature.
    blank_date = pgettext("printed card", "________ / ____ / ____")
    sign_rows = [
        [p(labelled(label, "________________")), p(labelled(_("Date"), blank_date))]
        for label in signature_labels()
    ]
    # The three signature lines print on one page (a new one if need be), never split.
    return [
        Spacer(1, 10 * mm),
        KeepTogether(
            [
                Table(sign_rows, colWidths=[100 * mm, 80 * mm], rowHeights=[10 * mm] * 3),
                Spacer(1, 4 * mm),
                p(
                    f"csperf · {card.template.code} v{card.template.version} · "
                    f"{_('Printed')} {timezone.localtime():%Y-%m-%d %H:%M}",
                    ps.small,
                ),
            ]
        ),
    ]


def card_pdf(view: dict[str, Any]) -> bytes:
    """``view`` is the card as this user sees it (csperf.reviews.presenters.card_detail)."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate, Spacer

    card = view["card"]
    ps = _Paragraphs(_font())
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
    story = [*_heading(card, ps), _items_table(view, ps), Spacer(1, 4 * mm)]
    story += _totals(view, ps)
    story += _signing(card, ps)
    doc.build(story)
    return buf.getvalue()
