"""Quality indicators (category ``quality``) from QC reviews and test calls: the score, pass rate,
reviews done, consistency of rechecks, fatal errors and test calls. ``by`` chooses whose figure
it is: the inspected agent's or the inspector's."""

from __future__ import annotations

from decimal import Decimal

import ibis

from csperf.metrics.indicators.model import Agg, Indicator, Param, ratio, total, truthy


def _by(default):
    return Param(
        name="by",
        default=default,
        kind="str",
        doc="whose figure: the inspected agent or the inspector",
        choices=("agent", "inspector"),
    )


P_BY_AGENT = _by("agent")
P_BY_INSPECTOR = _by("inspector")
P_RECHECK = Param(
    name="use_recheck",
    default=True,
    kind="bool",
    doc="a recheck score replaces the first score",
)


def _subject_by(c):
    return "inspector_id" if c.p.get("by") == "inspector" else "agent_id"


# ----------------------------------------------------------------------- conditions


def _final_score(t, c):
    return ibis.coalesce(t.recheck_score, t.score) if c.p.get("use_recheck", True) else t.score


def _review(t):
    return t.kind == "review"


def _reviews(t, c):
    return _review(t)


def _passed(t, c):
    return (
        _review(t)
        & ~truthy(t.fatal)
        & (_final_score(t, c) >= t.max_score * Decimal(str(c.p["pass_ratio"])))
    )


def _rechecked_within_tolerance(t, c):
    return (
        _review(t)
        & t.recheck_score.notnull()
        & ((t.recheck_score - t.score).abs() <= t.max_score * Decimal(str(c.p["tolerance"])))
    )


def _rechecked(t, c):
    return _review(t) & t.recheck_score.notnull()


def _fatal(t, c):
    return _review(t) & truthy(t.fatal)


def _origin(t, c):
    o = c.p.get("origin", "any")
    return ibis.literal(True) if o == "any" else t.origin == o


def _test_calls(t, c):
    return t.kind == "test_call"


def _test_calls_of_origin(t, c):
    return (t.kind == "test_call") & _origin(t, c)


# ---------------------------------------------------------------------------- values


def _max_score(t, c):
    return t.max_score


def _score(t, c):
    return t.score


# ------------------------------------------------------------------------ indicators

INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        code="qc_score_mean",
        name_zh="质检成绩",
        name_en="QC score",
        unit="points",
        direction="higher",
        record="qc_reviews",
        formula_zh="质检得分之和 ÷ 满分之和 × 100(有复检以复检为准)",
        formula_en="Σ score ÷ Σ max score × 100 (recheck score when given)",
        parts={
            "numerator": (
                Agg("qc_reviews", where=_reviews, value=_final_score, subject=_subject_by),
            ),
            "denominator": (
                Agg("qc_reviews", where=_reviews, value=_max_score, subject=_subject_by),
            ),
        },
        combine=ratio(scale=100),
        params=(P_RECHECK, P_BY_AGENT),
        category="quality",
    ),
    Indicator(
        code="qc_pass_rate",
        name_zh="质检合格率",
        name_en="QC pass rate",
        unit="ratio",
        direction="higher",
        record="qc_reviews",
        formula_zh="得分 ≥ 满分 × 合格线且无致命错误的质检 ÷ 质检数",
        formula_en="reviews at or above the pass mark without a fatal error ÷ reviews",
        parts={
            "numerator": (Agg("qc_reviews", where=_passed, subject=_subject_by),),
            "denominator": (Agg("qc_reviews", where=_reviews, subject=_subject_by),),
        },
        combine=ratio(),
        params=(
            Param(
                name="pass_ratio",
                default=Decimal("0.8"),
                kind="decimal",
                doc="pass mark as a share of the max score",
            ),
            P_RECHECK,
            P_BY_AGENT,
        ),
        category="quality",
    ),
    Indicator(
        code="qc_count",
        name_zh="质检量",
        name_en="Reviews done",
        unit="count",
        direction="higher",
        record="qc_reviews",
        formula_zh="质检员完成的质检条数(或坐席被检条数)",
        formula_en="reviews done by the inspector (or of the agent)",
        parts={"value": (Agg("qc_reviews", where=_reviews, subject=_subject_by),)},
        combine=total(),
        params=(P_BY_INSPECTOR,),
        category="quality",
    ),
    Indicator(
        code="qc_consistency",
        name_zh="质检吻合度",
        name_en="QC consistency",
        unit="ratio",
        direction="higher",
        record="qc_reviews",
        formula_zh="复检分与初检分相差不超过容差(满分 × 5%)的质检 ÷ 复检过的质检",
        formula_en="rechecked reviews within tolerance ÷ rechecked reviews",
        parts={
            "numerator": (
                Agg("qc_reviews", where=_rechecked_within_tolerance, subject=_subject_by),
            ),
            "denominator": (Agg("qc_reviews", where=_rechecked, subject=_subject_by),),
        },
        combine=ratio(),
        params=(
            Param(
                name="tolerance",
                default=Decimal("0.05"),
                kind="decimal",
                doc="allowed difference as a share of the max score",
            ),
            P_BY_INSPECTOR,
        ),
        category="quality",
    ),
    Indicator(
        code="fatal_errors",
        name_zh="致命错误数",
        name_en="Fatal errors",
        unit="count",
        direction="lower",
        record="qc_reviews",
        formula_zh="有致命错误的质检条数",
        formula_en="reviews with a fatal error",
        parts={"value": (Agg("qc_reviews", where=_fatal),)},
        combine=total(),
        params=(),
        category="quality",
    ),
    Indicator(
        code="test_call_score_mean",
        name_zh="拨测成绩",
        name_en="Test-call score",
        unit="score",
        direction="higher",
        record="qc_reviews",
        formula_zh="拨测得分的平均(可按第三方/集团/内部)",
        formula_en="mean score of test calls (by origin)",
        parts={
            "numerator": (Agg("qc_reviews", where=_test_calls_of_origin, value=_score),),
            "denominator": (Agg("qc_reviews", where=_test_calls_of_origin),),
        },
        combine=ratio(),
        params=(
            Param(
                name="origin",
                default="any",
                kind="str",
                doc="who made the test calls",
                choices=("any", "internal", "third_party", "group"),
            ),
        ),
        category="quality",
    ),
    Indicator(
        code="test_call_count",
        name_zh="拨测量",
        name_en="Test calls made",
        unit="count",
        direction="higher",
        record="qc_reviews",
        formula_zh="质检员完成的拨测次数",
        formula_en="test calls made by the inspector",
        parts={"value": (Agg("qc_reviews", where=_test_calls, subject=_subject_by),)},
        combine=total(),
        params=(P_BY_INSPECTOR,),
        category="quality",
    ),
)
