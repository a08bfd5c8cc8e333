"""A scored card as a printable Excel workbook: one sheet per employee plus a summary (汇总).

Each card has the header (考核期间, 姓名, 岗位, 部门), one row per item (权重/分值, 目标值,
评分标准, 实际值, 得分), section subtotals, 总分, 等级, 排名, 绩效工资 and the signature lines
被考核人 / 考核人 / 复核人 with dates.
"""

from __future__ import annotations

import io
import re
from decimal import Decimal
from typing import Any

import xlsxwriter

from csperf.exports.cells import workbook
from csperf.scoring import EmployeeResult, ScoreRun, describe_rule
from csperf.scoring.describe import describe_target
from csperf.scoring.numbers import plain

KIND_LABELS = {"base": "", "bonus": "加分项", "deduction": "扣分项", "multiplier": "系数"}


def _num(value: Decimal | None) -> float | str:
    return float(value) if value is not None else ""


def _value_text(value: Any) -> str:
    if value is None:
        return "无数据"
    if isinstance(value, dict):
        return ", ".join(f"{k} {plain(v)}" for k, v in value.items()) or "0"
    return plain(value, 6)


def _sheet_name(result: EmployeeResult, used: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", "_", f"{result.id} {result.name or ''}".strip())[:28]
    name, n = base, 2
    while name.lower() in used:
        name = f"{base[:25]}~{n}"
        n += 1
    used.add(name.lower())
    return name


def scorecard_workbook(run: ScoreRun) -> bytes:
    """The whole run as an .xlsx file (bytes)."""
    buffer = io.BytesIO()
    wb = workbook(buffer)  # text is never a formula (csperf.exports.cells)
    f = _Formats(wb)
    _summary_sheet(wb, f, run)
    used: set[str] = {"汇总"}
    for result in run.results:
        _card_sheet(wb, f, run, result, _sheet_name(result, used))
    wb.close()
    return buffer.getvalue()


class _Formats:
    def __init__(self, wb: xlsxwriter.Workbook) -> None:
        font = {"font_name": "等线", "font_size": 10}
        self.title = wb.add_format({**font, "bold": True, "font_size": 14, "align": "center"})
        self.label = wb.add_format({**font, "bold": True, "bg_color": "#F2F2F2", "border": 1})
        self.cell = wb.add_format({**font, "border": 1, "text_wrap": True, "valign": "top"})
        self.number = wb.add_format({**font, "border": 1, "num_format": "0.00", "valign": "top"})
        self.head = wb.add_format(
            {
                **font,
                "bold": True,
                "border": 1,
                "bg_color": "#DDEBF7",
                "align": "center",
                "text_wrap": True,
            }
        )
        self.sub = wb.add_format({**font, "bold": True, "border": 1, "bg_color": "#F2F2F2"})
        self.sub_number = wb.add_format(
            {**font, "bold": True, "border": 1, "bg_color": "#F2F2F2", "num_format": "0.00"}
        )
        self.total = wb.add_format(
            {**font, "bold": True, "border": 1, "font_size": 12, "num_format": "0.00"}
        )
        self.plain = wb.add_format({**font})
        self.sign = wb.add_format({**font, "bottom": 1})


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
        ws.write(row, 0, r.id, f.cell)
        ws.write(row, 1, r.name or "", f.cell)
        ws.write(row, 2, r.team or "", f.cell)
        ws.write(row, 3, r.department or "", f.cell)
        ws.write(row, 4, _num(r.total), f.number)
        ws.write(row, 5, r.grade or "", f.cell)
        ws.write(row, 6, r.rank if r.rank is not None else "", f.cell)
        ws.write(row, 7, r.rank_label or "", f.cell)
        ws.write(row, 8, _num(r.pay), f.number)
        ws.write(row, 9, "; ".join([*r.alerts, *r.flags]), f.cell)
    ws.set_column(0, 3, 12)
    ws.set_column(4, 8, 10)
    ws.set_column(9, 9, 60)
    ws.freeze_panes(3, 2)
    ws.autofilter(2, 0, 2 + len(run.results), len(headers) - 1)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(2)


def _card_sheet(wb: Any, f: _Formats, run: ScoreRun, r: EmployeeResult, name: str) -> None:
    ws = wb.add_worksheet(name)
    t = run.template
    ws.merge_range(0, 0, 0, 7, t.name or t.code, f.title)
    info = [
        ("考核期间", run.period.label),
        ("姓名", r.name or r.id),
        ("岗位", r.position or ""),
        ("部门", " / ".join(x for x in (r.department, r.team) if x)),
    ]
    for i, (label, value) in enumerate(info):
        ws.write(1, i * 2, label, f.label)
        ws.write(1, i * 2 + 1, value, f.cell)
    headers = ["考核维度", "考核项目", "权重/分值", "目标值", "评分标准", "实际值", "得分", "说明"]
    for col, h in enumerate(headers):
        ws.write(3, col, h, f.head)
    row = 4
    for spec, section in zip(t.sections, r.sections, strict=True):
        kind = KIND_LABELS[spec.kind]
        weight = f" (权重 {plain(spec.weight * 100)}%)" if spec.weight is not None else ""
        for spec_item, item in zip(spec.items, section.items, strict=True):
            ws.write(row, 0, f"{section.name}{(' · ' + kind) if kind else ''}{weight}", f.cell)
            ws.write(row, 1, item.name, f.cell)
            ws.write(row, 2, float(item.points), f.number)
            target = item.target if item.target is not None else None
            rule_target = getattr(spec_item.rule, "target", None)
            ws.write(
                row,
                3,
                plain(target)
                if target is not None
                else describe_target(rule_target)
                if rule_target is not None
                else "",
                f.cell,
            )
            ws.write(row, 4, describe_rule(spec_item), f.cell)
            ws.write(row, 5, _value_text(item.value), f.cell)
            ws.write(row, 6, _num(item.contribution), f.number)
            ws.write(row, 7, item.explain, f.cell)
            row += 1
        ws.write(row, 0, f"{section.name} 小计", f.sub)
        ws.write(row, 1, "", f.sub)
        ws.write(row, 2, float(section.full), f.sub_number)
        for col in (3, 4, 5):
            ws.write(row, col, "", f.sub)
        ws.write(row, 6, float(section.score), f.sub_number)
        ws.write(row, 7, "", f.sub)
        row += 1
    row += 1
    summary = [
        ("总分", _num(r.total)),
        ("等级", r.grade or "—"),
        (
            "排名",
            f"{r.rank}" + (f" ({r.rank_label})" if r.rank_label else "")
            if r.rank is not None
            else "—",
        ),
        ("绩效工资", _num(r.pay) if r.pay is not None else "—"),
    ]
    for label, value in summary:
        ws.write(row, 0, label, f.label)
        ws.write(row, 1, value, f.total if isinstance(value, float) else f.cell)
        row += 1
    if r.alerts or r.flags:
        ws.write(row, 0, "预警 / 备注", f.label)
        ws.merge_range(row, 1, row, 7, "; ".join([*r.alerts, *r.flags]), f.cell)
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
    ws.set_column(5, 6, 10)
    ws.set_column(7, 7, 42)
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(3)
