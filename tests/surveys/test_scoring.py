"""Survey figures: mappings, the dealer CS index (worked by hand), CSAT, top-2-box, NPS, periods."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from csperf.surveys.definitions import builtin_codes, load_builtin
from csperf.surveys.scoring import (
    Attempt,
    SurveyError,
    answer_score,
    credits,
    cs_by_role,
    dissatisfied,
    figures,
    load_survey,
    nps,
    parse_status,
    period_of,
    rate,
    split_names,
    top2_box,
    weighted_mean_1_5,
)

SALES = load_builtin("dealer-sales")
SERVICE = load_builtin("dealer-service")


def sales_cs(*labels):
    scores = {f"q{i + 1}": answer_score(SALES, lab) for i, lab in enumerate(labels)}
    return cs_by_role(SALES, scores)["sales"]


def test_default_mapping():
    assert [
        answer_score(SALES, x)
        for x in ("很好", "比较满意", "非常满意", "一般", "基本满意", "不满意", "投诉")
    ] == [
        100,
        100,
        100,
        75,
        75,
        25,
        0,
    ]
    assert answer_score(SALES, " 80 ") == 80 and answer_score(SALES, "") is None
    with pytest.raises(ValueError, match="neither a score"):
        answer_score(SALES, "还行吧")
    with pytest.raises(ValueError, match="outside 0–100"):
        answer_score(SALES, 120)


def test_per_survey_mapping_overrides():
    s = load_survey(
        "code: s\nname: S\nkind: dealer\nlabels: {不满意: 10, 还行: 60}\nquestions: [{code: q, weight: 100}]"
    )
    assert (
        answer_score(s, "不满意") == 10
        and answer_score(s, "还行") == 60
        and answer_score(s, "很好") == 100
    )


def test_dealer_sales_worked_example():
    """Sales advisor S01 and S02 (team T1), four questions of 25 points each.

    Feb  G (S01): 一般 一般 一般 一般             = 18.75 × 4               = 75
    Mar  A (S01): 很好 很好 一般 很好             = 25 + 25 + 18.75 + 25    = 93.75
    Mar  B (S01): 比较满意 一般 一般 不满意       = 25 + 18.75 + 18.75 + 6.25 = 68.75
    Mar  C (S01): refused                          -> not in the mean
    Mar  D (S01): unreachable                      -> not in the mean
    Mar  E (S01): 投诉 一般 很好 很好             = 0 + 18.75 + 25 + 25     = 68.75
    Mar  H (S02): 很好 很好 很好 一般             = 93.75
    Apr  F (S01): 很好 × 4                         = 100

    S01 March   = (93.75 + 68.75 + 68.75) / 3 = 77.0833…; success 3 of 5 attempts = 60%
    S01 Q1      = (75 + 93.75 + 68.75 + 68.75) / 4 = 76.5625 (not the mean of the monthly means)
    S01 2026    = (306.25 + 100) / 5 = 81.25
    T1 March    = (93.75 + 68.75 + 68.75 + 93.75) / 4 = 81.25
    """
    rows = [
        ("S01", "2026-02-10", "completed", ("一般", "一般", "一般", "一般")),
        ("S01", "2026-03-02", "completed", ("很好", "很好", "一般", "很好")),
        ("S01", "2026-03-05", "completed", ("比较满意", "一般", "一般", "不满意")),
        ("S01", "2026-03-06", "refused", None),
        ("S01", "2026-03-07", "unreachable", None),
        ("S01", "2026-03-20", "completed", ("投诉", "一般", "很好", "很好")),
        ("S02", "2026-03-21", "completed", ("很好", "很好", "很好", "一般")),
        ("S01", "2026-04-03", "completed", ("很好", "很好", "很好", "很好")),
    ]
    cs = [sales_cs(*ans) if ans else None for *_x, ans in rows]
    assert cs == [D(75), D("93.75"), D("68.75"), None, None, D("68.75"), D("93.75"), D(100)]
    attempts = [
        Attempt(who, dt.date.fromisoformat(day), status, cs=c)
        for (who, day, status, _a), c in zip(rows, cs, strict=True)
    ]
    month = figures(attempts, "month")
    mar = month[("S01", "2026-03")]
    assert (mar.attempts, mar.completed, mar.refused, mar.unreachable) == (5, 3, 1, 1)
    assert round(mar.cs_mean, 4) == D("77.0833") and mar.success_rate == D("0.6")
    assert figures(attempts, "quarter")[("S01", "2026-Q1")].cs_mean == D("76.5625")
    assert figures(attempts, "year")[("S01", "2026")].cs_mean == D("81.25")
    team = [Attempt("T1", a.day, a.status, cs=a.cs) for a in attempts]
    assert figures(team, "month")[("T1", "2026-03")].cs_mean == D("81.25")


def test_dealer_after_sales_worked_example():
    """Repairs with per-role questions and a workshop score shared by every team on the job.

    R1: advisor A01, technicians T01 (机电组) and T02 (钣喷组), teams 机电组 and 钣喷组.
        a1 很好 100, a2 一般 75, t1 比较满意 100, w1 一般 75.
        advisor CS = (25 × 1 + 25 × 0.75) / 50 × 100 = 87.5
        technician CS = 25 × 1 / 25 × 100 = 100 (both technicians)
        workshop = 25 × 0.75 / 25 × 100 = 75, for 机电组 and for 钣喷组
    R2: advisor A01, technician T01, team 机电组.
        a1 不满意 25, a2 很好 100, t1 一般 75, w1 很好 100.
        advisor (6.25 + 25) / 50 × 100 = 62.5; T01 75; 机电组 workshop 100.
    Means: A01 (87.5 + 62.5) / 2 = 75; T01 (100 + 75) / 2 = 87.5; T02 100;
           机电组 (75 + 100) / 2 = 87.5; 钣喷组 75.
    """

    def run(answers, people):
        scores = {k: answer_score(SERVICE, v) for k, v in answers.items()}
        return credits(SERVICE, scores, people)

    r1 = run(
        {"a1": "很好", "a2": "一般", "t1": "比较满意", "w1": "一般"},
        {"advisor": ["A01"], "technician": ["T01", "T02"], "workshop": ["机电组", "钣喷组"]},
    )
    r2 = run(
        {"a1": "不满意", "a2": "很好", "t1": "一般", "w1": "很好"},
        {"advisor": ["A01"], "technician": ["T01"], "workshop": ["机电组"]},
    )
    got = {(c.role, c.subject): c.cs for c in r1}
    assert got == {
        ("advisor", "A01"): D("87.5"),
        ("technician", "T01"): D(100),
        ("technician", "T02"): D(100),
        ("workshop", "机电组"): D(75),
        ("workshop", "钣喷组"): D(75),
    }
    assert all(c.team for c in r1 if c.role == "workshop")
    day = dt.date(2026, 3, 9)
    f = figures([Attempt(c.subject, day, "completed", cs=c.cs) for c in r1 + r2])
    assert {k[0]: v.cs_mean for k, v in f.items()} == {
        "A01": D(75),
        "T01": D("87.5"),
        "T02": D(100),
        "机电组": D("87.5"),
        "钣喷组": D(75),
    }
    assert dissatisfied(SERVICE, {"a1": D(25), "a2": D(100)}, None) == ["服务顾问接待与问诊: 25"]


def test_blank_answers_leave_the_weights():
    assert cs_by_role(SALES, {"q1": D(100), "q2": D(75), "q3": None}) == {"sales": D("87.5")}
    assert cs_by_role(SALES, {}) == {}


def test_csat_weighted_mean_top2_and_nps():
    """Ratings 5, 5, 4, 3, 1 (and a refusal, excluded): (1 + 3 + 4 + 5 + 5) / 5 = 3.6; top-2-box
    3 of 5 = 60%. NPS answers 10, 9, 8, 6, 3: 2 promoters, 2 detractors -> 0; 10, 10, 9, 7, 0 ->
    (3 − 1) / 5 = +40."""
    assert weighted_mean_1_5({1: 1, 3: 1, 4: 1, 5: 2}) == D("3.6")
    assert top2_box([5, 5, 4, 3, 1]) == D("0.6")
    assert nps([10, 9, 8, 6, 3]) == 0 and nps([10, 10, 9, 7, 0]) == 40
    day = dt.date(2026, 3, 1)
    att = [
        Attempt("E1", day, "completed", rating=r, nps=n)
        for r, n in zip([5, 5, 4, 3, 1], [10, 9, 8, 6, 3], strict=True)
    ]
    att.append(Attempt("E1", day, "refused", rating=1, nps=0))
    f = figures(att)[("E1", "2026-03")]
    assert (f.csat_mean, f.csat_top2, f.nps, f.attempts, f.completed) == (
        D("3.6"),
        D("0.6"),
        0,
        6,
        5,
    )


def test_empty_and_invalid():
    assert weighted_mean_1_5({}) is None and top2_box([]) is None and nps([]) is None
    assert rate(3, 0) is None and rate(9, 10) == D("0.9")
    with pytest.raises(ValueError):
        weighted_mean_1_5({6: 1})
    with pytest.raises(ValueError):
        nps([11])
    with pytest.raises(ValueError, match="unknown status"):
        figures([Attempt("x", dt.date(2026, 1, 1), "lost")])


@given(st.lists(st.integers(0, 10), min_size=1, max_size=50))
def test_nps_bounds(values):
    assert -100 <= nps(values) <= 100


def test_periods():
    d = dt.date(2026, 3, 26)
    assert period_of(d, "month") == "2026-03"
    assert period_of(d, "month", start_day=26) == "2026-04"
    assert period_of(dt.date(2026, 12, 27), "month", start_day=26) == "2027-01"
    assert period_of(d, "quarter") == "2026-Q1" and period_of(d, "quarter", 26) == "2026-Q2"
    assert period_of(d, "year") == "2026"
    with pytest.raises(ValueError):
        period_of(d, "week")


def test_status_words():
    assert parse_status("拒访") == "refused" and parse_status("成功") == "completed"
    assert parse_status("未接通") == "unreachable"
    with pytest.raises(ValueError, match="not a status"):
        parse_status("可能")


def test_split_names():
    assert split_names("机电组、钣喷组") == ["机电组", "钣喷组"]
    assert split_names("E1, E2,E1") == ["E1", "E2"] and split_names(None) == []


def test_builtins():
    assert builtin_codes() == ["dealer-sales", "dealer-service", "hotline-csat"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("- 1", "must be a mapping"),
        ("code: X\nname: n\nquestions: [{code: q}]", "code: is required"),
        ("code: x\nname: n\nkind: poll\nquestions: [{code: q}]", "kind: must be one of"),
        ("code: x\nname: n\nkind: dealer", "needs its questions"),
        ("code: x\nname: n\nquestions: [{code: q, weight: 0}]", "weight: must be above 0"),
        ("code: x\nname: n\nquestions: [{code: q}, {code: q}]", "defined twice"),
        (
            "code: x\nname: n\nlabels: {好: 120}\nquestions: [{code: q}]",
            "labels.好: must be a score",
        ),
        (
            "code: x\nname: n\nquestions: [{code: q, role: boss}]",
            "role 'boss', which roles does not define",
        ),
        (
            "code: x\nname: n\nroles: {r: 1}\nquestions: [{code: q}]",
            "roles.r: must give the import column",
        ),
        ("code: x\nname: n\nfollowup_days: -1\nquestions: [{code: q}]", "followup_days"),
    ],
)
def test_survey_validation(text, message):
    with pytest.raises(SurveyError) as exc:
        load_survey(text, source="s.yaml")
    assert message in str(exc.value), str(exc.value)
