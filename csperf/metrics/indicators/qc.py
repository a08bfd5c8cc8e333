"""Quality indicators (category ``quality``) from QC reviews and test calls (拨测): the score, pass
rate, reviews done, consistency of rechecks, failed reviews, fatal errors, test calls and a team
leader's recording reviews (录音监听). ``by`` chooses whose figure it is: the inspected agent's or
the inspector's.

The final score of a review is its recheck score when there is one (复检为准), else its score; a
review's 百分制 score is final ÷ max score × 100."""

from __future__ import annotations

from decimal import Decimal

import ibis
import ibis.expr.datatypes as dt

from csperf.metrics.indicators.model import (
    Agg,
    Indicator,
    Param,
    on_roster,
    ratio,
    total,
    truthy,
)


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
P_AVERAGE = Param(
    name="average",
    default="reviews",
    kind="str",
    doc="reviews: the mean of each review's 百分制 score (final ÷ max × 100, to 6 decimals); "
    "max_score: Σ final ÷ Σ max × 100 (a review weighs by its max score)",
    choices=("reviews", "max_score"),
)
P_ORIGIN = Param(
    name="origin",
    default="any",
    kind="str",
    doc="who made the test calls: third_party 第三方, group 集团, internal 内部/个人, any",
    choices=("any", "internal", "third_party", "group"),
)
P_DIMENSION = Param(
    name="dimension",
    default="any",
    kind="str",
    doc="the test-call dimension scored: communication 沟通能力, service 服务意识, online "
    "在线处理能力, marketing 营销能力, overall 综合 (rows without one), any",
    choices=("any", "communication", "service", "online", "marketing", "overall"),
)


def _dec(x) -> ibis.Value:
    """A decimal parameter as a typed literal (ClickHouse needs the precision spelled out)."""
    return ibis.literal(Decimal(str(x)), type=dt.Decimal(18, 6))


def _subject_by(c):
    return "inspector_id" if c.p.get("by") == "inspector" else "agent_id"


def _inspector(c):
    return "inspector_id"


def _supervisor(c):
    return "supervisor"


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
        & (_final_score(t, c) >= t.max_score * _dec(c.p["pass_ratio"]))
    )


def _unqualified(t, c):
    """A failed review: a fatal error, or a final 百分制 score below the pass score
    (final × 100 < pass score × max: exact, no division)."""
    below = _final_score(t, c) * 100 < t.max_score * _dec(c.p["pass_score"])
    return _review(t) & (truthy(t.fatal) | truthy(below))


def _problem(t, c):
    """A review that found a problem (问题录音): a fatal error or a final score below the max."""
    return _review(t) & (truthy(t.fatal) | truthy(_final_score(t, c) < t.max_score))


def _rechecked_within_tolerance(t, c):
    return (
        _review(t)
        & t.recheck_score.notnull()
        & ((t.recheck_score - t.score).abs() <= t.max_score * _dec(c.p["tolerance"]))
    )


def _rechecked(t, c):
    return _review(t) & t.recheck_score.notnull()


def _fatal(t, c):
    return _review(t) & truthy(t.fatal)


def _origin(t, c):
    o = c.p.get("origin", "any")
    return ibis.literal(True) if o == "any" else t.origin == o


def _dimension(t, c):
    d = c.p.get("dimension", "any")
    return ibis.literal(True) if d == "any" else ibis.coalesce(t.dimension, "overall") == d


def _test_calls_of_origin(t, c):
    return (t.kind == "test_call") & _origin(t, c)


def _scored_test_calls(t, c):
    return _test_calls_of_origin(t, c) & _dimension(t, c)


# ---------------------------------------------------------------------------- values


def _max_score(t, c):
    return t.max_score


def _final_x100(t, c):
    return _final_score(t, c) * 100


