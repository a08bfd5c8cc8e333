"""Rules that pick the first band a number falls in: ``tiers`` (the value itself) and
``relative`` (the value over a statistic of the peers')."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import Any

from csperf.kernel.problems import Problem
from csperf.scoring import explain as X
from csperf.scoring import numbers as N
from csperf.scoring.inputs import Employee
from csperf.scoring.model import Condition, TierEntry
from csperf.scoring.numbers import plain
from csperf.scoring.rules import words as W
from csperf.scoring.rules.base import (
    MissingValue,
    RuleKind,
    ScoreContext,
    Scored,
    Words,
    condition_problems,
    statistic,
)


def condition_text(entry: Condition, shown: str) -> str:
    """A band in the machine form: ``0.70 >= 0.65``; ``0.3 (otherwise)`` for the fallback."""
    parts = []
    for op, sym in (("gte", ">="), ("gt", ">"), ("lte", "<="), ("lt", "<")):
        bound = getattr(entry, op)
        if bound is not None:
            parts.append(f"{sym} {plain(bound)}")
    return f"{shown} {' and '.join(parts)}" if parts else f"{shown} (otherwise)"


def first_tier(tiers: list[TierEntry], x: Decimal, shown: str) -> Scored:
    """The score of the first tier ``x`` falls in; 0 (flagged) when none matches."""
    for entry in tiers:
        if entry.holds(x):
            return Scored(
                entry.score,
                f"{condition_text(entry, shown)} -> {plain(entry.score)}",
                parts=X.tiers(x, entry),
            )
    return Scored(N.ZERO, f"{shown}: no match -> 0", ["no tier matches -> 0"], X.tiers(x, None))


class TiersKind(RuleKind):
    name = "tiers"

    def score(self, rule: Any, value: Any, ctx: ScoreContext) -> Scored:
        return first_tier(rule.tiers, value, plain(value, 6))

    def describe(self, rule: Any, words: Words) -> str:
        return W.tiers(rule.tiers, fmt=words.fmt)

    def problems(self, rule: Any, *, path: str, scale: Decimal) -> Iterable[Problem]:
        return condition_problems(rule.tiers, f"{path}.tiers", "tier")


_STAT_WORDS = {"mean": "平均", "median": "中位数", "max": "最高"}
_PEER_WORDS = {"team": "班组", "department": "部门", "all": "全体"}


class RelativeKind(RuleKind):
    name = "relative"

    def peer_statistics(
        self,
        rule: Any,
        samples: Sequence[tuple[Employee, Decimal | None]],
        group_of: Callable[[Employee, str], str | None],
    ) -> dict[str | None, Decimal | None]:
        groups: dict[str | None, list[Decimal]] = defaultdict(list)
        for emp, value in samples:
            if value is not None:
                groups[group_of(emp, rule.peers)].append(value)
        return {key: statistic(rule.stat, values) for key, values in groups.items()}

    def score(self, rule: Any, value: Any, ctx: ScoreContext) -> Scored:
        stat = ctx.peer_stats.get(ctx.group(rule.peers))
        if stat is None or stat == 0:
            raise MissingValue(f"peer {rule.stat} is 0", flag=True, value=value)
        ratio = value / stat
        scored = first_tier(
            rule.tiers,
            ratio,
            f"{plain(value, 6)} / {rule.stat} {plain(stat, 4)} = {plain(ratio, 4)}",
        )
        scored.parts = X.relative(value, rule.peers, rule.stat, stat, ratio, scored.parts)
        return scored

    def describe(self, rule: Any, words: Words) -> str:
        stat, peers = _STAT_WORDS[rule.stat], _PEER_WORDS[rule.peers]
        return f"与{peers}{stat}之比: " + W.tiers(rule.tiers, fmt=W.percent)

    def problems(self, rule: Any, *, path: str, scale: Decimal) -> Iterable[Problem]:
        return condition_problems(rule.tiers, f"{path}.tiers", "tier")
