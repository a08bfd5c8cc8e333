"""A scored card as a printable Excel workbook: one sheet per employee plus a summary (汇总).

Each card has the header (考核期间, 姓名, 岗位, 部门), one row per item (权重/分值, 目标值,
评分标准 in words, 实际值, the raters' columns 自评 / 上级 / 复评 … where the template has raters,
得分, 说明 in plain language), section subtotals, 总分, 等级, 排名, 绩效工资 and the signature
lines 被考核人 / 考核人 / 复核人 with dates. Numbers are stored as numbers: values and targets of a
percentage unit as ratios with the format 0.00%, money as #,##0.00, scores rounded to 2 decimals
as the results are (csperf.scoring.figures).

The fixed words (headings, labels, signature lines) are Chinese unless the caller passes
``words``: the reader's words by the Chinese ones (:data:`PRINTED_WORDS`). The Django side builds
them with gettext (csperf.reviews.print_labels); this package has no Django.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import xlsxwriter

from csperf.exports.cells import workbook, write_cell
from csperf.metrics.indicators import unit_of
from csperf.scoring import EmployeeResult, ScoreRun, describe_rule, figures
from csperf.scoring import numbers as N
from csperf.scoring.describe import describe_target
from csperf.scoring.explain import ZH, render, role_label
from csperf.scoring.flags import names_of, render_all
from csperf.scoring.numbers import plain

KIND_LABELS = {"base": "", "bonus": "加分项", "deduction": "扣分项", "multiplier": "系数"}
SUMMARY = "汇总"
CARD_HEADINGS = (
    "考核维度",
    "考核项目",
    "权重/分值",
    "目标值",
    "评分标准",
    "实际值",
    "得分",
    "说明",
)
SUMMARY_HEADINGS = (
    "工号",
    "姓名",
    "班组",
    "部门",
    "总分",
    "等级",
    "排名",
    "奖惩",
    "绩效工资",
    "预警 / 备注",
)
SIGNERS = ("被考核人", "考核人", "复核人")
# Every fixed word of the workbooks, by its Chinese (the default); "{…}" are str.format fields.
PRINTED_WORDS = (
    *CARD_HEADINGS,
    *SUMMARY_HEADINGS,
    *SIGNERS,
    *[k for k in KIND_LABELS.values() if k],
    SUMMARY,
    "{title} — {period} 考核汇总表",
    "考核期间",
    "岗位",
    "（{kind}）",
    "（权重 {weight}%）",
    "{name} 小计",
    "{signer}(签字):",
    "日期:",
    "无数据",
)
Words = Mapping[str, str] | None
SCORE_FORMAT = "0.00"  # results carry 2 decimals (the contract rounds once, half-up)


@dataclass(frozen=True)
class Seen:
    """What the reader may see of the card, decided by the caller (the web: the card page's
    rules, csperf.reviews.workflow); the CLI's reader sees everything."""

    roles: tuple[str, ...] | None = None  # the rater columns shown; None: all the template's
    scores: bool = True  # 得分, 小计, 总分, 等级, 排名, 预警
    pay: bool = True
    # items whose value, score and 说明 come from a column the reader may not see
    withheld: frozenset[str] = frozenset()


EVERYTHING = Seen()
HIDDEN = "—"


def say(words: Words, zh: str, **fields: Any) -> str:
    """The printed word ``zh`` in the reader's words (Chinese without ``words``), its fields
    filled in."""
    text = (words or {}).get(zh, zh)
    return text.format(**fields) if fields else text


def _num(value: Decimal | None) -> float | str:
    """A score or amount as a number rounded to 2 decimals ("" when there is none)."""
    return float(N.round2(value)) if value is not None else ""


def _places(value: Decimal, limit: int) -> int:
    exponent = value.normalize().as_tuple().exponent
    return min(limit, max(0, -exponent)) if isinstance(exponent, int) else 0


