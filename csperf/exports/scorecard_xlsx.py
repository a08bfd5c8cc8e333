"""A scored card as a printable Excel workbook: one sheet per employee plus a summary (汇总).

Each card has the header (考核期间, 姓名, 岗位, 部门), one row per item (权重/分值, 目标值,
评分标准 in words, 实际值, the raters' columns 自评 / 上级 / 复评 … where the template has raters,
得分, 说明 in plain language), section subtotals, 总分, 等级, 排名, 绩效工资 and the signature
lines 被考核人 / 考核人 / 复核人 with dates. Numbers are stored as numbers: values and targets of a
percentage unit with a percentage format, scores rounded to 2 decimals as the results are.
"""

from __future__ import annotations

import io
import re
from decimal import Decimal
from typing import Any

import xlsxwriter

from csperf.exports.cells import workbook, write_cell
from csperf.scoring import EmployeeResult, ScoreRun, describe_rule
from csperf.scoring import numbers as N
from csperf.scoring.describe import describe_target
from csperf.scoring.explain import ZH, render, role_label
from csperf.scoring.numbers import plain

KIND_LABELS = {"base": "", "bonus": "加分项", "deduction": "扣分项", "multiplier": "系数"}
SCORE_FORMAT = "0.00"  # results carry 2 decimals (the contract rounds once, half-up)


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


def _value_text(value: Any) -> str:
    if value is None:
        return "无数据"
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


def scorecard_workbook(run: ScoreRun, lang: str = ZH) -> bytes:
    """The whole run as an .xlsx file (bytes); explanations in ``lang`` (zh-Hans by default)."""
    buffer = io.BytesIO()
    wb = workbook(buffer)  # text is never a formula (csperf.exports.cells)
    f = _Formats(wb)
    _summary_sheet(wb, f, run)
    used: set[str] = {"汇总"}
    ratings = {e.id: e.ratings for e in run.inputs.employees} if run.inputs else {}
    for result in run.results:
        sheet = _sheet_name(result, used)
        _card_sheet(wb, f, run, result, sheet, ratings.get(result.id) or {}, lang)
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


def _summary_sheet(wb: Any, f: _Formats, run: ScoreRun) -> None:
    ws = wb.add_worksheet("汇总")
    t = run.template
    ws.merge_range(0, 0, 0, 9, f"{t.name or t.code} — {run.period.label} 考核汇总表", f.title)
    headers = [
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
    ]
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
        write_cell(ws, row, 9, "; ".join([*r.alerts, *r.flags]), f.cell)
    ws.set_column(0, 3, 12)
    ws.set_column(4, 8, 10)
    ws.set_column(9, 9, 60)
    ws.freeze_panes(3, 2)
    ws.autofilter(2, 0, 2 + len(run.results), len(headers) - 1)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(2)


def card_columns(roles: list[str], lang: str = ZH) -> list[str]:
    """The card's columns, shared by the xlsx and the PDF card: the raters' columns (自评 / 上级
    / 复评 …) stand between 实际值 and 得分 when the template has raters."""
    return [
        "考核维度",
        "考核项目",
        "权重/分值",
        "目标值",
        "评分标准",
        "实际值",
        *[role_label(r, lang) for r in roles],
        "得分",
        "说明",
    ]


def _write_value(ws: Any, f: _Formats, row: int, col: int, value: Any, percent: bool) -> None:
    """A value or target: a number with its format when it is one, else text."""
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        d = Decimal(value)
        ws.write_number(row, col, float(d), f.numeric(number_format(d, percent)))
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


