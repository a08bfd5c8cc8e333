"""``formula``: a score computed by an expression of the formula language (csperf.scoring.formula)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import Any

from csperf.kernel.problems import Problem
from csperf.scoring import explain as X
from csperf.scoring import numbers as N
from csperf.scoring.formula import (
    FormulaRuntimeError,
    FormulaSyntaxError,
    MissingName,
    compile_formula,
)
from csperf.scoring.inputs import Employee
from csperf.scoring.numbers import plain
from csperf.scoring.rules import words as W
from csperf.scoring.rules.base import MissingValue, RuleKind, ScoreContext, Scored, Words, statistic

PEER_MEAN = "peer_mean"


class FormulaKind(RuleKind):
    name = "formula"
    computed = True

    def input_names(self, rule: Any) -> Iterable[str]:
        return rule.expr.values

    def peer_statistics(
        self,
        rule: Any,
        samples: Sequence[tuple[Employee, Decimal | None]],
        group_of: Callable[[Employee, str], str | None],
    ) -> dict[str | None, Decimal | None]:
        if PEER_MEAN not in rule.expr.names:
            return {}
        values = [value for _, value in samples if value is not None]
        return {PEER_MEAN: statistic("mean", values)}

    def score(self, rule: Any, value: Any, ctx: ScoreContext) -> Scored:
        env = {
            "value": value,
            "target": ctx.target,
            "full": ctx.full,
            "points": ctx.points,
            PEER_MEAN: ctx.peer_stats.get(PEER_MEAN),
        }
        try:
            result = rule.expr.evaluate(env, ctx.values, ctx.previous())
        except MissingName as missing:
            raise MissingValue(f"no data for {missing.name}") from None
        except FormulaRuntimeError as exc:
            return Scored(
                N.ZERO,
                f"formula error: {exc} -> 0",
                [f"formula error: {exc}"],
                X.formula_error(str(exc)),
            )
        return Scored(
            result,
            f"{rule.expr.text} [value={plain(value, 6)}] -> {plain(result, 4)}",
            parts=X.formula(value),
        )

    def describe(self, rule: Any, words: Words) -> str:
        return f"按公式计算: {W.formula_in_words(rule.expr.text, words.labels)}"

    def problems(self, rule: Any, *, path: str, scale: Decimal) -> Iterable[Problem]:
        if rule.target is None and "target" in rule.expr.names:
            try:  # compiled again without a target, to report where it is used
                compile_formula(rule.expr.text, allow_target=False)
            except FormulaSyntaxError as exc:
                yield Problem(f"{path}.expr", str(exc))
