"""Rules scored from raters' ratings: ``levels`` (a level per rater, each worth a score) and
``manual`` (a score per rater within the rule's range). The engine combines the ratings of
the item's raters; the rule says which ratings it accepts and what each is worth."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from csperf.kernel.problems import Problem
from csperf.scoring.numbers import plain
from csperf.scoring.rules import words as W
from csperf.scoring.rules.base import (
    Rating,
    RatingRejected,
    RuleKind,
    ScoreContext,
    Scored,
    Words,
    limits_problems,
    resolve,
)


class _RatedKind(RuleKind):
    rated = True

    def score(self, rule: Any, value: Any, ctx: ScoreContext) -> Scored:
        # the value is the ratings already combined (csperf.scoring.engine)
        return Scored(
            value, f"{ctx.rating_text} -> {plain(value, 4)}", parts=ctx.rating_parts or {}
        )


class LevelsKind(_RatedKind):
    name = "levels"

    def rating(self, rule: Any, rating: Decimal, *, full: Decimal) -> Rating:
        levels = {lv.level: lv for lv in rule.levels}
        if rating != rating.to_integral_value() or int(rating) not in levels:
            raise RatingRejected(
                f"unknown level {plain(rating)} (levels: {', '.join(map(str, levels))})",
                levels=list(levels),
            )
        level = levels[int(rating)]
        return Rating(level.score, f"L{level.level}({plain(level.score)})", level.level)

    def listed_levels(self, rule: Any) -> Sequence[Any]:
        return rule.levels

    def describe(self, rule: Any, words: Words) -> str:
        return "; ".join(
            f"{lv.level}级 {plain(lv.score)}分" + (f" ({lv.anchor})" if lv.anchor else "")
            for lv in rule.levels
        )

    def problems(self, rule: Any, *, path: str, scale: Decimal) -> Iterable[Problem]:
        seen: set[int] = set()
        for i, level in enumerate(rule.levels):
            if level.level in seen:
                yield Problem(f"{path}.levels[{i}].level", f"level {level.level} is listed twice")
            seen.add(level.level)


class ManualKind(_RatedKind):
    name = "manual"

    def rating(self, rule: Any, rating: Decimal, *, full: Decimal) -> Rating:
        low, high = resolve(rule.min, full), resolve(rule.max, full)
        if not low <= rating <= high:
            raise RatingRejected(
                f"score {plain(rating)} is outside {plain(low)}–{plain(high)}", low=low, high=high
            )
        return Rating(rating, plain(rating))

    def rating_range(self, rule: Any, *, full: Decimal) -> tuple[Decimal, Decimal] | None:
        return resolve(rule.min, full), resolve(rule.max, full)

    def describe(self, rule: Any, words: Words) -> str:
        return f"评分人打分, {W.bound(rule.min, words.full)}–{W.bound(rule.max, words.full)}分"

    def problems(self, rule: Any, *, path: str, scale: Decimal) -> Iterable[Problem]:
        return limits_problems(rule, path, scale)
