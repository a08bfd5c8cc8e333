"""A scored run as a readable Chinese table for the terminal."""

from __future__ import annotations

import io
from decimal import Decimal

from rich.console import Console, JustifyMethod
from rich.table import Table

from csperf.scoring import ScoreRun, describe_rule
from csperf.scoring.explain import ZH
from csperf.scoring.flags import names_of, render_all
from csperf.scoring.numbers import plain

SUMMARY_COLUMNS: tuple[tuple[str, JustifyMethod], ...] = (
    ("工号", "left"),
    ("姓名", "left"),
    ("总分", "right"),
    ("等级", "left"),
    ("排名", "right"),
    ("奖惩", "left"),
    ("绩效工资", "right"),
    ("预警", "left"),
)
CARD_COLUMNS: tuple[tuple[str, JustifyMethod], ...] = (
    ("考核项目", "left"),
    ("分值", "right"),
    ("评分标准", "left"),
    ("实际值", "right"),
    ("得分", "right"),
    ("说明", "left"),
)


def _v(value: object) -> str:
    if value is None:
        return "—"
    if isinstance(value, dict):
        return ", ".join(f"{k} {plain(v)}" for k, v in value.items()) or "0"
    return plain(value, 4) if isinstance(value, (Decimal, int)) else str(value)


def render_table(run: ScoreRun, *, width: int | None = None, color: bool = False) -> str:
    out = io.StringIO()
    console = Console(
        file=out, width=width or 140, force_terminal=color, no_color=not color, highlight=False
    )
    t = run.template
    summary = Table(
        title=f"{t.name or t.code}  {run.period.label}  (v{t.version})", title_justify="left"
    )
    for col, justify in SUMMARY_COLUMNS:
        summary.add_column(col, justify=justify)
    for r in run.results:
        summary.add_row(
            r.id,
            r.name or "",
            f"{r.total:.2f}",
            r.grade or "—",
            str(r.rank) if r.rank is not None else "—",
            r.rank_label or "",
            f"{r.pay:.2f}" if r.pay is not None else "—",
            "; ".join(r.alerts),
        )
    console.print(summary)
    for r in run.results:
        card = Table(
            title=f"{r.id} {r.name or ''}  总分 {r.total:.2f}  {r.grade or ''}",
            title_justify="left",
        )
        for col, justify in CARD_COLUMNS:
            card.add_column(col, justify=justify, overflow="fold")
        for spec, section in zip(t.sections, r.sections, strict=True):
            for spec_item, item in zip(spec.items, section.items, strict=True):
                card.add_row(
                    item.name,
                    plain(item.points),
                    describe_rule(spec_item),
                    _v(item.value),
                    f"{item.contribution:.2f}" if item.contribution is not None else "—",
                    item.explain,
                )
            card.add_row(
                f"[b]{section.name} 小计[/b]",
                plain(section.full),
                "",
                "",
                f"[b]{section.score:.2f}[/b]",
                "",
                end_section=True,
            )
        if r.pay is not None:
            card.caption = f"绩效工资 {r.pay:.2f}: {r.pay_explain}"
        if r.flags:
            card.caption = (
                ((card.caption + "\n") if card.caption else "")
                + "备注: "
                + "; ".join(render_all(r.flags, ZH, names_of(run.template)))
            )
        if r.errors:
            card.caption = (
                ((card.caption + "\n") if card.caption else "")
                + "输入错误(本表暂停): "
                + "; ".join(r.errors)
            )
        console.print(card)
    if run.ineligible:
        console.print(
            "不参加本期考核: "
            + "; ".join(f"{x.id} {x.name or ''} ({x.reason})" for x in run.ineligible)
        )
    return out.getvalue()