def _percent(t, c):
    """The review's 百分制 score, final ÷ max × 100, to 6 decimals (the same on every backend)."""
    return ((_final_score(t, c) * 100) / t.max_score).cast(dt.Decimal(18, 6))


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
        formula_zh="每条质检的百分制成绩(最终得分 ÷ 满分 × 100,有复检以复检为准)的平均;"
        "质检员的管控质检成绩(平均)取其所检质检(by=inspector)",
        formula_en="mean of each review's 百分制 score (final ÷ max × 100, the recheck replacing "
        "the first score); an inspector's figure (by=inspector) averages the reviews made",
        parts={
            "numerator": (
                Agg(
                    "qc_reviews",
                    where=_reviews,
                    value=_percent,
                    subject=_subject_by,
                    when=("average", "reviews"),
                ),
                Agg(
                    "qc_reviews",
                    where=_reviews,
                    value=_final_x100,
                    subject=_subject_by,
                    when=("average", "max_score"),
                ),
            ),
            "denominator": (
                Agg("qc_reviews", where=_reviews, subject=_subject_by, when=("average", "reviews")),
                Agg(
                    "qc_reviews",
                    where=_reviews,
                    value=_max_score,
                    subject=_subject_by,
                    when=("average", "max_score"),
                ),
            ),
        },
        combine=ratio(),
        params=(P_RECHECK, P_BY_AGENT, P_AVERAGE),
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
        code="qc_unqualified_count",
        name_zh="质检不合格条数",
        name_en="Reviews failed",
        unit="count",
        direction="lower",
        record="qc_reviews",
        formula_zh="被质检记录中不合格的条数:有致命错误,或最终得分(百分制)低于合格分(默认 60)",
        formula_en="reviews that failed: a fatal error, or a final 百分制 score below the pass "
        "score (60 by default)",
        parts={"value": (Agg("qc_reviews", where=_unqualified, subject=_subject_by),)},
        combine=total(),
        params=(
            Param(
                name="pass_score",
                default=60,
                kind="decimal",
                doc="the pass line on the 百分制 (a final score of exactly this passes); the "
                "centre sets its own [choice: the source gives none]",
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
        formula_zh="质检员完成的质检条数(月度个人质检量;或坐席被检条数)",
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
        formula_zh="复检分与初检分相差不超过容差(满分 × 5%,含)的质检 ÷ 复检过的质检",
        formula_en="rechecked reviews whose recheck differs from the first score by at most the "
        "tolerance (5% of the max score, inclusive) ÷ rechecked reviews",
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
                doc="allowed difference as a share of the max score (inclusive) [choice]",
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
        formula_zh="拨测得分的平均(按拨测自身的分制,如 10 分制;可按来源第三方/集团/内部与维度)",
        formula_en="mean test-call score on the test's own scale (e.g. 10-point), by origin and "
        "dimension",
        parts={
            "numerator": (
                Agg("qc_reviews", where=_scored_test_calls, value=_score, subject=_subject_by),
            ),
            "denominator": (Agg("qc_reviews", where=_scored_test_calls, subject=_subject_by),),
        },
        combine=ratio(),
        params=(P_ORIGIN, P_DIMENSION, P_BY_AGENT),
        category="quality",
    ),
    Indicator(
        code="test_call_count",
        name_zh="拨测量",
        name_en="Test calls made",
        unit="count",
        direction="higher",
        record="qc_reviews",
        formula_zh="质检员本人完成的拨测次数(月度个人拨测量:来源为内部/个人的拨测)",
        formula_en="test calls made by the inspector (internal ones: 个人拨测)",
        parts={"value": (Agg("qc_reviews", where=_test_calls_of_origin, subject=_subject_by),)},
        combine=total(),
        params=(
            Param(
                name="origin",
                default="internal",
                kind="str",
                doc="which test calls count: internal 内部/个人 (the inspector's own), "
                "third_party, group or any",
                choices=("any", "internal", "third_party", "group"),
            ),
            P_BY_INSPECTOR,
        ),
        category="quality",
    ),
    Indicator(
        code="recordings_per_member",
        name_zh="人均监听条数",
        name_en="Recordings reviewed per member",
        unit="count",
        direction="higher",
        record="qc_reviews",
        formula_zh="组长作为质检员监听(质检)的录音条数 ÷ 期内在册的组员数(直接上级为该组长的员工)",
        formula_en="reviews the team leader made as inspector ÷ the leader's members on the "
        "roster in the period (employees whose supervisor is the leader)",
        parts={
            "numerator": (Agg("qc_reviews", where=_reviews, subject=_inspector),),
            "denominator": (Agg("employees", where=on_roster, subject=_supervisor),),
        },
        combine=ratio(),
        params=(),
        category="quality",
        notes="members are the roster rows whose supervisor (直接上级) is the leader; for a team "
        "or department the unit's leaders' reviews ÷ their members",
    ),
    Indicator(
        code="problem_recording_share",
        name_zh="问题录音占比",
        name_en="Share of recordings with a problem",
        unit="ratio",
        direction="higher",
        record="qc_reviews",
        formula_zh="监听发现问题的录音条数(致命错误或最终得分低于满分)÷ 监听录音条数(组长作为质检员)",
        formula_en="reviews that found a problem (a fatal error or a final score below the max) ÷ "
        "reviews made (the team leader as inspector)",
        parts={
            "numerator": (Agg("qc_reviews", where=_problem, subject=_subject_by),),
            "denominator": (Agg("qc_reviews", where=_reviews, subject=_subject_by),),
        },
        combine=ratio(),
        params=(P_RECHECK, P_BY_INSPECTOR),
        category="quality",
    ),
)