def _card_sheet(
    wb: Any,
    f: _Formats,
    run: ScoreRun,
    r: EmployeeResult,
    name: str,
    ratings: dict[str, Any],
    lang: str,
) -> None:
    ws = wb.add_worksheet(name)
    t = run.template
    roles = t.rater_roles()
    kinds, labels = kind_names(), input_labels(t)
    headers = card_columns(roles, lang)
    last = len(headers) - 1
    score_col, explain_col = last - 1, last
    ws.merge_range(0, 0, 0, last, t.name or t.code, f.title)
    info = [
        ("考核期间", run.period.label),
        ("姓名", r.name or r.id),
        ("岗位", r.position or ""),
        ("部门", " / ".join(x for x in (r.department, r.team) if x)),
    ]
    for i, (label, value) in enumerate(info):
        write_cell(ws, 1, i * 2, label, f.label)
        write_cell(ws, 1, i * 2 + 1, value, f.cell)
    for col, h in enumerate(headers):
        ws.write(3, col, h, f.head)
    row = 4
    for spec, section in zip(t.sections, r.sections, strict=True):
        kind = KIND_LABELS[spec.kind]
        weight = f"（权重 {plain(spec.weight * 100)}%）" if spec.weight is not None else ""
        for spec_item, item in zip(spec.items, section.items, strict=True):
            unit = spec_item.unit
            percent = bool(unit is not None and unit.percent)
            write_cell(
                ws, row, 0, f"{section.name}{('（' + kind + '）') if kind else ''}{weight}", f.cell
            )
            write_cell(ws, row, 1, item.name, f.cell)
            _write_value(ws, f, row, 2, item.points, False)
            rule_target = getattr(spec_item.rule, "target", None)
            if item.target is not None:
                _write_value(ws, f, row, 3, item.target, percent)
            else:
                write_cell(
                    ws,
                    row,
                    3,
                    describe_target(rule_target) if rule_target is not None else "",
                    f.cell,
                )
            write_cell(ws, row, 4, describe_rule(spec_item, kinds, labels), f.cell)
            if isinstance(item.value, dict) or item.value is None:
                write_cell(ws, row, 5, _value_text(item.value), f.cell)
            else:
                _write_value(ws, f, row, 5, item.value, percent)
            given = ratings.get(item.code) or {}
            for k, role in enumerate(roles):
                cell = _rating_cell(given.get(role)) if role in spec_item.entry_roles else ""
                if isinstance(cell, (int, float, Decimal)):
                    _write_value(ws, f, row, 6 + k, Decimal(str(cell)), False)
                else:
                    write_cell(ws, row, 6 + k, cell, f.cell)
            write_cell(ws, row, score_col, _num(item.contribution), f.number)
            write_cell(
                ws, row, explain_col, render(item.explain_parts, lang) or item.explain, f.cell
            )
            row += 1
        write_cell(ws, row, 0, f"{section.name} 小计", f.sub)
        for col in range(1, last + 1):
            ws.write_blank(row, col, None, f.sub)
        ws.write_number(row, 2, float(section.full), f.sub_number)
        ws.write_number(row, score_col, float(N.round2(section.score)), f.sub_number)
        row += 1
    row += 1
    summary: list[tuple[str, Any, Any]] = [
        ("总分", _num(r.total), f.total),
        ("等级", r.grade or "—", f.cell),
        (
            "排名",
            f"{r.rank}" + (f"（{r.rank_label}）" if r.rank_label else "")
            if r.rank is not None
            else "—",
            f.cell,
        ),
        ("绩效工资", _num(r.pay) if r.pay is not None else "—", f.numeric("#,##0.00")),
    ]
    for label, value, fmt in summary:
        write_cell(ws, row, 0, label, f.label)
        write_cell(ws, row, 1, value, fmt if isinstance(value, float) else f.cell)
        row += 1
    if r.alerts or r.flags:
        write_cell(ws, row, 0, "预警 / 备注", f.label)
        ws.merge_range(row, 1, row, last, "; ".join([*r.alerts, *r.flags]), f.cell)
        row += 1
    row += 2
    for label in ("被考核人", "考核人", "复核人"):
        ws.write(row, 0, f"{label}(签字):", f.plain)
        ws.write(row, 1, "", f.sign)
        ws.write(row, 2, "", f.sign)
        ws.write(row, 4, "日期:", f.plain)
        ws.write(row, 5, "", f.sign)
        row += 2
    ws.set_column(0, 0, 16)
    ws.set_column(1, 1, 18)
    ws.set_column(2, 3, 10)
    ws.set_column(4, 4, 40)
    ws.set_column(5, 5, 10)
    if roles:
        ws.set_column(6, 5 + len(roles), 8)
    ws.set_column(score_col, score_col, 10)
    ws.set_column(explain_col, explain_col, 48)
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(3)