def number_format(value: Decimal, percent: bool) -> str:
    """The display format of a value as written: 0.865 -> 0.0%, 0.85 -> 0%, 12.5 -> 0.0."""
    if percent:
        places = _places(value * 100, 2)
        return "0" + ("." + "0" * places if places else "") + "%"
    places = _places(value, 4)
    return "0" + ("." + "0" * places if places else "")


def _value_text(value: Any, words: Words = None) -> str:
    if value is None:
        return say(words, "无数据")
    if isinstance(value, dict):
        return "、".join(f"{k} {plain(v, 4)}" for k, v in value.items()) or "0"
    return plain(value, 6)


def input_labels(template: Any) -> dict[str, str]:
    """The template's inputs by their Chinese names (a formula in words names them so)."""
    return {n: s.label for n, s in template.input_specs().items() if s.label}


def kind_names() -> dict[str, str]:
    """The 奖惩/事件 catalogue's names of kinds (a per_count rule in words names them so)."""
    from csperf.ingest.events import event_kinds

    return {code: kind.name for code, kind in event_kinds().items()}


def _sheet_name(result: EmployeeResult, used: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", "_", f"{result.id} {result.name or ''}".strip())[:28]
    name, n = base, 2
    while name.lower() in used:
        name = f"{base[:25]}~{n}"
        n += 1
    used.add(name.lower())
    return name


def scorecard_workbook(run: ScoreRun, lang: str = ZH, words: Words = None) -> bytes:
    """The whole run as an .xlsx file (bytes); explanations in ``lang`` (zh-Hans by default),
    the fixed words from ``words`` (Chinese by default)."""
    buffer = io.BytesIO()
    wb = workbook(buffer)  # text is never a formula (csperf.exports.cells)
    f = _Formats(wb)
    _summary_sheet(wb, f, run, lang, words)
    used: set[str] = {say(words, SUMMARY).lower()}
    ratings = {e.id: e.ratings for e in run.inputs.employees} if run.inputs else {}
    for result in run.results:
        sheet = _sheet_name(result, used)
        given = ratings.get(result.id) or {}
        _card_sheet(wb, f, run, result, sheet, given, lang, words=words)
    wb.close()
    return buffer.getvalue()


def card_workbook(
    run: ScoreRun,
    result: EmployeeResult,
    ratings: dict[str, Any],
    seen: Seen = EVERYTHING,
    lang: str = ZH,
    words: Words = None,
) -> bytes:
    """One card of ``run`` as the CLI prints it (its sheet, without the 汇总), showing only
    what ``seen`` lets the reader see; ``ratings`` are the raters' entries by item and role."""
    buffer = io.BytesIO()
    wb = workbook(buffer)
    name = _sheet_name(result, set())
    _card_sheet(wb, _Formats(wb), run, result, name, ratings, lang, seen, words)
    wb.close()
    return buffer.getvalue()


class _Formats:
    def __init__(self, wb: xlsxwriter.Workbook) -> None:
        self.wb = wb
        self.font = {"font_name": "等线", "font_size": 10}
        self._numeric: dict[str, Any] = {}
        font = self.font
        self.title = wb.add_format({**font, "bold": True, "font_size": 14, "align": "center"})
        self.label = wb.add_format({**font, "bold": True, "bg_color": "#F2F2F2", "border": 1})
        self.cell = wb.add_format({**font, "border": 1, "text_wrap": True, "valign": "top"})
        self.number = self.numeric(SCORE_FORMAT)
        self.head = wb.add_format(
            {
                **font,
                "bold": True,
                "border": 1,
                "bg_color": "#DDEBF7",
                "align": "center",
                "valign": "vcenter",
                "text_wrap": True,
            }
        )
        self.sub = wb.add_format({**font, "bold": True, "border": 1, "bg_color": "#F2F2F2"})
        self.sub_number = wb.add_format(
            {**font, "bold": True, "border": 1, "bg_color": "#F2F2F2", "num_format": SCORE_FORMAT}
        )
        self.total = wb.add_format(
            {**font, "bold": True, "border": 1, "font_size": 12, "num_format": SCORE_FORMAT}
        )
        self.plain = wb.add_format({**font})
        self.sign = wb.add_format({**font, "bottom": 1})

    def numeric(self, num_format: str) -> Any:
        """A bordered number cell of ``num_format`` (one format object per distinct format)."""
        if num_format not in self._numeric:
            self._numeric[num_format] = self.wb.add_format(
                {**self.font, "border": 1, "valign": "top", "num_format": num_format}
            )
        return self._numeric[num_format]


def _summary_sheet(wb: Any, f: _Formats, run: ScoreRun, lang: str, words: Words) -> None:
    ws = wb.add_worksheet(say(words, SUMMARY))
    t = run.template
    title = say(
        words, "{title} — {period} 考核汇总表", title=t.name or t.code, period=run.period.label
    )
    ws.merge_range(0, 0, 0, 9, title, f.title)
    headers = [say(words, h) for h in SUMMARY_HEADINGS]
    for col, h in enumerate(headers):
        ws.write(2, col, h, f.head)
    for row, r in enumerate(run.results, start=3):
        write_cell(ws, row, 0, r.id, f.cell)
        write_cell(ws, row, 1, r.name or "", f.cell)
        write_cell(ws, row, 2, r.team or "", f.cell)
        write_cell(ws, row, 3, r.department or "", f.cell)
        write_cell(ws, row, 4, _num(r.total), f.number)
        write_cell(ws, row, 5, r.grade or "", f.cell)
        write_cell(ws, row, 6, r.rank, f.numeric("0"))
        write_cell(ws, row, 7, r.rank_label or "", f.cell)
        write_cell(ws, row, 8, _num(r.pay), f.numeric("#,##0.00"))
        write_cell(ws, row, 9, _notes(r, run, lang), f.cell)
    ws.set_column(0, 3, 12)
    ws.set_column(4, 8, 10)
    ws.set_column(9, 9, 60)
    ws.freeze_panes(3, 2)
    ws.autofilter(2, 0, 2 + len(run.results), len(headers) - 1)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(2)


def _notes(r: EmployeeResult, run: ScoreRun, lang: str) -> str:
    """The card's alerts (the template's own words) and its flags in ``lang``."""
    return "; ".join([*r.alerts, *render_all(r.flags, lang, names_of(run.template))])


def card_columns(roles: list[str], lang: str = ZH, words: Words = None) -> list[str]:
    """The card's columns, shared by the xlsx and the PDF card: the raters' columns (自评 / 上级
    / 复评 …) stand between 实际值 and 得分 when the template has raters."""
    head = [say(words, h) for h in CARD_HEADINGS]
    return [*head[:6], *rater_headings(roles, lang), *head[6:]]


def rater_headings(roles: list[str], lang: str = ZH) -> list[str]:
    """The raters' column headings: 自评 / 上级 …, or "Self-rating" / "Supervisor" (the
    explanations' words, which are lower case in their sentences)."""
    return [(w := role_label(r, lang))[:1].upper() + w[1:] for r in roles]


def _write_value(
    ws: Any, f: _Formats, row: int, col: int, value: Any, unit: str | None = None
) -> None:
    """A value or target: a number when it is one (rounded and formatted by its unit,
    csperf.scoring.figures: 0.00%, #,##0.00; as written without a unit), else text."""
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        d = Decimal(value)
        if unit is None:
            ws.write_number(row, col, float(d), f.numeric(number_format(d, False)))
        else:
            cell = figures.cell_number(d, unit)
            ws.write_number(row, col, cell, f.numeric(figures.xlsx_format(unit)))
    else:
        write_cell(ws, row, col, value, f.cell)


def _rating_cell(rating: Any) -> Any:
    """A rater's entry as it was given: a number (level or score), counts by kind as text."""
    if rating is None:
        return ""
    if isinstance(rating, dict):
        return _value_text(rating)
    if isinstance(rating, bool) or not isinstance(rating, (int, float, Decimal)):
        return str(rating)
    return rating


@dataclass(frozen=True)
class _Sheet:
    """One card's worksheet and what every row of it reads."""

    ws: Any
    f: _Formats
    run: ScoreRun
    roles: list[str]
    headers: list[str]  # card_columns
    lang: str
    kinds: dict[str, str]
    labels: dict[str, str]
    specs: dict[str, Any]
    seen: Seen = EVERYTHING
    words: Words = None  # the printed words (say)

    @property
    def last(self) -> int:
        """The last column, 说明."""
        return len(self.headers) - 1

    @property
    def score_col(self) -> int:
        return self.last - 1


def _card_head(s: _Sheet, r: EmployeeResult) -> None:
    """The title, 考核期间 / 姓名 / 岗位 / 部门 and the column headings (row 3)."""
    t, ws, f = s.run.template, s.ws, s.f
    ws.merge_range(0, 0, 0, s.last, t.name or t.code, f.title)
    info = [
        ("考核期间", s.run.period.label),
        ("姓名", r.name or r.id),
        ("岗位", r.position or ""),
        ("部门", " / ".join(x for x in (r.department, r.team) if x)),
    ]
    for i, (label, value) in enumerate(info):
        write_cell(ws, 1, i * 2, say(s.words, label), f.label)
        write_cell(ws, 1, i * 2 + 1, value, f.cell)
    for col, h in enumerate(s.headers):
        ws.write(3, col, h, f.head)


def _section_label(spec: Any, section: Any, words: Words = None) -> str:
    """业绩（加分项）（权重 40%）: the section's name, its kind and weight where it has them."""
    kind = KIND_LABELS[spec.kind]
    kind = say(words, "（{kind}）", kind=say(words, kind)) if kind else ""
    weight = plain(spec.weight * 100) if spec.weight is not None else None
    weight = say(words, "（权重 {weight}%）", weight=weight) if weight is not None else ""
    return f"{section.name}{kind}{weight}"


def _item_row(
    s: _Sheet, row: int, label: str, spec_item: Any, item: Any, given: dict[str, Any]
) -> None:
    """One item: points, target, rule in words, value, the raters' entries, score, 说明."""
    ws, f = s.ws, s.f
    unit = figures.item_unit(spec_item, s.specs, indicator_units=unit_of)
    write_cell(ws, row, 0, label, f.cell)
    write_cell(ws, row, 1, item.name, f.cell)
    _write_value(ws, f, row, 2, item.points)
    rule_target = getattr(spec_item.rule, "target", None)
    if item.target is not None:
        _write_value(ws, f, row, 3, item.target, unit)
    else:
        target = describe_target(rule_target) if rule_target is not None else ""
        write_cell(ws, row, 3, target, f.cell)
    write_cell(ws, row, 4, describe_rule(spec_item, s.kinds, s.labels), f.cell)
    withheld = item.code in s.seen.withheld
    if withheld:
        write_cell(ws, row, 5, HIDDEN, f.cell)
    elif isinstance(item.value, dict) or item.value is None:
        write_cell(ws, row, 5, _value_text(item.value, s.words), f.cell)
    else:
        _write_value(ws, f, row, 5, item.value, unit)
    for k, role in enumerate(s.roles):
        cell = _rating_cell(given.get(role)) if role in spec_item.entry_roles else ""
        if isinstance(cell, (int, float, Decimal)):
            _write_value(ws, f, row, 6 + k, Decimal(str(cell)))
        else:
            write_cell(ws, row, 6 + k, cell, f.cell)
    if withheld or not s.seen.scores:
        write_cell(ws, row, s.score_col, HIDDEN, f.cell)
        write_cell(ws, row, s.last, "", f.cell)
        return
    write_cell(ws, row, s.score_col, _num(item.contribution), f.number)
    write_cell(ws, row, s.last, render(item.explain_parts, s.lang) or item.explain, f.cell)


def _subtotal_row(s: _Sheet, row: int, section: Any) -> None:
    """小计: the section's full points and score on a shaded row."""
    ws, f = s.ws, s.f
    write_cell(ws, row, 0, say(s.words, "{name} 小计", name=section.name), f.sub)
    for col in range(1, s.last + 1):
        ws.write_blank(row, col, None, f.sub)
    ws.write_number(row, 2, float(section.full), f.sub_number)
    # a section with a withheld item would give that item's score away
    shown = s.seen.scores and not any(i.code in s.seen.withheld for i in section.items)
    if shown and section.score is not None:
        ws.write_number(row, s.score_col, float(N.round2(section.score)), f.sub_number)
    else:
        ws.write(row, s.score_col, HIDDEN, f.sub)


def _card_totals(s: _Sheet, row: int, r: EmployeeResult) -> int:
    """总分, 等级, 排名, 绩效工资 and the alerts; the next free row."""
    ws, f, scores = s.ws, s.f, s.seen.scores
    rank = f"{r.rank}" + (f"（{r.rank_label}）" if r.rank_label else "")
    shown_pay = s.seen.pay and r.pay is not None
    summary: list[tuple[str, Any, Any]] = [
        ("总分", _num(r.total) if scores and r.total is not None else HIDDEN, f.total),
        ("等级", (r.grade if scores else "") or HIDDEN, f.cell),
        ("排名", rank if scores and r.rank is not None else HIDDEN, f.cell),
        ("绩效工资", _num(r.pay) if shown_pay else HIDDEN, f.numeric("#,##0.00")),
    ]
    for label, value, fmt in summary:
        write_cell(ws, row, 0, say(s.words, label), f.label)
        write_cell(ws, row, 1, value, fmt if isinstance(value, float) else f.cell)
        row += 1
    if scores and (r.alerts or r.flags):
        write_cell(ws, row, 0, say(s.words, "预警 / 备注"), f.label)
        ws.merge_range(row, 1, row, s.last, _notes(r, s.run, s.lang), f.cell)
        row += 1
    return row


def _card_signatures(s: _Sheet, row: int) -> None:
    for signer in SIGNERS:
        label = say(s.words, "{signer}(签字):", signer=say(s.words, signer))
        s.ws.write(row, 0, label, s.f.plain)
        s.ws.write(row, 1, "", s.f.sign)
        s.ws.write(row, 2, "", s.f.sign)
        s.ws.write(row, 4, say(s.words, "日期:"), s.f.plain)
        s.ws.write(row, 5, "", s.f.sign)
        row += 2


def _card_layout(s: _Sheet) -> None:
    """Column widths and an A4 landscape page, one page wide, headings repeated."""
    ws = s.ws
    ws.set_column(0, 0, 16)
    ws.set_column(1, 1, 18)
    ws.set_column(2, 3, 10)
    ws.set_column(4, 4, 40)
    ws.set_column(5, 5, 10)
    if s.roles:
        ws.set_column(6, 5 + len(s.roles), 8)
    ws.set_column(s.score_col, s.score_col, 10)
    ws.set_column(s.last, s.last, 48)
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(3)


def _card_sheet(
    wb: Any,
    f: _Formats,
    run: ScoreRun,
    r: EmployeeResult,
    name: str,
    ratings: dict[str, Any],
    lang: str,
    seen: Seen = EVERYTHING,
    words: Words = None,
) -> None:
    t = run.template
    roles = [r for r in t.rater_roles() if seen.roles is None or r in seen.roles]
    s = _Sheet(
        ws=wb.add_worksheet(name),
        f=f,
        run=run,
        roles=roles,
        headers=card_columns(roles, lang, words),
        lang=lang,
        kinds=kind_names(),
        labels=input_labels(t),
        specs=t.input_specs(),
        seen=seen,
        words=words,
    )
    _card_head(s, r)
    row = 4
    for spec, section in zip(t.sections, r.sections, strict=True):
        label = _section_label(spec, section, words)
        for spec_item, item in zip(spec.items, section.items, strict=True):
            _item_row(s, row, label, spec_item, item, ratings.get(item.code) or {})
            row += 1
        _subtotal_row(s, row, section)
        row += 1
    row = _card_totals(s, row + 1, r)
    _card_signatures(s, row + 2)
    _card_layout(s)
