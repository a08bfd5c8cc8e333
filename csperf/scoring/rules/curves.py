"""``linear``: a score read off a line through [value, score] points."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from csperf.kernel.problems import Problem
from csperf.scoring import explain as X
from csperf.scoring.numbers import plain
from csperf.scoring.rules.base import RuleKind, ScoreContext, Scored, Words


class LinearKind(RuleKind):
    name = "linear"

    def score(self, rule: Any, value: Any, ctx: ScoreContext) -> Scored:
        x, pts = value, rule.points
        if x < pts[0][0]:
            below = rule.below if rule.below is not None else pts[0][1]
            return Scored(
                below,
                f"{plain(x, 6)} < {plain(pts[0][0])} -> {plain(below)}",
                parts=X.linear(x, "below", pts[0][0]),
            )
        if x >= pts[-1][0]:
            return Scored(
                pts[-1][1],
                f"{plain(x, 6)} >= {plain(pts[-1][0])} -> {plain(pts[-1][1])}",
                parts=X.linear(x, "above", pts[-1][0]),
            )
        for (x0, y0), (x1, y1) in itertools.pairwise(pts):
            if x0 <= x < x1:
                y = y0 + (y1 - y0) * (x - x0) / (x1 - x0)
                return Scored(
                    y,
                    f"{plain(x, 6)} between {plain(x0)} and {plain(x1)} -> {plain(y, 4)}",
                    parts=X.linear(x, "between", x0, x1),
                )
        raise AssertionError("unreachable")  # pragma: no cover

    def describe(self, rule: Any, words: Words) -> str:
        fmt = words.fmt
        pts = ", ".join(f"{fmt(x)}→{plain(y)}分" for x, y in rule.points)
        below = (
            f"; 低于{fmt(rule.points[0][0])}得{plain(rule.below)}分"
            if rule.below is not None
            else ""
        )
        return f"分段线性: {pts}, 之间按比例{below}"

    def problems(self, rule: Any, *, path: str, scale: Decimal) -> Iterable[Problem]:
        for i in range(1, len(rule.points)):
            if rule.points[i][0] <= rule.points[i - 1][0]:
                yield Problem(f"{path}.points[{i}]", "values must be strictly increasing")
