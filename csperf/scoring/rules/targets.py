"""Rules that compare the value with a target: ``step`` (points per step short of or beyond
the target) and ``ratio`` (the share of the target achieved, times the scale)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from csperf.kernel.problems import Problem
from csperf.scoring import explain as X
from csperf.scoring import numbers as N
from csperf.scoring.numbers import plain
from csperf.scoring.rules import words as W
from csperf.scoring.rules.base import (
    InputProblem,
    RuleKind,
    ScoreContext,
    Scored,
    Words,
    limits_problems,
    positive,
    positive_target_problems,
    resolve,
)


def _round_steps(steps: Decimal, rounding: str) -> Decimal:
    if rounding == "ceil":
        return N.ceil(steps)
    if rounding == "floor":
        return N.floor(steps)
    return steps


def _target(ctx: ScoreContext) -> Decimal:
    # an item whose target cannot be resolved is reported before its rule is applied
    assert ctx.target is not None
    return ctx.target


class StepKind(RuleKind):
    name = "step"

    def score(self, rule: Any, value: Any, ctx: ScoreContext) -> Scored:
        x, target, full = value, _target(ctx), ctx.full
        if rule.better == "higher":
            short, excess = max(N.ZERO, target - x), max(N.ZERO, x - target)
        else:
            short, excess = max(N.ZERO, x - target), max(N.ZERO, target - x)
        short_steps = _round_steps(short / rule.step, rule.rounding)
        excess_steps = _round_steps(excess / rule.step, rule.rounding)
        start = resolve(rule.start, full)
        raw = start - rule.per_step * short_steps + rule.bonus_per_step * excess_steps
        result = N.clamp(raw, resolve(rule.min, full), resolve(rule.max, full))
        text = f"{plain(x, 6)} vs target {plain(target)}"
        if short_steps:
            worse = "short" if rule.better == "higher" else "over"
            text += f": {plain(short_steps, 4)} steps {worse} x {plain(rule.per_step)}"
        elif excess_steps and rule.bonus_per_step:
            text += f": {plain(excess_steps, 4)} steps better x {plain(rule.bonus_per_step)}"
        text += f" from {plain(start)}"
        if result != raw:
            text += f" = {plain(raw, 4)}, limited"
        parts = X.step(rule, x, target, short_steps, excess_steps, start, result != raw)
        return Scored(result, f"{text} -> {plain(result, 4)}", parts=parts)

    def describe(self, rule: Any, words: Words) -> str:
        fmt, full = words.fmt, words.full
        direction = "每低" if rule.better == "higher" else "每高"
        text = f"目标 {words.target(rule.target)}, {direction}{fmt(rule.step)}扣{plain(rule.per_step)}分"
        if rule.bonus_per_step:
            text += f", 每超{fmt(rule.step)}加{plain(rule.bonus_per_step)}分"
        if rule.rounding != "exact":
            text += " (不足一档按一档计)" if rule.rounding == "ceil" else " (不足一档不计)"
        return text + f", 最低{W.bound(rule.min, full)}分, 最高{W.bound(rule.max, full)}分"

    def problems(self, rule: Any, *, path: str, scale: Decimal) -> Iterable[Problem]:
        yield from positive(rule.step, f"{path}.step")
        if rule.per_step < 0:
            yield Problem(f"{path}.per_step", "must not be negative (it is removed per step short)")
        if rule.bonus_per_step < 0:
            yield Problem(f"{path}.bonus_per_step", "must not be negative")
        yield from limits_problems(rule, path, scale)


class RatioKind(RuleKind):
    name = "ratio"
    implied_unit = "ratio"

    def score(self, rule: Any, value: Any, ctx: ScoreContext) -> Scored:
        x, target = value, _target(ctx)
        if target <= 0:
            raise InputProblem(ctx.target_path, "a ratio target must be greater than 0")
        if rule.better == "higher":
            ratio = x / target
            text = f"{plain(x, 6)} / {plain(target)} = {plain(ratio, 4)}"
        elif x == 0:
            ratio = rule.cap
            text = "value 0"
        else:
            ratio = target / x
            text = f"{plain(target)} / {plain(x, 6)} = {plain(ratio, 4)}"
        capped = None
        if ratio > rule.cap:
            text += f", capped at {plain(rule.cap)}"
            capped = rule.cap
        parts = X.ratio(x, target, rule.better, ratio, capped)
        result = ctx.full * min(ratio, rule.cap)
        return Scored(result, f"{text} -> {plain(result, 4)}", parts=parts)

    def describe(self, rule: Any, words: Words) -> str:
        how = "实际/目标" if rule.better == "higher" else "目标/实际"
        return f"完成率({how}, 目标 {words.target(rule.target)}) × 满分, 封顶{W.percent(rule.cap)}"

    def problems(self, rule: Any, *, path: str, scale: Decimal) -> Iterable[Problem]:
        yield from positive(rule.cap, f"{path}.cap")
        yield from positive_target_problems(rule.target, f"{path}.target")
