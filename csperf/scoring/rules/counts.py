"""``per_count``: points per occurrence (one number, or counts by kind), from a start."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import Any

from csperf.kernel.problems import Problem
from csperf.scoring import explain as X
from csperf.scoring import numbers as N
from csperf.scoring.inputs import number
from csperf.scoring.numbers import plain
from csperf.scoring.rules import words as W
from csperf.scoring.rules.base import (
    MissingValue,
    RuleKind,
    ScoreContext,
    Scored,
    Words,
    limits_problems,
    resolve,
    upper,
)

Report = Callable[[str, str], None]


def _counts_by_kind(value: Mapping[Any, Any], path: str, report: Report) -> dict[str, Decimal]:
    counts: dict[str, Decimal] = {}
    for kind, count in value.items():
        if count is None:
            continue
        if isinstance(count, bool) or not isinstance(count, (int, Decimal, float)):
            report(f"{path}.{kind}", "expected a count")
            continue
        if count < 0:
            report(f"{path}.{kind}", "a count cannot be negative")
            continue
        counts[str(kind)] = number(count)
    return counts


def count_value(value: Any, per: Any, path: str, report: Report) -> Any:
    """A count (or counts by kind, when the rule scores kinds) read from the input; bad counts
    are reported and count as none."""
    if isinstance(value, dict):
        counts = _counts_by_kind(value, path, report)
        if not isinstance(per, dict):
            return sum(counts.values(), Decimal(0))
        return counts
    if isinstance(value, bool) or not isinstance(value, (int, Decimal, float)):
        report(path, "expected a count")
        return Decimal(0)
    if value < 0:
        report(path, "a count cannot be negative")
        return Decimal(0)
    if isinstance(per, dict):
        report(path, f"expected counts by kind ({', '.join(per)})")
        return {}
    return number(value)


class PerCountKind(RuleKind):
    name = "per_count"
    counts = True
    implied_unit = "count"

    def counted_by_kind(self, rule: Any) -> bool:
        return isinstance(rule.per, dict)

    def read(self, rule: Any, value: Any, *, path: str, rejected: bool, report: Report) -> Any:
        if value is None and rejected:
            raise MissingValue("value outside its domain")
        if value is None:  # no occurrence reported: none happened
            return Decimal(0) if not isinstance(rule.per, dict) else {}
        return count_value(value, rule.per, path, report)

    def score(self, rule: Any, value: Any, ctx: ScoreContext) -> Scored:
        full = ctx.full
        start, low, high = resolve(rule.start, full), resolve(rule.min, full), upper(rule.max, full)
        flags: list[str] = []
        kinds: dict[str, Decimal] | None = None
        if isinstance(rule.per, dict):
            kinds = {k: value.get(k, N.ZERO) for k in rule.per}
            unknown = sorted(k for k, c in value.items() if k not in rule.per and c)
            if unknown:  # most often a typo in the kind's name: say so rather than score silently
                flags.append(f"kinds not in the rule ignored: {', '.join(unknown)}")
            delta = sum((rule.per[k] * c for k, c in kinds.items()), Decimal(0))
            total_count = sum(value.values(), Decimal(0))  # zero_at counts every kind
            terms = " + ".join(
                f"{k} {plain(c)} x {plain(rule.per[k])}" for k, c in kinds.items() if c
            )
            text = f"{plain(start)} + ({terms or 'none'})"
        else:
            delta = rule.per * value
            total_count = value
            text = f"{plain(start)} + {plain(value, 6)} x {plain(rule.per)}"
        names = rule.extensions.get("x-kinds")
        if rule.zero_at is not None and total_count >= rule.zero_at:
            return Scored(
                low,
                f"{plain(total_count)} >= {plain(rule.zero_at)} occurrences -> {plain(low)}",
                flags,
                X.per_count(
                    total_count,
                    rule.per,
                    start,
                    kinds=kinds,
                    zero_at=rule.zero_at,
                    zeroed=True,
                    names=names,
                ),
            )
        raw = start + delta
        result = N.clamp(raw, low, high)
        if result != raw:
            text += f" = {plain(raw, 4)}, limited"
        parts = X.per_count(
            total_count, rule.per, start, kinds=kinds, limited=result != raw, names=names
        )
        return Scored(result, f"{text} -> {plain(result, 4)}", flags, parts)

    def describe(self, rule: Any, words: Words) -> str:
        full = words.full
        if isinstance(rule.per, dict):
            per = ", ".join(
                f"{W.kind_label(rule, k, words.kind_names)}每次{'加' if v >= 0 else '扣'}"
                f"{plain(abs(v))}分"
                for k, v in rule.per.items()
            )
        else:
            per = f"每次{'加' if rule.per >= 0 else '扣'}{plain(abs(rule.per))}分"
        text = f"起始{W.bound(rule.start, full)}分, {per}"
        if rule.zero_at is not None:
            text += f", {plain(rule.zero_at)}次及以上得{W.bound(rule.min, full)}分"
        return text + f", 范围 {W.bound(rule.min, full)}–{W.bound(rule.max, full)}"

    def problems(self, rule: Any, *, path: str, scale: Decimal) -> Iterable[Problem]:
        if isinstance(rule.per, dict) and not rule.per:
            yield Problem(f"{path}.per", "must name at least one kind")
        if rule.zero_at is not None and rule.zero_at <= 0:
            yield Problem(f"{path}.zero_at", "must be greater than 0")
        yield from limits_problems(rule, path, scale)
